// vLLM: gpu_memory_utilization x memory is the budget; the weights, the profiled activation peak and
// non-torch memory come first; the rest is the paged KV cache, in tokens and concurrent requests.
#include "text.h"
#include "runtimes/profile.h"

#include <algorithm>

#include "plan.h"

namespace neuroshrink {
namespace {

std::string format_refusal(const weight_format& f) {
  if (f.layout != weight_layout::gguf) return {};
  return f.label + " is a llama.cpp file type; pick the llama.cpp runtime, or a format vllm loads.";
}

// --kv-cache-dtype auto: the model dtype (16-bit).
std::string_view default_kv(const weight_format&) { return "fp16"; }

std::string kv_refusal(const kv_dtype& k, const kv_dtype& v) { return refuse_ggml_cache(k, v, "vllm", "vLLM offers fp8 (--kv-cache-dtype fp8)."); }

// One latent row for MLA (its MLA backends); the lightning indexer's keys as fp8 with one fp32 scale per token
// (DeepseekV32IndexerCache, 128 + 4 bytes).
uint64_t bytes_per_token(const plan& p, const layer_spec& l) {
  uint64_t bpt = 0;
  if (l.attention == attention_kind::mla) bpt = kv_row_bytes(p.kv_k, l.k_elements);
  else if (l.attention != attention_kind::none) bpt = kv_row_bytes(p.kv_k, l.k_elements) + kv_row_bytes(p.kv_v, l.v_elements);
  if (l.index_elements) bpt += l.index_elements + 4;
  return bpt;
}

// Paged blocks of 16 tokens per sequence (vllm/config.py CacheConfig.block_size); a sliding layer keeps its
// window and the current token.
uint64_t cached_tokens(const plan& p, uint64_t window, bool local) {
  return pad_up(local ? std::min(window + 1, p.o.context_tokens) : p.o.context_tokens, kVllmBlockSize);
}

bool big_gpu(const estimate_result& r) {
  return r.gpu && r.gpu->memory_bytes >= 70 * (uint64_t{1} << 30) && std::string_view(r.gpu->name).find("A100") == std::string_view::npos;
}

// vLLM's layout: tensor_parallel GPUs in each of pipeline_parallel stages. Stages take consecutive layers
// (vllm/distributed/utils.py get_pp_indices: layers // PP each, the remainder one by one to the stages before the
// last, counting back from the second-to-last); the first holds the embedding, the last the norm and the head,
// and a tied head's embedding on both (llama.py: the last stage builds its own embed_tokens to tie to). Within a
// stage each GPU holds 1/TP of its weights, and of its cache the KV heads it serves: KV heads / TP, at least
// one (QKVParallelLinear replicates a head over TP / KV ranks); MLA's latent is not split.
struct stage {
  uint64_t first = 0, count = 0;
  uint64_t weights = 0, kv = 0, block_bytes = 0;  // per GPU: weights, cache at the request, one 16-token block
  bool embedding = false, head = false;
};

std::vector<uint64_t> stage_sizes(uint64_t layers, uint64_t pp) {
  std::vector<uint64_t> n(pp, layers / pp);
  for (uint64_t i = 2; i < layers % pp + 2; ++i) ++n[pp - i];
  return n;
}

// Expert parallel (--enable-expert-parallel, EP = TP here): whole experts per GPU, the first E % EP GPUs one more
// (vllm/model_executor/layers/fused_moe/config.py); the tightest GPU holds ceil(E / EP) of each layer's experts
// where tensor parallel gives every GPU 1/TP of each. Returns what that adds to the tightest GPU of a stage.
uint64_t expert_remainder(const plan& p, const stage& st, uint64_t tp) {
  const uint64_t E = p.s.num_experts;
  if (!p.o.expert_parallel || !E || E % tp == 0) return 0;
  uint64_t extra = 0;
  for (uint64_t b = st.first; b < st.first + st.count && b < p.weights.blk_experts.size(); ++b) {
    const uint64_t per_expert = p.weights.blk_experts[b] / E;
    extra += per_expert * ((E + tp - 1) / tp) - p.weights.blk_experts[b] / tp;
  }
  return extra;
}

// Data parallel (--data-parallel-size D): each replica holds the attention and dense layers (1/TP on each GPU) and
// serves its own requests from its own KV pool, while a MoE's routed experts are sharded over all D x TP GPUs
// (vllm/model_executor/layers/fused_moe/config.py FusedMoEParallelConfig: whole experts with expert parallel, else
// a slice of each). A replica's GPUs hold the sequences it serves (replica_cache).

std::vector<stage> plan_stages(const plan& p) {
  const estimate_result& r = p.r;
  const uint64_t tp = std::max<uint64_t>(1, r.tensor_parallel), pp = std::max<uint64_t>(1, r.pipeline_parallel), n = p.n_layer;
  const uint64_t dp = std::max<uint64_t>(1, r.data_parallel), ep = dp * tp;
  const uint64_t kv_heads = std::max<uint64_t>(1, p.s.num_key_value_heads), rank_heads = std::max<uint64_t>(1, kv_heads / tp);
  std::vector<stage> out;
  uint64_t first = 0;
  for (const uint64_t count : stage_sizes(n, pp)) {
    stage st{first, count};
    st.embedding = first == 0;
    st.head = first + count == n;
    checked_u64 w, kv, block;
    uint64_t experts = 0;
    for (uint64_t b = first; b < first + count && b < p.s.layers.size(); ++b) {
      const layer_spec& l = p.s.layers[b];
      const bool split = l.attention != attention_kind::mla;  // the latent is whole on every rank
      w.add(layer_weight_bytes(p.weights, b, n));
      experts += b < p.weights.blk_experts.size() ? p.weights.blk_experts[b] : 0;
      const uint64_t cache = b < p.kv_layer.size() ? p.kv_layer[b] : 0;
      kv.add(split ? cache / kv_heads * rank_heads : cache);
      const uint64_t per_token = bytes_per_token(p, l);
      block.add(checked_u64::product({split ? per_token / kv_heads * rank_heads : per_token, kVllmBlockSize}));
    }
    if (st.embedding || (st.head && pp > 1 && p.s.tie_word_embeddings)) w.add(p.weights.embedding);
    if (st.head) w.add(p.weights.output).add(p.weights.other);
    st.weights = (w.value - experts + tp - 1) / tp + (experts + ep - 1) / ep + expert_remainder(p, st, ep);
    st.kv = replica_cache(p, kv.value);
    st.block_bytes = block.value;
    out.push_back(st);
    first += count;
  }
  return out;
}

// The layout's checks, as vLLM makes them: TP x PP is the GPUs, PP at most the layers, TP divides the attention
// heads (vllm/config/model.py verify_with_parallel_config: "Total number of attention heads (h) must be divisible
// by tensor parallel size (t)") and fits the KV heads (split when at least as many as ranks, else replicated: the
// size a multiple of them). The layouts that would work are offered.
bool check_layout(plan& p) {
  estimate_result& r = p.r;
  const uint64_t tp = r.tensor_parallel, pp = r.pipeline_parallel, dp = r.data_parallel, heads = p.s.num_attention_heads, kv = p.s.num_key_value_heads;
  auto works = [&](uint64_t t) { return heads % t == 0 && (!kv || (kv >= t ? kv % t == 0 : t % kv == 0)); };
  if (dp > 1 && r.gpus % dp) {
    std::string divisors;
    for (uint64_t d = 1; d <= r.gpus; ++d)
      if (r.gpus % d == 0) divisors += (divisors.empty() ? "" : ", ") + text_of(d);
    r.issues.push_back({"invalid_layout", "data_parallel", "data_parallel " + text_of(dp) + " does not divide the " + text_of(r.gpus) +
        " GPUs into equal replicas; it takes one of " + divisors + ".", severity::error});
    return false;
  }
  const uint64_t replica = dp ? r.gpus / dp : r.gpus;
  std::string near;
  for (uint64_t t = 1; t <= std::min<uint64_t>(heads, replica); ++t)
    if (replica % t == 0 && works(t) && replica / t <= p.n_layer)
      near += (near.empty() ? "" : ", ") + ((dp > 1 ? "DP " + text_of(dp) + " x " : std::string()) + "TP " + text_of(t) + " x PP " + text_of(replica / t));
  std::string why;
  if (tp * pp * dp != r.gpus)
    why = (dp > 1 ? "data_parallel x " : "") + std::string("tensor_parallel x pipeline_parallel (") + (dp > 1 ? text_of(dp) + " x " : std::string()) + text_of(tp) + " x " + text_of(pp) +
          ") must be the GPUs, " + text_of(r.gpus);
  else if (dp > 1 && pp > 1) why = "data parallel replicas of several pipeline stages are not estimated here; give pipeline_parallel 1";
  else if (pp > p.n_layer) why = "pipeline_parallel " + text_of(pp) + " is more stages than the " + text_of(p.n_layer) + " layers";
  else if (heads && !works(tp))
    why = "vLLM's tensor parallel size must divide the " + text_of(heads) + " attention heads" + (kv ? " and fit the " + text_of(kv) + " KV heads" : std::string()) +
          "; " + text_of(tp) + " does not";
  if (why.empty()) {
    if (p.o.expert_parallel && !p.s.num_experts)
      r.issues.push_back({"expert_parallel_no_experts", "expert_parallel", "expert_parallel places routed experts; this model has none, so it changes nothing.", severity::warning});
    return true;
  }
  const bool size = tp * pp * dp != r.gpus || pp > p.n_layer || (dp > 1 && pp > 1);
  r.issues.push_back({size ? "invalid_layout" : "tensor_parallel_indivisible", p.o.tensor_parallel || size ? "tensor_parallel" : "gpus",
      why + "." + (near.empty() ? std::string(" No layout of these GPUs works.") : " Layouts of these " + text_of(r.gpus) + " GPUs that work: " + near + "."),
      severity::error});
  return false;
}

// The profile run (vllm/v1/worker/gpu_worker.py determine_available_memory; V0 worker.py): one forward pass of
// max_num_batched_tokens tokens T, then a sampler pass over S = max_num_seqs rows. Its peak is the MLP of one
// layer over the batched tokens (fused gate_up [T, 2i] and the activation [T, i] beside the hidden states [T, h]
// x 2, 16-bit) or the sampler's top-k / top-p sort (v1/sample/ops/topk_topp_sampler.py, V0 sampler.py
// _apply_top_k_top_p): beside the final hidden states [T, h] 16-bit, per logit the 16-bit logits (2 bytes), their
// fp32 copy (4), torch.sort's fp32 values and int64 indices (12), its reverse indices (8) and CUB's alternate key
// and value buffers (12): 2 T h + 38 S V. Published: Llama-3-8B under V0 (S 256, T 8192, vllm#10511) 1.26 GiB
// printed for 1.22 (the two fp32 copies this replaced gave 0.98).
constexpr uint64_t kSamplerBytesPerLogit = 2 + 4 + 12 + 8 + 12;  // the sort's live copies of each logit (above)

void add_profile_run(plan& p, uint64_t mbt, uint64_t seqs) {
  const model_spec& s = p.s;
  const uint64_t h = s.hidden_size, i = s.intermediate_size, V = s.vocab_size, gpus_n = std::max<uint64_t>(1, p.r.tensor_parallel);
  const uint64_t ffn = s.num_experts ? std::max(i, s.moe_intermediate_size * std::max<uint64_t>(1, s.experts_per_token)) : i;
  // Tensor parallelism shards the MLP's intermediate over the ranks (MergedColumnParallelLinear /
  // RowParallelLinear, vllm/model_executor/layers/linear.py); the hidden states stay whole on each.
  const uint64_t ffn_rank = ceil_div(ffn, gpus_n);
  const checked_u64 mlp_peak = checked_u64::product({mbt, 3 * ffn_rank + 2 * h, 2});
  checked_u64 sampler_peak = checked_u64::product({std::min(seqs, mbt), V, kSamplerBytesPerLogit});
  sampler_peak.add(checked_u64::product({mbt, h, 2}));
  p.activations.add(mlp_peak.value >= sampler_peak.value ? mlp_peak : sampler_peak);
  p.activations.overflow = p.activations.overflow || mlp_peak.overflow || sampler_peak.overflow;
  if (p.o.explain) p.r.formulas.push_back({"activations", "max(MLP peak " + text_of(mbt) + " tokens x (3 x " + text_of(ffn_rank) +
      (gpus_n > 1 ? " (intermediate / " + text_of(gpus_n) + " ranks)" : std::string()) + " + 2 x " + text_of(h) + ") x 2 bytes, sampler " +
      text_of(std::min(seqs, mbt)) + " x vocab " + text_of(V) + " x 38 + hidden states " + text_of(mbt) + " x " + text_of(h) + " x 2)",
      "vllm/v1/worker/gpu_worker.py determine_available_memory (profile_run with max_num_batched_tokens; dummy sampler run with max_num_seqs: "
      "its top-k / top-p sort, v1/sample/ops/topk_topp_sampler.py)"});
}

// Capacity: each GPU's budget minus what is not KV, in 16-token blocks of the layers its stage holds; the engine
// keeps the fewest blocks any GPU has room for (vllm/v1/engine/core.py: the KV cache config of every worker,
// unified to the smallest). Unequal GPUs: the smallest GPU's budget, every rank holding the same shard.
void add_capacity(plan& p, uint64_t mbt, uint64_t seqs, const std::vector<stage>& stages) {
  const estimate_options& o = p.o;
  estimate_result& r = p.r;
  const gpu_info* g = r.gpu.get();
  for (const gpu_info* x : r.gpu_list) if (x->memory_bytes < g->memory_bytes) g = x;
  vllm_capacity v;
  v.gpu = std::string(g->name);
  v.gpu_memory_utilization = o.gpu_memory_utilization > 0 ? o.gpu_memory_utilization : kVllmDefaultGpuMemoryUtilization;
  // vLLM's budget is the utilization of the total torch.cuda.mem_get_info() reports (gpu_worker.py
  // requested_memory), a little under the spec sheet's (79.22 GiB for an 80 GiB H100 in vllm#10511).
  v.memory_bytes = o.gpu_memory_bytes ? o.gpu_memory_bytes : g->memory_bytes;
  v.budget_bytes = static_cast<uint64_t>(static_cast<double>(v.memory_bytes) * v.gpu_memory_utilization);
  v.block_size = kVllmBlockSize;
  bool first = true;
  for (const stage& st : stages) {
    checked_u64 non_kv;
    non_kv.add(st.weights).add(p.activations).add(p.overhead).add(beside_weights_per_gpu(p));
    const uint64_t block_bytes = st.block_bytes + kVllmBlockSize * beside_token_bytes(p);  // a draft's or MTP layers share each block
    p.activations.overflow = p.activations.overflow || non_kv.overflow;
    // Both sides are bounded (the budget by request_limits::gpu_memory_bytes; non_kv by the overflow check of the
    // totals), so the signed difference is exact.
    // --kv-cache-memory (vllm/v1/worker/gpu_worker.py determine_available_memory): the pool as given; the budget is
    // then what the GPU holds with it.
    const uint64_t given = o.kv_cache_memory_bytes;
    if (given) v.budget_bytes = non_kv.value + given;
    const int64_t pool = given ? static_cast<int64_t>(given)
                       : v.budget_bytes >= non_kv.value ? static_cast<int64_t>(v.budget_bytes - non_kv.value)
                                                        : -static_cast<int64_t>(std::min<uint64_t>(non_kv.value - v.budget_bytes, INT64_MAX));
    const uint64_t blocks = pool > 0 && block_bytes ? static_cast<uint64_t>(pool) / block_bytes : pool > 0 ? UINT64_MAX / kVllmBlockSize : 0;
    if (first || blocks < v.blocks) {
      v.non_kv_bytes = non_kv.value;
      v.kv_pool_bytes = pool;
      v.block_bytes = block_bytes;
      v.blocks = blocks;
      first = false;
    }
  }
  v.kv_tokens = v.blocks * kVllmBlockSize;
  v.max_model_len = o.context_tokens;
  v.max_concurrency = v.max_model_len ? static_cast<double>(v.kv_tokens) / static_cast<double>(v.max_model_len) : 0;
  v.max_model_len_fits = v.kv_tokens >= v.max_model_len;
  v.max_num_batched_tokens = mbt;
  v.max_num_seqs = seqs;
  r.vllm = v;
  if (o.explain) r.formulas.push_back({"vllm_capacity",
      "budget " + text_of(v.budget_bytes) + " (" + std::string(g->name) + " " + text_of(v.memory_bytes) + " bytes x " + decimal_text(v.gpu_memory_utilization) +
          ") - weights per GPU" + (p.draft ? std::string(" (the draft's too)") : std::string()) + " - activations - non-torch = KV pool " + text_of(v.kv_pool_bytes) + " bytes / " + text_of(v.block_bytes) +
          " bytes per 16-token block" + (p.draft ? std::string(" (the target's and the draft's layers)") : std::string()) + (stages.size() > 1 ? " (the tightest of " + text_of(stages.size()) + " pipeline stages)" : std::string()) + " = " +
          text_of(v.blocks) + " blocks = " + text_of(v.kv_tokens) + " tokens" +
          (r.data_parallel > 1 ? " per data parallel replica (" + text_of(r.data_parallel) + " replicas, each its own pool and scheduler)" : std::string()),
      "vllm/v1/core/kv_cache_utils.py get_kv_cache_config (num_blocks = available memory // page size // layers); vllm/v1/engine/core.py (the smallest worker's)"});
}

// The weights and cache: one component each when one GPU or one stage holds them evenly, else one per stage,
// on its GPUs.
void add_stage_components(plan& p, const std::vector<stage>& stages) {
  estimate_result& r = p.r;
  const uint64_t tp = std::max<uint64_t>(1, r.tensor_parallel);
  checked_u64 weights, kv;
  const uint64_t dp = std::max<uint64_t>(1, r.data_parallel);
  for (const stage& st : stages) weights.add(checked_u64::product({st.weights, tp, dp})), kv.add(checked_u64::product({st.kv, tp, dp}));
  p.weights.total = weights;  // (a tied embedding on the first and last stage counted twice: vLLM holds it twice;
  p.kv_cache = kv;            //  each data parallel replica its own attention and dense layers)
  if (stages.size() == 1 && r.gpus > 1) {  // tensor (and data) parallel alone: each GPU the same shard
    const std::string share = dp > 1 ? (tp > 1 ? "1/" + text_of(tp) + " of" : std::string("all")) + " the attention and dense layers, 1/" + text_of(dp * tp) + " of the routed experts, on each GPU; " +
                                           text_of(dp) + " data parallel replicas"
                                     : "1/" + text_of(tp) + " on each GPU";
    add_component(r, "weights", "Weights (" + share + ")", "weights", stages[0].weights, false, true);
    r.components.back().device = 0, r.components.back().span = static_cast<uint32_t>(tp * dp);
    add_component(r, "kv_cache", "KV cache (paged, 16-token blocks) for the requested context and batch, each GPU's KV heads" +
                      (dp > 1 ? " and its replica's " + text_of(replica_sequences(p)) + " sequence" + (replica_sequences(p) == 1 ? "" : "s") : std::string()),
                  "kv_cache", stages[0].kv, false, true);
    r.components.back().device = 0, r.components.back().span = static_cast<uint32_t>(tp * dp);
    return;
  }
  if (stages.size() == 1) {
    add_component(r, "weights", "Weights", "weights", p.weights.total.value, false);
    add_component(r, "kv_cache", "KV cache (paged, 16-token blocks) for the requested context and batch", "kv_cache", p.kv_cache.value, false);
    return;
  }
  for (size_t k = 0; k < stages.size(); ++k) {
    const stage& st = stages[k];
    const std::string where = "stage " + text_of(k) + " (GPUs " + text_of(k * tp) + "-" + text_of(k * tp + tp - 1) + ": layers " + text_of(st.first) + "-" +
                              text_of(st.first + st.count - 1) + (st.embedding ? " + embedding" : "") + (st.head ? " + head" : "") +
                              (st.head && st.first > 0 && p.s.tie_word_embeddings ? " and its tied embedding" : "") + ")";
    add_component(r, "weights", "Weights, " + where, "weights", st.weights, false, true);
    r.components.back().device = static_cast<int32_t>(k * tp), r.components.back().span = static_cast<uint32_t>(tp);
    add_component(r, "kv_cache", "KV cache, " + where, "kv_cache", st.kv, false, true);
    r.components.back().device = static_cast<int32_t>(k * tp), r.components.back().span = static_cast<uint32_t>(tp);
  }
}

// CUDA graphs: on by default, captured for 1, 2, 4, then every 8 to 256, every 16 to min(2 x max_num_seqs x (1 +
// speculative tokens), 512, max_num_batched_tokens) tokens (vllm/config/vllm.py _set_cudagraph_sizes). Their memory
// has no formula: vLLM 0.21 and later capture two sizes at start, extrapolate, and take the result from the KV
// budget (VLLM_MEMORY_PROFILER_ESTIMATE_CUDAGRAPHS, gpu_model_runner.py profile_cudagraph_memory). Said, with the
// published figures, rather than a number this estimate cannot derive.
void note_cuda_graphs(const plan& p, estimate_result& r, uint64_t seqs, uint64_t mbt) {
  const uint64_t spec = drafted_tokens(p, p.o.mtp);
  const uint64_t top = std::min<uint64_t>({2 * seqs * (1 + spec), 512, mbt});
  uint64_t sizes = 0;
  for (uint64_t b : {1, 2, 4}) sizes += b <= top;
  for (uint64_t b = 8; b < 256 && b <= top; b += 8) ++sizes;
  for (uint64_t b = 256; b <= top; b += 16) ++sizes;
  r.issues.push_back({"cuda_graphs_not_counted", "gpu_memory_utilization", "CUDA graphs (" + text_of(sizes) + " capture sizes up to " + text_of(top) +
      " tokens) are not counted: vLLM 0.21 and later measure them at start and take them from the KV pool, 0.2 to 1.4 GiB in published logs "
      "(Llama-3.2-1B 0.21, Gemma 3 4B 0.65, Llama 4 Maverick 1.40 GiB) and more for large MoE models; the KV tokens here are higher by that much. --enforce-eager captures none.",
      severity::info});
}

void components(plan& p) {
  estimate_result& r = p.r;
  // Defaults by GPU (vllm/engine/arg_utils.py): 8192 batched tokens and 1024 sequences on 70+ GiB GPUs other
  // than the A100, else 2048 and 256.
  const bool big = big_gpu(r);
  const uint64_t mbt = p.o.max_num_batched_tokens ? p.o.max_num_batched_tokens : big ? 8192 : 2048;
  const uint64_t seqs = p.o.max_num_seqs ? p.o.max_num_seqs : big ? 1024 : 256;
  add_profile_run(p, mbt, seqs);
  const std::vector<stage> stages = plan_stages(p);
  add_stage_components(p, stages);
  if (p.o.kv_cache_memory_bytes) {  // vLLM allocates the pool it was given on each GPU, whatever the request holds of it
    for (auto& c : r.components)
      if (c.key == "kv_cache") c.bytes = p.o.kv_cache_memory_bytes, c.label = "KV cache pool (--kv-cache-memory)" + std::string(r.gpus > 1 ? ", each GPU" : "");
    p.kv_cache = checked_u64::product({p.o.kv_cache_memory_bytes, std::max<uint64_t>(1, r.gpus)});  // (each GPU of every stage)
  }
  add_component(r, "activations", "Activation peak of the profile run", "activations", p.activations.value, false, true);
  // Non-torch memory: the CUDA context and NCCL/cuBLAS buffers outside PyTorch's allocator — per GPU.
  p.overhead.add(kTorchCudaContextBytes);
  add_component(r, "non_torch", "Non-torch memory (CUDA context)", "overhead", kTorchCudaContextBytes, false, true);
  if (p.o.explain) r.formulas.push_back({"overhead", "CUDA context " + text_of(kTorchCudaContextBytes) + " bytes per GPU", "pytorch/pytorch#86509"});
  if (r.gpu) add_capacity(p, mbt, seqs, stages);
  note_cuda_graphs(p, r, seqs, mbt);
}

// The whole need must fit inside gpu_memory_utilization x memory; with --kv-cache-memory, in the GPU (the pool, not
// the utilization, is then what vLLM sizes: the KV component is that pool, in components below).
uint64_t usable(const gpu_info& g, const estimate_options& o) {
  if (o.kv_cache_memory_bytes) return usable_bytes(g);
  const double util = o.gpu_memory_utilization > 0 ? o.gpu_memory_utilization : kVllmDefaultGpuMemoryUtilization;
  return std::min(usable_bytes(g), static_cast<uint64_t>(static_cast<double>(g.memory_bytes) * util));
}

std::string command(const estimate_result& r, const std::string& model_id, const estimate_options& o) {
  std::string cmd = "vllm serve " + (model_id.empty() ? std::string("MODEL") : model_id) + " --max-model-len " + text_of(o.context_tokens);
  if (o.kv_cache_memory_bytes) cmd += " --kv-cache-memory " + text_of(o.kv_cache_memory_bytes);
  else if (r.vllm) cmd += " --gpu-memory-utilization " + decimal_text(r.vllm->gpu_memory_utilization);
  if (r.kv_k->name == "fp8") cmd += " --kv-cache-dtype fp8";
  if (r.tensor_parallel > 1) cmd += " --tensor-parallel-size " + text_of(r.tensor_parallel);
  if (r.pipeline_parallel > 1) cmd += " --pipeline-parallel-size " + text_of(r.pipeline_parallel);
  if (r.data_parallel > 1) cmd += " --data-parallel-size " + text_of(r.data_parallel);
  if (o.expert_parallel && r.gpus > 1) cmd += " --enable-expert-parallel";
  if (o.adapter_rank)  // docs/features/lora.md
    cmd += " --enable-lora --max-loras " + text_of(std::max<uint64_t>(1, o.max_adapters)) + " --max-lora-rank " + text_of(o.adapter_rank);
  if (r.mtp)  // docs/features/spec_decode.md: the model's own MTP layers
    cmd += " --speculative-config '{\"method\": \"mtp\", \"num_speculative_tokens\": " + text_of(r.mtp->draft_max) + "}'";
  if (r.draft)  // docs/features/spec_decode.md: a draft model in --speculative-config
    cmd += " --speculative-config '{\"model\": \"" + (r.draft->model_id.empty() ? std::string("DRAFT") : r.draft->model_id) +
           "\", \"num_speculative_tokens\": " + text_of(r.draft->draft_max) + "}'";
  if (r.nodes > 1 && r.data_parallel > 1 && r.data_parallel % r.nodes == 0) {
    // docs/serving/data_parallel_deployment.md: vLLM's own launcher, each machine its local replicas
    const uint64_t local = r.data_parallel / r.nodes;
    cmd += " --data-parallel-size-local " + text_of(local) + " --data-parallel-address HEAD_IP --data-parallel-rpc-port 13345";
    cmd = "# on the head machine:\n" + cmd + "\n# on machine K (1 to " + text_of(r.nodes - 1) + "): the same with --headless --data-parallel-start-rank " + text_of(local) + "*K";
  } else if (r.nodes > 1) {  // docs/serving/distributed_serving.md: a Ray cluster over the machines, then one vllm serve on the head
    cmd += " --distributed-executor-backend ray";
    cmd = "# on the head machine: ray start --head --port 6379\n# on " + (r.nodes == 2 ? std::string("the other machine") : "each of the other " + text_of(r.nodes - 1) + " machines") +
          ": ray start --address HEAD_IP:6379\n# then, on the head machine:\n" + cmd;
  }
  if (o.batch_size > 1) cmd += " --max-num-seqs " + text_of(o.batch_size);
  if (!r.format_defaulted && r.format->layout == weight_layout::fp8) cmd += " --quantization fp8";
  if (!r.format_defaulted && r.format->layout == weight_layout::bnb_4bit) cmd += " --quantization bitsandbytes";
  return cmd;
}

void write_settings(json_writer& w, const estimate_result& r, const estimate_options&) {
  if (r.vllm)
    w.field("gpu_memory_utilization", r.vllm->gpu_memory_utilization).field("max_num_batched_tokens", r.vllm->max_num_batched_tokens)
        .field("max_num_seqs", r.vllm->max_num_seqs);
}

constexpr std::string_view kLadder[] = {"bf16", "fp16", "fp8", "awq-4bit-128g", "gptq-4bit-128g"};

}  // namespace

const runtime_profile& vllm_profile() {
  static const runtime_profile kProfile{
      .info = *find_runtime("vllm"),
      .format_refusal = format_refusal,
      .default_kv = default_kv,
      .kv_refusal = kv_refusal,
      .prepare = check_layout,
      .keeps_window = keeps_every_window,
      .bytes_per_token = bytes_per_token,
      .cached_tokens = cached_tokens,
      .state_bytes = compute_dtype_state_bytes,
      .components = components,
      .usable_bytes = usable,
      .command = command,
      .write_settings = write_settings,
      .format_ladder = kLadder,
      .vision_in_separate_file = false,
      .one_dimensional_f32 = false,
      .own_weights_formula = false,
      .expands_mla = false,
      .batch_word = "batch ",
      .kv_formula_tail = no_tail,
      .kv_source = "vLLM paged KV cache: K and V per layer in blocks of 16 tokens (vllm/config.py CacheConfig)",
      .solves_gpu_layers = false,
      .spans_machines = true,
      .takes_tensor_parallel = true,
      .takes_pipeline_parallel = true,
      .takes_data_parallel = true,
      .compact_kv = "fp8",
      .runs_mtp = true,
      .adapter_rule = "slots",
  };
  return kProfile;
}

}  // namespace neuroshrink
