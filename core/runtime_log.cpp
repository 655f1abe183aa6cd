// Reading a llama.cpp load log. The lines are llama.cpp's own (src/llama-model-loader.cpp "- kv", "loaded meta
// data"; src/llama-model.cpp print_info and load_tensors; src/llama-context.cpp and src/llama-kv-cache.cpp; their
// older names llm_load_print_meta, llm_load_tensors, llama_new_context_with_model, llama_kv_cache_init), with
// whatever a program puts before them (Ollama's and LM Studio's prefixes, timestamps).
#include "runtime_log.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "text.h"

namespace neuroshrink {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

std::optional<uint64_t> whole(std::string_view s) {
  s = trim(s);
  uint64_t v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return v;
}

// (strtod on a bounded copy: Emscripten 3.1.6's libc++ has no floating-point from_chars)
std::optional<double> real(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 64) return std::nullopt;
  const std::string text(s);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// The value after "key = " on a settings line, or nullopt when the line is not that key's.
// The key stands as a word: at the line's start or after a space or colon (whatever prefix a program adds).
std::optional<std::string_view> setting(std::string_view line, std::string_view key) {
  for (size_t at = line.find(key); at != std::string_view::npos; at = line.find(key, at + 1)) {
    if (at > 0 && line[at - 1] != ' ' && line[at - 1] != ':' && line[at - 1] != '\t') continue;
    const std::string_view rest = trim(line.substr(at + key.size()));
    if (!rest.empty() && rest.front() == '=') return trim(rest.substr(1));
  }
  return std::nullopt;
}

// "- kv  12:   llama.attention.head_count u32  = 24" (llama_model_loader), with arrays as
// "arr[str,128256] = [...]" and "arr[i32,34] = [1, 1, 0, ...]" (a list cut short ends in "...").
bool read_kv(std::string_view line, file_header& h) {
  size_t at = line.find("- kv ");
  if (at == std::string_view::npos) return false;
  std::string_view rest = line.substr(at + 5);
  const size_t colon = rest.find(':');
  if (colon == std::string_view::npos) return false;
  rest = trim(rest.substr(colon + 1));
  const size_t eq = rest.find(" = ");
  if (eq == std::string_view::npos) return false;
  std::string_view head = trim(rest.substr(0, eq)), value = trim(rest.substr(eq + 3));
  const size_t sp = head.find_first_of(" \t");
  if (sp == std::string_view::npos) return false;
  const std::string_view key = head.substr(0, sp), type = trim(head.substr(sp));
  gguf_value v;
  static constexpr std::pair<std::string_view, uint32_t> kTypes[] = {{"u8", 0}, {"i8", 1}, {"u16", 2}, {"i16", 3}, {"u32", 4}, {"i32", 5}, {"f32", 6},
                                                                     {"bool", 7}, {"str", 8}, {"u64", 10}, {"i64", 11}, {"f64", 12}};
  auto type_of = [](std::string_view t) -> int {
    for (const auto& [n, id] : kTypes)
      if (n == t) return static_cast<int>(id);
    return -1;
  };
  if (starts_with(type, "arr[")) {
    const size_t comma = type.find(','), close = type.find(']');
    if (comma == std::string_view::npos || close == std::string_view::npos || close < comma) return false;
    const int element = type_of(type.substr(4, comma - 4));
    const auto count = whole(type.substr(comma + 1, close - comma - 1));
    if (element < 0 || !count) return false;
    v.type = 9, v.array_type = static_cast<uint32_t>(element), v.count = *count;
    // Integer lists printed whole keep their values (per-layer counts); a list cut short keeps none.
    if (element <= 5 || element == 10 || element == 11 || element == 7) {
      if (value.size() >= 2 && value.front() == '[' && value.back() == ']' && value.find("...") == std::string_view::npos) {
        std::string_view items = value.substr(1, value.size() - 2);
        while (!items.empty() && v.integers.size() < *count && v.integers.size() < 65536) {
          const size_t c = items.find(',');
          const std::string_view item = trim(items.substr(0, c));
          if (item == "true" || item == "false") v.integers.push_back(item == "true");
          else if (auto n = whole(item)) v.integers.push_back(static_cast<int64_t>(std::min<uint64_t>(*n, INT64_MAX)));
          else if (!item.empty() && item.front() == '-') v.integers.push_back(-1);
          if (c == std::string_view::npos) break;
          items.remove_prefix(c + 1);
        }
        if (v.integers.size() != *count) v.integers.clear();
      }
    }
  } else {
    const int t = type_of(type);
    if (t < 0) return false;
    v.type = static_cast<uint32_t>(t);
    if (t == 8) v.text = std::string(value);
    else if (t == 7) v.boolean = value == "true", v.integer = v.boolean;
    else if (t == 6 || t == 12) {
      if (auto d = real(value)) v.real = *d;
    } else if (auto n = whole(value)) {
      v.unsigned_integer = *n, v.integer = static_cast<int64_t>(std::min<uint64_t>(*n, INT64_MAX));
    } else {
      return false;
    }
  }
  if (h.metadata.size() < header_limits::gguf_kv) h.metadata.emplace_back(std::string(key), std::move(v));
  return true;
}

// "<prefix>: <device> <kind> buffer size = 1918.35 MiB" (and the older "<device> buffer size" of the model).
bool read_buffer(std::string_view line, runtime_log& log) {
  const size_t at = line.find(" buffer size");
  if (at == std::string_view::npos) return false;
  const size_t eq = line.find('=', at);
  if (eq == std::string_view::npos) return false;
  std::string_view left = line.substr(0, at);
  const size_t colon = left.rfind(": ");
  if (colon != std::string_view::npos) left = left.substr(colon + 2);
  left = trim(left);
  if (starts_with(line, "clip") || line.find("clip_") != std::string_view::npos || line.find("mtmd") != std::string_view::npos) return false;  // a projector's
  std::string_view device = left, kind = "model";
  if (const size_t sp = left.find_last_of(" \t"); sp != std::string_view::npos) device = trim(left.substr(0, sp)), kind = left.substr(sp + 1);
  if (device.find(' ') != std::string_view::npos) return false;
  std::string k(kind);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (k == "rs") k = "kv";  // the recurrent state sits where a KV cache would (llama-memory-recurrent.cpp)
  if (k != "model" && k != "kv" && k != "compute" && k != "output") return false;
  std::string_view value = trim(line.substr(eq + 1));
  const size_t unit = value.find_first_of(" M");
  const auto mib = real(value.substr(0, unit));
  if (!mib || *mib < 0 || *mib > 1e9) return false;
  if (log.buffers.size() < log_limits::buffers)
    log.buffers.push_back({k, std::string(device), static_cast<uint64_t>(std::llround(*mib * 1048576.0))});
  return true;
}

void read_devices(std::string_view line, runtime_log& log) {
  // ggml_cuda_init: "  Device 0: NVIDIA GeForce RTX 4090, compute capability 8.9, VMM: yes"
  if (const size_t d = line.find("Device "); d != std::string_view::npos && line.find("compute capability") != std::string_view::npos) {
    std::string_view rest = line.substr(d + 7);
    const size_t colon = rest.find(": "), comma = rest.find(',');
    if (colon != std::string_view::npos && comma != std::string_view::npos && comma > colon && log.gpu_names.size() < 64)
      log.gpu_names.emplace_back(trim(rest.substr(colon + 2, comma - colon - 2)));
    return;
  }
  // llama_model_load_from_file_impl: "using device CUDA0 (NVIDIA GeForce RTX 4090) (0000:01:00.0) - 23008 MiB free"
  if (const size_t u = line.find("using device "); u != std::string_view::npos) {
    std::string_view rest = line.substr(u + 13);
    const size_t open = rest.find('('), close = rest.find(')');
    const size_t dash = rest.rfind(" - ");
    if (open == std::string_view::npos || close == std::string_view::npos || close < open) return;
    const std::string name(trim(rest.substr(open + 1, close - open - 1)));
    const auto free = dash == std::string_view::npos ? std::nullopt : whole(rest.substr(dash + 3, rest.find(" MiB", dash) - dash - 3));
    const size_t index = log.gpu_free_mib.size();
    if (index >= 64) return;
    if (index < log.gpu_names.size()) log.gpu_names[index] = name;
    else log.gpu_names.push_back(name);
    log.gpu_free_mib.push_back(free.value_or(0));
  }
}

// "K (f16): 448.00 MiB, V (f16): 448.00 MiB" on the cache's size line.
void read_cache_types(std::string_view line, runtime_log& log) {
  for (const auto& [tag, out] : {std::pair<std::string_view, std::string*>{"K (", &log.type_k}, {"V (", &log.type_v}}) {
    const size_t at = line.find(tag);
    if (at == std::string_view::npos || !out->empty()) continue;
    const size_t close = line.find(')', at);
    if (close != std::string_view::npos && close - at < 16) *out = std::string(line.substr(at + 3, close - at - 3));
  }
}

void read_context(std::string_view line, runtime_log& log) {
  struct key { std::string_view name; uint64_t* out; };
  const key keys[] = {{"n_ctx_per_seq", &log.n_ctx_seq}, {"n_ctx_seq", &log.n_ctx_seq}, {"n_ctx", &log.n_ctx}, {"n_seq_max", &log.n_seq_max},
                      {"n_batch", &log.n_batch}, {"n_ubatch", &log.n_ubatch}};
  for (const key& k : keys)
    if (auto v = setting(line, k.name)) {
      if (auto n = whole(v->substr(0, v->find_first_of(" ("))); n && !*k.out) *k.out = *n;
      return;
    }
  if (auto v = setting(line, "flash_attn")) {
    if (*v == "1" || *v == "enabled" || *v == "true" || *v == "on") log.flash_attention = 1;
    else if (*v == "0" || *v == "disabled" || *v == "false" || *v == "off") log.flash_attention = 0;
    return;
  }
  if (auto v = setting(line, "kv_unified")) {
    log.kv_unified = *v == "true" || *v == "1";
    return;
  }
  // "Flash Attention was auto, set to enabled" (llama-context.cpp, when -fa auto resolved)
  if (const size_t a = line.find("Flash Attention was auto, set to "); a != std::string_view::npos) log.flash_attention = line.find("enabled", a) != std::string_view::npos;
  if (const size_t o = line.find("offloaded "); o != std::string_view::npos && line.find(" layers to GPU") != std::string_view::npos) {
    std::string_view rest = line.substr(o + 10);
    const size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return;
    const auto n = whole(rest.substr(0, slash));
    const auto m = whole(rest.substr(slash + 1, rest.find(' ', slash) - slash - 1));
    if (n) log.gpu_layers = static_cast<int64_t>(*n);
    if (m) log.layers_total = *m;
  }
}

// print_info's hyperparameters (llama-model.cpp print_info; llm_load_print_meta before it) as the GGUF keys they
// were read from, for a log without the "- kv" dump: a scalar each (a per-layer list prints as one and is left out).
void read_print_info(std::string_view line, std::vector<std::pair<std::string, std::string>>& info) {
  static constexpr std::string_view kKeys[] = {"arch", "n_embd", "n_layer", "n_head", "n_head_kv", "n_ff", "n_ctx_train", "n_embd_head_k", "n_embd_head_v",
                                               "n_expert", "n_expert_used", "n_swa", "f_norm_rms_eps", "freq_base_train", "n_vocab", "n_ff_exp", "n_ff_shexp",
                                               "n_expert_shared", "n_layer_dense_lead", "n_lora_kv", "n_lora_q", "n_embd_head_k_mla", "n_embd_head_v_mla", "n_rot"};
  if (line.find("print_info") == std::string_view::npos && line.find("print_meta") == std::string_view::npos) return;
  for (std::string_view k : kKeys)
    if (auto v = setting(line, k); v && !v->empty() && v->front() != '[' && info.size() < 64) {
      info.emplace_back(std::string(k), std::string(*v));
      return;
    }
}

void metadata_from_print_info(const std::vector<std::pair<std::string, std::string>>& info, file_header& h) {
  std::string arch;
  for (const auto& [k, v] : info)
    if (k == "arch") arch = v;
  if (arch.empty()) return;
  static constexpr std::pair<std::string_view, std::string_view> kAs[] = {
      {"n_embd", "embedding_length"}, {"n_layer", "block_count"}, {"n_head", "attention.head_count"}, {"n_head_kv", "attention.head_count_kv"},
      {"n_ff", "feed_forward_length"}, {"n_ctx_train", "context_length"}, {"n_embd_head_k", "attention.key_length"}, {"n_embd_head_v", "attention.value_length"},
      {"n_expert", "expert_count"}, {"n_expert_used", "expert_used_count"}, {"n_swa", "attention.sliding_window"}, {"n_ff_exp", "expert_feed_forward_length"},
      {"n_ff_shexp", "expert_shared_feed_forward_length"}, {"n_expert_shared", "expert_shared_count"}, {"n_layer_dense_lead", "leading_dense_block_count"},
      {"n_lora_kv", "attention.kv_lora_rank"}, {"n_lora_q", "attention.q_lora_rank"}, {"n_embd_head_k_mla", "attention.key_length_mla"},
      {"n_embd_head_v_mla", "attention.value_length_mla"}, {"n_rot", "rope.dimension_count"}};
  gguf_value a;
  a.type = 8, a.text = arch;
  h.metadata.emplace_back("general.architecture", a);
  for (const auto& [k, v] : info) {
    gguf_value g;
    if (k == "f_norm_rms_eps" || k == "freq_base_train") {
      const auto d = real(v);
      if (!d) continue;
      g.type = 6, g.real = *d;
      h.metadata.emplace_back(arch + (k == "f_norm_rms_eps" ? ".attention.layer_norm_rms_epsilon" : ".rope.freq_base"), g);
      continue;
    }
    const auto n = whole(v);
    if (!n) continue;
    if (k == "n_vocab") {
      g.type = 9, g.array_type = 8, g.count = *n;
      h.metadata.emplace_back("tokenizer.ggml.tokens", g);
      continue;
    }
    for (const auto& [from, to] : kAs)
      if (from == k) {
        g.type = 4, g.integer = static_cast<int64_t>(std::min<uint64_t>(*n, INT64_MAX)), g.unsigned_integer = *n;
        h.metadata.emplace_back(arch + "." + std::string(to), g);
      }
  }
}

// "<label> ... 14.96GiB" / "took 67.7229 GB" (vLLM's GB are GiB: it divides by 2^30): the first number after
// `label`, in bytes; a negative KV budget keeps its sign.
std::optional<int64_t> gib_after(std::string_view line, std::string_view label) {
  const size_t at = line.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = line.substr(at + label.size());
  const size_t start = rest.find_first_of("-0123456789");
  if (start == std::string_view::npos || start > 24) return std::nullopt;
  rest = rest.substr(start);
  const auto v = real(rest.substr(0, rest.find_first_not_of("-0123456789.")));
  if (!v || std::fabs(*v) > 1e6) return std::nullopt;
  return static_cast<int64_t>(std::llround(*v * 1073741824.0));
}

std::optional<uint64_t> count_after(std::string_view line, std::string_view label) {
  const size_t at = line.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  std::string digits;
  for (char c : line.substr(at + label.size(), 32)) {
    if (c >= '0' && c <= '9') digits += c;
    else if (c == ',' && !digits.empty()) continue;
    else if (!digits.empty()) break;
  }
  return digits.empty() || digits.size() > 15 ? std::nullopt : whole(digits);
}

// A "key=value" of vLLM's engine config line ("model='...', dtype=torch.bfloat16, max_seq_len=4096, ...").
std::string config_value(std::string_view line, std::string_view key) {
  const std::string k = " " + std::string(key) + "=";
  const size_t at = line.find(k);
  if (at == std::string_view::npos) return {};
  std::string_view rest = line.substr(at + k.size());
  rest = rest.substr(0, rest.find_first_of(",)"));
  if (rest.size() >= 2 && rest.front() == '\'') rest = rest.substr(1, rest.size() - 2);
  return std::string(trim(rest));
}

void read_vllm(std::string_view line, vllm_log& v) {
  if (line.find("V0 LLM engine") != std::string_view::npos || line.find("executor_base.py") != std::string_view::npos ||
      (line.find(" worker.py:") != std::string_view::npos && line.find("gpu_worker.py") == std::string_view::npos))
    v.v0 = true;
  if (line.find("Memory profiling results") != std::string_view::npos) v.non_torch_whole = true;
  auto take = [&](int64_t& out, std::optional<int64_t> x) {
    if (x && out < 0) out = *x, v.seen = true;
  };
  take(v.total_bytes, gib_after(line, "total_gpu_memory"));
  take(v.weights_bytes, gib_after(line, "model weights take"));
  take(v.weights_bytes, gib_after(line, "Loading model weights took"));
  take(v.weights_bytes, gib_after(line, "Model loading took"));
  take(v.non_torch_bytes, gib_after(line, "non_torch_memory"));
  take(v.activation_bytes, gib_after(line, "activation peak memory"));
  if (line.find("KV Cache is") != std::string_view::npos || line.find("KV cache memory") != std::string_view::npos || line.find("available_kv_cache_memory") != std::string_view::npos) {
    take(v.kv_bytes, gib_after(line, "reserved for KV Cache is"));
    take(v.kv_bytes, gib_after(line, "Available KV cache memory:"));
    take(v.kv_bytes, gib_after(line, "available_kv_cache_memory"));
  }
  take(v.cuda_graph_bytes, gib_after(line, "Estimated CUDA graph memory:"));
  for (std::string_view label : {"# GPU blocks:", "# CUDA blocks:", "# cuda blocks:"})
    if (auto n = count_after(line, label); n && !v.blocks) v.blocks = *n, v.seen = true;
  if (line.find("GPU KV cache size:") != std::string_view::npos)
    if (auto n = count_after(line, "GPU KV cache size:"); n && !v.kv_tokens) v.kv_tokens = *n, v.seen = true;
  if (!v.utilization)
    for (std::string_view label : {"gpu_memory_utilization (", "gpu_memory_utilization ", "--gpu-memory-utilization=", "--gpu-memory-utilization "})
      if (const size_t at = line.find(label); at != std::string_view::npos) {
        std::string_view rest = trim(line.substr(at + label.size()));
        if (const auto u = real(rest.substr(0, rest.find_first_not_of("0123456789."))); u && *u > 0 && *u <= 1) {
          v.utilization = *u;
          break;
        }
      }
  if (line.find("LLM engine") != std::string_view::npos && line.find("with config:") != std::string_view::npos) {
    v.seen = true;
    v.model = config_value(line, "model");
    v.dtype = config_value(line, "dtype");
    v.quantization = config_value(line, "quantization");
    v.kv_cache_dtype = config_value(line, "kv_cache_dtype");
    if (auto n = whole(config_value(line, "max_seq_len"))) v.max_model_len = *n;
    if (auto n = whole(config_value(line, "tensor_parallel_size"))) v.tensor_parallel = *n;
    if (auto n = whole(config_value(line, "pipeline_parallel_size"))) v.pipeline_parallel = *n;
    if (const size_t open = line.find("engine (v"); open != std::string_view::npos) v.version = std::string(line.substr(open + 8, line.find(')', open) - open - 8));
  }
  if (!v.max_model_len)
    for (std::string_view label : {"--max-model-len ", "Maximum concurrency for "})
      if (auto n = count_after(line, label)) {
        v.max_model_len = *n;
        break;
      }
  if (!v.tensor_parallel)
    for (std::string_view label : {"--tensor-parallel-size ", " -tp "})
      if (auto n = count_after(line, label)) {
        v.tensor_parallel = *n;
        break;
      }
}

void read_sglang(std::string_view line, sglang_log& s) {
  auto take = [&](int64_t& out, std::optional<int64_t> x) {
    if (x && out < 0) out = *x, s.seen = true;
  };
  if (line.find("Load weight end") != std::string_view::npos || (s.weights_bytes < 0 && line.find("dtype=torch") != std::string_view::npos))
    take(s.weights_bytes, gib_after(line, "mem usage="));
  if (line.find("KV Cache is allocated") != std::string_view::npos) {
    s.seen = true;
    if (auto n = count_after(line, "#tokens:")) s.pool_tokens = *n;
    if (auto kv = gib_after(line, "KV size:")) take(s.kv_bytes, kv);
    else if (auto k = gib_after(line, "K size:"), v = gib_after(line, "V size:"); k && v) take(s.kv_bytes, *k + *v);
  }
  if (line.find("max_total_num_tokens=") != std::string_view::npos) {
    s.seen = true;
    if (auto n = count_after(line, "max_total_num_tokens=")) s.pool_tokens = s.pool_tokens ? s.pool_tokens : *n;
    if (auto n = count_after(line, "max_running_requests=")) s.running_requests = *n;
    if (auto n = count_after(line, "context_len=")) s.context_len = *n;
    take(s.available_bytes, gib_after(line, "available_gpu_mem="));
  }
  if (line.find("Capture cuda graph end") != std::string_view::npos || line.find("CUDA graph end") != std::string_view::npos) take(s.cuda_graph_bytes, gib_after(line, "mem usage="));
  if (line.find("server_args=ServerArgs(") != std::string_view::npos) {
    s.seen = true;
    if (auto n = whole(config_value(line, "tp_size"))) s.tp = *n;
    if (auto n = whole(config_value(line, "dp_size"))) s.dp = *n;
    if (auto f = real(config_value(line, "mem_fraction_static")); f && *f > 0 && *f <= 1) s.mem_fraction_static = *f;
    if (auto n = whole(config_value(line, "context_length"))) s.context_len = s.context_len ? s.context_len : *n;
    s.kv_cache_dtype = config_value(line, "kv_cache_dtype");
  }
}

std::string program_of(std::string_view text) {
  for (std::string_view mark : {"sglang", "KV Cache is allocated", "max_total_num_tokens=", "Load weight end"})
    if (text.find(mark) != std::string_view::npos) return "sglang";
  for (std::string_view mark : {"vllm", "Vllm", "worker.py", "kv_cache_utils.py", "model_runner.py"})
    if (text.find(mark) != std::string_view::npos) return "vllm";
  if (text.find("source=server.go") != std::string_view::npos || text.find("ollama") != std::string_view::npos) return "ollama";
  if (text.find("LM Studio") != std::string_view::npos || text.find("lmstudio") != std::string_view::npos) return "lm studio";
  if (text.find("llama-server") != std::string_view::npos || text.find("srv ") != std::string_view::npos) return "llama-server";
  return "llama.cpp";
}

}  // namespace

std::string file_type_from_description(std::string_view d) {
  d = trim(d);
  if (d == "all F32") return "F32";
  const size_t sp = d.find(' ');
  std::string name(d.substr(0, sp));
  if (sp == std::string_view::npos) return name;
  std::string_view rest = trim(d.substr(sp));
  if (starts_with(rest, "- ")) rest = trim(rest.substr(2));
  if (starts_with(rest, "Medium")) return name + "_M";
  if (starts_with(rest, "Small")) return name + "_S";
  if (starts_with(rest, "Large")) return name + "_L";
  if (starts_with(rest, "Extra Large")) return name + "_XL";
  if (starts_with(rest, "MoE")) return name + "_MOE";
  return name;  // "IQ4_XS - 4.25 bpw", "Q8_0", "guessed" and the like: the type alone
}

// The build number: llama-cli's banner "build      : b8185-2afcdb977", "main: build = 4462 (c05e8c99)" and the
// servers' "build: 4462 (c05e8c99) with ..." (the number of commits, as the release tags bNNNN count them).
void read_build(std::string_view line, runtime_log& log) {
  size_t at = line.find("build");
  if (at == std::string_view::npos || log.build || (at > 0 && line.substr(0, at).find_first_not_of(' ') != std::string_view::npos && line.find(": build") == std::string_view::npos))
    return;
  std::string_view rest = trim(line.substr(at + 5));
  if (rest.empty() || (rest[0] != ':' && rest[0] != '=')) return;
  rest = trim(rest.substr(1));
  if (!rest.empty() && rest[0] == 'b') rest.remove_prefix(1);
  size_t n = 0;
  while (n < rest.size() && n < 9 && std::isdigit(static_cast<unsigned char>(rest[n]))) ++n;
  if (n && (n == rest.size() || rest[n] == ' ' || rest[n] == '-'))
    if (auto v = whole(rest.substr(0, n))) log.build = *v;
}

// llama.cpp's memory breakdown table: its heading starts a new table (only the last is kept), each row after it
// is read by its numbers in order (a device row seven, the others four; unaccounted may be negative).
void read_breakdown(std::string_view line, runtime_log& log) {
  if (line.find("memory_breakdown_print:") == std::string_view::npos) return;
  if (line.find("memory breakdown [MiB]") != std::string_view::npos) {
    log.breakdown.clear();
    return;
  }
  const size_t dash = line.find("|   - "), bar = dash == std::string_view::npos ? dash : line.find('|', dash + 6);
  if (bar == std::string_view::npos || log.breakdown.size() >= 64 || bar - dash - 6 > 128) return;  // (a device's name is tens of bytes)
  log_breakdown row{std::string(trim(line.substr(dash + 6, bar - dash - 6)))};
  std::vector<int64_t> n;
  std::string_view rest = line.substr(bar + 1);
  for (size_t i = 0; i < rest.size() && n.size() < 8;) {
    const bool negative = rest[i] == '-' && i + 1 < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i + 1]));
    if (!negative && !std::isdigit(static_cast<unsigned char>(rest[i]))) { ++i; continue; }
    size_t j = i + negative;
    while (j < rest.size() && std::isdigit(static_cast<unsigned char>(rest[j]))) ++j;
    const auto v = whole(rest.substr(i + negative, j - i - negative));
    if (!v || *v > (uint64_t{1} << 30)) return;  // (no device holds a PiB: 64 rows of three such sums stay far from 2^64 bytes)
    n.push_back(negative ? -static_cast<int64_t>(*v) : static_cast<int64_t>(*v));
    i = j;
  }
  if (n.size() == 7) row.device = true, row.total = n[0], row.free = n[1], row.self = n[2], row.model = n[3], row.context = n[4], row.compute = n[5], row.unaccounted = n[6];
  else if (n.size() == 4) row.self = n[0], row.model = n[1], row.context = n[2], row.compute = n[3];
  else return;
  log.breakdown.push_back(std::move(row));
}

runtime_log read_runtime_log(std::string_view text) {
  runtime_log log;
  if (text.size() > log_limits::text_bytes) {
    log.issues.push_back({"log_too_large", "log", "The log is " + text_of(static_cast<uint64_t>(text.size())) + " bytes; at most " + text_of(log_limits::text_bytes) +
        " are read. Give the part from the model's loading to its first request.", severity::error});
    return log;
  }
  log.program = program_of(text);
  bool loaded = false, in_context = false;
  std::string description;
  std::vector<std::pair<std::string, std::string>> info;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++log.lines_read;
    if (line.size() > log_limits::line_bytes) continue;
    for (std::string_view old : {"llama_new_context_with_model:", "llama_kv_cache_init:", "llm_load_"})
      log.old_names = log.old_names || line.find(old) != std::string_view::npos;
    if (line.find("loaded meta data with ") != std::string_view::npos) {
      if (loaded && in_context) {  // a second model (a draft, a reload): its lines would mix with the first's
        log.second_model = true;
        break;
      }
      loaded = true;
      const size_t and_at = line.find(" and ");
      if (and_at != std::string_view::npos)
        if (auto n = whole(line.substr(and_at + 5, line.find(' ', and_at + 5) - and_at - 5))) log.n_tensors = *n;
      continue;
    }
    if (read_kv(line, log.metadata)) {
      ++log.metadata_lines;
      continue;
    }
    if (read_buffer(line, log)) {
      in_context = in_context || log.buffers.back().kind != "model";
      continue;
    }
    read_devices(line, log);
    read_breakdown(line, log);
    read_build(line, log);
    if (line.find(" K (") != std::string_view::npos && line.find(" V (") != std::string_view::npos) read_cache_types(line, log);
    if (description.empty())
      for (std::string_view k : {"file type", "model ftype"})  // print_info; llm_load_print_meta before it
        if (auto v = setting(line, k)) description = std::string(*v);
    read_context(line, log);
    read_print_info(line, info);
    if (log.program == "vllm") read_vllm(line, log.vllm);
    if (log.program == "sglang") read_sglang(line, log.sglang);
  }
  if (!log.metadata.find("general.architecture")) {
    metadata_from_print_info(info, log.metadata);
    if (log.metadata.find("general.architecture")) log.metadata_from_print_info = true;
  }
  if (log.metadata.find("general.file_type") == nullptr && !description.empty()) log.file_type = file_type_from_description(description);
  return log;
}

}  // namespace neuroshrink
