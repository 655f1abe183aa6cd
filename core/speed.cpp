// Speed on the chosen GPU: decode is bound by memory bandwidth (every active weight and the whole KV read once
// per step), prefill by compute (2 FLOPs per active parameter per token plus attention).
#include <cmath>

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
// llama.cpp's single-stream decode, per hardware family and backend: a step reads its bytes at peak bandwidth x an
// efficiency (per weight width: narrower weights spend more on dequantisation), plus a time per layer that no bandwidth
// explains (each kernel's launch, ramp and tail: what keeps small models and HBM cards from their bandwidth), plus
// a time per GPU boundary of a layer split. Fitted by scripts/fit-speed.mjs to the published llama-bench tg rows
// of that family (tests/fixtures/published/llama-bench.json: the Apple Silicon table of llama.cpp discussion 4167,
// the CUDA scoreboard of 15013, the Vulkan one of 10879, XiongjieDai's LLaMA 3 runs and the others listed there).
// low / high: the 10th and 90th percentiles of measured / predicted over those rows, the range shown beside the
// figure (a family of fewer than 10 rows widened to at least the pooled 0.86 to 1.08 of every family's rows).
// Apple's Ultra chips (two dies joined by UltraFusion) and HBM cards apart; a family without rows takes
// kDecodeEfficiency and no per-layer time. tests/node/fit-speed.test.mjs holds these to the fit.
struct decode_family {
  std::string_view family, backend;
  double wide, eight_bit, narrow;  // 12 bits a weight or more; 6.5 to 12; under 6.5
  double layer_s, boundary_s;
  double low, high;
  uint32_t rows;
};
constexpr decode_family kDecodeFamilies[] = {  // node scripts/fit-speed.mjs (rows: tg rows of the family; a width
                                               // without rows takes its neighbour's efficiency)
    //                       wide   8-bit  narrow  per layer  per boundary  p10   p90   rows
    {"apple", "metal",       0.897, 0.899, 0.871, 125e-6,    0,            0.90, 1.04, 69},
    {"apple-ultra", "metal", 0.853, 0.839, 0.786, 165e-6,    0,            0.89, 1.08, 28},
    {"nvidia", "cuda",       0.848, 0.785, 0.777, 24e-6,     241e-6,       0.86, 1.08, 102},
    {"nvidia", "vulkan",     0.640, 0.640, 0.640, 4e-6,      0,            0.86, 1.16, 6},
    {"nvidia-hbm", "cuda",   0.468, 0.468, 0.534, 49e-6,     17e-6,        0.74, 1.17, 25},
    {"amd", "rocm",          0.423, 0.423, 0.423, 0,         0,            0.86, 1.08, 2},
    {"amd", "vulkan",        0.739, 0.739, 0.739, 0,         0,            0.86, 1.13, 3},
    {"intel", "vulkan",      0.481, 0.481, 0.481, 0,         0,            0.76, 1.24, 2},
};
constexpr decode_family kOtherFamily{"other", "", kDecodeEfficiency, kDecodeEfficiency, kDecodeEfficiency, 0, 0, 0.7, 1.2, 0};

// Each vendor's usual backend (the build llama.cpp's releases and the apps that bundle it ship for it: CUDA,
// ROCm/HIP, Metal; Vulkan for Intel, as Ollama and LM Studio run it), and whether it runs on that vendor's GPUs
// alone (Vulkan and SYCL run on others' too).
struct vendor_backend {
  std::string_view vendor, usual;
  bool alone;
};
constexpr vendor_backend kVendorBackends[] = {{"nvidia", "cuda", true}, {"amd", "rocm", true}, {"apple", "metal", true}, {"intel", "vulkan", false}};

// The backend a GPU runs under: the request's, else its vendor's usual one.
std::string_view backend_of(const estimate_result& r, const gpu_info& g) {
  if (!r.backend.empty()) return r.backend;
  for (const auto& v : kVendorBackends)
    if (v.vendor == g.vendor) return v.usual;
  return "vulkan";
}

// Whether llama.cpp's `backend` can run on the GPU at all (CUDA on NVIDIA's alone, ...).
bool runs_on(std::string_view backend, const gpu_info& g) {
  for (const auto& v : kVendorBackends)
    if (v.usual == backend && v.alone) return v.vendor == g.vendor;
  return true;
}

const decode_family& family_rule(std::string_view family, std::string_view backend) {
  for (const auto& f : kDecodeFamilies)
    if (f.family == family && f.backend == backend) return f;
  return kOtherFamily;
}

bool measured_runtime(const estimate_result& r) {  // the rows are llama.cpp's (and Ollama's llama.cpp)
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  return rt && rt->solves_gpu_layers;
}

const decode_family& decode_rule(const estimate_result& r, const gpu_info& g) {
  return measured_runtime(r) ? family_rule(decode_family_of(g), backend_of(r, g)) : kOtherFamily;
}

double decode_efficiency(const estimate_result& r, const gpu_info& g, double bits_per_weight) {
  const decode_family& f = decode_rule(r, g);
  return bits_per_weight >= 12 ? f.wide : bits_per_weight >= 6.5 ? f.eight_bit : f.narrow;
}

// llama.cpp's prefill reaches a fraction of the catalogue's dense FP16 figure that depends on the class of card more
// than on its generation: its quantised matmuls (MMQ) and cuBLAS's FP16 run at about the same rate per SM and
// clock on GeForce, workstation and data-centre parts, while the datasheets' tensor figure per SM and clock is 2x
// (workstation: no half-rate FP32 accumulate) to 8x (H100) GeForce's. The efficiency per class is the median of
// measured pp tokens/s x FLOPs per token / that figure over the published rows (node scripts/fit-speed.mjs);
// other runtimes and classes keep kPrefillEfficiency.
struct prefill_class {
  std::string_view name, backend;
  double efficiency;
  uint32_t rows;
};
constexpr prefill_class kPrefillClasses[] = {
    {"geforce", "cuda", 0.980, 26},
    {"geforce", "vulkan", 0.669, 6},
    {"nvidia", "cuda", 0.377, 16},
    {"nvidia-hbm", "cuda", 0.231, 13},  // (AMD's two rows, one per backend, are too few to fit on)
};

std::string_view prefill_class_of(const gpu_info& g) {
  if (g.vendor == "nvidia" && !g.hbm) return g.name.find("GeForce") != std::string_view::npos ? "geforce" : "nvidia";
  return decode_family_of(g);
}

double prefill_efficiency(const estimate_result& r, const gpu_info& g) {
  if (!measured_runtime(r)) return kPrefillEfficiency;
  for (const auto& c : kPrefillClasses)
    if (c.name == prefill_class_of(g) && c.backend == backend_of(r, g)) return c.efficiency;
  return kPrefillEfficiency;
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

// The GPU boundaries a token crosses in llama.cpp's layer split: one fewer than the GPUs holding layers.
uint64_t gpu_boundaries(const estimate_result& r, const estimate_options& o) {
  if (!measured_runtime(r) || o.split_mode == "row") return 0;
  uint64_t holding = 0;
  for (const auto& d : r.devices) holding += d.index >= 0 && d.weights_bytes > 0;
  return holding > 1 ? holding - 1 : 0;
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

#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module shows no speed: a chosen GPU and the table go to the full one)
std::string_view decode_family_of(const gpu_info& g) {
  if (g.vendor == "apple") return g.name.find("Ultra") != std::string_view::npos ? "apple-ultra" : "apple";
  if (g.vendor == "nvidia" || g.vendor == "amd") return g.hbm ? (g.vendor == "amd" ? "amd-hbm" : "nvidia-hbm") : g.vendor;
  return g.vendor;
}

// The what-fits table's decode on `gpus` of one GPU: llama.cpp's layer split passes a token through them in turn
// (the bytes at one GPU's bandwidth, a boundary's time for each GPU after the first), other runtimes' tensor
// parallelism reads the shares at once.
double decode_tokens_per_s(const estimate_result& r, const gpu_info& g, uint64_t gpus) {
  if (!r.decode_step_bytes || !g.bandwidth_bytes_per_s) return 0;
  const decode_family& f = decode_rule(r, g);
  const double n = static_cast<double>(std::max<uint64_t>(1, gpus));
  const double bw = static_cast<double>(g.bandwidth_bytes_per_s) * (measured_runtime(r) ? 1.0 : n);
  const double step = static_cast<double>(r.decode_step_bytes) / (bw * decode_efficiency(r, g, step_bits(r))) +
                      static_cast<double>(r.n_layer) * f.layer_s + (n - 1) * f.boundary_s;
  return 1.0 / step;
}

std::span<const speed_band> speed_bands() {
  static constexpr speed_band kBands[] = {
      {"painful", 0, "painfully slow for conversation"},
      {"acceptable", 10, "acceptable for email or documentation, but still sluggish for chat"},
      {"smooth", 20, "smooth enough for most interactive uses"},
  };
  return kBands;
}

std::string_view speed_band_of(double tokens_per_s) {
  std::string_view band = speed_bands().front().name;
  for (const speed_band& b : speed_bands())
    if (tokens_per_s >= b.from_tokens_per_s) band = b.name;
  return band;
}
#else
double decode_tokens_per_s(const estimate_result&, const gpu_info&, uint64_t) { return 0; }
#endif

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
  for (std::string_view b : kLlamaBackends)  // (a static name: the table reads it too)
    if (o.backend == b) r.backend = b;
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
  const decode_family& family = decode_rule(r, *r.gpu);
  sp.family = decode_family_of(*r.gpu);
  sp.backend = measured_runtime(r) ? backend_of(r, *r.gpu) : std::string_view{};
  if (!r.backend.empty() && !runs_on(r.backend, *r.gpu))
    r.issues.push_back({"backend_mismatch", "backend", "llama.cpp's " + std::string(r.backend) + " backend does not run on " + sp.gpu +
                        ": its speed is the generic efficiency's; name the backend it runs (vulkan runs on every vendor's GPUs).", severity::warning});
  sp.prefill_class = prefill_class_of(*r.gpu);
  if (step_s > 0) step_s += static_cast<double>(p.n_layer) * family.layer_s + static_cast<double>(gpu_boundaries(r, o)) * family.boundary_s;
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
  sp.prompt_tokens = o.prompt_tokens ? std::min(o.prompt_tokens, o.context_tokens) : o.context_tokens;
  sp.flops_per_token = 2 * r.parameters.active.value + 2 * p.s.layers.size() * sp.prompt_tokens * p.s.num_attention_heads * p.s.head_dim;
  // Prefill: tensor parallelism splits each matmul, so the GPUs' throughputs add up. llama.cpp's layer split
  // passes each ubatch through the GPUs in turn and overlaps the ubatches (pipeline parallelism, n_copies = 4):
  // k ubatches over g GPUs take k + g - 1 stages of one GPU's share, so a prompt of one ubatch gains nothing.
  double flops = 0;
  if (r.gpu_list.empty()) flops = static_cast<double>(r.gpu->fp16_flops_per_s) * prefill_efficiency(r, *r.gpu) * static_cast<double>(gpus_n);
  for (const gpu_info* g : r.gpu_list) flops = g->fp16_flops_per_s && (flops > 0 || g == r.gpu_list.front()) ? flops + static_cast<double>(g->fp16_flops_per_s) * prefill_efficiency(r, *g) : 0;
  const uint64_t stages = gpu_boundaries(r, o) + 1;
  if (stages > 1) {
    const double k = std::ceil(static_cast<double>(sp.prompt_tokens) / static_cast<double>(std::max<uint64_t>(1, r.n_ubatch)));
    flops = flops / static_cast<double>(gpus_n) * static_cast<double>(stages) * k / (k + static_cast<double>(stages) - 1);
  }
  if (flops > 0) {
    sp.prefill_tokens_per_s = flops / static_cast<double>(sp.flops_per_token);
    sp.prefill_bound = "compute";
    add_host_copies(p, sp);
  } else {
    sp.prefill_bound = "unknown";
    const gpu_info* missing = r.gpu.get();
    for (const gpu_info* g : r.gpu_list)
      if (!g->fp16_flops_per_s) missing = g;
    sp.reason = "the catalogue has no dense fp16 throughput for " + std::string(missing->name) + " (" + std::string(fp16_unknown_reason(*missing)) + ")";
  }
  sp.known = sp.decode_tokens_per_s > 0;
  if (sp.known) {
    sp.decode_low = sp.decode_tokens_per_s * family.low, sp.decode_high = sp.decode_tokens_per_s * family.high;
    sp.band = speed_band_of(sp.decode_tokens_per_s);
  }
  // Time to first token: the prompt's prefill (its FLOPs at its own length), then one decode step.
  if (sp.prefill_tokens_per_s > 0 && sp.known) sp.first_token_s = static_cast<double>(sp.prompt_tokens) / sp.prefill_tokens_per_s + 1.0 / sp.decode_tokens_per_s;
  if (o.explain) r.formulas.push_back({"speed",
      "decode: (active weights " + text_of(active_weights) + " + KV " + text_of(kv) + ") bytes per step, each GPU's share at its bandwidth x the decode efficiency (" + text_of(static_cast<uint64_t>(sp.efficiency * 100)) + " % here; " +
          (gpus_n == 1 ? text_of(r.gpu->bandwidth_bytes_per_s) + " B/s" : parallel_group(r, o) == 1 ? "the GPUs one after another: llama.cpp's layer split"
                                                                   : "each tensor-parallel group's GPUs at once, the stages in turn") +
          (p.host_layers ? "; system RAM's share at " + text_of(static_cast<uint64_t>(host_bw)) + " B/s" : std::string()) +
          ")" + (r.interconnect ? "; + " + text_of(sp.interconnect_bytes) + " bytes over " + std::string(r.interconnect->name) + " at " + text_of(r.interconnect->bytes_per_s) + " B/s" : std::string()) +
          "; prefill: " + text_of(sp.flops_per_token) + " FLOPs per token / " + text_of(static_cast<uint64_t>(flops)) + " FLOP/s (the GPUs' dense fp16 x the prefill efficiency of their class" + (stages > 1 ? ", the layer split's pipeline over " + text_of(sp.prompt_tokens) + " prompt tokens" : std::string()) + ")" +
          (sp.prefill_copy_bytes ? " + " + text_of(sp.prefill_copy_bytes) + " bytes of weights in system RAM copied over PCIe for each ubatch of " + text_of(r.n_ubatch) +
                                       " tokens (llama.cpp's op offload; the link's nominal rate, so a ceiling)" : std::string()),
      "llama.cpp: fitted by scripts/fit-speed.mjs per hardware family and backend to the published llama-bench rows (tests/fixtures/published/llama-bench.json: llama.cpp discussions 4167, 15013 and 10879, XiongjieDai's LLaMA 3 runs and the others listed there); other runtimes 0.70 (llama.cpp discussion 15013's CUDA tg128 of Llama-2-7B Q4_0); Kaplan et al. 2020 (forward FLOPs)"});
#endif
}

}  // namespace neuroshrink
