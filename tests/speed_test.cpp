// Speed as people think about it (#20): the decode model's per-family rules, the bands, the range, the time to
// first token for a prompt, and prefill over a layer split. The constants themselves are fitted to the published
// llama-bench rows by scripts/fit-speed.mjs and held against every row in FIDELITY.md; these tests check the rules.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "estimate.h"
#include "fixture.h"

using namespace neuroshrink;

namespace {

estimate_options llama_on(std::string gpu, std::string quant = "Q4_0", uint64_t context = 4096) {
  estimate_options o;
  o.runtime = "llama.cpp";
  o.quantization = std::move(quant);
  o.context_tokens = context;
  o.gpu = std::move(gpu);
  return o;
}

}  // namespace

TEST_CASE("the bands are seed 001's: under 10 tokens/s painful, 10 to 20 acceptable, 20 and up smooth", "[speed]") {
  CHECK(speed_band_of(0.5) == "painful");
  CHECK(speed_band_of(9.99) == "painful");
  CHECK(speed_band_of(10) == "acceptable");
  CHECK(speed_band_of(19.9) == "acceptable");
  CHECK(speed_band_of(20) == "smooth");
  CHECK(speed_band_of(500) == "smooth");
}

TEST_CASE("a decode figure comes with its band and the range its family's published runs give", "[speed]") {
  const auto r = estimate(fixture("meta-llama__Llama-2-7b-hf"), llama_on("RTX 4090"));
  REQUIRE(r.ok());
  const auto& sp = r.speed;
  REQUIRE(sp.known);
  CHECK(sp.family == "nvidia");
  CHECK(sp.band == speed_band_of(sp.decode_tokens_per_s));
  CHECK(sp.decode_low < sp.decode_tokens_per_s);
  CHECK(sp.decode_high > sp.decode_tokens_per_s);
}

TEST_CASE("a step costs a time per layer beside its bytes: a small model is slower than its bytes alone say", "[speed]") {
  // Llama 3.2 1B has 16 layers, Llama 2 7B 32: bytes per step / tokens per second grows less than in proportion.
  const auto small = estimate(fixture("meta-llama__Llama-3.2-1B"), llama_on("RTX 4090"));
  const auto big = estimate(fixture("meta-llama__Llama-2-7b-hf"), llama_on("RTX 4090"));
  REQUIRE((small.ok() && big.ok()));
  const double bytes_ratio = static_cast<double>(big.decode_step_bytes) / static_cast<double>(small.decode_step_bytes);
  const double speed_ratio = small.speed.decode_tokens_per_s / big.speed.decode_tokens_per_s;
  CHECK(speed_ratio < bytes_ratio);
  CHECK(speed_ratio > 1);
}

TEST_CASE("HBM cards are their own family: llama.cpp's single stream reaches less of their bandwidth", "[speed]") {
  const auto spec = fixture("meta-llama__Llama-2-7b-hf");
  const auto a100 = estimate(spec, llama_on("A100 80GB")), rtx = estimate(spec, llama_on("RTX 4090"));
  REQUIRE((a100.ok() && rtx.ok()));
  CHECK(a100.speed.family == "nvidia-hbm");
  CHECK(a100.speed.efficiency < rtx.speed.efficiency);
}

TEST_CASE("the time to first token is the prompt's prefill and one decode step; the prompt defaults to the context", "[speed]") {
  const auto spec = fixture("meta-llama__Llama-2-7b-hf");
  auto o = llama_on("RTX 4090");
  o.prompt_tokens = 1000;
  const auto r = estimate(spec, o);
  REQUIRE(r.ok());
  CHECK(r.speed.prompt_tokens == 1000);
  CHECK(r.speed.first_token_s == Approx(1000 / r.speed.prefill_tokens_per_s + 1 / r.speed.decode_tokens_per_s));
  o.prompt_tokens = 0;
  const auto whole = estimate(spec, o);
  CHECK(whole.speed.prompt_tokens == 4096);
  CHECK(whole.speed.first_token_s > r.speed.first_token_s);
  o.prompt_tokens = 100000;  // longer than the context: the context is the most a prompt can be
  CHECK(estimate(spec, o).speed.prompt_tokens == 4096);
}

TEST_CASE("a prompt of one ubatch gains nothing from a layer split's pipeline; many ubatches gain almost 2x", "[speed]") {
  const auto spec = fixture("meta-llama__Llama-2-7b-hf");
  auto one = llama_on("RTX 4090", "Q4_0", 512);
  auto two = one;
  two.gpu_list = {"RTX 4090", "RTX 4090"};
  const auto r1 = estimate(spec, one), r2 = estimate(spec, two);
  REQUIRE((r1.ok() && r2.ok()));
  CHECK(r2.speed.prefill_tokens_per_s == Approx(r1.speed.prefill_tokens_per_s));
  one.context_tokens = two.context_tokens = 65536;
  const auto l1 = estimate(spec, one), l2 = estimate(spec, two);
  CHECK(l2.speed.prefill_tokens_per_s / l1.speed.prefill_tokens_per_s == Approx(2.0 * 128 / 129).epsilon(0.001));
}

TEST_CASE("every catalogue GPU without a prefill figure says why", "[speed]") {
  for (const auto& g : gpus()) {
    INFO(g.name);
    CHECK((g.fp16_flops_per_s > 0) == fp16_unknown_reason(g).empty());
  }
  const auto r = estimate(fixture("meta-llama__Llama-2-7b-hf"), llama_on("Apple M2 Max 32GB"));
  REQUIRE(r.ok());
  CHECK(r.speed.prefill_tokens_per_s == 0);
  CHECK(r.speed.reason.find("Apple states no GPU FLOPS") != std::string::npos);
  CHECK(r.speed.first_token_s == 0);
}

TEST_CASE("the backend llama.cpp was built with sets the family: AMD's ROCm and Vulkan builds differ", "[speed]") {
  const auto spec = fixture("meta-llama__Llama-2-7b-hf");
  auto o = llama_on("RX 7900 XTX");
  const auto rocm = estimate(spec, o);  // AMD's usual backend
  o.backend = "vulkan";
  const auto vulkan = estimate(spec, o);
  REQUIRE((rocm.ok() && vulkan.ok()));
  CHECK(rocm.speed.backend == "rocm");
  CHECK(vulkan.speed.backend == "vulkan");
  CHECK(vulkan.speed.decode_tokens_per_s > rocm.speed.decode_tokens_per_s);
  o.backend = "metal";  // not on an AMD GPU: said, and the generic efficiency used
  const auto wrong = estimate(spec, o);
  bool said = false;
  for (const auto& i : wrong.issues) said = said || (i.code == "backend_mismatch" && i.field == "backend");
  CHECK(said);
  CHECK(wrong.speed.efficiency == Approx(0.70));
}
