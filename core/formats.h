// Storage formats: how weight tensors and KV-cache elements are laid out in memory.
// Each table is declared once here; the page and the CLI read it through catalogue().
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace neuroshrink {

enum class weight_layout {
  dense,           // every tensor stored at dense_bits per element
  int8_row_scale,  // matmul weights int8 + one fp32 scale per output row; the rest dense
  int_group,       // matmul weights packed n-bit ints in groups, fp16 scale + packed zero per group, g_idx
};

struct weight_format {
  std::string_view name;         // what users type: "int4"
  std::string_view label;        // what the report prints: "INT4"
  weight_layout layout;
  uint32_t dense_bits;           // bits per element of tensors kept dense (all of them for `dense`)
  uint32_t quant_bits;           // bits per matmul weight element (layouts other than dense)
  uint32_t group_size;           // elements of the input dimension sharing one scale (int_group)
  uint32_t compute_bytes;        // bytes per activation element while running: fp32 4, 16-bit 2
  std::string_view description;
  std::string_view source;
};

struct kv_dtype {
  std::string_view name;
  uint32_t block_bytes;          // bytes of one block of `block_elements` values, scales included
  uint32_t block_elements;
  std::string_view source;
};

// A ggml tensor type as GGUF stores it: `block_bytes` bytes for every `block_elements` values.
struct ggml_type_info {
  uint32_t id;                   // enum ggml_type value, as written in a GGUF tensor info
  std::string_view name;         // as ggml_type_name() prints it
  uint32_t block_elements;
  uint32_t block_bytes;
};

std::span<const ggml_type_info> ggml_types();
const ggml_type_info* find_ggml_type(std::string_view name);  // case-insensitive
const ggml_type_info* find_ggml_type(uint32_t id);

std::span<const weight_format> weight_formats();
std::span<const kv_dtype> kv_dtypes();

const weight_format* find_weight_format(std::string_view name);
const kv_dtype* find_kv_dtype(std::string_view name);

// "bfloat16" -> "bf16", "float16"/"half" -> "fp16", "float32"/"float" -> "fp32"; "" when not a torch float dtype.
std::string_view format_from_torch_dtype(std::string_view torch_dtype);

}  // namespace neuroshrink
