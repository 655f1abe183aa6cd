#include "inventory.h"

#include "family.h"

namespace neuroshrink {

std::string_view role_name(tensor_role r) {
  static constexpr std::string_view kNames[kTensorRoleCount] = {
      "embedding", "position", "attention", "mlp", "expert", "shared_expert", "router",
      "norm", "lm_head", "vision", "projector", "ssm", "other"};
  return kNames[static_cast<int>(r)];
}

tensor_entry& inventory_builder::tensor(std::string name, std::initializer_list<uint64_t> shape, tensor_role role,
                                        std::string_view component) {
  tensor_entry t;
  t.name = prefix_.empty() ? std::move(name) : prefix_ + name;
  for (uint64_t d : shape) t.shape[t.rank++] = d;
  t.role = role;
  t.component = component;
  inv_.tensors.push_back(std::move(t));
  return inv_.tensors.back();
}

tensor_entry& inventory_builder::layer(const group& g, std::string name, std::initializer_list<uint64_t> shape, tensor_role role,
                                       uint64_t copies, uint64_t active) {
  tensor_entry& t = tensor(std::move(name), shape, role, g.component);
  t.layer_type = g.layer_type;
  t.layers = g.layers;
  t.copies = copies;
  t.active_copies = active;
  return t;
}

void inventory_builder::linear(const group& g, const std::string& base, uint64_t out, uint64_t in, tensor_role role, bool bias,
                               uint64_t copies, uint64_t active) {
  if (g.layers == 0) return;
  layer(g, base + ".weight", {out, in}, role, copies, active).matmul = true;
  if (bias) layer(g, base + ".bias", {out}, role, copies, active);
}

void inventory_builder::linear_outside(const std::string& base, uint64_t out, uint64_t in, tensor_role role, bool bias,
                                       std::string_view component) {
  tensor(base + ".weight", {out, in}, role, component).matmul = true;
  if (bias) tensor(base + ".bias", {out}, role, component);
}

void inventory_builder::attention(const group& g, const std::string& prefix, const model_spec& s, bool qkv_bias, bool o_bias,
                                  const char* o_name) {
  const uint64_t h = s.hidden_size, q_out = s.num_attention_heads * s.head_dim, kv_out = s.num_key_value_heads * s.head_dim;
  linear(g, prefix + ".q_proj", q_out, h, tensor_role::attention, qkv_bias);
  linear(g, prefix + ".k_proj", kv_out, h, tensor_role::attention, qkv_bias);
  linear(g, prefix + ".v_proj", kv_out, h, tensor_role::attention, qkv_bias);
  linear(g, prefix + "." + o_name, h, q_out, tensor_role::attention, o_bias);
}

void inventory_builder::gated_mlp(const group& g, const std::string& prefix, uint64_t h, uint64_t width, bool bias,
                                  tensor_role role, uint64_t copies, uint64_t active) {
  linear(g, prefix + ".gate_proj", width, h, role, bias, copies, active);
  linear(g, prefix + ".up_proj", width, h, role, bias, copies, active);
  linear(g, prefix + ".down_proj", h, width, role, bias, copies, active);
}

void inventory_builder::norm(const group& g, const std::string& base, uint64_t dim, bool bias) {
  if (g.layers == 0) return;
  layer(g, base + ".weight", {dim}, tensor_role::norm);
  if (bias) layer(g, base + ".bias", {dim}, tensor_role::norm);
}

void inventory_builder::norm_outside(const std::string& base, uint64_t dim, bool bias, std::string_view component) {
  tensor(base + ".weight", {dim}, tensor_role::norm, component);
  if (bias) tensor(base + ".bias", {dim}, tensor_role::norm, component);
}

inventory build_inventory(const model_spec& spec) {
  inventory inv;
  inv.tensors.reserve(32);
  inventory_builder b(inv);
  const family_rule* f = find_family(spec.family);
  (f ? *f : generic_family()).build(spec, b);
  // A base-model class (embedding and reranker checkpoints, sentence-transformers layouts) has no LM head:
  // transformers' <Name>Model builds none and its files store none (multi-token-prediction heads aside).
  if (spec.headless)
    std::erase_if(inv.tensors, [](const tensor_entry& t) { return t.role == tensor_role::lm_head && t.component != "mtp"; });
  return inv;
}

parameter_counts count_parameters(const inventory& inv) {
  parameter_counts c;
  for (const auto& t : inv.tensors) {
    const auto n = checked_u64::product({t.elements(), t.layers, t.copies});
    auto add_to = [](auto& list, std::string_view key, uint64_t v) {
      for (auto& [k, total] : list)
        if (k == key) { total += v; return; }
      list.emplace_back(key, v);
    };
    add_to(c.by_component, t.component, n.value);
    if (t.component == "mtp") {
      c.mtp.add(n);
      continue;
    }
    c.total.add(n);
    c.active.add(checked_u64::product({t.elements(), t.layers, t.active_copies}));
    c.by_role[static_cast<int>(t.role)] += n.value;
    add_to(c.by_layer_type, t.layer_type, n.value);
  }
  return c;
}

}  // namespace neuroshrink
