// Parameter counts of verbatim Hub config.json fixtures (tests/fixtures/configs/) for families whose other
// tests write their configs inline. Each fixture's source and the source of its published count are in
// tests/fixtures/SOURCES.md.
#include <catch2/catch.hpp>

#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

namespace {

parameter_counts params_of(const std::string& name) { return count_parameters(build_inventory(fixture(name))); }

}  // namespace

// ---- gemma -------------------------------------------------------------------------------------------

TEST_CASE("google/gemma-2b-it (gemma) has 2,506,172,416 parameters", "[params][gemma][fixture]") {
  // Published: the repo's model.safetensors.index.json, total_size 5,012,344,832 bytes of bf16 / 2 (the tied
  // lm_head is not stored). Per layer: q 2048 x 8 x 256, k and v 2048 x 1 x 256 each, o 8 x 256 x 2048;
  // gate, up, down 3 x 2048 x 16384; two norms 2 x 2048 = 110,104,576. 18 layers + embed 256000 x 2048 + norm.
  const auto p = params_of("google__gemma-2b-it");
  CHECK(p.total.value == 18ull * 110'104'576 + 256'000ull * 2'048 + 2'048);
  CHECK(p.total.value == 2'506'172'416ull);
}

// ---- gemma2 ------------------------------------------------------------------------------------------

TEST_CASE("google/gemma-2-9b-it (gemma2) has 9,241,705,984 parameters", "[params][gemma2][fixture]") {
  // Published: the repo's model.safetensors.index.json, total_size 18,483,411,968 bytes of bf16 / 2.
  // head_dim 256 is not hidden_size / heads (224). Per layer: q 3584 x 16 x 256, k and v 3584 x 8 x 256 each,
  // o 16 x 256 x 3584; gate, up, down 3 x 3584 x 14336; four norms 4 x 3584 = 198,195,200.
  // 42 layers + embed 256000 x 3584 (tied) + norm.
  const auto p = params_of("google__gemma-2-9b-it");
  CHECK(p.total.value == 42ull * 198'195'200 + 256'000ull * 3'584 + 3'584);
  CHECK(p.total.value == 9'241'705'984ull);
}

// ---- olmo2 -------------------------------------------------------------------------------------------

TEST_CASE("allenai/OLMo-2-1124-13B (olmo2) has 13,716,198,400 parameters", "[params][olmo2][fixture]") {
  // Published: the repo's model.safetensors.index.json, total_size 54,864,793,600 bytes of fp32 / 4.
  // Per layer: q, k, v, o 4 x 5120^2; gate, up, down 3 x 5120 x 13824; q_norm and k_norm 2 x 5120 (over all heads); post-attention
  // and post-feedforward norms 2 x 5120 = 317,214,720. 40 layers + embed and untied lm_head 2 x 100352 x 5120 + norm.
  const auto p = params_of("allenai__OLMo-2-1124-13B");
  CHECK(p.total.value == 40ull * 317'214'720 + 2ull * 100'352 * 5'120 + 5'120);
  CHECK(p.total.value == 13'716'198'400ull);
}
