// A runtime's log held against the estimate (issue #18): the log's own settings re-run through the llama.cpp
// profile, each buffer it printed beside the one predicted, per device, with the reason where one is known.
#include "report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>

#include "estimate.h"
#include "gguf_model.h"
#include "gguf_quant.h"
#include "json_writer.h"
#include "options.h"
#include "request_limits.h"
#include "runtime_log.h"
#include "text.h"

namespace neuroshrink {
namespace {

// Where a printed buffer lives: the host (CPU, CPU_Mapped, CPU_REPACK, AMX, CUDA_Host and the other pinned
// *_Host types) or GPU n (CUDA0, ROCm1, Vulkan0, SYCL0, MTL0, Metal, Metal_Mapped).
int64_t gpu_index(std::string_view device) {
  if (device.substr(0, 3) == "CPU" || device.substr(0, 3) == "AMX" || device.find("_Host") != std::string_view::npos) return -1;
  size_t d = device.size();
  while (d > 0 && device[d - 1] >= '0' && device[d - 1] <= '9') --d;
  int64_t n = 0;
  for (size_t i = d; i < device.size() && i < d + 3; ++i) n = n * 10 + (device[i] - '0');
  return n;
}

std::string_view key_prefix(std::string_view kind) {
  if (kind == "model") return "model_buffer";
  if (kind == "kv") return "kv_buffer";
  if (kind == "compute") return "compute_buffer";
  return "output_buffer";
}

std::string cache_type(std::string t) {
  if (t == "f16") return "fp16";
  if (t == "f32") return "fp32";
  return t;
}

struct row {
  std::string kind;
  int64_t gpu = -1;                 // -1: the host
  std::string devices;              // as printed, joined
  uint64_t measured = 0, predicted = 0;
  bool has_measured = false, has_predicted = false;
  std::string reason;
};

// The model: the config given, else the log's GGUF metadata lines read as model_from_gguf reads a header. With no
// tensor list in a log, the output's tying is read from the tensor count the loader printed.
struct log_model {
  parsed_config parsed;
  std::string from;  // "config" or "log metadata"
  std::vector<std::string> derived;
};

// The layers and width the log's metadata gives, to tell whether a config given is this log's model.
bool same_model(const model_spec& s, const runtime_log& log) {
  const gguf_value* arch = log.metadata.find("general.architecture");
  if (!arch) return true;
  const gguf_value* layers = log.metadata.find(arch->text + ".block_count");
  const gguf_value* width = log.metadata.find(arch->text + ".embedding_length");
  return (!layers || static_cast<uint64_t>(layers->integer) == s.layers.size()) && (!width || static_cast<uint64_t>(width->integer) == s.hidden_size);
}

log_model model_of(const config_json& req, const runtime_log& log, std::vector<issue>& issues) {
  log_model m;
  if (auto c = req.find("config"); c != req.end() && (c->is_string() || c->is_object())) {
    m.parsed = parse_config(c->is_string() ? c->get<std::string>() : c->dump());
    m.from = "config";
    if (!m.parsed.ok() || same_model(m.parsed.spec, log)) return m;
    issues.push_back({"log_other_model", "config", "The config given (" + text_of(static_cast<uint64_t>(m.parsed.spec.layers.size())) + " layers, width " +
        text_of(m.parsed.spec.hidden_size) + ") is not the model this log loaded: the log's own metadata is used.", severity::warning});
  }
  m.from = log.metadata_lines ? "log metadata" : "log print_info";
  if (!log.metadata_lines && !log.metadata_from_print_info) {
    issues.push_back({"log_no_metadata", "log", "The log has no GGUF metadata lines (llama_model_loader: - kv N: ...) and no config was given: give the model's config.json "
        "(config), or paste the log from the start of the model's loading.", severity::error});
    return m;
  }
  const gguf_model g = model_from_gguf(log.metadata);
  for (const issue& i : g.issues) issues.push_back({i.code, "log", "The log's metadata: " + i.message, i.level});
  if (!g.ok()) return m;
  m.parsed = parse_config(g.config_text);
  return m;
}

// Options as the request schema spells them, read by the same reader as an estimate's request.
config_json options_of(const runtime_log& log, const std::string& file_type, std::vector<std::string>& derived) {
  config_json o = config_json::object();
  o["runtime"] = "llama.cpp";
  o["quantization"] = file_type;
  const uint64_t seqs = std::max<uint64_t>(1, log.n_seq_max);
  o["batch_size"] = seqs;
  // llama.cpp before July 2025 printed no kv_unified line: its sequences shared one cache, as --kv-unified does now.
  if (log.kv_unified == 1 || (log.kv_unified < 0 && seqs > 1 && log.n_ctx)) o["kv_unified"] = true;
  if (log.kv_unified < 0 && seqs > 1 && log.n_ctx) derived.push_back("one cache shared by the " + text_of(seqs) + " sequences: the log prints no kv_unified line (llama.cpp before July 2025)");
  const uint64_t ctx = log.n_ctx_seq && log.kv_unified != 1 ? log.n_ctx_seq : log.n_ctx / seqs;
  if (ctx) o["context_tokens"] = ctx;
  if (log.n_ubatch) o["ubatch"] = log.n_ubatch;
  if (log.n_batch) o["n_batch"] = log.n_batch;
  o["flash_attention"] = log.flash_attention == 1 ? "on" : "off";  // (llama.cpp before -fa auto: off unless asked)
  if (!log.type_k.empty()) o["kv_cache_dtype_k"] = cache_type(log.type_k);
  if (!log.type_v.empty()) o["kv_cache_dtype_v"] = cache_type(log.type_v);
  bool gpu_buffers = false;
  for (const auto& b : log.buffers) gpu_buffers = gpu_buffers || gpu_index(b.device) >= 0;
  o["gpu_layers"] = log.gpu_layers >= 0 ? log.gpu_layers : gpu_buffers ? -1 : 0;
  int64_t gpus = 0;
  for (const auto& b : log.buffers) gpus = std::max(gpus, gpu_index(b.device) + 1);
  if (gpus > 1) {
    o["gpus"] = gpus;
    // llama.cpp's default split follows each device's free memory (llama-model.cpp, tensor_split unset)
    if (log.gpu_free_mib.size() == static_cast<size_t>(gpus) && std::all_of(log.gpu_free_mib.begin(), log.gpu_free_mib.end(), [](uint64_t f) { return f > 0; })) {
      std::string split;
      for (uint64_t f : log.gpu_free_mib) split += (split.empty() ? "" : ",") + text_of(f);
      o["tensor_split"] = split;
    }
  }
  return o;
}

void predict(std::vector<row>& rows, const estimate_result& r) {
  for (const memory_component& c : r.components) {
    std::string kind;
    for (std::string_view k : {"model", "kv", "compute", "output"})
      if (c.key.substr(0, key_prefix(k).size()) == key_prefix(k)) kind = std::string(k);
    if (kind.empty()) continue;
    const int64_t gpu = c.host ? -1 : std::max<int32_t>(0, c.device);
    auto it = std::find_if(rows.begin(), rows.end(), [&](const row& x) { return x.kind == kind && x.gpu == gpu; });
    if (it == rows.end()) rows.push_back({kind, gpu, "", 0, 0, false, false, ""}), it = rows.end() - 1;
    it->predicted += c.bytes, it->has_predicted = true;
  }
}

void measure(std::vector<row>& rows, const runtime_log& log) {
  for (const log_buffer& b : log.buffers) {
    const int64_t gpu = gpu_index(b.device);
    auto it = std::find_if(rows.begin(), rows.end(), [&](const row& x) { return x.kind == b.kind && x.gpu == gpu; });
    if (it == rows.end()) rows.push_back({b.kind, gpu, "", 0, 0, false, false, ""}), it = rows.end() - 1;
    it->measured += b.bytes, it->has_measured = true;
    if (it->devices.find(b.device) == std::string::npos) it->devices += (it->devices.empty() ? "" : " + ") + b.device;
  }
}

bool within(uint64_t predicted, uint64_t measured, uint64_t parts) {
  return (predicted > measured ? predicted - measured : measured - predicted) <= measured / parts;
}

void explain_compute(row& x, const estimate_result& r) {
  if (x.gpu < 0 && r.gpu_layers > 0)
    x.reason = "the host's part of the graph is modelled as the embeddings lookup and the KQ masks; whatever else the scheduler runs there before the first GPU layer is not";
  else if (r.gpus > 1 && r.gpu_layers > 0 && x.gpu >= 0)
    x.reason = "several GPUs: each device's buffer is the fitted phase rule with the pipeline's copies of its inputs, not a replay of its part of the graph (+4.7 % on the first GPU of llama.cpp#11200)";
  else if (r.compute_graph_tensors)
    x.reason = "the graph replayed is llama.cpp de3ff81's (exact on every CPU context measured): this build's graph, or its backend's split of it, differs";
  else
    x.reason = "this architecture's graph is not written out (core/runtimes/llama_graph.cpp): its compute buffer is the fitted phase rule";
}

// The known reasons a buffer differs (each from a measured case: tests/fixtures/SOURCES.md and FIDELITY.md).
void explain(std::vector<row>& rows, const estimate_result& r, bool from_table) {
  for (row& x : rows) {
    if (!x.has_measured) x.reason = from_table && x.kind == "output" ? "the memory breakdown table counts no output buffer" : "not in the log (cut from the paste, or this llama.cpp prints no such buffer)";
    else if (!x.has_predicted) x.reason = "the estimate places no " + x.kind + " buffer here";
    else if (x.kind == "model" && x.devices.find("AMX") != std::string::npos)
      x.reason = "AMX: on a CPU with Intel AMX, llama.cpp copies the matrices of the types AMX runs into an AMX buffer beside the mapped file; not modelled";
    else if (x.kind == "model" && x.devices.find("REPACK") != std::string::npos && !within(x.predicted, x.measured, 200))
      x.reason = "CPU_REPACK: the estimate repacks what an x86 AVX2 build does (Q4_0, Q4_K, IQ4_NL, MXFP4); AVX-512 adds Q2_K and ARM NEON repacks other types (ggml-cpu/repack.cpp)";
    else if (x.kind == "compute" && !within(x.predicted, x.measured, 200)) explain_compute(x, r);
  }
}

void write_rows(json_writer& w, const std::vector<row>& rows) {
  w.key("buffers").begin_array();
  for (const row& x : rows) {
    w.begin_object().field("buffer", x.kind).field("device", x.gpu < 0 ? std::string("host") : "GPU " + text_of(static_cast<uint64_t>(x.gpu)));
    w.field("printed_as", x.devices);
    if (x.has_predicted) w.field("predicted_bytes", x.predicted);
    else w.key("predicted_bytes").raw("null");
    if (x.has_measured) w.field("measured_bytes", x.measured);
    else w.key("measured_bytes").raw("null");
    if (x.has_predicted && x.has_measured) {
      w.field("difference_bytes", static_cast<int64_t>(x.predicted) - static_cast<int64_t>(x.measured));
      if (x.measured) w.field("difference_percent", (static_cast<double>(x.predicted) - static_cast<double>(x.measured)) / static_cast<double>(x.measured) * 100.0);
    }
    w.field("reason", x.reason).end_object();
  }
  w.end_array();
}

void write_log(json_writer& w, const runtime_log& log, const std::string& file_type) {
  w.key("log").begin_object().field("program", log.program).field("lines", log.lines_read).field("metadata_lines", log.metadata_lines)
      .field("tensors", log.n_tensors).field("file_type", file_type).field("n_ctx", log.n_ctx).field("n_ctx_seq", log.n_ctx_seq)
      .field("n_seq_max", log.n_seq_max).field("n_batch", log.n_batch).field("n_ubatch", log.n_ubatch)
      .field("flash_attention", log.flash_attention == 1).field("kv_unified", log.kv_unified == 1)
      .field("type_k", log.type_k).field("type_v", log.type_v).field("gpu_layers", log.gpu_layers).field("second_model", log.second_model);
  w.key("gpus").begin_array();
  for (size_t i = 0; i < log.gpu_names.size(); ++i) {
    w.begin_object().field("name", log.gpu_names[i]);
    if (i < log.gpu_free_mib.size() && log.gpu_free_mib[i]) w.field("free_bytes", log.gpu_free_mib[i] << 20);
    w.end_object();
  }
  w.end_array().key("memory_breakdown").begin_array();
  for (const log_breakdown& b : log.breakdown) {
    w.begin_object().field("name", b.name).field("device", b.device);
    if (b.device) w.field("total_bytes", b.total << 20).field("free_bytes", b.free << 20).field("unaccounted_bytes", b.unaccounted * (int64_t{1} << 20));
    w.field("self_bytes", b.self << 20).field("model_bytes", b.model << 20).field("context_bytes", b.context << 20).field("compute_bytes", b.compute << 20).end_object();
  }
  w.end_array().end_object();
}

// vLLM: its figures per GPU (rank) against the vLLM estimate run with the log's GPU total, utilization, context
// and tensor parallel size; the KV pool also in blocks and tokens.
struct vllm_row {
  std::string what, unit;
  int64_t predicted = 0, measured = 0;
  std::string reason;
};

int64_t component_bytes(const estimate_result& r, std::string_view key) {
  for (const memory_component& c : r.components)
    if (c.key == key) return static_cast<int64_t>(c.bytes);
  return 0;
}

// The model of a serving log: its config.json, which such a log never carries (false, said, when absent or bad).
bool served_model(const config_json& req, std::string_view which, log_model& m, std::vector<issue>& issues) {
  const auto c = req.find("config");
  if (c == req.end() || !(c->is_string() || c->is_object())) {
    issues.push_back({"log_needs_config", "config", std::string(which) + " log does not print the model's layers: give its config.json (config; the CLI's --model ID fetches it).",
        severity::error});
    return false;
  }
  m.parsed = parse_config(c->is_string() ? c->get<std::string>() : c->dump());
  m.from = "config";
  if (!m.parsed.ok()) issues.insert(issues.end(), m.parsed.issues.begin(), m.parsed.issues.end());
  return m.parsed.ok();
}

// The request's options over the log's (what an excerpt does not print).
void overlay(config_json& options, const config_json& req) {
  for (auto it = req.begin(); it != req.end(); ++it)
    if (it.key() != "log" && it.key() != "config") options[it.key()] = it.value();
}

void write_model(json_writer& w, const log_model& m) {
  w.key("model").begin_object().field("from", m.from).field("family", m.parsed.spec.family).field("layers", static_cast<uint64_t>(m.parsed.spec.layers.size()));
  w.key("derived").begin_array();
  for (const auto& d : m.derived) w.value(d);
  w.end_array().end_object();
}

// A serving runtime's rows: one figure per GPU (or each GPU of a parallel layout).
void write_serving_rows(json_writer& w, const std::vector<vllm_row>& rows, const estimate_result& r) {
  w.key("buffers").begin_array();
  for (const vllm_row& x : rows) {
    w.begin_object().field("buffer", x.what).field("device", std::string(r.gpus > 1 ? "each GPU" : "GPU 0")).field("unit", x.unit).field("printed_as", std::string());
    w.field("predicted_bytes", x.predicted).field("measured_bytes", x.measured).field("difference_bytes", x.predicted - x.measured);
    if (x.measured) w.field("difference_percent", (static_cast<double>(x.predicted) - static_cast<double>(x.measured)) / std::fabs(static_cast<double>(x.measured)) * 100.0);
    w.field("reason", x.reason).end_object();
  }
  w.end_array();
}

config_json vllm_options(const vllm_log& v, std::vector<std::string>& derived) {
  config_json o = config_json::object();
  o["runtime"] = "vllm";
  if (v.total_bytes > 0) o["gpu_memory_bytes"] = v.total_bytes, derived.push_back("the GPU's memory as vLLM read it (total_gpu_memory)");
  if (v.utilization > 0) o["gpu_memory_utilization"] = v.utilization;
  if (v.max_model_len) o["context_tokens"] = v.max_model_len;
  const uint64_t gpus = std::max<uint64_t>(1, v.tensor_parallel) * std::max<uint64_t>(1, v.pipeline_parallel);
  if (gpus > 1) o["gpus"] = gpus, o["tensor_parallel"] = std::max<uint64_t>(1, v.tensor_parallel);
  if (v.kv_cache_dtype.substr(0, 3) == "fp8") o["kv_cache_dtype"] = "fp8";
  if (v.quantization == "fp8") o["quantization"] = "fp8";
  if (v.quantization == "bitsandbytes") o["quantization"] = "nf4";
  // V0 without chunked prefill profiles max(max_model_len, 2048) tokens in one batch (vllm/config.py
  // SchedulerConfig); V1 its own defaults (the estimate's).
  if (v.v0 && v.max_model_len) {
    o["max_num_batched_tokens"] = std::max<uint64_t>(v.max_model_len, 2048);
    derived.push_back("V0's profile batch: max(max_model_len, 2048) tokens");
  }
  if (v.v0) {  // vllm/engine/arg_utils.py (V0): max_num_seqs 256 whatever the GPU
    o["max_num_seqs"] = 256;
    derived.push_back("V0's 256 sequences");
  }
  return o;
}

void reconcile_vllm(const config_json& req, const runtime_log& log, json_writer& w, std::vector<issue>& issues) {
  const vllm_log& v = log.vllm;
  w.key("log").begin_object().field("program", "vllm").field("lines", log.lines_read).field("version", v.version).field("model", v.model)
      .field("max_model_len", v.max_model_len).field("tensor_parallel", v.tensor_parallel).field("gpu_memory_utilization", v.utilization)
      .field("total_gpu_memory_bytes", v.total_bytes).end_object();
  log_model m;
  if (!served_model(req, v.model.empty() ? std::string("A vLLM") : "A vLLM log names its model (" + v.model + ") but this", m, issues)) return;
  config_json options = vllm_options(v, m.derived);
  overlay(options, req);
  if (v.v0 && !options.contains("max_num_batched_tokens") && options.contains("context_tokens") && options["context_tokens"].is_number_unsigned())
    options["max_num_batched_tokens"] = std::max<uint64_t>(options["context_tokens"].get<uint64_t>(), 2048);
  if (!options.contains("gpu") && !options.contains("gpu_memory_bytes")) {
    issues.push_back({"log_no_gpu", "gpu", "The log prints no total_gpu_memory: name the GPU (gpu) or give its memory (gpu_memory_bytes) for vLLM's budget.", severity::error});
    return;
  }
  if (!options.contains("context_tokens"))
    issues.push_back({"log_no_context", "context_tokens", "The log prints no max_model_len (max_seq_len, --max-model-len or the concurrency line): the estimate's default context is used; give context_tokens.", severity::warning});
  request_options ro;
  read_options(options, ro, issues, false, false);
  if (has_error(issues)) return;
  const estimate_result r = estimate(m.parsed.spec, ro.estimate);
  for (const issue& i : r.issues)  // (V0 captured its CUDA graphs after sizing the pool)
    if (!(v.v0 && i.code == "cuda_graphs_not_counted")) issues.push_back(i);
  if (!r.ok() || !r.vllm) return;
  w.key("settings").begin_object().field("runtime", "vllm").field("quantization", r.format ? std::string(r.format->name) : std::string())
      .field("context_tokens", ro.estimate.context_tokens).field("gpu_memory_utilization", r.vllm->gpu_memory_utilization)
      .field("gpu_memory_bytes", r.vllm->memory_bytes).field("tensor_parallel", r.tensor_parallel).field("max_num_batched_tokens", r.vllm->max_num_batched_tokens)
      .field("max_num_seqs", r.vllm->max_num_seqs).end_object();
  std::vector<vllm_row> rows;
  auto add = [&](const char* what, const char* unit, int64_t predicted, int64_t measured, std::string reason = {}) {
    if (measured >= 0 || std::string_view(what) == "kv_cache") rows.push_back({what, unit, predicted, measured, std::move(reason)});
  };
  add("weights", "bytes", component_bytes(r, "weights"), v.weights_bytes);
  add("activations", "bytes", component_bytes(r, "activations"), v.activation_bytes,
      "the profile run's peak: max_num_batched_tokens through the MLP, or the sampler's sort of max_num_seqs rows of logits");
  // vLLM 0.6.4's worker.py took non_torch as all the GPU's used memory less PyTorch's: the CUDA context and other
  // processes too; from 0.6.5 (vllm/utils.py memory_profiling) only what grew outside PyTorch since start.
  add("non_torch", "bytes", component_bytes(r, "non_torch"), v.non_torch_bytes,
      v.non_torch_whole ? "this vLLM (its \"Memory profiling results\" table, 0.6.4) counted the CUDA context and every other process on the GPU as non_torch_memory; later versions count only what vLLM allocated outside PyTorch"
      : v.tensor_parallel > 1 ? "NCCL's buffers under tensor parallelism are not modelled" : "");
  const std::string graphs = v.cuda_graph_bytes > 0 ? "vLLM 0.21+ took its CUDA graph estimate (" + text_of(static_cast<uint64_t>(v.cuda_graph_bytes)) +
                                                      " bytes) from the pool, which this estimate does not model" : "";
  if (v.kv_bytes != -1)
    add("kv_cache", "bytes", r.vllm->kv_pool_bytes, v.kv_bytes,
        graphs);
  if (v.blocks) add("kv_blocks", "blocks", static_cast<int64_t>(r.vllm->blocks), static_cast<int64_t>(v.blocks), graphs);
  if (v.kv_tokens) add("kv_tokens", "tokens", static_cast<int64_t>(r.vllm->kv_tokens), static_cast<int64_t>(v.kv_tokens), graphs);
  write_model(w, m);
  write_serving_rows(w, rows, r);
}

// SGLang: per GPU, the weights, the token pool in tokens and bytes, the running requests (its request table's
// rows), against the SGLang estimate with the log's tp / dp / mem_fraction_static / context and the GPU given.
void reconcile_sglang(const config_json& req, const runtime_log& log, json_writer& w, std::vector<issue>& issues) {
  const sglang_log& s = log.sglang;
  w.key("log").begin_object().field("program", "sglang").field("lines", log.lines_read).field("tp", s.tp).field("dp", s.dp)
      .field("mem_fraction_static", s.mem_fraction_static).field("context_len", s.context_len).field("pool_tokens", s.pool_tokens).end_object();
  log_model m;
  if (!served_model(req, "An SGLang", m, issues)) return;
  config_json options = config_json::object();
  options["runtime"] = "sglang";
  if (s.tp > 1) options["gpus"] = s.tp;
  if (s.dp > 1) options["data_parallel"] = s.dp;
  if (s.mem_fraction_static > 0) options["gpu_memory_utilization"] = s.mem_fraction_static;
  if (s.context_len) options["context_tokens"] = s.context_len;
  if (s.kv_cache_dtype.substr(0, 3) == "fp8") options["kv_cache_dtype"] = "fp8";
  overlay(options, req);
  if (!options.contains("gpu") && !options.contains("gpu_memory_bytes")) {
    issues.push_back({"log_no_gpu", "gpu", "An SGLang log does not print the GPU's memory: name the GPU (gpu) or give its memory (gpu_memory_bytes).", severity::error});
    return;
  }
  if (!s.tp && !options.contains("gpus"))
    issues.push_back({"log_no_layout", "gpus", "The log prints no server_args (tp_size): one GPU is assumed; give gpus (and data_parallel) for a parallel run.", severity::warning});
  request_options ro;
  read_options(options, ro, issues, false, false);
  if (has_error(issues)) return;
  const estimate_result r = estimate(m.parsed.spec, ro.estimate);
  issues.insert(issues.end(), r.issues.begin(), r.issues.end());
  if (!r.ok() || !r.vllm) return;
  w.key("settings").begin_object().field("runtime", "sglang").field("quantization", r.format ? std::string(r.format->name) : std::string())
      .field("context_tokens", ro.estimate.context_tokens).field("mem_fraction_static", r.vllm->gpu_memory_utilization).field("gpu_memory_bytes", r.vllm->memory_bytes)
      .field("tensor_parallel", r.tensor_parallel).field("data_parallel", r.data_parallel).end_object();
  std::vector<vllm_row> rows;
  auto add = [&](const char* what, const char* unit, int64_t predicted, int64_t measured, std::string reason = {}) {
    if (measured >= 0) rows.push_back({what, unit, predicted, measured, std::move(reason)});
  };
  add("weights", "bytes", component_bytes(r, "weights"), s.weights_bytes, "SGLang's figure is all the memory the load took: CUDA context and NCCL too");
  if (s.pool_tokens) {
    add("kv_tokens", "tokens", static_cast<int64_t>(r.vllm->kv_tokens), static_cast<int64_t>(s.pool_tokens), "--max-total-tokens, when given, caps the pool below what memory allows");
    add("kv_cache", "bytes", static_cast<int64_t>(r.vllm->kv_tokens * r.vllm->block_bytes), s.kv_bytes);
  }
  if (s.running_requests) add("running_requests", "requests", static_cast<int64_t>(r.vllm->max_num_seqs), static_cast<int64_t>(s.running_requests));
  if (s.cuda_graph_bytes >= 0) add("cuda_graphs", "bytes", 0, s.cuda_graph_bytes, "captured after the pool, inside what mem_fraction_static keeps back: not counted apart");
  write_model(w, m);
  write_serving_rows(w, rows, r);
}

// The log's file type (general.file_type, else print_info's words), the request's quantization standing over it.
std::string file_type_of(const config_json& req, const runtime_log& log, json_writer& w) {
  std::string file_type = log.file_type;
  if (const gguf_value* v = log.metadata.find("general.file_type"); v && v->type <= 11 && v->type != 8 && v->type != 9)
    if (const gguf_file_type* t = find_gguf_file_type(static_cast<uint32_t>(v->integer))) file_type = std::string(t->name);
  write_log(w, log, file_type);
  if (auto q = req.find("quantization"); q != req.end() && q->is_string()) file_type = q->get<std::string>();
  return file_type;
}

// No tensor list in a log: whether the output is tied to the embedding (one tensor fewer) is read from the tensor
// count the loader printed, when the other choice matches it and this one does not.
void settle_tying(log_model& m, const runtime_log& log, const estimate_options& o, estimate_result& r, std::vector<issue>& issues) {
  if (m.from == "config" || !r.gguf || !log.n_tensors || r.gguf->n_tensors == log.n_tensors) return;
  model_spec other = m.parsed.spec;
  other.tie_word_embeddings = !other.tie_word_embeddings;
  estimate_result flipped = estimate(other, o);
  if (flipped.gguf && flipped.gguf->n_tensors == log.n_tensors) {
    m.parsed.spec = std::move(other), r = std::move(flipped);
    m.derived.push_back(std::string(m.parsed.spec.tie_word_embeddings ? "an output tied to the embedding" : "an output of its own") + " from the loader's tensor count (" +
                        text_of(log.n_tensors) + ")");
    return;
  }
  issues.push_back({"log_layout_unsure", "config", "The loader counted " + text_of(log.n_tensors) + " tensors; the layout read from the log's " +
      (log.metadata_lines ? "metadata" : "print_info lines") + " has " + text_of(r.gguf->n_tensors) + " (" + text_of(flipped.gguf ? flipped.gguf->n_tensors : 0) +
      " with the output " + (other.tie_word_embeddings ? "tied" : "untied") + "), so its model buffer may be off by a tensor (the output matrix, Llama 3's rope_freqs). "
      "Give the model's config.json for the exact layout.", severity::warning});
}

void write_llama_settings(json_writer& w, const estimate_result& r, const estimate_options& o, const std::string& file_type) {
  w.key("settings").begin_object().field("runtime", "llama.cpp").field("quantization", r.format ? std::string(r.format->name) : file_type)
      .field("n_ctx", r.n_ctx).field("n_ctx_seq", r.n_ctx_seq).field("sequences", o.batch_size).field("kv_unified", o.kv_unified)
      .field("ubatch", r.n_ubatch).field("n_batch", r.n_batch).field("flash_attention", r.flash_attention)
      .field("type_k", r.kv_k ? std::string(r.kv_k->name) : std::string()).field("type_v", r.kv_v ? std::string(r.kv_v->name) : std::string())
      .field("gpu_layers", r.gpu_layers).field("gpus", r.gpus).end_object();
}

// The rows: every printed buffer beside the estimate's, by kind and device, their total, and the CUDA context.
void write_llama_rows(json_writer& w, const runtime_log& log, const estimate_result& r, std::vector<issue>& issues) {
  std::vector<row> rows;
  measure(rows, log);
  predict(rows, r);
  std::sort(rows.begin(), rows.end(), [](const row& a, const row& b) {
    constexpr std::string_view order[] = {"model", "kv", "compute", "output"};
    auto rank = [&](const row& x) { return std::find(std::begin(order), std::end(order), x.kind) - std::begin(order); };
    return rank(a) != rank(b) ? rank(a) < rank(b) : a.gpu < b.gpu;
  });
  explain(rows, r, log.sizes_from_breakdown);
  write_rows(w, rows);
  uint64_t predicted = 0, measured = 0;
  bool gpu = false;
  for (const row& x : rows) {
    if (x.has_predicted && x.has_measured) predicted += x.predicted, measured += x.measured;
    gpu = gpu || x.gpu >= 0;
  }
  w.key("total").begin_object().field("predicted_bytes", predicted).field("measured_bytes", measured);
  if (measured) w.field("difference_percent", (static_cast<double>(predicted) - static_cast<double>(measured)) / static_cast<double>(measured) * 100.0);
  w.end_object();
  bool table = false;
  for (const log_breakdown& b : log.breakdown)
    if (b.device) {
      table = true;
      issues.push_back({"unaccounted_device_memory", "log", "llama.cpp's memory breakdown: " + b.name + " holds " + text_of(static_cast<uint64_t>(std::max<int64_t>(0, b.unaccounted))) +
          " MiB in none of its buffers (total " + text_of(static_cast<uint64_t>(b.total)) + " - free " + text_of(static_cast<uint64_t>(b.free)) + " - its own " + text_of(static_cast<uint64_t>(b.self)) +
          " MiB: the backend's context, the driver and any other process on it), which the estimate leaves out: keep that much free beyond it.", severity::info});
    }
  if (gpu && !table)
    issues.push_back({"cuda_context_not_in_buffers", "log", "Each GPU also holds the backend's own context (CUDA: " + std::string(kCudaContextSpan) +
        "), which no buffer line prints: nvidia-smi shows it on top of these buffers.", severity::info});
}

// llama.cpp and the programs on it: the estimate re-run with the log's settings, from the config given or the log's
// own metadata.
// A log whose only sizes are the memory breakdown table (llama-cli since late 2025 prints no load lines unless
// asked): its model, context (the KV cache) and compute per device as buffers, in whole MiB (the output buffer is
// in no row). "Host" is the host's; "CUDA0 (RTX 3090)" is printed as CUDA0.
std::vector<log_buffer> buffers_of(const std::vector<log_breakdown>& table) {
  std::vector<log_buffer> out;
  for (const log_breakdown& b : table) {
    const std::string device = b.name == "Host" ? "CPU" : b.name.substr(0, b.name.find(" ("));
    for (const auto& [kind, mib] : {std::pair<const char*, int64_t>{"model", b.model}, {"kv", b.context}, {"compute", b.compute}})
      if (mib > 0) out.push_back({kind, device, static_cast<uint64_t>(mib) << 20});
  }
  return out;
}

void reconcile_llama(const config_json& req, const runtime_log& printed, json_writer& w, std::vector<issue>& issues) {
  runtime_log from_table;
  const bool table_only = printed.buffers.empty() && !printed.breakdown.empty();
  if (table_only) {
    from_table = printed;
    from_table.buffers = buffers_of(printed.breakdown);
    from_table.sizes_from_breakdown = true;
    issues.push_back({"log_breakdown_only", "log", "The log's only sizes are llama.cpp's memory breakdown table: its figures are whole MiB (each within 1 MiB) and it "
        "prints no output buffer; the settings it does not print (n_ctx, ubatch, flash attention) are the request's.", severity::info});
  }
  const runtime_log& log = table_only ? from_table : printed;
  if (log.buffers.empty()) {
    issues.push_back({"log_no_buffers", "log", "The log prints no buffer sizes (\"... buffer size = N MiB\"): paste it from the model's loading through its context creation.", severity::error});
    return;
  }
  if (log.second_model)
    issues.push_back({"log_second_model", "log", "The log loads a second model (a draft or a reload) after the first one's context: only the first is reconciled.", severity::info});
  const std::string file_type = file_type_of(req, log, w);
  if (file_type.empty() || !find_gguf_file_type(file_type)) {
    issues.push_back({"log_file_type_unknown", "log", "The log names no file type this estimate knows (general.file_type or \"file type = ...\"" +
        (file_type.empty() ? std::string() : ": " + file_type) + "), so the model buffers cannot be predicted: give it as quantization (e.g. Q4_K_M).", severity::error});
    return;
  }
  log_model m = model_of(req, log, issues);
  if (!m.parsed.ok()) {
    issues.insert(issues.end(), m.parsed.issues.begin(), m.parsed.issues.end());
    return;
  }
  config_json options = options_of(log, file_type, m.derived);
  overlay(options, req);
  request_options ro;
  read_options(options, ro, issues, false, false);
  if (has_error(issues)) return;
  // PR #23764 (merged 2026-05-27) reserves the mask in f16 under flash attention: b9247 was released by 2026-05-20
  // (containers/ramalama#2761), b9512 by 2026-06-04 (containers/ramalama#2783), so a build between cannot be told.
  constexpr uint64_t kLastF32MaskBuild = 9247, kFirstF16MaskBuild = 9512;
  ro.estimate.kq_mask_f32 = log.old_names || (log.build && log.build <= kLastF32MaskBuild);
  if (log.build > kLastF32MaskBuild && log.build < kFirstF16MaskBuild && ro.estimate.flash_attention == 1)
    m.derived.push_back("the KQ mask reserved in f16 under flash attention, as builds from b" + text_of(kFirstF16MaskBuild) + " do: b" + text_of(log.build) +
                        " may be older than PR #23764 (merged 2026-05-27, between b" + text_of(kLastF32MaskBuild) + " and b" + text_of(kFirstF16MaskBuild) + "), which would add the f32 mask's size to the compute buffers");
  if (ro.estimate.kq_mask_f32 && ro.estimate.flash_attention == 1)
    m.derived.push_back(log.old_names ? "the KQ mask reserved in f32 under flash attention: the log's function names are those of llama.cpp before spring 2025 (f16 since PR #23764, May 2026)"
                                      : "the KQ mask reserved in f32 under flash attention: build b" + text_of(log.build) + " is older than PR #23764 (f16 since May 2026, b" + text_of(kFirstF16MaskBuild) + ")");
  estimate_result r = estimate(m.parsed.spec, ro.estimate);
  settle_tying(m, log, ro.estimate, r, issues);
  for (const issue& i : r.issues)  // (the CUDA context is said with the rows, where the log has a GPU)
    if (i.code != "cuda_context_not_counted") issues.push_back(i);
  write_model(w, m);
  if (!r.ok()) return;
  write_llama_settings(w, r, ro.estimate, file_type);
  write_llama_rows(w, log, r, issues);
}

}  // namespace

std::string reconcile_json(std::string_view request_json) {
  json_writer w;
  std::vector<issue> issues;
  w.begin_object().field("schema_version", kReportSchemaVersion);
  const config_json req = request_json.size() > log_limits::text_bytes + request_limits::config_bytes + 65536 ? config_json() : config_json::parse(request_json.begin(), request_json.end(), nullptr, false);
  const auto log_field = req.is_object() ? req.find("log") : req.end();
  if (!req.is_object() || log_field == req.end() || !log_field->is_string()) {
    issues.push_back({"bad_request", "log", "Give {\"log\": \"<what llama.cpp printed>\"} and, optionally, the model's config.json as config.", severity::error});
  } else {
    const runtime_log log = read_runtime_log(log_field->get_ref<const std::string&>());
    issues.insert(issues.end(), log.issues.begin(), log.issues.end());
    if (has_error(issues)) {
      // (the log could not be read: said above)
    } else if (log.program == "vllm" && log.vllm.seen) {
      reconcile_vllm(req, log, w, issues);
    } else if (log.program == "sglang" && log.sglang.seen) {
      reconcile_sglang(req, log, w, issues);
    } else {
      reconcile_llama(req, log, w, issues);
    }
  }
  w.key("issues").begin_array();
  for (const issue& i : issues) w.begin_object().field("code", i.code).field("field", i.field).field("message", i.message).field("level", severity_name(i.level)).end_object();
  w.end_array().end_object();
  return w.take();
}

}  // namespace neuroshrink
