// The long tail, mixture-of-experts and other non-dense decoders (longtail_moe_rules.h lists them): each rule reads its
// config.json as its transformers (or remote-code) configuration class does and builds the tensors its modeling
// file creates, checked exactly against published counts (tests/families_longtail_moe_test.cpp).
#include <iterator>

#include "family.h"
#include "families/longtail_moe_rules.h"

namespace neuroshrink {
namespace {

using group = inventory_builder::group;

uint64_t moe_layer_count(const model_spec& s) {
  uint64_t n = 0;
  for (const auto& l : s.layers) n += l.moe;
  return n;
}

// What the rules below share with Llama: embed_tokens; in every layer input_layernorm, self_attn.{q,k,v,o}_proj
// (heads x head_dim, KV heads x head_dim) and post_attention_layernorm (RMSNorms, weight only).
void llama_attention_layers(const model_spec& s, inventory_builder& b, const group& all) {
  const uint64_t h = s.hidden_size;
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(all, "model.layers.{i}.input_layernorm", h);
  b.attention(all, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  b.norm(all, "model.layers.{i}.post_attention_layernorm", h);
}

// The final RMSNorm and, unless tied to embed_tokens (PreTrainedModel.tie_weights), lm_head.
void final_norm_and_head(const model_spec& s, inventory_builder& b, bool lm_head_bias = false) {
  b.norm_outside("model.norm", s.hidden_size);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, s.hidden_size, tensor_role::lm_head, lm_head_bias);
}

// ---- DeepSeek-MoE v1 (deepseek-moe-16b-base/-chat): the configuration_deepseek.py / modeling_deepseek.py the
// checkpoints ship (DeepseekForCausalLM). Llama's attention (q/k/v/o, biased with attention_bias), no MLA. A layer
// is DeepseekMoE when n_routed_experts is set, layer_idx >= first_k_dense_replace and layer_idx % moe_layer_freq
// == 0, else DeepseekMLP of intermediate_size: MoEGate's weight [n_routed_experts, h] (no bias), experts of
// moe_intermediate_size, and shared_experts, one DeepseekMLP of moe_intermediate_size x n_shared_experts.
// Class defaults: vocab 102400, hidden 4096, intermediate 11008, moe_intermediate 1407, 30 layers, 32 heads and
// 32 KV heads, n_routed_experts / n_shared_experts / num_experts_per_tok None, first_k_dense_replace 0,
// moe_layer_freq 1, max_position_embeddings 2048, untied.
void read_deepseek_moe(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 102400, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 30,
                      .num_attention_heads = 32, .num_key_value_heads = 32, .max_position_embeddings = 2048});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.num_experts = r.whole_or({"n_routed_experts"}, 0, limits::experts);  // None: every layer dense
  if (s.num_experts) {
    s.experts_per_token = r.count({"num_experts_per_tok"}, 0, limits::experts);  // None in the class: MoEGate needs it
    s.moe_intermediate_size = r.count({"moe_intermediate_size"}, 1407, limits::intermediate);
    s.num_shared_experts = r.whole_or({"n_shared_experts"}, 0, limits::experts);
  }
  const uint64_t first_dense = r.whole_or({"first_k_dense_replace"}, 0, limits::layers);
  const uint64_t freq = r.count_or({"moe_layer_freq"}, 1, limits::layers);
  for (size_t i = 0; i < s.layers.size(); ++i) s.layers[i].moe = s.num_experts && i >= first_dense && i % freq == 0;
}

void build_deepseek_moe(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, moe_layers = moe_layer_count(s);
  const uint64_t E = s.num_experts, k = s.experts_per_token, mi = s.moe_intermediate_size;
  const group all{"decoder", s.num_hidden_layers};
  const group moe{"moe_decoder", moe_layers};
  const group dense{"dense_decoder", s.num_hidden_layers - moe_layers};
  llama_attention_layers(s, b, all);
  b.linear(moe, "model.layers.{i}.mlp.gate", E, h, tensor_role::router, false);
  b.gated_mlp(moe, "model.layers.{i}.mlp.experts.{e}", h, mi, false, tensor_role::expert, E, k);
  if (s.num_shared_experts)
    b.gated_mlp(moe, "model.layers.{i}.mlp.shared_experts", h, s.num_shared_experts * mi, false, tensor_role::shared_expert);
  b.gated_mlp(dense, "model.layers.{i}.mlp", h, s.intermediate_size, false);
  final_norm_and_head(s, b);
}

// ---- OLMoE (OLMoE-1B-7B-0924/0125 and -Instruct): configuration_olmoe.py / modeling_olmoe.py. Every layer is an
// OlmoeSparseMoeBlock: a router gate [num_experts, h] without bias and num_experts experts of intermediate_size
// (gate/up/down_proj). OlmoeAttention normalizes the whole q and k projections: q_norm over heads x head_dim, k_norm
// over KV heads x head_dim. clip_qkv clamps activations and adds no tensor. Class defaults: vocab 50304, hidden
// 2048, intermediate 2048, 16 layers, 16 heads (KV None: as many), 64 experts, 8 per token, 4096 positions,
// untied.
void read_olmoe(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50304, .hidden_size = 2048, .intermediate_size = 2048, .num_hidden_layers = 16,
                      .num_attention_heads = 16, .max_position_embeddings = 4096});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.qk_norm = true;
  s.num_experts = r.count({"num_experts"}, 64, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 8, limits::experts);
  for (auto& l : s.layers) l.moe = true;
}

void build_olmoe(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, E = s.num_experts, k = s.experts_per_token;
  const group g{"moe_decoder", s.num_hidden_layers};
  llama_attention_layers(s, b, g);
  b.norm(g, "model.layers.{i}.self_attn.q_norm", s.num_attention_heads * s.head_dim);
  b.norm(g, "model.layers.{i}.self_attn.k_norm", s.num_key_value_heads * s.head_dim);
  b.linear(g, "model.layers.{i}.mlp.gate", E, h, tensor_role::router, false);
  b.gated_mlp(g, "model.layers.{i}.mlp.experts.{e}", h, s.intermediate_size, false, tensor_role::expert, E, k);
  final_norm_and_head(s, b);
}

// ---- Granite MoE (granite-3.0/3.1-1b-a400m and -3b-a800m, PowerMoE): configuration_granitemoe.py /
// modeling_granitemoe.py. Llama's attention (attention_bias on q, k, v and o); every layer's GraniteMoeMoE holds
// num_local_experts experts as two GraniteMoeParallelExperts tensors, input_linear.weight [experts,
// 2 x intermediate_size, h] (gate and up fused) and output_linear.weight [experts, h, intermediate_size] (listed
// here one instance per expert), and a router GraniteMoeTopKGating whose layer is a bias-free Linear [experts, h].
// The embedding / attention / residual / logits multipliers scale activations and add no tensor. Class defaults:
// vocab 32000, hidden 4096, intermediate 11008, 32 layers, 32 heads (KV None: as many), 8 experts, 2 per token,
// 2048 positions, untied (the released 3.x configs tie).
void read_granitemoe(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32000, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.num_experts = r.count({"num_local_experts"}, 8, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 2, limits::experts);
  for (auto& l : s.layers) l.moe = true;
}

void build_granitemoe(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, E = s.num_experts, k = s.experts_per_token;
  const group g{"moe_decoder", s.num_hidden_layers};
  llama_attention_layers(s, b, g);
  b.linear(g, "model.layers.{i}.block_sparse_moe.router.layer", E, h, tensor_role::router, false);
  b.linear(g, "model.layers.{i}.block_sparse_moe.input_linear[{e}]", 2 * i, h, tensor_role::expert, false, E, k);
  b.linear(g, "model.layers.{i}.block_sparse_moe.output_linear[{e}]", h, i, tensor_role::expert, false, E, k);
  final_norm_and_head(s, b);
}

// ---- MiniCPM (MiniCPM-1B/2B, MiniCPM4/4.1, MiniCPM-MoE-8x2B): the configuration_minicpm.py / modeling_minicpm.py
// the checkpoints ship (MiniCPMForCausalLM). Llama's layout (q/k/v/o biased with attention_bias, a gated MLP of
// intermediate_size); scale_emb, scale_depth and dim_model_base scale activations and add no tensor. With
// num_experts (MiniCPM-MoE; vLLM minicpm.py MiniCPMMoE) every layer's MLP is a router gate [num_experts, h] and
// num_experts experts.{e}.w1/w3 [intermediate_size, h] and w2 [h, intermediate_size]. MiniCPM4's sparse_config
// (InfLLM v2) chooses which cached tokens attend; the cache itself is the full K and V. Class defaults: vocab
// 32000, hidden 4096, intermediate 11008, 32 layers, 32 heads (KV None: as many), 2048 positions, tied.
void read_minicpm(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32000, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048, .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.num_experts = r.whole_or({"num_experts"}, 0, limits::experts);
  if (s.num_experts) s.experts_per_token = r.count({"num_experts_per_tok"}, 0, limits::experts);
  for (auto& l : s.layers) l.moe = s.num_experts != 0;
}

void build_minicpm(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, E = s.num_experts, k = s.experts_per_token;
  if (!E) return build_llama_layout(s, b, {});
  const group g{"moe_decoder", s.num_hidden_layers};
  llama_attention_layers(s, b, g);
  b.linear(g, "model.layers.{i}.mlp.gate", E, h, tensor_role::router, false);
  b.linear(g, "model.layers.{i}.mlp.experts.{e}.w1", i, h, tensor_role::expert, false, E, k);
  b.linear(g, "model.layers.{i}.mlp.experts.{e}.w2", h, i, tensor_role::expert, false, E, k);
  b.linear(g, "model.layers.{i}.mlp.experts.{e}.w3", i, h, tensor_role::expert, false, E, k);
  final_norm_and_head(s, b);
}

// ---- MiniCPM3 (MiniCPM3-4B): the configuration_minicpm.py (MiniCPM3Config) / modeling_minicpm.py the checkpoint
// ships. DeepSeek-V2's low-rank attention without its experts: q_a_proj [q_lora_rank, h], q_a_layernorm, q_b_proj
// [heads x (qk_nope + qk_rope), q_lora_rank], kv_a_proj_with_mqa [kv_lora_rank + qk_rope, h], kv_a_layernorm,
// kv_b_proj [heads x (qk_nope + v), kv_lora_rank], o_proj [h, heads x v], q_a / kv_a / o biased with attention_bias;
// a dense gated MLP of intermediate_size. MiniCPMAttention takes v = hidden_size / num_attention_heads (it ignores
// the config's v_head_dim). The cache is not the latent: the remote code's past_key_value.update stores the
// expanded per-head K [qk_nope + qk_rope] and V [v], and llama.cpp's MiniCPM3 graph (key_length qk_nope + qk_rope,
// value length n_embd / n_head) caches the same; so every layer is full attention over those widths. (vLLM's
// MiniCPM3Attention pads V to the K width, which this does not model.) Class defaults: vocab 32000, hidden 4096,
// intermediate 11008, 32 layers, 32 heads (KV None: as many), qk_nope 64, qk_rope 32, q_lora 768, kv_lora 256,
// 2048 positions, tied.
void read_minicpm3(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32000, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048, .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  const uint64_t H = s.num_attention_heads;
  const uint64_t nope = r.count({"qk_nope_head_dim"}, 64, limits::head_dim);
  const uint64_t rope = r.count({"qk_rope_head_dim"}, 32, limits::head_dim);
  const uint64_t q_lora = r.count({"q_lora_rank"}, 768, limits::hidden);
  const uint64_t kv_lora = r.count({"kv_lora_rank"}, 256, limits::hidden);
  const uint64_t v_dim = H ? s.hidden_size / H : 0;
  s.set_dim("q_lora_rank", q_lora);
  s.set_dim("kv_lora_rank", kv_lora);
  s.set_dim("qk_nope_head_dim", nope);
  s.set_dim("qk_rope_head_dim", rope);
  // No v_head_dim dim: the GGUF plan splits kv_b_proj into k_b / v_b when it has one (DeepSeek's converter), and
  // convert_hf_to_gguf.py's MiniCPM3Model keeps attn_kv_b whole. The builder derives v as MiniCPMAttention does.
  s.head_dim = nope + rope;  // the query/key head size attention computes with
  s.set_dim("expanded_k_elements", H * (nope + rope));
  s.set_dim("expanded_v_elements", H * v_dim);
  for (auto& l : s.layers) {
    l.k_elements = H * (nope + rope);
    l.v_elements = H * v_dim;
  }
}

void build_minicpm3(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, H = s.num_attention_heads;
  const uint64_t q_lora = s.dim("q_lora_rank"), kv_lora = s.dim("kv_lora_rank");
  const uint64_t nope = s.dim("qk_nope_head_dim"), rope = s.dim("qk_rope_head_dim"), v_dim = H ? h / H : 0;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h);
  b.linear(g, "model.layers.{i}.self_attn.q_a_proj", q_lora, h, tensor_role::attention, s.qkv_bias);
  b.norm(g, "model.layers.{i}.self_attn.q_a_layernorm", q_lora);
  b.linear(g, "model.layers.{i}.self_attn.q_b_proj", H * (nope + rope), q_lora, tensor_role::attention, false);
  b.linear(g, "model.layers.{i}.self_attn.kv_a_proj_with_mqa", kv_lora + rope, h, tensor_role::attention, s.qkv_bias);
  b.norm(g, "model.layers.{i}.self_attn.kv_a_layernorm", kv_lora);
  b.linear(g, "model.layers.{i}.self_attn.kv_b_proj", H * (nope + v_dim), kv_lora, tensor_role::attention, false);
  b.linear(g, "model.layers.{i}.self_attn.o_proj", h, H * v_dim, tensor_role::attention, s.o_bias);
  b.norm(g, "model.layers.{i}.post_attention_layernorm", h);
  b.gated_mlp(g, "model.layers.{i}.mlp", h, s.intermediate_size, false);
  final_norm_and_head(s, b);
}

// ---- ERNIE 4.5 MoE (ERNIE-4.5-21B-A3B, -300B-A47B, their -PT/-Base/-Thinking): configuration_ernie4_5_moe.py /
// modular_ernie4_5_moe.py. Llama's attention with use_bias on q, k, v, o, every MLP and lm_head. A layer is
// Ernie4_5_MoeSparseMoeBlock when (i + 1) % moe_layer_interval == 0 and moe_layer_start_index <= i <=
// moe_layer_end_index (-1: the last layer), else a dense MLP of intermediate_size: a gate [moe_num_experts, h]
// (fp32, no bias), moe_statics.e_score_correction_bias, an nn.Parameter [1, moe_num_experts] (counted, though not
// trained), moe_num_experts experts of moe_intermediate_size, and shared_experts, one MLP of moe_intermediate_size
// x moe_num_shared_experts. The checkpoints' multi-token-prediction weights (mtp_*) are not loaded
// (_keys_to_ignore_on_load_unexpected). Class defaults: vocab 103424, hidden 2560, intermediate 12288, 28 layers,
// 20 heads, 4 KV heads, 131072 positions, 64 experts, 6 per token, 2 shared, moe_intermediate 1536, tied.
void read_ernie4_5_moe(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 103424, .hidden_size = 2560, .intermediate_size = 12288, .num_hidden_layers = 28,
                      .num_attention_heads = 20, .num_key_value_heads = 4, .max_position_embeddings = 131072,
                      .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = s.mlp_bias = r.flag("use_bias", false, false);
  s.num_experts = r.whole_or({"moe_num_experts", "num_experts"}, 64, limits::experts);
  s.experts_per_token = r.count({"moe_k", "num_experts_per_tok"}, 6, limits::experts);
  s.num_shared_experts = r.whole_or({"moe_num_shared_experts"}, 2, limits::experts);
  s.moe_intermediate_size = r.count({"moe_intermediate_size"}, 1536, limits::intermediate);
  const uint64_t start = r.whole_or({"moe_layer_start_index"}, 1, limits::layers);
  const uint64_t interval = r.count_or({"moe_layer_interval"}, 1, limits::layers);
  uint64_t end = s.layers.empty() ? 0 : s.layers.size() - 1;
  if (const config_json* e = r.find({"moe_layer_end_index"}); e && e->is_number_unsigned()) end = e->get<uint64_t>();
  for (size_t i = 0; i < s.layers.size(); ++i) s.layers[i].moe = s.num_experts && (i + 1) % interval == 0 && i >= start && i <= end;
}

void build_ernie4_5_moe(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, moe_layers = moe_layer_count(s);
  const uint64_t E = s.num_experts, k = s.experts_per_token, mi = s.moe_intermediate_size;
  const group all{"decoder", s.num_hidden_layers};
  const group moe{"moe_decoder", moe_layers};
  const group dense{"dense_decoder", s.num_hidden_layers - moe_layers};
  llama_attention_layers(s, b, all);
  b.linear(moe, "model.layers.{i}.mlp.gate", E, h, tensor_role::router, false);
  if (moe.layers) b.layer(moe, "model.layers.{i}.mlp.moe_statics.e_score_correction_bias", {1, E}, tensor_role::router);
  b.gated_mlp(moe, "model.layers.{i}.mlp.experts.{e}", h, mi, s.mlp_bias, tensor_role::expert, E, k);
  if (s.num_shared_experts)
    b.gated_mlp(moe, "model.layers.{i}.mlp.shared_experts", h, s.num_shared_experts * mi, s.mlp_bias, tensor_role::shared_expert);
  b.gated_mlp(dense, "model.layers.{i}.mlp", h, s.intermediate_size, s.mlp_bias);
  final_norm_and_head(s, b, s.mlp_bias);
}

// ---- GLM-4.5 / 4.6 / 4.7 (glm4_moe): configuration_glm4_moe.py / modeling_glm4_moe.py. DeepSeek-V3's MoE
// (first_k_dense_replace dense layers of intermediate_size, then a sigmoid router [n_routed_experts, h] with its
// e_score_correction_bias, routed experts of moe_intermediate_size and n_shared_experts fused into one shared MLP)
// under grouped-query attention: q/k/v with attention_bias, o_proj never biased, per-head q_norm/k_norm when
// use_qk_norm; partial rotary changes no tensor. The checkpoint stores num_nextn_predict_layers MTP layers after the
// stack (transformers does not build them): a MoE layer plus enorm, hnorm, eh_proj [h, 2h], shared_head.norm and, in
// GLM-4.5 / 4.5-Air / 4.7, copies of the embedding and head (GLM-4.6 stores none). Class defaults: vocab 151552,
// hidden 4096, intermediate 10944, 46 layers, 96 heads, 8 KV heads, head_dim 128, 128 experts top-8 of 1408, one
// shared expert, first_k_dense_replace 1, untied, 131072 positions.
void read_glm4_moe(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 151552, .hidden_size = 4096, .intermediate_size = 10944, .num_hidden_layers = 46,
                      .num_attention_heads = 96, .num_key_value_heads = 8, .head_dim = 128, .max_position_embeddings = 131072});
  s.qkv_bias = r.flag("attention_bias", false, false);
  s.qk_norm = r.flag("use_qk_norm", false, false);
  s.num_experts = r.count({"n_routed_experts", "num_experts"}, 128, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 8, limits::experts);
  s.moe_intermediate_size = r.count({"moe_intermediate_size"}, 1408, limits::intermediate);
  s.num_shared_experts = r.whole_or({"n_shared_experts"}, 1, limits::experts);
  const uint64_t first_dense = r.whole_or({"first_k_dense_replace"}, 1, limits::layers);
  for (size_t i = 0; i < s.layers.size(); ++i) s.layers[i].moe = i >= first_dense;
  s.mtp_layers = r.whole_or({"num_nextn_predict_layers"}, 0, limits::layers);
}

void glm4_moe_layer(const model_spec& s, inventory_builder& b, const group& g, bool moe, const std::string& prefix) {
  const uint64_t h = s.hidden_size;
  b.norm(g, prefix + ".input_layernorm", h);
  b.attention(g, prefix + ".self_attn", s, s.qkv_bias, false);
  if (s.qk_norm) {
    b.norm(g, prefix + ".self_attn.q_norm", s.head_dim);
    b.norm(g, prefix + ".self_attn.k_norm", s.head_dim);
  }
  b.norm(g, prefix + ".post_attention_layernorm", h);
  if (!moe) return b.gated_mlp(g, prefix + ".mlp", h, s.intermediate_size, false);
  const uint64_t E = s.num_experts;
  b.linear(g, prefix + ".mlp.gate", E, h, tensor_role::router, false);
  b.layer(g, prefix + ".mlp.gate.e_score_correction_bias", {E}, tensor_role::router);
  b.gated_mlp(g, prefix + ".mlp.experts.{e}", h, s.moe_intermediate_size, false, tensor_role::expert, E, s.experts_per_token);
  if (s.num_shared_experts)
    b.gated_mlp(g, prefix + ".mlp.shared_experts", h, s.num_shared_experts * s.moe_intermediate_size, false, tensor_role::shared_expert);
}

void build_glm4_moe(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, moe_layers = moe_layer_count(s);
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  glm4_moe_layer(s, b, {"dense_decoder", s.num_hidden_layers - moe_layers}, false, "model.layers.{i}");
  glm4_moe_layer(s, b, {"moe_decoder", moe_layers}, true, "model.layers.{i}");
  final_norm_and_head(s, b);
  if (!s.mtp_layers) return;
  const group mtp{"mtp_layer", s.mtp_layers, "mtp"};
  glm4_moe_layer(s, b, mtp, true, "model.layers.{mtp}");
  b.norm(mtp, "model.layers.{mtp}.enorm", h);
  b.norm(mtp, "model.layers.{mtp}.hnorm", h);
  b.linear(mtp, "model.layers.{mtp}.eh_proj", h, 2 * h, tensor_role::other, false);
  b.norm(mtp, "model.layers.{mtp}.shared_head.norm", h);
  b.layer(mtp, "model.layers.{mtp}.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.linear(mtp, "model.layers.{mtp}.shared_head.head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Hunyuan (hunyuan_v1_dense: Hunyuan-0.5B to 7B; hunyuan_v1_moe: Hunyuan-A13B, and its first release's remote
// code, model_type hunyuan): Llama's layout with a per-head RMSNorm on the rotated queries and keys
// (query_layernorm, key_layernorm [head_dim], built whatever use_qk_norm says). The MoE model has a mixture on
// every layer: a float32 router gate.wg [num_experts, h], num_experts SwiGLU experts and a shared_mlp, all
// intermediate_size wide (transformers reads neither moe_intermediate_size nor num_shared_expert; the remote code
// widens the shared MLP by num_shared_expert, 1 in every release). moe_topk and num_shared_expert may be lists, one
// per layer; the head dimension is head_dim or the first release's attention_head_dim. Cross-layer attention
// (use_cla, K and V shared by cla_share_factor layers) is off in every release and not modelled. No exact published
// total was found: Hunyuan-A13B's config gives 80,393,183,232 (its card: "80B total"), tied as it says.
uint64_t first_whole(config_reader& r, std::string_view name, uint64_t absent, uint64_t max) {
  const config_json* v = r.find({name});
  if (v && v->is_array() && !v->empty() && v->front().is_number_unsigned() && v->front().get<uint64_t>() <= max) return v->front().get<uint64_t>();
  return r.count_or({name}, absent, max);
}

void read_hunyuan(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 290943, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  if (r.has({"attention_head_dim"}) && !r.has({"head_dim"})) {
    s.head_dim = r.count({"attention_head_dim"}, s.head_dim, limits::head_dim);
    for (auto& l : s.layers) l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
  }
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.qk_norm = true;
  if (r.flag("use_cla", false, false))
    r.warn("not_modelled", r.field_name("use_cla"), "Cross-layer attention (use_cla) shares K and V between layers; the estimate gives every layer its own, an upper bound.");
}

void read_hunyuan_dense(config_reader& r, model_spec& s) { read_hunyuan(r, s); }

void read_hunyuan_moe(config_reader& r, model_spec& s) {
  read_hunyuan(r, s);
  s.num_experts = first_whole(r, "num_experts", 1, limits::experts);
  s.experts_per_token = std::max<uint64_t>(1, first_whole(r, "moe_topk", 1, limits::experts));
  s.num_shared_experts = r.flag("use_mixed_mlp_moe", false, false) ? std::max<uint64_t>(1, first_whole(r, "num_shared_expert", 1, limits::experts)) : 0;
  s.moe_intermediate_size = s.intermediate_size;
  for (auto& l : s.layers) l.moe = s.num_experts > 1;
}

void build_hunyuan(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, E = s.num_experts, moe_layers = moe_layer_count(s);
  const group all{"decoder", s.num_hidden_layers};
  const group moe{"moe_decoder", moe_layers};
  const group dense{"dense_decoder", s.num_hidden_layers - moe_layers};
  llama_attention_layers(s, b, all);
  b.norm(all, "model.layers.{i}.self_attn.query_layernorm", s.head_dim);
  b.norm(all, "model.layers.{i}.self_attn.key_layernorm", s.head_dim);
  b.linear(moe, "model.layers.{i}.mlp.gate.wg", E, h, tensor_role::router, false);
  b.gated_mlp(moe, "model.layers.{i}.mlp.experts.{e}", h, s.intermediate_size, false, tensor_role::expert, E, s.experts_per_token);
  if (s.num_shared_experts) b.gated_mlp(moe, "model.layers.{i}.mlp.shared_mlp", h, s.num_shared_experts * s.intermediate_size, false, tensor_role::shared_expert);
  b.gated_mlp(dense, "model.layers.{i}.mlp", h, s.intermediate_size, false);
  final_norm_and_head(s, b);
}

#define NEURO_SHRINK_RULE(types, source, read, build) family_rule{types, source, read, build},
// (the last entry only ends the table, so that it may be empty)
constexpr family_rule kRules[] = {NEURO_SHRINK_LONGTAIL_MOE_RULES(NEURO_SHRINK_RULE) family_rule{"", "", nullptr, nullptr}};
#undef NEURO_SHRINK_RULE

}  // namespace

std::span<const family_rule> longtail_moe_families() { return std::span(kRules).first(std::size(kRules) - 1); }

}  // namespace neuroshrink
