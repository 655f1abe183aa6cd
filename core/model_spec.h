// What a config.json says about a model, normalized: one spelling per field, defaults filled in and
// recorded, and one entry per layer saying what that layer holds. The inventory and the memory terms
// read this, never the JSON.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "issue.h"

namespace neuroshrink {

// What a layer keeps per token (KV cache) or per sequence (SSM state).
enum class attention_kind : uint8_t {
  full,       // every past token
  sliding,    // the last `window` tokens
  chunked,    // tokens of the current `window`-sized chunk (Llama 4's local layers)
  mla,        // a compressed latent per token (DeepSeek multi-head latent attention)
  none,       // no cache: SSM layers, which carry a fixed-size state instead
};
std::string_view attention_kind_name(attention_kind k);

struct layer_spec {
  attention_kind attention = attention_kind::full;
  uint64_t window = 0;            // tokens, for sliding and chunked layers
  uint64_t k_elements = 0;        // cached K elements per token (MLA: the latent, kv_lora_rank + rope dim)
  uint64_t v_elements = 0;        // cached V elements per token (0 for MLA, whose latent serves both)
  uint64_t index_elements = 0;    // cached indexer keys per token (DeepSeek Sparse Attention's lightning indexer)
  uint64_t state_elements = 0;    // fixed per-sequence state (SSM conv + ssm state), elements
  uint64_t state_fp32_elements = 0;  // of state_elements, those transformers keeps in fp32 whatever the model dtype
                                     // (Gated DeltaNet's recurrent state)
  bool moe = false;               // routed experts instead of a dense MLP
  bool cross_attention = false;   // attends to image tokens, caches none of the text's
  uint64_t ffn_width = 0;         // this layer's MLP width when layers differ (block_configs); 0 = the model's
  uint8_t variant = 0;            // family-defined bits for heterogeneous stacks (see the family rule)
  std::string_view block;         // the inventory group (tensor_entry::layer_type) holding this layer's tensors,
                                  // when a family builds several; "" = found from the group's name
};

// A quantization_config found in config.json: recognized and reported; the quantization issue sizes it.
struct stored_quantization {
  std::string method;             // quant_method: gptq, awq, bitsandbytes, fp8, compressed-tensors, mxfp4, ...
  uint64_t bits = 0;              // when the config says
  uint64_t group_size = 0;        // when the config says
  std::string summary;            // one line for people
  std::string format;             // the weight format it is stored in, as find_weight_format reads it; "" = not sized
  uint32_t block_rows = 0, block_cols = 0;  // fp8 weight_block_size
  bool experts_only = false;      // only the routed experts are quantized (gpt-oss MXFP4)
  bool zero_points = true;        // asymmetric integer formats store zeros
  bool g_idx = true;              // GPTQ act-order index
};

struct model_spec {
  std::string architecture;  // architectures[0], e.g. "LlamaForCausalLM"; "" when absent
  std::string model_type;    // e.g. "llama"; for a vision-language model, the outer model_type
  std::string family;        // the inventory rule applied, or "generic"
  std::string text_family;   // vision-language models: the rule of the text decoder (text_config.model_type)
  bool known_family = false;
  bool text_only = false;     // an unknown multimodal wrapper sized by its text_config alone
  bool layout_from_fields = false;  // an unknown decoder read with the MoE rule its fields match (text_family)

  // The text decoder's dimensions (of text_config for vision-language models).
  uint64_t hidden_size = 0;
  uint64_t intermediate_size = 0;         // dense MLP width (the widest one, for activations)
  uint64_t moe_intermediate_size = 0;     // per-expert width, when it differs
  uint64_t num_hidden_layers = 0;
  uint64_t num_attention_heads = 0;
  uint64_t num_key_value_heads = 0;
  uint64_t head_dim = 0;
  uint64_t vocab_size = 0;
  uint64_t max_position_embeddings = 0;   // 0 when the config does not say

  bool tie_word_embeddings = false;
  bool headless = false;      // the architectures class is a base model (Qwen3Model, LlamaModel): no lm_head is built or stored
  bool qkv_bias = false;      // biases on q, k, v projections
  bool o_bias = false;        // bias on the attention output projection
  bool mlp_bias = false;      // biases on the MLP projections
  bool qk_norm = false;       // per-head RMSNorm on q and k (Qwen3)

  // Mixture of experts; 0 experts means a dense MLP.
  uint64_t num_experts = 0;
  uint64_t experts_per_token = 0;
  uint64_t num_shared_experts = 0;

  // Layers the runtime does not load by default: DeepSeek's multi-token-prediction modules.
  uint64_t mtp_layers = 0;

  std::vector<layer_spec> layers;  // one per decoder layer, num_hidden_layers long

  // Family-specific dimensions (kv_lora_rank, d_state, vision hidden_size, ...), by normalized name;
  // the report lists them beside the common fields.
  std::vector<std::pair<std::string, uint64_t>> dims;
  uint64_t dim(std::string_view name) const {
    for (const auto& [k, v] : dims)
      if (k == name) return v;
    return 0;
  }
  void set_dim(std::string name, uint64_t value) {
    for (auto& [k, v] : dims)
      if (k == name) { v = value; return; }
    dims.emplace_back(std::move(name), value);
  }

  std::string torch_dtype;    // as written in the config ("bfloat16"); "" when absent
  stored_quantization quantization;       // method "" when the checkpoint is not pre-quantized
  std::vector<std::string> defaulted_fields;  // fields the config omitted, filled from the class defaults
  std::string defaults_source;            // the transformers file those defaults come from
};

struct parsed_config {
  model_spec spec;
  std::vector<issue> issues;
  bool ok() const { return !has_error(issues); }
};

// Parses config.json text. Never throws: malformed or absurd input comes back as error issues.
parsed_config parse_config(std::string_view config_text);

}  // namespace neuroshrink
