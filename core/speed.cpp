// Speed on the chosen GPU: decode is bound by memory bandwidth (every active weight and the whole KV read once
// per step), prefill by compute (2 FLOPs per active parameter per token plus attention).
#include "text.h"
#include "speed.h"

#include "interconnects.h"

#include "runtimes/profile.h"

namespace neuroshrink {
namespace {

// Decode efficiency: the fraction of peak memory bandwidth a single-stream decode reaches. llama.cpp's published
// CUDA runs (ggml-org/llama.cpp discussion 15013, "Performance of llama.cpp on NVIDIA CUDA": Llama-2-7B Q4_0,
// 3.56 GiB, tg128 ~ 186 t/s on an RTX 4090 of 1008 GB/s) read ~0.70 of peak; vLLM and transformers reach
// similar fractions at batch 1. Prefill: ~0.5 of dense fp16 tensor FLOPS (model FLOPs utilisation of
// large-batch prefill). Both are documented assumptions, not measurements of the user's machine.
constexpr double kDecodeEfficiency = 0.70;
constexpr double kPrefillEfficiency = 0.50;
// System RAM bandwidth when the request gives none: dual-channel DDR5-5600 (2 x 44.8 GB/s, JEDEC JESD79-5).
constexpr uint64_t kDefaultHostBandwidth = 89'600'000'000;

// The weight bytes a decode step reads: the active share of the weights, less the input embedding, of which a step
// looks up one row per token (get_rows / nn.Embedding) rather than reading it whole. A tied embedding is read whole
// as the output matrix; llama.cpp keeps token_embd on the host and, with the output on a GPU, a second copy there
// (counted in the weights), so only that host copy goes unread.
uint64_t decode_weight_bytes(const plan& p) {
  const estimate_result& r = p.r;
#ifdef NEURO_SHRINK_FIRST_ESTIMATE  // (its reports show no speed: a chosen GPU and the what-fits table go to the full module)
  const double active_fraction = r.parameters.total.value ? static_cast<double>(r.parameters.active.value) / static_cast<double>(r.parameters.total.value) : 1.0;
  return static_cast<uint64_t>(static_cast<double>(p.weights.total.value) * active_fraction);
#else
  const bool tied = r.gguf ? r.gguf->tied_output : p.s.tie_word_embeddings;
  const uint64_t input = r.gguf ? p.weights.token_embd : p.weights.embedding.value;
  const bool host_copy = p.rt.solves_gpu_layers && r.gpu_layers > p.n_layer;  // llama.cpp, output on the GPU
  const uint64_t unread = std::min(p.weights.total.value, tied ? (host_copy ? input : 0) : input);
  const double embed_params = tied ? 0.0 : static_cast<double>(p.s.vocab_size) * static_cast<double>(p.s.hidden_size);
  const double total = static_cast<double>(r.parameters.total.value) - embed_params, active = static_cast<double>(r.parameters.active.value) - embed_params;
  const double fraction = total > 0 && active > 0 ? std::min(1.0, active / total) : 1.0;
  return static_cast<uint64_t>(static_cast<double>(p.weights.total.value - unread) * fraction);
#endif
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// What llama.cpp's single-stream decode reaches of peak bandwidth (other runtimes keep kDecodeEfficiency), per
// hardware family and weight width: the median, over the published llama-bench tg rows of that family and width (tests/fixtures/published/llama-bench.json: the
// Apple Silicon table of llama.cpp discussion 4167, the CUDA scoreboard of 15013, XiongjieDai's LLaMA 3 runs, and
// the others listed there), of measured tokens/s x bytes read per token / peak bandwidth. Apple's Ultra chips (two
// dies joined by UltraFusion) reach less; narrower weights less (their dequantisation costs compute). Other
// families keep kDecodeEfficiency: AMD's rows disagree by backend (ROCm 0.42, Vulkan 0.74 on one RX 7900 XTX) and
// Intel's are two. NVIDIA's 8-bit rows are three: the 16-bit figure stands for them.
struct decode_family {
  std::string_view family;
  double wide, eight_bit, narrow;  // 12 bits a weight or more; 6.5 to 12; under 6.5
  uint32_t rows;
};
constexpr decode_family kDecodeFamilies[] = {
    {"apple", 0.83, 0.81, 0.715, 69},
    {"apple-ultra", 0.68, 0.56, 0.42, 26},
    {"nvidia", 0.79, 0.79, 0.66, 113},
};

double decode_efficiency(const estimate_result& r, const gpu_info& g, double bits_per_weight) {
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  if (!rt || !rt->solves_gpu_layers) return kDecodeEfficiency;  // measured on llama.cpp (and Ollama's llama.cpp) alone
  const std::string_view family = g.vendor == "apple" && g.name.find("Ultra") != std::string_view::npos ? "apple-ultra" : g.vendor;
  for (const auto& f : kDecodeFamilies)
    if (f.family == family) return bits_per_weight >= 12 ? f.wide : bits_per_weight >= 6.5 ? f.eight_bit : f.narrow;
  return kDecodeEfficiency;
}
#else
double decode_efficiency(const estimate_result&, const gpu_info&, double) { return kDecodeEfficiency; }
#endif

// Bits a weight as stored: the weights' bytes over the parameters (a GGUF file type's mix, an fp16 checkpoint's 16).
double step_bits(const estimate_result& r) {
  return r.parameters.total.value ? static_cast<double>(r.stored_weights_bytes) * 8.0 / static_cast<double>(r.parameters.total.value) : 16.0;
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// GPUs that read their shares at once: vLLM's tensor parallel group (its pipeline stages one after another),
// llama.cpp's -sm row (all of them); llama.cpp's layer split passes a token through its GPUs in turn.
uint64_t parallel_group(const estimate_result& r, const estimate_options& o) {
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  if (rt && rt->solves_gpu_layers) return o.split_mode == "row" ? r.gpus : 1;  // llama.cpp
  return std::max<uint64_t>(1, r.tensor_parallel);
}

// Seconds to read `bytes` of a decode step from the GPUs, each its share (the bytes of its own devices[] entry)
// at its bandwidth times the efficiency: the slowest GPU of each parallel group, the groups one after another.
// 0 when a GPU's bandwidth is unknown.
double gpu_read_seconds(const estimate_result& r, double bytes, uint64_t group) {
  double held = 0;
  for (const auto& d : r.devices)
    if (d.index >= 0) held += static_cast<double>(d.weights_bytes + d.kv_cache_bytes);
  double sum = 0, slowest = 0;
  for (const auto& d : r.devices) {
    if (d.index < 0) continue;
    const gpu_info* g = static_cast<size_t>(d.index) < r.gpu_list.size() ? r.gpu_list[static_cast<size_t>(d.index)] : r.gpu.get();
    if (!g || !g->bandwidth_bytes_per_s) return 0;
    const double share = held > 0 ? static_cast<double>(d.weights_bytes + d.kv_cache_bytes) / held : 1.0 / static_cast<double>(r.gpus);
    slowest = std::max(slowest, bytes * share / (static_cast<double>(g->bandwidth_bytes_per_s) * decode_efficiency(r, *g, step_bits(r))));
    if ((static_cast<uint64_t>(d.index) + 1) % group == 0 || static_cast<uint64_t>(d.index) + 1 == r.gpus) sum += slowest, slowest = 0;
  }
  return sum;
}

// What one decode step sends over the named link, per sequence: vLLM's tensor parallel two all-reduces per layer
// of the hidden state (bf16; a ring sends 2 (TP - 1) / TP of it) when its group spans the link, and one hidden
// state per pipeline boundary the link carries; llama.cpp's RPC and exo pass the f32 hidden state at each machine
// boundary (each GPU boundary on one machine). Bandwidth alone: the links' latency is not modelled.
uint64_t interconnect_bytes(const plan& p) {
  const estimate_result& r = p.r;
  if (!r.interconnect || r.gpus <= 1) return 0;
  const double h = static_cast<double>(p.s.hidden_size), layers = static_cast<double>(p.n_layer);
  double bytes = 0;
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  if (rt && rt->takes_tensor_parallel && (rt->takes_pipeline_parallel || r.tensor_parallel > 1)) {  // vLLM, SGLang, exo's tensor sharding
    const uint64_t tp = r.tensor_parallel, pp = r.pipeline_parallel;
    if (tp > 1 && (r.nodes == 1 || tp > r.gpus_per_node)) bytes += 2 * layers * h * 2 * 2.0 * static_cast<double>(tp - 1) / static_cast<double>(tp);
    bytes += static_cast<double>(r.nodes > 1 ? std::min(pp - 1, r.nodes - 1) : pp - 1) * h * 2;
  } else {
    bytes += static_cast<double>(r.nodes > 1 ? r.nodes - 1 : r.gpus - 1) * h * 4;
  }
  return static_cast<uint64_t>(bytes);
}
#endif

}  // namespace

double decode_tokens_per_s(const estimate_result& r, const gpu_info& g, uint64_t gpus) {
  const double bw = static_cast<double>(g.bandwidth_bytes_per_s) * static_cast<double>(std::max<uint64_t>(1, gpus));
  return r.decode_step_bytes ? bw * decode_efficiency(r, g, step_bits(r)) / static_cast<double>(r.decode_step_bytes) : 0;
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
namespace {
// Prefill with weights in system RAM (llama.cpp's CPU layers, --n-cpu-moe experts, -ot ...=CPU): for every ubatch
// the GPU backend copies those weights over PCIe and multiplies them itself (ggml-backend.cpp's op offload for
// batches of 32 tokens or more), so each prompt token also costs host bytes / (ubatch x link bandwidth), the copy
// before the compute. The link: a PCIe link the request names (interconnect), else PCIe 4.0 x16 at its nominal
// rate, so the figure is a ceiling. Unified memory copies nothing.
void add_host_copies(const plan& p, speed_estimate& sp) {
  const estimate_result& r = p.r;
  if (!p.host_copied || r.gpu->unified_memory || !(sp.prefill_tokens_per_s > 0)) return;
  const interconnect_info* link = r.interconnect && !r.interconnect->between_nodes && r.interconnect->name.starts_with("pcie") ? r.interconnect : find_interconnect("pcie4");
  const double copy_s = static_cast<double>(p.host_copied) / static_cast<double>(link->bytes_per_s) / static_cast<double>(std::max<uint64_t>(1, r.n_ubatch));
  const double compute_s = 1.0 / sp.prefill_tokens_per_s;
  sp.prefill_copy_bytes = p.host_copied;
  sp.prefill_tokens_per_s = 1.0 / (compute_s + copy_s);
  if (copy_s > compute_s) sp.prefill_bound = "PCIe (" + std::string(link->name) + "): the weights in system RAM copied to the GPU for each ubatch";
}
}  // namespace
#endif

void estimate_speed(plan& p) {
  estimate_result& r = p.r;
  const uint64_t active_weights = decode_weight_bytes(p);
  const uint64_t kv = p.kv_cache.value;
  r.decode_step_bytes = active_weights + kv;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands a chosen GPU to the full one)
  const estimate_options& o = p.o;
  const uint64_t gpus_n = r.gpus;
  if (!r.gpu) return;
  auto& sp = r.speed;
  sp.gpu = std::string(r.gpu->name);
  if (!r.gpu->bandwidth_bytes_per_s) {
    sp.decode_bound = sp.prefill_bound = "unknown";
    sp.reason = "a GPU given by its memory alone has no known bandwidth, so its speed is unknown: pick it from the catalogue";
    return;
  }
  sp.efficiency = decode_efficiency(r, *r.gpu, step_bits(r));
  sp.bytes_per_token = active_weights + kv / std::max<uint64_t>(1, o.batch_size);
  const double all = static_cast<double>(active_weights + kv);
  double host = 0, host_bw = static_cast<double>(o.host_bandwidth ? o.host_bandwidth : kDefaultHostBandwidth);
  // What the runtime keeps on the CPU is read at system RAM bandwidth: the layers it runs there, and the active
  // experts of the layers whose experts stay in RAM; the rest at the GPUs'.
  if (p.host_layers) host = std::min(all, all * p.host_layer_share + static_cast<double>(p.host_expert_read + p.host_dense_read));
  const double step_gpu = gpu_read_seconds(r, all - host, parallel_group(r, o));
  double step_s = step_gpu + host / (host_bw * kDecodeEfficiency);
  sp.decode_bound = p.host_layers ? "memory bandwidth (GPU and system RAM)" : "memory bandwidth";
  if (!(step_gpu > 0) && all > host) step_s = 0;  // a GPU of unknown bandwidth
  sp.interconnect_bytes = interconnect_bytes(p);
  if (r.interconnect && step_s > 0) {
    sp.interconnect_seconds = static_cast<double>(sp.interconnect_bytes) / static_cast<double>(r.interconnect->bytes_per_s);
    step_s += sp.interconnect_seconds;
    if (sp.interconnect_seconds > step_s / 2) sp.decode_bound = "interconnect (" + std::string(r.interconnect->name) + ")";
  }
  sp.batch_decode_tokens_per_s = step_s > 0 ? static_cast<double>(o.batch_size) / step_s : 0;
  sp.decode_tokens_per_s = step_s > 0 ? 1.0 / step_s : 0;
  // Prefill FLOPs per token: 2 per active matmul parameter, plus attention 4 x layers x heads x head_dim x
  // (context / 2) on average over the prompt (Kaplan et al. 2020, C_forward ~ 2N + 2 n_layer n_ctx d_attn).
  sp.flops_per_token = 2 * r.parameters.active.value + 2 * p.s.layers.size() * o.context_tokens * p.s.num_attention_heads * p.s.head_dim;
  // Prefill keeps every GPU busy (llama.cpp's pipeline overlaps the ubatches, n_copies = 4; tensor parallelism
  // splits each matmul): the GPUs' throughputs add up.
  uint64_t flops = r.gpu_list.empty() ? r.gpu->fp16_flops_per_s * gpus_n : 0;
  for (const gpu_info* g : r.gpu_list) flops = g->fp16_flops_per_s && (flops || g == r.gpu_list.front()) ? flops + g->fp16_flops_per_s : 0;
  if (flops) {
    sp.prefill_tokens_per_s = static_cast<double>(flops) * kPrefillEfficiency / static_cast<double>(sp.flops_per_token);
    sp.prefill_bound = "compute";
    add_host_copies(p, sp);
  } else {
    sp.prefill_bound = "unknown";
    sp.reason = "the catalogue has no dense fp16 tensor throughput for " + sp.gpu + ", so prefill speed is unknown";
  }
  sp.known = sp.decode_tokens_per_s > 0;
  if (o.explain) r.formulas.push_back({"speed",
      "decode: (active weights " + text_of(active_weights) + " + KV " + text_of(kv) + ") bytes per step, each GPU's share at its bandwidth x the decode efficiency (" + text_of(static_cast<uint64_t>(sp.efficiency * 100)) + " % here; " +
          (gpus_n == 1 ? text_of(r.gpu->bandwidth_bytes_per_s) + " B/s" : parallel_group(r, o) == 1 ? "the GPUs one after another: llama.cpp's layer split"
                                                                   : "each tensor-parallel group's GPUs at once, the stages in turn") +
          (p.host_layers ? "; system RAM's share at " + text_of(static_cast<uint64_t>(host_bw)) + " B/s" : std::string()) +
          ")" + (r.interconnect ? "; + " + text_of(sp.interconnect_bytes) + " bytes over " + std::string(r.interconnect->name) + " at " + text_of(r.interconnect->bytes_per_s) + " B/s" : std::string()) +
          "; prefill: " + text_of(sp.flops_per_token) + " FLOPs per token / (dense fp16 " + text_of(flops) + " FLOP/s of the GPUs x 0.50)" +
          (sp.prefill_copy_bytes ? " + " + text_of(sp.prefill_copy_bytes) + " bytes of weights in system RAM copied over PCIe for each ubatch of " + text_of(r.n_ubatch) +
                                       " tokens (llama.cpp's op offload; the link's nominal rate, so a ceiling)" : std::string()),
      "llama.cpp: llama-bench tg rows per family and weight width (tests/fixtures/published/llama-bench.json: llama.cpp discussions 4167 and 15013, XiongjieDai's LLaMA 3 runs); other runtimes 0.70 (llama.cpp discussion 15013's CUDA tg128 of Llama-2-7B Q4_0); Kaplan et al. 2020 (forward FLOPs)"});
#endif
}

}  // namespace neuroshrink
