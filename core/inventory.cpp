#include "inventory.h"

namespace neuroshrink {

std::string_view role_name(tensor_role r) {
  static constexpr std::string_view kNames[kTensorRoleCount] = {
      "embedding", "position", "attention", "mlp", "expert", "shared_expert", "router",
      "norm", "lm_head", "vision", "projector", "ssm", "other"};
  return kNames[static_cast<int>(r)];
}

namespace {

tensor_entry make(std::string name, std::initializer_list<uint64_t> shape, tensor_role role,
                  std::string_view layer_type = {}, uint64_t layers = 1) {
  tensor_entry t;
  t.name = std::move(name);
  for (uint64_t d : shape) t.shape[t.rank++] = d;
  t.role = role;
  t.layer_type = layer_type;
  t.layers = layers;
  return t;
}

// A decoder-only transformer with pre-norm RMSNorm, rotary positions (no position tensor) and a gated
// MLP, as LlamaForCausalLM lays it out (transformers modeling_llama.py: LlamaModel, LlamaDecoderLayer,
// LlamaAttention, LlamaMLP). Mistral, Qwen2, Qwen3 and Mixtral differ only in the traits of model_spec:
// biases (modeling_qwen2.py), q/k norms (modeling_qwen3.py), a routed expert MLP (modeling_mixtral.py).
void llama_like(const model_spec& s, inventory& inv) {
  const uint64_t h = s.hidden_size, L = s.num_hidden_layers;
  const uint64_t q_out = s.num_attention_heads * s.head_dim;
  const uint64_t kv_out = s.num_key_value_heads * s.head_dim;
  constexpr std::string_view kDecoder = "decoder";
  auto& t = inv.tensors;

  t.push_back(make("model.embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding));

  auto linear = [&](std::string base, uint64_t out, uint64_t in, tensor_role role, bool bias, uint64_t copies = 1,
                    uint64_t active = 1) {
    auto w = make(base + ".weight", {out, in}, role, kDecoder, L);
    w.matmul = true;
    w.copies = copies;
    w.active_copies = active;
    t.push_back(std::move(w));
    if (bias) {
      auto b = make(base + ".bias", {out}, role, kDecoder, L);
      b.copies = copies;
      b.active_copies = active;
      t.push_back(std::move(b));
    }
  };
  t.push_back(make("model.layers.{i}.input_layernorm.weight", {h}, tensor_role::norm, kDecoder, L));
  linear("model.layers.{i}.self_attn.q_proj", q_out, h, tensor_role::attention, s.qkv_bias);
  linear("model.layers.{i}.self_attn.k_proj", kv_out, h, tensor_role::attention, s.qkv_bias);
  linear("model.layers.{i}.self_attn.v_proj", kv_out, h, tensor_role::attention, s.qkv_bias);
  linear("model.layers.{i}.self_attn.o_proj", h, q_out, tensor_role::attention, s.o_bias);
  if (s.qk_norm) {
    t.push_back(make("model.layers.{i}.self_attn.q_norm.weight", {s.head_dim}, tensor_role::norm, kDecoder, L));
    t.push_back(make("model.layers.{i}.self_attn.k_norm.weight", {s.head_dim}, tensor_role::norm, kDecoder, L));
  }
  t.push_back(make("model.layers.{i}.post_attention_layernorm.weight", {h}, tensor_role::norm, kDecoder, L));

  const uint64_t i = s.intermediate_size;
  if (s.num_experts) {
    // MixtralSparseMoeBlock: a bias-free router gate [experts, hidden], then experts.{e}.w1/w3 [inter, hidden]
    // (gate, up) and w2 [hidden, inter] (down).
    const uint64_t E = s.num_experts, k = s.experts_per_token;
    linear("model.layers.{i}.block_sparse_moe.gate", E, h, tensor_role::router, false);
    linear("model.layers.{i}.block_sparse_moe.experts.{e}.w1", i, h, tensor_role::expert, false, E, k);
    linear("model.layers.{i}.block_sparse_moe.experts.{e}.w2", h, i, tensor_role::expert, false, E, k);
    linear("model.layers.{i}.block_sparse_moe.experts.{e}.w3", i, h, tensor_role::expert, false, E, k);
  } else {
    linear("model.layers.{i}.mlp.gate_proj", i, h, tensor_role::mlp, s.mlp_bias);
    linear("model.layers.{i}.mlp.up_proj", i, h, tensor_role::mlp, s.mlp_bias);
    linear("model.layers.{i}.mlp.down_proj", h, i, tensor_role::mlp, s.mlp_bias);
  }

  t.push_back(make("model.norm.weight", {h}, tensor_role::norm));
  // A tied lm_head shares embed_tokens' storage: it is not a tensor of its own (PreTrainedModel.tie_weights).
  if (!s.tie_word_embeddings) {
    auto head = make("lm_head.weight", {s.vocab_size, h}, tensor_role::lm_head);
    head.matmul = true;
    t.push_back(std::move(head));
  }
}

}  // namespace

inventory build_inventory(const model_spec& spec) {
  inventory inv;
  inv.tensors.reserve(24);
  llama_like(spec, inv);
  return inv;
}

parameter_counts count_parameters(const inventory& inv) {
  parameter_counts c;
  for (const auto& t : inv.tensors) {
    const auto n = checked_u64::product({t.elements(), t.layers, t.copies});
    c.total.add(n);
    c.active.add(checked_u64::product({t.elements(), t.layers, t.active_copies}));
    c.by_role[static_cast<int>(t.role)] += n.value;
    auto it = c.by_layer_type.begin();
    while (it != c.by_layer_type.end() && it->first != t.layer_type) ++it;
    if (it == c.by_layer_type.end()) c.by_layer_type.emplace_back(t.layer_type, n.value);
    else it->second += n.value;
  }
  return c;
}

}  // namespace neuroshrink
