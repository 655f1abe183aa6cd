// SGLang (sgl-project/sglang, python/sglang/srt): mem_fraction_static of the memory free after start-up holds the
// weights and the token pool it allocates at once; the rest is kept for activations and CUDA graphs. Tensor parallel
// over every GPU, across machines with --nnodes. Its default fraction follows the GPU's memory and the parallel
// size (server_args.py _handle_gpu_memory_settings).
#include "text.h"
#include "runtimes/profile.h"

#include <algorithm>
#include <cmath>

#include "plan.h"

namespace neuroshrink {
namespace {

// What start-up takes before the weights load (the CUDA context, NCCL's buffers): "Init torch distributed ends. mem
// usage=2.01 GB" on each of 8 H200 in sglang PR 11716's log; one GPU needs no NCCL, so the CUDA context alone.
constexpr uint64_t kNcclInitBytes = 3'339'000'000;  // 3.11 GiB

std::string format_refusal(const weight_format& f) {
  if (f.layout != weight_layout::gguf) return {};
  return f.label + " is a llama.cpp file type; pick the llama.cpp runtime, or a format SGLang loads.";
}

std::string_view default_kv(const weight_format&) { return "fp16"; }

std::string kv_refusal(const kv_dtype& k, const kv_dtype& v) { return refuse_ggml_cache(k, v, "sglang", "SGLang offers fp8 (--kv-cache-dtype fp8_e4m3)."); }

// One token's cell (model_runner profile_max_num_token): K and V of the KV heads a rank serves (at least one), or
// MLA's latent whole; the pool is one token a page (page_size 1).
uint64_t bytes_per_token(const plan& p, const layer_spec& l) {
  if (l.attention == attention_kind::mla) return kv_row_bytes(p.kv_k, l.k_elements);
  if (l.attention == attention_kind::none) return 0;
  return kv_row_bytes(p.kv_k, l.k_elements) + kv_row_bytes(p.kv_v, l.v_elements);
}

uint64_t cached_tokens(const plan& p, uint64_t window, bool local) { return local ? std::min(window, p.o.context_tokens) : p.o.context_tokens; }

uint64_t init_bytes(const estimate_result& r) { return r.gpus > 1 ? kNcclInitBytes : kTorchCudaContextBytes; }

// The default mem_fraction_static: chunked_prefill_size and cuda_graph_max_bs by the GPU's memory, a reserve of
// 512 + 1.5 x max(chunked, 2048) + 2 x max_bs + 1024 x TP x PP / 8 MiB (at least 10 GiB above 60 GiB), and
// f = (memory - reserve) / memory to three decimals. Checked: H100 TP1 0.835, TP8 0.818; H200 TP8 0.897.
double default_fraction(const gpu_info& g, uint64_t tp) {
  const double mib = static_cast<double>(g.memory_bytes) / 1048576.0;
  uint64_t chunked = 16384, graphs = 512;
  if (mib < 20 * 1024) chunked = 2048, graphs = 8;
  else if (mib < 35 * 1024) chunked = 2048, graphs = tp < 4 ? 24 : 80;
  else if (mib < 60 * 1024) chunked = 4096, graphs = tp < 4 ? 32 : 160;
  else if (mib < 160 * 1024) chunked = 8192, graphs = tp < 4 ? 256 : 512;
  double reserve = 512 + 1.5 * static_cast<double>(std::max<uint64_t>(chunked, 2048)) + 2.0 * static_cast<double>(graphs) + 1024.0 * static_cast<double>(tp) / 8;
  if (mib > 60 * 1024) reserve = std::max(reserve, 10240.0);
  return std::round((mib - reserve) / mib * 1000) / 1000;
}

double fraction(const plan& p, const gpu_info& g) {
  return p.o.gpu_memory_utilization > 0 ? p.o.gpu_memory_utilization : default_fraction(g, std::max<uint64_t>(1, p.r.gpus));
}

// The request table (mem_cache/memory_pool.py ReqToTokenPool): an int32 row of context + 4 token slots for each
// running request and a padding row, allocated after the token pool, so out of what the fraction keeps back. Its
// rows: sglang_running_requests below.
uint64_t request_table_bytes(const plan& p, uint64_t requests) {
  return checked_u64::product({requests + 1, p.o.context_tokens + 4, 4}).value;
}

// Tensor parallel over every GPU (pipeline parallel is not modelled here), its size dividing the attention heads.
bool prepare(plan& p) {
  estimate_result& r = p.r;
  const uint64_t heads = p.s.num_attention_heads;
  if (r.pipeline_parallel > 1 && p.o.pipeline_parallel) {
    r.issues.push_back({"invalid_layout", "pipeline_parallel", "SGLang is estimated here with tensor parallel over every GPU (--tp " + text_of(r.gpus) +
        "); leave pipeline_parallel out, or pick vllm for tensor x pipeline layouts.", severity::error});
    return false;
  }
  r.tensor_parallel = r.gpus, r.pipeline_parallel = 1;
  const uint64_t dp = std::max<uint64_t>(1, r.data_parallel);
  if (r.gpus % dp) {
    r.issues.push_back({"invalid_layout", "data_parallel", "SGLang's --dp (DP attention) splits the " + text_of(r.gpus) + " GPUs of --tp into groups: " + text_of(dp) +
        " does not divide them.", severity::error});
    return false;
  }
  const uint64_t attn_tp = r.gpus / dp;
  if (heads && heads % attn_tp) {
    r.issues.push_back({"tensor_parallel_indivisible", dp > 1 ? "data_parallel" : "gpus", "SGLang's attention tensor parallel size (" +
        (dp > 1 ? "--tp / --dp = " : std::string("--tp ")) + text_of(attn_tp) + ") must divide the " + text_of(heads) + " attention heads.", severity::error});
    return false;
  }
  return true;
}

// DP attention (--enable-dp-attention --dp D, dp_attention.py compute_dp_attention_world_info): the attention and
// dense layers split over --tp / D GPUs and held by each of the D groups, the routed experts over all --tp GPUs;
// each group its own token pool and its share of the requests (ceil(batch / D) sequences).
uint64_t routed_expert_bytes(const plan& p) {
  uint64_t e = 0;
  for (const uint64_t b : p.weights.blk_experts) e += b;
  return e;
}

// Per GPU: start-up, 1/TP of the weights, the request's cache (the KV heads a rank serves), and the share SGLang
// keeps outside the fraction for activations and CUDA graphs; the pool its fraction leaves, in tokens.
void components(plan& p) {
  estimate_result& r = p.r;
  const uint64_t tp = std::max<uint64_t>(1, r.gpus), dp = std::max<uint64_t>(1, r.data_parallel), attn_tp = std::max<uint64_t>(1, tp / dp);
  const uint64_t kv_heads = std::max<uint64_t>(1, p.s.num_key_value_heads), rank_heads = std::max<uint64_t>(1, kv_heads / attn_tp);
  bool mla = false;
  for (const auto& l : p.s.layers) mla = mla || l.attention == attention_kind::mla;
  const uint64_t experts = dp > 1 ? routed_expert_bytes(p) : 0, rest = p.weights.total.value - experts;
  const uint64_t weights = (rest + attn_tp - 1) / attn_tp + (experts + tp - 1) / tp;
  const uint64_t kv = replica_cache(p, mla ? p.kv_cache.value : p.kv_cache.value / kv_heads * rank_heads);
  // (a draft's or the MTP layers' cache joins each token's cell: the pool holds the same tokens for both)
  const uint64_t cell = (mla ? p.per_token.value : p.per_token.value / kv_heads * rank_heads) + beside_token_bytes(p);
  const gpu_info* g = r.gpu.get();
  for (const gpu_info* x : r.gpu_list) if (x->memory_bytes < g->memory_bytes) g = x;
  const uint64_t memory = p.o.gpu_memory_bytes ? p.o.gpu_memory_bytes : g ? g->memory_bytes : 0;
  const uint64_t free_at_start = memory > init_bytes(r) ? memory - init_bytes(r) : 0;
  const double f = g ? fraction(p, *g) : 0.88;  // server_args.py: 0.88 when the GPU's memory is unknown
  const uint64_t reserve = static_cast<uint64_t>(static_cast<double>(free_at_start) * (1 - f));
  const uint64_t held = weights + beside_weights_per_gpu(p);  // (a draft model's or the MTP layers' weights come out of the same fraction)
  const uint64_t budget = static_cast<uint64_t>(static_cast<double>(free_at_start) * f);
  const uint64_t pool_tokens = g && budget > held && cell ? (budget - held) / cell : 0;
  const uint64_t requests = sglang_running_requests(pool_tokens, p.o.context_tokens, p.o.max_num_seqs), table = request_table_bytes(p, requests);
  p.weights.total.value = weights * tp;
  p.kv_cache.value = kv * tp;
  p.activations.add(std::max(reserve, table));
  p.overhead.add(init_bytes(r));
  add_component(r, "weights", dp > 1 ? "Weights (" + (attn_tp > 1 ? "1/" + text_of(attn_tp) + " of" : std::string("all")) + " the attention and dense layers, 1/" + text_of(tp) +
                                           " of the routed experts, on each GPU; " +
                                           text_of(dp) + " DP attention groups)"
                           : tp > 1 ? "Weights (1/" + text_of(tp) + " on each GPU)" : "Weights", "weights", weights, false, true);
  add_component(r, "kv_cache", "KV cache for the requested context and batch (its cells in the token pool)", "kv_cache", kv, false, true);
  for (auto* c : {&r.components[r.components.size() - 2], &r.components.back()}) c->device = 0, c->span = static_cast<uint32_t>(tp);
  add_component(r, "request_table", "Request table: " + text_of(requests) + " running requests x " + text_of(p.o.context_tokens + 4) + " token slots (int32)", "activations", table, false, true);
  add_component(r, "reserve", "The rest kept outside mem_fraction_static " + decimal_text(f) + ": activations and CUDA graphs", "activations", reserve > table ? reserve - table : 0, false, true);
  if (table > reserve)
    r.issues.push_back({"request_table_exceeds_reserve", "max_num_seqs", "SGLang's request table (" + text_of(requests) + " requests x " + text_of(p.o.context_tokens + 4) +
        " slots, " + text_of(table) + " bytes) is larger than the " + text_of(reserve) + " bytes mem_fraction_static " + decimal_text(f) +
        " keeps back, leaving nothing for activations and CUDA graphs: lower --max-running-requests (max_num_seqs) or mem_fraction_static.", severity::warning});
  if (p.o.explain) r.formulas.push_back({"request_table", "(" + text_of(requests) + " + 1) rows x (" + text_of(p.o.context_tokens) + " + 4) x 4 bytes = " + text_of(table) + " bytes",
      "sglang mem_cache/memory_pool.py ReqToTokenPool; model_runner.py init_memory_pool (max_num_reqs)"});
  add_component(r, "non_torch", tp > 1 ? "Start-up (CUDA context and NCCL)" : "Start-up (CUDA context)", "overhead", init_bytes(r), false, true);
  if (!g) return;
  vllm_capacity v;
  v.gpu = std::string(g->name);
  v.memory_bytes = memory;
  v.gpu_memory_utilization = f;
  v.budget_bytes = budget;
  v.non_kv_bytes = held;
  v.max_num_seqs = requests;
  v.kv_pool_bytes = v.budget_bytes >= held ? static_cast<int64_t>(v.budget_bytes - held) : -static_cast<int64_t>(held - v.budget_bytes);
  v.block_size = 1;
  v.block_bytes = cell;
  v.blocks = v.kv_pool_bytes > 0 && cell ? static_cast<uint64_t>(v.kv_pool_bytes) / cell : 0;
  v.kv_tokens = v.blocks;
  v.max_model_len = p.o.context_tokens;
  v.max_concurrency = v.max_model_len ? static_cast<double>(v.kv_tokens) / static_cast<double>(v.max_model_len) : 0;
  v.max_model_len_fits = v.kv_tokens >= v.max_model_len;
  r.vllm = v;
  if (p.o.explain) r.formulas.push_back({"vllm_capacity",
      "token pool = mem_fraction_static " + decimal_text(f) + " x " + text_of(free_at_start) + " bytes free at start - weights per GPU " + text_of(weights) +
          " = " + text_of(v.kv_pool_bytes) + " bytes / " + text_of(cell) + " bytes per token = " + text_of(v.kv_tokens) + " tokens",
      "sglang python/sglang/srt/model_executor/model_runner.py profile_max_num_token; server_args.py _handle_gpu_memory_settings (the default fraction)"});
}

// Every GPU is SGLang's: the fraction bounds the weights and the pool, the rest its activations and graphs.
uint64_t usable(const gpu_info& g, const estimate_options&) { return g.memory_bytes; }

// docs: python -m sglang.launch_server --model-path ... --tp 16 --nnodes 2 --node-rank 0 --dist-init-addr HOST:PORT.
std::string command(const estimate_result& r, const std::string& model_id, const estimate_options& o) {
  std::string cmd = "python -m sglang.launch_server --model-path " + (model_id.empty() ? std::string("MODEL") : model_id) + " --context-length " + text_of(o.context_tokens);
  if (r.gpus > 1) cmd += " --tp " + text_of(r.gpus);
  if (r.data_parallel > 1) cmd += " --dp " + text_of(r.data_parallel) + " --enable-dp-attention";
  if (o.gpu_memory_utilization > 0) cmd += " --mem-fraction-static " + decimal_text(o.gpu_memory_utilization);
  if (o.max_num_seqs) cmd += " --max-running-requests " + text_of(o.max_num_seqs);
  if (o.adapter_rank)  // docs/advanced_features/lora.ipynb: --lora-paths with its slots and rank
    cmd += " --enable-lora --max-loras-per-batch " + text_of(std::max<uint64_t>(1, o.max_adapters)) + " --max-lora-rank " + text_of(o.adapter_rank) + " --lora-paths ADAPTER=PATH";
  if (r.mtp)  // docs (DeepSeek usage, multi-token prediction): EAGLE over the NextN layers, top-1 chains
    cmd += " --speculative-algorithm EAGLE --speculative-num-steps " + text_of(r.mtp->draft_max) + " --speculative-eagle-topk 1 --speculative-num-draft-tokens " + text_of(r.mtp->draft_max + 1);
  if (r.kv_k->name == "fp8") cmd += " --kv-cache-dtype fp8_e4m3";
  if (r.nodes > 1) cmd += " --nnodes " + text_of(r.nodes) + " --node-rank K --dist-init-addr HEAD_IP:5000  # K = 0 on the head machine, 1 ... " + text_of(r.nodes - 1) + " on the others";
  return cmd;
}

void write_settings(json_writer& w, const estimate_result& r, const estimate_options&) {
  if (r.vllm) w.field("mem_fraction_static", r.vllm->gpu_memory_utilization).field("max_running_requests", r.vllm->max_num_seqs);
}

constexpr std::string_view kLadder[] = {"bf16", "fp16", "fp8", "awq-4bit-128g", "gptq-4bit-128g"};

}  // namespace

uint64_t sglang_running_requests(uint64_t pool_tokens, uint64_t context_tokens, uint64_t requested) {
  if (requested) return requested;
  return std::clamp<uint64_t>(static_cast<uint64_t>(static_cast<double>(pool_tokens) / static_cast<double>(std::max<uint64_t>(1, context_tokens)) * 512), 2048, 4096);
}

const runtime_profile& sglang_profile() {
  static const runtime_profile kProfile{
      .info = *find_runtime("sglang"),
      .format_refusal = format_refusal,
      .default_kv = default_kv,
      .kv_refusal = kv_refusal,
      .prepare = prepare,
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
      .kv_source = "sglang model_runner.py profile_max_num_token (cell: K and V of the rank's KV heads, or MLA's latent, per layer); page_size 1",
      .solves_gpu_layers = false,
      .spans_machines = true,
      .takes_tensor_parallel = true,
      .takes_data_parallel = true,
      .runs_mtp = true,
      .adapter_rule = "slots",
  };
  return kProfile;
}

}  // namespace neuroshrink
