#include "gguf_quant.h"

#include <algorithm>

#include "architectures.h"
#include "formats.h"
#include "text.h"
#include "variant_text.h"

namespace neuroshrink {
namespace {

// enum ggml_type (ggml/include/ggml.h): the ids GGUF writes per tensor.
namespace gt {
constexpr uint32_t F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q5_0 = 6, Q5_1 = 7, Q8_0 = 8, Q2_K = 10, Q3_K = 11, Q4_K = 12,
                   Q5_K = 13, Q6_K = 14, IQ2_XXS = 16, IQ2_XS = 17, IQ3_XXS = 18, IQ1_S = 19, IQ4_NL = 20, IQ3_S = 21,
                   IQ2_S = 22, IQ4_XS = 23, IQ1_M = 29, BF16 = 30, TQ1_0 = 34, TQ2_0 = 35, MXFP4 = 39;
}

// enum llama_ftype (include/llama.h).
namespace ft {
constexpr uint32_t ALL_F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q8_0 = 7, Q5_0 = 8, Q5_1 = 9, Q2_K = 10, Q3_K_S = 11,
                   Q3_K_M = 12, Q3_K_L = 13, Q4_K_S = 14, Q4_K_M = 15, Q5_K_S = 16, Q5_K_M = 17, Q6_K = 18, IQ2_XXS = 19,
                   IQ2_XS = 20, Q2_K_S = 21, IQ3_XS = 22, IQ3_XXS = 23, IQ1_S = 24, IQ4_NL = 25, IQ3_S = 26, IQ3_M = 27,
                   IQ2_S = 28, IQ2_M = 29, IQ4_XS = 30, IQ1_M = 31, BF16 = 32, TQ1_0 = 36, TQ2_0 = 37, MXFP4_MOE = 38;
}

constexpr std::string_view kQuantSource = FULL_TEXT(
    "llama.cpp include/llama.h enum llama_ftype; src/llama-quant.cpp llama_ftype_get_default_type; tools/quantize/quantize.cpp QUANT_OPTIONS");

// The base type is llama_ftype_get_default_type(); the mixes on top of it are in llama_tensor_get_type_impl.
constexpr std::array kFileTypes{
    gguf_file_type{"F32", ft::ALL_F32, gt::F32, FULL_TEXT("every tensor in F32"), kQuantSource},
    gguf_file_type{"F16", ft::F16, gt::F16, FULL_TEXT("weights F16, 1-D tensors F32"), kQuantSource},
    gguf_file_type{"BF16", ft::BF16, gt::BF16, FULL_TEXT("weights BF16, 1-D tensors F32"), kQuantSource},
    gguf_file_type{"Q8_0", ft::Q8_0, gt::Q8_0, FULL_TEXT("8.5 bpw: every weight Q8_0"), kQuantSource},
    gguf_file_type{"Q6_K", ft::Q6_K, gt::Q6_K, FULL_TEXT("6.56 bpw: every weight Q6_K"), kQuantSource},
    gguf_file_type{"Q5_K_M", ft::Q5_K_M, gt::Q5_K, FULL_TEXT("Q5_K, half of attn_v and ffn_down Q6_K, output Q6_K"), kQuantSource},
    gguf_file_type{"Q5_K_S", ft::Q5_K_S, gt::Q5_K, FULL_TEXT("Q5_K, output Q6_K"), kQuantSource},
    gguf_file_type{"Q5_1", ft::Q5_1, gt::Q5_1, FULL_TEXT("legacy 6 bpw, output Q6_K"), kQuantSource},
    gguf_file_type{"Q5_0", ft::Q5_0, gt::Q5_0, FULL_TEXT("legacy 5.5 bpw, output Q6_K"), kQuantSource},
    gguf_file_type{"Q4_K_M", ft::Q4_K_M, gt::Q4_K, FULL_TEXT("Q4_K, half of attn_v and ffn_down Q6_K, output Q6_K"), kQuantSource},
    gguf_file_type{"Q4_K_S", ft::Q4_K_S, gt::Q4_K, FULL_TEXT("Q4_K, first attn_v and ffn_down Q5_K, output Q6_K"), kQuantSource},
    gguf_file_type{"Q4_1", ft::Q4_1, gt::Q4_1, FULL_TEXT("legacy 5 bpw, output Q6_K"), kQuantSource},
    gguf_file_type{"Q4_0", ft::Q4_0, gt::Q4_0, FULL_TEXT("legacy 4.5 bpw, output Q6_K"), kQuantSource},
    gguf_file_type{"Q3_K_L", ft::Q3_K_L, gt::Q3_K, FULL_TEXT("Q3_K, attn_v/attn_output/ffn_down Q5_K"), kQuantSource},
    gguf_file_type{"Q3_K_M", ft::Q3_K_M, gt::Q3_K, FULL_TEXT("Q3_K, attn_v/attn_output/ffn_down Q4_K-Q5_K"), kQuantSource},
    gguf_file_type{"Q3_K_S", ft::Q3_K_S, gt::Q3_K, FULL_TEXT("Q3_K, output Q6_K"), kQuantSource},
    gguf_file_type{"Q2_K", ft::Q2_K, gt::Q2_K, FULL_TEXT("Q2_K, attn_v Q3_K/Q4_K, ffn_down and attn_output Q3_K"), kQuantSource},
    gguf_file_type{"Q2_K_S", ft::Q2_K_S, gt::Q2_K, FULL_TEXT("Q2_K, first ffn_down Q4_K; needs an imatrix"), kQuantSource},
    gguf_file_type{"IQ4_NL", ft::IQ4_NL, gt::IQ4_NL, FULL_TEXT("4.5 bpw non-linear, 32-blocks"), kQuantSource},
    gguf_file_type{"IQ4_XS", ft::IQ4_XS, gt::IQ4_XS, FULL_TEXT("4.25 bpw non-linear"), kQuantSource},
    gguf_file_type{"IQ3_M", ft::IQ3_M, gt::IQ3_S, FULL_TEXT("IQ3_S mix with Q4_K attn_v/attn_output"), kQuantSource},
    gguf_file_type{"IQ3_S", ft::IQ3_S, gt::IQ3_S, FULL_TEXT("3.44 bpw"), kQuantSource},
    gguf_file_type{"IQ3_XS", ft::IQ3_XS, gt::IQ3_S, FULL_TEXT("IQ3_S with IQ3_XXS attn_q/attn_k and middle ffn_gate/ffn_up"), kQuantSource},
    gguf_file_type{"IQ3_XXS", ft::IQ3_XXS, gt::IQ3_XXS, FULL_TEXT("3.06 bpw; needs an imatrix"), kQuantSource},
    gguf_file_type{"IQ2_M", ft::IQ2_M, gt::IQ2_S, FULL_TEXT("IQ2_S mix, 2.7 bpw; needs an imatrix"), kQuantSource},
    gguf_file_type{"IQ2_S", ft::IQ2_S, gt::IQ2_XS, FULL_TEXT("IQ2_XS mix, 2.5 bpw; needs an imatrix"), kQuantSource},
    gguf_file_type{"IQ2_XS", ft::IQ2_XS, gt::IQ2_XS, FULL_TEXT("2.31 bpw; needs an imatrix"), kQuantSource},
    gguf_file_type{"IQ2_XXS", ft::IQ2_XXS, gt::IQ2_XXS, FULL_TEXT("2.06 bpw; needs an imatrix"), kQuantSource},
    gguf_file_type{"IQ1_M", ft::IQ1_M, gt::IQ1_M, FULL_TEXT("1.75 bpw; needs an imatrix"), kQuantSource},
    gguf_file_type{"IQ1_S", ft::IQ1_S, gt::IQ1_S, FULL_TEXT("1.56 bpw; needs an imatrix"), kQuantSource},
    gguf_file_type{"TQ1_0", ft::TQ1_0, gt::TQ1_0, FULL_TEXT("1.69 bpw ternary (BitNet-style models)"), kQuantSource},
    gguf_file_type{"TQ2_0", ft::TQ2_0, gt::TQ2_0, FULL_TEXT("2.06 bpw ternary (BitNet-style models)"), kQuantSource},
    gguf_file_type{"MXFP4_MOE", ft::MXFP4_MOE, gt::MXFP4, FULL_TEXT("routed experts MXFP4, every other weight Q8_0"), kQuantSource},
};

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; }

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (upper(a[i]) != upper(b[i])) return false;
  return true;
}

bool contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }
bool ends_with(std::string_view s, std::string_view tail) { return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail; }

uint64_t pad32(uint64_t n) { return (n + 31) / 32 * 32; }

uint32_t block_elements(uint32_t type) {
  const ggml_type_info* t = find_ggml_type(type);
  return t ? t->block_elements : 1;
}

bool is_quantized(uint32_t type) {
  return type != gt::F32 && type != gt::F16 && type != gt::BF16;
}

}  // namespace

std::span<const gguf_file_type> gguf_file_types() { return kFileTypes; }

const gguf_file_type* find_gguf_file_type(std::string_view name) {
  // llama-quantize's aliases (tools/quantize/quantize.cpp): Q3_K, Q4_K and Q5_K name the _M mixes.
  if (same_name(name, "Q3_K")) name = "Q3_K_M";
  else if (same_name(name, "Q4_K")) name = "Q4_K_M";
  else if (same_name(name, "Q5_K")) name = "Q5_K_M";
  for (const auto& f : kFileTypes)
    if (same_name(f.name, name)) return &f;
  return nullptr;
}

const gguf_file_type* find_gguf_file_type(uint32_t ftype) {
  for (const auto& f : kFileTypes)
    if (f.ftype == ftype) return &f;
  return nullptr;
}

std::string_view gguf_category_name(gguf_category c) {
  static constexpr std::string_view kNames[] = {
      "token_embd", "output", "position_embd",
      "attn_q", "attn_k", "attn_v", "attn_qkv", "attn_output",
      "attn_q_a", "attn_q_b", "attn_kv_a_mqa", "attn_kv_b", "attn_k_b", "attn_v_b",
      "attn_sinks",
      "ffn_gate", "ffn_up", "ffn_down",
      "ffn_gate_exps", "ffn_up_exps", "ffn_down_exps",
      "ffn_gate_shexp", "ffn_up_shexp", "ffn_down_shexp",
      "ffn_gate_inp", "ffn_gate_inp_shexp", "exp_probs_b",
      "ssm_in", "ssm_x", "ssm_dt", "ssm_a", "ssm_d", "ssm_conv1d", "ssm_out",
      "norm", "bias", "rope_freqs", "other"};
  const auto i = static_cast<size_t>(c);
  return i < std::size(kNames) ? kNames[i] : "other";
}

uint64_t gguf_row_bytes(uint32_t type, uint64_t row_length) {
  const ggml_type_info* t = find_ggml_type(type);
  if (!t || row_length % t->block_elements) return 0;
  return row_length / t->block_elements * t->block_bytes;
}

namespace {

// ---- From the inventory to the tensors convert_hf_to_gguf.py writes --------------------------------

// The blk indices of a layer tensor: its group's layers, found in the spec by the group's layer type.
std::vector<uint32_t> layers_of(const model_spec& s, const tensor_entry& t) {
  std::vector<uint32_t> out;
  const uint64_t n = s.layers.size();
  if (t.layer_type.empty() || t.layers == 0) return out;
  if (t.layers >= n) {
    for (uint32_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  // Nemotron-NAS groups name their first and last layer in the tensor name: "model.layers.{4-7}.".
  if (t.layer_type == "nas_block") {
    const size_t open = t.name.find('{'), close = t.name.find('}');
    if (open != std::string::npos && close != std::string::npos && close > open + 1) {
      const std::string_view inner = std::string_view(t.name).substr(open + 1, close - open - 1);
      uint64_t a = 0, b = 0;
      size_t i = 0;
      while (i < inner.size() && inner[i] >= '0' && inner[i] <= '9') a = a * 10 + static_cast<uint64_t>(inner[i++] - '0');
      b = a;
      if (i < inner.size() && inner[i] == '-') {
        b = 0;
        ++i;
        while (i < inner.size() && inner[i] >= '0' && inner[i] <= '9') b = b * 10 + static_cast<uint64_t>(inner[i++] - '0');
      }
      for (uint64_t k = a; k <= b && k < n; ++k) out.push_back(static_cast<uint32_t>(k));
      if (out.size() == t.layers) return out;
      out.clear();
    }
  }
  // Groups chosen by what a layer holds: the layers naming the group (layer_spec::block: Nemotron-H's and the
  // Gated DeltaNet hybrids' block kinds), else by the group's name (moe_decoder / dense_decoder, Mllama's
  // cross-attention layers, Jamba's attention/mamba x moe/dense).
  auto pick = [&](auto pred) {
    for (uint32_t i = 0; i < n; ++i)
      if (pred(s.layers[i])) out.push_back(i);
  };
  const std::string_view lt = t.layer_type;
  pick([&](const layer_spec& l) { return l.block == lt; });
  if (!out.empty()) {
    if (out.size() == t.layers) return out;
    out.clear();
  }
  if (lt == "moe_decoder") pick([](const layer_spec& l) { return l.moe; });
  else if (lt == "dense_decoder") pick([](const layer_spec& l) { return !l.moe; });
  else if (lt == "cross_attention_decoder") pick([](const layer_spec& l) { return l.cross_attention; });
  else if (lt == "decoder") pick([](const layer_spec& l) { return !l.cross_attention; });
  else if (lt == "attention_moe") pick([](const layer_spec& l) { return (l.variant & 1) && l.moe; });
  else if (lt == "attention_dense") pick([](const layer_spec& l) { return (l.variant & 1) && !l.moe; });
  else if (lt == "mamba_moe") pick([](const layer_spec& l) { return !(l.variant & 1) && l.moe; });
  else if (lt == "mamba_dense") pick([](const layer_spec& l) { return !(l.variant & 1) && !l.moe; });
  if (out.size() != t.layers) {  // an unknown grouping: the first layers, which only moves the per-layer upgrades
    out.clear();
    for (uint32_t i = 0; i < t.layers && i < n; ++i) out.push_back(i);
  }
  return out;
}

// The module and parameter of an inventory name: "model.layers.{i}.self_attn.q_proj.weight" -> ("q_proj",
// "weight"); "backbone.layers.{i}.mixer.A_log" -> ("A_log", ""); "...experts.gate_up_proj[{e}].weight" ->
// ("gate_up_proj", "weight").
struct name_parts {
  std::string module, param, parent;
};

name_parts split_name(std::string_view name) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '{' || name[i] == '[') ++depth;
    else if (name[i] == '}' || name[i] == ']') --depth;
    else if (name[i] == '.' && depth == 0) {
      parts.push_back(name.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(name.substr(start));
  name_parts p;
  const std::string_view last = parts.back();
  size_t m = parts.size() - 1;
  if ((last == "weight" || last == "bias") && parts.size() >= 2) {
    p.param = std::string(last);
    m = parts.size() - 2;
  }
  std::string_view module = parts[m];
  if (const size_t b = module.find('['); b != std::string_view::npos) module = module.substr(0, b);
  p.module = std::string(module);
  if (m >= 1) p.parent = std::string(parts[m - 1]);
  return p;
}

struct gguf_out {
  std::string suffix;           // after "blk.{i}." (layer tensors) or the whole name
  gguf_category category;
  std::array<uint64_t, 4> ne{1, 1, 1, 1};
  uint32_t n_dims = 1;
};

// Attention projections by module name (conversion/*.py through gguf-py's tensor_mapping.py).
bool attention_kind(std::string_view m, gguf_category& c) {
  if (m == "q_a_proj") c = gguf_category::attn_q_a;
  else if (m == "q_b_proj") c = gguf_category::attn_q_b;
  else if (m == "kv_a_proj_with_mqa") c = gguf_category::attn_kv_a_mqa;
  else if (m == "kv_b_proj") c = gguf_category::attn_kv_b;
  else if (m == "qkv_proj" || m == "query_key_value" || m == "c_attn" || m == "qkv" || m == "Wqkv") c = gguf_category::attn_qkv;
  else if (m == "q_proj" || m == "wq") c = gguf_category::attn_q;
  else if (m == "k_proj" || m == "wk") c = gguf_category::attn_k;
  else if (m == "v_proj" || m == "wv") c = gguf_category::attn_v;
  else if (m == "o_proj" || m == "dense" || m == "out_proj" || m == "c_proj" || m == "wo" || m == "linear_attn" || m == "proj")
    c = gguf_category::attn_output;
  else return false;
  return true;
}

// 0 gate, 1 up, 2 down, 3 fused gate+up; -1 unknown.
int mlp_kind(std::string_view m) {
  if (m == "gate_proj" || m == "w1") return 0;
  if (m == "up_proj" || m == "w3" || m == "fc1" || m == "fc_in" || m == "c_fc" || m == "dense_h_to_4h") return 1;
  if (m == "down_proj" || m == "w2" || m == "fc2" || m == "fc_out" || m == "c_proj" || m == "dense_4h_to_h" || m == "linear_mlp" || m == "output_linear")
    return 2;
  if (m == "gate_up_proj" || m == "input_linear") return 3;  // Granite MoE's input_linear: gate and up fused (GraniteMoeModel splits it)
  return -1;
}

// What the converter writes for one inventory entry: usually one tensor, two where it splits a fused
// one (InternLM2's wqkv into q/k/v: three; gpt-oss/Llama-4 expert gate_up into gate and up; MLA's
// kv_b_proj into k_b and v_b).
// `post_norms`: the layers norm the MLP's output too (post_feedforward_layernorm: Gemma 2/3, OLMo 2), so their
// post_attention_layernorm normalizes the attention's output, llama.cpp's post_attention_norm, not the MLP's input.
std::vector<gguf_out> convert_entry(const model_spec& s, const tensor_entry& t, const name_parts& p, bool post_norms) {
  std::vector<gguf_out> out;
  const bool in_layer = !t.layer_type.empty();
  const bool expert = t.copies > 1 || contains(t.name, "{e}");
  // ggml order: reversed checkpoint shape; experts stacked as the last ggml dimension.
  gguf_out g;
  g.n_dims = 0;
  for (uint32_t d = 0; d < t.rank; ++d) {
    const uint64_t v = t.shape[t.rank - 1 - d];
    g.ne[g.n_dims++] = v;
  }
  if (g.n_dims == 0) g.n_dims = 1;
  if (expert) g.ne[g.n_dims++] = t.copies;
  auto named = [&](gguf_category c, std::string_view param) {
    gguf_out o = g;
    o.category = c;
    o.suffix = std::string(gguf_category_name(c)) + (param.empty() ? "" : "." + std::string(param));
    return o;
  };
  const std::string_view param = p.param.empty() ? std::string_view() : std::string_view(p.param);
  const bool is_bias = param == "bias";

  if (!in_layer) {
    switch (t.role) {
      case tensor_role::embedding: out.push_back(named(gguf_category::token_embd, "weight")); out.back().suffix = "token_embd.weight"; break;
      case tensor_role::position: out.push_back(named(gguf_category::position_embd, "weight")); out.back().suffix = "position_embd.weight"; break;
      case tensor_role::lm_head: {
        gguf_out o = named(is_bias ? gguf_category::bias : gguf_category::output, param);
        o.suffix = is_bias ? "output.bias" : "output.weight";
        out.push_back(o);
        break;
      }
      case tensor_role::norm: {
        gguf_out o = named(gguf_category::norm, param);
        o.suffix = (contains(t.name, "embed") ? "token_embd_norm." : "output_norm.") + std::string(param.empty() ? "weight" : param);
        out.push_back(o);
        break;
      }
      default: {
        gguf_out o = named(gguf_category::other, param);
        o.suffix = p.module + (param.empty() ? "" : "." + std::string(param));
        out.push_back(o);
      }
    }
    return out;
  }

  const std::string_view m = p.module;
  switch (t.role) {
    case tensor_role::norm: {
      gguf_out o = named(gguf_category::norm, param.empty() ? "weight" : param);
      // Names as llama.cpp spells the common ones; the rest keep the module name (only their length counts).
      std::string base = p.module;
      if (m == "norm" && p.parent == "mixer")  // Mamba-2's gated RMSNorm inside the mixer: LLM_TENSOR_SSM_NORM
        base = "ssm_norm";
      else if (m == "input_layernorm" || m == "ln_1" || m == "attention_norm" || m == "ln_attn" || m == "norm" || m == "self_attn_layer_norm")
        base = "attn_norm";
      else if (m == "post_attention_layernorm" && post_norms)
        base = "post_attention_norm";
      else if (m == "post_attention_layernorm" || m == "ln_2" || m == "ffn_norm" || m == "ln_mlp" || m == "pre_ff_layernorm" || m == "final_layer_norm")
        base = "ffn_norm";
      else if (m == "q_norm" || m == "q_layernorm") base = "attn_q_norm";
      else if (m == "k_norm" || m == "k_layernorm") base = "attn_k_norm";
      else if (m == "q_a_layernorm") base = "attn_q_a_norm";
      else if (m == "kv_a_layernorm") base = "attn_kv_a_norm";
      else if (m == "pre_feedforward_layernorm") base = "ffn_norm";
      else if (m == "post_feedforward_layernorm") base = "post_ffw_norm";
      if (!ends_with(base, "_norm")) base += "_norm";
      o.suffix = base + "." + std::string(param.empty() ? "weight" : param);
      out.push_back(o);
      return out;
    }
    case tensor_role::router: {
      if (m == "e_score_correction_bias" || is_bias) {
        gguf_out o = named(gguf_category::exp_probs_b, "bias");
        if (is_bias) o.suffix = "ffn_gate_inp.bias";
        out.push_back(o);
      } else if (m == "shared_expert_gate") {
        out.push_back(named(gguf_category::ffn_gate_inp_shexp, "weight"));
      } else {
        out.push_back(named(gguf_category::ffn_gate_inp, "weight"));
      }
      return out;
    }
    case tensor_role::attention: {
      gguf_category c = gguf_category::other;
      if (m == "sinks") {
        out.push_back(named(gguf_category::attn_sinks, "weight"));
        return out;
      }
      if (!attention_kind(m, c)) {
        gguf_out o = named(gguf_category::other, param);
        o.suffix = p.module + (param.empty() ? "" : "." + std::string(param));
        out.push_back(o);
        return out;
      }
      if (m == "wqkv") {  // InternLM2: conversion/internlm.py splits wqkv into q, k and v
        const uint64_t hd = s.head_dim, q = s.num_attention_heads * hd, kv = s.num_key_value_heads * hd;
        gguf_out a = named(gguf_category::attn_q, param), b = named(gguf_category::attn_k, param), v = named(gguf_category::attn_v, param);
        a.ne[g.n_dims >= 2 ? 1 : 0] = q;
        b.ne[g.n_dims >= 2 ? 1 : 0] = kv;
        v.ne[g.n_dims >= 2 ? 1 : 0] = kv;
        out.push_back(a);
        out.push_back(b);
        out.push_back(v);
        return out;
      }
      if (c == gguf_category::attn_kv_b && !is_bias) {
        // conversion/deepseek.py (DeepseekV2Model.modify_tensors): kv_b_proj split per head into k_b
        // (transposed: [H, kv_lora, nope]) and v_b ([H, v_dim, kv_lora]) for the absorbed MLA.
        const uint64_t H = s.num_attention_heads, lora = s.dim("kv_lora_rank"), nope = s.dim("qk_nope_head_dim"), vd = s.dim("v_head_dim");
        if (H && lora && nope && vd) {
          gguf_out k = named(gguf_category::attn_k_b, "weight"), v = named(gguf_category::attn_v_b, "weight");
          k.ne = {nope, lora, H, 1};
          v.ne = {lora, vd, H, 1};
          k.n_dims = v.n_dims = 3;
          out.push_back(k);
          out.push_back(v);
          return out;
        }
      }
      out.push_back(named(is_bias && c == gguf_category::other ? gguf_category::bias : c, param));
      return out;
    }
    case tensor_role::mlp:
    case tensor_role::expert:
    case tensor_role::shared_expert: {
      const int k = mlp_kind(m);
      const std::string_view tail = t.role == tensor_role::expert ? "_exps" : t.role == tensor_role::shared_expert ? "_shexp" : "";
      auto cat = [&](int kind) {
        static constexpr gguf_category kPlain[] = {gguf_category::ffn_gate, gguf_category::ffn_up, gguf_category::ffn_down};
        static constexpr gguf_category kExps[] = {gguf_category::ffn_gate_exps, gguf_category::ffn_up_exps, gguf_category::ffn_down_exps};
        static constexpr gguf_category kShexp[] = {gguf_category::ffn_gate_shexp, gguf_category::ffn_up_shexp, gguf_category::ffn_down_shexp};
        return tail == "_exps" ? kExps[kind] : tail == "_shexp" ? kShexp[kind] : kPlain[kind];
      };
      auto with_name = [&](int kind) {
        static constexpr std::string_view kBase[] = {"ffn_gate", "ffn_up", "ffn_down"};
        gguf_out o = g;
        o.category = cat(kind);
        o.suffix = std::string(kBase[kind]) + std::string(tail) + "." + std::string(param.empty() ? "weight" : param);
        return o;
      };
      if (k < 0) {
        gguf_out o = named(gguf_category::other, param);
        o.suffix = p.module + (param.empty() ? "" : "." + std::string(param));
        out.push_back(o);
        return out;
      }
      if (k == 3 && t.role == tensor_role::expert) {
        // gpt-oss (conversion/gpt_oss.py) and Llama 4 split the fused expert gate_up into gate and up.
        gguf_out a = with_name(0), b = with_name(1);
        const uint32_t out_dim = is_bias ? 0 : 1;  // weight: ne[1] is out; bias: ne[0]
        a.ne[out_dim] /= 2;
        b.ne[out_dim] = g.ne[out_dim] - a.ne[out_dim];
        out.push_back(a);
        out.push_back(b);
        return out;
      }
      out.push_back(with_name(k == 3 ? 1 : k));  // Phi-3 keeps gate_up fused as ffn_up [n_embd, 2 n_ff]
      return out;
    }
    case tensor_role::ssm: {
      // conversion/mamba.py: in_proj, x_proj, dt_proj, out_proj keep ".weight"; conv1d squeezed to 2-D;
      // A_log written as ssm_a = -exp(A_log), D as ssm_d, both without ".weight".
      gguf_category c = gguf_category::other;
      std::string suffix;
      if (m == "in_proj") c = gguf_category::ssm_in;
      else if (m == "x_proj") c = gguf_category::ssm_x;
      else if (m == "dt_proj") c = gguf_category::ssm_dt;
      else if (m == "out_proj") c = gguf_category::ssm_out;
      else if (m == "conv1d") c = gguf_category::ssm_conv1d;
      else if (m == "A_log") c = gguf_category::ssm_a;
      else if (m == "D") c = gguf_category::ssm_d;
      else if (m == "dt_bias") c = gguf_category::ssm_dt;
      gguf_out o = named(c, param);
      if (c == gguf_category::ssm_a || c == gguf_category::ssm_d) o.suffix = std::string(gguf_category_name(c));
      else if (m == "dt_bias") o.suffix = "ssm_dt.bias";
      else if (c == gguf_category::other) o.suffix = p.module + (param.empty() ? "" : "." + std::string(param));
      if (c == gguf_category::ssm_conv1d && o.n_dims == 3 && o.ne[1] == 1) {  // [d_inner, 1, d_conv] -> [d_inner, d_conv]
        o.ne = {o.ne[0], o.ne[2], 1, 1};
        o.n_dims = 2;
      }
      out.push_back(o);
      return out;
    }
    default: {
      gguf_out o = named(is_bias ? gguf_category::bias : gguf_category::other, param);
      o.suffix = p.module + (param.empty() ? "" : "." + std::string(param));
      out.push_back(o);
      return out;
    }
  }
}

// convert_hf_to_gguf.py (conversion/base.py ModelBase.prepare_tensors): 1-D tensors and norms F32; routers,
// position embeddings, token types and SSM conv weights F32; names not ending in ".weight" F32; the rest
// in the output float type.
uint32_t converter_type(const gguf_tensor_plan& t, uint32_t float_type) {
  if (t.n_dims <= 1 || ends_with(t.name, "_norm.weight")) return gt::F32;
  switch (t.category) {
    case gguf_category::ffn_gate_inp:
    case gguf_category::ffn_gate_inp_shexp:
    case gguf_category::position_embd:
    case gguf_category::ssm_conv1d:
      return gt::F32;
    default: break;
  }
  if (!ends_with(t.name, ".weight")) return gt::F32;
  return float_type;
}

// src/llama-quant.cpp tensor_allows_quantization: 2-D and 3-D tensors whose name ends in "weight", except
// norms, routers (ffn_gate_inp), position embeddings, token types and SSM conv weights.
bool quantize_allowed(const gguf_tensor_plan& t) {
  if (t.n_dims < 2 || !ends_with(t.name, "weight")) return false;
  if (contains(t.name, "_norm.weight") || contains(t.name, "ffn_gate_inp.weight") || contains(t.name, "ffn_gate_inp_shexp.weight"))
    return false;
  switch (t.category) {
    case gguf_category::position_embd:
    case gguf_category::ssm_conv1d:
    case gguf_category::ffn_gate_inp:
    case gguf_category::ffn_gate_inp_shexp:
      return false;
    default: return true;
  }
}

// ---- llama-quantize's choice per tensor ---------------------------------------------------------------

// src/llama-quant.cpp tensor_get_category: substring tests on the GGUF name, in this order.
enum class qcat { output, token_embd, qkv, kv_b, v, k, q, attn_output, ffn_up, ffn_gate, ffn_down, other };

qcat quant_category(std::string_view name) {
  if (name == "output.weight") return qcat::output;
  if (name == "token_embd.weight" || name == "per_layer_token_embd.weight") return qcat::token_embd;
  if (contains(name, "attn_qkv.weight")) return qcat::qkv;
  if (contains(name, "attn_kv_b.weight")) return qcat::kv_b;
  if (contains(name, "attn_v.weight")) return qcat::v;
  if (contains(name, "attn_k.weight")) return qcat::k;
  if (contains(name, "attn_q.weight")) return qcat::q;
  if (contains(name, "attn_output.weight")) return qcat::attn_output;
  if (contains(name, "ffn_up")) return qcat::ffn_up;
  if (contains(name, "ffn_gate")) return qcat::ffn_gate;
  if (contains(name, "ffn_down")) return qcat::ffn_down;
  return qcat::other;
}

bool attn_v_like(qcat c) { return c == qcat::v || c == qcat::qkv || c == qcat::kv_b; }

struct quant_state {
  uint32_t ftype = 0, base = 0;
  bool imatrix = false, tied = true, falcon = false, is_70b = false;
  int64_t n_expert = 0, n_gqa = 0, n_layer = 0;
  int64_t n_attention_wv = 0, i_attention_wv = 0, i_ffn_down = 0, i_ffn_gate = 0, i_ffn_up = 0;
};

// llama_tensor_get_type_impl's use_more_bits: the first and last eighth of the layers and every third in between.
bool use_more_bits(int64_t i, int64_t n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

bool iq2_family(uint32_t f) {
  return f == ft::IQ2_XXS || f == ft::IQ2_XS || f == ft::IQ1_S || f == ft::IQ2_S || f == ft::IQ2_M || f == ft::IQ1_M;
}

// The type llama_tensor_get_type_impl (src/llama-quant.cpp) picks for a quantizable tensor, before the
// shape fallback. `layer` is the blk index (-1 outside the stack); `ne0` the row length; `ne2` the experts.
uint32_t mix_type(quant_state& q, qcat c, int64_t layer, uint64_t ne0, uint64_t ne2) {
  uint32_t t = q.base;
  const uint32_t f = q.ftype;
  // Per-layer position for ffn_* rules: MoE models parse the blk index from the name, dense models count
  // the tensors of the category seen so far (layer_info).
  auto layer_pos = [&](int64_t counter) { return q.n_expert > 1 ? layer : counter; };

  if (c == qcat::output || (q.tied && c == qcat::token_embd)) {
    // The output (and a tied token_embd): Q8_0 for MXFP4_MOE, Falcon, or rows not dividing the block; Q5_K
    // for the IQ1/IQ2 mixes; otherwise Q6_K unless the file is already Q8_0.
    const uint64_t blk = block_elements(t);
    if (f == ft::MXFP4_MOE) t = gt::Q8_0;
    else if (q.falcon || ne0 % blk != 0) t = gt::Q8_0;
    else if (f == ft::IQ2_XXS || f == ft::IQ2_XS || f == ft::IQ3_XXS || f == ft::IQ1_S || f == ft::IQ2_S || f == ft::IQ2_M || f == ft::IQ1_M)
      t = gt::Q5_K;
    else if (t != gt::Q8_0) t = gt::Q6_K;
    return t;
  }
  if (f == ft::MXFP4_MOE) return ne2 > 1 ? gt::MXFP4 : gt::Q8_0;  // experts MXFP4, the rest Q8_0
  if (c == qcat::token_embd) {
    if (f == ft::IQ2_XXS || f == ft::IQ2_XS || f == ft::IQ1_S || f == ft::IQ1_M) t = gt::Q2_K;
    else if (f == ft::IQ2_S || f == ft::IQ2_M || f == ft::IQ3_XXS) t = gt::IQ3_S;
    else if (f == ft::TQ1_0 || f == ft::TQ2_0) t = gt::Q4_K;
    return t;
  }
  if (iq2_family(f)) {
    const bool s_or_m = f == ft::IQ2_S || f == ft::IQ2_M;
    if (attn_v_like(c)) {
      if (q.n_gqa >= 4 || q.n_expert >= 4) t = gt::Q4_K;
      else t = s_or_m ? gt::IQ3_S : gt::Q2_K;
      ++q.i_attention_wv;
    } else if (q.n_expert == 8 && c == qcat::k) {
      t = gt::Q4_K;
    } else if (c == qcat::ffn_down) {
      if (q.i_ffn_down < q.n_layer / 8) t = s_or_m ? gt::IQ3_S : gt::Q2_K;
      ++q.i_ffn_down;
    } else if (c == qcat::attn_output) {
      if (q.n_expert == 8) t = gt::Q5_K;
      else if (f == ft::IQ1_S || f == ft::IQ1_M) t = gt::IQ2_XXS;
      else if (s_or_m) t = gt::IQ3_S;
    }
    return t;
  }
  if (attn_v_like(c)) {
    if (f == ft::Q2_K) t = q.n_gqa >= 4 ? gt::Q4_K : gt::Q3_K;
    else if (f == ft::Q2_K_S && q.n_gqa >= 4) t = gt::Q4_K;
    else if (f == ft::IQ3_XXS) t = q.n_gqa >= 4 ? gt::Q4_K : !q.imatrix ? gt::IQ3_S : gt::IQ3_XXS;
    else if ((f == ft::IQ3_XS || f == ft::IQ3_S) && q.n_gqa >= 4) t = gt::Q4_K;
    else if (f == ft::IQ3_M) t = gt::Q4_K;
    else if (f == ft::Q3_K_M) t = q.i_attention_wv < 2 ? gt::Q5_K : gt::Q4_K;
    else if (f == ft::Q3_K_L) t = gt::Q5_K;
    else if ((f == ft::IQ4_NL || f == ft::IQ4_XS) && q.n_gqa >= 4) t = gt::Q5_K;
    else if ((f == ft::Q4_K_M || f == ft::Q5_K_M) && use_more_bits(q.i_attention_wv, q.n_attention_wv)) t = gt::Q6_K;
    else if (f == ft::Q4_K_S && q.i_attention_wv < 4) t = gt::Q5_K;
    // 70B: attn_v is 8x smaller than attn_q, so it takes Q5_K where the mix says Q3_K/Q4_K.
    if (q.is_70b && (t == gt::Q3_K || t == gt::Q4_K)) t = gt::Q5_K;
    if (q.n_expert == 8) t = gt::Q8_0;
    ++q.i_attention_wv;
    return t;
  }
  if (c == qcat::k) {
    if (q.n_expert == 8) t = gt::Q8_0;
    else if (f == ft::IQ3_XS) t = gt::IQ3_XXS;
    else if (f == ft::IQ3_XXS) t = gt::IQ2_S;
    return t;
  }
  if (c == qcat::q) {
    if (f == ft::IQ3_XS) t = gt::IQ3_XXS;
    else if (f == ft::IQ3_XXS) t = gt::IQ2_S;
    return t;
  }
  if (c == qcat::ffn_down) {
    const int64_t i = layer_pos(q.i_ffn_down), n = q.n_layer;
    if (f == ft::Q2_K) t = gt::Q3_K;
    else if (f == ft::Q2_K_S) { if (i < n / 8) t = gt::Q4_K; }
    else if (f == ft::IQ3_XXS && !q.imatrix) t = i < n / 8 ? gt::Q4_K : gt::Q3_K;
    else if (f == ft::Q3_K_M) t = i < n / 16 ? gt::Q5_K : (!q.falcon || use_more_bits(i, n)) ? gt::Q4_K : gt::Q3_K;
    else if (f == ft::IQ3_M && (i < n / 8 || (q.n_expert == 8 && use_more_bits(i, n)))) t = gt::Q4_K;
    else if (f == ft::Q3_K_L) t = q.falcon ? gt::Q4_K : gt::Q5_K;
    else if (f == ft::Q4_K_M) {
      if (q.falcon) t = i < n / 16 ? gt::Q6_K : use_more_bits(i, n) ? gt::Q5_K : gt::Q4_K;
      else if (use_more_bits(i, n)) t = gt::Q6_K;
    }
    else if (i < n / 8 && (f == ft::IQ4_NL || f == ft::IQ4_XS) && !q.imatrix) t = gt::Q5_K;
    else if (f == ft::Q5_K_M && use_more_bits(i, n)) t = gt::Q6_K;
    else if (f == ft::Q4_K_S && !q.falcon && i < n / 8) t = gt::Q5_K;
    else if ((f == ft::Q4_0 || f == ft::Q5_0) && q.imatrix && i < n / 8) t = f == ft::Q4_0 ? gt::Q4_1 : gt::Q5_1;
    ++q.i_ffn_down;
    return t;
  }
  if (c == qcat::attn_output) {
    if (!q.falcon) {
      if (q.n_expert == 8) {
        if (f == ft::Q2_K || f == ft::IQ3_XS || f == ft::IQ3_XXS || f == ft::Q3_K_S || f == ft::Q3_K_M || f == ft::IQ4_NL ||
            f == ft::Q4_K_S || f == ft::Q4_K_M || f == ft::IQ3_S || f == ft::IQ3_M || f == ft::IQ4_XS)
          t = gt::Q5_K;
      } else {
        if (f == ft::Q2_K) t = gt::Q3_K;
        else if (f == ft::IQ3_XXS) t = gt::IQ3_S;
        else if (f == ft::Q3_K_M) t = gt::Q4_K;
        else if (f == ft::Q3_K_L) t = gt::Q5_K;
        else if (f == ft::IQ3_M) t = gt::Q4_K;
      }
    } else if (f == ft::Q3_K_L) {
      t = gt::Q4_K;
    }
    return t;
  }
  if (c == qcat::qkv) {
    if (f == ft::Q3_K_M || f == ft::Q3_K_L || f == ft::IQ3_M) t = gt::Q4_K;
    else if (f == ft::Q4_K_M) t = gt::Q5_K;
    else if (f == ft::Q5_K_M) t = gt::Q6_K;
    return t;
  }
  if (c == qcat::ffn_gate || c == qcat::ffn_up) {
    int64_t& counter = c == qcat::ffn_gate ? q.i_ffn_gate : q.i_ffn_up;
    const int64_t i = layer_pos(counter), n = q.n_layer;
    if (f == ft::IQ3_XS && i >= n / 8 && i < 7 * n / 8) t = gt::IQ3_XXS;
    ++counter;
    return t;
  }
  return t;
}

// src/llama-quant.cpp tensor_type_fallback: a row that does not divide into the type's blocks takes a
// 32-block type of about the same size, or F16 when even 32 does not divide it.
uint32_t shape_fallback(uint32_t t, uint64_t ne0, bool& fell_back) {
  fell_back = false;
  if (ne0 % block_elements(t) == 0) return t;
  fell_back = true;
  uint32_t r = t;
  switch (t) {
    case gt::IQ1_S: case gt::IQ1_M: case gt::IQ2_XXS: case gt::IQ2_XS: case gt::IQ2_S: case gt::IQ3_XXS: case gt::IQ3_S:
    case gt::IQ4_XS: r = gt::IQ4_NL; break;
    case gt::Q2_K: case gt::Q3_K: case gt::TQ1_0: case gt::TQ2_0: r = gt::Q4_0; break;
    case gt::Q4_K: r = gt::Q5_0; break;
    case gt::Q5_K: r = gt::Q5_1; break;
    case gt::Q6_K: r = gt::Q8_0; break;
    default: break;  // already a 32-block type
  }
  if (ne0 % block_elements(r) != 0) r = gt::F16;
  return r;
}

// src/llama-quant.cpp tensor_requires_imatrix: llama-quantize refuses these without --imatrix.
bool requires_imatrix(const gguf_tensor_plan& t, uint32_t type, uint32_t ftype) {
  if (t.category == gguf_category::token_embd || t.category == gguf_category::output) return false;
  switch (type) {
    case gt::IQ3_XXS: case gt::IQ2_XXS: case gt::IQ2_XS: case gt::IQ2_S: case gt::IQ1_M: case gt::IQ1_S: return true;
    case gt::Q2_K: return ftype == ft::Q2_K_S;
    default: return false;
  }
}

// ---- Metadata ------------------------------------------------------------------------------------------
//
// The key-value section is mostly the tokenizer: tokenizer.ggml.tokens (a u64 length + the bytes of each
// token), token_type (i32 per token), and either scores (f32 per token; SentencePiece) or merges (one
// string per BPE merge). Its size per vocabulary entry depends on the tokenizer, which config.json does not
// name. We use three averages derived from real files whose exact size in bytes is published: file size
// minus the tensor data, the alignment padding and the tensor-info records computed here leaves the
// key-value section (chat template and hyperparameters included), divided by the vocabulary size.
// tests/gguf_quant_test.cpp repeats the arithmetic ("metadata per token").
//   - Llama 3 tiktoken BPE (128,256 tokens, 280,147 merges): bartowski Llama-3.2-1B-Instruct-Q4_0.gguf,
//     773,025,920 bytes, and Llama-3.2-3B-Instruct-Q4_0.gguf, 1,921,909,280 bytes (GPT4All's download
//     catalogue gpt4all-chat/metadata/models3.json): 7,822,822-7,822,830 bytes, 60.993 per token;
//   - other BPE tokenizers (GPT-2 style merges, about one per token): Qwen2.5-Coder-7B-Instruct q4_0.gguf,
//     4,431,390,720 bytes (Qwen's own file, same catalogue): 5,934,160 bytes for 152,064 entries, 39.024 per
//     token (phi-4's cl100k tokenizer comes to about 35 per token: see the test);
//   - SentencePiece (scores, no merges): mistral-7b-instruct-v0.1.Q4_0.gguf, 4,108,916,384 bytes (same
//     catalogue): 717,550 bytes for 32,000 tokens, 22.423 per token.
// Which one applies: Llama-family configs with the 128,256 vocabulary use the first; Llama/Mistral with
// SentencePiece-sized vocabularies (Llama 1/2 and Mistral v0.1-v0.3: 32,000-32,768) and Gemma the third;
// everything else the second. A wrong pick moves a 7B file by about 0.1%.
constexpr uint64_t kMilliBytesPerTokenLlama3 = 60993;
constexpr uint64_t kMilliBytesPerTokenBpe = 39024;
constexpr uint64_t kMilliBytesPerTokenSpm = 22423;

uint64_t metadata_estimate(const model_spec& s, std::string& which) {
  const std::string_view fam = s.text_family.empty() ? std::string_view(s.family) : std::string_view(s.text_family);
  const bool llama_like = fam == "llama" || fam == "mistral" || fam == "mixtral" || fam == "llava" || fam == "mllama";
  uint64_t per_token = kMilliBytesPerTokenBpe;
  which = "BPE tokenizer with merges (39.02 bytes per vocabulary entry, measured on Qwen2.5-Coder-7B-Instruct q4_0)";
  if (llama_like && s.vocab_size >= 128000 && s.vocab_size < 129000) {
    per_token = kMilliBytesPerTokenLlama3;
    which = "Llama 3 tokenizer (60.99 bytes per vocabulary entry, measured on bartowski Llama-3.2-1B/3B-Instruct Q4_0)";
  } else if ((llama_like && s.vocab_size <= 32768) || fam == "gemma" || fam == "gemma2" || fam == "gemma3" || fam == "gemma3_text") {
    per_token = kMilliBytesPerTokenSpm;
    which = "SentencePiece tokenizer (22.42 bytes per vocabulary entry, measured on mistral-7b-instruct-v0.1 Q4_0)";
  }
  return s.vocab_size * per_token / 1000;
}

uint64_t decimal_digits(uint64_t v) {
  uint64_t d = 1;
  while (v >= 10) { v /= 10; ++d; }
  return d;
}

}  // namespace

std::vector<uint32_t> tensor_layers(const model_spec& s, const tensor_entry& t) { return layers_of(s, t); }

gguf_plan plan_gguf(const model_spec& s, const inventory& inv, const gguf_file_type& file_type, const gguf_options& options) {
  gguf_plan plan;
  plan.file_type = &file_type;
  plan.n_layer = s.layers.size();

  // The float type of what the converter writes: the file type itself for F32/F16/BF16, else the
  // intermediate GGUF llama-quantize reads (--outtype auto: bf16 for a bfloat16 checkpoint, else f16).
  uint32_t float_type = options.source_type;
  if (float_type == 0xFFFFFFFFu) float_type = s.torch_dtype == "bfloat16" ? gt::BF16 : gt::F16;
  if (!is_quantized(file_type.base_type)) float_type = file_type.base_type;

  // ---- the converter's tensors
  uint64_t skipped_vision = 0, skipped_mtp = 0;
  const bool post_norms = std::any_of(inv.tensors.begin(), inv.tensors.end(), [](const tensor_entry& t) { return split_name(t.name).module == "post_feedforward_layernorm"; });
  for (const auto& t : inv.tensors) {
    if (in_projector_file(t.component)) { skipped_vision += t.instances(); continue; }
    if (t.component == "mtp") { skipped_mtp += t.instances(); continue; }
    const name_parts p = split_name(t.name);
    const std::vector<uint32_t> layers = layers_of(s, t);
    for (const gguf_out& o : convert_entry(s, t, p, post_norms)) {
      gguf_tensor_plan g;
      // Biases keep their projection's name ("blk.{i}.attn_q.bias") but are F32 and never quantized.
      const bool bias = ends_with(o.suffix, ".bias") && o.category != gguf_category::exp_probs_b;
      g.name = t.layer_type.empty() ? o.suffix : "blk.{i}." + o.suffix;
      g.source = t.name;
      g.category = bias ? gguf_category::bias : o.category;
      g.ne = o.ne;
      g.n_dims = o.n_dims;
      g.layer_index = layers;
      // The same GGUF name from two inventory entries (e.g. a norm in both dense and MoE groups): merge.
      bool merged = false;
      for (auto& e : plan.tensors) {
        if (e.name == g.name && e.ne == g.ne && !e.layer_index.empty() && !g.layer_index.empty()) {
          e.layer_index.insert(e.layer_index.end(), g.layer_index.begin(), g.layer_index.end());
          std::sort(e.layer_index.begin(), e.layer_index.end());
          merged = true;
          break;
        }
      }
      if (!merged) plan.tensors.push_back(std::move(g));
    }
  }
  // Llama 3.1+ (rope_scaling rope_type "llama3"): conversion/llama.py LlamaModel.generate_extra_tensors
  // writes rope_freqs.weight, head_dim / 2 F32 factors. config.json's rope_scaling is not in the spec;
  // the Llama family with the Llama 3 vocabulary and a 128K context is taken to mean it.
  if (s.family == "llama" && s.vocab_size >= 128000 && s.vocab_size < 129000 && s.max_position_embeddings >= 131072 && s.head_dim) {
    gguf_tensor_plan g;
    g.name = "rope_freqs.weight";
    g.source = "(rope_scaling: llama3 frequency factors, made by the converter)";
    g.category = gguf_category::rope_freqs;
    g.ne = {s.head_dim / 2, 1, 1, 1};
    g.n_dims = 1;
    plan.tensors.push_back(std::move(g));
    plan.notes.push_back("rope_freqs.weight (" + text_of(s.head_dim / 2) + " F32) assumed from the Llama 3 vocabulary and 128K context: convert_hf_to_gguf.py writes it for rope_type llama3.");
  }
  if (skipped_vision)
    plan.notes.push_back("Vision tower and projector (" + text_of(skipped_vision) + " tensors) left out: convert_hf_to_gguf.py --mmproj writes them to a separate mmproj GGUF.");
  if (skipped_mtp)
    plan.notes.push_back("Multi-token-prediction layers (" + text_of(skipped_mtp) + " tensors) left out, as the DeepSeek converter skips them (conversion/deepseek.py skip_mtp); a conversion that keeps them adds their bytes.");

  // Outside-the-stack tensors first, then the layer tensors by name: the order llama-quantize visits them in
  // (llama_model_loader's weights_map sorts by blk index, then by name).
  std::stable_sort(plan.tensors.begin(), plan.tensors.end(), [](const gguf_tensor_plan& a, const gguf_tensor_plan& b) {
    if (a.layer_index.empty() != b.layer_index.empty()) return a.layer_index.empty();
    return a.name < b.name;
  });

  // ---- hyperparameters llama-quantize's rules read
  quant_state q;
  q.ftype = file_type.ftype;
  q.base = file_type.base_type;
  q.imatrix = options.imatrix;
  q.n_layer = static_cast<int64_t>(s.layers.size());  // hparams.n_layer_all: no MTP block in the file
  q.n_expert = static_cast<int64_t>(s.num_experts);
  bool mla = false;
  for (const auto& l : s.layers) mla |= l.attention == attention_kind::mla;
  // n_gqa() of layer 0; the DeepSeek converter writes head_count_kv = 1 for MLA (conversion/deepseek.py).
  const uint64_t kv_heads = mla ? 1 : s.num_key_value_heads;
  q.n_gqa = kv_heads ? static_cast<int64_t>(s.num_attention_heads / kv_heads) : 0;
  // The GGUF architecture of the text model (architectures.h), which llama-quantize's rules test.
  const architecture* a = find_architecture(s.text_family.empty() ? s.family : s.text_family);
  const std::string_view arch = a ? a->gguf_arch : std::string_view();
  q.falcon = arch == "falcon";  // src/llama-quant.cpp: arch == LLM_ARCH_FALCON
  // LLM_TYPE_70B (src/models/llama.cpp, qwen2.cpp, olmo.cpp, deci.cpp): 80 layers; Llama only with GQA and not
  // 8 experts (those are 8x7B / 8x22B); Qwen2-VL falls through to Qwen2's case.
  q.is_70b = s.layers.size() == 80 &&
             ((arch == "llama" && s.num_experts != 8 && s.num_key_value_heads != s.num_attention_heads) ||
              arch == "qwen2" || arch == "qwen2vl" || arch == "olmo" || arch == "deci");
  plan.n_expert = s.num_experts;
  plan.n_gqa = static_cast<uint64_t>(q.n_gqa);
  for (const auto& t : plan.tensors) {
    if (t.category == gguf_category::output) q.tied = false;
    if (t.n_dims >= 2 && attn_v_like(quant_category(t.name))) q.n_attention_wv += static_cast<int64_t>(t.count());
  }
  plan.tied_output = q.tied;

  // ---- types, outside the stack first, then layer by layer
  for (auto& t : plan.tensors) {
    t.source_type = converter_type(t, float_type);
    t.quantizable = quantize_allowed(t);
    t.layer_type.assign(t.count(), t.source_type);
  }
  const bool quantized_file = is_quantized(file_type.base_type);
  bool needs_imatrix = false;
  auto choose = [&](gguf_tensor_plan& t, int64_t layer, const std::string& name) -> uint32_t {
    if (!t.quantizable) return t.source_type;
    if (!quantized_file) return file_type.base_type;
    const uint32_t mixed = mix_type(q, quant_category(name), layer, t.ne[0], t.n_dims >= 3 ? t.ne[2] : 1);
    bool fell = false;
    const uint32_t r = shape_fallback(mixed, t.ne[0], fell);
    if (fell) ++t.fallbacks;
    if (!options.imatrix && requires_imatrix(t, r, file_type.ftype)) needs_imatrix = true;
    return r;
  };
  for (auto& t : plan.tensors)
    if (t.layer_index.empty()) t.layer_type[0] = choose(t, -1, t.name);
  std::vector<size_t> cursor(plan.tensors.size(), 0);
  for (uint32_t layer = 0; layer < s.layers.size(); ++layer) {
    const std::string prefix = "blk." + text_of(layer) + ".";
    for (size_t k = 0; k < plan.tensors.size(); ++k) {
      auto& t = plan.tensors[k];
      if (t.layer_index.empty() || cursor[k] >= t.layer_index.size() || t.layer_index[cursor[k]] != layer) continue;
      t.layer_type[cursor[k]] = choose(t, layer, prefix + t.name.substr(8));
      ++cursor[k];
    }
  }
  if (needs_imatrix)
    plan.notes.push_back("llama-quantize refuses " + std::string(file_type.name) + " without an importance matrix (--imatrix): some tensors are IQ1/IQ2/IQ3_XXS (tensor_requires_imatrix). Sized as if one were given.");

  // ---- bytes
  for (auto& t : plan.tensors) {
    const uint64_t rows = t.ne[1] * t.ne[2] * t.ne[3];
    for (uint32_t type : t.layer_type) {
      uint64_t row = gguf_row_bytes(type, t.ne[0]);
      if (!row) row = t.ne[0] * 2;  // not reachable: the fallback ends in F16
      const uint64_t each = row * rows;
      auto run = std::find_if(t.runs.begin(), t.runs.end(), [&](const gguf_type_run& r) { return r.type == type; });
      if (run == t.runs.end()) t.runs.push_back({type, 1, each});
      else ++run->tensors;
      t.bytes += each;
      t.elements += t.elements_each();
      plan.padding_bytes += pad32(each) - each;
      auto tot = std::find_if(plan.by_type.begin(), plan.by_type.end(), [&](const gguf_type_total& x) { return x.type == type; });
      if (tot == plan.by_type.end()) plan.by_type.push_back({type, 1, t.elements_each(), each});
      else { ++tot->tensors; tot->elements += t.elements_each(); tot->bytes += each; }
    }
    plan.tensor_bytes += t.bytes;
    plan.elements += t.elements;
    plan.n_tensors += t.count();
    plan.fallback_tensors += t.fallbacks;
    // GGUF tensor info (ggml/src/gguf.cpp): u64 name length + name, u32 n_dims, u64 per dim, u32 type, u64 offset.
    const uint64_t fixed = 8 + 4 + 8 * t.n_dims + 4 + 8;
    if (t.layer_index.empty()) {
      plan.tensor_info_bytes += fixed + t.name.size();
    } else {
      for (uint32_t layer : t.layer_index) plan.tensor_info_bytes += fixed + t.name.size() - 3 + decimal_digits(layer);
    }
  }
  std::sort(plan.by_type.begin(), plan.by_type.end(), [](const gguf_type_total& a, const gguf_type_total& b) { return a.type < b.type; });
  if (plan.fallback_tensors)
    plan.notes.push_back(text_of(plan.fallback_tensors) + " tensors have rows that do not divide into their type's blocks and fall back to another type (tensor_type_fallback).");

  std::string which;
  plan.metadata_bytes = metadata_estimate(s, which);
  plan.notes.push_back("Metadata estimated from the vocabulary: " + which + ".");
  // GGUF header: magic, version, tensor count, key-value count (4 + 4 + 8 + 8 bytes), then the key-values and
  // the tensor infos, padded to the 32-byte alignment before the first tensor.
  plan.header_bytes = pad32(24 + plan.metadata_bytes + plan.tensor_info_bytes);
  plan.file_bytes = plan.header_bytes + plan.tensor_bytes + plan.padding_bytes;
  return plan;
}

}  // namespace neuroshrink
