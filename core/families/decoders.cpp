// Decoder-only transformers with rotary positions laid out like Llama: embed_tokens, a stack of
// pre-norm layers (self_attn.{q,k,v,o}_proj, an MLP or a routed expert block), a final norm, lm_head.
#include <array>

#include "family.h"

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
    b.norm(g, "model.layers.{i}.self_attn.q_norm", hd);
    b.norm(g, "model.layers.{i}.self_attn.k_norm", hd);
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
    b.linear(g, "model.layers.{i}.mlp.gate_proj", i, h, tensor_role::mlp, s.mlp_bias);
    b.linear(g, "model.layers.{i}.mlp.up_proj", i, h, tensor_role::mlp, s.mlp_bias);
    b.linear(g, "model.layers.{i}.mlp.down_proj", h, i, tensor_role::mlp, s.mlp_bias);
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

constexpr std::array kDecoders{
    family_rule{"llama", "transformers configuration_llama.py, modeling_llama.py", read_llama, build_llama},
    family_rule{"mistral", "transformers configuration_mistral.py, modeling_mistral.py", read_mistral, build_llama},
    family_rule{"mixtral", "transformers configuration_mixtral.py, modeling_mixtral.py", read_mixtral, build_llama},
    family_rule{"qwen2", "transformers configuration_qwen2.py, modeling_qwen2.py", read_qwen2, build_llama},
    family_rule{"qwen3", "transformers configuration_qwen3.py, modeling_qwen3.py", read_qwen3, build_llama},
};

}  // namespace

std::span<const family_rule> decoder_families() { return kDecoders; }

}  // namespace neuroshrink
