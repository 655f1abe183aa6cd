// llama.cpp: model buffers (token_embd on the host, -ngl layers on the GPU), the KV buffer padded to 256
// cells with its own sliding-window sizing, the compute buffer for n_ubatch with or without flash attention,
// and the host output buffer. Measured against a real llama.cpp in tests/llamacpp/.
#include "text.h"
#include "runtimes/profile.h"
#include "runtimes/llama_graph.h"

#include <algorithm>

#include "architectures.h"
#include "gguf_quant.h"
#include "images.h"
#include "tensor_pattern.h"
#include "plan.h"

namespace neuroshrink {
namespace {

std::string format_refusal(const weight_format& f) {
  if (f.layout == weight_layout::dense || f.layout == weight_layout::gguf) return {};
  return "llama.cpp loads GGUF files: " + f.label + " is not one of its types. Pick a llama.cpp file type (Q4_K_M, Q8_0, ...) or fp16/bf16.";
}

// common.h cache_type_k / cache_type_v: f16.
std::string_view default_kv(const weight_format&) { return "fp16"; }

std::string kv_refusal(const kv_dtype& k, const kv_dtype& v) {
  if (k.name != "fp8" && v.name != "fp8") return {};
  return "llama.cpp has no fp8 cache type; its cache types are f32, f16, bf16, q8_0, q5_1, q5_0, q4_1, q4_0, iq4_nl.";
}

// -ngl N's repeating layers on the GPUs: llama.cpp offloads the output layer first, then the last N - 1 layers
// (src/llama-model.cpp load_tensors: i_gpu_start = n_layer + 1 - N; llama.cpp PR 18148, December 2025).
uint64_t repeating_on_gpu(uint64_t ngl, uint64_t n_layer) { return ngl == 0 ? 0 : std::min(ngl - 1, n_layer); }

bool check_overrides(plan& p);

// src/llama-context.cpp:246-303: n_batch = min(n_ctx, -b 2048), n_ubatch = min(n_batch, -ub 512); n_ctx padded to
// 256, split per sequence and padded again. -c is the total over --parallel sequences.
bool prepare(plan& p) {
  const estimate_options& o = p.o;
  estimate_result& r = p.r;
  // --kv-unified: one stream of n_ctx cells that any sequence may fill (n_ctx_seq = n_ctx).
  const uint64_t n_ctx_asked = o.context_tokens * p.n_seq;
  r.n_ctx_seq = o.kv_unified ? pad_up(n_ctx_asked, kLlamaCtxPad) : pad_up(pad_up(n_ctx_asked, kLlamaCtxPad) / p.n_seq, kLlamaCtxPad);
  r.n_ctx = o.kv_unified ? r.n_ctx_seq : r.n_ctx_seq * p.n_seq;
  p.n_stream = o.kv_unified ? 1 : p.n_seq;
  r.n_batch = std::min(n_ctx_asked, o.n_batch ? o.n_batch : kLlamaDefaultBatch);
  r.n_ubatch = std::min(r.n_batch, o.ubatch ? o.ubatch : kLlamaDefaultUbatch);
  if (o.ubatch > r.n_ubatch)
    r.issues.push_back({"ubatch_capped", "ubatch", "llama.cpp caps -ub at n_batch = min(n_ctx, -b): ubatch " + text_of(o.ubatch) + " runs as " + text_of(r.n_ubatch) +
        (r.n_batch < n_ctx_asked ? " (n_batch " + text_of(r.n_batch) + "). Pass -b " + text_of(o.ubatch) + " (n_batch) with it, as MoE prefill setups do." : " (the context). Raise the context to use it."),
        severity::info});
  r.flash_attention = o.flash_attention != 0;
  r.gpu_layers = o.gpu_layers < 0 ? p.n_layer + 1 : std::min<uint64_t>(static_cast<uint64_t>(o.gpu_layers), p.n_layer + 1);
  // Layers llama.cpp runs on the CPU read their weights at system RAM bandwidth.
  p.host_layers = r.gpu_layers <= p.n_layer;
  p.host_layer_share = 1.0 - static_cast<double>(repeating_on_gpu(r.gpu_layers, p.n_layer)) / static_cast<double>(p.n_layer);
  if (!o.override_tensor.empty() && !check_overrides(p)) return false;
  if (!r.flash_attention && ggml_quantized(p.kv_v)) {
    r.issues.push_back({"quantized_v_needs_flash_attention", "flash_attention",
        "llama.cpp refuses a quantized V cache (" + std::string(p.kv_v.name) + ") without flash attention: \"quantized V cache requires flash_attn to be enabled\" (src/llama-context.cpp). Turn flash attention on, or keep V at f16.",
        severity::error});
    return false;
  }
  return true;
}

// Whether llama.cpp keeps only the window of sliding (or chunked) layers: the llama_window of the architecture
// record (architectures.h) of the text model, as hparams.swa_type decides it there. Mistral and Mixtral convert to
// the llama architecture without a window, Phi-3's SWA is disabled (llama.cpp PR 13676), Phi-MoE and StarCoder2
// read no window: their caches hold the whole context.
bool keeps_window(const model_spec& s) {
  const architecture* a = find_architecture(s.text_family.empty() ? s.family : s.text_family);
  return a && a->window != llama_window::none;
}

// MLA: K only, V is a view of it (is_mla: has_v = false); the lightning indexer's keys in the K cache's type.
uint64_t bytes_per_token(const plan& p, const layer_spec& l) {
  uint64_t bpt = 0;
  if (l.attention == attention_kind::mla) bpt = kv_row_bytes(p.kv_k, l.k_elements);
  else if (l.attention != attention_kind::none) bpt = kv_row_bytes(p.kv_k, l.k_elements) + kv_row_bytes(p.kv_v, l.v_elements);
  if (l.index_elements) bpt += kv_row_bytes(p.kv_k, l.index_elements);
  return bpt;
}

// Full caches hold n_ctx_seq cells per stream; sliding/chunked caches pad256(min(n_ctx_seq, n_swa x (unified ?
// n_seq_max : 1) + n_ubatch)) (src/llama-kv-cache-iswa.cpp).
uint64_t cached_tokens(const plan& p, uint64_t window, bool local) {
  const uint64_t windows = p.o.kv_unified ? p.n_seq : 1;
  return local ? std::min(p.r.n_ctx_seq, pad_up(window * windows + p.r.n_ubatch, kLlamaCtxPad)) : p.r.n_ctx_seq;
}

// The recurrent memory (src/llama-memory-recurrent.cpp): f32 conv state of d_conv - 1 columns and the ssm
// state, one cell per sequence.
uint64_t state_bytes(const plan& p, const layer_spec& l) {
  const uint64_t conv_channels = p.s.dim("conv_dim") ? p.s.dim("conv_dim") : p.s.dim("d_inner");
  return 4 * (l.state_elements - conv_channels);
}

// Where llama.cpp puts each of its n_layer + 1 slots (the repeating layers, then the output): a GPU's index, or
// the host. src/llama-model.cpp load_tensors: the offloaded slots are il >= i_gpu_start = n_layer + 1 - ngl, and
// slot il goes to the first GPU whose split point passes (il - i_gpu_start) / ngl, the split points being the
// cumulative shares of --tensor-split, else of each GPU's free memory, normalized (float, as llama.cpp has them).
// -sm none keeps every offloaded slot on the first GPU. The input layer (token_embd) is always the host's.
constexpr uint64_t kOnHost = UINT64_MAX;

std::vector<float> split_shares(const plan& p, uint64_t n_dev) {
  std::vector<float> share(n_dev, 1.0f);
  for (uint64_t i = 0; i < n_dev; ++i)
    if (!p.o.tensor_split.empty()) share[i] = static_cast<float>(p.o.tensor_split[i]);
    else if (!p.r.gpu_list.empty()) share[i] = static_cast<float>(p.r.gpu_list[i]->memory_bytes);
  float sum = 0;
  for (const float x : share) sum += x;
  for (auto& x : share) x /= sum;
  return share;
}

std::vector<uint64_t> slot_devices(const plan& p, const std::vector<float>& share) {
  const uint64_t n = p.n_layer, ngl = p.r.gpu_layers, start = n + 1 - ngl;
  std::vector<float> points(share.size());
  float sum = 0;
  for (size_t i = 0; i < share.size(); ++i) points[i] = sum += share[i];
  std::vector<uint64_t> dev(n + 1, kOnHost);
  for (uint64_t il = start; il <= n; ++il) {
    const auto at = std::upper_bound(points.begin(), points.end(), static_cast<float>(il - start) / static_cast<float>(ngl)) - points.begin();
    dev[il] = p.o.split_mode == "none" ? 0 : std::min<uint64_t>(static_cast<uint64_t>(at), share.size() - 1);
  }
  return dev;
}

// What each GPU (and the host) holds of the model and its cache.
struct device_load {
  uint64_t weights = 0, kv = 0, layers = 0, first = kOnHost, last = 0;
  uint64_t experts = 0;  // the host: routed experts kept in system RAM (--n-cpu-moe)
  bool output = false;
};

// What the overrides move: each layer's bytes moved away from it (and of those, routed experts), the input's and
// the output's, and where it all goes.
struct override_moves {
  std::vector<uint64_t> out_of_layer, experts_out_of_layer;
  uint64_t out_of_input = 0, out_of_output = 0;
  uint64_t to_host = 0, to_host_experts = 0;
  std::vector<uint64_t> to_gpu;
};

#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands --override-tensor to the full one: no regex engine)
// --override-tensor (common/arg.cpp: "<tensor name pattern>=<buffer type>", comma-separated; src/llama-model.cpp:
// each weight takes the buffer type of the first override whose std::regex_search finds its GGUF name). DEVICE:
// CPU (or CUDA_Host) is the host; <backend><n> (CUDA0, ROCm1, Vulkan0, SYCL0, ...) and Metal the GPU of that index.
struct tensor_override {
  std::string text;
  tensor_pattern pattern;
  uint64_t device = kOnHost;
  bool used = false;
};

// The device an override names, or why it names none.
std::string read_device(std::string_view d, uint64_t gpus, uint64_t& out) {
  std::string lower(d);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "cpu" || lower == "cuda_host") return out = kOnHost, std::string();
  if (lower == "metal") lower = "metal0";
  size_t digits = lower.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(lower[digits - 1]))) --digits;
  if (digits == 0 || digits == lower.size() || lower.size() - digits > 4) return "\"" + std::string(d) + "\" is not a device: CPU, or a GPU as CUDA0, CUDA1, ...";
  out = std::stoull(lower.substr(digits));
  if (out >= gpus) return "\"" + std::string(d) + "\" is GPU " + text_of(out) + ", but the request has " + text_of(gpus) + " GPU" + (gpus == 1 ? "" : "s") + " (numbered from 0)";
  return {};
}

// The request's overrides compiled, or an error issue naming the one that fails.
bool read_overrides(const plan& p, std::vector<tensor_override>& out, std::vector<issue>& issues) {
  for (const auto& item : p.o.override_tensor) {
    const size_t eq = item.rfind('=');
    std::string why;
    tensor_override o{eq == std::string::npos ? item : item.substr(0, eq), tensor_pattern(eq == std::string::npos ? std::string_view() : std::string_view(item).substr(0, eq))};
    if (eq == std::string::npos || eq == 0) why = "takes REGEX=DEVICE, e.g. exps=CPU";
    else if (!o.pattern.ok()) why = "cannot read the pattern \"" + o.text + "\": " + o.pattern.error();
    else why = read_device(std::string_view(item).substr(eq + 1), p.r.gpus, o.device);
    if (!why.empty()) {
      issues.push_back({"invalid_override_tensor", "override_tensor", "override_tensor \"" + item + "\" " + why + ".", severity::error});
      return false;
    }
    out.push_back(std::move(o));
  }
  return true;
}

bool check_overrides(plan& p) {
  std::vector<tensor_override> overrides;
  if (!read_overrides(p, overrides, p.r.issues)) return false;
  if (p.r.gguf) return true;
  p.r.issues.push_back({"invalid_override_tensor", "override_tensor",
      "--override-tensor places a GGUF's tensors by name: pick a GGUF file type (F16, Q8_0, Q4_K_M, ...) rather than " + p.f.label + " to have them.", severity::error});
  return false;
}


override_moves move_tensors(plan& p, std::vector<tensor_override>& overrides) {
  override_moves m;
  m.out_of_layer.assign(p.n_layer, 0);
  m.experts_out_of_layer.assign(p.n_layer, 0);
  m.to_gpu.assign(std::max<uint64_t>(1, p.r.gpus), 0);
  if (overrides.empty() || !p.r.gguf) return m;
  auto route = [&](const std::string& name, uint64_t bytes, bool expert, uint64_t* from, uint64_t* from_experts) {
    for (auto& o : overrides) {
      if (!o.pattern.search(name)) continue;
      o.used = true;
      *from += bytes;
      if (from_experts && expert) *from_experts += bytes;
      if (o.device == kOnHost) m.to_host += bytes, m.to_host_experts += expert ? bytes : 0;
      else m.to_gpu[o.device] += bytes;
      return;
    }
  };
  for (const auto& t : p.r.gguf->tensors) {
    const bool expert = t.name.find(".ffn_") != std::string::npos && t.name.find("_exps") != std::string::npos;
    if (t.layer_index.empty()) {
      const bool input = t.category == gguf_category::token_embd || t.category == gguf_category::position_embd;
      route(t.name, t.bytes, false, input ? &m.out_of_input : &m.out_of_output, nullptr);
      continue;
    }
    const size_t at = t.name.find("{i}");
    const uint64_t rows = t.ne[1] * t.ne[2] * t.ne[3];
    for (size_t k = 0; k < t.layer_index.size(); ++k) {
      const uint32_t b = t.layer_index[k];
      if (b >= p.n_layer) continue;
      const std::string name = at == std::string::npos ? t.name : t.name.substr(0, at) + text_of(uint64_t{b}) + t.name.substr(at + 3);
      route(name, gguf_row_bytes(t.layer_type[k], t.ne[0]) * rows, expert, &m.out_of_layer[b], &m.experts_out_of_layer[b]);
    }
  }
  return m;
}

// A pattern that moves nothing is said, with the names it could have matched.
void note_unused_overrides(plan& p, const std::vector<tensor_override>& overrides) {
  for (const auto& o : overrides) {
    if (o.used) continue;
    p.r.issues.push_back({"override_tensor_matches_nothing", "override_tensor",
        "override_tensor's pattern \"" + o.text + "\" matches no tensor of this model, so it moves nothing. Its GGUF tensors are named like token_embd.weight, blk.0.attn_q.weight, blk.0.ffn_up" +
            std::string(p.s.num_experts ? "_exps" : "") + ".weight and output.weight.", severity::warning});
  }
}

#else
struct tensor_override {};
bool check_overrides(plan&) { return true; }
bool read_overrides(const plan&, std::vector<tensor_override>&, std::vector<issue>&) { return true; }
override_moves move_tensors(plan& p, std::vector<tensor_override>&) {
  override_moves m;
  m.out_of_layer.assign(p.n_layer, 0);
  m.experts_out_of_layer.assign(p.n_layer, 0);
  m.to_gpu.assign(std::max<uint64_t>(1, p.r.gpus), 0);
  return m;
}
void note_unused_overrides(plan&, const std::vector<tensor_override>&) {}
#endif

// The bytes of repeating layer b: its own blk bytes for a GGUF file type, else an even share.
uint64_t layer_bytes(const weight_split& w, uint64_t b, uint64_t n_layer) {
  if (!w.blk.empty()) return b < w.blk.size() ? w.blk[b] : 0;
  return w.layers.value / n_layer + (b + 1 == n_layer ? w.layers.value % n_layer : 0);
}

// Routed experts kept in system RAM (--n-cpu-moe N: common/arg.cpp overrides blk.i.ffn_(up|down|gate|gate_up)_(ch|)exps
// to the CPU buffer type for i < N) of the layers that are on a GPU. Counted in r.cpu_moe_layers.
// Experts an override already moved are not moved again.
uint64_t experts_in_ram(const plan& p, uint64_t b, const std::vector<uint64_t>& dev, const override_moves& m) {
  const auto& e = p.weights.blk_experts;
  return b < std::min<uint64_t>(p.o.n_cpu_moe, e.size()) && dev[b] != kOnHost ? e[b] - m.experts_out_of_layer[b] : 0;
}

// Each device's load: layer by layer; -sm row spreads each offloaded layer's matrices (and the output) over every
// GPU by its share (ggml's split buffer type), keeping the 3-D expert tensors, which it cannot split (ggml-cuda
// supports_op: a split MUL_MAT needs ne[2] == 1), and the cache on the layer's own GPU.
std::vector<device_load> place_layers(plan& p, const std::vector<uint64_t>& dev, const std::vector<float>& share, uint64_t tied_copy,
                                      const override_moves& m, device_load& host) {
  const weight_split& w = p.weights;
  const uint64_t n = p.n_layer;
  const bool row = p.o.split_mode == "row" && share.size() > 1;
  std::vector<device_load> gpu(share.size());
  auto put = [&](uint64_t d, uint64_t bytes, uint64_t spread) {
    if (d == kOnHost) return void(host.weights += bytes);
    gpu[d].weights += bytes - spread;
    uint64_t left = spread;
    for (size_t g = 0; g < gpu.size() && spread; ++g) {
      const uint64_t part = g + 1 == gpu.size() ? left : std::min<uint64_t>(left, static_cast<uint64_t>(static_cast<double>(spread) * share[g]));
      gpu[g].weights += part;
      left -= part;
    }
  };
  host.weights = w.embedding.value - m.out_of_input;
  for (uint64_t b = 0; b < n; ++b) {
    const uint64_t bytes = layer_bytes(w, b, n) - m.out_of_layer[b], in_ram = experts_in_ram(p, b, dev, m);
    const uint64_t experts = (b < w.blk_experts.size() ? w.blk_experts[b] : 0) - m.experts_out_of_layer[b];
    if (in_ram) host.weights += in_ram, host.experts += in_ram, ++p.r.cpu_moe_layers;
    put(dev[b], bytes - in_ram, row && dev[b] != kOnHost ? bytes - experts : 0);
    device_load& d = dev[b] == kOnHost ? host : gpu[dev[b]];
    d.kv += b < p.kv_layer.size() ? p.kv_layer[b] : 0;
    ++d.layers;
    d.first = std::min(d.first, b);
    d.last = b;
  }
  const uint64_t out = w.output.value + w.other.value + (dev[n] == kOnHost ? 0 : tied_copy) - m.out_of_output;
  put(dev[n], out, row && dev[n] != kOnHost ? out : 0);
  (dev[n] == kOnHost ? host : gpu[dev[n]]).output = true;
  // What the overrides moved, where they sent it.
  host.weights += m.to_host;
  host.experts += m.to_host_experts;
  for (size_t g = 0; g < gpu.size() && g < m.to_gpu.size(); ++g) gpu[g].weights += m.to_gpu[g];
  return gpu;
}

// The host buffer's label: what it holds besides token_embd.
std::string host_label(const plan& p, const device_load& host) {
  return "Model buffer, host (CPU_Mapped: token_embd" + std::string(host.layers ? " + " + text_of(host.layers) + " CPU layers" : "") +
         (p.r.cpu_moe_layers ? " + the experts of " + text_of(p.r.cpu_moe_layers) + " layers" : std::string()) + (host.output ? " + output" : "") +
         (p.o.override_tensor.empty() ? "" : ", as --override-tensor places them") + ")";
}

// One GPU's label: its catalogue name and its layers, when there are several.
std::string gpu_label(const plan& p, const char* what, size_t g, size_t n_dev, const device_load& d, uint64_t tied_copy) {
  if (n_dev == 1) {
    if (std::string_view(what) != "Model buffer") return std::string(what) + ", GPU";
    return "Model buffer, GPU (" + text_of(d.layers) + " layers" + (d.output ? " + output" : "") + (d.output && tied_copy ? ", tied output copied" : "") + ")";
  }
  const std::string name = g < p.r.gpu_list.size() ? std::string(p.r.gpu_list[g]->name) : p.r.gpu ? std::string(p.r.gpu->name) : std::string();
  const std::string layers = d.layers ? "layers " + text_of(d.first) + "-" + text_of(d.last) : "no layers";
  return std::string(what) + ", GPU " + text_of(g) + (name.empty() ? "" : " (" + name + ": " + layers + (d.output ? " + output" : "") + ")");
}

// Model and KV buffers: each device's, as place_layers found them. A tied model's output is a copy of
// token_embd made in the GPU's buffer type (src/llama-model-loader.cpp: duplicated tensors are shared only within one
// buffer type). Returns the copy.
uint64_t add_model_and_kv_buffers(plan& p, std::vector<device_load>& gpu_out, uint64_t& experts_host) {
  estimate_result& r = p.r;
  const weight_split& w = p.weights;
  const uint64_t n_dev = r.gpu_layers ? std::max<uint64_t>(1, r.gpus) : 1;
  const std::vector<float> share = split_shares(p, n_dev);
  const std::vector<uint64_t> dev = slot_devices(p, share);
  const bool output_on_gpu = dev[p.n_layer] != kOnHost;
  const uint64_t tied_copy = !output_on_gpu ? 0 : r.gguf ? (r.gguf->tied_output ? w.token_embd : 0) : p.s.tie_word_embeddings ? w.embedding.value : 0;
  r.cpu_moe_layers = 0;
  std::vector<tensor_override> overrides;
  read_overrides(p, overrides, r.issues);  // (checked in prepare)
  const override_moves moves = move_tensors(p, overrides);
  note_unused_overrides(p, overrides);
  // Non-expert bytes an override keeps on the host are read whole at each step.
  p.host_dense_read = moves.to_host - moves.to_host_experts;
  if (moves.to_host) p.host_layers = true;
  device_load host;
  std::vector<device_load> gpu = place_layers(p, dev, share, tied_copy, moves, host);
  add_component(r, "model_buffer_host", host_label(p, host), "weights", host.weights, true);
  p.host_copied = host.weights - (w.embedding.value - moves.out_of_input);
  const bool several = n_dev > 1;
  for (size_t g = 0; g < gpu.size(); ++g) {
    if (!gpu[g].weights && !gpu[g].kv && !gpu[g].output) continue;
    add_component(r, "model_buffer_gpu", gpu_label(p, "Model buffer", g, n_dev, gpu[g], tied_copy), "weights", gpu[g].weights, false);
    if (several) r.components.back().device = static_cast<int32_t>(g);
  }
  // KV buffer: each layer's cache on that layer's device (offload_kqv, src/llama-kv-cache.cpp).
  for (size_t g = 0; g < gpu.size(); ++g) {
    if (!gpu[g].layers) continue;
    add_component(r, "kv_buffer_gpu", gpu_label(p, "KV buffer", g, n_dev, gpu[g], 0), "kv_cache", gpu[g].kv, false);
    if (several) r.components.back().device = static_cast<int32_t>(g);
  }
  if (host.kv) add_component(r, "kv_buffer_host", "KV buffer, host (CPU layers)", "kv_cache", host.kv, true);
  p.weights.total.add(tied_copy);
  gpu_out = std::move(gpu);
  experts_host = host.experts;
  return tied_copy;
}

// Compute buffer: ggml-alloc's peak over the reserved worst-case graph of n_ubatch tokens with n_ubatch logits
// rows (src/llama-context.cpp graph_reserve). Measured on llama.cpp's CPU backend
// (tests/fixtures/llamacpp/measurements.json, 92 contexts): the larger of the logits phase,
// 4 * ub * (n_vocab + 2 * n_embd), and without flash attention the attention phase, the f32 KQ scores and mask
// 4 * ub * n_kv * (n_head + 1) beside ~ 4 * ub * (5 n_embd + 2 n_embd_kv) of live activations; with flash
// attention a small vocabulary leaves the FFN phase the peak: gate, up and their product (3 n_ff) and four n_embd
// rows in f32, beside the f16 KQ mask, 4 * ub * (3 n_ff + 4 n_embd) + 2 * ub * n_kv (measured on Mistral-7B, vocabulary
// 32000: 23 contexts of tests/fixtures/llamacpp/measurements-mistral.json within 0.1 %, at ubatch 128 to 2048). An
// MoE layer's FFN is taken as its experts per token (and shared experts) wide: not measured.
checked_u64 ffn_phase(const plan& p) {
  const model_spec& s = p.s;
  const uint64_t ub = p.r.n_ubatch, h = s.hidden_size;
  const uint64_t moe = s.num_experts ? (s.moe_intermediate_size ? s.moe_intermediate_size : s.intermediate_size) * std::max<uint64_t>(1, s.experts_per_token) : 0;
  const uint64_t ff = std::max(s.intermediate_size, moe);
  checked_u64 phase = checked_u64::product({4, ub, 3 * ff + 4 * h});
  phase.add(checked_u64::product({2, ub, p.kv_cells_max}));
  return phase;
}

// The KQ mask, one n_kv x ubatch input: f16 with flash attention, else f32 (src/llama-graph.cpp
// build_attn_inp_kq_mask). llama.cpp before PR #23764 (May 2026) reserved it in f32 either way and cast it.
uint64_t kq_mask_bytes(const plan& p, bool as_reserved) {
  const bool f16 = p.r.flash_attention && !(as_reserved && p.o.kq_mask_f32);
  return p.r.n_ubatch * p.kv_cells_max * (f16 ? 2 : 4);
}

// The graph's peak on one device: the largest of the logits phase (where the output layer runs), the attention
// phase without flash attention, and the FFN phase. The attention and FFN phases hold the mask, the logits phase not.
struct compute_peak {
  checked_u64 bytes;
  bool holds_mask = false;
};

compute_peak compute_phase(const plan& p, bool with_logits = true) {
  const estimate_result& r = p.r;
  const model_spec& s = p.s;
  const uint64_t ub = r.n_ubatch, h = s.hidden_size, V = s.vocab_size;
  const uint64_t heads = s.num_attention_heads, kvdim = s.num_key_value_heads * s.head_dim;
  const checked_u64 logits_phase = with_logits ? checked_u64::product({4, ub, V + 2 * h}) : checked_u64{};
  checked_u64 attn_phase = checked_u64::product({p.kv_cells_max, heads + 1});
  attn_phase.add(5 * h + 2 * kvdim).mul(4).mul(ub);
  if (r.flash_attention) attn_phase = {};
  const checked_u64 ffn = ffn_phase(p);
  compute_peak out{logits_phase, false};
  for (const checked_u64& x : {attn_phase, ffn})
    if (x.value > out.bytes.value) out = {x, true};
  out.bytes.overflow = logits_phase.overflow || attn_phase.overflow || ffn.overflow;
  return out;
}

constexpr uint64_t kCpuAlignment = 32;   // ggml/src/ggml-impl.h TENSOR_ALIGNMENT (the CPU buffer type's)
constexpr uint64_t kGpuAlignment = 128;  // ggml-cuda.cu ggml_backend_cuda_buffer_type_get_alignment

// One device running every layer (the CPU build, or one GPU): ggml-alloc replayed over the reserved graph
// (llama_graph.h) where the architecture's builder is known, else the phases above.
checked_u64 one_device_compute(plan& p, bool gpu) {
  const graph_settings settings{p.r.n_ubatch, p.kv_cells_max, p.kv_cells_swa, p.r.flash_attention, ggml_quantized(p.kv_k), ggml_quantized(p.kv_v), p.o.kq_mask_f32, gpu};
  const compute_estimate c = llama_compute_buffer(p.s, settings, gpu ? kGpuAlignment : kCpuAlignment);
  if (!c.known) return compute_phase(p).bytes;
  p.r.compute_graph_tensors = c.tensors;
  return {c.bytes, c.overflow};
}

// Pipeline parallelism (src/llama-context.cpp): on when several GPUs hold every layer and the output by layer
// split, the KV offloaded and no tensor overridden. The scheduler then keeps GGML_SCHED_MAX_COPIES (4) copies of
// every graph input and of every input a device takes from another (ggml-backend.cpp split_graph, flagged output so
// never freed): the mask and the token inputs on the host, the mask, positions and hidden state on each GPU.
constexpr uint64_t kSchedCopies = 4;  // ggml/src/ggml-backend.cpp GGML_SCHED_MAX_COPIES

bool pipeline_parallel(const plan& p, const std::vector<device_load>& gpu) {
  size_t holding = 0;
  for (const device_load& d : gpu) holding += d.layers || d.output;
  return holding > 1 && p.r.gpu_layers > p.n_layer && p.o.split_mode != "row" && p.o.split_mode != "none" && !p.o.n_cpu_moe &&
         p.o.override_tensor.empty();
}

// One GPU's compute buffer: its peak; with pipeline parallelism the four copies of its inputs on top (the first
// GPU takes the mask as reserved, f32 before PR #23764, and casts it; later ones take the f16 cast from it).
checked_u64 gpu_compute(const plan& p, bool logits, bool pipeline, bool first) {
  const compute_peak peak = compute_phase(p, logits);
  if (!pipeline) return peak.bytes;
  const uint64_t hidden = 4 * p.r.n_ubatch * p.s.hidden_size, held = hidden + (peak.holds_mask ? kq_mask_bytes(p, false) : 0);
  const uint64_t positions = 4 * p.r.n_ubatch * (logits ? 2 : 1);  // inp_pos; where the output runs, inp_out_ids
  checked_u64 bytes = checked_u64::product({kSchedCopies, kq_mask_bytes(p, first) + hidden + positions});
  bytes.add(peak.bytes.value - std::min(peak.bytes.value, held));
  bytes.overflow = bytes.overflow || peak.bytes.overflow;
  return bytes;
}

// Each GPU that holds layers reserves its own compute buffer; the logits phase only where the output layer runs.
// Checked on llama.cpp #11200 (two RTX 3090 Ti, pipeline parallelism): host and GPU 1 exact, GPU 0 +4.7 %.
void add_compute_buffers(plan& p, const std::vector<device_load>& gpu, bool experts_host) {
  estimate_result& r = p.r;
  const model_spec& s = p.s;
  const uint64_t ub = r.n_ubatch, h = s.hidden_size;
  const bool any_gpu = r.gpu_layers > 0, pipeline = gpu.size() > 1 && pipeline_parallel(p, gpu);
  if (!any_gpu || gpu.size() <= 1) {
    const checked_u64 phase = one_device_compute(p, any_gpu);
    p.activations.add(phase);
    add_component(r, any_gpu ? "compute_buffer_gpu" : "compute_buffer_host", any_gpu ? "Compute buffer, GPU" : "Compute buffer, host", "activations", phase.value, !any_gpu, true);
  } else {
    const bool output_on_gpu = std::any_of(gpu.begin(), gpu.end(), [](const device_load& d) { return d.output; });
    bool first = true;
    for (size_t g = 0; g < gpu.size(); ++g) {
      if (!gpu[g].layers && !gpu[g].output) continue;
      const checked_u64 bytes = gpu_compute(p, gpu[g].output || !output_on_gpu, pipeline, first);
      first = false;
      p.activations.add(bytes);
      add_component(r, "compute_buffer_gpu", gpu_label(p, "Compute buffer", g, gpu.size(), gpu[g], 0), "activations", bytes.value, false);
      r.components.back().device = static_cast<int32_t>(g);
    }
    if (pipeline) r.issues.push_back({"pipeline_parallel_copies", "gpus", "llama.cpp runs these GPUs as a pipeline: its scheduler keeps 4 copies of each graph input (the KQ mask, the hidden state) on every GPU and the host, counted in their compute buffers.", severity::info});
  }
  if (any_gpu) {
    // The host-side part of the graph: the token_embd lookup (f32 ub x n_embd) and the graph inputs, the KQ mask
    // above all: CUDA_Host compute buffer. Published: 22.01 MiB for ub 512, n_embd 3072 and 8192 cells without
    // flash attention (ollama#8310: 6 + 16), 12.01 MiB for n_embd 2048 and 4096 cells (LLamaSharp#1099: 4 + 8);
    // with pipeline parallelism 4 copies of the inputs: 133.01 MiB on llama.cpp#11200 (4 x 32 + 5). An iSWA
    // model's second, sliding mask beside it (llama-graph.cpp build_attn_inp_kv_iswa): Gemma 3 1B on an Apple M5,
    // 70 MiB of the breakdown table's Host compute for 64 + 2 (f32 masks, b8185) + 2.25 (embeddings) MiB.
    const uint64_t copies = pipeline ? kSchedCopies : 1;
    const uint64_t swa_mask = p.kv_cells_swa ? kq_mask_bytes(p, true) / std::max<uint64_t>(1, p.kv_cells_max) * p.kv_cells_swa : 0;
    const uint64_t host_compute = 4 * ub * h + copies * (kq_mask_bytes(p, true) + swa_mask + (copies > 1 ? 8 * ub : 0));
    p.activations.add(host_compute);
    add_component(r, "compute_buffer_host", "Compute buffer, host (CUDA_Host: embeddings lookup and the KQ mask)", "activations", host_compute, true);
  }
  if (experts_host) {
    // The CPU backend runs the expert FFNs of those layers: the f32 input, gate/up and gated outputs and down
    // outputs of the experts each token uses, for a ubatch (an approximation of ggml-alloc's peak, not yet held
    // against a real --n-cpu-moe log).
    const uint64_t ff = s.moe_intermediate_size ? s.moe_intermediate_size : s.intermediate_size, k = std::max<uint64_t>(1, s.experts_per_token);
    const checked_u64 cpu_moe = checked_u64::product({4, ub, h + k * (3 * ff + h)});
    p.activations.add(cpu_moe);
    add_component(r, "compute_buffer_cpu_moe", "Compute buffer, host (CPU: the experts kept in system RAM)", "activations", cpu_moe.value, true);
  }
}

void explain(plan& p, uint64_t tied_copy, bool any_gpu) {
  estimate_result& r = p.r;
  const model_spec& s = p.s;
  const weight_format& f = p.f;
  const uint64_t ub = r.n_ubatch, h = s.hidden_size, V = s.vocab_size;
  const uint64_t heads = s.num_attention_heads, kvdim = s.num_key_value_heads * s.head_dim;
  r.formulas.push_back({"weights", (r.gguf ? "GGUF tensor data of " + f.name + ": " + text_of(r.gguf->n_tensors) + " tensors, " + text_of(r.gguf->tensor_bytes) + " bytes (" +
                                                 text_of(r.gguf->bpw_milli() / 1000) + "." + text_of(r.gguf->bpw_milli() % 1000 / 100) + text_of(r.gguf->bpw_milli() % 100 / 10) +
                                                 " bits per weight), each tensor's type as llama-quantize picks it; token_embd on the host"
                                           : "GGUF tensor data: 2-D tensors in " + f.label + ", 1-D tensors (norms, biases) in F32; token_embd on the host") +
      std::string(tied_copy ? "; the tied output copied to the GPU (" + text_of(tied_copy) + " bytes)" : ""),
      r.gguf ? "convert_hf_to_gguf.py; llama.cpp src/llama-quant.cpp llama_tensor_get_type_impl (core/gguf_quant.cpp); src/llama-model.cpp (input layer on the CPU)"
             : "convert_hf_to_gguf.py (1-D tensors F32); llama.cpp src/llama-model.cpp (input layer on the CPU), src/llama-model-loader.cpp"});
  const std::string host_part = any_gpu ? " + host compute 4 x " + text_of(ub) + " x " + text_of(h) + " + the KQ mask " + text_of(ub) + " x " + text_of(p.kv_cells_max) +
                                               (r.flash_attention ? " x 2" : " x 4") : std::string();
  if (r.compute_graph_tensors)
    r.formulas.push_back({"activations",
        "compute buffer = the highest address ggml-alloc reaches over llama.cpp's reserved graph of ubatch " + text_of(ub) + " tokens, every one an output: " +
            "its tensors in the builder's order (" + text_of(r.compute_graph_tensors) + " replayed, the layers that repeat their offsets passed over), each placed best-fit and freed after its last use, the logits 4 x " + text_of(ub) +
            " x vocab " + text_of(V) + " last" + host_part,
        "llama.cpp src/llama-context.cpp graph_reserve, ggml/src/ggml-alloc.c (core/runtimes/llama_graph.cpp); exact on the 161 CPU contexts measured (FIDELITY.md)"});
  else
    r.formulas.push_back({"activations",
        "compute buffer = max(logits phase 4 x ubatch " + text_of(ub) + " x (vocab " + text_of(V) + " + 2 x n_embd " + text_of(h) + ")" +
            (r.flash_attention ? std::string(", flash attention on")
                               : ", attention phase 4 x " + text_of(ub) + " x (n_kv " + text_of(p.kv_cells_max) + " x (n_head " + text_of(heads) + " + 1) + 5 x " + text_of(h) + " + 2 x " + text_of(kvdim) + ")") +
            ", FFN phase " + text_of(ffn_phase(p).value) + " bytes)" + host_part,
        "llama.cpp src/llama-context.cpp graph_reserve; fitted to 115 measured CPU contexts (tests/llamacpp/README.md): this architecture's graph is not one core/runtimes/llama_graph.cpp writes out"});
  r.formulas.push_back({"overhead", "output buffer 4 x vocab " + text_of(V) + " x " + text_of(std::max<uint64_t>(1, p.n_seq)) +
                                        " sequences; the CUDA context and cuBLAS workspace are in no llama.cpp buffer and not counted",
      "llama.cpp src/llama-context.cpp output_reserve"});
}

void note_no_window(plan& p) {
  if (p.windowed) return;
  bool any_local = false;
  for (const auto& l : p.s.layers) any_local = any_local || ((l.attention == attention_kind::sliding || l.attention == attention_kind::chunked) && l.window);
  if (!any_local) return;
  const architecture* a = find_architecture(p.s.text_family.empty() ? p.s.family : p.s.text_family);
  const std::string gguf = a && a->gguf_arch != "none" ? " (GGUF architecture \"" + std::string(a->gguf_arch) + "\")" : std::string();
  p.r.issues.push_back({"llama_cpp_no_window", "runtime",
      "llama.cpp runs this architecture" + gguf + " without its sliding window: its cache holds the whole context (core/architectures.h gives llama.cpp's source for each).",
      severity::info});
}

// --n-cpu-moe: what a token reads from system RAM (the experts it routes to: experts_per_token of num_experts of
// each layer's), or why it moved nothing.
void note_cpu_moe(plan& p, uint64_t experts_host) {
  estimate_result& r = p.r;
  const model_spec& s = p.s;
  if (experts_host) {
    p.host_layers = true;
    p.host_expert_read = s.num_experts ? static_cast<uint64_t>(static_cast<double>(experts_host) * static_cast<double>(s.experts_per_token) / static_cast<double>(s.num_experts)) : experts_host;
  } else if (p.o.n_cpu_moe && !p.weights.blk_experts.empty()) {
    r.issues.push_back({"n_cpu_moe_no_effect", "n_cpu_moe", "--n-cpu-moe " + text_of(p.o.n_cpu_moe) + " moves nothing: the first " + text_of(p.o.n_cpu_moe) +
        " layers hold no routed experts on the GPU (they are dense, or already on the CPU by -ngl).", severity::info});
  } else if (p.o.n_cpu_moe) {
    r.issues.push_back({"n_cpu_moe_no_experts", "n_cpu_moe", "--n-cpu-moe keeps routed experts in system RAM; this model has none, so it changes nothing.", severity::warning});
  }
}

// A split that leaves a GPU without layers (a share of 0, or too few layers for the shares) is legal in llama.cpp
// but wastes the GPU: said, with the nearest split that uses it.
void note_split(plan& p, const std::vector<device_load>& gpu) {
  if (gpu.size() <= 1 || p.o.split_mode == "none") return;
  std::string idle;
  for (size_t g = 0; g < gpu.size(); ++g)
    if (!gpu[g].layers && !gpu[g].output) idle += (idle.empty() ? "" : ", ") + text_of(g);
  if (idle.empty()) return;
  p.r.issues.push_back({"split_leaves_gpu_empty", p.o.tensor_split.empty() ? "gpu_layers" : "tensor_split",
      "GPU " + idle + " holds no layer with this split" + (p.o.tensor_split.empty() ? std::string(" (too few layers on the GPUs)") : std::string(": give it a larger share in tensor_split")) +
      "; it only adds to the memory llama.cpp's CUDA context takes.", severity::warning});
}

// A tensor of config.json's encoder or projector in an mmproj GGUF as convert_hf_to_gguf.py --mmproj writes it:
// 1-D tensors F32, the rest F16, except what a projector's tensor_force_quant keeps F32 (Gemma3VisionModel: the
// patch and position embeddings, ".embeddings."). Other projectors' own exceptions are not modelled: the file's
// header, when given, is exact.
uint64_t projector_tensor_bytes(const model_spec& s, const tensor_entry& t) {
  const bool f32 = t.rank < 2 || (s.family == "gemma3" && t.name.find(".embeddings.") != std::string::npos);
  return t.elements() * (f32 ? 4 : 2);
}

// The projector's compute buffer (tools/mtmd/clip.cpp: reserved at load for its warmup image, clip_model_loader::warmup,
// and grown for a larger image; one image or tile at a time). Not derived from the allocator: a fit to the published
// logs of tests/fixtures/published/llamacpp-logs.json and the issue #17 notes, n_pos the encoder's patches:
//   flash attention on:  n_pos x (n_ff + 3 x n_embd) x 4 bytes  (+ n_pos^2 x 6 for Qwen2.5-VL's window mask)
//   off:                 + n_pos^2 x heads x 4 (the F32 KQ matrix and its softmax)
// Gemma 3 4B 121.25 MiB (exact), Qwen2.5-VL-7B 644 vs 704.79 MiB (-8.6 %), a Qwen3.x tower 250.6 vs 248.10 MiB (+1 %).
void add_projector_compute(plan& p, bool host) {
  estimate_result& r = p.r;
  const model_spec& s = p.s;
  const uint64_t n_pos = std::max(clip_warmup_patches(s), p.image_patches);
  const uint64_t n_ff = s.dim("vision_intermediate_size"), n_embd = s.dim("vision_hidden_size"), heads = s.dim("vision_attention_heads");
  if (!n_pos || !n_ff || !n_embd || (!r.flash_attention && !heads)) {
    r.issues.push_back({"mmproj_compute_not_counted", "mmproj", "The projector's compute buffer is not counted: its encoder's sequence for " + s.family +
        " is not modelled. llama.cpp reserves about 121 MiB for Gemma 3 and 250 to 700 MiB for the Qwen-VL towers with flash attention, 1 to 5 GiB without.", severity::info});
    return;
  }
  checked_u64 bytes = checked_u64::product({n_pos, n_ff + 3 * n_embd, 4});
  if (s.family == "qwen2_5_vl") bytes.add(checked_u64::product({n_pos, n_pos, 6}));
  if (!r.flash_attention) bytes.add(checked_u64::product({n_pos, n_pos, heads, 4}));
  p.activations.add(bytes);
  add_component(r, "vision_compute", "Projector (mmproj) compute buffer, " + std::string(host ? "host" : "GPU 0") + " (" + text_of(n_pos) + " encoder positions" +
      (p.image_patches > clip_warmup_patches(s) ? ", the largest image" : ", its warmup image") + ")", "activations", bytes.value, host);
  if (!host && r.gpus > 1) r.components.back().device = 0;
  if (p.o.explain)
    r.formulas.push_back({"activations", "mmproj compute: " + text_of(n_pos) + " positions x (" + text_of(n_ff) + " + 3 x " + text_of(n_embd) + ") x 4" +
        (s.family == "qwen2_5_vl" ? " + " + text_of(n_pos) + "^2 x 6 (window mask)" : std::string()) +
        (r.flash_attention ? std::string() : " + " + text_of(n_pos) + "^2 x " + text_of(heads) + " heads x 4 (no flash attention)") + " = " + text_of(bytes.value) +
        " bytes; a fit to published clip.cpp logs (Gemma 3 exact, Qwen2.5-VL -8.6 %, Qwen3.x +1 %); its host buffer (10 to 300 MiB) is not counted",
        "llama.cpp tools/mtmd/clip.cpp (clip_model_loader::warmup, build_attn); llama.cpp#17071 and the logs in tests/fixtures/published/llamacpp-logs.json"});
}

// --mmproj: the projector's weights in the buffer of the backend clip.cpp picks, the first GPU unless
// --no-mmproj-offload (tools/mtmd/clip.cpp clip_ctx, clip_model_loader::load_tensors; common/arg.cpp), whatever
// -ngl and --tensor-split say; system RAM when the estimate runs on the CPU (-ngl 0). Its compute buffer, reserved
// for a warmup image of the projector's largest size, is not counted yet: the note says how large it runs.
void add_projector(plan& p) {
  if (!p.o.mmproj && !p.o.mmproj_file) return;  // a file given is loaded, as llama.cpp's --mmproj FILE
  estimate_result& r = p.r;
  checked_u64 bytes;
  std::string what;
  if (p.o.mmproj_file) {
    const projector_file& f = *p.o.mmproj_file;
    bytes.add(f.tensor_bytes);
    what = "the mmproj file's " + text_of(f.tensors) + " tensors" + (f.file_type.empty() ? std::string() : ", " + f.file_type) +
           (f.projector_type.empty() ? std::string() : ", projector " + f.projector_type);
  } else {
    for (const auto& t : p.tensors.inv.tensors)
      if (in_projector_file(t.component)) bytes.add(checked_u64::product({projector_tensor_bytes(p.s, t), t.instances()}));
    what = "config.json's encoder at F16";
  }
  if (!bytes.value) {
    r.issues.push_back({"mmproj_none", "mmproj", "--mmproj: this model has no vision or audio encoder in its config.json or GGUF, and no mmproj file was given (mmproj_file), so nothing is counted for it.",
                        severity::warning});
    return;
  }
  const bool host = r.gpu_layers == 0;
  p.weights.total.add(bytes);
  add_component(r, "vision_encoder", "Projector (mmproj) weights, " + std::string(host ? "host" : "GPU 0") + " (" + what + ")", "weights", bytes.value, host);
  if (!host && r.gpus > 1) r.components.back().device = 0;
  add_projector_compute(p, host);
  if (p.o.explain)
    r.formulas.push_back({"weights", "mmproj: " + what + ", " + text_of(bytes.value) + " bytes, on " + (host ? "the host" : "the first GPU (--mmproj-offload, llama.cpp's default)"),
                          "llama.cpp tools/mtmd/clip.cpp (clip_model_loader), common/arg.cpp --mmproj-offload; convert_hf_to_gguf.py --mmproj (F16 matrices, F32 1-D)"});
}

// A CPU-only build (no GPU named, -ngl 0): llama.cpp's CPU backend gives the matrices of some types a repacked
// copy in its CPU_REPACK buffer, beside the whole file mapped in CPU_Mapped (ggml-cpu/repack.cpp
// ggml_repack_get_optimal_repack_type @ de3ff81; the same in v0.5.0's build): on x86 with AVX2, Q4_0, Q4_K,
// IQ4_NL and MXFP4 matrices of rows a multiple of 8 (AVX-512 adds Q2_K; ARM NEON repacks other types). token_embd,
// read by GET_ROWS, never. A GPU build repacks nothing: with mmap its CPU layers fall from the pinned host buffer
// type to the plain CPU one (llama-model-loader.cpp), which CPU_REPACK follows in the list. Checked: the CPU
// builds of tests/fixtures/llamacpp/measurements.json, CPU_REPACK exact.
bool repacked_on_x86(uint32_t ggml_type) {
  constexpr uint32_t kRepacked[] = {2, 12, 20, 39};  // ggml.h enum ggml_type: Q4_0, Q4_K, IQ4_NL, MXFP4
  return std::find(std::begin(kRepacked), std::end(kRepacked), ggml_type) != std::end(kRepacked);
}

void add_cpu_repack(plan& p) {
  estimate_result& r = p.r;
  if (r.gpu_layers != 0 || r.gpu || p.o.gpu_memory_bytes || !r.gguf) return;
  uint64_t bytes = 0;
  for (const gguf_tensor_plan& t : r.gguf->tensors) {
    if (t.n_dims < 2 || t.ne[1] % 8 || t.name == "token_embd.weight") continue;
    for (const gguf_type_run& run : t.runs)
      if (repacked_on_x86(run.type)) bytes += run.tensors * run.bytes_each;
  }
  if (!bytes) return;
  p.weights.total.add(bytes);
  add_component(r, "model_buffer_repack", "Model buffer, host (CPU_REPACK: the Q4_0 / Q4_K / IQ4_NL / MXFP4 matrices repacked by a CPU-only build on x86 AVX2)", "weights", bytes, true);
}

void components(plan& p) {
  estimate_result& r = p.r;
  note_no_window(p);
  r.n_cpu_moe = p.o.n_cpu_moe;
  std::vector<device_load> gpu;
  uint64_t experts_host = 0;
  const uint64_t tied_copy = add_model_and_kv_buffers(p, gpu, experts_host);
  add_cpu_repack(p);
  note_cpu_moe(p, experts_host);
  note_split(p, gpu);
  add_compute_buffers(p, gpu, experts_host > 0);
  add_projector(p);
  // Output buffer: float logits for one output per sequence, on the host (src/llama-context.cpp output_reserve).
  const uint64_t out_buf = 4 * p.s.vocab_size * std::max<uint64_t>(1, p.n_seq);
  p.overhead.add(out_buf);
  add_component(r, "output_buffer", "Output buffer, host (logits)", "overhead", out_buf, true);
  if (p.o.explain) explain(p, tied_copy, r.gpu_layers > 0);
  r.issues.push_back({"cuda_context_not_counted", "overhead",
      "llama.cpp's totals are its own buffers. The CUDA context comes on top, in no buffer llama.cpp prints: it grows with the GPU's SM count, " +
          std::string(kCudaContextSpan) + ", plus cuBLAS workspace and pool slack; keep that much free.",
      severity::info});
}

std::string kv_formula_tail(const plan& p) {
  const estimate_result& r = p.r;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (p.o.kv_unified) return "; one unified stream of n_ctx " + text_of(r.n_ctx) + " cells for " + text_of(p.o.batch_size) + " sequences (padded to 256), ubatch " + text_of(r.n_ubatch);
#endif
  return "; n_ctx " + text_of(r.n_ctx) + " = " + text_of(p.o.batch_size) + " x n_ctx_seq " + text_of(r.n_ctx_seq) + " (padded to 256), ubatch " + text_of(r.n_ubatch);
}

// A --tensor-split share as the user wrote it: a whole number plainly, else to three decimals.
std::string share_text(double x) {
  if (x == static_cast<double>(static_cast<uint64_t>(x))) return text_of(static_cast<uint64_t>(x));
  const uint64_t milli = static_cast<uint64_t>(x * 1000 + 0.5);
  std::string frac = text_of(1000 + milli % 1000).substr(1);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return text_of(milli / 1000) + (frac.empty() ? "" : "." + frac);
}

std::string kv_flag(const kv_dtype* t) { return t->name == "fp16" ? std::string("f16") : t->name == "fp32" ? std::string("f32") : std::string(t->name); }

std::string command(const estimate_result& r, const std::string& model_id, const estimate_options& o) {
  // -hf downloads from a repository that holds GGUF files (the Hub's file list says so); any other is -m.
  const bool hf = !model_id.empty() && o.repo_has_gguf;
  std::string cmd = "llama-server " + (hf ? "-hf " + model_id + (r.format->layout == weight_layout::gguf ? ":" + r.format->name : std::string()) : std::string("-m MODEL.gguf"));
  cmd += " -c " + text_of(r.n_ctx) + " -ngl " + text_of(r.gpu_layers) + " -fa " + (r.flash_attention ? "on" : "off");
  if (o.n_batch && o.n_batch != kLlamaDefaultBatch) cmd += " -b " + text_of(o.n_batch);
  if (r.n_ubatch != kLlamaDefaultUbatch) cmd += " -ub " + text_of(r.n_ubatch);
  if (r.kv_k->name != "fp16") cmd += " -ctk " + kv_flag(r.kv_k);
  if (r.kv_v->name != "fp16") cmd += " -ctv " + kv_flag(r.kv_v);
  if (r.cpu_moe_layers) cmd += " --n-cpu-moe " + text_of(r.n_cpu_moe);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands drafts, machines, overrides and named GPUs over)
  if (r.draft) {  // common/arg.cpp: -md FNAME (the draft's GGUF); --spec-draft-n-max (default 3)
    cmd += " -md DRAFT.gguf";
    if (r.draft->draft_max != 3) cmd += " --spec-draft-n-max " + text_of(r.draft->draft_max);
  }
  if (r.nodes > 1) {  // the RPC backend (tools/rpc/README.md): an rpc-server on each other machine, --rpc lists them
    std::string hosts;
    for (uint64_t k = 1; k < r.nodes; ++k) hosts += (hosts.empty() ? "" : ",") + ("HOST" + text_of(k) + ":50052");
    cmd = "# on " + (r.nodes == 2 ? std::string("the other machine") : "each of the other " + text_of(r.nodes - 1) + " machines") +
          ": rpc-server --host 0.0.0.0 --port 50052\n# then, on this one:\n" + cmd + " --rpc " + hosts;
  }
  if (!o.override_tensor.empty()) {  // one -ot with the overrides comma-joined, single-quoted for the shell
    std::string ot;
    for (const auto& item : o.override_tensor) ot += (ot.empty() ? "" : ",") + item;
    std::string quoted;
    for (const char c : ot) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += " -ot '" + quoted + "'";
  }
  if (r.gpus > 1 && r.gpu_layers > 0) {
    const std::string mode = o.split_mode.empty() ? "layer" : o.split_mode;
    cmd += " --split-mode " + mode;
    if (!o.tensor_split.empty() || !r.gpu_list.empty()) {  // the shares as given, else each GPU's memory in GiB
      std::string ts;
      for (size_t g = 0; g < r.gpus && mode != "none"; ++g)
        ts += (ts.empty() ? "" : ",") + (o.tensor_split.empty() ? text_of((r.gpu_list[g]->memory_bytes + (1ull << 29)) >> 30) : share_text(o.tensor_split[g]));
      if (!ts.empty()) cmd += " --tensor-split " + ts;
    }
  }
  if (o.kv_unified) cmd += " -kvu";
  for (uint64_t k = 0; o.adapter_rank && k < std::max<uint64_t>(1, o.max_adapters); ++k) cmd += " --lora ADAPTER" + (o.max_adapters > 1 ? text_of(k + 1) : std::string()) + ".gguf";
#endif
  // -np always: llama-server without it picks 4 slots over one unified cache (tools/server/server.cpp), which
  // sizes sliding-window caches and the output buffer apart from this plan.
  return cmd + " -np " + text_of(o.batch_size);
}

void write_settings(json_writer& w, const estimate_result& r, const estimate_options& o) {
  w.field("flash_attention", r.flash_attention).field("ubatch", r.n_ubatch).field("n_batch", r.n_batch).field("gpu_layers", r.gpu_layers)
      .field("n_ctx", r.n_ctx).field("n_ctx_seq", r.n_ctx_seq).field("parallel", o.batch_size).field("kv_unified", o.kv_unified).field("n_cpu_moe", r.n_cpu_moe)
      .field("cpu_moe_layers", r.cpu_moe_layers).field("split_mode", o.split_mode.empty() ? std::string_view("layer") : std::string_view(o.split_mode))
      .field("settings_text", "n_ctx " + text_of(r.n_ctx) + (o.kv_unified ? " (unified, " + text_of(o.batch_size) + " sequences)" : " (" + text_of(o.batch_size) + " x " + text_of(r.n_ctx_seq) + ")") + ", ubatch " + text_of(r.n_ubatch) +
                                  (r.n_batch != kLlamaDefaultBatch ? ", n_batch " + text_of(r.n_batch) : std::string()) + ", flash attention " + (r.flash_attention ? "on" : "off") + ", -ngl " + text_of(r.gpu_layers) +
                                  (r.cpu_moe_layers ? ", --n-cpu-moe " + text_of(r.n_cpu_moe) : std::string()));
}

constexpr std::string_view kLadder[] = {"bf16", "fp16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "Q3_K_M", "IQ3_XXS", "Q2_K", "IQ2_XXS"};

}  // namespace

const runtime_profile& llama_cpp_profile() {
  static const runtime_profile kProfile{
      .info = *find_runtime("llama.cpp"),
      .format_refusal = format_refusal,
      .default_kv = default_kv,
      .kv_refusal = kv_refusal,
      .prepare = prepare,
      .keeps_window = keeps_window,
      .bytes_per_token = bytes_per_token,
      .cached_tokens = cached_tokens,
      .state_bytes = state_bytes,
      .components = components,
      .usable_bytes = whole_gpu,
      .command = command,
      .write_settings = write_settings,
      .format_ladder = kLadder,
      .vision_in_separate_file = true,
      .one_dimensional_f32 = true,
      .own_weights_formula = true,
      .expands_mla = false,
      .batch_word = "streams ",
      .kv_formula_tail = kv_formula_tail,
      .kv_source = "llama.cpp src/llama-context.cpp (n_ctx padding), src/llama-kv-cache.cpp, src/llama-kv-cache-iswa.cpp (SWA cells), src/llama-memory-recurrent.cpp",
      .solves_gpu_layers = true,
      .spans_machines = true,
      .compact_kv = "q8_0",
      .draft_own_context = true,
      .default_draft_max = 3,  // common/common.h common_params_speculative_draft::n_max
      .adapter_rule = "files",
  };
  return kProfile;
}

}  // namespace neuroshrink
