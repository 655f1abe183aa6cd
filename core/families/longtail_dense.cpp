// The long tail, dense decoders (longtail_dense_rules.h lists them): each rule reads its
// config.json as its transformers (or remote-code) configuration class does and builds the tensors its modeling
// file creates, checked exactly against published counts (tests/families_longtail_dense_test.cpp).
#include <iterator>
#include <vector>

#include "family.h"
#include "families/longtail_dense_rules.h"

namespace neuroshrink {
namespace {

using group = inventory_builder::group;

// ---- GPT-BigCode (StarCoder, SantaCoder, WizardCoder, Granite code 20B/34B): configuration_gpt_bigcode.py /
// modeling_gpt_bigcode.py. GPT-2's block with nn.Linear instead of Conv1D: learned positions wpe
// [n_positions, h], LayerNorms with biases, biased c_attn / c_proj / c_fc. GPTBigCodeAttention ignores any
// num_key_value_heads: kv_heads = 1 when multi_query (the class default), else n_head, and c_attn is
// [h + 2 x kv_heads x head_dim, h] with head_dim = h / n_head. n_inner None means 4 x h. lm_head is tied to
// wte by default (PretrainedConfig.tie_word_embeddings); the causal-mask `bias` buffer is registered
// non-persistent, so no checkpoint stores it.
void read_gpt_bigcode(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50257, .hidden_size = 768, .num_hidden_layers = 12, .num_attention_heads = 12,
                      .max_position_embeddings = 1024, .tie_word_embeddings = true, .read_intermediate = false});
  s.intermediate_size = r.count_or({"n_inner"}, 4 * s.hidden_size, limits::intermediate);
  const bool multi_query = r.flag("multi_query", true);
  if (s.num_attention_heads) s.head_dim = s.hidden_size / s.num_attention_heads;
  s.num_key_value_heads = multi_query ? 1 : s.num_attention_heads;
  for (auto& l : s.layers) l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
  s.qkv_bias = s.o_bias = s.mlp_bias = true;
}

void build_gpt_bigcode(const model_spec& s, inventory_builder& b) { build_gpt2_layout(s, b); }

// ---- Qwen (v1: Qwen-1.8B/7B/14B/72B and their -Chat): the configuration_qwen.py / modeling_qwen.py the
// checkpoints ship (QWenLMHeadModel). Multi-head attention of num_attention_heads x kv_channels: c_attn
// [3 x projection, h] always biased, c_proj (nn.Linear(hidden_size, projection_size)) biased unless no_bias;
// RMSNorms ln_1, ln_2, ln_f (weight only); a SwiGLU MLP of two [intermediate_size / 2, h] inputs w1, w2 and
// c_proj [h, intermediate_size / 2], biased unless no_bias; an untied lm_head. The rotary inv_freq is a plain
// attribute and the causal mask a non-persistent buffer: neither is stored. The first uploads (August 2023)
// spell the fields as GPT-2 does (n_embd, n_layer, n_head, n_positions) and the MLP width ffn_hidden_size;
// later ones hidden_size, num_hidden_layers, num_attention_heads, intermediate_size. Defaults: the later class.
void read_qwen(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 151936, .hidden_size = 4096, .num_hidden_layers = 32, .num_attention_heads = 32,
                      .max_position_embeddings = 8192, .read_intermediate = false});
  const uint64_t ffn = r.count({"intermediate_size", "ffn_hidden_size"}, 22016, limits::intermediate);
  s.intermediate_size = ffn / 2;  // QWenMLP: config.intermediate_size // 2
  s.head_dim = r.count({"kv_channels"}, 128, limits::head_dim);
  s.num_key_value_heads = s.num_attention_heads;
  for (auto& l : s.layers) l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
  const bool no_bias = r.flag("no_bias", true);
  s.qkv_bias = true;
  s.o_bias = s.mlp_bias = !no_bias;
}

void build_qwen(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, proj = s.num_attention_heads * s.head_dim;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("transformer.wte.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "transformer.h.{i}.ln_1", h);
  b.linear(g, "transformer.h.{i}.attn.c_attn", 3 * proj, h, tensor_role::attention, s.qkv_bias);
  b.linear(g, "transformer.h.{i}.attn.c_proj", proj, h, tensor_role::attention, s.o_bias);
  b.norm(g, "transformer.h.{i}.ln_2", h);
  b.linear(g, "transformer.h.{i}.mlp.w1", i, h, tensor_role::mlp, s.mlp_bias);
  b.linear(g, "transformer.h.{i}.mlp.w2", i, h, tensor_role::mlp, s.mlp_bias);
  b.linear(g, "transformer.h.{i}.mlp.c_proj", h, i, tensor_role::mlp, s.mlp_bias);
  b.norm_outside("transformer.ln_f", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- StableLM (StableLM-3B-4E1T, StableLM 2 1.6B / 12B, Stable Code 3B): configuration_stablelm.py /
// modeling_stablelm.py. head_dim is hidden_size / num_attention_heads (StableLmAttention reads no head_dim);
// q/k/v biased by use_qkv_bias, o_proj never; a bias-free gated MLP; nn.LayerNorm (weight and bias) as
// input_layernorm, as post_attention_layernorm unless use_parallel_residual, and as the final norm;
// qk_layernorm adds a bias-free LayerNorm over head_dim per query head (q_layernorm.norms.{0..heads-1}) and per
// KV head (k_layernorm.norms.{0..kv_heads-1}), listed here as one [heads, head_dim] tensor each. Partial rotary
// (partial_rotary_factor) has no parameters and leaves the cached K and V whole.
void read_stablelm(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50304, .hidden_size = 2560, .intermediate_size = 6912, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 32, .max_position_embeddings = 4096});
  if (s.num_attention_heads) s.head_dim = s.hidden_size / s.num_attention_heads;
  for (auto& l : s.layers) l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
  s.qkv_bias = r.flag("use_qkv_bias", false, false);
  s.qk_norm = r.flag("qk_layernorm", false, false);
  s.set_dim("use_parallel_residual", r.flag("use_parallel_residual", false, false));
}

void build_stablelm(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, hd = s.head_dim;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h, true);
  b.attention(g, "model.layers.{i}.self_attn", s, s.qkv_bias, false);
  if (s.qk_norm) {
    b.layer(g, "model.layers.{i}.self_attn.q_layernorm.norms.{h}.weight", {s.num_attention_heads, hd}, tensor_role::norm);
    b.layer(g, "model.layers.{i}.self_attn.k_layernorm.norms.{h}.weight", {s.num_key_value_heads, hd}, tensor_role::norm);
  }
  if (!s.dim("use_parallel_residual")) b.norm(g, "model.layers.{i}.post_attention_layernorm", h, true);
  b.gated_mlp(g, "model.layers.{i}.mlp", h, s.intermediate_size, false);
  b.norm_outside("model.norm", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- SmolLM3: configuration_smollm3.py / modeling_smollm3.py. Llama's layout (attention_bias, mlp_bias) with
// rotary left out of every no_rope_layer_interval-th layer (no_rope_layers: 1 = rotary, 0 = NoPE), which
// changes no tensor and no cache; lm_head tied by default. layer_types when given, else a layer slides (over
// sliding_window) when use_sliding_window, sliding_window is set and the layer is NoPE.
void read_smollm3(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 128256, .hidden_size = 2048, .intermediate_size = 11008, .num_hidden_layers = 36,
                      .num_attention_heads = 16, .num_key_value_heads = 4, .max_position_embeddings = 32768,
                      .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.mlp_bias = r.flag("mlp_bias", false, false);
  std::vector<uint64_t> rope(s.layers.size(), 1);
  const config_json* nr = r.find({"no_rope_layers"});
  if (nr && nr->is_array() && nr->size() >= s.layers.size()) {
    for (size_t i = 0; i < rope.size(); ++i) rope[i] = (*nr)[i].is_number_unsigned() ? (*nr)[i].get<uint64_t>() : 1;
  } else {
    const uint64_t interval = r.count_or({"no_rope_layer_interval"}, 4, limits::layers);
    for (size_t i = 0; i < rope.size(); ++i) rope[i] = (i + 1) % interval != 0;
  }
  if (const config_json* t = r.find({"layer_types"}); t && t->is_array()) {
    read_sliding_layers(r, s, 0, nullptr, 1);
    return;
  }
  const uint64_t window = r.count_or({"sliding_window"}, 0, limits::positions);
  if (!r.flag("use_sliding_window", false, false) || !window) return;
  for (size_t i = 0; i < s.layers.size(); ++i)
    if (!rope[i]) {
      s.layers[i].attention = attention_kind::sliding;
      s.layers[i].window = window;
    }
}

void build_smollm3(const model_spec& s, inventory_builder& b) { build_llama_layout(s, b, {}); }

// ---- Granite (dense): configuration_granite.py / modeling_granite.py. Llama's layout (attention_bias, mlp_bias);
// embedding_multiplier, attention_multiplier, residual_multiplier and logits_scaling are scalars, not tensors.
// head_dim is hidden_size / num_attention_heads (GraniteConfig has none). Class defaults: vocab 32000, hidden 4096,
// intermediate 11008, 32 layers, 32 heads, num_key_value_heads None (= heads), 2048 positions, untied.
void read_granite(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32000, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.mlp_bias = r.flag("mlp_bias", false, false);
}

void build_granite(const model_spec& s, inventory_builder& b) { build_llama_layout(s, b, {}); }

// ---- EXAONE 4.0: configuration_exaone4.py / modeling_exaone4.py. No pre-norms: post_attention_layernorm and
// post_feedforward_layernorm after each sub-block ("QK-Reorder-Norm"), per-head q_norm / k_norm, no biases.
// layer_types when given; else every sliding_window_pattern-th layer is full and the others slide over
// sliding_window (none slide when the config sets sliding_window null and gives no layer_types). Class defaults:
// vocab 102400, hidden 4096, intermediate 16384, 32 layers, 32 heads and 32 KV heads, window 4096, pattern 4,
// 2048 positions, untied.
void read_exaone4(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 102400, .hidden_size = 4096, .intermediate_size = 16384, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 32, .max_position_embeddings = 2048});
  s.qk_norm = true;
  const uint64_t period = r.count_or({"sliding_window_pattern"}, 4, limits::layers);
  read_sliding_layers(r, s, 4096, [](uint64_t i, uint64_t n) { return (i + 1) % n != 0; }, period);
}

void build_exaone4(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.attention(g, "model.layers.{i}.self_attn", s, false, false);
  b.norm(g, "model.layers.{i}.self_attn.q_norm", s.head_dim);
  b.norm(g, "model.layers.{i}.self_attn.k_norm", s.head_dim);
  b.norm(g, "model.layers.{i}.post_attention_layernorm", h);
  b.gated_mlp(g, "model.layers.{i}.mlp", h, s.intermediate_size, false);
  b.norm(g, "model.layers.{i}.post_feedforward_layernorm", h);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- ChatGLM2 / ChatGLM3 / GLM-4-9B (chatglm): configuration_chatglm.py / modeling_chatglm.py shipped with the
// checkpoints (ChatGLMForConditionalGeneration, remote code). Everything under transformer.: word_embeddings, per
// layer a fused query_key_value [heads x kv_channels + 2 x groups x kv_channels, h] (biased with add_qkv_bias or
// add_bias_linear), dense [h, heads x kv_channels], a fused dense_h_to_4h [2 x ffn, h] and dense_4h_to_h [h, ffn]
// (biased with add_bias_linear), RMSNorms (LayerNorms with biases when rmsnorm is false), final_layernorm when
// post_layer_norm, and output_layer, never tied. With multi_query_attention the cache holds
// multi_query_group_num groups of kv_channels, else every head. The rotary inv_freq is a buffer (stored, not a
// parameter). Class defaults: 28 layers, vocab 65024, hidden 4096, ffn 13696, kv_channels 128, 32 heads, no MQA.
void read_chatglm(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 65024, .hidden_size = 4096, .num_hidden_layers = 28, .num_attention_heads = 32,
                      .head_dim = 128, .max_position_embeddings = 2048, .read_intermediate = false});
  std::erase_if(s.defaulted_fields, [&](const std::string& f) { return f == r.field_name("vocab_size") || f == r.field_name("head_dim"); });
  s.vocab_size = r.count({"padded_vocab_size", "vocab_size"}, 65024, limits::vocab);
  s.intermediate_size = r.count({"ffn_hidden_size"}, 13696, limits::intermediate);
  s.head_dim = r.count({"kv_channels"}, 128, limits::head_dim);
  s.num_key_value_heads = r.flag("multi_query_attention", false, false) ? r.count({"multi_query_group_num"}, 1, limits::heads) : s.num_attention_heads;
  const bool linear_bias = r.flag("add_bias_linear", false, false);
  s.qkv_bias = linear_bias || r.flag("add_qkv_bias", false, false);
  s.o_bias = s.mlp_bias = linear_bias;
  s.set_dim("layernorm_bias", !r.flag("rmsnorm", true, false));
  s.set_dim("post_layer_norm", r.flag("post_layer_norm", true, false));
  s.tie_word_embeddings = false;
  for (auto& l : s.layers) l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
}

void build_chatglm(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, ff = s.intermediate_size, q = s.num_attention_heads * s.head_dim, kv = s.num_key_value_heads * s.head_dim;
  const bool ln_bias = s.dim("layernorm_bias") != 0;
  const group g{"decoder", s.num_hidden_layers};
  const std::string p = "transformer.encoder.layers.{i}.";
  b.tensor("transformer.embedding.word_embeddings.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, p + "input_layernorm", h, ln_bias);
  b.linear(g, p + "self_attention.query_key_value", q + 2 * kv, h, tensor_role::attention, s.qkv_bias);
  b.linear(g, p + "self_attention.dense", h, q, tensor_role::attention, s.o_bias);
  b.norm(g, p + "post_attention_layernorm", h, ln_bias);
  b.linear(g, p + "mlp.dense_h_to_4h", 2 * ff, h, tensor_role::mlp, s.mlp_bias);
  b.linear(g, p + "mlp.dense_4h_to_h", h, ff, tensor_role::mlp, s.mlp_bias);
  if (s.dim("post_layer_norm")) b.norm_outside("transformer.encoder.final_layernorm", h, ln_bias);
  b.linear_outside("transformer.output_layer", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Baichuan (baichuan: Baichuan-7B, Baichuan-13B, Baichuan2-7B / 13B; remote code configuration_baichuan.py,
// modeling_baichuan.py). A Llama layout with q, k and v fused in one bias-free W_pack [3 h, h] (full multi-head:
// no KV-head field), o_proj, a gated MLP, RMSNorms and an untied lm_head (Baichuan2's NormHead stores the same
// [vocab, h] weight). 7B runs RoPE, 13B ALiBi; neither has weights nor changes the cache. Each release's class has
// its own defaults (vocab 64000 or 125696, 4096 or 5120 wide), so the dimensions are required; the context is
// max_position_embeddings, or model_max_length where 13B gives only that. Checked: Baichuan-13B-Base
// 13,264,901,120 (its README, and its index's total_size / 2).
void read_baichuan(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.max_position_embeddings = 4096});
  s.max_position_embeddings = r.count({"max_position_embeddings", "model_max_length"}, 4096, limits::positions);
  s.num_key_value_heads = s.num_attention_heads;
  if (s.num_attention_heads) s.head_dim = s.hidden_size / s.num_attention_heads;
  for (auto& l : s.layers) l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
  s.tie_word_embeddings = r.flag("tie_word_embeddings", false, false);
}

void build_baichuan(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h);
  b.linear(g, "model.layers.{i}.self_attn.W_pack", 3 * h, h, tensor_role::attention, false);
  b.linear(g, "model.layers.{i}.self_attn.o_proj", h, h, tensor_role::attention, false);
  b.norm(g, "model.layers.{i}.post_attention_layernorm", h);
  b.gated_mlp(g, "model.layers.{i}.mlp", h, s.intermediate_size, false);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- MiMo (XiaomiMiMo/MiMo-7B): configuration_mimo.py / modeling_mimo.py shipped with the checkpoints (remote code):
// Qwen2 (MiMoConfig adds only num_nextn_predict_layers, default 0) and that many MTP layers stored after the stack as
// model.mtp_layers.{j}: token_layernorm and hidden_layernorm, input_proj [h, 2h], a whole Qwen2 decoder layer and
// final_layernorm; no embedding or head of their own. transformers does not run them (vLLM's mimo_mtp does).
void read_mimo(config_reader& r, model_spec& s) {
  find_family("qwen2")->read(r, s);
  s.mtp_layers = r.whole_or({"num_nextn_predict_layers"}, 0, 64);
}

void build_mimo(const model_spec& s, inventory_builder& b) {
  find_family("qwen2")->build(s, b);
  if (!s.mtp_layers) return;
  const uint64_t h = s.hidden_size;
  const group mtp{"mtp_layer", s.mtp_layers, "mtp"};
  const std::string p = "model.mtp_layers.{mtp}.";
  b.norm(mtp, p + "token_layernorm", h);
  b.norm(mtp, p + "hidden_layernorm", h);
  b.linear(mtp, p + "input_proj", h, 2 * h, tensor_role::other, false);
  b.norm(mtp, p + "input_layernorm", h);
  b.attention(mtp, p + "self_attn", s, s.qkv_bias, s.o_bias);
  b.norm(mtp, p + "post_attention_layernorm", h);
  b.gated_mlp(mtp, p + "mlp", h, s.intermediate_size, false);
  b.norm(mtp, p + "final_layernorm", h);
}

// ---- Seed-OSS (ByteDance-Seed): configuration_seed_oss.py / modeling_seed_oss.py. Llama's layout with q/k/v biases
// (attention_bias, default true), an o_proj bias only with attention_out_bias, MLP biases with mlp_bias; head_dim
// apart from hidden / heads (Seed-OSS-36B: 80 heads of 128 over a 5120 hidden state). Class defaults: vocab 155136,
// hidden 4096, intermediate 13696, 32 layers, 32 heads, head_dim 128, untied.
void read_seed_oss(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 155136, .hidden_size = 4096, .intermediate_size = 13696, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .head_dim = 128, .max_position_embeddings = 524288});
  s.qkv_bias = r.flag("attention_bias", true, false);
  s.o_bias = r.flag("attention_out_bias", false, false);
  s.mlp_bias = r.flag("mlp_bias", false, false);
}

void build_seed_oss(const model_spec& s, inventory_builder& b) { build_llama_layout(s, b, {}); }

#define NEURO_SHRINK_RULE(types, source, read, build) family_rule{types, source, read, build},
// (the last entry only ends the table, so that it may be empty)
constexpr family_rule kRules[] = {NEURO_SHRINK_LONGTAIL_DENSE_RULES(NEURO_SHRINK_RULE) family_rule{"", "", nullptr, nullptr}};
#undef NEURO_SHRINK_RULE

}  // namespace

std::span<const family_rule> longtail_dense_families() { return std::span(kRules).first(std::size(kRules) - 1); }

}  // namespace neuroshrink
