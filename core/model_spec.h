// What a config.json says about a model, normalized: one spelling per field, defaults filled in and
// recorded, so that the inventory never has to read JSON.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "issue.h"

namespace neuroshrink {

struct model_spec {
  std::string architecture;  // architectures[0], e.g. "LlamaForCausalLM"; "" when absent
  std::string model_type;    // e.g. "llama"
  std::string family;        // the inventory rule applied: "llama", "qwen2", ..., or "generic"
  bool known_family = false;

  uint64_t hidden_size = 0;
  uint64_t intermediate_size = 0;
  uint64_t num_hidden_layers = 0;
  uint64_t num_attention_heads = 0;
  uint64_t num_key_value_heads = 0;
  uint64_t head_dim = 0;
  uint64_t vocab_size = 0;
  uint64_t max_position_embeddings = 0;  // 0 when the config does not say

  bool tie_word_embeddings = false;
  bool qkv_bias = false;      // biases on q, k, v projections
  bool o_bias = false;        // bias on the attention output projection
  bool mlp_bias = false;      // biases on the MLP projections
  bool qk_norm = false;       // per-head RMSNorm on q and k (Qwen3)

  // Mixture of experts; 0 experts means a dense MLP.
  uint64_t num_experts = 0;
  uint64_t experts_per_token = 0;

  std::string torch_dtype;    // as written in the config ("bfloat16"); "" when absent
  std::vector<std::string> defaulted_fields;  // fields the config omitted, filled from the class defaults
};

struct parsed_config {
  model_spec spec;
  std::vector<issue> issues;
  bool ok() const { return !has_error(issues); }
};

// Parses config.json text. Never throws: malformed or absurd input comes back as error issues.
parsed_config parse_config(std::string_view config_text);

}  // namespace neuroshrink
