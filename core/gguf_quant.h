// llama.cpp file types (LLAMA_FTYPE) and the GGUF file each one makes of a model: the ggml type of every
// tensor, following llama.cpp's own choices, and the bytes of the file.
//
// Two llama.cpp programs decide what a GGUF holds:
//   - convert_hf_to_gguf.py (conversion/base.py ModelBase.prepare_tensors) renames the checkpoint's
//     tensors, merges experts into 3-D tensors, and writes 1-D tensors, norms, routers, position
//     embeddings and SSM conv weights in F32, every other weight in the chosen float type;
//   - llama-quantize (src/llama-quant.cpp) then gives each weight it may quantize a type from the file
//     type's mix (llama_tensor_get_type_impl) and falls back to a smaller block when the row length does
//     not divide (tensor_type_fallback).
// plan_gguf() replays both from the config alone: no weights are read, and the result is what the two
// programs write for the model, tensor by tensor, in integer bytes.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inventory.h"
#include "model_spec.h"

namespace neuroshrink {

// One llama.cpp file type, as llama-quantize names it (tools/quantize/quantize.cpp QUANT_OPTIONS) and
// as include/llama.h numbers it (enum llama_ftype).
struct gguf_file_type {
  std::string_view name;        // "Q4_K_M"
  uint32_t ftype;               // LLAMA_FTYPE_MOSTLY_Q4_K_M = 15, written as general.file_type
  uint32_t base_type;           // ggml type id of most weights (llama_ftype_get_default_type): Q4_K = 12
  std::string_view description; // for people
  std::string_view source;
};

std::span<const gguf_file_type> gguf_file_types();
// Case-insensitive; also llama-quantize's aliases Q3_K, Q4_K, Q5_K (= the _M mixes). nullptr if unknown.
const gguf_file_type* find_gguf_file_type(std::string_view name);
const gguf_file_type* find_gguf_file_type(uint32_t ftype);

// The broad tensor kinds llama-quantize's rules tell apart (src/llama-quant.cpp tensor_get_category,
// extended with the kinds that never reach those rules), named as GGUF names the tensor.
enum class gguf_category : uint8_t {
  token_embd, output, position_embd,
  attn_q, attn_k, attn_v, attn_qkv, attn_output,
  attn_q_a, attn_q_b, attn_kv_a_mqa, attn_kv_b, attn_k_b, attn_v_b,  // MLA
  attn_sinks,
  ffn_gate, ffn_up, ffn_down,
  ffn_gate_exps, ffn_up_exps, ffn_down_exps,
  ffn_gate_shexp, ffn_up_shexp, ffn_down_shexp,
  ffn_gate_inp, ffn_gate_inp_shexp, exp_probs_b,  // routers
  ssm_in, ssm_x, ssm_dt, ssm_a, ssm_d, ssm_conv1d, ssm_out,
  norm, bias, rope_freqs, other,
};
std::string_view gguf_category_name(gguf_category c);

// The tensors of one type within a tensor name: `tensors` layers carry it at `bytes_each` bytes.
struct gguf_type_run {
  uint32_t type = 0;            // ggml type id
  uint64_t tensors = 0;
  uint64_t bytes_each = 0;
};

struct gguf_tensor_plan {
  std::string name;             // GGUF name; "blk.{i}." for the layer index: "blk.{i}.attn_v.weight"
  std::string source;           // the inventory (checkpoint) tensor it comes from
  gguf_category category = gguf_category::other;
  std::array<uint64_t, 4> ne{1, 1, 1, 1};  // ggml order: ne[0] is the row length (a Linear's in_features)
  uint32_t n_dims = 1;
  bool quantizable = false;     // llama-quantize may change its type (tensor_allows_quantization)
  uint32_t source_type = 0;     // the type convert_hf_to_gguf.py writes it in
  std::vector<uint32_t> layer_index;  // the blk indices carrying it, ascending; empty outside the stack
  std::vector<uint32_t> layer_type;   // the ggml type per entry of layer_index (one entry outside the stack)
  std::vector<gguf_type_run> runs;    // layer_type grouped by type, in order of first appearance
  uint64_t fallbacks = 0;       // tensors whose row length forced tensor_type_fallback
  uint64_t elements = 0;        // over all its tensors
  uint64_t bytes = 0;           // over all its tensors, without alignment padding

  uint64_t count() const { return layer_index.empty() ? 1 : layer_index.size(); }
  uint64_t elements_each() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

struct gguf_type_total {
  uint32_t type = 0;
  uint64_t tensors = 0;
  uint64_t elements = 0;
  uint64_t bytes = 0;
};

struct gguf_options {
  // llama-quantize --imatrix: changes IQ3_XXS attn_v/ffn_down, IQ4_NL/IQ4_XS ffn_down, and the first
  // eighth of ffn_down in Q4_0/Q5_0 (-> Q4_1/Q5_1). Most published quants (bartowski, unsloth) use one.
  bool imatrix = false;
  // The float type of the intermediate GGUF llama-quantize reads, for the 2-D tensors it never quantizes.
  // 0xFFFFFFFF: what convert_hf_to_gguf.py --outtype auto picks (BF16 for a bfloat16 checkpoint, else F16).
  uint32_t source_type = 0xFFFFFFFFu;
};

struct gguf_plan {
  const gguf_file_type* file_type = nullptr;
  std::vector<gguf_tensor_plan> tensors;
  std::vector<gguf_type_total> by_type;  // ordered by ggml type id
  uint64_t n_tensors = 0;       // tensors in the file
  uint64_t elements = 0;        // what llama.cpp prints as "model params"
  uint64_t tensor_bytes = 0;    // sum of ggml_nbytes: llama.cpp's "file size = X GiB (Y BPW)" and quantize's "quant size"
  uint64_t padding_bytes = 0;   // zeros after each tensor's data, to the 32-byte GGUF alignment
  uint64_t tensor_info_bytes = 0;  // the tensor-info records of the header
  uint64_t metadata_bytes = 0;  // the key-value section (estimate: tokenizer arrays dominate)
  uint64_t header_bytes = 0;    // magic, version, counts, key-values, tensor infos, padded to 32
  uint64_t file_bytes = 0;      // header_bytes + tensor_bytes + padding_bytes
  uint64_t fallback_tensors = 0;
  uint64_t n_layer = 0;         // blk count
  uint64_t n_expert = 0;
  uint64_t n_gqa = 0;           // n_head / n_head_kv of layer 0, as llama-quantize's rules read it
  bool tied_output = false;     // no output.weight: token_embd serves both and takes the output's type
  std::vector<std::string> notes;  // what was left out or assumed

  // Bits per weight as llama.cpp prints it: tensor_bytes * 8 / elements, times 1000.
  uint64_t bpw_milli() const { return elements ? tensor_bytes * 8000 / elements : 0; }
  const gguf_tensor_plan* find(std::string_view gguf_name) const {
    for (const auto& t : tensors)
      if (t.name == gguf_name) return &t;
    return nullptr;
  }
};

// Bytes of one row of `row_length` values in ggml type `type` (ggml_row_size); 0 if the type is unknown
// or the row does not divide into its blocks.
uint64_t gguf_row_bytes(uint32_t type, uint64_t row_length);

// The GGUF that convert_hf_to_gguf.py + llama-quantize make of the model for `ft`. Vision towers and
// projectors (the separate mmproj GGUF) and multi-token-prediction layers (skipped by the DeepSeek
// converter) are left out, as the converter leaves them out of the main file.
gguf_plan plan_gguf(const model_spec& spec, const inventory& inv, const gguf_file_type& ft, const gguf_options& options = {});

// The layers an inventory entry sits in (its layer group's layers; every layer for a uniform stack).
std::vector<uint32_t> tensor_layers(const model_spec& s, const tensor_entry& t);

}  // namespace neuroshrink
