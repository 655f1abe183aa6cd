#include "formats.h"

#include <array>

namespace neuroshrink {
namespace {

// Weight formats. Bits are exact storage, not averages: scales, zeros and indices are added per tensor
// by weights.cpp from the layout. Tensors that are not matmul weights (embeddings, norms, biases, and
// the lm_head for the integer formats) stay dense, as the loaders named in `source` leave them.
constexpr std::array kWeightFormats{
//               name    label   layout                          dense quant group compute
  weight_format{"fp32", "FP32", weight_layout::dense,            32,   0,    0,    4,
      "32-bit float, every tensor",
      "IEEE 754 binary32"},
  weight_format{"fp16", "FP16", weight_layout::dense,            16,   0,    0,    2,
      "16-bit float, every tensor",
      "IEEE 754 binary16"},
  weight_format{"bf16", "BF16", weight_layout::dense,            16,   0,    0,    2,
      "bfloat16, every tensor",
      "bfloat16: 8-bit exponent, 7-bit mantissa (Google Brain float)"},
  // bitsandbytes Linear8bitLt: Int8Params holds CB (int8, out x in) and SCB (fp32, one per output row);
  // transformers keeps the lm_head and all non-Linear modules in fp16 (integrations/bitsandbytes.py,
  // get_keys_to_not_convert).
  weight_format{"int8", "INT8", weight_layout::int8_row_scale,   16,   8,    0,    2,
      "LLM.int8 (bitsandbytes): int8 matmul weights with an fp32 scale per row; embeddings, norms, lm_head fp16",
      "bitsandbytes nn/modules.py Linear8bitLt, Int8Params (CB, SCB); Dettmers et al. 2022, LLM.int8()"},
  // GPTQ QuantLinear buffers: qweight int32 [in*bits/32, out], qzeros int32 [ceil(in/g), out*bits/32],
  // scales fp16 [ceil(in/g), out], g_idx int32 [in]; lm_head and embeddings not quantized (GPTQConfig
  // default group_size 128).
  weight_format{"int4", "INT4", weight_layout::int_group,        16,   4,    128,  2,
      "GPTQ 4-bit, group size 128: packed int4 weights, fp16 scales, packed zeros, g_idx; embeddings, norms, lm_head fp16",
      "AutoGPTQ/GPTQModel QuantLinear buffers (qweight, qzeros, scales, g_idx); transformers GPTQConfig"},
};

// KV-cache element types: bytes per block of elements.
constexpr std::array kKvDtypes{
//         name    bytes elems
  kv_dtype{"fp32", 4,    1,    "IEEE 754 binary32"},
  kv_dtype{"fp16", 2,    1,    "IEEE 754 binary16"},
  kv_dtype{"bf16", 2,    1,    "bfloat16"},
  kv_dtype{"fp8",  1,    1,    "OCP 8-bit floating point (E4M3/E5M2), one byte per element"},
};

}  // namespace

std::span<const weight_format> weight_formats() { return kWeightFormats; }
std::span<const kv_dtype> kv_dtypes() { return kKvDtypes; }

const weight_format* find_weight_format(std::string_view name) {
  for (const auto& f : kWeightFormats)
    if (f.name == name) return &f;
  return nullptr;
}

const kv_dtype* find_kv_dtype(std::string_view name) {
  for (const auto& k : kKvDtypes)
    if (k.name == name) return &k;
  return nullptr;
}

std::string_view format_from_torch_dtype(std::string_view d) {
  // torch dtype names as transformers writes them into config.json (PretrainedConfig.to_dict).
  if (d == "bfloat16") return "bf16";
  if (d == "float16" || d == "half") return "fp16";
  if (d == "float32" || d == "float") return "fp32";
  return "";
}

}  // namespace neuroshrink
