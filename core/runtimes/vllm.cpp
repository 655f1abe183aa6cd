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

// Tensor parallelism over the GPUs: vLLM refuses a size that does not divide the attention heads
// (vllm/config/model.py verify_with_parallel_config: "Total number of attention heads (h) must be divisible by
// tensor parallel size (t)"); KV heads are split when there are at least as many as ranks, else replicated,
// which needs the size to be a multiple of them (QKVParallelLinear). The nearest sizes that work are offered.
bool check_tensor_parallel(plan& p) {
  const uint64_t tp = p.r.gpus, heads = p.s.num_attention_heads, kv = p.s.num_key_value_heads;
  auto works = [&](uint64_t t) { return heads % t == 0 && (!kv || (kv >= t ? kv % t == 0 : t % kv == 0)); };
  if (tp <= 1 || !heads || works(tp)) return true;
  std::string near;
  for (uint64_t t = 1; t <= std::min<uint64_t>(heads, 2 * tp); ++t)
    if (works(t) && t != tp) near += (near.empty() ? "" : ", ") + text_of(t);
  p.r.issues.push_back({"tensor_parallel_indivisible", "gpus",
      "vLLM's tensor parallel size must divide the " + text_of(heads) + " attention heads" + (kv ? " and fit the " + text_of(kv) + " KV heads" : std::string()) +
          "; " + text_of(tp) + " GPUs do not. Sizes that work: " + near + ".", severity::error});
  return false;
}

bool big_gpu(const estimate_result& r) {
  return r.gpu && r.gpu->memory_bytes >= 70 * (uint64_t{1} << 30) && std::string_view(r.gpu->name).find("A100") == std::string_view::npos;
}

// The profile run (vllm/v1/worker/gpu_worker.py determine_available_memory): one forward pass of
// max_num_batched_tokens tokens, then a sampler pass over max_num_seqs rows of fp32 logits. Its peak is the MLP
// of one layer over the batched tokens (fused gate_up [T, 2i] and the activation [T, i] beside the hidden states
// [T, h] x 2, 16-bit) or the logits of max_num_seqs sequences in fp32 with the sampler's sorted copy.
void add_profile_run(plan& p, uint64_t mbt, uint64_t seqs) {
  const model_spec& s = p.s;
  const uint64_t h = s.hidden_size, i = s.intermediate_size, V = s.vocab_size, gpus_n = p.r.gpus;
  const uint64_t ffn = s.num_experts ? std::max(i, s.moe_intermediate_size * std::max<uint64_t>(1, s.experts_per_token)) : i;
  // Tensor parallelism shards the MLP's intermediate over the ranks (MergedColumnParallelLinear /
  // RowParallelLinear, vllm/model_executor/layers/linear.py); the hidden states stay whole on each.
  const uint64_t ffn_rank = ceil_div(ffn, gpus_n);
  const checked_u64 mlp_peak = checked_u64::product({mbt, 3 * ffn_rank + 2 * h, 2});
  const checked_u64 sampler_peak = checked_u64::product({std::min(seqs, mbt), V, 4, 2});
  p.activations.add(mlp_peak.value >= sampler_peak.value ? mlp_peak : sampler_peak);
  p.activations.overflow = p.activations.overflow || mlp_peak.overflow || sampler_peak.overflow;
  if (p.o.explain) p.r.formulas.push_back({"activations", "max(MLP peak " + text_of(mbt) + " tokens x (3 x " + text_of(ffn_rank) +
      (gpus_n > 1 ? " (intermediate / " + text_of(gpus_n) + " ranks)" : std::string()) + " + 2 x " + text_of(h) + ") x 2 bytes, sampler " +
      text_of(std::min(seqs, mbt)) + " x vocab " + text_of(V) + " x 4 x 2)",
      "vllm/v1/worker/gpu_worker.py determine_available_memory (profile_run with max_num_batched_tokens; dummy sampler run with max_num_seqs)"});
}

// Capacity on the chosen GPU: the budget minus what is not KV, in 16-token blocks.
void add_capacity(plan& p, uint64_t mbt, uint64_t seqs) {
  const estimate_options& o = p.o;
  estimate_result& r = p.r;
  const uint64_t gpus_n = r.gpus;
  // Unequal GPUs: every rank holds the same shard, and the engine keeps the fewest blocks any rank has room for
  // (vllm/v1/engine/core.py: the KV cache config of the smallest worker), so the smallest GPU sets the pool.
  const gpu_info* g = r.gpu.get();
  for (const gpu_info* x : r.gpu_list) if (x->memory_bytes < g->memory_bytes) g = x;
  vllm_capacity v;
  v.gpu = std::string(g->name);
  v.gpu_memory_utilization = o.gpu_memory_utilization > 0 ? o.gpu_memory_utilization : kVllmDefaultGpuMemoryUtilization;
  // vLLM's budget is the utilization of the total torch.cuda.mem_get_info() reports (gpu_worker.py
  // requested_memory), a little under the spec sheet's (79.22 GiB for an 80 GiB H100 in vllm#10511).
  v.memory_bytes = o.gpu_memory_bytes ? o.gpu_memory_bytes : g->memory_bytes;
  v.budget_bytes = static_cast<uint64_t>(static_cast<double>(v.memory_bytes) * v.gpu_memory_utilization);
  // Tensor parallelism shards the weights and the KV heads over the GPUs (a KV head is replicated when
  // there are fewer KV heads than GPUs: vllm/model_executor/layers/linear.py QKVParallelLinear).
  const uint64_t kv_heads = std::max<uint64_t>(1, p.s.num_key_value_heads);
  const uint64_t kv_share = std::max<uint64_t>(1, kv_heads / gpus_n);
  checked_u64 non_kv;
  non_kv.add(p.weights.total.value / gpus_n).add(p.activations).add(p.overhead);
  v.non_kv_bytes = non_kv.value;
  // Both sides are bounded (the budget by request_limits::gpu_memory_bytes; non_kv by the overflow check of
  // the totals), so the signed difference is exact.
  v.kv_pool_bytes = v.budget_bytes >= v.non_kv_bytes ? static_cast<int64_t>(v.budget_bytes - v.non_kv_bytes)
                                                      : -static_cast<int64_t>(std::min<uint64_t>(v.non_kv_bytes - v.budget_bytes, INT64_MAX));
  v.block_size = kVllmBlockSize;
  bool mla = false;
  for (const auto& l : p.s.layers) mla = mla || l.attention == attention_kind::mla;
  checked_u64 block{p.per_token.value, false};
  if (!mla) {  // the latent is not sharded
    block.mul(kv_share);
    block.value /= kv_heads;
  }
  block.mul(kVllmBlockSize);
  v.block_bytes = block.value;
  p.activations.overflow = p.activations.overflow || non_kv.overflow || block.overflow;
  v.blocks = v.kv_pool_bytes > 0 && v.block_bytes ? static_cast<uint64_t>(v.kv_pool_bytes) / v.block_bytes : 0;
  v.kv_tokens = v.blocks * kVllmBlockSize;
  v.max_model_len = o.context_tokens;
  v.max_concurrency = v.max_model_len ? static_cast<double>(v.kv_tokens) / static_cast<double>(v.max_model_len) : 0;
  v.max_model_len_fits = v.kv_tokens >= v.max_model_len;
  v.max_num_batched_tokens = mbt;
  v.max_num_seqs = seqs;
  r.vllm = v;
  if (o.explain) r.formulas.push_back({"vllm_capacity",
      "budget " + text_of(v.budget_bytes) + " (" + std::string(g->name) + " " + text_of(v.memory_bytes) + " bytes x " + decimal_text(v.gpu_memory_utilization) +
          ") - weights/GPU - activations - non-torch = KV pool " + text_of(v.kv_pool_bytes) + " bytes / " + text_of(v.block_bytes) +
          " bytes per 16-token block = " + text_of(v.blocks) + " blocks = " + text_of(v.kv_tokens) + " tokens",
      "vllm/v1/core/kv_cache_utils.py get_kv_cache_config (num_blocks = available memory // page size // layers)"});
}

void components(plan& p) {
  estimate_result& r = p.r;
  // Defaults by GPU (vllm/engine/arg_utils.py): 8192 batched tokens and 1024 sequences on 70+ GiB GPUs other
  // than the A100, else 2048 and 256.
  const bool big = big_gpu(r);
  const uint64_t mbt = p.o.max_num_batched_tokens ? p.o.max_num_batched_tokens : big ? 8192 : 2048;
  const uint64_t seqs = p.o.max_num_seqs ? p.o.max_num_seqs : big ? 1024 : 256;
  add_profile_run(p, mbt, seqs);
  add_component(r, "weights", "Weights", "weights", p.weights.total.value, false);
  add_component(r, "kv_cache", "KV cache (paged, 16-token blocks) for the requested context and batch", "kv_cache", p.kv_cache.value, false);
  add_component(r, "activations", "Activation peak of the profile run", "activations", p.activations.value, false, true);
  // Non-torch memory: the CUDA context and NCCL/cuBLAS buffers outside PyTorch's allocator — per GPU.
  p.overhead.add(kTorchCudaContextBytes);
  add_component(r, "non_torch", "Non-torch memory (CUDA context)", "overhead", kTorchCudaContextBytes, false, true);
  if (p.o.explain) r.formulas.push_back({"overhead", "CUDA context " + text_of(kTorchCudaContextBytes) + " bytes per GPU", "pytorch/pytorch#86509"});
  if (r.gpu) add_capacity(p, mbt, seqs);
}

// The whole need must fit inside gpu_memory_utilization x memory.
uint64_t usable(const gpu_info& g, const estimate_options& o) {
  const double util = o.gpu_memory_utilization > 0 ? o.gpu_memory_utilization : kVllmDefaultGpuMemoryUtilization;
  return std::min(usable_bytes(g), static_cast<uint64_t>(static_cast<double>(g.memory_bytes) * util));
}

std::string command(const estimate_result& r, const std::string& model_id, const estimate_options& o) {
  std::string cmd = "vllm serve " + (model_id.empty() ? std::string("MODEL") : model_id) + " --max-model-len " + text_of(o.context_tokens);
  if (r.vllm) cmd += " --gpu-memory-utilization " + decimal_text(r.vllm->gpu_memory_utilization);
  if (r.kv_k->name == "fp8") cmd += " --kv-cache-dtype fp8";
  if (r.gpus > 1) cmd += " --tensor-parallel-size " + text_of(r.gpus);
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
      .prepare = check_tensor_parallel,
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
      .compact_kv = "fp8",
  };
  return kProfile;
}

}  // namespace neuroshrink
