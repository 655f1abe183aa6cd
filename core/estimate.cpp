// The inference estimate as a pipeline: the request checked and resolved into types (runtime, weight format,
// cache types), then one phase each for the weights, the KV cache, the runtime's own allocations, the totals,
// their placement on the GPUs and the host, the formulas and the speed. Each runtime is a profile
// (core/runtimes/); training is its own mode (core/training.cpp).
#include "text.h"
#include "estimate.h"

#include <cmath>


#include "interconnects.h"
#include "kv_cache.h"
#include "placement.h"
#include "request_limits.h"
#include "runtimes/profile.h"
#include "adapters.h"
#include "images.h"
#include "speculative.h"
#include "speed.h"
#include "variant.h"
#include "variant_text.h"
#include "weights.h"

namespace neuroshrink {
namespace {

std::string n(uint64_t v) { return text_of(v); }

// Byte counts past 2^53 (8 PiB) are refused: no deployment is near, and JavaScript readers of the report
// (the page, the CLI) would lose their exactness (Number.MAX_SAFE_INTEGER = 2^53 - 1).
constexpr uint64_t kMaxExactBytes = uint64_t{1} << 53;

template <class Table, class Name>
std::string names_of(const Table& table, Name name) {
  std::string out;
  for (const auto& x : table) out += (out.empty() ? "" : ", ") + std::string(name(x));
  return out;
}

// The runtime the request names (transformers when none), or an error.
const runtime_profile* resolve_runtime(const estimate_options& o, estimate_result& r) {
  r.runtime = find_runtime(o.runtime.empty() ? std::string_view(kRuntimeName) : std::string_view(o.runtime));
  if (r.runtime) {
    if (const runtime_profile* rt = profile_of(*r.runtime)) return rt;
    r.issues.push_back({"needs_full_estimator", "runtime", std::string(r.runtime->label) + ": the full estimator module answers it.", severity::error});
    return nullptr;
  }
  r.issues.push_back({"unknown_runtime", "runtime", "Unknown runtime \"" + o.runtime + "\". Known: " +
      names_of(runtimes(), [](const runtime_info& x) { return x.name; }) + ".", severity::error});
  return nullptr;
}

#ifdef NEURO_SHRINK_FIRST_ESTIMATE
// The first module hands a chosen GPU (or several) to the full one (report.cpp) before it estimates.
void resolve_gpu(const estimate_options&, estimate_result&, std::string_view) {}
#else
// Several GPUs named: each a catalogue GPU (several of one chip: the smallest), one device each, the first the
// chosen one. Their count is the GPU count; gpus and gpu_memory_bytes describe one kind of GPU and cannot join.
void resolve_gpu_list(const estimate_options& o, estimate_result& r, const gpu_info* first, std::string_view hint) {
  if (o.gpu_list.size() > request_limits::gpus) {
    r.issues.push_back({"invalid_gpus", "gpu", "At most " + n(request_limits::gpus) + " GPUs can be listed, not " + n(o.gpu_list.size()) + ".", severity::error});
    return;
  }
  if (o.gpus != 1 && o.gpus != o.gpu_list.size()) {
    r.issues.push_back({"invalid_gpus", "gpus", "gpus (" + n(o.gpus) + ") says how many of one GPU; the " + n(o.gpu_list.size()) +
        " GPUs listed in gpu are the devices already. Give one of them.", severity::error});
    return;
  }
  if (o.gpu_memory_bytes) {
    r.issues.push_back({"invalid_request", "gpu_memory_bytes", "gpu_memory_bytes describes one GPU; with several listed in gpu, each has the catalogue's memory. Leave it out.", severity::error});
    return;
  }
  r.gpu.pick(first);
  for (const auto& name : o.gpu_list) {
    const gpu_info* g = find_gpu(name);
    if (!g)
      if (const auto several = gpus_matching(name); !several.empty()) g = several.front();
    if (!g) {
      r.issues.push_back({"unknown_gpu", "gpu", "No GPU named \"" + name + "\" in the catalogue." + std::string(hint), severity::error});
      return;
    }
    r.gpu_list.push_back(g);
  }
}

// The chosen GPU, when the request names one.
// gpu_memory_bytes alone describes a GPU by its memory: no bandwidth or throughput, so no speed.
void resolve_gpu(const estimate_options& o_in, estimate_result& r, std::string_view hint) {
  estimate_options listed;  // a list without its first named apart (a caller that filled gpu_list alone)
  if (o_in.gpu.empty() && !o_in.gpu_list.empty()) listed = o_in, listed.gpu = o_in.gpu_list.front();
  const estimate_options& o = listed.gpu.empty() ? o_in : listed;
  if (o.gpu.empty()) {
    if (o.gpu_memory_bytes) r.gpu.pick_custom({"custom GPU", "", "", o.gpu_memory_bytes, 0, 0, false, false, "the request's gpu_memory_bytes"});
    return;
  }
  const gpu_info* g = find_gpu(o.gpu);
  if (!g) {
    // Several sizes of one chip ("M3 Max"): the smallest, where a fit holds on the others too, said as such.
    if (const auto several = gpus_matching(o.gpu); several.size() > 1) {
      g = several.front();
      std::string names;
      for (const auto* x : several) names += (names.empty() ? "" : ", ") + std::string(x->name);
      r.issues.push_back({"gpu_several_match", "gpu", "\"" + o.gpu + "\" names " + n(several.size()) + " catalogue GPUs (" + names +
          "); this is the smallest, " + std::string(g->name) + ": name yours for its own figures.", severity::info});
    }
  }
  if (!g) {
    r.issues.push_back({"unknown_gpu", "gpu", "No GPU named \"" + o.gpu + "\" in the catalogue." + std::string(hint) +
        " A GPU the catalogue lacks: leave gpu out and give its memory (gpu_memory_bytes).", severity::error});
    return;
  }
  if (!o.gpu_list.empty()) return resolve_gpu_list(o, r, g, hint);
  if (!o.gpu_memory_bytes) return r.gpu.pick(g);
  gpu_info measured = *g;  // the named GPU with the memory the request measured
  measured.memory_bytes = o.gpu_memory_bytes;
  r.gpu.pick_custom(measured);
}

#endif

// Training: its own estimate over the same tensors, placed by the same rules.
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
estimate_result train(const model_spec& s, const model_tensors& tensors, const estimate_options& o, estimate_result r) {
  estimate_training_variant(s, tensors, o, r);  // (handed to the full module)
  return r;
}
#else
estimate_result train(const model_spec& s, const model_tensors& tensors, const estimate_options& o, estimate_result r) {
  if (o.gpus == 0 || o.gpus > request_limits::gpus) {
    r.issues.push_back({"invalid_gpus", "gpus", "The number of GPUs must be between 1 and " + n(request_limits::gpus) + ", not " + n(o.gpus) + ".", severity::error});
    return r;
  }
  resolve_gpu(o, r, "");
  r.gpus = o.gpus;
  if (!has_error(r.issues)) estimate_training_variant(s, tensors, o, r);
  if (r.ok() && r.memory.total_bytes > kMaxExactBytes)
    r.issues.push_back({"overflow", "", "The sizes pass 2^53 bytes (8 PiB), beyond any real deployment and past what JavaScript's numbers hold exactly. Lower the sequence, micro-batch or GPU count.", severity::error});
  return r;
}
#endif

// The weight format: the request's, else what the checkpoint is stored in (quantization_config), else its dtype.
std::string format_name(const model_spec& s, const estimate_options& o, estimate_result& r) {
  if (!o.quantization.empty()) return o.quantization;
  r.format_defaulted = true;
  const auto& sq = s.quantization;
  if (!sq.format.empty()) return sq.format;
  std::string name(format_from_torch_dtype(s.torch_dtype));
  if (name.empty() && !sq.method.empty()) {
    r.issues.push_back({"stored_format_not_sized", "quantization",
        "The checkpoint is stored as " + sq.summary + ", which this estimate does not size; weights are shown at bf16, an upper bound. Pick a quantization for a closer figure.",
        severity::warning});
    return "bf16";
  }
  if (name.empty()) {
    r.issues.push_back({"dtype_assumed", "torch_dtype",
        s.torch_dtype.empty()
            ? "config.json does not give torch_dtype; assumed fp32, which transformers loads when no dtype is named. Pick a quantization to override."
            : "torch_dtype \"" + s.torch_dtype + "\" is not a float type this estimate knows; assumed fp32. Pick a quantization to override.",
        severity::warning});
    return "fp32";
  }
  return name;
}

void resolve_format(const model_spec& s, const estimate_options& o, const runtime_profile& rt, estimate_result& r) {
  const std::string name = format_name(s, o, r);
  r.format = find_weight_format(name);
  const auto& sq = s.quantization;
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
    r.issues.push_back({"unknown_quantization", "quantization", "Unknown quantization \"" + name + "\"." +
        (weight_format_names().empty() ? std::string() : " Known: " + std::string(weight_format_names()) + "."), severity::error});
  } else if (std::string why = rt.format_refusal(*r.format); !why.empty()) {
    r.issues.push_back({"format_not_for_runtime", "quantization", std::move(why), severity::error});
  }
}

// The cache's element types: the request's (one for both, or K and V apart), else the runtime's default.
void resolve_kv_types(const estimate_options& o, const runtime_profile& rt, estimate_result& r) {
  auto kv_type = [&](const std::string& asked, const char* field) -> const kv_dtype* {
    if (asked.empty()) {
      r.kv_dtype_defaulted = true;
      return find_kv_dtype(r.format ? rt.default_kv(*r.format) : std::string_view("fp16"));
    }
    const kv_dtype* k = find_kv_dtype(asked);
    if (!k) r.issues.push_back({"unknown_kv_cache_dtype", field, "Unknown KV cache dtype \"" + asked + "\". Known: " +
        names_of(kv_dtypes(), [](const kv_dtype& d) { return d.name; }) + ".", severity::error});
    return k;
  };
  r.kv_k = kv_type(o.kv_cache_dtype_k.empty() ? o.kv_cache_dtype : o.kv_cache_dtype_k, o.kv_cache_dtype_k.empty() ? "kv_cache_dtype" : "kv_cache_dtype_k");
  r.kv_v = kv_type(o.kv_cache_dtype_v.empty() ? o.kv_cache_dtype : o.kv_cache_dtype_v, o.kv_cache_dtype_v.empty() ? "kv_cache_dtype" : "kv_cache_dtype_v");
}

// Every number in the request within its bounds (request_limits.h), each with its reason.
void check_bounds(const estimate_options& o, std::vector<issue>& issues) {
  struct bound { uint64_t value, min, max; const char* field; const char* code; const char* what; };
  const bound bounds[] = {
      {o.context_tokens, 1, request_limits::context_tokens, "context_tokens", "invalid_context", "tokens"},
      {o.batch_size, 1, request_limits::batch_size, "batch_size", "invalid_batch", "sequences"},
      {o.gpus, 1, request_limits::gpus, "gpus", "invalid_gpus", "GPUs"},
      {o.ubatch, 0, request_limits::ubatch, "ubatch", "invalid_ubatch", "tokens"},
      {o.n_batch, 0, request_limits::ubatch, "n_batch", "invalid_ubatch", "tokens"},
      {o.max_num_batched_tokens, 0, request_limits::max_num_batched_tokens, "max_num_batched_tokens", "invalid_request", "tokens, the longest context this estimate takes"},
      {o.max_num_seqs, 0, request_limits::max_num_seqs, "max_num_seqs", "invalid_request", "sequences, the largest batch this estimate takes"},
      {o.gpu_memory_bytes, 0, request_limits::gpu_memory_bytes, "gpu_memory_bytes", "invalid_request", "bytes (64 TiB), over 200 times the largest GPU's memory"},
      {o.host_bandwidth, 0, request_limits::host_bandwidth, "host_bandwidth", "invalid_request", "bytes/s (100 TB/s), far above any system RAM"},
  };
  for (const auto& b : bounds)
    if (b.value < b.min || b.value > b.max)
      issues.push_back({b.code, b.field, std::string(b.field) + " is " + n(b.value) + "; it must be " + (b.min ? "between " + n(b.min) + " and " : "at most ") +
          n(b.max) + " " + b.what + ".", severity::error});
  if (!(o.gpu_memory_utilization >= 0 && o.gpu_memory_utilization <= 1))
    issues.push_back({"invalid_gpu_memory_utilization", "gpu_memory_utilization", "gpu_memory_utilization must be a fraction between 0 and 1.", severity::error});
}

#ifdef NEURO_SHRINK_FIRST_ESTIMATE
bool check_split(const estimate_options&, estimate_result&) { return true; }  // llama.cpp: the full module's
bool resolve_cluster(const estimate_options&, const runtime_profile&, estimate_result&) { return true; }  // (handed over)
#else
// Several machines: each with gpus of the named GPU, or its part of the gpu list; the runtime's layout over them
// (tensor x pipeline parallel, by default the GPUs of a machine x the machines) and the link between them. Only
// runtimes that span machines take several: llama.cpp (its RPC backend), vLLM and exo.
bool resolve_cluster(const estimate_options& o, const runtime_profile& rt, estimate_result& r) {
  auto refuse = [&](const char* code, const char* field, std::string message) {
    r.issues.push_back({code, field, std::move(message), severity::error});
    return false;
  };
  // A list of GPUs names every machine's, machine by machine (exo's 128 GB and 96 GB Macs; a 4090 box and a 3090
  // box): as many on each machine. One GPU named with gpus is that many on each machine.
  const bool listed = o.nodes > 1 && !r.gpu_list.empty();
  if (listed && o.nodes <= request_limits::gpus && r.gpu_list.size() % o.nodes)
    return refuse("invalid_nodes", "nodes", "gpu lists " + n(r.gpu_list.size()) + " GPUs for " + n(o.nodes) +
        " machines: list every machine's GPUs, machine by machine, as many on each (or name one GPU with gpus per machine).");
  const uint64_t per_node = listed ? r.gpu_list.size() / o.nodes : r.gpus;
  if (o.nodes == 0 || o.nodes > request_limits::gpus || per_node * o.nodes > request_limits::gpus)
    return refuse("invalid_nodes", "nodes", "nodes x GPUs per node must be at most " + n(request_limits::gpus) + " GPUs, not " + n(o.nodes) + " x " + n(per_node) + ".");
  if (!o.interconnect.empty()) {
    r.interconnect = find_interconnect(o.interconnect);
    if (!r.interconnect) return refuse("invalid_request", "interconnect", "Unknown interconnect \"" + o.interconnect + "\". Known: " +
        names_of(interconnects(), [](const interconnect_info& i) { return i.name; }) + ".");
    if (o.nodes > 1 && !r.interconnect->between_nodes)
      return refuse("interconnect_not_between_nodes", "interconnect", std::string(r.interconnect->name) +
          " joins GPUs inside one machine; machines are joined by a network: InfiniBand, RoCE, Ethernet or Thunderbolt.");
  }
  r.nodes = o.nodes;
  r.gpus_per_node = per_node;
  r.gpus = per_node * o.nodes;
  // Data parallel replicas share the GPUs out first; without a layout named, each replica is tensor parallel.
  const uint64_t dp = rt.takes_data_parallel ? std::max<uint64_t>(1, o.data_parallel) : 1, replica = std::max<uint64_t>(1, r.gpus / dp);
  r.data_parallel = dp;
  r.tensor_parallel = o.tensor_parallel ? o.tensor_parallel : o.pipeline_parallel ? std::max<uint64_t>(1, replica / o.pipeline_parallel) : dp > 1 ? replica : per_node;
  r.pipeline_parallel = o.pipeline_parallel ? o.pipeline_parallel : o.tensor_parallel ? std::max<uint64_t>(1, replica / o.tensor_parallel) : dp > 1 ? 1 : o.nodes;
  if (o.nodes > 1 && !rt.spans_machines)
    return refuse("runtime_one_machine", "nodes", std::string(rt.info.label) + " runs on one machine. Several machines: pick vllm (tensor and pipeline parallel over Ray), "
        "sglang (tensor parallel with --nnodes), llama.cpp (its RPC backend) or exo (Apple Silicon clusters).");
  const bool tensor_ignored = o.tensor_parallel && !rt.takes_tensor_parallel, pipeline_ignored = o.pipeline_parallel && !rt.takes_pipeline_parallel;
  if (o.data_parallel > 1 && !rt.takes_data_parallel)
    r.issues.push_back({"layout_not_for_runtime", "data_parallel", std::string(rt.info.label) + " does not take a data parallel size here (vLLM and SGLang do); it is ignored.", severity::warning});
  if (tensor_ignored || pipeline_ignored)
    r.issues.push_back({"layout_not_for_runtime", tensor_ignored ? "tensor_parallel" : "pipeline_parallel",
        std::string(rt.info.label) + " does not take a tensor / pipeline parallel size" +
            (rt.solves_gpu_layers ? std::string(": it splits whole layers over the GPUs (tensor_split, split_mode)") : std::string()) + "; it is ignored.",
        severity::warning});
  return true;
}

// llama.cpp's split over several GPUs: one share per GPU, each a finite number not below 0, not all 0
// (src/llama-model.cpp normalizes them into split points).
bool check_split(const estimate_options& o, estimate_result& r) {
  if (!o.split_mode.empty() && o.split_mode != "layer" && o.split_mode != "row" && o.split_mode != "none") {
    r.issues.push_back({"invalid_request", "split_mode", "split_mode is layer, row or none, not \"" + o.split_mode + "\".", severity::error});
    return false;
  }
  if (o.tensor_split.empty()) return true;
  const uint64_t gpus = r.gpus;
  double sum = 0;
  bool numbers = true;
  for (const double x : o.tensor_split) {
    numbers = numbers && std::isfinite(x) && x >= 0 && x <= 1e9;
    sum += numbers ? x : 0;
  }
  std::string why;
  if (!numbers) why = "takes one share per GPU, numbers from 0 to 1e9 separated by commas (llama.cpp's -ts 3,1)";
  else if (o.tensor_split.size() != gpus)
    why = "has " + n(o.tensor_split.size()) + " shares for " + n(gpus) + " GPU" + (gpus == 1 ? "" : "s") + ": give one per GPU, in the order of gpu";
  else if (sum <= 0) why = "gives every GPU a share of 0: at least one must hold layers";
  if (why.empty()) return true;
  r.issues.push_back({"invalid_tensor_split", "tensor_split", "tensor_split " + why + ".", severity::error});
  return false;
}

#endif

// The request resolved into types; false when an error says why it cannot be estimated.
bool resolve_inference(const model_spec& s, const estimate_options& o, const runtime_profile& rt, estimate_result& r) {
  if (!o.mode.empty() && o.mode != "inference") {
    r.issues.push_back({"invalid_mode", "mode", "The mode is \"inference\" or \"train\", not \"" + o.mode + "\".", severity::error});
    return false;
  }
  resolve_format(s, o, rt, r);
  resolve_kv_types(o, rt, r);
  check_bounds(o, r.issues);
  resolve_gpu(o, r, FULL_TEXT(" Names are as the catalogue lists them, e.g. \"NVIDIA GeForce RTX 4090\" (a unique part of a name is enough)."));
  if (r.kv_k && r.kv_v)
    if (std::string why = rt.kv_refusal(*r.kv_k, *r.kv_v); !why.empty()) r.issues.push_back({"kv_type_not_for_runtime", "kv_cache_dtype", std::move(why), severity::error});
  if (has_error(r.issues)) return false;
  if (s.max_position_embeddings && o.context_tokens > s.max_position_embeddings)
    r.issues.push_back({"context_beyond_model", "context_tokens",
        "The context (" + n(o.context_tokens) + " tokens) exceeds the model's max_position_embeddings (" + n(s.max_position_embeddings) +
        "); the model was not trained for it, though the memory is computed as asked.", severity::warning});
  r.context_tokens = o.context_tokens;
  r.batch_size = o.batch_size;
  r.gpus = r.gpu_list.empty() ? o.gpus : r.gpu_list.size();
  return resolve_cluster(o, rt, r) && check_split(o, r);
}

// The four terms; false (with an error) when a sum passed 64 bits.
bool total(plan& p) {
  estimate_result& r = p.r;
  checked_u64 sum;
  sum.add(p.weights.total).add(p.kv_cache).add(p.activations).add(p.overhead);
  if (sum.overflow || p.weights.total.overflow || p.kv_cache.overflow || p.activations.overflow || r.parameters.total.overflow ||
      sum.value > kMaxExactBytes) {
    r.issues.push_back({"overflow", "", "The sizes pass 2^53 bytes (8 PiB), beyond any real deployment and past what JavaScript's numbers hold exactly. Lower the context or batch.", severity::error});
    return false;
  }
  r.memory = {p.weights.total.value, p.kv_cache.value, p.activations.value, p.overhead.value, sum.value, 0, 0};
  return true;
}

void explain_weights(plan& p) {
  if (p.rt.own_weights_formula) return;
  p.r.formulas.insert(p.r.formulas.begin(), {"weights",
      "sum over " + n(p.tensors.inv.tensors.size()) + " tensor kinds of stored bytes in " + p.f.label + ": " + p.f.description, p.f.source});
}

}  // namespace

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
  const runtime_profile* rt = resolve_runtime(o, r);
  if (!rt) return r;
  if (o.mode == "train") return train(s, tensors, o, std::move(r));
  if (!resolve_inference(s, o, *rt, r)) return r;

  plan p{s, tensors, o, r, *rt, *r.format, *r.kv_k, *r.kv_v};
  r.parameters = tensors.parameters;
  r.n_layer = s.layers.size();
  p.n_layer = std::max<uint64_t>(1, s.layers.size());
  p.n_seq = p.n_stream = o.batch_size;
  if (!size_weights(p) || !rt->prepare(p)) return r;
  r.stored_weights_bytes = p.weights.total.value;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands a draft model to the full one)
  std::optional<estimate_result> draft;
  if (!size_draft(p, draft) || !size_images(p)) return r;
#endif
  size_kv_cache(p);
  note_expanded_mla(p);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (!size_mtp(p) || !size_adapters(p)) return r;
#endif
  rt->components(p);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  add_draft_components(p);
  add_mtp_components(p);
  add_adapter_components(p);
#endif
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands mmproj to the full one)
  if ((o.mmproj || o.mmproj_file) && !rt->vision_in_separate_file)
    r.issues.push_back({"mmproj_not_for_runtime", o.mmproj_file ? "mmproj_file" : "mmproj", std::string(rt->info.label) +
        " loads the vision and audio encoders from the checkpoint itself, counted in its weights; mmproj is llama.cpp's projector file, so it changes nothing here.",
        severity::info});
#endif
  if (!total(p)) return r;
  place_and_fit(r, o);
  if (o.explain) {
    explain_weights(p);
    explain_kv_cache(p);
  }
  estimate_speed(p);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  draft_speed(p);
  mtp_speed(p);
#endif
  return r;
}

}  // namespace neuroshrink
