// State-space models and hybrids: Mamba, Falcon-Mamba, Mamba-2, Jamba. Their SSM layers keep a fixed
// per-sequence state (a conv window and the SSM state) instead of a growing KV cache.
#include <array>
#include <string>

#include "text.h"
#include "family.h"

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

constexpr std::array kSsm{
    family_rule{"mamba falcon_mamba", "transformers configuration_mamba.py, modeling_mamba.py (falcon_mamba: the same tensors)", read_mamba, build_mamba},
    family_rule{"mamba2", "transformers configuration_mamba2.py, modeling_mamba2.py", read_mamba2, build_mamba2},
    family_rule{"jamba", "transformers configuration_jamba.py, modeling_jamba.py", read_jamba, build_jamba},
};

}  // namespace

std::span<const family_rule> ssm_families() { return kSsm; }

}  // namespace neuroshrink
