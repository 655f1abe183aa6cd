#include <catch2/catch.hpp>

#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

static parameter_counts params_of(const std::string& name) { return count_parameters(build_inventory(fixture(name))); }

// The published counts of these fixtures, family by family, are in families_<group>_test.cpp; here, how an
// inventory adds up.

TEST_CASE("a dense model's active count equals its total", "[params]") {
  const auto p = params_of("meta-llama__Llama-2-7b-hf");
  CHECK(p.active.value == p.total.value);
}

TEST_CASE("Llama-2-7B parameters by role add up to the total", "[params]") {
  const auto p = params_of("meta-llama__Llama-2-7b-hf");
  CHECK(p.by_role[static_cast<int>(tensor_role::embedding)] == 32'000ull * 4'096);
  CHECK(p.by_role[static_cast<int>(tensor_role::lm_head)] == 32'000ull * 4'096);
  CHECK(p.by_role[static_cast<int>(tensor_role::attention)] == 32ull * 4 * 4'096 * 4'096);
  CHECK(p.by_role[static_cast<int>(tensor_role::mlp)] == 32ull * 3 * 4'096 * 11'008);
  CHECK(p.by_role[static_cast<int>(tensor_role::norm)] == (32ull * 2 + 1) * 4'096);
  uint64_t sum = 0;
  for (auto v : p.by_role) sum += v;
  CHECK(sum == p.total.value);
}

TEST_CASE("a tied model has no lm_head tensor of its own", "[inventory]") {
  const auto inv = build_inventory(fixture("Qwen__Qwen3-0.6B"));
  for (const auto& t : inv.tensors) CHECK(t.role != tensor_role::lm_head);
}

TEST_CASE("Qwen2 carries biases on q, k and v but not on o", "[inventory]") {
  const auto inv = build_inventory(fixture("Qwen__Qwen2.5-7B"));
  auto has = [&](const std::string& name) {
    for (const auto& t : inv.tensors)
      if (t.name == name) return true;
    return false;
  };
  CHECK(has("model.layers.{i}.self_attn.q_proj.bias"));
  CHECK(has("model.layers.{i}.self_attn.k_proj.bias"));
  CHECK(has("model.layers.{i}.self_attn.v_proj.bias"));
  CHECK_FALSE(has("model.layers.{i}.self_attn.o_proj.bias"));
}

TEST_CASE("an explicit head_dim sizes the attention projections", "[inventory]") {
  auto s = fixture("Qwen__Qwen3-0.6B");  // hidden 1024, 16 heads of 128: q_proj is [2048, 1024]
  const auto inv = build_inventory(s);
  for (const auto& t : inv.tensors)
    if (t.name == "model.layers.{i}.self_attn.q_proj.weight") {
      CHECK(t.shape[0] == 2048);
      CHECK(t.shape[1] == 1024);
    }
}
