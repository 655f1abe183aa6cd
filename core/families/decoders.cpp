// Decoder-only transformers with rotary positions laid out like Llama: embed_tokens, a stack of
// pre-norm layers (self_attn.{q,k,v,o}_proj, an MLP or a routed expert block), a final norm, lm_head.
#include <algorithm>
#include <array>
#include <vector>

#include "text.h"
#include "family.h"
#include "variant_text.h"
#include "decoders_rules.h"

namespace neuroshrink {
namespace {

using group = inventory_builder::group;

// LlamaForCausalLM (transformers modeling_llama.py: LlamaModel, LlamaDecoderLayer, LlamaAttention,
// LlamaMLP). Mistral, Qwen2 and Qwen3 differ only in model_spec traits: biases (modeling_qwen2.py),
// q/k norms (modeling_qwen3.py); Mixtral in its routed expert block (modeling_mixtral.py).
}  // namespace

void build_llama_layout(const model_spec& s, inventory_builder& b, const llama_layout& lay) {
  const uint64_t h = s.hidden_size, hd = s.head_dim;
  const uint64_t q_out = s.num_attention_heads * hd, kv_out = s.num_key_value_heads * hd;
  const group g{"decoder", s.num_hidden_layers};

  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h);
  if (lay.fused_qkv) {
    b.linear(g, "model.layers.{i}.self_attn.qkv_proj", q_out + 2 * kv_out, h, tensor_role::attention, s.qkv_bias);
  } else {
    b.linear(g, "model.layers.{i}.self_attn.q_proj", q_out, h, tensor_role::attention, s.qkv_bias);
    b.linear(g, "model.layers.{i}.self_attn.k_proj", kv_out, h, tensor_role::attention, s.qkv_bias);
    b.linear(g, "model.layers.{i}.self_attn.v_proj", kv_out, h, tensor_role::attention, s.qkv_bias);
  }
  b.linear(g, "model.layers.{i}.self_attn.o_proj", h, q_out, tensor_role::attention, s.o_bias);
  if (s.qk_norm) {
    // Per head (Qwen3, OLMo-2's own rule aside), or over the whole projection (MiniMax-M2).
    const bool whole = s.dim("qk_norm_whole") != 0;
    b.norm(g, "model.layers.{i}.self_attn.q_norm", whole ? q_out : hd);
    b.norm(g, "model.layers.{i}.self_attn.k_norm", whole ? kv_out : hd);
  }
  b.norm(g, "model.layers.{i}.post_attention_layernorm", h);
  if (lay.sandwich_norms) {
    b.norm(g, "model.layers.{i}.pre_feedforward_layernorm", h);
    b.norm(g, "model.layers.{i}.post_feedforward_layernorm", h);
  }

  const uint64_t i = s.intermediate_size;
  if (s.num_experts) {
    // MixtralSparseMoeBlock: a bias-free router gate [experts, hidden], then experts.{e}.w1/w3
    // [inter, hidden] (gate, up) and w2 [hidden, inter] (down).
    const uint64_t E = s.num_experts, k = s.experts_per_token;
    b.linear(g, "model.layers.{i}.block_sparse_moe.gate", E, h, tensor_role::router, false);
    b.linear(g, "model.layers.{i}.block_sparse_moe.experts.{e}.w1", i, h, tensor_role::expert, false, E, k);
    b.linear(g, "model.layers.{i}.block_sparse_moe.experts.{e}.w2", h, i, tensor_role::expert, false, E, k);
    b.linear(g, "model.layers.{i}.block_sparse_moe.experts.{e}.w3", i, h, tensor_role::expert, false, E, k);
  } else if (lay.fused_gate_up) {
    b.linear(g, "model.layers.{i}.mlp.gate_up_proj", 2 * i, h, tensor_role::mlp, s.mlp_bias);
    b.linear(g, "model.layers.{i}.mlp.down_proj", h, i, tensor_role::mlp, s.mlp_bias);
  } else {
    b.gated_mlp(g, "model.layers.{i}.mlp", h, i, s.mlp_bias);
  }

  b.norm_outside("model.norm", h);
  // A tied lm_head shares embed_tokens' storage: not a tensor of its own (PreTrainedModel.tie_weights).
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

namespace {

void build_llama(const model_spec& s, inventory_builder& b) { build_llama_layout(s, b, {}); }

// ---- Llama: configuration_llama.py defaults; attention_bias on q, k, v and o; mlp_bias on the MLP.
void read_llama(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32000, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.mlp_bias = r.flag("mlp_bias", false, false);
}

// ---- Mistral: configuration_mistral.py; no biases; sliding_window (null in v0.2+) on every layer.
void read_mistral(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32000, .hidden_size = 4096, .intermediate_size = 14336, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 8, .max_position_embeddings = 4096 * 32});
  read_sliding_layers(r, s, 0, [](uint64_t, uint64_t) { return true; }, 1);
}

// ---- Mixtral: configuration_mixtral.py; 8 experts, 2 per token by default.
void read_mixtral(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32000, .hidden_size = 4096, .intermediate_size = 14336, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 8, .max_position_embeddings = 4096 * 32});
  s.num_experts = r.count({"num_local_experts"}, 8, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 2, limits::experts);
  for (auto& l : s.layers) l.moe = true;
  read_sliding_layers(r, s, 0, [](uint64_t, uint64_t) { return true; }, 1);
}

// ---- MiniMax-M2 (M2, M2.1, M2.5, M2.7): configuration_minimax_m2.py (defaults as of transformers
// 008e574391258935f3ecc3035c882e73bbcac419) / modeling_minimax_m2.py. Mixtral's
// layout with every layer MoE (num_local_experts of width intermediate_size, a sigmoid router) and RMSNorms
// over the whole q and k projections. The router's e_score_correction_bias is a buffer (nn.Buffer): stored
// in the checkpoint, not a parameter.
void read_minimax_m2(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 200064, .hidden_size = 3072, .intermediate_size = 1536, .num_hidden_layers = 62,
                      .num_attention_heads = 48, .num_key_value_heads = 8, .head_dim = 128, .max_position_embeddings = 196608});
  s.num_experts = r.count({"num_local_experts"}, 256, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 8, limits::experts);
  for (auto& l : s.layers) l.moe = true;
  s.qk_norm = true;
  s.set_dim("qk_norm_whole", 1);
}

// ---- Qwen2: configuration_qwen2.py; q, k, v always biased, o never (Qwen2Attention).
void read_qwen2(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 151936, .hidden_size = 4096, .intermediate_size = 22016, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 32, .max_position_embeddings = 32768});
  s.qkv_bias = true;
  // use_sliding_window is false in every released Qwen2/2.5 config; when true, layers from
  // max_window_layers on slide (Qwen2Attention).
  if (r.flag("use_sliding_window", false, false)) {
    const uint64_t from = r.count_or({"max_window_layers"}, 28, limits::layers);
    const uint64_t window = r.count_or({"sliding_window"}, 4096, limits::positions);
    for (uint64_t i = from; i < s.layers.size(); ++i) {
      s.layers[i].attention = attention_kind::sliding;
      s.layers[i].window = window;
    }
  }
}

// ---- Qwen3: configuration_qwen3.py; head_dim 128 by default, q/k RMSNorm over head_dim.
void read_qwen3(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 151936, .hidden_size = 4096, .intermediate_size = 22016, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 32, .head_dim = 128, .max_position_embeddings = 32768});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.qk_norm = true;
}

// ---- Gemma: configuration_gemma.py; head_dim 256, tied embeddings (GemmaForCausalLM ties by default).
void read_gemma(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 256000, .hidden_size = 3072, .intermediate_size = 24576, .num_hidden_layers = 28,
                      .num_attention_heads = 16, .num_key_value_heads = 16, .head_dim = 256, .max_position_embeddings = 8192,
                      .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
}

// ---- Gemma 2: configuration_gemma2.py; sandwich norms; layer_types default "sliding_attention" on even
// layers ((i + 1) % 2), sliding_window 4096.
void read_gemma2(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 256000, .hidden_size = 2304, .intermediate_size = 9216, .num_hidden_layers = 26,
                      .num_attention_heads = 8, .num_key_value_heads = 4, .head_dim = 256, .max_position_embeddings = 8192,
                      .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  read_sliding_layers(r, s, 4096, [](uint64_t i, uint64_t) { return (i + 1) % 2 != 0; }, 2);
}

// ---- Gemma 3 text: configuration_gemma3.py Gemma3TextConfig; q/k norms, sandwich norms; five sliding
// layers then one global ((i + 1) % sliding_window_pattern != 0, pattern 6), sliding_window 4096.
void read_gemma3_text(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 262208, .hidden_size = 2304, .intermediate_size = 9216, .num_hidden_layers = 26,
                      .num_attention_heads = 8, .num_key_value_heads = 4, .head_dim = 256, .max_position_embeddings = 131072,
                      .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.qk_norm = true;
  const uint64_t pattern = r.count_or({"sliding_window_pattern"}, 6, limits::layers);
  read_sliding_layers(r, s, 4096, [](uint64_t i, uint64_t p) { return (i + 1) % p != 0; }, pattern);
}

void build_gemma2(const model_spec& s, inventory_builder& b) { build_llama_layout(s, b, {.sandwich_norms = true}); }

// ---- Phi-3 / 3.5 / 4: configuration_phi3.py; fused qkv_proj and gate_up_proj (modeling_phi3.py);
// sliding_window, when set (Phi-3-mini: 2047), on every layer.
void read_phi3(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32064, .hidden_size = 3072, .intermediate_size = 8192, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 4096});
  read_sliding_layers(r, s, 0, [](uint64_t, uint64_t) { return true; }, 1);
}

void build_phi3(const model_spec& s, inventory_builder& b) { build_llama_layout(s, b, {.fused_qkv = true, .fused_gate_up = true}); }

// ---- Qwen2-MoE (Qwen1.5-MoE, Qwen2-57B-A14B) and Qwen3-MoE: configuration_qwen2_moe.py /
// configuration_qwen3_moe.py. A layer is sparse when it is not in mlp_only_layers and
// (i + 1) % decoder_sparse_step == 0; Qwen2-MoE adds a shared expert with a sigmoid gate [1, hidden].
void mark_qwen_sparse_layers(config_reader& r, model_spec& s) {
  const uint64_t step = r.count_or({"decoder_sparse_step"}, 1, limits::layers);
  std::vector<bool> dense_only(s.layers.size(), false);
  if (const config_json* m = r.find({"mlp_only_layers"}); m && m->is_array())
    for (const auto& v : *m)
      if (v.is_number_unsigned() && v.get<uint64_t>() < dense_only.size()) dense_only[v.get<uint64_t>()] = true;
  for (size_t i = 0; i < s.layers.size(); ++i) s.layers[i].moe = s.num_experts && !dense_only[i] && (i + 1) % step == 0;
}

void read_qwen2_moe(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 151936, .hidden_size = 2048, .intermediate_size = 5632, .num_hidden_layers = 24,
                      .num_attention_heads = 16, .num_key_value_heads = 16, .max_position_embeddings = 32768});
  s.qkv_bias = true;
  s.num_experts = r.count({"num_experts"}, 60, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 4, limits::experts);
  s.moe_intermediate_size = r.count({"moe_intermediate_size"}, 1408, limits::intermediate);
  s.set_dim("shared_expert_intermediate_size", r.count({"shared_expert_intermediate_size"}, 5632, limits::intermediate));
  s.num_shared_experts = 1;
  mark_qwen_sparse_layers(r, s);
}

void read_qwen3_moe(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 151936, .hidden_size = 2048, .intermediate_size = 6144, .num_hidden_layers = 24,
                      .num_attention_heads = 32, .num_key_value_heads = 4, .max_position_embeddings = 32768});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.qk_norm = true;
  s.num_experts = r.count({"num_experts"}, 128, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 8, limits::experts);
  s.moe_intermediate_size = r.count({"moe_intermediate_size"}, 768, limits::intermediate);
  mark_qwen_sparse_layers(r, s);
}

// Attention, norms and MLP of a Qwen MoE model; dense layers use intermediate_size.
void build_qwen_moe(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, hd = s.head_dim;
  uint64_t moe_layers = 0;
  for (const auto& l : s.layers) moe_layers += l.moe;
  const group all{"decoder", s.num_hidden_layers};
  const group moe{"moe_decoder", moe_layers};
  const group dense{"dense_decoder", s.num_hidden_layers - moe_layers};

  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(all, "model.layers.{i}.input_layernorm", h);
  b.attention(all, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  if (s.qk_norm) {
    b.norm(all, "model.layers.{i}.self_attn.q_norm", hd);
    b.norm(all, "model.layers.{i}.self_attn.k_norm", hd);
  }
  b.norm(all, "model.layers.{i}.post_attention_layernorm", h);

  const uint64_t E = s.num_experts, k = s.experts_per_token, mi = s.moe_intermediate_size;
  b.linear(moe, "model.layers.{i}.mlp.gate", E, h, tensor_role::router, false);
  b.gated_mlp(moe, "model.layers.{i}.mlp.experts.{e}", h, mi, false, tensor_role::expert, E, k);
  if (s.num_shared_experts) {
    const uint64_t si = s.dim("shared_expert_intermediate_size");
    b.gated_mlp(moe, "model.layers.{i}.mlp.shared_expert", h, si, false, tensor_role::shared_expert);
    b.linear(moe, "model.layers.{i}.mlp.shared_expert_gate", 1, h, tensor_role::router, false);
  }
  b.gated_mlp(dense, "model.layers.{i}.mlp", h, s.intermediate_size, false);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Phi-3.5-MoE: configuration_phimoe.py / modeling_phimoe.py; LayerNorm with bias, attention
// biases (attention_bias), Mixtral-style experts, optional lm_head bias.
void read_phimoe(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 32064, .hidden_size = 4096, .intermediate_size = 6400, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .num_key_value_heads = 8, .max_position_embeddings = 4096 * 32});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.num_experts = r.count({"num_local_experts"}, 16, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 2, limits::experts);
  s.set_dim("lm_head_bias", r.flag("lm_head_bias", false, false));
  for (auto& l : s.layers) l.moe = true;
  read_sliding_layers(r, s, 0, [](uint64_t, uint64_t) { return true; }, 1);
}

void build_phimoe(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const uint64_t E = s.num_experts, k = s.experts_per_token;
  const group g{"moe_decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h, true);
  b.attention(g, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  b.norm(g, "model.layers.{i}.post_attention_layernorm", h, true);
  b.linear(g, "model.layers.{i}.block_sparse_moe.gate", E, h, tensor_role::router, false);
  b.linear(g, "model.layers.{i}.block_sparse_moe.experts.{e}.w1", i, h, tensor_role::expert, false, E, k);
  b.linear(g, "model.layers.{i}.block_sparse_moe.experts.{e}.w2", h, i, tensor_role::expert, false, E, k);
  b.linear(g, "model.layers.{i}.block_sparse_moe.experts.{e}.w3", i, h, tensor_role::expert, false, E, k);
  b.norm_outside("model.norm", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, s.dim("lm_head_bias") != 0);
}

// ---- DeepSeek-V2/V2-Lite/V3/R1: configuration_deepseek_v3.py (V3 defaults), modeling_deepseek_v3.py.
// Multi-head latent attention: q through a low-rank q_a/q_b pair (or one q_proj when q_lora_rank is
// null), K and V through the shared latent kv_a_proj_with_mqa [kv_lora_rank + rope, h] and kv_b_proj.
// Layers from first_k_dense_replace on (every moe_layer_freq-th) route to experts beside shared ones.
// V3 also ships num_nextn_predict_layers multi-token-prediction modules that transformers does not load.
void read_deepseek(config_reader& r, model_spec& s, bool v3) {
  read_decoder(r, s, {.vocab_size = 129280, .hidden_size = 7168, .intermediate_size = 18432, .num_hidden_layers = 61,
                      .num_attention_heads = 128, .max_position_embeddings = 4096});
  const uint64_t kv_lora = r.count({"kv_lora_rank"}, 512, limits::hidden);
  const uint64_t q_lora = r.whole_or({"q_lora_rank"}, 0, limits::hidden);  // null: no q compression
  const uint64_t nope = r.count({"qk_nope_head_dim"}, 128, limits::head_dim);
  const uint64_t rope = r.count({"qk_rope_head_dim"}, 64, limits::head_dim);
  const uint64_t v_dim = r.count({"v_head_dim"}, 128, limits::head_dim);
  s.set_dim("kv_lora_rank", kv_lora);
  s.set_dim("q_lora_rank", q_lora);
  s.set_dim("qk_nope_head_dim", nope);
  s.set_dim("qk_rope_head_dim", rope);
  s.set_dim("v_head_dim", v_dim);
  s.head_dim = nope + rope;  // the query/key head size attention computes with
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.num_experts = r.whole_or({"n_routed_experts"}, v3 ? 256 : 0, limits::experts);
  s.num_shared_experts = r.whole_or({"n_shared_experts"}, v3 ? 1 : 0, limits::experts);
  s.experts_per_token = r.whole_or({"num_experts_per_tok"}, v3 ? 8 : 0, limits::experts);
  s.moe_intermediate_size = r.count({"moe_intermediate_size"}, 2048, limits::intermediate);
  const uint64_t first_dense = r.whole_or({"first_k_dense_replace"}, v3 ? 3 : 0, limits::layers);
  const uint64_t freq = r.count_or({"moe_layer_freq"}, 1, limits::layers);
  s.mtp_layers = r.whole_or({"num_nextn_predict_layers"}, 0, 64);
  // V3's router carries e_score_correction_bias (topk_method "noaux_tc"); V2's does not.
  s.set_dim("e_score_correction_bias", v3 || r.text({"topk_method"}) == "noaux_tc");
  for (size_t i = 0; i < s.layers.size(); ++i) {
    auto& l = s.layers[i];
    l.attention = attention_kind::mla;
    l.k_elements = kv_lora + rope;  // the latent and the shared rotary key, as MLA runtimes cache it
    l.v_elements = 0;
    l.moe = s.num_experts && i >= first_dense && i % freq == 0;
  }
  // What transformers caches instead (no MLA kernel): per-head K [nope + rope] and V [v_head_dim].
  s.set_dim("expanded_k_elements", s.num_attention_heads * (nope + rope));
  s.set_dim("expanded_v_elements", s.num_attention_heads * v_dim);
}

void read_deepseek_v2(config_reader& r, model_spec& s) { read_deepseek(r, s, false); }
void read_deepseek_v3(config_reader& r, model_spec& s) { read_deepseek(r, s, true); }

// ---- DeepSeek Sparse Attention: DeepSeek-V3.2 (deepseek_v32) and GLM-5 (glm_moe_dsa), transformers
// modular_deepseek_v32.py / modular_glm_moe_dsa.py, DeepSeek-V3.2-Exp inference/model.py (Indexer). DeepSeek-V3
// plus a lightning indexer beside the attention: wq_b [index_n_heads x index_head_dim, q_lora_rank],
// wk [index_head_dim, h], a LayerNorm k_norm with bias, weights_proj [index_n_heads, h]. V3.2 has one in every
// layer; GLM-5 in the "full" layers of indexer_types, else of index_topk_pattern ("F"), else where
// max(i - index_skip_topk_offset + 1, 0) % index_topk_freq == 0 (defaults 2 and 1: every layer); an MTP
// layer always has one. GLM's MTP layer stores no copies of the embedding and head. The indexer caches
// index_head_dim keys per token (vLLM: fp8 with one fp32 scale, 132 bytes; transformers: the compute dtype).
enum dsa_bits : uint8_t { kDsaIndexer = 1 };

void read_dsa(config_reader& r, model_spec& s, bool glm) {
  read_deepseek(r, s, true);
  if (!s.dim("q_lora_rank")) {
    r.error("missing_field", r.field_name("q_lora_rank"), "DeepSeek Sparse Attention's indexer reads the compressed query: q_lora_rank must be a positive whole number.");
    return;
  }
  // No class defaults taken: every DeepSeek-V3.2 / GLM-5 config gives both (a missing one is an error).
  const uint64_t heads = r.count({"index_n_heads"}, 0, limits::heads), dim = r.count({"index_head_dim"}, 0, limits::head_dim);
  s.set_dim("index_n_heads", heads);
  s.set_dim("index_head_dim", dim);
  s.set_dim("mtp_has_embeddings", !glm);
  std::vector<bool> full(s.layers.size(), true);
  if (glm) {
    if (const config_json* t = r.find({"indexer_types"}); t && t->is_array() && t->size() == s.layers.size()) {
      for (size_t i = 0; i < full.size(); ++i) full[i] = (*t)[i].is_string() && (*t)[i].get<std::string>() == "full";
    } else if (const config_json* pat = r.find({"index_topk_pattern"}); pat && pat->is_string() && pat->get<std::string>().size() == s.layers.size()) {
      for (size_t i = 0; i < full.size(); ++i) full[i] = pat->get<std::string>()[i] == 'F';
    } else {
      const uint64_t freq = r.count_or({"index_topk_freq"}, 1, limits::layers), offset = r.whole_or({"index_skip_topk_offset"}, 2, limits::layers);
      for (size_t i = 0; i < full.size(); ++i) full[i] = (i + 1 > offset ? i + 1 - offset : 0) % freq == 0;
    }
  }
  for (size_t i = 0; i < s.layers.size(); ++i)
    if (full[i]) {
      s.layers[i].variant |= kDsaIndexer;
      s.layers[i].index_elements = dim;
    }
}

void read_deepseek_v32(config_reader& r, model_spec& s) { read_dsa(r, s, false); }
void read_glm_moe_dsa(config_reader& r, model_spec& s) { read_dsa(r, s, true); }

void dsa_indexer(const model_spec& s, inventory_builder& b, const group& g, const std::string& prefix) {
  const uint64_t h = s.hidden_size, heads = s.dim("index_n_heads"), dim = s.dim("index_head_dim");
  b.linear(g, prefix + ".self_attn.indexer.wq_b", heads * dim, s.dim("q_lora_rank"), tensor_role::attention, false);
  b.linear(g, prefix + ".self_attn.indexer.wk", dim, h, tensor_role::attention, false);
  b.norm(g, prefix + ".self_attn.indexer.k_norm", dim, true);
  b.layer(g, prefix + ".self_attn.indexer.weights_proj.weight", {heads, h}, tensor_role::attention);
}

void deepseek_layer(const model_spec& s, inventory_builder& b, const group& g, bool moe, const std::string& prefix) {
  const uint64_t h = s.hidden_size, H = s.num_attention_heads;
  const uint64_t q_lora = s.dim("q_lora_rank"), kv_lora = s.dim("kv_lora_rank");
  const uint64_t nope = s.dim("qk_nope_head_dim"), rope = s.dim("qk_rope_head_dim"), v_dim = s.dim("v_head_dim");
  b.norm(g, prefix + ".input_layernorm", h);
  if (q_lora) {
    b.linear(g, prefix + ".self_attn.q_a_proj", q_lora, h, tensor_role::attention, s.qkv_bias);
    b.norm(g, prefix + ".self_attn.q_a_layernorm", q_lora);
    b.linear(g, prefix + ".self_attn.q_b_proj", H * (nope + rope), q_lora, tensor_role::attention, false);
  } else {
    b.linear(g, prefix + ".self_attn.q_proj", H * (nope + rope), h, tensor_role::attention, false);
  }
  b.linear(g, prefix + ".self_attn.kv_a_proj_with_mqa", kv_lora + rope, h, tensor_role::attention, s.qkv_bias);
  b.norm(g, prefix + ".self_attn.kv_a_layernorm", kv_lora);
  b.linear(g, prefix + ".self_attn.kv_b_proj", H * (nope + v_dim), kv_lora, tensor_role::attention, false);
  b.linear(g, prefix + ".self_attn.o_proj", h, H * v_dim, tensor_role::attention, s.o_bias);
  b.norm(g, prefix + ".post_attention_layernorm", h);
  if (moe) {
    const uint64_t E = s.num_experts, k = s.experts_per_token, mi = s.moe_intermediate_size;
    b.linear(g, prefix + ".mlp.gate", E, h, tensor_role::router, false);
    if (s.dim("e_score_correction_bias")) b.layer(g, prefix + ".mlp.gate.e_score_correction_bias", {E}, tensor_role::router);
    b.gated_mlp(g, prefix + ".mlp.experts.{e}", h, mi, false, tensor_role::expert, E, k);
    if (s.num_shared_experts) {
      const uint64_t si = s.num_shared_experts * mi;
      b.gated_mlp(g, prefix + ".mlp.shared_experts", h, si, false, tensor_role::shared_expert);
    }
  } else {
    b.gated_mlp(g, prefix + ".mlp", h, s.intermediate_size, false);
  }
}

void build_deepseek(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size;
  uint64_t moe_layers = 0;
  for (const auto& l : s.layers) moe_layers += l.moe;
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  deepseek_layer(s, b, {"dense_decoder", s.num_hidden_layers - moe_layers}, false, "model.layers.{i}");
  deepseek_layer(s, b, {"moe_decoder", moe_layers}, true, "model.layers.{i}");
  uint64_t indexers = 0;
  for (const auto& l : s.layers) indexers += (l.variant & kDsaIndexer) != 0;
  if (indexers) dsa_indexer(s, b, {"indexer", indexers}, "model.layers.{i}");
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
  if (s.mtp_layers) {
    // Each MTP module (DeepSeek-V3 README, "Multi-Token Prediction"): a full MoE decoder layer plus
    // enorm, hnorm, eh_proj [h, 2h], and its own stored copies of the embedding and output head
    // (model.layers.61.embed_tokens, model.layers.61.shared_head.{norm,head} in the checkpoint).
    const group mtp{"mtp_layer", s.mtp_layers, "mtp"};
    deepseek_layer(s, b, mtp, true, "model.layers.{mtp}");
    if (s.dim("index_n_heads")) dsa_indexer(s, b, mtp, "model.layers.{mtp}");
    b.norm(mtp, "model.layers.{mtp}.enorm", h);
    b.norm(mtp, "model.layers.{mtp}.hnorm", h);
    b.linear(mtp, "model.layers.{mtp}.eh_proj", h, 2 * h, tensor_role::other, false);
    b.norm(mtp, "model.layers.{mtp}.shared_head.norm", h);
    if (!s.dim("index_n_heads") || s.dim("mtp_has_embeddings")) {
      b.layer(mtp, "model.layers.{mtp}.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
      b.linear(mtp, "model.layers.{mtp}.shared_head.head", s.vocab_size, h, tensor_role::lm_head, false);
    }
  }
}

// ---- gpt-oss: configuration_gpt_oss.py / modeling_gpt_oss.py. Attention with biases and a learned
// sink logit per head; alternating sliding (128) and full layers; a biased router and experts stored
// as fused [experts, ...] tensors with biases (listed here one instance per expert).
void read_gpt_oss(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 201088, .hidden_size = 2880, .intermediate_size = 2880, .num_hidden_layers = 36,
                      .num_attention_heads = 64, .num_key_value_heads = 8, .head_dim = 64, .max_position_embeddings = 131072});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", true, false);
  s.num_experts = r.count({"num_local_experts"}, 128, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok", "experts_per_token"}, 4, limits::experts);
  for (auto& l : s.layers) l.moe = true;
  read_sliding_layers(r, s, 128, [](uint64_t i, uint64_t) { return i % 2 == 0; }, 2);
}

void build_gpt_oss(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const uint64_t E = s.num_experts, k = s.experts_per_token;
  const group g{"moe_decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h);
  b.attention(g, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  b.layer(g, "model.layers.{i}.self_attn.sinks", {s.num_attention_heads}, tensor_role::attention);
  b.norm(g, "model.layers.{i}.post_attention_layernorm", h);
  b.linear(g, "model.layers.{i}.mlp.router", E, h, tensor_role::router, true);
  b.linear(g, "model.layers.{i}.mlp.experts.gate_up_proj[{e}]", 2 * i, h, tensor_role::expert, true, E, k);
  b.linear(g, "model.layers.{i}.mlp.experts.down_proj[{e}]", h, i, tensor_role::expert, true, E, k);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Llama 4 text: configuration_llama4.py Llama4TextConfig / modeling_llama4.py. MoE on every
// interleave_moe_layer_step-th layer (a routed expert plus a shared one), dense layers of
// intermediate_size_mlp otherwise; rotary layers attend within chunks of attention_chunk_size, every
// no_rope_layer_interval-th layer (NoPE) attends globally; L2 q/k norm without weights.
void read_llama4_text(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 202048, .hidden_size = 5120, .intermediate_size = 8192, .num_hidden_layers = 48,
                      .num_attention_heads = 40, .num_key_value_heads = 8, .head_dim = 128, .max_position_embeddings = 4096 * 32});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.num_experts = r.count({"num_local_experts"}, 16, limits::experts);
  s.experts_per_token = r.count({"num_experts_per_tok"}, 1, limits::experts);
  s.num_shared_experts = 1;
  s.moe_intermediate_size = s.intermediate_size;
  const uint64_t mlp = r.count({"intermediate_size_mlp"}, 16384, limits::intermediate);
  s.set_dim("intermediate_size_mlp", mlp);
  const uint64_t step = r.count_or({"interleave_moe_layer_step"}, 1, limits::layers);
  const uint64_t chunk = r.count_or({"attention_chunk_size"}, 8192, limits::positions);
  std::vector<uint64_t> no_rope;  // 1 = uses rope (chunked), 0 = NoPE (global)
  if (const config_json* nr = r.find({"no_rope_layers"}); nr && nr->is_array() && nr->size() == s.layers.size())
    for (const auto& v : *nr) no_rope.push_back(v.is_number_unsigned() ? v.get<uint64_t>() : 1);
  const uint64_t interval = r.count_or({"no_rope_layer_interval"}, 4, limits::layers);
  for (size_t i = 0; i < s.layers.size(); ++i) {
    auto& l = s.layers[i];
    l.moe = (i + 1) % step == 0;
    const bool rope = no_rope.empty() ? (i + 1) % interval != 0 : no_rope[i] != 0;
    if (rope && chunk) {
      l.attention = attention_kind::chunked;
      l.window = chunk;
    }
  }
  s.intermediate_size = std::max(mlp, s.intermediate_size);  // the widest MLP, for activations
}

void build_llama4_text(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size;
  uint64_t moe_layers = 0;
  for (const auto& l : s.layers) moe_layers += l.moe;
  const group all{"decoder", s.num_hidden_layers};
  const group moe{"moe_decoder", moe_layers};
  const group dense{"dense_decoder", s.num_hidden_layers - moe_layers};
  const uint64_t E = s.num_experts, k = s.experts_per_token, ei = s.moe_intermediate_size, mi = s.dim("intermediate_size_mlp");
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(all, "model.layers.{i}.input_layernorm", h);
  b.attention(all, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  b.norm(all, "model.layers.{i}.post_attention_layernorm", h);
  b.linear(moe, "model.layers.{i}.feed_forward.router", E, h, tensor_role::router, false);
  b.linear(moe, "model.layers.{i}.feed_forward.experts.gate_up_proj[{e}]", 2 * ei, h, tensor_role::expert, false, E, k);
  b.linear(moe, "model.layers.{i}.feed_forward.experts.down_proj[{e}]", h, ei, tensor_role::expert, false, E, k);
  b.gated_mlp(moe, "model.layers.{i}.feed_forward.shared_expert", h, ei, false, tensor_role::shared_expert);
  b.gated_mlp(dense, "model.layers.{i}.feed_forward", h, mi, false);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Nemotron-NAS (Llama-3.1-Nemotron-51B/70B/253B, DeciLM): per-layer block_configs from a
// neural architecture search (the checkpoints' configuration_decilm.py / modeling_decilm.py). Each
// layer's attention is regular GQA with num_attention_heads / n_heads_in_group KV heads, a single
// linear_attn [h, h] ("replace_with_linear"), or absent ("no_op"); its FFN is a gated MLP of
// find_multiple(int(2 * ffn_mult * h / 3), 256), a linear_mlp [h, h], or absent.
enum nas_bits : uint8_t { kNasLinearAttn = 1, kNasNoFfn = 2, kNasLinearFfn = 4 };

void read_nemotron_nas(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 128256, .hidden_size = 8192, .intermediate_size = 28672, .num_hidden_layers = 80,
                      .num_attention_heads = 64, .max_position_embeddings = 131072});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.mlp_bias = r.flag("mlp_bias", false, false);
  const config_json* blocks = r.find({"block_configs"});
  if (!blocks || !blocks->is_array() || blocks->size() != s.layers.size()) {
    r.error("missing_field", r.field_name("block_configs"), "A nemotron-nas config needs block_configs with one entry per layer (" + text_of(s.layers.size()) + ").");
    return;
  }
  auto boolean = [](const config_json& o, const char* k) { auto f = o.find(k); return f != o.end() && f->is_boolean() && f->get<bool>(); };
  for (size_t i = 0; i < s.layers.size(); ++i) {
    const config_json& b = (*blocks)[i];
    const config_json& a = b.is_object() && b.contains("attention") ? b["attention"] : config_json::object();
    const config_json& f = b.is_object() && b.contains("ffn") ? b["ffn"] : config_json::object();
    auto& l = s.layers[i];
    if (boolean(a, "no_op") || boolean(a, "replace_with_linear")) {
      l.attention = attention_kind::none;
      l.k_elements = l.v_elements = 0;
      if (boolean(a, "replace_with_linear")) l.variant |= kNasLinearAttn;
    } else {
      const auto g = a.find("n_heads_in_group");
      const uint64_t group = g != a.end() && g->is_number_unsigned() ? g->get<uint64_t>() : 0;
      if (!group || s.num_attention_heads % group) {
        r.error("invalid_field", r.field_name("block_configs"), "block_configs[" + text_of(i) + "].attention.n_heads_in_group must divide num_attention_heads.");
        return;
      }
      l.k_elements = l.v_elements = s.num_attention_heads / group * s.head_dim;
    }
    if (boolean(f, "no_op")) {
      l.variant |= kNasNoFfn;
    } else if (boolean(f, "replace_with_linear")) {
      l.variant |= kNasLinearFfn;
    } else {
      const auto m = f.find("ffn_mult");
      if (m == f.end() || !m->is_number() || m->get<double>() <= 0 || m->get<double>() > 1e3) {
        r.error("invalid_field", r.field_name("block_configs"), "block_configs[" + text_of(i) + "].ffn.ffn_mult must be a positive number.");
        return;
      }
      const uint64_t width = static_cast<uint64_t>(2 * m->get<double>() * static_cast<double>(s.hidden_size) / 3);
      l.ffn_width = ceil_div(width, 256) * 256;
    }
  }
  s.num_key_value_heads = 0;  // varies by layer; report the widest
  s.intermediate_size = 0;
  for (const auto& l : s.layers) {
    s.num_key_value_heads = std::max(s.num_key_value_heads, s.head_dim ? l.k_elements / s.head_dim : 0);
    s.intermediate_size = std::max(s.intermediate_size, l.ffn_width);
  }
  if (!s.num_key_value_heads) s.num_key_value_heads = 1;
}

void build_nemotron_nas(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, q_out = s.num_attention_heads * s.head_dim;
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  // Runs of identical layers share one group; each group names its layers by their first index.
  size_t i = 0;
  while (i < s.layers.size()) {
    size_t j = i + 1;
    const auto& l = s.layers[i];
    while (j < s.layers.size() && s.layers[j].attention == l.attention && s.layers[j].k_elements == l.k_elements &&
           s.layers[j].variant == l.variant && s.layers[j].ffn_width == l.ffn_width)
      ++j;
    const group g{"nas_block", j - i};
    const std::string p = "model.layers.{" + text_of(i) + (j - i > 1 ? "-" + text_of(j - 1) : "") + "}";
    if (l.variant & kNasLinearAttn) {
      b.norm(g, p + ".input_layernorm", h);
      b.linear(g, p + ".self_attn.linear_attn", h, h, tensor_role::attention, false);
    } else if (l.attention != attention_kind::none) {
      b.norm(g, p + ".input_layernorm", h);
      b.linear(g, p + ".self_attn.q_proj", q_out, h, tensor_role::attention, s.qkv_bias);
      b.linear(g, p + ".self_attn.k_proj", l.k_elements, h, tensor_role::attention, s.qkv_bias);
      b.linear(g, p + ".self_attn.v_proj", l.v_elements, h, tensor_role::attention, s.qkv_bias);
      b.linear(g, p + ".self_attn.o_proj", h, q_out, tensor_role::attention, s.o_bias);
    }
    if (l.variant & kNasLinearFfn) {
      b.norm(g, p + ".post_attention_layernorm", h);
      b.linear(g, p + ".mlp.linear_mlp", h, h, tensor_role::mlp, false);
    } else if (!(l.variant & kNasNoFfn)) {
      b.norm(g, p + ".post_attention_layernorm", h);
      b.gated_mlp(g, p + ".mlp", h, l.ffn_width, s.mlp_bias);
    }
    i = j;
  }
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

constexpr std::array kDecoders{
    family_rule{"llama", FULL_TEXT("transformers configuration_llama.py, modeling_llama.py"), read_llama, build_llama},
    family_rule{"mistral", FULL_TEXT("transformers configuration_mistral.py, modeling_mistral.py"), read_mistral, build_llama},
    family_rule{"mixtral", FULL_TEXT("transformers configuration_mixtral.py, modeling_mixtral.py"), read_mixtral, build_llama},
    family_rule{"minimax_m2", FULL_TEXT("transformers configuration_minimax_m2.py, modeling_minimax_m2.py"), read_minimax_m2, build_llama},
    family_rule{"qwen2", FULL_TEXT("transformers configuration_qwen2.py, modeling_qwen2.py"), read_qwen2, build_llama},
    family_rule{"qwen3", FULL_TEXT("transformers configuration_qwen3.py, modeling_qwen3.py"), read_qwen3, build_llama},
    family_rule{"gemma", FULL_TEXT("transformers configuration_gemma.py, modeling_gemma.py"), read_gemma, build_llama},
    family_rule{"gemma2", FULL_TEXT("transformers configuration_gemma2.py, modeling_gemma2.py"), read_gemma2, build_gemma2},
    family_rule{"gemma3_text", FULL_TEXT("transformers configuration_gemma3.py (Gemma3TextConfig), modeling_gemma3.py"), read_gemma3_text, build_gemma2},
    family_rule{"phi3", FULL_TEXT("transformers configuration_phi3.py, modeling_phi3.py"), read_phi3, build_phi3},
    family_rule{"qwen2_moe", FULL_TEXT("transformers configuration_qwen2_moe.py, modeling_qwen2_moe.py"), read_qwen2_moe, build_qwen_moe},
    family_rule{"qwen3_moe", FULL_TEXT("transformers configuration_qwen3_moe.py, modeling_qwen3_moe.py"), read_qwen3_moe, build_qwen_moe},
    family_rule{"phimoe", FULL_TEXT("transformers configuration_phimoe.py, modeling_phimoe.py"), read_phimoe, build_phimoe},
    family_rule{"gpt_oss", FULL_TEXT("transformers configuration_gpt_oss.py, modeling_gpt_oss.py"), read_gpt_oss, build_gpt_oss},
};

#define NEURO_SHRINK_RULE(types, source, read, build) family_rule{types, FULL_TEXT(source), read, build},
constexpr family_rule kLargeDecoders[] = {NEURO_SHRINK_LARGE_DECODER_RULES(NEURO_SHRINK_RULE)};
#undef NEURO_SHRINK_RULE

}  // namespace

std::span<const family_rule> decoder_families() { return kDecoders; }
std::span<const family_rule> large_decoder_families() { return kLargeDecoders; }

}  // namespace neuroshrink
