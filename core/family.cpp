#include "text.h"
#include "family.h"
#include "architectures.h"
#include "families/decoders_rules.h"
#include "families/ssm_rules.h"
#include "families/vlm_rules.h"
#include "families/longtail_dense_rules.h"
#include "families/longtail_moe_rules.h"

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
void generic_decoder(config_reader& r, model_spec& s) {
  read_decoder(r, s, decoder_defaults{});
  s.qkv_bias = s.o_bias = r.flag("attention_bias", false, false);
  s.mlp_bias = r.flag("mlp_bias", false, false);
}

// The MoE layout an unknown decoder's fields name, if one of ours has exactly those fields: MLA with routed
// experts is DeepSeek-V3's (configuration_deepseek_v3.py); num_local_experts is Mixtral's
// (configuration_mixtral.py); num_experts with moe_intermediate_size is Qwen-MoE's, with a shared expert when
// shared_expert_intermediate_size is given (configuration_qwen2_moe.py, configuration_qwen3_moe.py).
const char* moe_layout(const config_reader& r) {
  if (r.has({"kv_lora_rank"}) && r.has({"n_routed_experts"})) return "deepseek_v3";
  if (r.has({"num_local_experts"})) return "mixtral";
  if (r.has({"num_experts"}) && r.has({"moe_intermediate_size"})) return r.has({"shared_expert_intermediate_size"}) ? "qwen2_moe" : "qwen3_moe";
  return nullptr;
}

// An unknown architecture. A multimodal wrapper (no hidden_size of its own, a text_config inside) is sized by
// its text model: with that model's rule when text_config's model_type or architectures is one we know
// (Kimi-K2.5's text_config is kimi_k2 / DeepseekV3ForCausalLM); its other towers are not counted. A decoder
// whose fields name a known MoE layout is read with that rule; anything else as a Llama-layout decoder.
// config.cpp's unknown_architecture warning says which.
void generic_read(config_reader& r, model_spec& s) {
  s.text_only = !r.has({"hidden_size", "n_embd", "n_embed", "d_model"}) && r.has_object("text_config");
  config_reader text = s.text_only ? r.sub("text_config") : r;
  std::string type;
  const family_rule* rule = nullptr;
  if (s.text_only) {
    type = text.text({"model_type"});
    rule = find_family(type);
    std::string_view via;
    if (!rule)
      if (const config_json* a = text.find({"architectures"}); a && a->is_array() && !a->empty() && (*a)[0].is_string())
        if ((rule = find_family_by_architecture((*a)[0].get_ref<const std::string&>(), via))) type = std::string(via);
  }
  if (!rule)
    if (const char* layout = moe_layout(text)) {
      type = layout;
      rule = find_family(type);
      s.layout_from_fields = true;
    }
  if (rule && rule->read) {
    s.text_family = type;
    s.defaults_source += "; " + std::string(rule->source);
    rule->read(text, s);
  } else {
    generic_decoder(text, s);
  }
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

bool read_layer_types(config_reader& r, const model_spec& s, std::vector<std::string>& types) {
  types.clear();
  const config_json* list = r.find({"layer_types"});
  if (!list || !list->is_array()) return false;
  if (list->size() != s.layers.size()) {
    r.error("inconsistent_layers", r.field_name("layer_types"),
            "layer_types lists " + text_of(list->size()) + " layers but num_hidden_layers is " + text_of(s.layers.size()) + ".");
    return true;
  }
  for (const auto& t : *list) types.push_back(t.is_string() ? t.get<std::string>() : "");
  return true;
}

void unknown_layer_type(config_reader& r, size_t i, const std::string& type) {
  r.error("unknown_layer_type", r.field_name("layer_types"), "layer_types[" + text_of(i) + "] is \"" + type + "\", which this estimate does not know.");
}

void read_sliding_layers(config_reader& r, model_spec& s, uint64_t default_window, bool (*sliding)(uint64_t, uint64_t), uint64_t period) {
  const uint64_t window = r.count_or({"sliding_window"}, default_window, limits::positions);
  if (std::vector<std::string> types; read_layer_types(r, s, types)) {
    for (size_t i = 0; i < types.size(); ++i) {
      const std::string& t = types[i];
      if (t == "sliding_attention") {
        s.layers[i].attention = attention_kind::sliding;
        s.layers[i].window = window;
      } else if (t == "chunked_attention") {
        s.layers[i].attention = attention_kind::chunked;
        s.layers[i].window = r.count_or({"attention_chunk_size"}, window, limits::positions);
      } else if (t != "full_attention") {
        return unknown_layer_type(r, i, t);
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
  // The text model's rule when generic_read found one, else the llama rule's layout (decoders.cpp).
  const family_rule* text = s.text_family.empty() ? nullptr : find_family(s.text_family);
  (text ? text : find_family("llama"))->build(s, b);
}

}  // namespace

const family_rule& generic_family() { return kGeneric[0]; }

namespace {
// The rule groups find_family searches. The first-estimate build links the decoder and classic rules only; a
// model_type without a rule there (the large decoders, the state-space / hybrid, vision-language and long-tail
// rules, and the fallbacks) is handed to the full module (config.cpp's needs_full_estimator), whose catalogue
// lists every model_type. The first one lists the rules it links.
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
auto rule_groups() { return std::array{decoder_families(), classic_families()}; }
#else
auto rule_groups() {
  return std::array{decoder_families(), classic_families(), large_decoder_families(), ssm_families(), vlm_families(),
                    longtail_dense_families(), longtail_moe_families()};
}
#endif

void add_types(std::vector<std::string_view>& out, std::string_view list) {
  while (!list.empty()) {
    const auto sp = list.find(' ');
    out.push_back(list.substr(0, sp));
    if (sp == std::string_view::npos) break;
    list.remove_prefix(sp + 1);
  }
}
}  // namespace

std::vector<std::string_view> known_model_types() {
  std::vector<std::string_view> out;
  for (auto group : rule_groups())
    for (const auto& f : group) add_types(out, f.model_types);
  return out;
}

// The rule for a transformers class, through its architecture record (architectures.h). A config whose
// model_type is none of ours but whose architectures names one of these classes is read with that class's rule:
// vLLM picks its implementation from architectures the same way (vllm/model_executor/models/registry.py), which
// is how remote-code checkpoints such as moonshotai/Kimi-K2-Instruct (model_type "kimi_k2", architectures
// DeepseekV3ForCausalLM) load there.
const family_rule* find_family_by_architecture(std::string_view class_name, std::string_view& model_type) {
  const architecture* a = find_architecture_by_class(class_name);
  if (!a) return nullptr;
  model_type = a->model_type;
  return find_family(a->model_type);
}

const family_rule* find_family(std::string_view model_type) {
  if (model_type.empty()) return nullptr;
  for (auto group : rule_groups())
    for (const auto& f : group)
      if (has_type(f.model_types, model_type)) return &f;
  return nullptr;
}

}  // namespace neuroshrink
