#include "text.h"
#include "family.h"

#include <array>

namespace neuroshrink {

std::string_view attention_kind_name(attention_kind k) {
  switch (k) {
    case attention_kind::full: return "full";
    case attention_kind::sliding: return "sliding";
    case attention_kind::chunked: return "chunked";
    case attention_kind::mla: return "mla";
    case attention_kind::none: return "none";
  }
  return "full";
}

namespace {

bool has_type(std::string_view list, std::string_view type) {
  while (!list.empty()) {
    const auto sp = list.find(' ');
    if (list.substr(0, sp) == type) return true;
    if (sp == std::string_view::npos) break;
    list.remove_prefix(sp + 1);
  }
  return false;
}

// The generic decoder for unknown architectures: Llama's layout, the most common one.
void generic_read(config_reader& r, model_spec& s) {
  read_decoder(r, s, decoder_defaults{});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.mlp_bias = r.flag("mlp_bias", false, false);
}

void generic_build(const model_spec& s, inventory_builder& b);

}  // namespace

void read_decoder(config_reader& r, model_spec& s, const decoder_defaults& d) {
  s.hidden_size = r.count({"hidden_size", "n_embd", "n_embed", "d_model"}, d.hidden_size, limits::hidden);
  s.num_hidden_layers = r.count({"num_hidden_layers", "n_layer", "num_layers"}, d.num_hidden_layers, limits::layers);
  s.num_attention_heads = r.count({"num_attention_heads", "n_head"}, d.num_attention_heads, limits::heads);
  if (d.read_intermediate)
    s.intermediate_size = r.count({"intermediate_size", "n_inner", "ffn_dim"}, d.intermediate_size, limits::intermediate);
  s.vocab_size = r.count({"vocab_size"}, d.vocab_size, limits::vocab);
  // transformers: num_key_value_heads=None means one KV head per query head.
  const bool known = s.known_family;
  if (r.has({"num_key_value_heads", "n_head_kv", "num_kv_heads"})) {
    s.num_key_value_heads = r.count({"num_key_value_heads", "n_head_kv", "num_kv_heads"}, 0, limits::heads);
  } else {
    s.num_key_value_heads = d.num_key_value_heads ? d.num_key_value_heads : s.num_attention_heads;
    // Recorded only where the class sets a number; None (multi-head attention) is what every family
    // without grouped-query attention means, not a missing field.
    if (known && d.num_key_value_heads) s.defaulted_fields.push_back(r.field_name("num_key_value_heads"));
  }
  // transformers: head_dim = config.head_dim if set, else hidden_size // num_attention_heads.
  if (r.has({"head_dim"})) {
    s.head_dim = r.count({"head_dim"}, 0, limits::head_dim);
  } else if (d.head_dim) {
    s.head_dim = d.head_dim;
    s.defaulted_fields.push_back(r.field_name("head_dim"));
  } else if (s.num_attention_heads) {
    s.head_dim = s.hidden_size / s.num_attention_heads;
  }
  s.max_position_embeddings = r.count_or({"max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"}, 0, limits::positions);
  if (!s.max_position_embeddings && d.max_position_embeddings) {
    s.max_position_embeddings = d.max_position_embeddings;
    s.defaulted_fields.push_back(r.field_name("max_position_embeddings"));
  }
  s.tie_word_embeddings = r.flag("tie_word_embeddings", d.tie_word_embeddings, known);

  s.layers.assign(s.num_hidden_layers, layer_spec{});
  for (auto& l : s.layers) l.k_elements = l.v_elements = s.num_key_value_heads * s.head_dim;
}

void read_sliding_layers(config_reader& r, model_spec& s, uint64_t default_window, bool (*sliding)(uint64_t, uint64_t), uint64_t period) {
  const uint64_t window = r.count_or({"sliding_window"}, default_window, limits::positions);
  if (const config_json* types = r.find({"layer_types"}); types && types->is_array()) {
    if (types->size() != s.layers.size()) {
      r.error("inconsistent_layers", r.field_name("layer_types"),
              "layer_types lists " + text_of(types->size()) + " layers but num_hidden_layers is " + text_of(s.layers.size()) + ".");
      return;
    }
    for (size_t i = 0; i < s.layers.size(); ++i) {
      const std::string t = (*types)[i].is_string() ? (*types)[i].get<std::string>() : "";
      if (t == "sliding_attention") {
        s.layers[i].attention = attention_kind::sliding;
        s.layers[i].window = window;
      } else if (t == "chunked_attention") {
        s.layers[i].attention = attention_kind::chunked;
        s.layers[i].window = r.count_or({"attention_chunk_size"}, window, limits::positions);
      } else if (t != "full_attention") {
        r.error("unknown_layer_type", r.field_name("layer_types"), "layer_types[" + text_of(i) + "] is \"" + t + "\", which this estimate does not know.");
        return;
      }
    }
    return;
  }
  if (!window || !sliding) return;
  for (size_t i = 0; i < s.layers.size(); ++i)
    if (sliding(i, period)) {
      s.layers[i].attention = attention_kind::sliding;
      s.layers[i].window = window;
    }
}

namespace {

constexpr std::array<family_rule, 1> kGeneric{
    family_rule{"generic", "LlamaForCausalLM's layout (transformers modeling_llama.py), assumed", generic_read, generic_build}};

void generic_build(const model_spec& s, inventory_builder& b) {
  // Same layout as the llama rule; declared in decoders.cpp.
  find_family("llama")->build(s, b);
}

}  // namespace

const family_rule& generic_family() { return kGeneric[0]; }

std::vector<std::string_view> known_model_types() {
  std::vector<std::string_view> out;
  for (auto group : {decoder_families(), classic_families(), ssm_families(), vlm_families()})
    for (const auto& f : group) {
      std::string_view list = f.model_types;
      while (!list.empty()) {
        const auto sp = list.find(' ');
        out.push_back(list.substr(0, sp));
        if (sp == std::string_view::npos) break;
        list.remove_prefix(sp + 1);
      }
    }
  return out;
}

const family_rule* find_family(std::string_view model_type) {
  if (model_type.empty()) return nullptr;
  for (auto group : {decoder_families(), classic_families(), ssm_families(), vlm_families()})
    for (const auto& f : group)
      if (has_type(f.model_types, model_type)) return &f;
  return nullptr;
}

}  // namespace neuroshrink
