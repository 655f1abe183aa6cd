// Family rules: how one model_type's config.json reads (fields, aliases, class defaults) and which
// tensors its transformers modeling file creates. One rule per architecture, each citing its source.
#pragma once
#include <span>
#include <string>
#include <vector>
#include <string_view>

#include "config_reader.h"
#include "inventory.h"
#include "model_spec.h"

namespace neuroshrink {

class inventory_builder;

struct family_rule {
  std::string_view model_types;  // the model_type values it reads, space-separated
  std::string_view source;       // the transformers configuration_*.py / modeling_*.py it follows
  void (*read)(config_reader& r, model_spec& s);
  void (*build)(const model_spec& s, inventory_builder& b);
};

// Groups of rules, one per source file under core/families/.
std::span<const family_rule> decoder_families();   // families/decoders.cpp: Llama-like rotary decoders, MoE
std::span<const family_rule> large_decoder_families();  // families/decoders.cpp: MLA, DSA, Nemotron-NAS, Llama 4 text
std::span<const family_rule> classic_families();   // families/classic.cpp: GPT-2, GPT-J, NeoX, BLOOM, OPT, Falcon, Phi-2, ...
std::span<const family_rule> ssm_families();       // families/ssm.cpp: Mamba, Mamba2, Falcon-Mamba, Jamba, Qwen3-Next, Qwen3.5 text
std::span<const family_rule> vlm_families();       // families/vlm.cpp: Llava, Qwen2-VL, Mllama, Gemma-3 multimodal
std::span<const family_rule> longtail_dense_families();  // families/longtail_dense.cpp: the long tail, dense decoders
std::span<const family_rule> longtail_moe_families();    // families/longtail_moe.cpp: the long tail, MoE and others

const family_rule* find_family(std::string_view model_type);
// Qwen3-Next / Qwen3.5's Gated DeltaNet text model (families/ssm.cpp), its tensors under `prefix` ("model." or
// "model.language_model."), for the Qwen3.5 multimodal rule (families/vlm.cpp).
void build_gdn_text(const model_spec& s, inventory_builder& b, const std::string& prefix);
// The rule for a config.json "architectures" class name (Qwen2ForCausalLM, DeepseekV3ForCausalLM, ...) and the
// model_type transformers pairs it with (architectures.h), or nullptr: for configs whose own model_type is unknown.
const family_rule* find_family_by_architecture(std::string_view class_name, std::string_view& model_type);
// Every model_type a rule reads, in registry order.
std::vector<std::string_view> known_model_types();
const family_rule& generic_family();  // the fallback for unknown architectures
// GPT-2's tensors (families/classic.cpp), shared by GPT-BigCode, whose multi-query attention narrows c_attn.
void build_gpt2_layout(const model_spec& s, inventory_builder& b);

// Class defaults of a decoder config, read by read_decoder(); 0 means "no default": the field is required.
struct decoder_defaults {
  uint64_t vocab_size = 0, hidden_size = 0, intermediate_size = 0, num_hidden_layers = 0, num_attention_heads = 0;
  uint64_t num_key_value_heads = 0;  // 0: None in transformers, meaning num_attention_heads
  uint64_t head_dim = 0;             // 0: None, meaning hidden_size // num_attention_heads
  uint64_t max_position_embeddings = 0;
  bool tie_word_embeddings = false;
  bool read_intermediate = true;     // false: the family derives the MLP width itself (BLOOM, Falcon)
};

// Reads the fields every decoder has, with the usual aliases (GPT-2's n_embd/n_layer/n_head/n_positions,
// Falcon's n_head_kv), and gives every layer full attention over kv_heads x head_dim for K and V.
void read_decoder(config_reader& r, model_spec& s, const decoder_defaults& d);

// Applies `layer_types` ("full_attention", "sliding_attention", "chunked_attention") when the config has
// it, else `pattern(layer)` -> true for sliding layers; window from `sliding_window`.
void read_sliding_layers(config_reader& r, model_spec& s, uint64_t default_window, bool (*sliding)(uint64_t layer, uint64_t period),
                         uint64_t period);
// `layer_types` when the config has it (false otherwise): one string per layer, or an inconsistent_layers error
// (and no strings) when its length is not the layer count.
bool read_layer_types(config_reader& r, const model_spec& s, std::vector<std::string>& types);
// The unknown_layer_type error for layer_types[i].
void unknown_layer_type(config_reader& r, size_t i, const std::string& type);

// Builds tensors into an inventory. Layer tensors belong to a named group of layers (a layer type).
class inventory_builder {
 public:
  explicit inventory_builder(inventory& inv) : inv_(inv) {}

  struct group {
    std::string_view layer_type;  // "decoder", "moe_decoder", "sliding_decoder", "vision_block", ...
    uint64_t layers;
    std::string_view component = "text";
  };

  // Prepended to every tensor name from now on: a vision-language model builds its text decoder with
  // the text family's rule under "language_model.".
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }

  // A tensor outside the layer stack.
  tensor_entry& tensor(std::string name, std::initializer_list<uint64_t> shape, tensor_role role, std::string_view component = "text");
  // A tensor in every layer of `g`; `copies` instances per layer (experts), of which `active` serve a token.
  tensor_entry& layer(const group& g, std::string name, std::initializer_list<uint64_t> shape, tensor_role role,
                      uint64_t copies = 1, uint64_t active = 1);
  // A Linear: weight [out, in] (quantizable) and, with `bias`, bias [out].
  void linear(const group& g, const std::string& base, uint64_t out, uint64_t in, tensor_role role, bool bias,
              uint64_t copies = 1, uint64_t active = 1);
  void linear_outside(const std::string& base, uint64_t out, uint64_t in, tensor_role role, bool bias, std::string_view component = "text");
  // Grouped-query attention as four Linears under `prefix`: q [heads x head_dim, h], k and v
  // [kv_heads x head_dim, h], and the output projection `o_name` [h, heads x head_dim].
  void attention(const group& g, const std::string& prefix, const model_spec& s, bool qkv_bias, bool o_bias,
                 const char* o_name = "o_proj");
  // A gated MLP under `prefix`: gate_proj and up_proj [width, h], down_proj [h, width].
  void gated_mlp(const group& g, const std::string& prefix, uint64_t h, uint64_t width, bool bias,
                 tensor_role role = tensor_role::mlp, uint64_t copies = 1, uint64_t active = 1);
  // A norm: weight [dim] and, with `bias`, bias [dim].
  void norm(const group& g, const std::string& base, uint64_t dim, bool bias = false);
  void norm_outside(const std::string& base, uint64_t dim, bool bias = false, std::string_view component = "text");

 private:
  inventory& inv_;
  std::string prefix_;
};

// The Llama layout with a family's variations; the text decoder of many other rules.
struct llama_layout {
  bool fused_qkv = false;       // Phi-3: self_attn.qkv_proj; otherwise q_proj, k_proj, v_proj
  bool fused_gate_up = false;   // Phi-3: mlp.gate_up_proj; otherwise gate_proj, up_proj
  bool sandwich_norms = false;  // Gemma-2/3: pre/post feedforward layernorms besides input/post_attention
};
void build_llama_layout(const model_spec& s, inventory_builder& b, const llama_layout& layout);

}  // namespace neuroshrink
