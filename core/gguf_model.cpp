#include "gguf_model.h"

#include <algorithm>
#include <map>
#include <optional>

#include "architectures.h"
#include "config_reader.h"
#include "json_writer.h"
#include "text.h"

namespace neuroshrink {
namespace {

// GGUF architecture -> the model_type and transformers class whose family rule reads the same model. The keys
// are llama.cpp's (src/llama-arch.cpp LLM_KV_*), written by convert_hf_to_gguf.py's set_gguf_parameters.
struct arch_map {
  std::string_view gguf_arch, model_type, hf_class;
};
constexpr arch_map kArchs[] = {
    {"llama", "llama", "LlamaForCausalLM"},         // Mixtral too: experts make it a MoE
    {"qwen2", "qwen2", "Qwen2ForCausalLM"},
    {"qwen3", "qwen3", "Qwen3ForCausalLM"},
    {"qwen2moe", "qwen2_moe", "Qwen2MoeForCausalLM"},
    {"qwen3moe", "qwen3_moe", "Qwen3MoeForCausalLM"},
    {"gemma", "gemma", "GemmaForCausalLM"},
    {"gemma2", "gemma2", "Gemma2ForCausalLM"},
    {"gemma3", "gemma3_text", "Gemma3ForCausalLM"},
    {"phi3", "phi3", "Phi3ForCausalLM"},
    {"deepseek2", "deepseek_v3", "DeepseekV3ForCausalLM"},  // V2 when no exp_probs_b (below)
    {"gpt-oss", "gpt_oss", "GptOssForCausalLM"},
    {"starcoder2", "starcoder2", "Starcoder2ForCausalLM"},
    {"command-r", "cohere", "CohereForCausalLM"},
    {"olmo2", "olmo2", "Olmo2ForCausalLM"},
    {"glm4", "glm4", "Glm4ForCausalLM"},
    {"granite", "granite", "GraniteForCausalLM"},
    {"granitemoe", "granitemoe", "GraniteMoeForCausalLM"},
    {"olmoe", "olmoe", "OlmoeForCausalLM"},
    {"mamba", "mamba", "MambaForCausalLM"},        // SSM: ssm.* keys, no attention (ssm_config below)
    {"mamba2", "mamba2", "Mamba2ForCausalLM"},
    {"lfm2", "lfm2", "Lfm2ForCausalLM"},           // hybrid: per-layer head_count_kv, 0 for short-conv layers
};

// The metadata of one architecture: "<arch>.<key>".
struct meta {
  const file_header& h;
  std::string arch;

  const gguf_value* get(std::string_view key) const { return h.find(arch + "." + std::string(key)); }
  static bool integer_type(uint32_t t) { return t <= 7 || t == 10 || t == 11; }
  // A scalar integer, or the value of an array whose layers all agree.
  std::optional<uint64_t> u(std::string_view key) const {
    const gguf_value* v = get(key);
    if (!v) return std::nullopt;
    if (integer_type(v->type)) return v->integer >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(v->integer)) : std::nullopt;
    if (v->type == 9 && !v->integers.empty() && std::all_of(v->integers.begin(), v->integers.end(), [&](int64_t x) { return x == v->integers[0]; }))
      return v->integers[0] >= 0 ? std::optional<uint64_t>(static_cast<uint64_t>(v->integers[0])) : std::nullopt;
    return std::nullopt;
  }
  // A per-layer integer array (head counts that differ by layer), empty when the key is a scalar or absent.
  std::vector<int64_t> per_layer(std::string_view key) const {
    const gguf_value* v = get(key);
    return v && v->type == 9 ? v->integers : std::vector<int64_t>{};
  }
  std::optional<double> f(std::string_view key) const {
    const gguf_value* v = get(key);
    if (!v) return std::nullopt;
    if (v->type == 6 || v->type == 12) return v->real;
    if (integer_type(v->type)) return static_cast<double>(v->integer);
    return std::nullopt;
  }
};

const header_tensor* tensor(const file_header& h, std::string_view name) {
  for (const auto& t : h.tensors)
    if (t.name == name) return &t;
  return nullptr;
}

// "blk.12.attn_q.weight" -> 12 and "blk.{i}.attn_q.weight"; -1 outside the layer stack.
int64_t layer_of(std::string_view name, std::string& templ) {
  if (!name.starts_with("blk.")) {
    templ = std::string(name);
    return -1;
  }
  size_t i = 4;
  int64_t n = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9' && n < 1'000'000) n = n * 10 + (name[i++] - '0');
  if (i == 4 || i >= name.size() || name[i] != '.') {
    templ = std::string(name);
    return -1;
  }
  templ = "blk.{i}" + std::string(name.substr(i));
  return n;
}

// The file's tensors as the plan the llama.cpp profile sizes weights from: one entry per tensor name (a layer
// tensor with its layer indices and the type of each), exact bytes.
gguf_plan plan_from_header(const file_header& h, uint64_t n_layer) {
  gguf_plan plan;
  std::map<std::string, size_t> index;
  for (const auto& t : h.tensors) {
    std::string templ;
    const int64_t layer = layer_of(t.name, templ);
    auto [it, fresh] = index.try_emplace(templ, plan.tensors.size());
    if (fresh) {
      gguf_tensor_plan p;
      p.name = templ;
      p.source = t.name;
      p.n_dims = static_cast<uint32_t>(std::min<size_t>(t.shape.size(), 4));
      for (uint32_t d = 0; d < p.n_dims; ++d) p.ne[d] = t.shape[d];
      p.category = templ == "token_embd.weight" ? gguf_category::token_embd
                   : templ == "output.weight"   ? gguf_category::output
                   : templ == "position_embd.weight" ? gguf_category::position_embd
                   : templ == "rope_freqs.weight" ? gguf_category::rope_freqs
                   : t.shape.size() <= 1 ? gguf_category::norm : gguf_category::other;
      plan.tensors.push_back(std::move(p));
    }
    gguf_tensor_plan& p = plan.tensors[it->second];
    if (layer >= 0) p.layer_index.push_back(static_cast<uint32_t>(layer));
    if (layer >= 0 || p.layer_type.empty()) p.layer_type.push_back(t.ggml_type);
    p.elements += t.elements;
    p.bytes += t.bytes;
    auto run = std::find_if(p.runs.begin(), p.runs.end(), [&](const gguf_type_run& r) { return r.type == t.ggml_type; });
    if (run == p.runs.end()) p.runs.push_back({t.ggml_type, 1, t.bytes});
    else ++run->tensors;
    auto total = std::find_if(plan.by_type.begin(), plan.by_type.end(), [&](const gguf_type_total& x) { return x.type == t.ggml_type; });
    if (total == plan.by_type.end()) plan.by_type.push_back({t.ggml_type, 1, t.elements, t.bytes});
    else total->tensors += 1, total->elements += t.elements, total->bytes += t.bytes;
    plan.elements += t.elements;
    plan.tensor_bytes += t.bytes;
  }
  std::sort(plan.by_type.begin(), plan.by_type.end(), [](const auto& a, const auto& b) { return a.type < b.type; });
  plan.n_tensors = h.tensors.size();
  plan.n_layer = n_layer;
  uint64_t data_end = 0;
  for (const auto& t : h.tensors) data_end = std::max(data_end, t.offset + t.bytes);
  plan.padding_bytes = data_end > plan.tensor_bytes ? data_end - plan.tensor_bytes : 0;
  plan.header_bytes = h.header_bytes;
  plan.file_bytes = h.header_bytes + data_end;
  plan.tied_output = !tensor(h, "output.weight");
  plan.notes.push_back("the file's own tensors: every type and shape as stored");
  return plan;
}

// general.file_type, else the file type whose base type holds the most bytes of the file.
const gguf_file_type* file_type_of(const file_header& h) {
  if (const gguf_value* v = h.find("general.file_type"); v && meta::integer_type(v->type))
    if (const gguf_file_type* t = find_gguf_file_type(static_cast<uint32_t>(v->integer))) return t;
  std::map<uint32_t, uint64_t> bytes;
  for (const auto& t : h.tensors)
    if (t.shape.size() >= 2) bytes[t.ggml_type] += t.bytes;
  uint32_t dominant = 0;
  uint64_t most = 0;
  for (auto [type, b] : bytes)
    if (b > most) most = b, dominant = type;
  for (const auto& t : gguf_file_types())
    if (t.base_type == dominant) return &t;
  return nullptr;
}

void number(json_writer& w, const char* key, std::optional<uint64_t> v) {
  if (v) w.field(key, *v);
}

// Mamba and Mamba-2 (convert_hf_to_gguf.py MambaModel, Mamba2Model): ssm.inner_size (d_inner = expand x hidden),
// ssm.state_size, ssm.conv_kernel, ssm.time_step_rank (Mamba: dt_rank; Mamba-2: the number of heads) and, for
// Mamba-2, ssm.group_count; biases as the tensors show them.
bool ssm_config(const meta& md, const file_header& h, uint64_t n_layer, uint64_t hidden, uint64_t vocab, bool tied, json_writer& w, std::vector<issue>& issues) {
  const bool two = md.arch == "mamba2";
  const auto inner = md.u("ssm.inner_size"), rank = md.u("ssm.time_step_rank"), state = md.u("ssm.state_size");
  const auto conv = md.u("ssm.conv_kernel"), groups = md.u("ssm.group_count");
  if (!inner || !rank || !*rank || !state || !conv || *inner % hidden || (two && *inner % *rank)) {
    issues.push_back({"gguf_missing_keys", "file", "The " + md.arch + " GGUF lacks ssm.inner_size, ssm.time_step_rank, ssm.state_size or ssm.conv_kernel (or they "
        "do not divide into its heads), which llama.cpp requires to load it.", severity::error});
    return false;
  }
  w.begin_object().key("architectures").begin_array().value(two ? "Mamba2ForCausalLM" : "MambaForCausalLM").end_array().field("model_type", md.arch)
      .field("hidden_size", hidden).field("num_hidden_layers", n_layer).field("vocab_size", vocab).field("tie_word_embeddings", tied)
      .field("state_size", *state).field("conv_kernel", *conv).field("expand", *inner / hidden)
      .field("use_conv_bias", tensor(h, "blk.0.ssm_conv1d.bias") != nullptr).field("use_bias", tensor(h, "blk.0.ssm_in.bias") != nullptr);
  if (two) w.field("num_heads", *rank).field("head_dim", *inner / *rank).field("n_groups", groups.value_or(1));
  else w.field("time_step_rank", *rank).field("intermediate_size", *inner);
  w.field("torch_dtype", "bfloat16").end_object();
  return true;
}

}  // namespace

std::vector<std::string_view> gguf_architectures_read() {
  std::vector<std::string_view> out;
  for (const auto& a : kArchs) out.push_back(a.gguf_arch);
  return out;
}

gguf_model model_from_gguf(const file_header& h) {
  gguf_model m;
  const gguf_value* arch = h.find("general.architecture");
  if (!arch || arch->type != 8 || arch->text.empty()) {
    m.issues.push_back({"gguf_no_architecture", "file", "The GGUF names no general.architecture, so its layers cannot be read; its weights are the tensor data (" +
        text_of(h.data_bytes) + " bytes).", severity::error});
    return m;
  }
  m.architecture = arch->text;
  const arch_map* a = nullptr;
  for (const auto& x : kArchs)
    if (x.gguf_arch == m.architecture) a = &x;
  const meta md{h, m.architecture};
  const auto n_layer = md.u("block_count");
  m.plan = plan_from_header(h, n_layer.value_or(0));
  const gguf_file_type* ft = file_type_of(h);
  if (ft) m.file_type = std::string(ft->name);
  m.plan.file_type = ft;
  if (!a) {
    // An architecture no rule reads: llama.cpp's standard keys still give the attention cache (block_count,
    // head_count_kv, key/value_length); the weights are the file's own; the rest is a Llama-shaped decoder's.
    std::string known;
    for (auto k : gguf_architectures_read()) known += (known.empty() ? "" : ", ") + std::string(k);
    if (!md.u("attention.head_count") || !md.u("embedding_length") || !n_layer) {
      m.issues.push_back({"gguf_architecture_unknown", "file", "This GGUF's architecture \"" + m.architecture + "\" is not one this estimate reads from a GGUF alone (" + known +
          "), and it lacks the standard attention keys (" + m.architecture + ".attention.head_count, .embedding_length, .block_count). Its weights are exact from the file: " +
          text_of(h.data_bytes) + " bytes of tensor data; for KV cache and compute, give the model's config.json.", severity::error});
      return m;
    }
    m.issues.push_back({"gguf_architecture_unknown", "file", "This GGUF's architecture \"" + m.architecture + "\" is not one this estimate reads from a GGUF alone (" + known +
        "). Its weights are exact from the file (" + text_of(h.data_bytes) + " bytes of tensor data) and its KV cache comes from its standard keys (block_count, head_count_kv, "
        "key_length); the compute buffers are a Llama-shaped decoder's, approximate. Give the model's config.json for the rest.", severity::warning});
  }
  m.model_type = a ? std::string(a->model_type) : m.architecture;
  const auto hidden = md.u("embedding_length");
  const auto heads = md.u("attention.head_count");
  const bool ssm = m.architecture == "mamba2" || m.architecture == "mamba";
  if (!n_layer || !hidden || (!ssm && !heads && md.per_layer("attention.head_count").empty())) {
    m.issues.push_back({"gguf_missing_keys", "file", "The GGUF lacks " + m.architecture + ".block_count, .embedding_length or .attention.head_count, which llama.cpp itself requires to load it.",
        severity::error});
    return m;
  }
  // The config reader's bound on layers (config_reader.h limits::layers), checked before anything loops over them.
  if (*n_layer > limits::layers) {
    m.issues.push_back({"gguf_absurd_value", "file", m.architecture + ".block_count is " + text_of(*n_layer) + "; a model has at most " +
        text_of(limits::layers) + " layers here. The file's metadata is damaged or not a model's.", severity::error});
    return m;
  }
  const header_tensor* embd = tensor(h, "token_embd.weight");
  uint64_t vocab = embd && embd->shape.size() >= 2 ? embd->shape[1] : 0;
  if (!vocab) if (const gguf_value* tokens = h.find("tokenizer.ggml.tokens")) vocab = tokens->count;
  if (embd) m.derived.push_back("vocab_size from token_embd.weight");

  if (ssm) {
    json_writer w;
    if (!ssm_config(md, h, *n_layer, *hidden, vocab, m.plan.tied_output, w, m.issues)) return m;
    m.config_text = w.take();
    return m;
  }
  std::string model_type = m.model_type, hf_class(a ? a->hf_class : std::string_view());
  // A "llama" GGUF with experts is Mixtral's layout (LlamaModel converts MixtralForCausalLM too).
  if (m.architecture == "llama" && md.u("expert_count").value_or(0) > 0) model_type = "mixtral", hf_class = "MixtralForCausalLM";
  // OLMo 3 is converted as olmo2 with its sliding_window (llama.cpp: STANDARD, set_swa_pattern(4)).
  if (m.architecture == "olmo2" && md.u("attention.sliding_window").value_or(0) > 0) model_type = "olmo3", hf_class = "Olmo3ForCausalLM";
  if (m.architecture == "deepseek2" && !tensor(h, "blk." + text_of(md.u("leading_dense_block_count").value_or(0)) + ".exp_probs_b.bias"))
    model_type = "deepseek_v2", hf_class = "DeepseekV2ForCausalLM";
  json_writer w;
  w.begin_object();
  if (!hf_class.empty()) w.key("architectures").begin_array().value(hf_class).end_array();
  w.field("model_type", model_type);
  w.field("hidden_size", *hidden).field("num_hidden_layers", *n_layer).field("vocab_size", vocab);
  number(w, "num_attention_heads", heads);
  number(w, "num_key_value_heads", md.u("attention.head_count_kv"));
  if (m.architecture == "lfm2") {  // LFM2Model: KV heads per layer, 0 for the short-conv ones; the FFN width as used
    const std::vector<int64_t> kv = md.per_layer("attention.head_count_kv");
    int64_t most = 0;
    for (auto x : kv) most = std::max(most, x);
    if (most > 0) w.field("num_key_value_heads", static_cast<uint64_t>(most));
    if (kv.size() == *n_layer) {
      w.key("layer_types").begin_array();
      for (auto x : kv) w.value(x > 0 ? "full_attention" : "conv");
      w.end_array();
    }
    number(w, "conv_L_cache", md.u("shortconv.l_cache"));
    w.field("block_auto_adjust_ff_dim", false);
  }
  number(w, "intermediate_size", md.u("feed_forward_length"));
  number(w, "max_position_embeddings", md.u("context_length"));
  const auto key_length = md.u("attention.key_length");
  if (m.architecture != "deepseek2") number(w, "head_dim", key_length);
  if (auto eps = md.f("attention.layer_norm_rms_epsilon")) w.field("rms_norm_eps", *eps);
  if (auto theta = md.f("rope.freq_base")) w.field("rope_theta", *theta);
  w.field("tie_word_embeddings", m.plan.tied_output);
  w.field("torch_dtype", "bfloat16");
  if (tensor(h, "blk.0.attn_q.bias") || tensor(h, "blk.0.attn_qkv.bias")) w.field("attention_bias", true);
  if (tensor(h, "rope_freqs.weight"))  // llama3 rope: the converter writes the frequencies as a tensor
    w.key("rope_scaling").begin_object().field("rope_type", "llama3").field("factor", md.f("rope.scaling.factor").value_or(8.0)).end_object();
  // Experts.
  const auto experts = md.u("expert_count"), used = md.u("expert_used_count");
  if (experts && *experts > 0) {
    const char* count_key = m.architecture == "llama" || m.architecture == "gpt-oss" || m.architecture == "granitemoe" ? "num_local_experts"
                          : m.architecture == "deepseek2" ? "n_routed_experts" : "num_experts";
    w.field(count_key, *experts);
    number(w, "num_experts_per_tok", used);
    number(w, "moe_intermediate_size", md.u("expert_feed_forward_length"));
    number(w, "shared_expert_intermediate_size", md.u("expert_shared_feed_forward_length"));
    number(w, "n_shared_experts", md.u("expert_shared_count"));
    number(w, "first_k_dense_replace", md.u("leading_dense_block_count"));
    if (m.architecture == "qwen2moe" || m.architecture == "qwen3moe") w.field("decoder_sparse_step", uint64_t{1});
  }
  // MLA (DeepSeek-V2/V3): the latent and the rope part; key_length_mla is the per-head K of the expanded form.
  if (m.architecture == "deepseek2") {
    const auto rope = md.u("rope.dimension_count");
    const auto k_mla = md.u("attention.key_length_mla"), v_mla = md.u("attention.value_length_mla");
    number(w, "kv_lora_rank", md.u("attention.kv_lora_rank"));
    if (auto q = md.u("attention.q_lora_rank"); q && *q) w.field("q_lora_rank", *q);
    else w.key("q_lora_rank").raw("null");
    number(w, "qk_rope_head_dim", rope);
    const auto k_head = k_mla ? k_mla : key_length;
    if (k_head && rope && *k_head > *rope) w.field("qk_nope_head_dim", *k_head - *rope);
    number(w, "v_head_dim", v_mla ? v_mla : md.u("attention.value_length"));
    if (model_type == "deepseek_v3") w.field("topk_method", "noaux_tc");
  }
  // Sliding windows.
  const auto window = md.u("attention.sliding_window");
  if (window && *window) w.field("sliding_window", *window);
  if (m.architecture == "gemma3") {
    // llama.cpp runs Gemma 3 with set_swa_pattern(6) unless the file lists the pattern per layer.
    const std::vector<int64_t> pattern = md.per_layer("attention.sliding_window_pattern");
    w.key("layer_types").begin_array();
    for (uint64_t i = 0; i < *n_layer; ++i)
      w.value(pattern.size() == *n_layer ? (pattern[i] ? "sliding_attention" : "full_attention") : ((i + 1) % 6 ? "sliding_attention" : "full_attention"));
    w.end_array();
  } else if (m.architecture == "gpt-oss") {
    w.key("layer_types").begin_array();  // llama.cpp set_swa_pattern(2): even layers sliding
    for (uint64_t i = 0; i < *n_layer; ++i) w.value(i % 2 == 0 ? "sliding_attention" : "full_attention");
    w.end_array();
  }
  w.end_object();
  m.config_text = w.take();
  return m;
}

}  // namespace neuroshrink
