#include "text.h"
#include "report.h"

#include "placement.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>
#include <optional>

#include "config_cache.h"
#include "config_reader.h"
#include "estimate.h"
#include "family.h"
#include "gguf_quant.h"
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
#include "file_headers.h"
#include "gguf_model.h"
#else
namespace neuroshrink { struct gguf_model; }
#endif
#include "hub_check.h"
#include "json_writer.h"
#include "options.h"
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
#include "others.h"
#endif
#include "request_limits.h"
#include "runtime_log.h"
#include "runtimes/profile.h"
#include "solver.h"
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
#include "weight_files.h"
#endif

namespace neuroshrink {

const char* severity_name(severity s) {
  switch (s) {
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::error: return "error";
  }
  return "error";
}

namespace {

using json = config_json;

void write_issues(json_writer& w, const std::vector<issue>& issues) {
  w.key("issues").begin_array();
  for (const auto& i : issues)
    w.begin_object().field("code", i.code).field("field", i.field).field("message", i.message).field("level", severity_name(i.level)).end_object();
  w.end_array();
}

void write_model(json_writer& w, const model_spec& s, const std::string& model_id) {
  w.key("model").begin_object()
      .field("id", model_id)
      .field("architecture", s.architecture)
      .field("model_type", s.model_type)
      .field("family", s.family)
      .field("hidden_size", s.hidden_size)
      .field("intermediate_size", s.intermediate_size)
      .field("num_hidden_layers", s.num_hidden_layers)
      .field("num_attention_heads", s.num_attention_heads)
      .field("num_key_value_heads", s.num_key_value_heads)
      .field("head_dim", s.head_dim)
      .field("vocab_size", s.vocab_size)
      .field("max_position_embeddings", s.max_position_embeddings)
      .field("tie_word_embeddings", s.tie_word_embeddings)
      .field("num_experts", s.num_experts)
      .field("experts_per_token", s.experts_per_token)
      .field("num_shared_experts", s.num_shared_experts)
      .field("moe_intermediate_size", s.moe_intermediate_size)
      .field("mtp_layers", s.mtp_layers)
      .field("torch_dtype", s.torch_dtype);
  w.key("dims").begin_object();
  for (const auto& [k, v] : s.dims) w.field(k, v);
  w.end_object();
  w.key("defaulted_fields").begin_array();
  for (const auto& f : s.defaulted_fields) w.value(f);
  w.end_array();
  w.field("defaults_source", s.defaults_source);
  if (!s.quantization.method.empty())
    w.key("quantization_config").begin_object()
        .field("method", s.quantization.method).field("bits", s.quantization.bits)
        .field("group_size", s.quantization.group_size).field("summary", s.quantization.summary)
        .end_object();
  w.end_object();
}

// The GGUF file the llama.cpp file type makes: totals, bytes per ggml type, and each tensor's type by layer.
void write_gguf(json_writer& w, const gguf_plan& g) {
  auto type_name = [](uint32_t id) { const ggml_type_info* t = find_ggml_type(id); return t ? t->name : std::string_view("?"); };
  w.key("gguf").begin_object().field("file_type", g.file_type ? g.file_type->name : std::string_view())
      .field("file_bytes", g.file_bytes).field("tensor_bytes", g.tensor_bytes).field("header_bytes", g.header_bytes)
      .field("padding_bytes", g.padding_bytes).field("n_tensors", g.n_tensors).field("elements", g.elements)
      .field("bits_per_weight_milli", g.bpw_milli()).field("tied_output", g.tied_output).field("fallback_tensors", g.fallback_tensors);
  w.key("by_type").begin_array();
  for (const auto& t : g.by_type)
    w.begin_object().field("type", type_name(t.type)).field("tensors", t.tensors).field("elements", t.elements).field("bytes", t.bytes).end_object();
  w.end_array().key("tensors").begin_array();
  for (const auto& t : g.tensors) {
    w.begin_object().field("name", t.name).field("category", gguf_category_name(t.category)).key("ne").begin_array();
    for (uint32_t d = 0; d < t.n_dims; ++d) w.value(t.ne[d]);
    w.end_array().field("count", t.count()).field("bytes", t.bytes).key("types").begin_array();
    for (const auto& run : t.runs)
      w.begin_object().field("type", type_name(run.type)).field("tensors", run.tensors).field("bytes_each", run.bytes_each).end_object();
    w.end_array().end_object();
  }
  w.end_array().key("notes").begin_array();
  for (const auto& n : g.notes) w.value(n);
  w.end_array().end_object();
}

void write_parameters(json_writer& w, const estimate_result& r) {
  const auto& p = r.parameters;
  // Some model cards quote active parameters without the token-embedding table, of which a token reads
  // one row (OpenAI's 3.6B for gpt-oss-20b, Meta's 17B for Llama 4 Scout); both are given.
  const uint64_t embedding = p.by_role[static_cast<int>(tensor_role::embedding)];
  w.key("parameters").begin_object().field("total", p.total.value).field("active", p.active.value)
      .field("active_without_embeddings", p.active.value - std::min(embedding, p.active.value)).field("mtp", p.mtp.value);
  w.key("by_component").begin_object();
  for (const auto& [c, n] : p.by_component) w.field(c, n);
  w.end_object().key("by_role").begin_object();
  for (int i = 0; i < kTensorRoleCount; ++i)
    if (p.by_role[i]) w.field(role_name(static_cast<tensor_role>(i)), p.by_role[i]);
  w.end_object().key("by_layer_type").begin_object();
  for (const auto& [type, n] : p.by_layer_type) w.field(type.empty() ? std::string_view("outside_layers") : type, n);
  w.end_object().end_object();
}

void write_memory(json_writer& w, const estimate_result& r) {
  const auto& m = r.memory;
  w.key("memory").begin_object()
      .field("weights_bytes", m.weights_bytes)
      .field("kv_cache_bytes", m.kv_cache_bytes)
      .field("activations_bytes", m.activations_bytes)
      .field("overhead_bytes", m.overhead_bytes);
  if (r.training) w.field("gradients_bytes", m.gradients_bytes).field("optimizer_bytes", m.optimizer_bytes);
  w.field("total_bytes", m.total_bytes)
      .field("gpu_bytes", m.gpu_bytes)
      .field("host_bytes", m.host_bytes);
  if (!r.training) w.field("stored_weights_bytes", r.stored_weights_bytes);
  w.end_object();
  w.key("components").begin_array();
  for (const auto& c : r.components) {
    w.begin_object().field("key", c.key).field("label", c.label).field("category", c.category).field("bytes", c.bytes)
        .field("device", c.host ? "host" : "gpu").field("per_gpu", c.per_gpu);
    if (c.device >= 0) w.field("gpu_index", static_cast<uint64_t>(c.device));
    w.field("copies", copies(c, r.gpus));  // GPUs that each hold `bytes`
    w.end_object();
  }
  w.end_array();
  w.key("devices").begin_array();
  for (const auto& d : r.devices) {
    w.begin_object().field("name", d.name).field("kind", d.index >= 0 ? "gpu" : "host");
    if (d.index >= 0) w.field("index", static_cast<uint64_t>(d.index)).field("gpu", d.gpu);
    w.field("node", d.node).field("weights_bytes", d.weights_bytes).field("kv_cache_bytes", d.kv_cache_bytes)
        .field("activations_bytes", d.activations_bytes).field("overhead_bytes", d.overhead_bytes);
    if (d.usable_bytes) w.field("usable_bytes", d.usable_bytes).field("headroom_bytes", d.headroom_bytes);
    if (r.training) w.field("gradients_bytes", d.gradients_bytes).field("optimizer_bytes", d.optimizer_bytes);
    w.field("total_bytes", d.total_bytes).end_object();
  }
  w.end_array();
}

void write_fits_and_formulas(json_writer& w, const estimate_result& r) {
  // Compact: one headroom per catalogue GPU, in catalogue().gpus order (name, memory and usable bytes are
  // there); it fits where the headroom is not negative. web/shared/estimator.js expands it to one object per GPU.
  w.key("fits").begin_object().key("headroom_bytes").begin_array();
  for (const auto& f : r.fits) w.value(f.headroom_bytes);
  w.end_array().end_object();
  w.key("formulas").begin_array();
  for (const auto& f : r.formulas) w.begin_object().field("component", f.component).field("formula", f.formula).field("source", f.source).end_object();
  w.end_array();
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// A training estimate: parameters, memory per GPU (gradients and optimizer states beside the inference
// terms), the training breakdown, fits and formulas.
void write_training(json_writer& w, const estimate_result& r) {
  write_parameters(w, r);
  write_memory(w, r);
  const auto& t = *r.training;
  w.key("training").begin_object()
      .field("method", t.method).field("precision", t.precision).field("optimizer", t.optimizer)
      .field("micro_batch", t.micro_batch).field("seq_len", t.seq_len).field("gradient_accumulation", t.gradient_accumulation)
      .field("checkpointing", t.checkpointing).field("flash_attention", t.flash_attention)
      .field("lora_rank", t.lora_rank).field("train_embeddings", t.train_embeddings)
      .field("zero", t.zero).field("gpus", r.gpus).field("offload_optimizer", t.offload_optimizer).field("offload_params", t.offload_params)
      .field("trainable_parameters", t.trainable_parameters).field("adapter_parameters", t.adapter_parameters)
      .field("weights_bytes", t.weights_bytes).field("master_bytes", t.master_bytes).field("gradients_bytes", t.gradients_bytes)
      .field("optimizer_bytes", t.optimizer_bytes).field("activations_bytes", t.activations_bytes).field("logits_bytes", t.logits_bytes)
      .field("adapter_bytes", t.adapter_bytes).field("temporary_bytes", t.temporary_bytes).field("cuda_context_bytes", t.cuda_context_bytes)
      .field("host_bytes", t.host_bytes)
      .end_object();
  write_fits_and_formulas(w, r);
}
#endif

// `sp`: the speed of the plan that runs (llama.cpp's -ngl that fits, when the request as asked does not fit).
void write_estimate(json_writer& w, const model_tensors& tensors, const estimate_result& r, const speed_estimate& sp) {
  const inventory& inv = tensors.inv;
  write_parameters(w, r);
  w.key("tensors").begin_array();
  for (const auto& t : inv.tensors) {
    w.begin_object().field("name", t.name).key("shape").begin_array();
    for (uint32_t d = 0; d < t.rank; ++d) w.value(t.shape[d]);
    w.end_array().field("role", role_name(t.role)).field("component", t.component).field("layer_type", t.layer_type)
        .field("layers", t.layers).field("copies", t.copies);
    if (!r.gguf) w.field("bytes", tensor_bytes(t, *r.format));  // a GGUF's bytes are per GGUF tensor, below
    w.end_object();
  }
  w.end_array();
  if (r.gguf) write_gguf(w, *r.gguf);

  w.key("kv_cache").begin_object().field("dtype", r.kv_k == r.kv_v ? r.kv_k->name : std::string_view("mixed"))
      .field("dtype_k", r.kv_k->name).field("dtype_v", r.kv_v->name)
      .field("bytes_per_token", r.kv_cache_bytes_per_token).key("layers").begin_array();
  for (const auto& g : r.kv_layers)
    w.begin_object().field("attention", attention_kind_name(g.attention)).field("window", g.window).field("layers", g.layers)
        .field("bytes_per_token", g.bytes_per_token).field("cached_tokens", g.cached_tokens).field("state_bytes", g.state_bytes)
        .field("bytes", g.bytes).end_object();
  w.end_array().end_object();

  write_memory(w, r);
  if (r.vllm) {
    const auto& v = *r.vllm;
    w.key("vllm").begin_object().field("gpu", v.gpu).field("memory_bytes", v.memory_bytes).field("gpu_memory_utilization", v.gpu_memory_utilization)
        .field("budget_bytes", v.budget_bytes).field("non_kv_bytes", v.non_kv_bytes).field("kv_pool_bytes", v.kv_pool_bytes)
        .field("block_size", v.block_size).field("block_bytes", v.block_bytes).field("blocks", v.blocks).field("kv_tokens", v.kv_tokens)
        .field("max_model_len", v.max_model_len).field("max_concurrency", v.max_concurrency).field("max_model_len_fits", v.max_model_len_fits)
        .end_object();
  }
  {
    w.key("speed").begin_object().field("known", sp.known);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands a chosen GPU to the full one)
    if (r.gpu) {
      w.field("gpu", sp.gpu).field("decode_tokens_per_s", sp.decode_tokens_per_s).field("batch_decode_tokens_per_s", sp.batch_decode_tokens_per_s)
          .field("decode_bound", sp.decode_bound).field("prefill_tokens_per_s", sp.prefill_tokens_per_s).field("prefill_bound", sp.prefill_bound)
          .field("bytes_per_token", sp.bytes_per_token).field("flops_per_token", sp.flops_per_token).field("efficiency", sp.efficiency)
          .field("family", sp.family).field("backend", sp.backend).field("prefill_class", sp.prefill_class).field("prompt_tokens", sp.prompt_tokens);
      if (sp.known) w.field("decode_low_tokens_per_s", sp.decode_low).field("decode_high_tokens_per_s", sp.decode_high).field("band", sp.band);
      if (sp.first_token_s > 0) w.field("first_token_s", std::round(sp.first_token_s * 1000) / 1000);
      if (!sp.reason.empty()) w.field("reason", sp.reason);
      if (sp.prefill_copy_bytes) w.field("prefill_copy_bytes_per_ubatch", sp.prefill_copy_bytes);
      if (r.interconnect) w.field("interconnect", r.interconnect->name).field("interconnect_bytes_per_token", sp.interconnect_bytes)
                              .field("interconnect_us_per_token", std::round(sp.interconnect_seconds * 1e7) / 10);
    } else
#endif
    {
      w.field("reason", "no GPU chosen: pick one to estimate tokens per second");
    }
    w.end_object();
  }
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (r.images) {
    const images_estimate& i = *r.images;
    w.key("images").begin_object().field("count", i.count).field("width", i.width).field("height", i.height)
        .field("resized_width", i.resized_width).field("resized_height", i.resized_height).field("tokens_per_image", i.tokens_per_image)
        .field("tokens", i.tokens).field("encoder_patches", i.patches).field("rule", i.rule).field("source", i.source).end_object();
  }
  for (const auto* dp : {&r.draft, &r.mtp}) {
    if (!*dp) continue;
    const draft_estimate& d = **dp;
    w.key(dp == &r.draft ? "draft" : "mtp").begin_object().field("model_id", d.model_id).field("quantization", d.format).field("parameters", d.parameters)
        .field("weights_bytes", d.weights_bytes).field("kv_cache_bytes", d.kv_cache_bytes).field("compute_bytes", d.compute_bytes)
        .field("other_bytes", d.other_bytes).field("total_bytes", d.weights_bytes + d.kv_cache_bytes + d.compute_bytes + d.other_bytes)
        .field("draft_max", d.draft_max).field("separate_context", d.separate_context);
    if (d.decode_high > 0)
      w.field("draft_tokens_per_s", d.draft_tokens_per_s).field("acceptance_low", d.acceptance_low).field("acceptance_high", d.acceptance_high)
          .field("decode_tokens_per_s_low", d.decode_low).field("decode_tokens_per_s_high", d.decode_high);
    w.end_object();
  }
#endif
  write_fits_and_formulas(w, r);
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// Hub facts the front end fetched (safetensors.total from /api/models, the index's total_size), compared with
// the config's count; a mismatch is also a warning.
std::vector<hub_comparison> check_with_hub(const model_spec& s, const model_tensors& tensors, const json& hub, std::vector<issue>& issues) {
  auto whole = [&](const char* k) -> uint64_t {
    auto f = hub.find(k);
    return f != hub.end() && f->is_number_unsigned() ? f->get<uint64_t>() : 0;
  };
  std::vector<hub_comparison> out = compare_with_hub(s, tensors.inv, tensors.parameters, {whole("parameters_total"), whole("safetensors_total_bytes")});
  for (const auto& c : out)
    if (c.verdict == "mismatch") issues.push_back({"hub_mismatch", "hub", c.message, severity::warning});
  return out;
}

void write_hub_check(json_writer& w, const std::vector<hub_comparison>& checks) {
  w.key("hub_check").begin_array();
  for (const auto& c : checks) {
    w.begin_object().field("source", c.source).field("config_parameters", c.config_parameters)
        .field("hub_parameters", c.hub_parameters).field("difference", c.difference).key("explained").begin_array();
    for (const auto& t : c.explained) w.begin_object().field("reason", t.reason).field("parameters", t.parameters).end_object();
    w.end_array().field("unexplained", c.unexplained).field("verdict", c.verdict).field("message", c.message).end_object();
  }
  w.end_array();
}
#endif

void write_solver(json_writer& w, const solver_result& sv) {
  w.key("solver").begin_object();
  if (!sv.solved) {
    w.field("reason", "no GPU chosen: pick one to solve for context, quantization, GPU count and -ngl").end_object();
    return;
  }
  w.field("max_context_tokens", sv.max_context_tokens).field("max_context_limit", sv.max_context_limit)
      .field("best_quantization", sv.best_quantization).field("fewest_gpus", sv.fewest_gpus);
  if (sv.fewest_nodes) w.field("fewest_nodes", sv.fewest_nodes);
  if (sv.gpu_layers) w.field("gpu_layers", *sv.gpu_layers);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands a chosen GPU to the full one)
  if (!sv.layouts.empty()) {
    w.key("layouts").begin_array();
    for (const auto& l : sv.layouts)
      w.begin_object().field("tensor_parallel", l.tensor_parallel).field("pipeline_parallel", l.pipeline_parallel).field("data_parallel", l.data_parallel)
          .field("fits", l.fits).field("kv_tokens", l.kv_tokens).field("decode_tokens_per_s", l.decode_tokens_per_s).end_object();
    w.end_array().field("best_layout", sv.best_layout);
  }
#endif
  w.end_object();
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// Where a GGUF-only estimate's model came from: the file's architecture and type, and the config.json its
// metadata amounts to (the page's quant table and charts ask table() with it).
void write_file_model(json_writer& w, const gguf_model& m) {
  w.key("file").begin_object().field("format", "gguf").field("architecture", m.architecture).field("file_type", m.file_type)
      .field("tensor_bytes", m.plan.tensor_bytes).field("header_bytes", m.plan.header_bytes).field("file_bytes", m.plan.file_bytes)
      .field("tensors", m.plan.n_tensors).key("derived").begin_array();
  for (const auto& d : m.derived) w.value(d);
  w.end_array().field("config", m.config_text).end_object();
}

void write_setting(json_writer& w, const option_setting& c) {
  w.key(c.option);
  c.number ? w.value(c.n) : w.value(c.value);
}
#endif

// The answer for the chosen hardware, first on every front end: "yes" (the whole model on the GPUs),
// "offload" (it fits with layers in system RAM: the request's -ngl, or the most the solver finds),
// "no"; "unknown" when no GPU was chosen (then the smallest catalogue GPU that holds it stands in). The
// changes that make it fit, each a set of request options with what it gives, come with it.
// The offloading change that makes it fit, when the solver found one: the routed experts of some layers in system
// RAM (--n-cpu-moe), the faster, else whole layers on the CPU (-ngl).
const fit_change* offload_change(const solver_result& sv) {
  const fit_change* layers = nullptr;
  for (const auto& c : sv.changes) {
    if (c.set.size() != 1) continue;
    if (c.set[0].option == "n_cpu_moe") return &c;
    if (c.set[0].option == "gpu_layers") layers = &c;
  }
  return layers;
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// A GPU's name as people say it: "NVIDIA GeForce RTX 3090" -> "RTX 3090" (web/shared/verdict.js shortGpuName).
std::string_view short_name(std::string_view name) {
  for (std::string_view brand : {"NVIDIA GeForce ", "NVIDIA ", "AMD Radeon ", "AMD ", "Intel "})
    if (name.starts_with(brand)) return name.substr(brand.size());
  return name;
}

// The hardware of several GPUs or machines in words: "RTX 3090 + RTX 3060", "2 machines x 8 x H100 SXM (TP 8 x PP 2)".
std::string hardware_text(const estimate_result& r) {
  // Each machine's GPUs in words; the list names them machine by machine.
  const size_t per_node = r.gpu_list.empty() ? 0 : r.gpu_list.size() / std::max<uint64_t>(1, r.nodes);
  std::vector<std::string> machines;
  for (size_t m = 0; per_node && m < r.nodes; ++m) {
    std::string one;
    for (size_t k = m * per_node; k < (m + 1) * per_node && k < r.gpu_list.size(); ++k) one += (one.empty() ? "" : " + ") + std::string(short_name(r.gpu_list[k]->name));
    machines.push_back(one);
  }
  std::string one = machines.empty() ? (r.gpus_per_node > 1 ? text_of(r.gpus_per_node) + " x " : std::string()) + std::string(short_name(r.gpu->name)) : machines.front();
  if (r.nodes <= 1) return one;
  const bool alike = std::all_of(machines.begin(), machines.end(), [&](const std::string& m) { return m == one; });
  std::string unlike;
  for (const auto& m : machines) unlike += (unlike.empty() ? "" : "; ") + m;
  std::string out = alike ? text_of(r.nodes) + " machines x " + (per_node > 1 ? "(" + one + ")" : one) : text_of(r.nodes) + " machines (" + unlike + ")";
  if (r.runtime && profile_of(*r.runtime)->takes_pipeline_parallel) out += " (TP " + text_of(r.tensor_parallel) + " x PP " + text_of(r.pipeline_parallel) + ")";
  return out;
}
#endif

void write_verdict(json_writer& w, const estimate_result& r, const solver_result& sv) {
  w.key("verdict").begin_object();
  if (!r.gpu) {
    std::string_view smallest;
    for (const auto& f : r.fits)
      if (f.fits && smallest.empty()) smallest = f.gpu->name;
    w.field("fit", "unknown").field("reason", "no GPU chosen").field("smallest_fitting_gpu", smallest).field("needed_bytes", r.memory.total_bytes);
    w.end_object();
    return;
  }
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands a chosen GPU to the full one)
  const fit_change* offload = offload_change(sv);
  const bool by_experts = offload && offload->set[0].option == "n_cpu_moe";
  const bool fits = r.chosen.fits && (!r.vllm || r.vllm->max_model_len_fits);
  const std::string_view fit = fits ? (layers_on_host(r) ? "offload" : "yes") : offload ? "offload" : "no";
  w.field("fit", fit).field("gpu", r.gpu->name).field("gpus", r.gpus).field("custom_gpu", r.gpu.custom())
      .field("unified_memory", r.gpu->unified_memory).field("usable_bytes", r.chosen.usable_bytes)
      .field("needed_bytes", r.chosen.needed_bytes).field("headroom_bytes", r.chosen.headroom_bytes)
      .field("host_bytes", r.gpu->unified_memory ? uint64_t{0} : r.memory.host_bytes);
  if (r.gpus > 1) {  // the GPU whose headroom sets the fit
    const device_share* tight = nullptr;
    for (const auto& d : r.devices)
      if (d.index >= 0 && (!tight || d.headroom_bytes < tight->headroom_bytes)) tight = &d;
    if (tight) w.field("tightest_gpu", static_cast<uint64_t>(tight->index))
                   .field("tightest", "GPU " + text_of(static_cast<uint64_t>(tight->index)) + (tight->gpu.empty() ? std::string() : ", " + std::string(short_name(tight->gpu))));
  }
  if (!r.gpu_list.empty()) {
    w.key("gpu_list").begin_array();
    for (const gpu_info* g : r.gpu_list) w.value(g->name);
    w.end_array();
  }
  if (!r.gpu_list.empty() || r.nodes > 1) w.field("hardware", hardware_text(r)).field("nodes", r.nodes);
  if (r.tensor_parallel > 1 || r.pipeline_parallel > 1) w.field("tensor_parallel", r.tensor_parallel).field("pipeline_parallel", r.pipeline_parallel);
  if (r.chosen.host_headroom_bytes) w.field("host_headroom_bytes", r.chosen.host_headroom_bytes);
  if (!fits && offload) w.field("offload_headroom_bytes", offload->headroom_bytes).field("offload_host_bytes", offload->host_bytes);
  if (layers_on_host(r) || (!fits && offload) || (r.runtime && profile_of(*r.runtime)->solves_gpu_layers && !r.training))
    w.field("gpu_layers", fits || !offload || by_experts ? r.gpu_layers : offload->set[0].n).field("n_layer", r.n_layer)
        .field("n_cpu_moe", fits ? (r.cpu_moe_layers ? r.n_cpu_moe : uint64_t{0}) : by_experts ? offload->set[0].n : uint64_t{0});
  const double decode = fits ? (r.speed.known ? r.speed.decode_tokens_per_s : 0) : offload ? offload->decode_tokens_per_s : 0;
  w.field("decode_tokens_per_s", std::round(decode * 10) / 10);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (decode > 0) w.field("decode_band", speed_band_of(decode));
#endif
  if (r.chosen.fits && r.vllm && !r.vllm->max_model_len_fits)
    w.field("reason", "vLLM starts only when its KV cache holds one sequence of max_model_len; this one does not");
  else if (r.chosen.gpu_fits && r.chosen.host_headroom_bytes < 0)
    w.field("reason", "the GPU holds its share, but what stays in system RAM is " + text_of(static_cast<uint64_t>(-r.chosen.host_headroom_bytes)) +
                          " bytes more than the host_memory_bytes given");
  w.key("changes").begin_array();
  for (const auto& c : sv.changes) {
    w.begin_object().key("set").begin_object();
    for (const auto& x : c.set) write_setting(w, x);
    w.end_object().field("fits", c.fits).field("headroom_bytes", c.headroom_bytes).field("host_bytes", c.host_bytes)
        .field("decode_tokens_per_s", std::round(c.decode_tokens_per_s * 10) / 10);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
    if (c.decode_tokens_per_s > 0) w.field("decode_band", speed_band_of(c.decode_tokens_per_s));
#endif
    w.end_object();
  }
  w.end_array().end_object();
#else
  (void)sv;
#endif
}

// The command that runs this plan, when the runtime has one.
void write_commands(json_writer& w, const estimate_result& r, const std::string& model_id, const estimate_options& o) {
  w.key("commands").begin_array();
  if (const std::string cmd = profile_of(*r.runtime)->command(r, model_id, o); !cmd.empty()) {
    w.begin_object().field("runtime", r.runtime->name).field("command", cmd);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (llama.cpp is the full module's)
    if (!model_id.empty() && cmd.find("MODEL.gguf") != std::string::npos)
      w.field("note", model_id + " holds no GGUF file (or the Hub was not asked): download a GGUF of it, often in a repository named \"" +
                          model_id.substr(model_id.find('/') + 1) + "-GGUF\", and give its path to -m");
#endif
    w.end_object();
  }
  w.end_array();
}

// A request as both entry points read it: the JSON, the config text and the estimate options (read once
// with the options schema, options.h), with every problem as an issue. `model` holds the config once it parses.
struct request_view {
  json req;
  std::string config_text;
  std::string draft_config_text;
  std::string model_id;
  estimate_options opt;
  std::vector<uint64_t> contexts;  // table(): the contexts asked for, empty for the default ladder
  bool context_given = false;      // context_tokens (or an alias) was in the request
  const parsed_model* model = nullptr;  // the config parsed, with its tensors (kept between requests: config_cache.h)
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  std::optional<weight_files> files;    // the request's `weights`: the checkpoint's safetensors headers
#endif
};

#ifdef NEURO_SHRINK_FIRST_ESTIMATE
constexpr bool kReadTraining = false;  // the first-estimate build hands training over (estimate.cpp)
#else
constexpr bool kReadTraining = true;
#endif

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// Speculative decoding: the draft's config.json parsed beside the model's (its issues under draft_config); a
// draft_model without its config is said, not guessed.
bool read_draft(request_view& r, std::vector<issue>& issues) {
  if (r.draft_config_text.empty()) {
    if (!r.opt.draft_model.empty())
      issues.push_back({"draft_config_missing", "draft_config", "draft_model names " + r.opt.draft_model +
          " but its config.json (draft_config) was not given, so the draft is not counted. The CLI and the page fetch it; in JSON, give draft_config.", severity::warning});
    return true;
  }
  if (r.draft_config_text.size() > request_limits::config_bytes) {
    issues.push_back({"config_too_large", "draft_config", "The draft's config is " + text_of(static_cast<uint64_t>(r.draft_config_text.size())) +
        " bytes; a config.json is at most " + text_of(request_limits::config_bytes) + ".", severity::error});
    return false;
  }
  const parsed_model& d = parsed_model_for(r.draft_config_text, 1);
  for (const issue& i : d.parsed.issues)
    issues.push_back({i.code, i.field.empty() ? "draft_config" : "draft_config." + i.field, "The draft's config.json: " + i.message, i.level});
  if (!d.parsed.ok()) return false;
  r.opt.draft_spec = &d.parsed.spec;
  r.opt.draft_tensors = &d.tensors;
  return true;
}
#endif

// Starts a reply ({"schema_version", "runtime", ...}) and reads the request; false when it cannot go on.
bool read_request(std::string_view text, json_writer& w, std::vector<issue>& issues, request_view& r, bool table = false) {
  w.begin_object().field("schema_version", kReportSchemaVersion);
  if (text.size() > request_limits::request_bytes) {
    w.field("runtime", kRuntimeName);
    issues.push_back({"request_too_large", "", "The request is " + text_of(static_cast<uint64_t>(text.size())) + " bytes; at most " +
        text_of(request_limits::request_bytes) + " are read (a config.json of up to " + text_of(request_limits::config_bytes) + " bytes and the options).", severity::error});
    return false;
  }
  r.req = json::parse(text.begin(), text.end(), nullptr, false);
  if (r.req.is_discarded() || !r.req.is_object()) {
    w.field("runtime", kRuntimeName);
    issues.push_back({"bad_request", "", r.req.is_discarded()
        ? "The request is not valid JSON (a number past the double range, such as 1e309, makes it invalid too)."
        : "The request is not a JSON object.", severity::error});
    return false;
  }
  request_options o;
  read_options(r.req, o, issues, kReadTraining, table);
  r.config_text = std::move(o.config_text);
  r.draft_config_text = std::move(o.draft_config_text);
  r.model_id = std::move(o.model_id);
  r.opt = std::move(o.estimate);
  r.contexts = std::move(o.contexts);
  r.context_given = o.has("context_tokens");
  if (auto hub = r.req.find("hub"); hub != r.req.end() && hub->is_object())
    if (auto g = hub->find("gguf_files"); g != hub->end() && g->is_number_unsigned()) r.opt.repo_has_gguf = g->get<uint64_t>() > 0;
  // A llama.cpp file type (Q4_K_M, ...) with no runtime named runs on llama.cpp, the runtime that loads GGUF files.
  const auto plain_format = [](std::string_view q) {  // a weight format of its own name (bf16 is both)
    for (const auto& f : weight_formats())
      if (f.name.size() == q.size() && std::equal(q.begin(), q.end(), f.name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) return true;
    return false;
  };
  if (const gguf_file_type* t = find_gguf_file_type(r.opt.quantization);
      t && r.opt.runtime.empty() && r.opt.mode != "train" && !plain_format(r.opt.quantization)) {
    r.opt.runtime = "llama.cpp";
    issues.push_back({"runtime_from_format", "runtime", std::string(t->name) + " is a llama.cpp file type (GGUF), so this is llama.cpp's estimate; name another runtime to compare.",
                      severity::info});
  }
  const runtime_info* rt = find_runtime(r.opt.runtime.empty() ? std::string_view(kRuntimeName) : std::string_view(r.opt.runtime));
  w.field("runtime", rt ? rt->name : std::string_view(r.opt.runtime));
  if (r.config_text.empty())
    issues.push_back({"missing_config", "config", "No config.json was given. Fetch a model from the Hub or give its config.json.", severity::error});
  else if (r.config_text.size() > request_limits::config_bytes)
    issues.push_back({"config_too_large", "config", "The config is " + text_of(static_cast<uint64_t>(r.config_text.size())) + " bytes; a config.json is at most " +
        text_of(request_limits::config_bytes) + " (real ones are a few KB to a few hundred KB). Give the model's own config.json.", severity::error});
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (auto wt = r.req.find("weights"); wt != r.req.end() && wt->is_array() && !wt->empty()) r.files = read_weight_files(*wt, issues);
#endif
  if (has_error(issues)) return false;
  r.model = &parsed_model_for(r.config_text);
  issues.insert(issues.end(), r.model->parsed.issues.begin(), r.model->parsed.issues.end());
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (r.model->parsed.ok() && !read_draft(r, issues)) return false;
  // The runtime's own defaults for what the request left open (runtimes/profile.h request_defaults).
  if (const runtime_profile* p = rt ? profile_of(*rt) : nullptr; p && p->request_defaults && r.model->parsed.ok() && r.opt.mode != "train")
    p->request_defaults(r.model->parsed.spec, r.opt, r.context_given, issues);
#endif
  return r.model->parsed.ok();
}

std::string finish_reply(json_writer& w, const std::vector<issue>& issues) {
  write_issues(w, issues);
  w.end_object();
  return w.take();
}


// What one report says, computed before a byte of it is written: the estimate, the Hub cross-check and the
// solvers.
struct report_plan {
  const model_spec* spec = nullptr;
  const model_tensors* tensors = nullptr;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  std::unique_ptr<files_reading> files;  // what the weight files say; spec and tensors point into it when they rule
#endif
  estimate_result r;
  std::optional<std::vector<hub_comparison>> hub;  // when the request brought the Hub's facts
  solver_result solver;
  std::optional<estimate_result> run_as;  // llama.cpp when it fits only with layers on the CPU: the command's plan
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  std::vector<other_estimate> others;      // what other tools would say (others.h)
#endif
};

report_plan plan_report(const request_view& rv, std::vector<issue>& issues) {
  report_plan p;
  p.spec = &rv.model->parsed.spec;
  p.tensors = &rv.model->tensors;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (rv.files) {
    p.files = std::make_unique<files_reading>(read_files(*p.spec, *p.tensors, *rv.files, issues));
    if (has_error(issues)) {  // the files say nothing to count: no estimate
      p.r.issues.push_back(issues.back());
      return p;
    }
    p.spec = &p.files->spec;
    if (p.files->weights_from_files) p.tensors = &p.files->tensors;
  }
#endif
  const model_spec& s = *p.spec;
  p.r = estimate(s, *p.tensors, rv.opt);
  issues.insert(issues.end(), p.r.issues.begin(), p.r.issues.end());
  if (!p.r.ok()) return p;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  // A GGUF of an architecture no rule reads: its parameters are the file's elements, not the stand-in layout's.
  if (rv.opt.file_plan && s.family == "generic") {
    p.r.parameters = {};
    p.r.parameters.total.value = p.r.parameters.active.value = rv.opt.file_plan->elements;
    p.r.parameters.by_component.emplace_back("text", rv.opt.file_plan->elements);
  }
#endif
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (auto it = rv.req.find("hub"); it != rv.req.end() && it->is_object() && !p.r.training) p.hub = check_with_hub(s, *p.tensors, *it, issues);
#endif
  // The searches re-estimate the same file type many times: its GGUF plan (the same for every context, -ngl and
  // GPU count) is made once, as a file's own tensors are.
  estimate_options reuse = rv.opt;
  if (p.r.gguf && !reuse.file_plan && p.r.format && p.r.format->layout == weight_layout::gguf) reuse.file_plan = &*p.r.gguf;
  p.solver = solve(s, *p.tensors, reuse, p.r);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  p.others = other_estimates(p.r);
#endif
  if (!p.r.chosen.fits && rv.opt.gpu_layers < 0)
    if (const fit_change* c = offload_change(p.solver)) {  // the command runs the plan that fits
      estimate_options o = reuse;
      if (c->set[0].option == "gpu_layers") o.gpu_layers = static_cast<int64_t>(c->set[0].n);
      else o.n_cpu_moe = c->set[0].n;
      p.run_as = estimate(s, *p.tensors, o);
    }
  return p;
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// "others": what other tools print for the same setting, each with its formula, source, what it leaves out and
// its difference from this estimate's total.
void write_others(json_writer& w, const std::vector<other_estimate>& others, const estimate_result& r) {
  w.key("others").begin_array();
  for (const other_estimate& o : others) {
    w.begin_object().field("tool", o.tool).field("what", o.what).field("bytes", o.bytes).field("formula", o.formula).field("source", o.source)
        .field("leaves_out", o.leaves_out);
    if (r.memory.total_bytes) w.field("difference_percent", (static_cast<double>(o.bytes) - static_cast<double>(r.memory.total_bytes)) / static_cast<double>(r.memory.total_bytes) * 100.0);
    w.end_object();
  }
  w.end_array();
}
#endif

// `file`: the model of a GGUF file (estimate_file_json), whose tensors size the weights of its file type.
std::string report_for(std::string_view request_text_json, const gguf_model* file = nullptr) {
  json_writer w;
  std::vector<issue> issues;
  request_view rv;
  if (!read_request(request_text_json, w, issues, rv)) return finish_reply(w, issues);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (file) {
    rv.opt.file_plan = &file->plan;
    issues.insert(issues.end(), file->issues.begin(), file->issues.end());  // what the file's reading said (warnings)
  }
#endif
  [[maybe_unused]] const json& req = rv.req;
  const std::string& model_id = rv.model_id;
  const estimate_options& opt = rv.opt;
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
  // A chosen GPU brings the solvers and speed, several GPUs or machines their placement: the full module's work
  // (options.cpp leaves the readers of those settings to it).
  const bool gpu = !opt.gpu.empty() || opt.gpu_memory_bytes;
  // Every setting whose reader this build leaves out (options.cpp FULL_SETTER; hub, weights, mmproj_file and the
  // draft's config are read by the full module alone): the schema says which, nothing is listed twice.
  for (const option_info& o : request_option_schema())
    if (gpu || (!o.set && o.name != "config" && o.name != "contexts" && o.name != "config_only" && rv.req.contains(o.name))) {
      issues.push_back({"needs_full_estimator", gpu ? (opt.gpu.empty() ? "gpu_memory_bytes" : "gpu") : std::string(o.name), "The full estimator module answers it.", severity::error});
      return finish_reply(w, issues);
    }
#endif
  const report_plan planned = plan_report(rv, issues);
  const estimate_result& r = planned.r;
  const model_tensors& tensors = *planned.tensors;
  const model_spec& s = *planned.spec;

  w.key("request").begin_object()
      .field("quantization", r.format ? std::string(r.format->name) : opt.quantization)
      .field("quantization_label", r.format ? std::string(r.format->label) : opt.quantization)
      .field("quantization_defaulted", r.format_defaulted)
      .field("kv_cache_dtype", r.kv_k && r.kv_v ? std::string(r.kv_k == r.kv_v ? r.kv_k->name : std::string_view("mixed")) : opt.kv_cache_dtype)
      .field("kv_cache_dtype_k", r.kv_k ? std::string(r.kv_k->name) : opt.kv_cache_dtype_k)
      .field("kv_cache_dtype_v", r.kv_v ? std::string(r.kv_v->name) : opt.kv_cache_dtype_v)
      .field("kv_cache_dtype_defaulted", r.kv_dtype_defaulted)
      .field("context_tokens", opt.context_tokens)
      .field("batch_size", opt.batch_size)
      .field("runtime", r.runtime ? r.runtime->name : std::string_view(opt.runtime))
      .field("gpu", r.gpu ? r.gpu->name : std::string_view(opt.gpu))
      .field("gpus", opt.gpus)
      .field("mode", opt.mode.empty() ? std::string_view("inference") : std::string_view(opt.mode));
  if (r.runtime && !r.training && profile_of(*r.runtime)) profile_of(*r.runtime)->write_settings(w, r, opt);
  w.end_object();
  write_model(w, s, model_id);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (file) write_file_model(w, *file);
  if (planned.files) write_files_reading(w, *planned.files, *rv.files);
#endif
  if (r.ok()) write_verdict(w, r, planned.solver);
  if (r.ok() && r.training) {
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
    write_training(w, r);
    write_others(w, planned.others, r);
#endif
  } else if (r.ok()) {
    write_estimate(w, tensors, r, planned.run_as ? planned.run_as->speed : r.speed);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
    if (planned.hub) write_hub_check(w, *planned.hub);
    write_others(w, planned.others, r);
#endif
    write_solver(w, planned.solver);
    write_commands(w, planned.run_as ? *planned.run_as : r, model_id, opt);
  }
  return finish_reply(w, issues);
}

}  // namespace

std::string estimate_json(std::string_view request_json) {
  return report_for(request_json);
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
std::string estimate_file_json(std::span<const uint8_t> bytes, uint64_t file_size, std::string_view request_json) {
  auto reply = [](std::string_view runtime, const std::vector<issue>& issues, const file_header* h) {
    json_writer w;
    w.begin_object().field("schema_version", kReportSchemaVersion).field("runtime", runtime);
    if (h) {
      w.key("file").begin_object().field("format", h->format).field("status", h->status == header_status::need_more ? "need_more" : h->status == header_status::ok ? "ok" : "invalid")
          .field("needed_bytes", h->needed_bytes).field("tensor_bytes", h->data_bytes).field("tensors", static_cast<uint64_t>(h->tensors.size())).end_object();
    }
    return finish_reply(w, issues);
  };
  json req = json::parse(request_json.begin(), request_json.end(), nullptr, false);
  if (req.is_discarded() || !req.is_object()) return reply("llama.cpp", {{"bad_request", "", "The request is not a JSON object.", severity::error}}, nullptr);
  // A split GGUF (llama.cpp's gguf-split, "-00001-of-00003.gguf"): "parts" gives each part's bytes within
  // `bytes` (the start of each file, in order) and its file size; the model is part 1's metadata with every
  // part's tensors.
  std::vector<std::pair<uint64_t, uint64_t>> parts;  // (bytes given, file size)
  if (auto p = req.find("parts"); p != req.end()) {
    uint64_t sum = 0;
    bool ok = p->is_array() && !p->empty() && p->size() <= 256;
    for (const auto& x : ok ? *p : json::array()) {
      const auto b = x.find("bytes"), z = x.find("size");
      ok = ok && x.is_object() && b != x.end() && b->is_number_unsigned() && z != x.end() && z->is_number_unsigned();
      if (!ok) break;
      parts.emplace_back(b->get<uint64_t>(), z->get<uint64_t>());
      sum += parts.back().first;
    }
    if (!ok || sum != bytes.size())
      return reply("llama.cpp", {{"invalid_parts", "parts", "parts lists each part of a split GGUF as {\"bytes\": the bytes of it given, in order, \"size\": its file size}, at most 256, adding up to the bytes given.", severity::error}}, nullptr);
    req.erase("parts");
  } else {
    parts.emplace_back(bytes.size(), file_size);
  }
  file_header h;
  uint64_t at = 0, header_bytes = 0, file_bytes = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const file_header part = read_gguf_header(bytes.subspan(at, parts[i].first), parts[i].second);
    at += parts[i].first;
    if (part.status != header_status::ok) {
      std::vector<issue> issues = part.issues;
      const std::string which = parts.size() > 1 ? "Part " + text_of(static_cast<uint64_t>(i + 1)) + " of the split GGUF: " : "";
      if (part.status == header_status::need_more)
        issues.push_back({"needs_more_bytes", "file", which + "the GGUF header goes on past the bytes given: give its first " + text_of(part.needed_bytes) + " bytes.", severity::error});
      else if (issues.empty())
        issues.push_back({"invalid_file", "file", which + "this is not a GGUF file.", severity::error});
      return reply("llama.cpp", issues, &part);
    }
    header_bytes += part.header_bytes;
    file_bytes += parts[i].second;
    if (i == 0) { h = part; continue; }
    h.data_bytes += part.data_bytes;
    h.elements += part.elements;
    h.tensors.insert(h.tensors.end(), part.tensors.begin(), part.tensors.end());
  }
  const gguf_value* count = h.find("split.count");
  const gguf_value* number = h.find("split.no");
  if ((count && count->integer > 0 && static_cast<uint64_t>(count->integer) != parts.size()) || (number && number->integer != 0))
    return reply("llama.cpp", {{"split_parts_missing", "file", "This GGUF is " + (number ? "part " + text_of(static_cast<uint64_t>(number->integer + 1)) + " " : std::string("split ")) + "of " +
        text_of(static_cast<uint64_t>(count ? count->integer : 0)) + " parts (llama.cpp's gguf-split): give every part, the first one first, for its estimate.", severity::error}}, &h);
  h.header_bytes = header_bytes;
  gguf_model m = model_from_gguf(h);
  if (!m.ok()) return reply("llama.cpp", m.issues, &h);
  if (parts.size() > 1) {  // the files' sizes, not one file's offsets
    m.plan.file_bytes = file_bytes;
    m.plan.padding_bytes = file_bytes > header_bytes + m.plan.tensor_bytes ? file_bytes - header_bytes - m.plan.tensor_bytes : 0;
    m.derived.push_back("tensors from " + text_of(static_cast<uint64_t>(parts.size())) + " split parts");
  }
  // The request as given, with the file's model, llama.cpp and the file's type unless it names others.
  req["config"] = m.config_text;
  if (!req.contains("runtime")) req["runtime"] = "llama.cpp";
  if (!req.contains("quantization") && !req.contains("q") && !m.file_type.empty()) req["quantization"] = m.file_type;
  return report_for(req.dump(), &m);
}
#endif

namespace {

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// One row of the quant table: format f on the chosen GPU(s) at the request's context.
void write_format_on_chosen(json_writer& w, const model_spec& s, const model_tensors& tensors, estimate_options o, std::string_view f) {
  o.quantization = std::string(f);
  o.explain = false;
  const estimate_result r = estimate(s, tensors, o);
  if (r.gguf && !o.file_plan && r.format && r.format->layout == weight_layout::gguf) o.file_plan = &*r.gguf;  // one plan for the row's searches
  const format_on_gpu g = format_on_chosen(s, tensors, o, r);
  w.begin_object().field("fit", g.fit).field("file_bytes", r.ok() ? r.stored_weights_bytes : uint64_t{0})
      .field("total_bytes", r.ok() ? r.memory.total_bytes : uint64_t{0}).field("max_context_tokens", g.max_context_tokens)
      .field("decode_tokens_per_s", std::round(g.decode_tokens_per_s * 10) / 10);
  if (g.gpu_layers >= 0) w.field("gpu_layers", g.gpu_layers);
  w.end_object();
}

std::string table_for(std::string_view request_text_json) {
  json_writer w;
  std::vector<issue> issues;
  request_view rv;
  if (!read_request(request_text_json, w, issues, rv, true)) return finish_reply(w, issues);
  estimate_options opt = rv.opt;
  const model_spec& s = rv.model->parsed.spec;

  std::vector<uint64_t> contexts = rv.contexts;  // read and checked with the schema (options.cpp)
  if (contexts.empty()) {
    const uint64_t max = s.max_position_embeddings ? s.max_position_embeddings : 131072;
    for (uint64_t c = 1024; c <= max && c <= (uint64_t{1} << 20); c *= 2) contexts.push_back(c);
  }
  if (contexts.empty() || contexts.size() > 64) {
    issues.push_back({"invalid_contexts", "contexts", "contexts must list between 1 and 64 positive token counts.", severity::error});
    return finish_reply(w, issues);
  }

  // The rows: llama.cpp's file types under llama.cpp, else the weight formats.
  const runtime_info* rt = find_runtime(opt.runtime.empty() ? std::string_view(kRuntimeName) : std::string_view(opt.runtime));
  std::vector<std::string_view> formats;
  if (rt && rt->kind == runtime_kind::llama_cpp)
    for (const auto& t : gguf_file_types()) formats.push_back(t.name);
  else
    for (const auto& f : weight_formats()) formats.push_back(f.name);
  w.key("quantizations").begin_array();
  for (auto f : formats) w.value(f);
  w.end_array().key("contexts").begin_array();
  for (uint64_t c : contexts) w.value(c);
  w.end_array().key("gpus").begin_array();
  for (const auto& g : gpus()) w.value(g.name);
  w.end_array();
  // Decode speed on every catalogue GPU at one context: the request's context_tokens when listed, else the first.
  uint64_t speed_context = contexts[0];
  if (rv.context_given)
    for (uint64_t c : contexts)
      if (c == rv.opt.context_tokens) speed_context = c;
  const model_tensors& tensors = rv.model->tensors;
  opt.explain = false;
  json_writer tw, fw, sw, cw, bw;
  bw.begin_array();
  tw.begin_array();
  fw.begin_array();
  sw.begin_array();
  cw.begin_array();
  for (auto f : formats) {
    opt.quantization = std::string(f);
    if (!opt.gpu.empty() || opt.gpu_memory_bytes) write_format_on_chosen(cw, s, tensors, rv.opt, f);
    tw.begin_array();
    fw.begin_array();
    sw.begin_array();
    for (uint64_t c : contexts) {
      opt.context_tokens = c;
      const estimate_result r = estimate(s, tensors, opt);
      if (c == speed_context)
        for (const auto& g : gpus()) sw.value(r.ok() ? std::round(decode_tokens_per_s(r, g, opt.gpus) * 10) / 10 : 0.0);
      uint64_t fitting = 0;
      for (const auto& g : r.fits) fitting += g.fits;
      tw.value(r.ok() ? r.memory.total_bytes : uint64_t{0});
      if (c == contexts[0]) bw.value(r.ok() ? r.stored_weights_bytes : uint64_t{0});
      fw.value(r.ok() ? fitting : uint64_t{0});
    }
    tw.end_array();
    fw.end_array();
    sw.end_array();
  }
  tw.end_array();
  fw.end_array();
  sw.end_array();
  cw.end_array();
  bw.end_array();
  w.key("stored_weights_bytes");  // [format]: the tensor data as a file stores it (a GGUF's size, less its header)
  w.raw(bw.str());
  w.key("total_bytes");
  w.raw(tw.str());
  w.key("fits");
  w.raw(fw.str());
  w.field("speed_context", speed_context);
  w.key("decode_tokens_per_s");  // [format][catalogue GPU], single sequence, every layer on the GPU
  w.raw(sw.str());
  // With a chosen GPU: each format there at the request's context (the quant table).
  if (!opt.gpu.empty() || opt.gpu_memory_bytes) {
    w.field("chosen_context", rv.opt.context_tokens).key("chosen");
    w.raw(cw.str());
  }
  return finish_reply(w, issues);
}
#endif

}  // namespace

std::string table_json([[maybe_unused]] std::string_view request_json) {
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
  // The what-fits table comes after the first answer: the full module computes it.
  json_writer w;
  w.begin_object().field("schema_version", kReportSchemaVersion);
  return finish_reply(w, {{"needs_full_estimator", "", "The what-fits table: the full estimator module answers it.", severity::error}});
#else
  return table_for(request_json);
#endif
}

std::string catalogue_json() {
  json_writer w;
  w.begin_object().field("schema_version", kReportSchemaVersion);
  w.key("limits").begin_object()
      .field("config_bytes", request_limits::config_bytes)
      .field("request_bytes", request_limits::request_bytes)
      .field("json_depth", request_limits::json_depth)
      .field("header_json_bytes", request_limits::header_json_bytes)
      .field("log_bytes", log_limits::text_bytes)
      .end_object();
  // Every request option: its JSON name, CLI flag, URL parameter, aliases, type, bounds, default and values.
  w.key("options");
  write_option_schema(w);
  w.key("runtimes").begin_array();
  for (const auto& rt : runtimes())
    w.begin_object().field("name", rt.name).field("label", rt.label).field("description", rt.description).field("source", rt.source).end_object();
  w.end_array();
  w.key("model_types").begin_array();
  for (auto t : known_model_types()) w.value(t);
  w.end_array();
  w.key("quantizations").begin_array();
  for (const auto& f : weight_formats())
    w.begin_object().field("name", f.name).field("label", f.label).field("description", f.description).field("source", f.source).end_object();
  // llama.cpp file types (llama.cpp runtime): the name as llama-quantize takes it, and its base ggml type.
  w.end_array().key("gguf_file_types").begin_array();
  for (const auto& t : gguf_file_types()) {
    const ggml_type_info* base = find_ggml_type(t.base_type);
    w.begin_object().field("name", t.name).field("ftype", t.ftype).field("base_type", base ? base->name : std::string_view("?"))
        .field("description", t.description).end_object();
  }
  w.end_array().key("ggml_types").begin_array();
  for (const auto& t : ggml_types())
    w.begin_object().field("name", t.name).field("id", t.id).field("block_elements", t.block_elements).field("block_bytes", t.block_bytes).end_object();
  w.end_array().key("kv_cache_dtypes").begin_array();
  for (const auto& d : kv_dtypes())
    w.begin_object().field("name", d.name).field("block_bytes", d.block_bytes).field("block_elements", d.block_elements).field("source", d.source).end_object();
  w.end_array().key("gpus").begin_array();
  for (const auto& g : gpus())
    w.begin_object().field("name", g.name).field("vendor", g.vendor).field("architecture", g.architecture)
        .field("memory_bytes", g.memory_bytes).field("unified_memory", g.unified_memory).field("usable_bytes", usable_bytes(g))
        .field("source", g.source)
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (speed is the full module's: the first one's table leaves these 0)
        .field("bandwidth_bytes_per_s", g.bandwidth_bytes_per_s).field("fp16_flops_per_s", g.fp16_flops_per_s).field("hbm", g.hbm).field("speed_family", decode_family_of(g)).field("fp16_unknown_reason", fp16_unknown_reason(g))
#endif
        .end_object();
  w.end_array();
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  w.key("speed_bands").begin_array();  // how a decode speed feels, from the slowest band
  for (const speed_band& b : speed_bands())
    w.begin_object().field("name", b.name).field("from_tokens_per_s", b.from_tokens_per_s).field("meaning", b.meaning).end_object();
  w.end_array();
#endif
  return w.end_object().take();
}

}  // namespace neuroshrink
