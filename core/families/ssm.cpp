// State-space models and hybrids: Mamba, Falcon-Mamba, Mamba-2, Jamba, and the Gated DeltaNet hybrids
// (Qwen3-Next, Qwen3.5). Their SSM / linear-attention layers keep a fixed per-sequence state (a conv window
// and the recurrent state) instead of a growing KV cache.
#include <array>
#include <string>
#include <vector>

#include "text.h"
#include "family.h"
#include "ssm_rules.h"

namespace neuroshrink {
namespace {

using group = inventory_builder::group;

// Mamba's selective-scan mixer dimensions (configuration_mamba.py: d_inner = expand x hidden,
// time_step_rank "auto" = ceil(hidden / 16)). `inner_key`, when given, names a config field that
// overrides expand x hidden: MambaConfig sets intermediate_size = expand x hidden in __init__, then
// PretrainedConfig.__init__ sets every remaining config.json key as an attribute, so a saved
// intermediate_size wins, and MambaMixer reads config.intermediate_size (modeling_mamba.py).
// tiiuae/falcon-mamba-7b saves expand 16 beside intermediate_size 8192: its mixers are 8192 wide.
void read_mamba_mixer(config_reader& r, model_spec& s, const char* state_key, const char* conv_key, const char* expand_key,
                      const char* rank_key, uint64_t default_state, const char* inner_key = nullptr) {
  const uint64_t d_state = r.count({state_key}, default_state, 1 << 16);
  const uint64_t d_conv = r.count({conv_key}, 4, 1 << 10);
  const uint64_t expand = r.count({expand_key}, 2, 64);
  uint64_t dt_rank = ceil_div(s.hidden_size, 16);
  if (const config_json* v = r.find({rank_key}); v && !v->is_string()) dt_rank = r.count({rank_key}, dt_rank, limits::hidden);
  uint64_t d_inner = expand * s.hidden_size;
  if (inner_key) d_inner = r.count_or({inner_key}, d_inner, limits::intermediate);
  s.set_dim("d_state", d_state);
  s.set_dim("d_conv", d_conv);
  s.set_dim("d_inner", d_inner);
  s.set_dim("dt_rank", dt_rank);
}

// ---- Mamba: configuration_mamba.py / modeling_mamba.py (MambaMixer, MambaCache); Falcon-Mamba:
// configuration_falcon_mamba.py, the same tensors (its extra RMS norms inside the mixer have no weights).
void read_mamba(config_reader& r, model_spec& s) {
  s.hidden_size = r.count({"hidden_size", "d_model"}, 768, limits::hidden);
  s.num_hidden_layers = r.count({"num_hidden_layers", "n_layer"}, 32, limits::layers);
  s.vocab_size = r.count({"vocab_size"}, 50280, limits::vocab);
  s.tie_word_embeddings = r.flag("tie_word_embeddings", true, true);
  read_mamba_mixer(r, s, "state_size", "conv_kernel", "expand", "time_step_rank", 16, "intermediate_size");
  s.set_dim("use_bias", r.flag("use_bias", false, false));
  s.set_dim("use_conv_bias", r.flag("use_conv_bias", true, false));
  s.intermediate_size = s.dim("d_inner");
  s.num_attention_heads = s.num_key_value_heads = s.head_dim = 0;
  // MambaCache: conv_states [d_inner, d_conv] and ssm_states [d_inner, d_state] per layer and sequence.
  s.layers.assign(s.num_hidden_layers, layer_spec{attention_kind::none});
  for (auto& l : s.layers) l.state_elements = s.dim("d_inner") * (s.dim("d_conv") + s.dim("d_state"));
}

void mamba_mixer(const model_spec& s, inventory_builder& b, const group& g, const std::string& p, bool proj_bias, bool conv_bias,
                 bool jamba_norms) {
  const uint64_t h = s.hidden_size, di = s.dim("d_inner"), ds = s.dim("d_state"), dc = s.dim("d_conv"), r = s.dim("dt_rank");
  b.linear(g, p + ".in_proj", 2 * di, h, tensor_role::ssm, proj_bias);
  b.layer(g, p + ".conv1d.weight", {di, 1, dc}, tensor_role::ssm);
  if (conv_bias) b.layer(g, p + ".conv1d.bias", {di}, tensor_role::ssm);
  b.linear(g, p + ".x_proj", r + 2 * ds, di, tensor_role::ssm, false);
  b.linear(g, p + ".dt_proj", di, r, tensor_role::ssm, true);
  b.layer(g, p + ".A_log", {di, ds}, tensor_role::ssm);
  b.layer(g, p + ".D", {di}, tensor_role::ssm);
  b.linear(g, p + ".out_proj", h, di, tensor_role::ssm, proj_bias);
  if (jamba_norms) {
    b.norm(g, p + ".dt_layernorm", r);
    b.norm(g, p + ".b_layernorm", ds);
    b.norm(g, p + ".c_layernorm", ds);
  }
}

void build_mamba(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size;
  const group g{"mamba", s.num_hidden_layers};
  b.tensor("backbone.embeddings.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "backbone.layers.{i}.norm", h);
  mamba_mixer(s, b, g, "backbone.layers.{i}.mixer", s.dim("use_bias") != 0, s.dim("use_conv_bias") != 0, false);
  b.norm_outside("backbone.norm_f", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Mamba-2: configuration_mamba2.py / modeling_mamba2.py (Mamba2Mixer, Mamba2Cache). One in_proj
// yields z, x, B, C and dt: 2 d_inner + 2 n_groups d_state + num_heads; the conv runs over
// d_inner + 2 n_groups d_state channels; per-head dt_bias, A_log, D; a gated RMSNorm over d_inner.
// Mamba2Mixer takes d_inner = int(expand x hidden_size) itself (a saved intermediate_size is not read)
// and views it as num_heads x head_dim, so the two must agree.
void read_mamba2(config_reader& r, model_spec& s) {
  s.hidden_size = r.count({"hidden_size"}, 4096, limits::hidden);
  s.num_hidden_layers = r.count({"num_hidden_layers"}, 64, limits::layers);
  s.vocab_size = r.count({"vocab_size"}, 32768, limits::vocab);
  s.tie_word_embeddings = r.flag("tie_word_embeddings", false, true);
  const uint64_t heads = r.count({"num_heads"}, 128, limits::heads);
  const uint64_t head_dim = r.count({"head_dim"}, 64, limits::head_dim);
  const uint64_t groups = r.count({"n_groups"}, 8, limits::heads);
  read_mamba_mixer(r, s, "state_size", "conv_kernel", "expand", "time_step_rank", 128);
  s.set_dim("ssm_heads", heads);
  s.set_dim("ssm_head_dim", head_dim);
  s.set_dim("n_groups", groups);
  s.set_dim("use_bias", r.flag("use_bias", false, false));
  s.set_dim("use_conv_bias", r.flag("use_conv_bias", true, false));
  s.intermediate_size = s.dim("d_inner");
  s.num_attention_heads = s.num_key_value_heads = s.head_dim = 0;
  if (heads * head_dim != s.dim("d_inner"))
    r.warn("inconsistent_ssm_heads", r.field_name("num_heads"),
           "num_heads x head_dim (" + text_of(heads * head_dim) + ") differs from expand x hidden_size (" +
               text_of(s.dim("d_inner")) + "), which Mamba2Mixer reshapes into those heads; transformers cannot load this config.");
  const uint64_t conv_dim = s.dim("d_inner") + 2 * groups * s.dim("d_state");
  s.set_dim("conv_dim", conv_dim);
  // Mamba2Cache: conv_states [conv_dim, d_conv], ssm_states [num_heads, head_dim, d_state].
  s.layers.assign(s.num_hidden_layers, layer_spec{attention_kind::none});
  for (auto& l : s.layers) l.state_elements = conv_dim * s.dim("d_conv") + heads * head_dim * s.dim("d_state");
}

void build_mamba2(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, di = s.dim("d_inner"), ds = s.dim("d_state"), dc = s.dim("d_conv");
  const uint64_t nh = s.dim("ssm_heads"), ng = s.dim("n_groups"), conv_dim = s.dim("conv_dim");
  const bool bias = s.dim("use_bias") != 0;
  const group g{"mamba2", s.num_hidden_layers};
  b.tensor("backbone.embeddings.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "backbone.layers.{i}.norm", h);
  b.linear(g, "backbone.layers.{i}.mixer.in_proj", 2 * di + 2 * ng * ds + nh, h, tensor_role::ssm, bias);
  b.layer(g, "backbone.layers.{i}.mixer.conv1d.weight", {conv_dim, 1, dc}, tensor_role::ssm);
  if (s.dim("use_conv_bias")) b.layer(g, "backbone.layers.{i}.mixer.conv1d.bias", {conv_dim}, tensor_role::ssm);
  b.layer(g, "backbone.layers.{i}.mixer.dt_bias", {nh}, tensor_role::ssm);
  b.layer(g, "backbone.layers.{i}.mixer.A_log", {nh}, tensor_role::ssm);
  b.layer(g, "backbone.layers.{i}.mixer.D", {nh}, tensor_role::ssm);
  b.norm(g, "backbone.layers.{i}.mixer.norm", di);
  b.linear(g, "backbone.layers.{i}.mixer.out_proj", h, di, tensor_role::ssm, bias);
  b.norm_outside("backbone.norm_f", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Jamba: configuration_jamba.py / modeling_jamba.py. Attention on layers where
// i % attn_layer_period == attn_layer_offset, Mamba elsewhere (with dt/B/C RMS norms); routed experts where
// i % expert_layer_period == expert_layer_offset, a dense MLP elsewhere.
enum jamba_bits : uint8_t { kJambaAttention = 1 };

void read_jamba(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 65536, .hidden_size = 4096, .intermediate_size = 14336, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 8, .max_position_embeddings = 262144});
  s.num_experts = r.count({"num_experts"}, 16, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 2, limits::experts);
  read_mamba_mixer(r, s, "mamba_d_state", "mamba_d_conv", "mamba_expand", "mamba_dt_rank", 16);
  s.set_dim("mamba_conv_bias", r.flag("mamba_conv_bias", true, false));
  s.set_dim("mamba_proj_bias", r.flag("mamba_proj_bias", false, false));
  const uint64_t ap = r.count_or({"attn_layer_period"}, 8, limits::layers), ao = r.whole_or({"attn_layer_offset"}, 4, limits::layers);
  const uint64_t ep = r.count_or({"expert_layer_period"}, 2, limits::layers), eo = r.whole_or({"expert_layer_offset"}, 1, limits::layers);
  const uint64_t state = s.dim("d_inner") * (s.dim("d_conv") + s.dim("d_state"));
  for (size_t i = 0; i < s.layers.size(); ++i) {
    auto& l = s.layers[i];
    if (i % ap == ao) {
      l.variant = kJambaAttention;
    } else {
      l.attention = attention_kind::none;
      l.k_elements = l.v_elements = 0;
      l.state_elements = state;
    }
    l.moe = s.num_experts > 1 && i % ep == eo;
  }
}

void build_jamba(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const uint64_t E = s.num_experts, k = s.experts_per_token;
  uint64_t counts[2][2] = {};  // [attention][moe]
  for (const auto& l : s.layers) ++counts[l.variant & kJambaAttention][l.moe];
  static constexpr std::string_view kNames[2][2] = {{"mamba_dense", "mamba_moe"}, {"attention_dense", "attention_moe"}};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  for (int attn = 0; attn < 2; ++attn)
    for (int moe = 0; moe < 2; ++moe) {
      const group g{kNames[attn][moe], counts[attn][moe]};
      if (!g.layers) continue;
      b.norm(g, "model.layers.{i}.input_layernorm", h);
      b.norm(g, "model.layers.{i}.pre_ff_layernorm", h);
      if (attn) {
        b.attention(g, "model.layers.{i}.self_attn", s, false, false);
      } else {
        mamba_mixer(s, b, g, "model.layers.{i}.mamba", s.dim("mamba_proj_bias") != 0, s.dim("mamba_conv_bias") != 0, true);
      }
      if (moe) {
        b.linear(g, "model.layers.{i}.feed_forward.router", E, h, tensor_role::router, false);
        b.gated_mlp(g, "model.layers.{i}.feed_forward.experts.{e}", h, i, false, tensor_role::expert, E, k);
      } else {
        b.gated_mlp(g, "model.layers.{i}.feed_forward", h, i, false);
      }
    }
  b.norm_outside("model.final_layernorm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Gated DeltaNet hybrids: Qwen3-Next (configuration_qwen3_next.py, modeling_qwen3_next.py) and the
// text models of Qwen3.5 / Qwen3.5-MoE (configuration_qwen3_5.py, modeling_qwen3_5.py, configuration_qwen3_5_moe.py,
// modeling_qwen3_5_moe.py). layer_types names each layer "linear_attention" (Gated DeltaNet: q, k, v, z, b and
// a projections, a depthwise conv over q||k||v, per-value-head dt_bias and A_log, a gated RMSNorm over one
// value head, out_proj) or "full_attention" (q_proj doubled for the output gate, per-head q/k norms); absent,
// every full_attention_interval-th layer (default 4) is full. All norms are weights (zero-centred RMSNorm).
// Qwen3-Next's MLP is MoE where (i + 1) % decoder_sparse_step == 0 outside mlp_only_layers, Qwen3.5-MoE's in
// every layer (routed experts, a shared expert and its sigmoid gate), Qwen3.5's dense. The multi-token-prediction
// head (mtp.*: fc over [embedding, hidden], two pre-norms, full-attention layers, a norm) is in the Hub
// checkpoints but not loaded by transformers (_keys_to_ignore_on_load_unexpected "^mtp.*"): reported apart.
// Its depth: mtp_num_hidden_layers (Qwen3.5), num_nextn_predict_layers (Qwen3-Next, absent = 1 as
// vLLM's qwen3_next_mtp.py reads it).
enum gdn_bits : uint8_t { kGdnLinear = 1 };
// The inventory groups, [linear][moe].
constexpr std::string_view kGdnBlocks[2][2] = {{"attention_dense", "attention_moe"}, {"linear_attention_dense", "linear_attention_moe"}};

struct gdn_defaults {
  decoder_defaults decoder;
  uint64_t experts, experts_per_token, moe_intermediate, shared_intermediate;
  bool moe_every_layer;    // Qwen3.5-MoE: no dense layers and no decoder_sparse_step
  const char* mtp_key;
  uint64_t mtp_default;
};

void read_gdn(config_reader& r, model_spec& s, const gdn_defaults& d) {
  read_decoder(r, s, d.decoder);
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.qk_norm = true;
  const uint64_t nk = r.count({"linear_num_key_heads"}, 16, limits::heads), nv = r.count({"linear_num_value_heads"}, 32, limits::heads);
  const uint64_t dk = r.count({"linear_key_head_dim"}, 128, limits::head_dim), dv = r.count({"linear_value_head_dim"}, 128, limits::head_dim);
  const uint64_t kernel = r.count({"linear_conv_kernel_dim"}, 4, 1 << 10);
  const uint64_t conv_dim = 2 * nk * dk + nv * dv;
  s.set_dim("gdn_key_heads", nk);
  s.set_dim("gdn_value_heads", nv);
  s.set_dim("gdn_key_dim", dk);
  s.set_dim("gdn_value_dim", dv);
  s.set_dim("d_conv", kernel);
  s.set_dim("conv_dim", conv_dim);
  if (d.experts) {
    s.num_experts = r.count({"num_experts"}, d.experts, limits::experts);
    s.experts_per_token = r.count({"num_experts_per_tok"}, d.experts_per_token, limits::experts);
    s.moe_intermediate_size = r.count({"moe_intermediate_size"}, d.moe_intermediate, limits::intermediate);
    const uint64_t si = r.count_or({"shared_expert_intermediate_size"}, d.shared_intermediate, limits::intermediate);
    s.set_dim("shared_expert_intermediate_size", si);
    s.num_shared_experts = si ? 1 : 0;
  }
  s.mtp_layers = r.whole_or({d.mtp_key}, d.mtp_default, 64);
  // Which layers are linear: layer_types, else every interval-th layer full.
  std::vector<bool> linear(s.layers.size(), false);
  if (std::vector<std::string> types; read_layer_types(r, s, types)) {
    if (types.empty()) return;  // inconsistent_layers
    for (size_t i = 0; i < types.size(); ++i) {
      if (types[i] == "linear_attention") linear[i] = true;
      else if (types[i] != "full_attention") return unknown_layer_type(r, i, types[i]);
    }
  } else {
    const uint64_t interval = r.count_or({"full_attention_interval"}, 4, limits::layers);
    for (size_t i = 0; i < s.layers.size(); ++i) linear[i] = (i + 1) % interval != 0;
  }
  std::vector<bool> dense_only(s.layers.size(), false);
  uint64_t step = 1;
  if (d.experts && !d.moe_every_layer) {
    step = r.count_or({"decoder_sparse_step"}, 1, limits::layers);
    if (const config_json* m = r.find({"mlp_only_layers"}); m && m->is_array())
      for (const auto& x : *m)
        if (x.is_number_unsigned() && x.get<uint64_t>() < dense_only.size()) dense_only[x.get<uint64_t>()] = true;
  }
  // Per sequence and linear layer: a conv window of kernel x conv_dim in the model dtype and the recurrent
  // state nv x dk x dv in fp32 (transformers' Qwen3NextDynamicCache / Qwen3_5DynamicCache).
  for (size_t i = 0; i < s.layers.size(); ++i) {
    auto& l = s.layers[i];
    if (linear[i]) {
      l.variant = kGdnLinear;
      l.attention = attention_kind::none;
      l.k_elements = l.v_elements = 0;
      l.state_fp32_elements = nv * dk * dv;
      l.state_elements = conv_dim * kernel + l.state_fp32_elements;
    }
    l.moe = s.num_experts > 0 && !dense_only[i] && (i + 1) % step == 0;
    l.block = kGdnBlocks[linear[i]][l.moe];
  }
}

void read_qwen3_next(config_reader& r, model_spec& s) {
  read_gdn(r, s, {{.vocab_size = 151936, .hidden_size = 2048, .intermediate_size = 5632, .num_hidden_layers = 48,
                   .num_attention_heads = 16, .num_key_value_heads = 2, .head_dim = 256},
                  512, 10, 512, 512, false, "num_nextn_predict_layers", 1});
}

void read_qwen3_5_text(config_reader& r, model_spec& s) {
  read_gdn(r, s, {{.vocab_size = 248320, .hidden_size = 4096, .intermediate_size = 12288, .num_hidden_layers = 32,
                   .num_attention_heads = 16, .num_key_value_heads = 4, .head_dim = 256},
                  0, 0, 0, 0, false, "mtp_num_hidden_layers", 0});
}

void read_qwen3_5_moe_text(config_reader& r, model_spec& s) {
  read_gdn(r, s, {{.vocab_size = 248320, .hidden_size = 2048, .num_hidden_layers = 40, .num_attention_heads = 16,
                   .num_key_value_heads = 2, .head_dim = 256, .read_intermediate = false},
                  256, 8, 512, 512, true, "mtp_num_hidden_layers", 0});
}

// A full-attention layer with its output gate and q/k norms, and the layer's MLP (dense or MoE).
void gdn_attention(const model_spec& s, inventory_builder& b, const group& g, const std::string& p) {
  const uint64_t h = s.hidden_size, hd = s.head_dim, q = s.num_attention_heads * hd, kv = s.num_key_value_heads * hd;
  b.linear(g, p + ".self_attn.q_proj", 2 * q, h, tensor_role::attention, s.qkv_bias);
  b.linear(g, p + ".self_attn.k_proj", kv, h, tensor_role::attention, s.qkv_bias);
  b.linear(g, p + ".self_attn.v_proj", kv, h, tensor_role::attention, s.qkv_bias);
  b.linear(g, p + ".self_attn.o_proj", h, q, tensor_role::attention, s.o_bias);
  b.norm(g, p + ".self_attn.q_norm", hd);
  b.norm(g, p + ".self_attn.k_norm", hd);
}

void gdn_mlp(const model_spec& s, inventory_builder& b, const group& g, const std::string& p, bool moe) {
  const uint64_t h = s.hidden_size;
  if (!moe) return b.gated_mlp(g, p + ".mlp", h, s.intermediate_size, false);
  b.linear(g, p + ".mlp.gate", s.num_experts, h, tensor_role::router, false);
  b.gated_mlp(g, p + ".mlp.experts.{e}", h, s.moe_intermediate_size, false, tensor_role::expert, s.num_experts, s.experts_per_token);
  if (s.num_shared_experts) {
    b.gated_mlp(g, p + ".mlp.shared_expert", h, s.dim("shared_expert_intermediate_size"), false, tensor_role::shared_expert);
    b.linear(g, p + ".mlp.shared_expert_gate", 1, h, tensor_role::router, false);
  }
}

void build_gdn(const model_spec& s, inventory_builder& b) { build_gdn_text(s, b, "model."); }

// ---- Nemotron-H (NVIDIA Nemotron-H, Nemotron-3 Nano / Super / Ultra): configuration_nemotron_h.py /
// modeling_nemotron_h.py (transformers; the checkpoints' remote code has the same tensors under backbone.).
// A stack of pre-norm blocks, each one of: M, a Mamba-2 mixer whose inner width is mamba_num_heads x
// mamba_head_dim (expand is not read); *, grouped-query attention without rotary tensors or biases; -, a
// non-gated squared-ReLU MLP (up_proj, down_proj); E, a sigmoid-routed MoE of non-gated experts with one shared
// expert at hidden width and, with moe_latent_size, the routed experts at the latent width behind
// fc1_latent_proj / fc2_latent_proj. The schedule is layers_block_type (mamba / linear_attention, attention /
// full_attention, mlp, moe), else hybrid_override_pattern (M * - E), else the class default. The router's
// e_score_correction_bias is a buffer (stored, not a parameter: transformers' num_parameters(), and so the
// Hub's declared total, leave it out). The MTP head (num_nextn_predict_layers, blocks of
// mtp_hybrid_override_pattern, default "*E") is in the checkpoints only: reported apart.
enum nemotron_h_block : uint8_t { kNhMamba, kNhAttention, kNhMlp, kNhMoe };
constexpr std::string_view kNhBlocks[4] = {"mamba", "attention", "mlp", "moe"};  // the inventory groups

bool nemotron_h_blocks(config_reader& r, const char* list_key, const char* pattern_key, std::string_view fallback,
                       std::vector<uint8_t>& out) {
  out.clear();
  if (const config_json* list = r.find({list_key}); list && list->is_array()) {
    for (const auto& x : *list) {
      const std::string t = x.is_string() ? x.get<std::string>() : "";
      if (t == "mamba" || t == "linear_attention") out.push_back(kNhMamba);
      else if (t == "attention" || t == "full_attention") out.push_back(kNhAttention);
      else if (t == "mlp") out.push_back(kNhMlp);
      else if (t == "moe") out.push_back(kNhMoe);
      else {
        r.error("unknown_layer_type", r.field_name(list_key), "\"" + t + "\" in " + list_key + " is not a Nemotron-H block (mamba, attention, mlp, moe).");
        return false;
      }
    }
    return true;
  }
  std::string pattern(fallback);
  if (const config_json* p = r.find({pattern_key}); p && p->is_string()) pattern = p->get<std::string>();
  for (char c : pattern) {
    if (c == 'M') out.push_back(kNhMamba);
    else if (c == '*') out.push_back(kNhAttention);
    else if (c == '-') out.push_back(kNhMlp);
    else if (c == 'E') out.push_back(kNhMoe);
    else {
      r.error("unknown_layer_type", r.field_name(pattern_key), std::string("'") + c + "' in " + pattern_key + " is not a Nemotron-H block (M, *, -, E).");
      return false;
    }
  }
  return true;
}

void read_nemotron_h(config_reader& r, model_spec& s) {
  std::vector<uint8_t> blocks, mtp_blocks;
  // configuration_nemotron_h.py: layers_block_type defaults to linear_attention, moe, full_attention, mlp.
  if (!nemotron_h_blocks(r, "layers_block_type", "hybrid_override_pattern", "ME*-", blocks)) return;
  if (blocks.empty() || blocks.size() > limits::layers) {
    r.error("invalid_value", r.field_name("hybrid_override_pattern"), "The layer schedule lists " + text_of(blocks.size()) + " blocks.");
    return;
  }
  s.hidden_size = r.count({"hidden_size"}, 4096, limits::hidden);
  s.vocab_size = r.count({"vocab_size"}, 131072, limits::vocab);
  s.num_hidden_layers = blocks.size();
  s.tie_word_embeddings = r.flag("tie_word_embeddings", false, true);
  s.num_attention_heads = r.count({"num_attention_heads"}, 32, limits::heads);
  s.num_key_value_heads = r.count_or({"num_key_value_heads"}, s.num_attention_heads, limits::heads);
  s.head_dim = r.count_or({"head_dim", "attention_head_dim"}, 128, limits::head_dim);
  s.max_position_embeddings = r.count_or({"max_position_embeddings"}, 0, limits::positions);
  s.intermediate_size = r.count({"intermediate_size"}, 21504, limits::intermediate);
  s.set_dim("mlp_bias", r.flag("mlp_bias", false, false));
  s.set_dim("use_bias", r.flag("use_bias", false, false));
  s.set_dim("use_conv_bias", r.flag("use_conv_bias", true, false));
  const uint64_t nh = r.count({"mamba_num_heads"}, 128, limits::heads), hd = r.count({"mamba_head_dim"}, 64, limits::head_dim);
  const uint64_t n_state = r.count({"ssm_state_size"}, 128, 1 << 16), groups = r.count({"n_groups", "mamba_n_groups"}, 8, limits::heads);
  const uint64_t kernel = r.count({"conv_kernel", "mamba_d_conv"}, 4, 1 << 10);
  const uint64_t inner = nh * hd, conv_dim = inner + 2 * groups * n_state;
  s.set_dim("ssm_heads", nh);
  s.set_dim("d_inner", inner);
  s.set_dim("d_state", n_state);
  s.set_dim("n_groups", groups);
  s.set_dim("d_conv", kernel);
  s.set_dim("conv_dim", conv_dim);
  s.num_experts = r.count({"n_routed_experts", "num_local_experts"}, 8, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 2, limits::experts);
  s.moe_intermediate_size = r.count({"moe_intermediate_size"}, 7688, limits::intermediate);
  s.set_dim("shared_expert_intermediate_size", r.count({"moe_shared_expert_intermediate_size"}, 7688, limits::intermediate));
  s.set_dim("moe_latent_size", r.count_or({"moe_latent_size"}, 0, limits::hidden));
  s.mtp_layers = r.whole_or({"num_nextn_predict_layers"}, 0, 64);
  if (s.mtp_layers && !nemotron_h_blocks(r, "mtp_layers_block_type", "mtp_hybrid_override_pattern", "*E", mtp_blocks)) return;
  // Each MTP step's blocks, counted by kind (the builder needs only how many of each).
  uint64_t mtp_kinds[4] = {};
  for (uint8_t kind : mtp_blocks) ++mtp_kinds[kind];
  for (uint8_t kind = 0; kind < 4; ++kind) s.set_dim("mtp_" + std::string(kNhBlocks[kind]) + "_blocks", mtp_kinds[kind]);
  // The SSM state's dtype: mamba_ssm_cache_dtype (default "float32"), as vLLM applies it.
  std::string ssm_dtype = r.text({"mamba_ssm_cache_dtype"});
  const bool ssm_fp32 = ssm_dtype.empty() || ssm_dtype == "float32";
  s.layers.assign(blocks.size(), layer_spec{attention_kind::none});
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto& l = s.layers[i];
    l.variant = blocks[i];
    l.block = kNhBlocks[blocks[i]];
    l.moe = blocks[i] == kNhMoe;
    if (blocks[i] == kNhAttention) {
      l.attention = attention_kind::full;
      l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
    } else if (blocks[i] == kNhMamba) {
      // Per sequence: the conv window conv_dim x conv_kernel and the SSM state heads x head_dim x state.
      l.state_elements = conv_dim * kernel + nh * hd * n_state;
      l.state_fp32_elements = ssm_fp32 ? nh * hd * n_state : 0;
    }
  }
}

void nemotron_h_block(const model_spec& s, inventory_builder& b, const group& g, const std::string& p, uint8_t kind) {
  const uint64_t h = s.hidden_size, di = s.dim("d_inner"), ds = s.dim("d_state"), nh = s.dim("ssm_heads");
  const uint64_t ng = s.dim("n_groups"), conv = s.dim("conv_dim");
  const bool mlp_bias = s.dim("mlp_bias") != 0, bias = s.dim("use_bias") != 0;
  b.norm(g, p + ".norm", h);
  switch (kind) {
    case kNhMamba:
      b.linear(g, p + ".mixer.in_proj", 2 * di + 2 * ng * ds + nh, h, tensor_role::ssm, bias);
      b.layer(g, p + ".mixer.conv1d.weight", {conv, 1, s.dim("d_conv")}, tensor_role::ssm);
      if (s.dim("use_conv_bias")) b.layer(g, p + ".mixer.conv1d.bias", {conv}, tensor_role::ssm);
      b.layer(g, p + ".mixer.dt_bias", {nh}, tensor_role::ssm);
      b.layer(g, p + ".mixer.A_log", {nh}, tensor_role::ssm);
      b.layer(g, p + ".mixer.D", {nh}, tensor_role::ssm);
      b.norm(g, p + ".mixer.norm", di);
      b.linear(g, p + ".mixer.out_proj", h, di, tensor_role::ssm, bias);
      break;
    case kNhAttention:
      b.attention(g, p + ".mixer", s, false, false);
      break;
    case kNhMlp:
      b.linear(g, p + ".mixer.up_proj", s.intermediate_size, h, tensor_role::mlp, mlp_bias);
      b.linear(g, p + ".mixer.down_proj", h, s.intermediate_size, tensor_role::mlp, mlp_bias);
      break;
    case kNhMoe: {
      const uint64_t lat = s.dim("moe_latent_size"), w = lat ? lat : h, E = s.num_experts, k = s.experts_per_token;
      const uint64_t mi = s.moe_intermediate_size, si = s.dim("shared_expert_intermediate_size");
      b.linear(g, p + ".mixer.gate", E, h, tensor_role::router, false);
      b.linear(g, p + ".mixer.experts.{e}.up_proj", mi, w, tensor_role::expert, false, E, k);
      b.linear(g, p + ".mixer.experts.{e}.down_proj", w, mi, tensor_role::expert, false, E, k);
      b.linear(g, p + ".mixer.shared_experts.up_proj", si, h, tensor_role::shared_expert, mlp_bias);
      b.linear(g, p + ".mixer.shared_experts.down_proj", h, si, tensor_role::shared_expert, mlp_bias);
      if (lat) {
        b.linear(g, p + ".mixer.fc1_latent_proj", lat, h, tensor_role::expert, mlp_bias);
        b.linear(g, p + ".mixer.fc2_latent_proj", h, lat, tensor_role::expert, mlp_bias);
      }
      break;
    }
  }
}

void build_nemotron_h(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size;
  uint64_t counts[4] = {};
  for (const auto& l : s.layers) ++counts[l.variant & 3];
  b.tensor("backbone.embeddings.weight", {s.vocab_size, h}, tensor_role::embedding);
  for (uint8_t kind = 0; kind < 4; ++kind)
    if (counts[kind]) nemotron_h_block(s, b, group{kNhBlocks[kind], counts[kind]}, "backbone.layers.{i}", kind);
  b.norm_outside("backbone.norm_f", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
  // MTP (vllm nemotron_h_mtp.py): per step, enorm, hnorm and eh_proj [H, 2H] before the first block, the
  // pattern's blocks, final_layernorm after the last.
  if (s.mtp_layers) {
    static constexpr std::string_view kMtp[4] = {"mtp_mamba", "mtp_attention", "mtp_mlp", "mtp_moe"};
    const group step{"mtp_layer", s.mtp_layers, "mtp"};
    b.norm(step, "mtp.layers.{i}.enorm", h);
    b.norm(step, "mtp.layers.{i}.hnorm", h);
    b.linear(step, "mtp.layers.{i}.eh_proj", h, 2 * h, tensor_role::other, false);
    b.norm(step, "mtp.layers.{i}.final_layernorm", h);
    for (uint8_t kind = 0; kind < 4; ++kind)
      if (const uint64_t n = s.dim("mtp_" + std::string(kNhBlocks[kind]) + "_blocks"))
        nemotron_h_block(s, b, group{kMtp[kind], s.mtp_layers * n, "mtp"}, "mtp.layers.{i}", kind);
  }
}

// ---- LFM2 (LiquidAI): configuration_lfm2.py / modeling_lfm2.py. Attention layers (full_attention in layer_types,
// else the indices in full_attn_idxs; every layer when neither is given) and short-convolution layers ("conv"): a
// gated depthwise conv of conv_L_cache taps, in_proj [3h, h], conv [h, 1, L] and out_proj [h, h] (biased with
// conv_bias). Every layer has operator_norm, ffn_norm and a SwiGLU of w1/w3 [ff, h], w2 [h, ff], where ff is
// block_ff_dim (intermediate_size), made 2/3 of it, times block_ffn_dim_multiplier and rounded up to
// block_multiple_of when block_auto_adjust_ff_dim (Lfm2MLP). Attention: q/k/v/out_proj without biases and per-head
// q_layernorm/k_layernorm; the final norm is embedding_norm; tied unless tie_embedding says otherwise. A conv
// layer keeps h x conv_L_cache per sequence (transformers' Lfm2HybridConvCache; llama.cpp one column fewer).
// Class defaults: vocab 65536, hidden 2560, ff 12288, 32 layers, 32 heads, 8 KV heads, L_cache 3, 128000 positions.
void read_lfm2(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 65536, .hidden_size = 2560, .num_hidden_layers = 32, .num_attention_heads = 32,
                      .num_key_value_heads = 8, .max_position_embeddings = 128000, .tie_word_embeddings = true,
                      .read_intermediate = false});
  if (r.has({"tie_embedding"})) s.tie_word_embeddings = r.flag("tie_embedding", true, false);
  uint64_t ff = r.count({"intermediate_size", "block_ff_dim"}, 12288, limits::intermediate);
  if (r.flag("block_auto_adjust_ff_dim", true, false)) {
    ff = 2 * ff / 3;  // int(2 * ff / 3)
    if (const config_json* m = r.find({"block_ffn_dim_multiplier"}); m && m->is_number() && m->get<double>() > 0 && m->get<double>() < 64)
      ff = static_cast<uint64_t>(m->get<double>() * static_cast<double>(ff));
    const uint64_t multiple = r.count_or({"block_multiple_of"}, 256, limits::intermediate);
    ff = (ff + multiple - 1) / multiple * multiple;
  }
  s.intermediate_size = ff;
  const uint64_t taps = r.count_or({"conv_L_cache"}, 3, 64);
  s.set_dim("conv_L_cache", taps);
  s.set_dim("conv_dim", s.hidden_size);
  s.set_dim("conv_bias", r.flag("conv_bias", false, false));
  std::vector<bool> attention(s.layers.size(), true);
  if (std::vector<std::string> types; read_layer_types(r, s, types)) {
    if (types.empty()) return;  // inconsistent_layers
    for (size_t i = 0; i < types.size(); ++i) {
      if (types[i] == "conv") attention[i] = false;
      else if (types[i] != "full_attention") return unknown_layer_type(r, i, types[i]);
    }
  } else if (const config_json* idx = r.find({"full_attn_idxs"}); idx && idx->is_array()) {
    std::fill(attention.begin(), attention.end(), false);
    for (const auto& x : *idx)
      if (x.is_number_unsigned() && x.get<uint64_t>() < attention.size()) attention[x.get<uint64_t>()] = true;
  }
  for (size_t i = 0; i < s.layers.size(); ++i) {
    auto& l = s.layers[i];
    l.block = attention[i] ? "attention_block" : "conv_block";
    if (attention[i]) continue;
    l.attention = attention_kind::none;
    l.k_elements = l.v_elements = 0;
    l.state_elements = s.hidden_size * taps;
  }
}

void build_lfm2(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, ff = s.intermediate_size, hd = s.head_dim;
  const bool bias = s.dim("conv_bias") != 0;
  uint64_t conv = 0;
  for (const auto& l : s.layers) conv += l.attention == attention_kind::none;
  const group att{"attention_block", s.num_hidden_layers - conv}, cv{"conv_block", conv};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  for (const group& g : {att, cv}) {
    b.norm(g, "model.layers.{i}.operator_norm", h);
    b.norm(g, "model.layers.{i}.ffn_norm", h);
    b.linear(g, "model.layers.{i}.feed_forward.w1", ff, h, tensor_role::mlp, false);
    b.linear(g, "model.layers.{i}.feed_forward.w3", ff, h, tensor_role::mlp, false);
    b.linear(g, "model.layers.{i}.feed_forward.w2", h, ff, tensor_role::mlp, false);
  }
  b.attention(att, "model.layers.{i}.self_attn", s, false, false, "out_proj");
  b.norm(att, "model.layers.{i}.self_attn.q_layernorm", hd);
  b.norm(att, "model.layers.{i}.self_attn.k_layernorm", hd);
  b.linear(cv, "model.layers.{i}.conv.in_proj", 3 * h, h, tensor_role::ssm, bias);
  if (conv) {
    b.layer(cv, "model.layers.{i}.conv.conv.weight", {h, 1, s.dim("conv_L_cache")}, tensor_role::ssm);
    if (bias) b.layer(cv, "model.layers.{i}.conv.conv.bias", {h}, tensor_role::ssm);
  }
  b.linear(cv, "model.layers.{i}.conv.out_proj", h, h, tensor_role::ssm, bias);
  b.norm_outside("model.embedding_norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Granite 4.0 hybrids (granitemoehybrid): configuration_granitemoehybrid.py / modular_granitemoehybrid.py.
// layer_types (older configs: layers_block_type) names each layer "mamba" (Bamba's Mamba-2 mixer: in_proj
// [2 d_in + 2 groups x d_state + heads, h], conv1d over d_in + 2 groups x d_state with a bias when mamba_conv_bias,
// dt_bias / A_log / D per head, a gated RMSNorm over d_in, out_proj; biases when mamba_proj_bias) or "attention"
// (q/k/v/o, attention_bias, head_dim hidden / heads); absent, every layer is mamba. Every layer then has the MoE
// when num_local_experts > 0 (router.layer [E, h], input_linear [E, 2 x intermediate_size, h] and output_linear
// [E, h, intermediate_size], stored fused) and a shared MLP of shared_intermediate_size (input_linear [2S, h],
// output_linear [h, S]). Cache: attention layers K and V; mamba layers conv_dim x d_conv and heads x d_head x d_state
// per sequence (transformers' HybridMambaAttentionDynamicCache). Class defaults: vocab 32000, hidden 4096,
// intermediate 1024, shared 1024, 32 layers, 32 heads, 8 experts top-2, mamba 128 heads, 1 group, d_state 256,
// d_conv 4, expand 2, untied.
void read_granitemoehybrid(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32000, .hidden_size = 4096, .intermediate_size = 1024, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.num_experts = r.whole_or({"num_local_experts"}, 8, limits::experts);
  if (s.num_experts) s.experts_per_token = r.count({"num_experts_per_tok"}, 2, limits::experts);
  s.moe_intermediate_size = s.intermediate_size;
  s.set_dim("shared_intermediate_size", r.count({"shared_intermediate_size"}, 1024, limits::intermediate));
  const uint64_t heads = r.count({"mamba_n_heads"}, 128, limits::heads), groups = r.count({"mamba_n_groups"}, 1, limits::heads);
  const uint64_t d_state = r.count({"mamba_d_state"}, 256, 1 << 16), d_conv = r.count({"mamba_d_conv"}, 4, 1 << 10);
  const uint64_t expand = r.count({"mamba_expand"}, 2, 64), d_in = expand * s.hidden_size;
  uint64_t d_head = d_in / heads;  // mamba_d_head "auto"
  if (const config_json* v = r.find({"mamba_d_head"}); v && !v->is_string()) d_head = r.count({"mamba_d_head"}, d_head, limits::head_dim);
  if (heads * d_head != d_in)
    r.warn("inconsistent_ssm_heads", r.field_name("mamba_n_heads"), "mamba_n_heads x mamba_d_head (" + text_of(heads * d_head) +
           ") differs from mamba_expand x hidden_size (" + text_of(d_in) + "), which the mixer splits into those heads.");
  const uint64_t conv_dim = d_in + 2 * groups * d_state;
  for (auto [k, v] : {std::pair<const char*, uint64_t>{"ssm_heads", heads}, {"n_groups", groups}, {"d_state", d_state}, {"d_conv", d_conv},
                      {"d_inner", d_in}, {"ssm_head_dim", d_head}, {"conv_dim", conv_dim}})
    s.set_dim(k, v);
  s.set_dim("use_conv_bias", r.flag("mamba_conv_bias", true, false));
  s.set_dim("use_bias", r.flag("mamba_proj_bias", false, false));
  std::vector<bool> attention(s.layers.size(), false);
  if (std::vector<std::string> types; read_layer_types(r, s, types)) {
    if (types.empty()) return;  // inconsistent_layers
    for (size_t i = 0; i < types.size(); ++i) {
      if (types[i] == "attention") attention[i] = true;
      else if (types[i] != "mamba") return unknown_layer_type(r, i, types[i]);
    }
  } else if (const config_json* t = r.find({"layers_block_type"}); t && t->is_array() && t->size() == s.layers.size()) {
    for (size_t i = 0; i < attention.size(); ++i) attention[i] = (*t)[i].is_string() && (*t)[i].get<std::string>() == "attention";
  }
  for (size_t i = 0; i < s.layers.size(); ++i) {
    auto& l = s.layers[i];
    l.moe = s.num_experts > 0;
    l.block = attention[i] ? "attention_block" : "mamba_block";
    if (attention[i]) continue;
    l.attention = attention_kind::none;
    l.k_elements = l.v_elements = 0;
    l.state_elements = conv_dim * d_conv + heads * d_head * d_state;
  }
}

void build_granitemoehybrid(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, di = s.dim("d_inner"), nh = s.dim("ssm_heads"), si = s.dim("shared_intermediate_size");
  const uint64_t E = s.num_experts, I = s.moe_intermediate_size, proj = 2 * di + 2 * s.dim("n_groups") * s.dim("d_state") + nh;
  const bool bias = s.dim("use_bias") != 0;
  uint64_t mamba = 0;
  for (const auto& l : s.layers) mamba += l.attention == attention_kind::none;
  const group all{"decoder", s.num_hidden_layers}, att{"attention_block", s.num_hidden_layers - mamba}, mb{"mamba_block", mamba};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(all, "model.layers.{i}.input_layernorm", h);
  b.norm(all, "model.layers.{i}.post_attention_layernorm", h);
  b.attention(att, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  b.linear(mb, "model.layers.{i}.mamba.in_proj", proj, h, tensor_role::ssm, bias);
  if (mamba) {
    b.layer(mb, "model.layers.{i}.mamba.conv1d.weight", {s.dim("conv_dim"), 1, s.dim("d_conv")}, tensor_role::ssm);
    if (s.dim("use_conv_bias")) b.layer(mb, "model.layers.{i}.mamba.conv1d.bias", {s.dim("conv_dim")}, tensor_role::ssm);
    for (const char* t : {"dt_bias", "A_log", "D"}) b.layer(mb, std::string("model.layers.{i}.mamba.") + t, {nh}, tensor_role::ssm);
  }
  b.norm(mb, "model.layers.{i}.mamba.norm", di);
  b.linear(mb, "model.layers.{i}.mamba.out_proj", h, di, tensor_role::ssm, bias);
  if (E) {
    b.linear(all, "model.layers.{i}.block_sparse_moe.router.layer", E, h, tensor_role::router, false);
    b.linear(all, "model.layers.{i}.block_sparse_moe.input_linear[{e}]", 2 * I, h, tensor_role::expert, false, E, s.experts_per_token);
    b.linear(all, "model.layers.{i}.block_sparse_moe.output_linear[{e}]", h, I, tensor_role::expert, false, E, s.experts_per_token);
  }
  b.linear(all, "model.layers.{i}.shared_mlp.input_linear", 2 * si, h, tensor_role::shared_expert, false);
  b.linear(all, "model.layers.{i}.shared_mlp.output_linear", h, si, tensor_role::shared_expert, false);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Falcon-H1 (falcon_h1): configuration_falcon_h1.py / modeling_falcon_h1.py. Every layer runs a Mamba-2 mixer and
// attention side by side, then an MLP: input_layernorm; mamba.in_proj [2 d_ssm + 2 groups x d_state + heads, h]
// (biased with mamba_proj_bias), conv1d over d_ssm + 2 groups x d_state (biased with mamba_conv_bias), dt_bias / A_log /
// D per head, a norm over d_ssm only with mamba_rms_norm, out_proj [h, d_ssm] (projectors_bias); q/k/v/o of head_dim
// (attention_bias); pre_ff_layernorm; feed_forward gate/up/down (mlp_bias). d_ssm is mamba_d_ssm as the Hub configs
// give it, else mamba_n_heads x mamba_d_head. Each layer caches K and V and its Mamba state. Checked: Falcon-H1-0.5B-Base
// 521,411,104 (the Hub total).
void read_falcon_h1(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 128000, .hidden_size = 4096, .intermediate_size = 14336, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 8, .max_position_embeddings = 8192});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.set_dim("mlp_bias", r.flag("mlp_bias", false, false));
  const uint64_t heads = r.count({"mamba_n_heads"}, 128, limits::heads), groups = r.count({"mamba_n_groups"}, 1, limits::heads);
  const uint64_t d_state = r.count({"mamba_d_state"}, 256, 1 << 16), d_conv = r.count({"mamba_d_conv"}, 4, 1 << 10);
  uint64_t d_head = 0;
  if (const config_json* v = r.find({"mamba_d_head"}); v && !v->is_string()) d_head = r.count({"mamba_d_head"}, 64, limits::head_dim);
  const uint64_t fallback = d_head ? heads * d_head : r.count({"mamba_expand"}, 2, 64) * s.hidden_size;
  const uint64_t d_ssm = r.count_or({"mamba_d_ssm"}, fallback, limits::intermediate);
  const uint64_t conv_dim = d_ssm + 2 * groups * d_state;
  for (auto [k, v] : {std::pair<const char*, uint64_t>{"ssm_heads", heads}, {"n_groups", groups}, {"d_state", d_state}, {"d_conv", d_conv},
                      {"d_inner", d_ssm}, {"conv_dim", conv_dim}})
    s.set_dim(k, v);
  s.set_dim("use_conv_bias", r.flag("mamba_conv_bias", true, false));
  s.set_dim("use_bias", r.flag("mamba_proj_bias", false, false));
  s.set_dim("out_bias", r.flag("projectors_bias", false, false));
  s.set_dim("mamba_norm", r.flag("mamba_rms_norm", false, false));
  for (auto& l : s.layers) l.state_elements = conv_dim * d_conv + d_ssm * d_state;
}

void build_falcon_h1(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, di = s.dim("d_inner"), nh = s.dim("ssm_heads"), i = s.intermediate_size;
  const uint64_t proj = 2 * di + 2 * s.dim("n_groups") * s.dim("d_state") + nh;
  const group g{"decoder", s.num_hidden_layers};
  const std::string p = "model.layers.{i}.";
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, p + "input_layernorm", h);
  b.linear(g, p + "mamba.in_proj", proj, h, tensor_role::ssm, s.dim("use_bias") != 0);
  b.layer(g, p + "mamba.conv1d.weight", {s.dim("conv_dim"), 1, s.dim("d_conv")}, tensor_role::ssm);
  if (s.dim("use_conv_bias")) b.layer(g, p + "mamba.conv1d.bias", {s.dim("conv_dim")}, tensor_role::ssm);
  for (const char* t : {"dt_bias", "A_log", "D"}) b.layer(g, p + "mamba." + t, {nh}, tensor_role::ssm);
  if (s.dim("mamba_norm")) b.norm(g, p + "mamba.norm", di);
  b.linear(g, p + "mamba.out_proj", h, di, tensor_role::ssm, s.dim("out_bias") != 0);
  b.attention(g, p + "self_attn", s, s.qkv_bias, s.o_bias);
  b.norm(g, p + "pre_ff_layernorm", h);
  b.gated_mlp(g, p + "feed_forward", h, i, s.dim("mlp_bias") != 0);
  b.norm_outside("model.final_layernorm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

#define NEURO_SHRINK_RULE(types, source, read, build) family_rule{types, source, read, build},
constexpr family_rule kSsm[] = {NEURO_SHRINK_SSM_RULES(NEURO_SHRINK_RULE)};
#undef NEURO_SHRINK_RULE

}  // namespace

// The Gated DeltaNet text model under `m` ("model." alone, "model.language_model." in the multimodal wrappers); lm_head and
// mtp.* are top-level names in both.
void build_gdn_text(const model_spec& s, inventory_builder& b, const std::string& m) {
  const uint64_t h = s.hidden_size, nv = s.dim("gdn_value_heads"), dv = s.dim("gdn_value_dim");
  const uint64_t key = s.dim("gdn_key_heads") * s.dim("gdn_key_dim"), value = nv * dv, conv = s.dim("conv_dim");
  uint64_t counts[2][2] = {};  // [linear][moe]
  for (const auto& l : s.layers) ++counts[l.variant & kGdnLinear][l.moe];
  b.tensor(m + "embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  for (int lin = 0; lin < 2; ++lin)
    for (int moe = 0; moe < 2; ++moe) {
      const group g{kGdnBlocks[lin][moe], counts[lin][moe]};
      if (!g.layers) continue;
      const std::string p = m + "layers.{i}";
      b.norm(g, p + ".input_layernorm", h);
      b.norm(g, p + ".post_attention_layernorm", h);
      if (lin) {
        b.linear(g, p + ".linear_attn.in_proj_qkv", 2 * key + value, h, tensor_role::attention, false);
        b.linear(g, p + ".linear_attn.in_proj_z", value, h, tensor_role::attention, false);
        b.linear(g, p + ".linear_attn.in_proj_b", nv, h, tensor_role::attention, false);
        b.linear(g, p + ".linear_attn.in_proj_a", nv, h, tensor_role::attention, false);
        b.layer(g, p + ".linear_attn.conv1d.weight", {conv, 1, s.dim("d_conv")}, tensor_role::attention);
        b.layer(g, p + ".linear_attn.dt_bias", {nv}, tensor_role::attention);
        b.layer(g, p + ".linear_attn.A_log", {nv}, tensor_role::attention);
        b.norm(g, p + ".linear_attn.norm", dv);
        b.linear(g, p + ".linear_attn.out_proj", h, value, tensor_role::attention, false);
      } else {
        gdn_attention(s, b, g, p);
      }
      gdn_mlp(s, b, g, p, moe != 0);
    }
  b.norm_outside(m + "norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
  if (s.mtp_layers) {
    const group mtp{"mtp_layer", s.mtp_layers, "mtp"};
    const bool moe = s.num_experts > 0;
    b.layer(mtp, "mtp.fc.weight", {h, 2 * h}, tensor_role::other);
    b.norm(mtp, "mtp.pre_fc_norm_embedding", h);
    b.norm(mtp, "mtp.pre_fc_norm_hidden", h);
    b.norm(mtp, "mtp.layers.{i}.input_layernorm", h);
    b.norm(mtp, "mtp.layers.{i}.post_attention_layernorm", h);
    gdn_attention(s, b, mtp, "mtp.layers.{i}");
    gdn_mlp(s, b, mtp, "mtp.layers.{i}", moe);
    b.norm(mtp, "mtp.norm", h);
  }
}

std::span<const family_rule> ssm_families() { return kSsm; }

}  // namespace neuroshrink
