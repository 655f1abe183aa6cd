#include "text.h"
#include "estimate.h"

#include "estimate_internal.h"
#include "training.h"
#include "gguf_quant.h"
#include "json_writer.h"
#include "request_limits.h"

#include <algorithm>

namespace neuroshrink {
namespace {


// Limits on request values (request_limits.h): a million-token context must work; beyond these no runtime allocates.
constexpr uint64_t kMaxContextTokens = request_limits::context_tokens;
constexpr uint64_t kMaxBatch = request_limits::batch_size;

std::string n(uint64_t v) { return text_of(v); }

}  // namespace

uint64_t tensor_bytes(const tensor_entry& t, const weight_format& f) {
  const uint64_t elements = t.elements();
  const uint64_t dense_bytes = ceil_div(elements * f.dense_bits, 8);
  // Weight-only quantization converts the Linear weights of the blocks: the matmul tensors, never the
  // MoE router (AutoGPTQ's inside_layer_modules, vLLM's ReplicatedLinear gate kept unquantized), nor the
  // lm_head except where the format says so.
  const bool quantized = t.matmul && t.role != tensor_role::lm_head && t.role != tensor_role::router && t.rank >= 2 &&
                         (!f.experts_only || t.role == tensor_role::expert);
  const uint64_t out = t.shape[0], in = t.rank >= 2 ? t.shape[t.rank - 1] : 1;
  const uint64_t rows = t.rank >= 2 ? (in ? elements / in : 0) : 1;  // every dimension but the input one
  switch (f.layout) {
    case weight_layout::dense:
    case weight_layout::gguf:  // sized tensor by tensor from the llama.cpp plan, not here
      return dense_bytes;
    case weight_layout::int8_row_scale:
      // Int8Params: CB int8 [out, in] + SCB fp32 [out].
      return quantized ? elements + rows * 4 : dense_bytes;
    case weight_layout::int_group: {
      if (!quantized) return dense_bytes;
      const uint64_t bits = f.quant_bits, g = f.group_size ? f.group_size : in;
      const uint64_t groups = ceil_div(in, g);
      const uint64_t qweight = ceil_div(in * bits, 32) * rows * 4;   // int32 words of packed codes
      const uint64_t qzeros = f.zero_points ? groups * ceil_div(rows * bits, 32) * 4 : 0;  // int32 [groups, out*bits/32]
      const uint64_t scales = groups * rows * 2;                    // fp16 [groups, out]
      const uint64_t g_idx = f.g_idx ? in * 4 : 0;                  // int32 [in]
      (void)out;
      return qweight + qzeros + scales + g_idx;
    }
    case weight_layout::bnb_4bit: {
      if (!quantized) return dense_bytes;
      const uint64_t blocks = ceil_div(elements, f.group_size);
      // absmax fp32 per block; double quantization: uint8 per block + fp32 per 256 blocks + the 256-entry
      // fp32 code book of the nested quantizer; both keep the 16-entry fp32 quant_map.
      const uint64_t absmax = f.double_quant ? blocks + ceil_div(blocks, 256) * 4 + 256 * 4 + 4 : blocks * 4;
      return ceil_div(elements, 2) + absmax + 16 * 4;
    }
    case weight_layout::fp8: {
      if (!quantized) return dense_bytes;
      const uint64_t scales = f.scales == scale_granularity::tensor ? 1
                              : f.scales == scale_granularity::channel ? rows
                                                                       : ceil_div(rows, f.block_rows) * ceil_div(in, f.block_cols);
      return elements + scales * 4;
    }
    case weight_layout::micro_block: {
      if (!quantized) return dense_bytes;
      const uint64_t blocks = ceil_div(in, f.group_size) * rows;
      return ceil_div(elements * f.quant_bits, 8) + blocks * f.scale_bits / 8 + (f.tensor_scale ? 4 : 0);
    }
    case weight_layout::mlx_affine: {
      const bool q = (quantized || (f.quantize_embeddings && (t.role == tensor_role::embedding || t.role == tensor_role::lm_head))) &&
                     t.rank >= 2 && in % f.group_size == 0;
      if (!q) return dense_bytes;
      return ceil_div(in * f.quant_bits, 32) * 4 * rows + ceil_div(in, f.group_size) * rows * 4;  // uint32 codes + fp16 scale and bias
    }
    case weight_layout::average_bits:
      return quantized ? ceil_div(elements * f.quant_millibits, 8000) : dense_bytes;
  }
  return dense_bytes;
}

namespace {

uint64_t pad_to(uint64_t v, uint64_t m) { return ceil_div(v, m) * m; }
uint64_t row_bytes(const kv_dtype& t, uint64_t elements) { return ceil_div(elements, t.block_elements) * t.block_bytes; }

// Families whose GGUF architecture runs a sliding-window (or chunked) cache in llama.cpp: src/models/
// gemma2.cpp, gemma3.cpp, cohere2.cpp, openai-moe.cpp, llama4.cpp set hparams.swa_type. Mistral and Mixtral
// convert to the "llama" architecture without a window, and phi3.cpp disables SWA ("Phi SWA is currently
// disabled", llama.cpp PR 13676): their caches hold the whole context.
bool llama_cpp_windowed(const model_spec& s) {
  const std::string& f = s.text_family.empty() ? s.family : s.text_family;
  return f == "gemma2" || f == "gemma3" || f == "gemma3_text" || f == "cohere2" || f == "gpt_oss" || f == "llama4" || f == "llama4_text" || f == "olmo2";
}

// A quantized V cache needs flash attention in llama.cpp (src/llama-context.cpp llama_init_from_model:
// "quantized V cache requires flash_attn to be enabled").
bool ggml_quantized(const kv_dtype& t) { return t.block_elements > 1; }

void add_component(estimate_result& r, std::string_view key, std::string label, std::string_view category, uint64_t bytes, bool host, bool per_gpu = false) {
  r.components.push_back({key, std::move(label), category, bytes, host, per_gpu});
}

// Decode efficiency: the fraction of peak memory bandwidth a single-stream decode reaches. llama.cpp's
// published CUDA runs (ggml-org/llama.cpp discussion 15013, "Performance of llama.cpp on NVIDIA CUDA":
// Llama-2-7B Q4_0, 3.56 GiB, tg128 ~ 186 t/s on an RTX 4090 of 1008 GB/s) read ~0.70 of peak; vLLM
// and transformers reach similar fractions at batch 1. Prefill: ~0.5 of dense fp16 tensor FLOPS
// (model FLOPs utilisation of large-batch prefill). Both are documented assumptions, not measurements
// of the user's machine.
constexpr double kDecodeEfficiency = 0.70;
constexpr double kPrefillEfficiency = 0.50;
// System RAM bandwidth when the request gives none: dual-channel DDR5-5600 (2 x 44.8 GB/s, JEDEC JESD79-5).
constexpr uint64_t kDefaultHostBandwidth = 89'600'000'000;

// The vLLM and host options' upper bounds (request_limits.h), each with its reason in the message; 0 means
// "the default" for all four.
void check_bounds(const estimate_options& o, std::vector<issue>& issues) {
  struct bound { uint64_t value, max; const char* field; const char* why; };
  const bound bounds[] = {
      {o.max_num_batched_tokens, request_limits::max_num_batched_tokens, "max_num_batched_tokens", "tokens, the longest context this estimate takes"},
      {o.max_num_seqs, request_limits::max_num_seqs, "max_num_seqs", "sequences, the largest batch this estimate takes"},
      {o.gpu_memory_bytes, request_limits::gpu_memory_bytes, "gpu_memory_bytes", "bytes (64 TiB), over 200 times the largest GPU's memory"},
      {o.host_bandwidth, request_limits::host_bandwidth, "host_bandwidth", "bytes/s (100 TB/s), far above any system RAM"},
  };
  for (const auto& b : bounds)
    if (b.value > b.max)
      issues.push_back({"invalid_request", b.field, std::string(b.field) + " is " + n(b.value) + "; it must be at most " + n(b.max) + " " + b.why + ".", severity::error});
}

}  // namespace

void place_and_fit(estimate_result& r, const estimate_options& o) {
  const uint64_t gpus_n = o.gpus;
  const runtime_kind rk = r.runtime ? r.runtime->kind : runtime_kind::transformers;
  for (const auto& comp : r.components) (comp.host ? r.memory.host_bytes : r.memory.gpu_bytes) += comp.bytes * (comp.per_gpu && !comp.host ? gpus_n : 1);
  // per-GPU components (activations, CUDA context) exist once per GPU.
  if (gpus_n > 1) {
    uint64_t extra = 0;
    for (const auto& comp : r.components)
      if (comp.per_gpu && !comp.host) extra += comp.bytes * (gpus_n - 1);
    r.memory.total_bytes += extra;
  }

  // Devices: each GPU's share (split components divided evenly: vLLM's and transformers' tensor / pipeline
  // split; llama.cpp's --split-mode layer over identical GPUs), and the host.
  const bool unified = r.gpu && r.gpu->unified_memory;
  r.devices.reserve(gpus_n + 1);
  for (uint64_t g = 0; g < gpus_n; ++g) {
    device_share d;
    d.name = "GPU " + n(g);
    for (const auto& comp : r.components) {
      if (comp.host && !unified) continue;
      const uint64_t share = comp.per_gpu ? comp.bytes : comp.bytes / gpus_n + (g == 0 ? comp.bytes % gpus_n : 0);
      if (comp.category == "weights") d.weights_bytes += share;
      else if (comp.category == "kv_cache") d.kv_cache_bytes += share;
      else if (comp.category == "activations") d.activations_bytes += share;
      else if (comp.category == "gradients") d.gradients_bytes += share;
      else if (comp.category == "optimizer") d.optimizer_bytes += share;
      else d.overhead_bytes += share;
    }
    d.total_bytes = d.weights_bytes + d.kv_cache_bytes + d.activations_bytes + d.overhead_bytes + d.gradients_bytes + d.optimizer_bytes;
    r.devices.push_back(d);
  }
  if (!unified && r.memory.host_bytes) {
    device_share d;
    d.name = "host";
    for (const auto& comp : r.components) {
      if (!comp.host) continue;
      if (comp.category == "weights") d.weights_bytes += comp.bytes;
      else if (comp.category == "kv_cache") d.kv_cache_bytes += comp.bytes;
      else if (comp.category == "activations") d.activations_bytes += comp.bytes;
      else if (comp.category == "gradients") d.gradients_bytes += comp.bytes;
      else if (comp.category == "optimizer") d.optimizer_bytes += comp.bytes;
      else d.overhead_bytes += comp.bytes;
    }
    d.total_bytes = d.weights_bytes + d.kv_cache_bytes + d.activations_bytes + d.overhead_bytes + d.gradients_bytes + d.optimizer_bytes;
    r.devices.push_back(d);
  }
  const uint64_t per_gpu_need = r.devices.empty() ? r.memory.total_bytes : r.devices[0].total_bytes;

  // Fits: each catalogue GPU, n of them, against the per-GPU need; unified memory holds the host share too.
  // vLLM needs its whole need inside gpu_memory_utilization x memory.
  const double util = o.gpu_memory_utilization > 0 ? o.gpu_memory_utilization : kVllmDefaultGpuMemoryUtilization;
  r.fits.reserve(gpus().size());
  for (const auto& g : gpus()) {
    uint64_t usable = usable_bytes(g);
    if (rk == runtime_kind::vllm) usable = std::min(usable, static_cast<uint64_t>(static_cast<double>(g.memory_bytes) * util));
    const uint64_t need = g.unified_memory ? r.memory.total_bytes : per_gpu_need;
    const bool fits = need <= usable;
    const int64_t headroom = fits ? static_cast<int64_t>(usable - need) : -static_cast<int64_t>(std::min<uint64_t>(need - usable, INT64_MAX));
    r.fits.push_back({&g, fits, headroom});
  }

}

double decode_tokens_per_s(const estimate_result& r, const gpu_info& g, uint64_t gpus) {
  const double bw = static_cast<double>(g.bandwidth_bytes_per_s) * static_cast<double>(std::max<uint64_t>(1, gpus));
  return r.decode_step_bytes ? bw * kDecodeEfficiency / static_cast<double>(r.decode_step_bytes) : 0;
}

model_tensors tensors_of(const model_spec& s) {
  model_tensors t{build_inventory(s), {}};
  t.parameters = count_parameters(t.inv);
  return t;
}

estimate_result estimate(const model_spec& s, const estimate_options& o) { return estimate(s, tensors_of(s), o); }

estimate_result estimate(const model_spec& s, const model_tensors& tensors, const estimate_options& o) {
  estimate_result r;
  r.formulas.reserve(8);
  r.components.reserve(8);
  auto& issues = r.issues;

  // Runtime.
  r.runtime = find_runtime(o.runtime.empty() ? std::string_view(kRuntimeName) : std::string_view(o.runtime));
  if (!r.runtime) {
    std::string known;
    for (const auto& rt : runtimes()) known += (known.empty() ? "" : ", ") + std::string(rt.name);
    issues.push_back({"unknown_runtime", "runtime", "Unknown runtime \"" + o.runtime + "\". Known: " + known + ".", severity::error});
    return r;
  }
  const runtime_kind rk = r.runtime->kind;

  if (o.mode == "train") {
    if (o.gpus == 0 || o.gpus > request_limits::gpus) {
      issues.push_back({"invalid_gpus", "gpus", "The number of GPUs must be between 1 and " + n(request_limits::gpus) + ", not " + n(o.gpus) + ".", severity::error});
      return r;
    }
    if (!o.gpu.empty()) {
      r.gpu = find_gpu(o.gpu);
      if (!r.gpu) issues.push_back({"unknown_gpu", "gpu", "No GPU named \"" + o.gpu + "\" in the catalogue.", severity::error});
    }
    r.gpus = o.gpus;
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
    issues.push_back({"needs_full_estimator", "mode", "This build of the estimator has no training estimate; the full estimator module answers it.", severity::error});
#else
    if (!has_error(issues)) estimate_training(s, tensors, o, r);
#endif
    return r;
  }
  if (!o.mode.empty() && o.mode != "inference") {
    issues.push_back({"invalid_mode", "mode", "The mode is \"inference\" or \"train\", not \"" + o.mode + "\".", severity::error});
    return r;
  }

  // Weight format: the request's, else what the checkpoint is stored in (quantization_config), else its dtype.
  std::string fmt_name = o.quantization;
  const auto& sq = s.quantization;
  if (fmt_name.empty()) {
    r.format_defaulted = true;
    if (!sq.format.empty()) {
      fmt_name = sq.format;
    } else {
      fmt_name = std::string(format_from_torch_dtype(s.torch_dtype));
      if (fmt_name.empty() && !sq.method.empty()) {
        fmt_name = "bf16";
        issues.push_back({"stored_format_not_sized", "quantization",
            "The checkpoint is stored as " + sq.summary + ", which this estimate does not size; weights are shown at bf16, an upper bound. Pick a quantization for a closer figure.",
            severity::warning});
      } else if (fmt_name.empty()) {
        fmt_name = "fp32";
        issues.push_back({"dtype_assumed", "torch_dtype",
            s.torch_dtype.empty()
                ? "config.json does not give torch_dtype; assumed fp32, which transformers loads when no dtype is named. Pick a quantization to override."
                : "torch_dtype \"" + s.torch_dtype + "\" is not a float type this estimate knows; assumed fp32. Pick a quantization to override.",
            severity::warning});
      }
    }
  }
  r.format = find_weight_format(fmt_name);
  if (r.format && r.format_defaulted && !sq.format.empty()) {
    // Stored as the quantization_config says: its block shape, zero points and scope.
    if (sq.block_rows && sq.block_cols) { r.format->block_rows = sq.block_rows; r.format->block_cols = sq.block_cols; }
    r.format->zero_points = sq.zero_points;
    r.format->g_idx = r.format->g_idx && sq.g_idx;
    r.format->experts_only = sq.experts_only;
    if (r.format->layout == weight_layout::fp8 && r.format->scales == scale_granularity::block)
      r.format->label = "FP8 " + text_of(r.format->block_rows) + "x" + text_of(r.format->block_cols) + " blocks";
  }
  if (!r.format) {
    issues.push_back({"unknown_quantization", "quantization",
        "Unknown quantization \"" + fmt_name + "\". Known: " + std::string(weight_format_names()) + ".", severity::error});
  } else if (rk == runtime_kind::llama_cpp && r.format->layout != weight_layout::dense && r.format->layout != weight_layout::gguf) {
    issues.push_back({"format_not_for_runtime", "quantization",
        "llama.cpp loads GGUF files: " + r.format->label + " is not one of its types. Pick a llama.cpp file type (Q4_K_M, Q8_0, ...) or fp16/bf16.", severity::error});
  } else if (rk != runtime_kind::llama_cpp && r.format->layout == weight_layout::gguf) {
    issues.push_back({"format_not_for_runtime", "quantization",
        r.format->label + " is a llama.cpp file type; pick the llama.cpp runtime, or a format " + std::string(r.runtime->name) + " loads.", severity::error});
  } else if (rk == runtime_kind::mlx && r.format->layout != weight_layout::dense && r.format->layout != weight_layout::mlx_affine) {
    issues.push_back({"format_not_for_runtime", "quantization", "MLX loads its own affine quantization: pick mlx-4bit, mlx-8bit, or fp16/bf16.", severity::error});
  }

  // KV element types: the request's (one for both, or K and V apart), else the runtime's default:
  // transformers keeps K and V in the compute dtype; llama.cpp f16 (common.h cache_type_k/v); vLLM
  // "auto" = the model dtype; MLX the dtype of the keys (fp16/bf16: two bytes).
  auto kv_type = [&](const std::string& asked, const char* field) -> const kv_dtype* {
    if (asked.empty()) {
      r.kv_dtype_defaulted = true;
      return find_kv_dtype(rk == runtime_kind::transformers && r.format && r.format->compute_bytes == 4 ? "fp32" : "fp16");
    }
    const kv_dtype* k = find_kv_dtype(asked);
    if (!k) {
      std::string known;
      for (const auto& d : kv_dtypes()) known += (known.empty() ? "" : ", ") + std::string(d.name);
      issues.push_back({"unknown_kv_cache_dtype", field, "Unknown KV cache dtype \"" + asked + "\". Known: " + known + ".", severity::error});
    }
    return k;
  };
  r.kv_k = kv_type(o.kv_cache_dtype_k.empty() ? o.kv_cache_dtype : o.kv_cache_dtype_k, o.kv_cache_dtype_k.empty() ? "kv_cache_dtype" : "kv_cache_dtype_k");
  r.kv_v = kv_type(o.kv_cache_dtype_v.empty() ? o.kv_cache_dtype : o.kv_cache_dtype_v, o.kv_cache_dtype_v.empty() ? "kv_cache_dtype" : "kv_cache_dtype_v");

  if (o.context_tokens == 0 || o.context_tokens > kMaxContextTokens)
    issues.push_back({"invalid_context", "context_tokens", "The context must be between 1 and " + n(kMaxContextTokens) + " tokens, not " + n(o.context_tokens) + ".", severity::error});
  if (o.batch_size == 0 || o.batch_size > kMaxBatch)
    issues.push_back({"invalid_batch", "batch_size", "The batch must be between 1 and " + n(kMaxBatch) + " sequences, not " + n(o.batch_size) + ".", severity::error});
  if (o.gpus == 0 || o.gpus > request_limits::gpus)
    issues.push_back({"invalid_gpus", "gpus", "The number of GPUs must be between 1 and " + n(request_limits::gpus) + ", not " + n(o.gpus) + ".", severity::error});
  if (o.ubatch > request_limits::ubatch)
    issues.push_back({"invalid_ubatch", "ubatch", "The ubatch must be at most " + n(request_limits::ubatch) + " tokens.", severity::error});
  check_bounds(o, issues);
  if (!(o.gpu_memory_utilization >= 0 && o.gpu_memory_utilization <= 1))
    issues.push_back({"invalid_gpu_memory_utilization", "gpu_memory_utilization", "gpu_memory_utilization must be a fraction between 0 and 1.", severity::error});
  if (!o.gpu.empty()) {
    r.gpu = find_gpu(o.gpu);
    if (!r.gpu) issues.push_back({"unknown_gpu", "gpu", "No GPU named \"" + o.gpu + "\" in the catalogue. Names are as the catalogue lists them, e.g. \"NVIDIA GeForce RTX 4090\" (a unique part of a name is enough).", severity::error});
  }
  if (r.kv_k && r.kv_v) {
    const bool ggml_only = ggml_quantized(*r.kv_k) || ggml_quantized(*r.kv_v);
    const bool fp8 = r.kv_k->name == "fp8" || r.kv_v->name == "fp8";
    if (rk == runtime_kind::llama_cpp && fp8)
      issues.push_back({"kv_type_not_for_runtime", "kv_cache_dtype", "llama.cpp has no fp8 cache type; its cache types are f32, f16, bf16, q8_0, q5_1, q5_0, q4_1, q4_0, iq4_nl.", severity::error});
    if (rk != runtime_kind::llama_cpp && ggml_only)
      issues.push_back({"kv_type_not_for_runtime", "kv_cache_dtype", std::string(r.runtime->name) + " has no " + std::string(ggml_quantized(*r.kv_k) ? r.kv_k->name : r.kv_v->name) +
          " cache: the q4/q5/q8/iq4 cache types are llama.cpp's. " + (rk == runtime_kind::vllm ? "vLLM offers fp8 (--kv-cache-dtype fp8)." : "Use fp16, bf16 or fp8."), severity::error});
  }
  if (has_error(issues)) return r;

  if (s.max_position_embeddings && o.context_tokens > s.max_position_embeddings)
    issues.push_back({"context_beyond_model", "context_tokens",
        "The context (" + n(o.context_tokens) + " tokens) exceeds the model's max_position_embeddings (" + n(s.max_position_embeddings) +
        "); the model was not trained for it, though the memory is computed as asked.", severity::warning});

  r.context_tokens = o.context_tokens;
  r.batch_size = o.batch_size;
  r.gpus = o.gpus;
  const weight_format& f = *r.format;
  const kv_dtype& kv_k = *r.kv_k;
  const kv_dtype& kv_v = *r.kv_v;
  const uint64_t c = f.compute_bytes;

  const inventory& inv = tensors.inv;
  r.parameters = tensors.parameters;

  // Weights, split into what stays on the host in llama.cpp (the input layer) and the rest.
  const uint64_t n_layer = std::max<uint64_t>(1, s.layers.size());
  r.n_layer = s.layers.size();
  checked_u64 weights, embedding_bytes, output_bytes, layer_bytes, other_bytes;
  std::vector<uint64_t> blk_bytes;  // a GGUF file type: each blk's bytes, for -ngl (types differ by layer)
  uint64_t token_embd_bytes = 0;
  if (f.layout == weight_layout::gguf) {
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
    // The page's first-estimate module leaves the planner out (core/CMakeLists.txt); the full one has it.
    issues.push_back({"needs_full_estimator", "quantization",
        "This build of the estimator has no GGUF planner for " + f.name + "; the full estimator module answers it.", severity::error});
    return r;
#endif
    // llama.cpp file types: every tensor's ggml type as convert_hf_to_gguf.py + llama-quantize choose it.
    const gguf_file_type* ft = find_gguf_file_type(f.gguf_ftype);
    r.gguf = ft ? plan_gguf(s, inv, *ft) : gguf_plan{};
    const gguf_plan& plan = *r.gguf;
    blk_bytes.assign(plan.n_layer, 0);
    for (const auto& t : plan.tensors) {
      const uint64_t rows = t.ne[1] * t.ne[2] * t.ne[3];
      for (size_t k = 0; k < t.layer_index.size(); ++k)
        if (t.layer_index[k] < blk_bytes.size()) blk_bytes[t.layer_index[k]] += gguf_row_bytes(t.layer_type[k], t.ne[0]) * rows;
      if (!t.layer_index.empty()) layer_bytes.add(t.bytes);
      else if (t.category == gguf_category::token_embd || t.category == gguf_category::position_embd) embedding_bytes.add(t.bytes);
      else if (t.category == gguf_category::output) output_bytes.add(t.bytes);
      else other_bytes.add(t.bytes);
      if (t.category == gguf_category::token_embd) token_embd_bytes = t.bytes;
      weights.add(t.bytes);
    }
  }
  for (const auto& t : inv.tensors) {
    if (f.layout == weight_layout::gguf) break;  // sized above, tensor by tensor, from the GGUF plan
    if (t.component == "mtp") continue;  // multi-token-prediction modules: stored, not loaded for plain decoding
    if (rk == runtime_kind::llama_cpp && (t.component == "vision" || t.component == "projector")) continue;  // the separate mmproj GGUF
    // GGUF keeps 1-D tensors (norms, biases) in F32 (convert_hf_to_gguf.py: n_dims == 1 -> F32).
    uint64_t one = tensor_bytes(t, f);
    if (rk == runtime_kind::llama_cpp && t.rank <= 1 && f.layout == weight_layout::dense) one = t.elements() * 4;
    const auto bytes = checked_u64::product({one, t.instances()});
    weights.add(bytes);
    if (!t.layer_type.empty()) layer_bytes.add(bytes);
    else if (t.role == tensor_role::embedding || t.role == tensor_role::position) embedding_bytes.add(bytes);
    else if (t.role == tensor_role::lm_head) output_bytes.add(bytes);
    else other_bytes.add(bytes);  // final norm, vision tower, projector
  }

  // KV cache, layer by layer. The shape of each cached token is the same in every runtime: K and V as
  // [kv_heads, head_dim] per layer (transformers cache_utils.py DynamicCache; llama.cpp llama-kv-cache.cpp;
  // vLLM's paged blocks). What differs is how many tokens each runtime keeps, and MLA: transformers has no
  // MLA kernel and caches the expanded per-head K and V (modeling_deepseek_v3.py), the others the latent.
  const bool llama = rk == runtime_kind::llama_cpp;
  const uint64_t n_seq = o.batch_size;
  if (llama) {
    // src/llama-context.cpp:246-303: n_batch = min(n_ctx, 2048), n_ubatch = min(n_batch, 512); n_ctx padded
    // to 256, split per sequence and padded again. -c is the total over --parallel sequences.
    const uint64_t n_ctx_asked = o.context_tokens * n_seq;
    r.n_ctx_seq = pad_to(pad_to(n_ctx_asked, kLlamaCtxPad) / n_seq, kLlamaCtxPad);
    r.n_ctx = r.n_ctx_seq * n_seq;
    r.n_ubatch = std::min(std::min(n_ctx_asked, kLlamaDefaultBatch), o.ubatch ? o.ubatch : kLlamaDefaultUbatch);
    r.flash_attention = o.flash_attention != 0;
    r.gpu_layers = o.gpu_layers < 0 ? n_layer + 1 : std::min<uint64_t>(static_cast<uint64_t>(o.gpu_layers), n_layer + 1);
    if (!r.flash_attention && ggml_quantized(kv_v)) {
      issues.push_back({"quantized_v_needs_flash_attention", "flash_attention",
          "llama.cpp refuses a quantized V cache (" + std::string(kv_v.name) + ") without flash attention: \"quantized V cache requires flash_attn to be enabled\" (src/llama-context.cpp). Turn flash attention on, or keep V at f16.",
          severity::error});
      return r;
    }
  }
  const bool windowed = !llama || llama_cpp_windowed(s);
  checked_u64 kv_cache, per_token;
  uint64_t llama_kv_cells_max = 0;
  const uint64_t conv_channels = s.dim("conv_dim") ? s.dim("conv_dim") : s.dim("d_inner");
  for (const auto& l : s.layers) {
    uint64_t bpt = 0, tokens = 0, state = 0;
    if (l.attention == attention_kind::mla) {
      bpt = rk == runtime_kind::transformers || rk == runtime_kind::mlx
                ? row_bytes(kv_k, s.dim("expanded_k_elements")) + row_bytes(kv_v, s.dim("expanded_v_elements"))
                : row_bytes(kv_k, l.k_elements);  // llama.cpp: K only, V is a view of it (is_mla: has_v = false); vLLM: one latent row
    } else if (l.attention != attention_kind::none) {
      bpt = row_bytes(kv_k, l.k_elements) + row_bytes(kv_v, l.v_elements);
    }
    // The lightning indexer's keys (DeepSeek Sparse Attention): vLLM stores them as fp8 with one fp32 scale per
    // token (DeepseekV32IndexerCache, 128 + 4 bytes), the others in the K cache's type.
    if (l.index_elements) bpt += rk == runtime_kind::vllm ? l.index_elements + 4 : row_bytes(kv_k, l.index_elements);
    const bool local = (l.attention == attention_kind::sliding || l.attention == attention_kind::chunked) && l.window && windowed;
    if (l.attention == attention_kind::none) {
      tokens = 0;
    } else if (llama) {
      // Full caches hold n_ctx_seq cells per sequence; sliding/chunked caches pad256(min(n_ctx_seq, n_swa + n_ubatch))
      // (src/llama-kv-cache-iswa.cpp, non-unified cache).
      tokens = local ? std::min(r.n_ctx_seq, pad_to(l.window + r.n_ubatch, kLlamaCtxPad)) : r.n_ctx_seq;
      llama_kv_cells_max = std::max(llama_kv_cells_max, tokens);
    } else if (rk == runtime_kind::vllm) {
      // Paged blocks of 16 tokens per sequence (vllm/config.py CacheConfig.block_size).
      tokens = pad_to(local ? std::min(l.window + 1, o.context_tokens) : o.context_tokens, kVllmBlockSize);
    } else if (rk == runtime_kind::mlx) {
      // mlx_lm models/cache.py: KVCache grows in steps of 256 tokens; RotatingKVCache keeps the window.
      tokens = local ? std::min(l.window, pad_to(o.context_tokens, 256)) : pad_to(o.context_tokens, 256);
    } else {
      tokens = local ? std::min(l.window, o.context_tokens) : o.context_tokens;
    }
    if (l.state_elements) {
      // llama.cpp's recurrent memory (src/llama-memory-recurrent.cpp): f32 conv state of d_conv - 1 columns and
      // the ssm state, one cell per sequence. transformers' MambaCache keeps d_conv columns in the compute dtype;
      // Gated DeltaNet's recurrent state is fp32 there (modeling_qwen3_next.py, modeling_qwen3_5.py).
      state = llama ? 4 * (l.state_elements - conv_channels) : (l.state_elements - l.state_fp32_elements) * c + l.state_fp32_elements * 4;
    }
    auto bytes = checked_u64::product({bpt, tokens, o.batch_size});
    bytes.add(checked_u64::product({state, o.batch_size}));
    kv_cache.add(bytes);
    per_token.add(bpt);
    if (!r.kv_layers.empty()) {
      auto& g = r.kv_layers.back();
      if (g.attention == l.attention && g.window == l.window && g.bytes_per_token == bpt && g.state_bytes == state && g.cached_tokens == tokens) {
        ++g.layers;
        g.bytes += bytes.value;
        continue;
      }
    }
    r.kv_layers.push_back({l.attention, l.window, 1, bpt, tokens, state, bytes.value});
  }
  r.kv_cache_bytes_per_token = per_token.value;
  uint64_t mla_layers = 0, latent_bpt = 0;
  for (const auto& l : s.layers)
    if (l.attention == attention_kind::mla) {
      ++mla_layers;
      latent_bpt += row_bytes(kv_k, l.k_elements) + row_bytes(kv_v, l.v_elements);
    }
  if (mla_layers && (rk == runtime_kind::transformers || rk == runtime_kind::mlx))
    issues.push_back({"mla_expanded", "kv_cache_dtype",
        "Multi-head latent attention: " + std::string(r.runtime->name) + " caches the expanded K and V (" + n(per_token.value) +
            " bytes per token over " + n(mla_layers) + " layers); runtimes with MLA kernels (vLLM, SGLang, llama.cpp) cache the " +
            n(s.dim("kv_lora_rank")) + " + " + n(s.dim("qk_rope_head_dim")) + " latent instead: " + n(latent_bpt) + " bytes per token.",
        severity::info});
  if (llama && !windowed) {
    bool any_local = false;
    for (const auto& l : s.layers) any_local = any_local || ((l.attention == attention_kind::sliding || l.attention == attention_kind::chunked) && l.window);
    if (any_local)
      issues.push_back({"llama_cpp_no_window", "runtime",
          "llama.cpp runs this architecture without its sliding window (Mistral/Mixtral convert to the llama architecture; Phi-3's SWA is disabled, llama.cpp PR 13676): its cache holds the whole context.",
          severity::info});
  }

  const uint64_t T = o.context_tokens * o.batch_size;
  const uint64_t h = s.hidden_size, i = s.intermediate_size, V = s.vocab_size;
  const uint64_t gpus_n = o.gpus;
  checked_u64 activations, overhead;

  switch (rk) {
    case runtime_kind::transformers:
    case runtime_kind::mlx: {
      // Activations: the peak of transient tensors in one prefill forward pass of transformers under
      // torch.no_grad with SDPA attention, where layers run one after another so one layer's tensors are
      // live at a time (modeling_llama.py):
      //  - MLP: residual + normed input [T, h], then act(gate_proj(x)), up_proj(x) and their product [T, i]
      //    live together: T * (2h + 3i) elements; an expert block adds its zeroed output [T, h] and, at worst,
      //    every token routed to one expert (modeling_mixtral.py MixtralSparseMoeBlock).
      //  - attention: residual + normed input [T, h], rotated q, the SDPA output and its contiguous copy
      //    [T, heads*head_dim]: T * (2h + 3*heads*head_dim) elements (K and V live in the cache).
      //  - logits: generate() asks for the last position only (logits_to_keep=1, generation/utils.py), which
      //    LlamaForCausalLM returns upcast to fp32: batch * vocab * (c + 4) bytes.
      // mlx_lm prefills in steps of 2048 tokens (generate.py prefill_step_size), so its peak holds at most
      // 2048 tokens per sequence.
      const uint64_t tokens = rk == runtime_kind::mlx ? std::min<uint64_t>(o.context_tokens, 2048) * o.batch_size : T;
      const uint64_t mlp_elems = s.num_experts ? 3 * h + 3 * i : 2 * h + 3 * i;
      const uint64_t attn_elems = 2 * h + 3 * s.num_attention_heads * s.head_dim;
      activations = checked_u64::product({tokens, std::max(mlp_elems, attn_elems), c});
      activations.add(checked_u64::product({o.batch_size, V, c + 4}));
      add_component(r, "weights", "Weights", "weights", weights.value, false);
      add_component(r, "kv_cache", rk == runtime_kind::mlx ? "KV cache (mlx_lm KVCache, 256-token steps)" : "KV cache (DynamicCache)", "kv_cache", kv_cache.value, false);
      add_component(r, "activations", "Prefill activations", "activations", activations.value, false, true);
      if (rk == runtime_kind::transformers) {
        overhead.add(kTorchCudaContextBytes);
        add_component(r, "cuda_context", "CUDA context (PyTorch)", "overhead", kTorchCudaContextBytes, false, true);
      }
      if (o.explain) r.formulas.push_back({"activations",
          "prefill peak: tokens " + n(tokens) + " x max(MLP " + n(mlp_elems) + ", attention " + n(attn_elems) + ") elements x " + n(c) +
          " bytes + last-position logits " + n(o.batch_size) + " x vocab " + n(V) + " x (" + n(c) + " + 4 for the fp32 upcast) bytes",
          rk == runtime_kind::mlx ? "mlx_lm generate.py (prefill_step_size 2048); the same per-layer tensors as transformers"
                                  : "transformers (PyTorch, SDPA, no_grad) modeling_llama.py LlamaDecoderLayer/LlamaMLP/LlamaAttention forward; generation/utils.py logits_to_keep=1"});
      if (o.explain) {
        if (rk == runtime_kind::transformers)
          r.formulas.push_back({"overhead", "CUDA context of a PyTorch process with lazy module loading: " + n(kTorchCudaContextBytes) + " bytes",
              "pytorch/pytorch#86509 (CUDA_MODULE_LOADING=LAZY, default since PyTorch 1.13)"});
        else
          r.formulas.push_back({"overhead", "none: MLX allocates from unified memory; the limit is Metal's recommended working set",
              "Apple Metal MTLDevice.recommendedMaxWorkingSetSize; mlx.core.metal.device_info()"});
      }
      break;
    }
    case runtime_kind::llama_cpp: {
      const uint64_t ub = r.n_ubatch;
      const uint64_t gl = std::min(r.gpu_layers, n_layer);          // repeating layers on the GPU
      const bool output_on_gpu = r.gpu_layers > n_layer;           // src/llama-model.cpp: the output layer needs ngl > n_layer
      const bool any_gpu = r.gpu_layers > 0;
      // Model buffers: the input layer (token_embd) always on the host (src/llama-model.cpp "very little benefit
      // to offloading the input layer"); the last `gl` layers on the GPU; output norm + output on the GPU when
      // ngl > n_layer. A tied model's output is a copy of token_embd made in the GPU's buffer type
      // (src/llama-model-loader.cpp: duplicated tensors are shared only within one buffer type).
      uint64_t layers_gpu = layer_bytes.value / n_layer * gl + (gl == n_layer ? layer_bytes.value % n_layer : 0);
      if (!blk_bytes.empty()) {  // the last gl blks, as llama.cpp offloads them (i_gpu_start = n_layer - ngl)
        layers_gpu = 0;
        for (uint64_t b = blk_bytes.size() - std::min<uint64_t>(gl, blk_bytes.size()); b < blk_bytes.size(); ++b) layers_gpu += blk_bytes[b];
      }
      const uint64_t layers_host = layer_bytes.value - layers_gpu;
      const uint64_t out_bytes = output_bytes.value + other_bytes.value;
      const uint64_t tied_copy = !output_on_gpu ? 0 : r.gguf ? (r.gguf->tied_output ? token_embd_bytes : 0) : s.tie_word_embeddings ? embedding_bytes.value : 0;
      add_component(r, "model_buffer_host", "Model buffer, host (CPU_Mapped: token_embd" + std::string(gl < n_layer ? " + CPU layers" : "") + (output_on_gpu ? "" : " + output") + ")",
          "weights", embedding_bytes.value + layers_host + (output_on_gpu ? 0 : out_bytes), true);
      if (any_gpu)
        add_component(r, "model_buffer_gpu", "Model buffer, GPU (" + n(gl) + " layers" + (output_on_gpu ? " + output" : "") + (tied_copy ? ", tied output copied" : "") + ")",
            "weights", layers_gpu + (output_on_gpu ? out_bytes + tied_copy : 0), false);
      weights.add(tied_copy);
      // KV buffer: each layer's cache on that layer's device (offload_kqv, src/llama-kv-cache.cpp).
      const uint64_t kv_gpu = kv_cache.value / n_layer * gl + (gl == n_layer ? kv_cache.value % n_layer : 0);
      if (any_gpu) add_component(r, "kv_buffer_gpu", "KV buffer, GPU", "kv_cache", kv_gpu, false);
      if (kv_cache.value > kv_gpu) add_component(r, "kv_buffer_host", "KV buffer, host (CPU layers)", "kv_cache", kv_cache.value - kv_gpu, true);
      // Compute buffer: ggml-alloc's peak over the reserved worst-case graph of n_ubatch tokens with n_ubatch
      // logits rows (src/llama-context.cpp graph_reserve). Measured on llama.cpp's CPU backend
      // (tests/fixtures/llamacpp/measurements.json, 92 contexts): the larger of the logits phase,
      // 4 * ub * (n_vocab + 2 * n_embd), and without flash attention the attention phase, the f32 KQ scores and
      // mask 4 * ub * n_kv * (n_head + 1) beside ~ 4 * ub * (5 n_embd + 2 n_embd_kv) of live activations.
      const uint64_t heads = s.num_attention_heads, kvdim = s.num_key_value_heads * s.head_dim;
      const checked_u64 logits_phase = checked_u64::product({4, ub, V + 2 * h});
      checked_u64 attn_phase = checked_u64::product({llama_kv_cells_max, heads + 1});
      attn_phase.add(5 * h + 2 * kvdim).mul(4).mul(ub);
      if (r.flash_attention) attn_phase = {};
      activations.add(logits_phase.value >= attn_phase.value ? logits_phase : attn_phase);
      activations.overflow = activations.overflow || logits_phase.overflow || attn_phase.overflow;
      add_component(r, any_gpu ? "compute_buffer_gpu" : "compute_buffer_host", any_gpu ? "Compute buffer, GPU" : "Compute buffer, host", "activations", activations.value, !any_gpu, true);
      if (any_gpu) {
        // The host-side part of the graph (the token_embd lookup, the graph inputs): CUDA_Host compute buffer.
        const uint64_t host_compute = 4 * ub * h;
        activations.add(host_compute);
        add_component(r, "compute_buffer_host", "Compute buffer, host (CUDA_Host: embeddings lookup)", "activations", host_compute, true);
      }
      // Output buffer: float logits for one output per sequence, on the host (src/llama-context.cpp output_reserve).
      const uint64_t out_buf = 4 * V * std::max<uint64_t>(1, n_seq);
      overhead.add(out_buf);
      add_component(r, "output_buffer", "Output buffer, host (logits)", "overhead", out_buf, true);
      if (o.explain) r.formulas.push_back({"weights", (r.gguf ? "GGUF tensor data of " + f.name + ": " + n(r.gguf->n_tensors) + " tensors, " + n(r.gguf->tensor_bytes) + " bytes (" +
                                                   n(r.gguf->bpw_milli() / 1000) + "." + n(r.gguf->bpw_milli() % 1000 / 100) + n(r.gguf->bpw_milli() % 100 / 10) +
                                                   " bits per weight), each tensor's type as llama-quantize picks it; token_embd on the host"
                                             : "GGUF tensor data: 2-D tensors in " + f.label + ", 1-D tensors (norms, biases) in F32; token_embd on the host") +
          std::string(tied_copy ? "; the tied output copied to the GPU (" + n(tied_copy) + " bytes)" : ""),
          r.gguf ? "convert_hf_to_gguf.py; llama.cpp src/llama-quant.cpp llama_tensor_get_type_impl (core/gguf_quant.cpp); src/llama-model.cpp (input layer on the CPU)"
                 : "convert_hf_to_gguf.py (1-D tensors F32); llama.cpp src/llama-model.cpp (input layer on the CPU), src/llama-model-loader.cpp"});
      if (o.explain) r.formulas.push_back({"activations",
          "compute buffer = max(logits phase 4 x ubatch " + n(ub) + " x (vocab " + n(V) + " + 2 x n_embd " + n(h) + ")" +
              (r.flash_attention ? std::string(", flash attention on") : ", attention phase 4 x " + n(ub) + " x (n_kv " + n(llama_kv_cells_max) + " x (n_head " + n(heads) + " + 1) + 5 x " + n(h) + " + 2 x " + n(kvdim) + ")") +
              ")" + (any_gpu ? " + host compute 4 x " + n(ub) + " x " + n(h) : std::string()),
          "llama.cpp src/llama-context.cpp graph_reserve; fitted to 92 measured CPU contexts (tests/llamacpp/README.md)"});
      if (o.explain) r.formulas.push_back({"overhead", "output buffer 4 x vocab " + n(V) + " x " + n(std::max<uint64_t>(1, n_seq)) + " sequences; the CUDA context and cuBLAS workspace are in no llama.cpp buffer and not counted",
          "llama.cpp src/llama-context.cpp output_reserve"});
      issues.push_back({"cuda_context_not_counted", "overhead",
          "llama.cpp's totals are its own buffers. The CUDA context comes on top, in no buffer llama.cpp prints: it grows with the GPU's SM count, 107 MiB on an RTX 4060 Ti to 555 MiB on an RTX PRO 6000 (llama.cpp PR 23604, 20595), plus cuBLAS workspace and pool slack; keep that much free.",
          severity::info});
      break;
    }
    case runtime_kind::vllm: {
      // vLLM's profile run (vllm/v1/worker/gpu_worker.py determine_available_memory): one forward pass of
      // max_num_batched_tokens tokens, then a sampler pass over max_num_seqs rows of fp32 logits. Its peak is
      // the MLP of one layer over the batched tokens (fused gate_up [T, 2i] and the activation [T, i] beside
      // the hidden states [T, h] x 2, 16-bit) or the logits of max_num_seqs sequences in fp32 with the
      // sampler's sorted copy.
      const bool big = r.gpu && r.gpu->memory_bytes >= 70 * (uint64_t{1} << 30) && std::string_view(r.gpu->name).find("A100") == std::string_view::npos;
      const uint64_t mbt = o.max_num_batched_tokens ? o.max_num_batched_tokens : big ? 8192 : 2048;
      const uint64_t seqs = o.max_num_seqs ? o.max_num_seqs : big ? 1024 : 256;
      const uint64_t ffn = s.num_experts ? std::max(i, s.moe_intermediate_size * std::max<uint64_t>(1, s.experts_per_token)) : i;
      // Tensor parallelism shards the MLP's intermediate over the ranks (MergedColumnParallelLinear /
      // RowParallelLinear, vllm/model_executor/layers/linear.py); the hidden states stay whole on each.
      const uint64_t ffn_rank = ceil_div(ffn, gpus_n);
      const checked_u64 mlp_peak = checked_u64::product({mbt, 3 * ffn_rank + 2 * h, 2});
      const checked_u64 sampler_peak = checked_u64::product({std::min(seqs, mbt), V, 4, 2});
      activations.add(mlp_peak.value >= sampler_peak.value ? mlp_peak : sampler_peak);
      activations.overflow = activations.overflow || mlp_peak.overflow || sampler_peak.overflow;
      add_component(r, "weights", "Weights", "weights", weights.value, false);
      add_component(r, "kv_cache", "KV cache (paged, 16-token blocks) for the requested context and batch", "kv_cache", kv_cache.value, false);
      add_component(r, "activations", "Activation peak of the profile run", "activations", activations.value, false, true);
      // Non-torch memory: the CUDA context and NCCL/cuBLAS buffers outside PyTorch's allocator, and CUDA graph
      // capture (51 batch sizes by default) — per GPU.
      overhead.add(kTorchCudaContextBytes);
      add_component(r, "non_torch", "Non-torch memory (CUDA context)", "overhead", kTorchCudaContextBytes, false, true);
      if (o.explain) r.formulas.push_back({"activations", "max(MLP peak " + n(mbt) + " tokens x (3 x " + n(ffn_rank) + (gpus_n > 1 ? " (intermediate / " + n(gpus_n) + " ranks)" : std::string()) + " + 2 x " + n(h) + ") x 2 bytes, sampler " + n(std::min(seqs, mbt)) + " x vocab " + n(V) + " x 4 x 2)",
          "vllm/v1/worker/gpu_worker.py determine_available_memory (profile_run with max_num_batched_tokens; dummy sampler run with max_num_seqs)"});
      if (o.explain) r.formulas.push_back({"overhead", "CUDA context " + n(kTorchCudaContextBytes) + " bytes per GPU", "pytorch/pytorch#86509"});
      // Capacity on the chosen GPU (or, without one, nothing to size against).
      if (r.gpu) {
        vllm_capacity v;
        v.gpu = std::string(r.gpu->name);
        v.gpu_memory_utilization = o.gpu_memory_utilization > 0 ? o.gpu_memory_utilization : kVllmDefaultGpuMemoryUtilization;
        // vLLM's budget is the utilization of the total torch.cuda.mem_get_info() reports (gpu_worker.py
        // requested_memory), a little under the spec sheet's (79.22 GiB for an 80 GiB H100 in vllm#10511).
        v.memory_bytes = o.gpu_memory_bytes ? o.gpu_memory_bytes : r.gpu->memory_bytes;
        v.budget_bytes = static_cast<uint64_t>(static_cast<double>(v.memory_bytes) * v.gpu_memory_utilization);
        // Tensor parallelism shards the weights and the KV heads over the GPUs (a KV head is replicated when
        // there are fewer KV heads than GPUs: vllm/model_executor/layers/linear.py QKVParallelLinear).
        const uint64_t kv_heads = std::max<uint64_t>(1, s.num_key_value_heads);
        const uint64_t kv_share = std::max<uint64_t>(1, kv_heads / gpus_n);
        checked_u64 non_kv;
        non_kv.add(weights.value / gpus_n).add(activations).add(overhead);
        v.non_kv_bytes = non_kv.value;
        // Both sides are bounded (the budget by request_limits::gpu_memory_bytes; non_kv by the overflow check
        // below), so the signed difference is exact.
        v.kv_pool_bytes = v.budget_bytes >= v.non_kv_bytes ? static_cast<int64_t>(v.budget_bytes - v.non_kv_bytes)
                                                            : -static_cast<int64_t>(std::min<uint64_t>(v.non_kv_bytes - v.budget_bytes, INT64_MAX));
        v.block_size = kVllmBlockSize;
        checked_u64 block{per_token.value, false};
        if (!mla_layers) {  // the latent is not sharded
          block.mul(kv_share);
          block.value /= kv_heads;
        }
        block.mul(kVllmBlockSize);
        v.block_bytes = block.value;
        activations.overflow = activations.overflow || non_kv.overflow || block.overflow;
        v.blocks = v.kv_pool_bytes > 0 && v.block_bytes ? static_cast<uint64_t>(v.kv_pool_bytes) / v.block_bytes : 0;
        v.kv_tokens = v.blocks * kVllmBlockSize;
        v.max_model_len = o.context_tokens;
        v.max_concurrency = v.max_model_len ? static_cast<double>(v.kv_tokens) / static_cast<double>(v.max_model_len) : 0;
        v.max_model_len_fits = v.kv_tokens >= v.max_model_len;
        v.max_num_batched_tokens = mbt;
        v.max_num_seqs = seqs;
        r.vllm = v;
        if (o.explain) r.formulas.push_back({"vllm_capacity",
            "budget " + n(v.budget_bytes) + " (" + std::string(r.gpu->name) + " " + n(v.memory_bytes) + " bytes x " + decimal_text(v.gpu_memory_utilization) + ") - weights/GPU - activations - non-torch = KV pool " +
                text_of(v.kv_pool_bytes) + " bytes / " + n(v.block_bytes) + " bytes per 16-token block = " + n(v.blocks) + " blocks = " + n(v.kv_tokens) + " tokens",
            "vllm/v1/core/kv_cache_utils.py get_kv_cache_config (num_blocks = available memory // page size // layers)"});
      }
      break;
    }
  }

  checked_u64 total;
  total.add(weights).add(kv_cache).add(activations).add(overhead);
  if (total.overflow || weights.overflow || kv_cache.overflow || activations.overflow || r.parameters.total.overflow) {
    issues.push_back({"overflow", "", "The sizes overflow 64-bit byte counts (over 16 EiB): the inputs are beyond any real deployment. Lower the context or batch.", severity::error});
    return r;
  }
  r.memory = {weights.value, kv_cache.value, activations.value, overhead.value, total.value, 0, 0};
  place_and_fit(r, o);

  if (o.explain && rk != runtime_kind::llama_cpp)
    r.formulas.insert(r.formulas.begin(), {"weights",
        "sum over " + n(inv.tensors.size()) + " tensor kinds of stored bytes in " + f.label + ": " + f.description, f.source});
  if (o.explain) {
    std::string kv_formula;
    for (const auto& g : r.kv_layers) {
      kv_formula += kv_formula.empty() ? "" : " + ";
      kv_formula += n(g.layers) + " " + std::string(attention_kind_name(g.attention)) + (g.window ? "(" + n(g.window) + ")" : "") +
                    " layers x (" + n(g.bytes_per_token) + " bytes/token x " + n(g.cached_tokens) + " tokens" +
                    (g.state_bytes ? " + state " + n(g.state_bytes) + " bytes" : "") + ")";
    }
    r.formulas.push_back({"kv_cache",
        kv_formula + " x " + (llama ? "streams " : "batch ") + n(o.batch_size) + "; per token and layer: K and V each " + n(s.num_key_value_heads) + " KV heads x " +
            n(s.head_dim) + " head_dim, K at " + n(kv_k.block_bytes) + "/" + n(kv_k.block_elements) + " bytes (" + std::string(kv_k.name) +
            "), V at " + n(kv_v.block_bytes) + "/" + n(kv_v.block_elements) + " bytes (" + std::string(kv_v.name) + ")" +
            (llama ? "; n_ctx " + n(r.n_ctx) + " = " + n(o.batch_size) + " x n_ctx_seq " + n(r.n_ctx_seq) + " (padded to 256), ubatch " + n(r.n_ubatch) : std::string()),
        llama ? "llama.cpp src/llama-context.cpp (n_ctx padding), src/llama-kv-cache.cpp, src/llama-kv-cache-iswa.cpp (SWA cells), src/llama-memory-recurrent.cpp"
              : rk == runtime_kind::vllm ? "vLLM paged KV cache: K and V per layer in blocks of 16 tokens (vllm/config.py CacheConfig)"
              : "transformers cache_utils.py DynamicCache / DynamicSlidingWindowLayer: K and V of each layer as [batch, kv_heads, tokens, head_dim]"});
  }

  // Speed on the chosen GPU: decode is bound by memory bandwidth (every active weight and the whole KV read
  // once per step), prefill by compute (2 FLOPs per active parameter per token plus attention).
  const double active_fraction = r.parameters.total.value ? static_cast<double>(r.parameters.active.value) / static_cast<double>(r.parameters.total.value) : 1.0;
  const uint64_t active_weights = static_cast<uint64_t>(static_cast<double>(weights.value) * active_fraction);
  r.decode_step_bytes = active_weights + kv_cache.value;
  if (r.gpu) {
    auto& sp = r.speed;
    sp.gpu = std::string(r.gpu->name);
    sp.efficiency = kDecodeEfficiency;
    const uint64_t kv_per_seq = kv_cache.value / std::max<uint64_t>(1, o.batch_size);
    sp.bytes_per_token = active_weights + kv_per_seq;
    double bw = static_cast<double>(r.gpu->bandwidth_bytes_per_s) * static_cast<double>(gpus_n);
    double step_s = 1.0 / decode_tokens_per_s(r, *r.gpu, gpus_n);
    if (llama && r.gpu_layers <= n_layer) {
      // Layers llama.cpp runs on the CPU read their weights at system RAM bandwidth.
      const double host_bw = static_cast<double>(o.host_bandwidth ? o.host_bandwidth : kDefaultHostBandwidth);
      const double gpu_share = static_cast<double>(std::min(r.gpu_layers, n_layer)) / static_cast<double>(n_layer);
      step_s = static_cast<double>(active_weights + kv_cache.value) * gpu_share / (bw * kDecodeEfficiency) +
               static_cast<double>(active_weights + kv_cache.value) * (1 - gpu_share) / (host_bw * kDecodeEfficiency);
      sp.decode_bound = "memory bandwidth (GPU and system RAM)";
    } else {
      sp.decode_bound = "memory bandwidth";
    }
    sp.batch_decode_tokens_per_s = step_s > 0 ? static_cast<double>(o.batch_size) / step_s : 0;
    sp.decode_tokens_per_s = step_s > 0 ? 1.0 / step_s : 0;
    // Prefill FLOPs per token: 2 per active matmul parameter, plus attention 4 x layers x heads x head_dim x
    // (context / 2) on average over the prompt (Kaplan et al. 2020, C_forward ~ 2N + 2 n_layer n_ctx d_attn).
    sp.flops_per_token = 2 * r.parameters.active.value + 2 * s.layers.size() * o.context_tokens * s.num_attention_heads * s.head_dim;
    if (r.gpu->fp16_flops_per_s) {
      sp.prefill_tokens_per_s = static_cast<double>(r.gpu->fp16_flops_per_s) * static_cast<double>(gpus_n) * kPrefillEfficiency / static_cast<double>(sp.flops_per_token);
      sp.prefill_bound = "compute";
    } else {
      sp.prefill_bound = "unknown";
      sp.reason = "the catalogue has no dense fp16 tensor throughput for " + sp.gpu + ", so prefill speed is unknown";
    }
    sp.known = sp.decode_tokens_per_s > 0;
    if (o.explain) r.formulas.push_back({"speed",
        "decode: (active weights " + n(active_weights) + " + KV " + n(kv_cache.value) + ") bytes per step / (" + n(r.gpu->bandwidth_bytes_per_s) + " B/s x " + n(gpus_n) +
            " x efficiency 0.70); prefill: " + n(sp.flops_per_token) + " FLOPs per token / (dense fp16 " + n(r.gpu->fp16_flops_per_s) + " FLOP/s x 0.50)",
        "llama.cpp discussion 15013 (CUDA tg128 of Llama-2-7B Q4_0 ~ 0.7 of peak bandwidth); Kaplan et al. 2020 (forward FLOPs)"});
  }
  return r;
}

}  // namespace neuroshrink
