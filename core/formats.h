// Storage formats: how weight tensors and KV-cache elements are laid out in memory.
// Each table is declared once here; the page and the CLI read it through catalogue().
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace neuroshrink {

enum class weight_layout {
  dense,           // every tensor stored at dense_bits per element
  int8_row_scale,  // matmul weights int8 + one fp32 scale per output row; the rest dense
  int_group,       // GPTQ / AWQ: packed n-bit ints in groups along the input, fp16 scale + packed zero per group
  bnb_4bit,        // bitsandbytes NF4 / FP4: 4-bit codes, an absmax per 64 weights (fp32, or 8-bit when double-quantized)
  fp8,             // one byte per matmul weight + fp32 scales per tensor, per output channel or per block
  micro_block,     // MXFP4 / NVFP4: 4-bit codes with a shared scale per small block (+ a per-tensor fp32 for NVFP4)
  mlx_affine,      // MLX: packed n-bit codes, fp16 scale and bias per group; embeddings quantized too
  average_bits,    // EXL2: a measured average bits per weight over the matmul weights, overhead included
  gguf,            // a llama.cpp file type: a ggml type per tensor (gguf_quant.h)
};

enum class scale_granularity : uint8_t { tensor, channel, block };

struct weight_format {
  std::string name;              // canonical, what the report prints back: "int4", "gptq-4bit-128g", "Q4_K_M"
  std::string label;             // for people: "GPTQ 4-bit g128"
  weight_layout layout = weight_layout::dense;
  uint32_t dense_bits = 16;      // bits per element of tensors kept dense (all of them for `dense`)
  uint32_t quant_bits = 0;       // bits per matmul weight element (layouts other than dense)
  uint32_t quant_millibits = 0;  // average_bits: bits x 1000 per weight (EXL2 4.65 bpw -> 4650)
  uint32_t group_size = 0;       // elements sharing one scale (int_group, bnb_4bit, micro_block, mlx_affine)
  uint32_t compute_bytes = 2;    // bytes per activation element while running: fp32 4, 16-bit 2
  bool zero_points = true;       // int_group: packed zeros stored (GPTQ, AWQ); false for symmetric formats
  bool g_idx = true;             // int_group: GPTQ's act-order index g_idx (AWQ has none)
  bool double_quant = false;     // bnb_4bit: absmax quantized to 8 bits in blocks of 256
  scale_granularity scales = scale_granularity::tensor;  // fp8
  uint32_t block_rows = 0, block_cols = 0;  // fp8 block scales (DeepSeek-V3: 128 x 128)
  uint32_t scale_bits = 0;       // micro_block: bits of each block scale (MXFP4 E8M0: 8, NVFP4 E4M3: 8)
  bool tensor_scale = false;     // micro_block: a per-tensor fp32 global scale (NVFP4)
  bool quantize_embeddings = false;  // mlx_affine: nn.Embedding and lm_head quantized too
  bool experts_only = false;     // only routed-expert weights use the format (gpt-oss MXFP4)
  uint32_t gguf_ftype = 0;       // gguf: LLAMA_FTYPE of the file type
  std::string description;
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

// The formats the page offers and the table sweeps: fp32, fp16, bf16, int8, int4 and the common quantized
// formats of each runtime. Any other spelling goes through find_weight_format.
std::span<const weight_format> weight_formats();
std::span<const kv_dtype> kv_dtypes();

// A format from what users type, case-insensitive: fp32 fp16 bf16 int8 int4; gptq[-Nbit][-Gg] (gptq-4bit-128g,
// gptq-int4), awq[-Nbit][-Gg]; nf4, nf4-dq, fp4, fp4-dq (bitsandbytes); fp8, fp8-channel, fp8-block
// (e4m3 / e5m2 spellings too); mxfp4, nvfp4; exl2-4.65 (any bpw); mlx-4bit, mlx-8bit-g32; every llama.cpp
// file type (Q4_K_M, q8_0, IQ4_XS, ...). Empty when the name means nothing known.
std::optional<weight_format> find_weight_format(std::string_view name);
// The names find_weight_format understands, for error messages and --help.
std::string_view weight_format_names();
const kv_dtype* find_kv_dtype(std::string_view name);

// "bfloat16" -> "bf16", "float16"/"half" -> "fp16", "float32"/"float" -> "fp32"; "" when not a torch float dtype.
std::string_view format_from_torch_dtype(std::string_view torch_dtype);

}  // namespace neuroshrink
