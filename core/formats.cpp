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
  // llama.cpp's quantized cache types (--cache-type-k/-v), blocks as in ggml-common.h.
  kv_dtype{"q8_0", 34,   32,   "ggml-common.h block_q8_0: fp16 scale + 32 int8"},
  kv_dtype{"q5_1", 24,   32,   "ggml-common.h block_q5_1: fp16 scale and min + 4 high-bit bytes + 16"},
  kv_dtype{"q5_0", 22,   32,   "ggml-common.h block_q5_0: fp16 scale + 4 high-bit bytes + 16"},
  kv_dtype{"q4_1", 20,   32,   "ggml-common.h block_q4_1: fp16 scale and min + 16 nibble bytes"},
  kv_dtype{"q4_0", 18,   32,   "ggml-common.h block_q4_0: fp16 scale + 16 nibble bytes"},
  kv_dtype{"iq4_nl", 18, 32,   "ggml-common.h block_iq4_nl: fp16 scale + 16 non-linear nibble bytes"},
};

// ggml tensor types: enum ggml_type (ggml/include/ggml.h) and the block layouts of ggml-common.h,
// whose static_asserts fix each size: e.g. block_q4_K = fp16 d + fp16 dmin + 12 scale bytes + 128 nibble
// bytes = 144 bytes per 256 weights; block_tq1_0 = 48 + 4 + 2 = 54. Ids 4, 5, 31-33 and 36-38 are
// retired types that no current file uses.
constexpr std::array kGgmlTypes{
//               id  name       elems bytes
  ggml_type_info{0,  "F32",     1,    4},
  ggml_type_info{1,  "F16",     1,    2},
  ggml_type_info{2,  "Q4_0",    32,   18},   // fp16 d + 16 bytes of nibbles
  ggml_type_info{3,  "Q4_1",    32,   20},   // fp16 d, m + 16
  ggml_type_info{6,  "Q5_0",    32,   22},   // fp16 d + 4 bytes high bits + 16
  ggml_type_info{7,  "Q5_1",    32,   24},   // fp16 d, m + 4 + 16
  ggml_type_info{8,  "Q8_0",    32,   34},   // fp16 d + 32 int8
  ggml_type_info{9,  "Q8_1",    32,   36},   // fp16 d, s + 32 int8
  ggml_type_info{10, "Q2_K",    256,  84},   // 16 scales + 64 quants + fp16 d, dmin
  ggml_type_info{11, "Q3_K",    256,  110},  // 32 hmask + 64 quants + 12 scales + fp16 d
  ggml_type_info{12, "Q4_K",    256,  144},  // fp16 d, dmin + 12 scales + 128 quants
  ggml_type_info{13, "Q5_K",    256,  176},  // fp16 d, dmin + 12 scales + 32 qh + 128 qs
  ggml_type_info{14, "Q6_K",    256,  210},  // 128 ql + 64 qh + 16 int8 scales + fp16 d
  ggml_type_info{15, "Q8_K",    256,  292},  // f32 d + 256 int8 + 16 int16 bsums
  ggml_type_info{16, "IQ2_XXS", 256,  66},   // fp16 d + 32 uint16
  ggml_type_info{17, "IQ2_XS",  256,  74},   // fp16 d + 32 uint16 + 8 scales
  ggml_type_info{18, "IQ3_XXS", 256,  98},   // fp16 d + 96 bytes (3 bits x 256 / 8)
  ggml_type_info{19, "IQ1_S",   256,  50},   // fp16 d + 32 qs + 16 uint16 qh
  ggml_type_info{20, "IQ4_NL",  32,   18},   // fp16 d + 16
  ggml_type_info{21, "IQ3_S",   256,  110},  // fp16 d + 64 qs + 8 qh + 32 signs + 4 scales
  ggml_type_info{22, "IQ2_S",   256,  82},   // fp16 d + 64 qs + 8 qh + 8 scales
  ggml_type_info{23, "IQ4_XS",  256,  136},  // fp16 d + uint16 scales_h + 4 scales_l + 128 qs
  ggml_type_info{24, "I8",      1,    1},
  ggml_type_info{25, "I16",     1,    2},
  ggml_type_info{26, "I32",     1,    4},
  ggml_type_info{27, "I64",     1,    8},
  ggml_type_info{28, "F64",     1,    8},
  ggml_type_info{29, "IQ1_M",   256,  56},   // 32 qs + 16 qh + 8 scales (d packed in the scales)
  ggml_type_info{30, "BF16",    1,    2},
  ggml_type_info{34, "TQ1_0",   256,  54},   // 48 base-3 bytes + 4 qh + fp16 d
  ggml_type_info{35, "TQ2_0",   256,  66},   // 64 two-bit bytes + fp16 d
  ggml_type_info{39, "MXFP4",   32,   17},   // E8M0 shared exponent + 16 bytes of fp4 (OCP MX spec)
};

}  // namespace

std::span<const ggml_type_info> ggml_types() { return kGgmlTypes; }

const ggml_type_info* find_ggml_type(std::string_view name) {
  for (const auto& t : kGgmlTypes) {
    if (t.name.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i) {
      const char a = name[i] >= 'a' && name[i] <= 'z' ? static_cast<char>(name[i] - 32) : name[i];
      same = a == t.name[i];
    }
    if (same) return &t;
  }
  return nullptr;
}

const ggml_type_info* find_ggml_type(uint32_t id) {
  for (const auto& t : kGgmlTypes)
    if (t.id == id) return &t;
  return nullptr;
}

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
