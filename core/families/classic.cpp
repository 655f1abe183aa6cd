// Decoders with learned or ALiBi positions, LayerNorm with biases, fused QKV or parallel blocks:
// GPT-2, GPT-J, GPT-NeoX/Pythia, BLOOM, OPT, Falcon, Phi-2, StarCoder2, Cohere, OLMo, InternLM2, GLM.
// Each rule follows the transformers configuration_*.py defaults and modeling_*.py modules it names.
#include <array>

#include "family.h"
#include "variant_text.h"

namespace neuroshrink {
namespace {

using group = inventory_builder::group;

// Dense feed-forward width of GPT-2 and GPT-J: n_inner, whose class default None means 4 x hidden
// (GPT2MLP / GPTJMLP: `inner_dim = config.n_inner if config.n_inner is not None else 4 * embed_dim`).
uint64_t inner_or_4h(config_reader& r, const model_spec& s) {
  return r.count_or({"n_inner", "intermediate_size"}, 4 * s.hidden_size, limits::intermediate);
}

// ---- GPT-2: configuration_gpt2.py / modeling_gpt2.py. Learned positions wpe [n_positions, h]; Conv1D
// layers stored [in, out] (listed here as [out, in] like every Linear); lm_head tied to wte.
void read_gpt2(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50257, .hidden_size = 768, .intermediate_size = 3072, .num_hidden_layers = 12,
                      .num_attention_heads = 12, .max_position_embeddings = 1024, .tie_word_embeddings = true,
                      .read_intermediate = false});
  s.intermediate_size = inner_or_4h(r, s);
}

void build_gpt2(const model_spec& s, inventory_builder& b) { build_gpt2_layout(s, b); }

// ---- GPT-J: configuration_gptj.py / modeling_gptj.py. Bias-free q/k/v/out_proj, biased fc_in/fc_out,
// one ln_1 per (parallel) block, an untied lm_head with a bias.
void read_gptj(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50400, .hidden_size = 4096, .intermediate_size = 16384, .num_hidden_layers = 28,
                      .num_attention_heads = 16, .max_position_embeddings = 2048, .read_intermediate = false});
  s.intermediate_size = inner_or_4h(r, s);
}

void build_gptj(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("transformer.wte.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "transformer.h.{i}.ln_1", h, true);
  for (const char* p : {"q_proj", "k_proj", "v_proj", "out_proj"})
    b.linear(g, std::string("transformer.h.{i}.attn.") + p, h, h, tensor_role::attention, false);
  b.linear(g, "transformer.h.{i}.mlp.fc_in", i, h, tensor_role::mlp, true);
  b.linear(g, "transformer.h.{i}.mlp.fc_out", h, i, tensor_role::mlp, true);
  b.norm_outside("transformer.ln_f", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, true);
}

// ---- GPT-NeoX / Pythia: configuration_gpt_neox.py / modeling_gpt_neox.py. Fused query_key_value with
// bias (attention_bias), two LayerNorms per layer, untied embed_out.
void read_gpt_neox(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50432, .hidden_size = 6144, .intermediate_size = 24576, .num_hidden_layers = 44,
                      .num_attention_heads = 64, .max_position_embeddings = 2048});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", true, false);
}

void build_gpt_neox(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("gpt_neox.embed_in.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "gpt_neox.layers.{i}.input_layernorm", h, true);
  b.norm(g, "gpt_neox.layers.{i}.post_attention_layernorm", h, true);
  b.linear(g, "gpt_neox.layers.{i}.attention.query_key_value", 3 * h, h, tensor_role::attention, s.qkv_bias);
  b.linear(g, "gpt_neox.layers.{i}.attention.dense", h, h, tensor_role::attention, s.o_bias);
  b.linear(g, "gpt_neox.layers.{i}.mlp.dense_h_to_4h", i, h, tensor_role::mlp, true);
  b.linear(g, "gpt_neox.layers.{i}.mlp.dense_4h_to_h", h, i, tensor_role::mlp, true);
  b.norm_outside("gpt_neox.final_layer_norm", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("embed_out", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- BLOOM: configuration_bloom.py / modeling_bloom.py. ALiBi (no position tensor), a LayerNorm on
// the embeddings, fused query_key_value with bias, 4h MLP, tied lm_head.
void read_bloom(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 250880, .hidden_size = 64, .num_hidden_layers = 2, .num_attention_heads = 8,
                      .tie_word_embeddings = true, .read_intermediate = false});
  s.intermediate_size = 4 * s.hidden_size;
}

void build_bloom(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("transformer.word_embeddings.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm_outside("transformer.word_embeddings_layernorm", h, true);
  b.norm(g, "transformer.h.{i}.input_layernorm", h, true);
  b.linear(g, "transformer.h.{i}.self_attention.query_key_value", 3 * h, h, tensor_role::attention, true);
  b.linear(g, "transformer.h.{i}.self_attention.dense", h, h, tensor_role::attention, true);
  b.norm(g, "transformer.h.{i}.post_attention_layernorm", h, true);
  b.linear(g, "transformer.h.{i}.mlp.dense_h_to_4h", i, h, tensor_role::mlp, true);
  b.linear(g, "transformer.h.{i}.mlp.dense_4h_to_h", h, i, tensor_role::mlp, true);
  b.norm_outside("transformer.ln_f", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- OPT: configuration_opt.py / modeling_opt.py. Learned positions with an offset of 2
// (OPTLearnedPositionalEmbedding: max_position_embeddings + 2 rows); project_in/project_out when
// word_embed_proj_dim differs from hidden_size; a final LayerNorm only when do_layer_norm_before and not
// _remove_final_layer_norm; biases on everything (enable_bias); lm_head tied, [vocab, word_embed_proj_dim].
void read_opt(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50272, .hidden_size = 768, .intermediate_size = 3072, .num_hidden_layers = 12,
                      .num_attention_heads = 12, .max_position_embeddings = 2048, .tie_word_embeddings = true});
  s.set_dim("word_embed_proj_dim", r.count_or({"word_embed_proj_dim"}, s.hidden_size, limits::hidden));
  const bool before = r.flag("do_layer_norm_before", true, false);
  const bool removed = r.flag("_remove_final_layer_norm", false, false);
  s.set_dim("final_layer_norm", before && !removed);
  s.qkv_bias = s.o_bias = s.mlp_bias = r.flag("enable_bias", true, false);
  s.set_dim("layer_norm_affine", r.flag("layer_norm_elementwise_affine", true, false));
}

void build_opt(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, p = s.dim("word_embed_proj_dim");
  const bool affine = s.dim("layer_norm_affine") != 0;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.decoder.embed_tokens.weight", {s.vocab_size, p}, tensor_role::embedding);
  b.tensor("model.decoder.embed_positions.weight", {s.max_position_embeddings + 2, h}, tensor_role::position);
  if (p != h) {
    b.linear_outside("model.decoder.project_out", p, h, tensor_role::other, false);
    b.linear_outside("model.decoder.project_in", h, p, tensor_role::other, false);
  }
  for (const char* n : {"k_proj", "v_proj", "q_proj", "out_proj"})
    b.linear(g, std::string("model.decoder.layers.{i}.self_attn.") + n, h, h, tensor_role::attention, s.qkv_bias);
  if (affine) b.norm(g, "model.decoder.layers.{i}.self_attn_layer_norm", h, true);
  b.linear(g, "model.decoder.layers.{i}.fc1", i, h, tensor_role::mlp, s.mlp_bias);
  b.linear(g, "model.decoder.layers.{i}.fc2", h, i, tensor_role::mlp, s.mlp_bias);
  if (affine) b.norm(g, "model.decoder.layers.{i}.final_layer_norm", h, true);
  if (s.dim("final_layer_norm") && affine) b.norm_outside("model.decoder.final_layer_norm", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, p, tensor_role::lm_head, false);
}

// ---- Falcon (and the original RefinedWeb / RefinedWebModel configs): configuration_falcon.py /
// modeling_falcon.py. head_dim is always hidden_size / num_attention_heads (FalconAttention ignores a
// head_dim field). KV heads: num_kv_heads (default num_attention_heads) with new_decoder_architecture,
// 1 with multi_query, else all heads (_split_heads cuts a 3h projection into num_heads). The fused query_key_value
// is [(heads + 2 kv) x head_dim, h] in all three cases (h + 2 head_dim for multi-query, 3h otherwise).
// LayerNorms (FalconDecoderLayer): input_layernorm + post_attention_layernorm without parallel_attn;
// ln_attn + ln_mlp with parallel_attn and num_ln_in_parallel_attn == 2 (None means 2 under the new
// architecture); else one input_layernorm. `bias` on every Linear; lm_head tied by default.
// The legacy configs follow the checkpoints' own code: RefinedWeb (configuration_RW.py / modelling_RW.py
// of falcon-40b, falcon-180B) always has the new architecture, with n_head_kv defaulting to 1;
// RefinedWebModel (falcon-7b) is the multi-query one.
void read_falcon(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 65024, .hidden_size = 4544, .num_hidden_layers = 32, .num_attention_heads = 71,
                      .max_position_embeddings = 2048, .tie_word_embeddings = true, .read_intermediate = false});
  const bool refined_web = s.model_type == "RefinedWeb";
  const bool new_arch = r.flag("new_decoder_architecture", refined_web, false);
  const bool multi_query = r.flag("multi_query", true, false);
  if (s.num_attention_heads) s.head_dim = s.hidden_size / s.num_attention_heads;
  s.intermediate_size = r.count_or({"ffn_hidden_size"}, 4 * s.hidden_size, limits::intermediate);
  if (new_arch)
    s.num_key_value_heads = r.count_or({"num_kv_heads", "n_head_kv"}, refined_web ? 1 : s.num_attention_heads, limits::heads);
  else if (multi_query)
    s.num_key_value_heads = 1;
  else  // K and V are split from a 3h projection with num_heads heads (FalconAttention._split_heads)
    s.num_key_value_heads = s.num_attention_heads;
  s.qkv_bias = s.o_bias = s.mlp_bias = r.flag("bias", false, false);
  const bool parallel = r.flag("parallel_attn", true, false);
  const uint64_t lns = r.count_or({"num_ln_in_parallel_attn"}, new_arch ? 2 : 1, 2);
  s.set_dim("parallel_attn", parallel);
  s.set_dim("new_decoder_architecture", new_arch);
  s.set_dim("num_ln_in_parallel_attn", lns);
  for (auto& l : s.layers) l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
  if (r.flag("alibi", false, false)) s.set_dim("alibi", 1);
}

void build_falcon(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, hd = s.head_dim;
  const uint64_t kv = s.num_key_value_heads;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("transformer.word_embeddings.weight", {s.vocab_size, h}, tensor_role::embedding);
  if (!s.dim("parallel_attn")) {
    b.norm(g, "transformer.h.{i}.input_layernorm", h, true);
    b.norm(g, "transformer.h.{i}.post_attention_layernorm", h, true);
  } else if (s.dim("num_ln_in_parallel_attn") == 2) {
    b.norm(g, "transformer.h.{i}.ln_attn", h, true);
    b.norm(g, "transformer.h.{i}.ln_mlp", h, true);
  } else {
    b.norm(g, "transformer.h.{i}.input_layernorm", h, true);
  }
  b.linear(g, "transformer.h.{i}.self_attention.query_key_value", (s.num_attention_heads + 2 * kv) * hd, h,
           tensor_role::attention, s.qkv_bias);
  b.linear(g, "transformer.h.{i}.self_attention.dense", h, h, tensor_role::attention, s.o_bias);
  b.linear(g, "transformer.h.{i}.mlp.dense_h_to_4h", i, h, tensor_role::mlp, s.mlp_bias);
  b.linear(g, "transformer.h.{i}.mlp.dense_4h_to_h", h, i, tensor_role::mlp, s.mlp_bias);
  b.norm_outside("transformer.ln_f", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Phi-2 (phi): configuration_phi.py / modeling_phi.py. One LayerNorm per parallel block, biased
// q/k/v/dense and fc1/fc2, final_layernorm, lm_head with bias; partial rotary has no parameters;
// optional qk_layernorm (LayerNorm over head_dim).
void read_phi(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 51200, .hidden_size = 2048, .intermediate_size = 8192, .num_hidden_layers = 24,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  s.qk_norm = r.flag("qk_layernorm", false, false);
}

void build_phi(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, hd = s.head_dim;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h, true);
  b.attention(g, "model.layers.{i}.self_attn", s, true, true, "dense");
  if (s.qk_norm) {
    b.norm(g, "model.layers.{i}.self_attn.q_layernorm", hd, true);
    b.norm(g, "model.layers.{i}.self_attn.k_layernorm", hd, true);
  }
  b.linear(g, "model.layers.{i}.mlp.fc1", i, h, tensor_role::mlp, true);
  b.linear(g, "model.layers.{i}.mlp.fc2", h, i, tensor_role::mlp, true);
  b.norm_outside("model.final_layernorm", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, true);
}

// ---- StarCoder2: configuration_starcoder2.py / modeling_starcoder2.py. LayerNorm with bias, biased
// q/k/v/o and a plain c_fc/c_proj MLP (use_bias), sliding_window on every layer when set.
void read_starcoder2(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 49152, .hidden_size = 3072, .intermediate_size = 12288, .num_hidden_layers = 30,
                      .num_attention_heads = 24, .num_key_value_heads = 2, .max_position_embeddings = 4096,
                      .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = s.mlp_bias = r.flag("use_bias", true, false);
  read_sliding_layers(r, s, 0, [](uint64_t, uint64_t) { return true; }, 1);
}

void build_starcoder2(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h, true);
  b.attention(g, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  b.norm(g, "model.layers.{i}.post_attention_layernorm", h, true);
  b.linear(g, "model.layers.{i}.mlp.c_fc", i, h, tensor_role::mlp, s.mlp_bias);
  b.linear(g, "model.layers.{i}.mlp.c_proj", h, i, tensor_role::mlp, s.mlp_bias);
  b.norm_outside("model.norm", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- Cohere (Command-R) and Cohere2 (Command-R7B / A): configuration_cohere.py, modeling_cohere.py,
// configuration_cohere2.py. CohereLayerNorm has a weight and no bias; attention and MLP run in parallel
// off one input_layernorm; use_qk_norm adds q_norm [heads, head_dim] and k_norm [kv_heads, head_dim];
// tied lm_head. Cohere2 slides on three layers of every four (sliding_window_pattern 4).
void read_cohere(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 256000, .hidden_size = 8192, .intermediate_size = 22528, .num_hidden_layers = 40,
                      .num_attention_heads = 64, .max_position_embeddings = 8192, .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.qk_norm = r.flag("use_qk_norm", false, false);
}

void read_cohere2(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 256000, .hidden_size = 8192, .intermediate_size = 22528, .num_hidden_layers = 40,
                      .num_attention_heads = 64, .max_position_embeddings = 8192, .tie_word_embeddings = true});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  const uint64_t pattern = r.count_or({"sliding_window_pattern"}, 4, limits::layers);
  read_sliding_layers(r, s, 4096, [](uint64_t i, uint64_t p) { return (i + 1) % p != 0; }, pattern);
}

void build_cohere(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, hd = s.head_dim;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h);
  b.attention(g, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  if (s.qk_norm) {
    b.layer(g, "model.layers.{i}.self_attn.q_norm.weight", {s.num_attention_heads, hd}, tensor_role::norm);
    b.layer(g, "model.layers.{i}.self_attn.k_norm.weight", {s.num_key_value_heads, hd}, tensor_role::norm);
  }
  b.gated_mlp(g, "model.layers.{i}.mlp", h, i, false);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- OLMo: configuration_olmo.py / modeling_olmo.py. OlmoLayerNorm has no parameters at all.
// OLMo-2: configuration_olmo2.py / modeling_olmo2.py. RMSNorm after attention and after the MLP
// (post_attention_layernorm, post_feedforward_layernorm), q_norm over heads x head_dim, k_norm over
// kv_heads x head_dim.
void read_olmo(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50304, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
}

void build_olmo(const model_spec& s, inventory_builder& b, bool olmo2) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, hd = s.head_dim;
  const uint64_t q_out = s.num_attention_heads * hd, kv_out = s.num_key_value_heads * hd;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.attention(g, "model.layers.{i}.self_attn", s, s.qkv_bias, s.o_bias);
  if (olmo2) {
    b.norm(g, "model.layers.{i}.self_attn.q_norm", q_out);
    b.norm(g, "model.layers.{i}.self_attn.k_norm", kv_out);
    b.norm(g, "model.layers.{i}.post_attention_layernorm", h);
    b.norm(g, "model.layers.{i}.post_feedforward_layernorm", h);
  }
  b.gated_mlp(g, "model.layers.{i}.mlp", h, i, false);
  if (olmo2) b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

void build_olmo1(const model_spec& s, inventory_builder& b) { build_olmo(s, b, false); }
void build_olmo2(const model_spec& s, inventory_builder& b) { build_olmo(s, b, true); }

// ---- OLMo 3: configuration_olmo3.py / modular_olmo3.py. OLMo 2's layers (post-norms, q_norm / k_norm over the
// whole q and k projections) with layer_types, else 3 layers sliding over sliding_window (4096) to 1 full.
void read_olmo3(config_reader& r, model_spec& s) {
  read_olmo(r, s);
  read_sliding_layers(r, s, 4096, [](uint64_t i, uint64_t n) { return (i + 1) % n != 0; }, 4);
}

// ---- InternLM2: configuration_internlm2.py / modeling_internlm2.py shipped with the checkpoints.
// Fused attention.wqkv [(heads + 2 kv) x head_dim, h] and wo with `bias`, attention_norm, ffn_norm,
// feed_forward.w1/w3/w2, untied `output`.
void read_internlm2(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 103168, .hidden_size = 4096, .intermediate_size = 11008, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  s.qkv_bias = s.o_bias = r.flag("bias", true, false);
}

void build_internlm2(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, hd = s.head_dim;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.tok_embeddings.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.attention_norm", h);
  b.linear(g, "model.layers.{i}.attention.wqkv", (s.num_attention_heads + 2 * s.num_key_value_heads) * hd, h, tensor_role::attention, s.qkv_bias);
  b.linear(g, "model.layers.{i}.attention.wo", h, s.num_attention_heads * hd, tensor_role::attention, s.o_bias);
  b.norm(g, "model.layers.{i}.ffn_norm", h);
  b.linear(g, "model.layers.{i}.feed_forward.w1", i, h, tensor_role::mlp, false);
  b.linear(g, "model.layers.{i}.feed_forward.w3", i, h, tensor_role::mlp, false);
  b.linear(g, "model.layers.{i}.feed_forward.w2", h, i, tensor_role::mlp, false);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("output", s.vocab_size, h, tensor_role::lm_head, false);
}

// ---- GLM-4 (glm: GLM-4-9B in transformers' own port) and GLM-4-0414 (glm4): configuration_glm.py,
// modeling_glm.py, modeling_glm4.py. Biased q/k/v (attention_bias), bias-free o, fused gate_up_proj;
// glm4 adds post_self_attn_layernorm and post_mlp_layernorm.
void read_glm(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 151552, .hidden_size = 4096, .intermediate_size = 13696, .num_hidden_layers = 40,
                      .num_attention_heads = 32, .num_key_value_heads = 2, .head_dim = 128, .max_position_embeddings = 131072});
  s.qkv_bias = r.flag("attention_bias", true, false);
}

void build_glm(const model_spec& s, inventory_builder& b, bool glm4) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.norm(g, "model.layers.{i}.input_layernorm", h);
  b.attention(g, "model.layers.{i}.self_attn", s, s.qkv_bias, false);
  b.norm(g, "model.layers.{i}.post_attention_layernorm", h);
  if (glm4) {
    b.norm(g, "model.layers.{i}.post_self_attn_layernorm", h);
    b.norm(g, "model.layers.{i}.post_mlp_layernorm", h);
  }
  b.linear(g, "model.layers.{i}.mlp.gate_up_proj", 2 * i, h, tensor_role::mlp, false);
  b.linear(g, "model.layers.{i}.mlp.down_proj", h, i, tensor_role::mlp, false);
  b.norm_outside("model.norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

void build_glm1(const model_spec& s, inventory_builder& b) { build_glm(s, b, false); }
void build_glm4(const model_spec& s, inventory_builder& b) { build_glm(s, b, true); }

constexpr std::array kClassic{
    family_rule{"gpt2", FULL_TEXT("transformers configuration_gpt2.py, modeling_gpt2.py"), read_gpt2, build_gpt2},
    family_rule{"gptj", FULL_TEXT("transformers configuration_gptj.py, modeling_gptj.py"), read_gptj, build_gptj},
    family_rule{"gpt_neox", FULL_TEXT("transformers configuration_gpt_neox.py, modeling_gpt_neox.py"), read_gpt_neox, build_gpt_neox},
    family_rule{"bloom", FULL_TEXT("transformers configuration_bloom.py, modeling_bloom.py"), read_bloom, build_bloom},
    family_rule{"opt", FULL_TEXT("transformers configuration_opt.py, modeling_opt.py"), read_opt, build_opt},
    family_rule{"falcon RefinedWeb RefinedWebModel", FULL_TEXT("transformers configuration_falcon.py, modeling_falcon.py"), read_falcon, build_falcon},
    family_rule{"phi", FULL_TEXT("transformers configuration_phi.py, modeling_phi.py"), read_phi, build_phi},
    family_rule{"starcoder2", FULL_TEXT("transformers configuration_starcoder2.py, modeling_starcoder2.py"), read_starcoder2, build_starcoder2},
    family_rule{"cohere", FULL_TEXT("transformers configuration_cohere.py, modeling_cohere.py"), read_cohere, build_cohere},
    family_rule{"cohere2", FULL_TEXT("transformers configuration_cohere2.py, modeling_cohere2.py"), read_cohere2, build_cohere},
    family_rule{"olmo", FULL_TEXT("transformers configuration_olmo.py, modeling_olmo.py"), read_olmo, build_olmo1},
    family_rule{"olmo2", FULL_TEXT("transformers configuration_olmo2.py, modeling_olmo2.py"), read_olmo, build_olmo2},
    family_rule{"olmo3", FULL_TEXT("transformers configuration_olmo3.py, modular_olmo3.py"), read_olmo3, build_olmo2},
    family_rule{"internlm2", FULL_TEXT("configuration_internlm2.py, modeling_internlm2.py shipped with the InternLM2 checkpoints"), read_internlm2, build_internlm2},
    family_rule{"glm", FULL_TEXT("transformers configuration_glm.py, modeling_glm.py"), read_glm, build_glm1},
    family_rule{"glm4", FULL_TEXT("transformers configuration_glm4.py, modeling_glm4.py"), read_glm, build_glm4},
};

}  // namespace

// GPT-2's layout; the fused c_attn is h + 2 x the K/V width: 3h with multi-head attention, h + 2 x head_dim
// with GPT-BigCode's multi-query attention (its one KV head), as modeling_gpt_bigcode.py sizes it.
void build_gpt2_layout(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, i = s.intermediate_size, kv_dim = s.num_key_value_heads * s.head_dim;
  const group g{"decoder", s.num_hidden_layers};
  b.tensor("transformer.wte.weight", {s.vocab_size, h}, tensor_role::embedding);
  b.tensor("transformer.wpe.weight", {s.max_position_embeddings, h}, tensor_role::position);
  b.norm(g, "transformer.h.{i}.ln_1", h, true);
  b.linear(g, "transformer.h.{i}.attn.c_attn", h + 2 * kv_dim, h, tensor_role::attention, true);
  b.linear(g, "transformer.h.{i}.attn.c_proj", h, h, tensor_role::attention, true);
  b.norm(g, "transformer.h.{i}.ln_2", h, true);
  b.linear(g, "transformer.h.{i}.mlp.c_fc", i, h, tensor_role::mlp, true);
  b.linear(g, "transformer.h.{i}.mlp.c_proj", h, i, tensor_role::mlp, true);
  b.norm_outside("transformer.ln_f", h, true);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);
}

std::span<const family_rule> classic_families() { return kClassic; }

}  // namespace neuroshrink
