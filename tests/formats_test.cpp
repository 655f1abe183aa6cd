// Weight formats as users type them, and their exact storage arithmetic on one 4096 x 4096 Linear weight.
#include <catch2/catch.hpp>

#include "estimate.h"
#include "formats.h"

using namespace neuroshrink;

namespace {
tensor_entry linear(uint64_t out, uint64_t in) {
  tensor_entry t;
  t.name = "model.layers.{i}.mlp.down_proj.weight";
  t.shape = {out, in, 0, 0};
  t.rank = 2;
  t.role = tensor_role::mlp;
  t.matmul = true;
  return t;
}
uint64_t bytes(const char* format, const tensor_entry& t) {
  const auto f = find_weight_format(format);
  REQUIRE(f);
  return tensor_bytes(t, *f);
}
}  // namespace

TEST_CASE("names as users type them resolve to one format", "[formats]") {
  CHECK(find_weight_format("GPTQ-4bit-128g")->name == "gptq-4bit-128g");
  CHECK(find_weight_format("gptq-int8")->name == "gptq-8bit-128g");
  CHECK(find_weight_format("awq")->name == "awq-4bit-128g");
  CHECK(find_weight_format("awq-4bit-64g")->group_size == 64);
  CHECK(find_weight_format("NF4")->name == "nf4");
  CHECK(find_weight_format("nf4-dq")->double_quant);
  CHECK(find_weight_format("fp8-e4m3")->name == "fp8");
  CHECK(find_weight_format("exl2-4.65")->quant_millibits == 4650);
  CHECK(find_weight_format("exl2_6.0bpw")->quant_millibits == 6000);
  CHECK(find_weight_format("mlx-4bit")->group_size == 64);
  CHECK(find_weight_format("mlx-8bit-g32")->group_size == 32);
  CHECK(find_weight_format("float16")->name == "fp16");
  CHECK_FALSE(find_weight_format("gptq-1bit"));
  CHECK_FALSE(find_weight_format("exl2-12"));
  CHECK_FALSE(find_weight_format("mlx-7bit"));
  CHECK_FALSE(find_weight_format("q9_z"));
}

TEST_CASE("each format's bytes for a 4096 x 4096 matmul weight, written out", "[formats]") {
  const auto t = linear(4096, 4096);
  const uint64_t n = 4096ull * 4096;  // 16,777,216 weights
  CHECK(bytes("bf16", t) == n * 2);
  // GPTQ 4-bit g128: qweight n/2 + qzeros 32 groups x 4096/8 words x 4 + scales 32 x 4096 x 2 + g_idx 4096 x 4.
  CHECK(bytes("gptq-4bit-128g", t) == n / 2 + 32ull * 512 * 4 + 32ull * 4096 * 2 + 4096ull * 4);
  // AWQ: the same without g_idx.
  CHECK(bytes("awq-4bit-128g", t) == n / 2 + 32ull * 512 * 4 + 32ull * 4096 * 2);
  // NF4: n/2 codes + an fp32 absmax per 64 + the 16-entry fp32 code book.
  CHECK(bytes("nf4", t) == n / 2 + n / 64 * 4 + 64);
  // NF4 + double quant: a uint8 absmax per 64, an fp32 per 256 of those, the nested 256-entry code book and offset.
  CHECK(bytes("nf4-dq", t) == n / 2 + n / 64 + n / 64 / 256 * 4 + 256 * 4 + 4 + 64);
  // FP8: one byte each + fp32 scales per tensor / per output row / per 128 x 128 block.
  CHECK(bytes("fp8", t) == n + 4);
  CHECK(bytes("fp8-channel", t) == n + 4096ull * 4);
  CHECK(bytes("fp8-block", t) == n + 32ull * 32 * 4);
  // MXFP4: 4 bits + an E8M0 byte per 32 (4.25 bits); NVFP4: 4 bits + an E4M3 byte per 16 + one fp32 (4.5 bits).
  CHECK(bytes("mxfp4", t) == n / 2 + n / 32);
  CHECK(bytes("nvfp4", t) == n / 2 + n / 16 + 4);
  // MLX 4-bit g64: uint32 words of codes + fp16 scale and bias per 64.
  CHECK(bytes("mlx-4bit", t) == n / 2 + n / 64 * 4);
  // EXL2 4.65 bpw: the average, rounded up to a byte.
  CHECK(bytes("exl2-4.65", t) == (n * 4650 + 7999) / 8000);
  // LLM.int8: int8 + an fp32 scale per row.
  CHECK(bytes("int8", t) == n + 4096ull * 4);
}

TEST_CASE("the router and lm_head stay 16-bit under weight-only quantization; MLX quantizes embeddings", "[formats]") {
  auto router = linear(64, 4096);
  router.role = tensor_role::router;
  CHECK(bytes("gptq-4bit-128g", router) == 64ull * 4096 * 2);
  tensor_entry emb = linear(32000, 4096);
  emb.role = tensor_role::embedding;
  emb.matmul = false;
  CHECK(bytes("nf4", emb) == 32000ull * 4096 * 2);
  CHECK(bytes("mlx-4bit", emb) == 32000ull * 4096 / 2 + 32000ull * 64 * 4);
}
