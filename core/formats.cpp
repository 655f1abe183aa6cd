#include "text.h"
#include "formats.h"
#include "variant_text.h"
#include "gguf_quant.h"

#include <array>
#include <string>
#include <vector>

namespace neuroshrink {
namespace {

// KV-cache element types: bytes per block of elements (their sources: the full module's catalogue alone).
constexpr std::array kKvDtypes{
//         name    bytes elems
  kv_dtype{"fp32", 4,    1,    FULL_TEXT("IEEE 754 binary32")},
  kv_dtype{"fp16", 2,    1,    FULL_TEXT("IEEE 754 binary16")},
  kv_dtype{"bf16", 2,    1,    FULL_TEXT("bfloat16")},
  kv_dtype{"fp8",  1,    1,    FULL_TEXT("OCP 8-bit floating point (E4M3/E5M2), one byte per element")},
  // llama.cpp's quantized cache types (--cache-type-k/-v), blocks as in ggml-common.h.
  kv_dtype{"q8_0", 34,   32,   FULL_TEXT("ggml-common.h block_q8_0: fp16 scale + 32 int8")},
  kv_dtype{"q5_1", 24,   32,   FULL_TEXT("ggml-common.h block_q5_1: fp16 scale and min + 4 high-bit bytes + 16")},
  kv_dtype{"q5_0", 22,   32,   FULL_TEXT("ggml-common.h block_q5_0: fp16 scale + 4 high-bit bytes + 16")},
  kv_dtype{"q4_1", 20,   32,   FULL_TEXT("ggml-common.h block_q4_1: fp16 scale and min + 16 nibble bytes")},
  kv_dtype{"q4_0", 18,   32,   FULL_TEXT("ggml-common.h block_q4_0: fp16 scale + 16 nibble bytes")},
  kv_dtype{"iq4_nl", 18, 32,   FULL_TEXT("ggml-common.h block_iq4_nl: fp16 scale + 16 non-linear nibble bytes")},
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

std::span<const kv_dtype> kv_dtypes() { return kKvDtypes; }

namespace {

// Weight formats. Bits are exact storage, not averages (EXL2 excepted: its bpw is the measured average):
// scales, zeros and indices are added per tensor by tensor_bytes() from the layout. Tensors that are not
// matmul weights (embeddings, norms, biases, and the lm_head for the integer formats) stay dense, as the
// loaders named in `source` leave them.
weight_format dense(const char* name, const char* label, uint32_t bits, const char* description, std::string_view source) {
  weight_format f;
  f.name = name;
  f.label = label;
  f.dense_bits = bits;
  f.compute_bytes = bits == 32 ? 4 : 2;
  f.description = description;
  f.source = source;
  return f;
}

// GPTQ QuantLinear buffers: qweight int32 [in*bits/32, out], qzeros int32 [ceil(in/g), out*bits/32],
// scales fp16 [ceil(in/g), out], g_idx int32 [in]; lm_head and embeddings not quantized (transformers
// GPTQConfig; AutoGPTQ/GPTQModel nn_modules/qlinear). AWQ's WQLinear_GEMM: qweight int32 [in, out*bits/32],
// qzeros int32 [in/g, out*bits/32], scales fp16 [in/g, out], no g_idx (AutoAWQ awq/modules/linear/gemm.py).
weight_format int_group(bool awq, uint32_t bits, uint32_t group) {
  weight_format f;
  const std::string g = group ? text_of(group) : "channel";
  f.name = std::string(awq ? "awq-" : "gptq-") + text_of(bits) + "bit-" + (group ? text_of(group) + "g" : "channel");
  f.label = std::string(awq ? "AWQ " : "GPTQ ") + text_of(bits) + "-bit g" + g;
  f.layout = weight_layout::int_group;
  f.quant_bits = bits;
  f.group_size = group;
  f.g_idx = !awq;
  f.description = FULL_PROSE(std::string(awq ? "AWQ " : "GPTQ ") + text_of(bits) + "-bit, group size " + g +
                  ": packed int" + text_of(bits) + " weights, fp16 scales, packed zeros" + (awq ? "" : ", g_idx") +
                  "; embeddings, norms, lm_head fp16");
  f.source = awq ? FULL_TEXT("AutoAWQ awq/modules/linear/gemm.py WQLinear_GEMM (qweight, qzeros, scales)")
                 : FULL_TEXT("AutoGPTQ/GPTQModel QuantLinear buffers (qweight, qzeros, scales, g_idx); transformers GPTQConfig");
  return f;
}

// bitsandbytes Params4bit: two 4-bit codes per byte, one absmax per blocksize 64 weights (fp32), or with
// double quantization the absmax as uint8 in blocks of 256 with an fp32 absmax per block (functional.py
// quantize_4bit, QuantState; transformers BitsAndBytesConfig bnb_4bit_use_double_quant).
weight_format bnb4(bool nf4, bool dq) {
  weight_format f;
  f.name = std::string(nf4 ? "nf4" : "fp4") + (dq ? "-dq" : "");
  f.label = std::string(nf4 ? "NF4" : "FP4") + (dq ? " + double quant" : "");
  f.layout = weight_layout::bnb_4bit;
  f.quant_bits = 4;
  f.group_size = 64;
  f.double_quant = dq;
  f.description = FULL_PROSE(std::string("bitsandbytes ") + (nf4 ? "NormalFloat4" : "FP4") + ", blocks of 64 with " +
                  (dq ? "an 8-bit absmax (double quantization, blocks of 256)" : "an fp32 absmax") + "; embeddings, norms, lm_head fp16");
  f.source = FULL_TEXT("bitsandbytes functional.py quantize_4bit / QuantState (blocksize 64); Dettmers et al. 2023, QLoRA");
  return f;
}

// FP8 (E4M3 or E5M2: one byte either way) with fp32 scales: one per tensor (vLLM's dynamic fp8), one per
// output channel (compressed-tensors channel strategy), or one per 128 x 128 block (DeepSeek-V3's
// quantization_config weight_block_size). Embeddings, norms and lm_head stay 16-bit.
weight_format fp8(scale_granularity g, uint32_t rows = 128, uint32_t cols = 128) {
  weight_format f;
  f.layout = weight_layout::fp8;
  f.quant_bits = 8;
  f.scales = g;
  f.block_rows = rows;
  f.block_cols = cols;
  f.name = g == scale_granularity::tensor ? "fp8" : g == scale_granularity::channel ? "fp8-channel" : "fp8-block";
  f.label = g == scale_granularity::tensor ? "FP8" : g == scale_granularity::channel ? "FP8 per-channel" : "FP8 " + text_of(rows) + "x" + text_of(cols) + " blocks";
  f.description = FULL_PROSE("FP8 (E4M3/E5M2) matmul weights with fp32 scales per " +
                  std::string(g == scale_granularity::tensor ? "tensor" : g == scale_granularity::channel ? "output channel" : text_of(rows) + "x" + text_of(cols) + " block") +
                  "; embeddings, norms, lm_head 16-bit");
  f.source = FULL_TEXT("OCP 8-bit floating point spec; vLLM Fp8LinearMethod; DeepSeek-V3 quantization_config weight_block_size");
  return f;
}

// OCP Microscaling MXFP4: 32 E2M1 codes share an E8M0 exponent (4.25 bits per weight). NVIDIA NVFP4: 16
// E2M1 codes share an E4M3 scale, plus one fp32 scale per tensor (4.5 bits).
weight_format micro(bool nv) {
  weight_format f;
  f.name = nv ? "nvfp4" : "mxfp4";
  f.label = nv ? "NVFP4" : "MXFP4";
  f.layout = weight_layout::micro_block;
  f.quant_bits = 4;
  f.group_size = nv ? 16 : 32;
  f.scale_bits = 8;
  f.tensor_scale = nv;
  f.description = nv ? FULL_TEXT("NVFP4: E2M1 weights, an E4M3 scale per 16 and an fp32 scale per tensor; embeddings, norms, lm_head 16-bit")
                     : FULL_TEXT("MXFP4: E2M1 weights with an E8M0 scale per 32; embeddings, norms, lm_head 16-bit");
  f.source = nv ? FULL_TEXT("NVIDIA TensorRT Model Optimizer NVFP4 format (Blackwell)") : FULL_TEXT("OCP Microscaling Formats (MX) v1.0 spec");
  return f;
}

// mlx.nn.quantize / mlx_lm convert: weights packed into uint32, an fp16 scale and bias per group (default
// group 64, 4 bits); mlx_lm quantizes nn.Embedding and the lm_head as well (mlx_lm utils.py quantize_model).
weight_format mlx(uint32_t bits, uint32_t group) {
  weight_format f;
  f.name = "mlx-" + text_of(bits) + "bit" + (group == 64 ? "" : "-g" + text_of(group));
  f.label = "MLX " + text_of(bits) + "-bit g" + text_of(group);
  f.layout = weight_layout::mlx_affine;
  f.quant_bits = bits;
  f.group_size = group;
  f.quantize_embeddings = true;
  f.description = FULL_PROSE("MLX affine " + text_of(bits) + "-bit, group " + text_of(group) + ": fp16 scale and bias per group; embeddings and lm_head quantized too");
  f.source = FULL_TEXT("mlx.core.quantize (ml-explore/mlx docs); mlx_lm convert -q --q-bits --q-group-size");
  return f;
}

// ExLlamaV2's EXL2: a mix of 2-8 bit rows chosen per layer to reach a target average bits per weight
// (the bpw in the repo name counts the quantization metadata); embeddings and lm_head fp16 (exllamav2
// conversion: the head is quantized separately at 6 or 8 bits by default; counted at 16 here, an upper bound).
weight_format exl2(uint32_t millibits) {
  weight_format f;
  const std::string bpw = text_of(millibits / 1000) + "." + text_of(millibits % 1000 / 100) + (millibits % 100 ? text_of(millibits % 100 / 10) : "");
  f.name = "exl2-" + bpw;
  f.label = "EXL2 " + bpw + " bpw";
  f.layout = weight_layout::average_bits;
  f.quant_millibits = millibits;
  f.description = FULL_PROSE("EXL2 at " + bpw + " bits per weight on average over the matmul weights; embeddings, norms, lm_head fp16");
  f.source = FULL_TEXT("turboderp/exllamav2 doc/convert.md (-b target bits per weight)");
  return f;
}

// A llama.cpp file type (llama-quantize's name): each tensor's ggml type comes from plan_gguf(), which
// replays convert_hf_to_gguf.py and llama-quantize (src/llama-quant.cpp); dense_bits is its base type's
// bits per weight, for the tensors the plan does not see.
weight_format gguf(const gguf_file_type& t) {
  weight_format f;
  f.name = std::string(t.name);
  f.label = "GGUF " + std::string(t.name);
  f.layout = weight_layout::gguf;
  f.gguf_ftype = t.ftype;
  const ggml_type_info* base = find_ggml_type(t.base_type);
  f.dense_bits = base ? base->block_bytes * 8 / base->block_elements : 16;
  f.description = std::string(t.description);
  f.source = t.source;
  return f;
}

std::string lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return r;
}

bool take(std::string& s, std::string_view prefix) {
  if (s.compare(0, prefix.size(), prefix) != 0) return false;
  s.erase(0, prefix.size());
  return true;
}

// A whole number at the front of s, consumed; 0 when none.
uint32_t take_number(std::string& s) {
  uint32_t v = 0;
  size_t i = 0;
  while (i < s.size() && i < 6 && s[i] >= '0' && s[i] <= '9') v = v * 10 + static_cast<uint32_t>(s[i++] - '0');
  s.erase(0, i);
  return v;
}

// "-4bit-128g", "-int4", "-w4g128", "-4bit", "" -> bits and group (defaults 4 and 128).
bool bits_and_group(std::string s, uint32_t& bits, uint32_t& group) {
  bits = 4;
  group = 128;
  while (!s.empty()) {
    if (s[0] == '-' || s[0] == '_' || s[0] == ' ') { s.erase(0, 1); continue; }
    if (take(s, "int") || take(s, "w")) { bits = take_number(s); continue; }
    if (take(s, "g")) { group = take_number(s); continue; }
    if (take(s, "channel")) { group = 0; continue; }
    const uint32_t n = take_number(s);
    if (!n) return false;
    if (take(s, "bits") || take(s, "bit") || take(s, "b")) bits = n;
    else if (take(s, "g")) group = n;
    else return false;
  }
  return bits >= 2 && bits <= 8 && (group == 0 || group >= 16);
}

const std::vector<weight_format>& presets() {
  static const std::vector<weight_format> list = [] {
    std::vector<weight_format> v;
    v.push_back(dense("fp32", "FP32", 32, FULL_TEXT("32-bit float, every tensor"), FULL_TEXT("IEEE 754 binary32")));
    v.push_back(dense("fp16", "FP16", 16, FULL_TEXT("16-bit float, every tensor"), FULL_TEXT("IEEE 754 binary16")));
    v.push_back(dense("bf16", "BF16", 16, FULL_TEXT("bfloat16, every tensor"), FULL_TEXT("bfloat16: 8-bit exponent, 7-bit mantissa (Google Brain float)")));
    // bitsandbytes Linear8bitLt: Int8Params holds CB (int8, out x in) and SCB (fp32, one per output row);
    // transformers keeps the lm_head and all non-Linear modules in fp16 (integrations/bitsandbytes.py,
    // get_keys_to_not_convert).
    weight_format i8;
    i8.name = "int8";
    i8.label = "INT8";
    i8.layout = weight_layout::int8_row_scale;
    i8.quant_bits = 8;
    i8.description = FULL_TEXT("LLM.int8 (bitsandbytes): int8 matmul weights with an fp32 scale per row; embeddings, norms, lm_head fp16");
    i8.source = FULL_TEXT("bitsandbytes nn/modules.py Linear8bitLt, Int8Params (CB, SCB); Dettmers et al. 2022, LLM.int8()");
    v.push_back(i8);
    weight_format i4 = int_group(false, 4, 128);
    i4.name = "int4";
    i4.label = "INT4";
    v.push_back(i4);
    v.push_back(int_group(true, 4, 128));
    v.push_back(bnb4(true, false));
    v.push_back(bnb4(true, true));
    v.push_back(fp8(scale_granularity::tensor));
    v.push_back(micro(false));
    v.push_back(mlx(4, 64));
    return v;
  }();
  return list;
}

}  // namespace

std::span<const weight_format> weight_formats() { return presets(); }

// (the first module's is empty: its unknown name is answered again by the full one, which lists them)
std::string_view weight_format_names() {
  return FULL_TEXT("fp32, fp16, bf16, int8, int4, gptq[-Nbit][-Gg], awq[-Nbit][-Gg], nf4, nf4-dq, fp4, fp4-dq, fp8, fp8-channel, "
         "fp8-block, mxfp4, nvfp4, exl2-<bpw>, mlx-<N>bit[-g<G>], and the llama.cpp file types (Q8_0, Q6_K, Q5_K_M, Q4_K_M, Q3_K_M, "
         "Q2_K, IQ4_XS, IQ3_XXS, IQ2_XXS, TQ1_0, ...; llama.cpp runtime)");
}

std::optional<weight_format> find_weight_format(std::string_view name) {
  std::string s = lower(name);
  for (const auto& f : presets())
    if (f.name == s) return f;
  if (s == "f32" || s == "float32") return presets()[0];
  if (s == "f16" || s == "float16" || s == "half") return presets()[1];
  if (s == "bfloat16") return presets()[2];
  if (s == "llm.int8" || s == "bnb-int8" || s == "8bit" || s == "bnb-8bit") return presets()[3];
  // llama-quantize's names, before "fp16"-style spellings could shadow them (F16 and BF16 stay dense).
  if (const gguf_file_type* t = find_gguf_file_type(name); t && t->base_type != 0 && t->base_type != 1 && t->base_type != 30) return gguf(*t);
  if (take(s, "gptq") || take(s, "awq")) {
    const bool awq = lower(name).rfind("awq", 0) == 0;
    uint32_t bits = 0, group = 0;
    if (!bits_and_group(s, bits, group)) return std::nullopt;
    return int_group(awq, bits, group);
  }
  if (s == "nf4" || s == "bnb-nf4" || s == "bnb-4bit") return bnb4(true, false);
  if (s == "nf4-dq" || s == "nf4-double" || s == "bnb-nf4-dq") return bnb4(true, true);
  if (s == "fp4" || s == "bnb-fp4") return bnb4(false, false);
  if (s == "fp4-dq" || s == "bnb-fp4-dq") return bnb4(false, true);
  if (s == "fp8" || s == "fp8-e4m3" || s == "fp8-e5m2" || s == "fp8-tensor" || s == "e4m3" || s == "e5m2") return fp8(scale_granularity::tensor);
  if (s == "fp8-channel" || s == "fp8-dynamic") return fp8(scale_granularity::channel);
  if (s == "fp8-block" || s == "fp8-block128") return fp8(scale_granularity::block);
  if (s == "mxfp4") return micro(false);
  if (s == "nvfp4") return micro(true);
  if (take(s, "exl2")) {
    // exl2-4.65, exl2_4.0bpw, exl2-6
    while (!s.empty() && (s[0] == '-' || s[0] == '_')) s.erase(0, 1);
    uint32_t whole = take_number(s), milli = 0;
    if (take(s, ".")) {
      uint32_t scale = 100;
      while (!s.empty() && s[0] >= '0' && s[0] <= '9' && scale) { milli += static_cast<uint32_t>(s[0] - '0') * scale; scale /= 10; s.erase(0, 1); }
    }
    take(s, "bpw");
    if (!s.empty() || whole < 2 || whole > 8) return std::nullopt;
    return exl2(whole * 1000 + milli);
  }
  if (take(s, "mlx")) {
    while (!s.empty() && (s[0] == '-' || s[0] == '_')) s.erase(0, 1);
    const uint32_t bits = take_number(s);
    if (!take(s, "bit")) take(s, "b");
    uint32_t group = 64;
    if (take(s, "-g") || take(s, "_g") || take(s, "-group")) group = take_number(s);
    if (!s.empty() || (bits != 2 && bits != 3 && bits != 4 && bits != 5 && bits != 6 && bits != 8) || (group != 32 && group != 64 && group != 128))
      return std::nullopt;
    return mlx(bits, group);
  }
  return std::nullopt;
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
