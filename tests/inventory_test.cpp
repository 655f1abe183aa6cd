#include <catch2/catch.hpp>

#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

static parameter_counts params_of(const std::string& name) { return count_parameters(build_inventory(fixture(name))); }

// Published counts: tests/fixtures/params.tsv (keras-hub presets, huggingface.js, checkpoint indexes).
TEST_CASE("Llama-2-7B has 6,738,415,616 parameters", "[params]") {
  CHECK(params_of("meta-llama__Llama-2-7b-hf").total.value == 6'738'415'616);
}

TEST_CASE("Llama-3.1-8B has 8,030,261,248 parameters", "[params]") {
  CHECK(params_of("meta-llama__Meta-Llama-3.1-8B").total.value == 8'030'261'248);
}

TEST_CASE("Mistral-7B-v0.1 has 7,241,732,096 parameters", "[params]") {
  CHECK(params_of("mistralai__Mistral-7B-v0.1").total.value == 7'241'732'096);
}

TEST_CASE("Qwen2.5-7B, with q/k/v biases, has 7,615,616,512 parameters", "[params]") {
  CHECK(params_of("Qwen__Qwen2.5-7B").total.value == 7'615'616'512);
}

TEST_CASE("Qwen3-0.6B, tied and with q/k norms, has 596,049,920 unique parameters", "[params]") {
  // The Hub's 751,632,384 stored elements count the tied lm_head twice: 596,049,920 + 151,936 x 1,024.
  const auto p = params_of("Qwen__Qwen3-0.6B");
  CHECK(p.total.value == 596'049'920);
  CHECK(p.total.value + 151'936ull * 1'024 == 751'632'384);
}

TEST_CASE("Mixtral-8x7B has 46,702,792,704 parameters, 12,879,925,248 active per token", "[params][moe]") {
  const auto p = params_of("mistralai__Mixtral-8x7B-v0.1");
  CHECK(p.total.value == 46'702'792'704);
  // experts: 32 layers x 8 x 3 x 4096 x 14336 = 45,097,156,608; 2 of 8 active = 11,274,289,152;
  // the rest (attention, router, norms, embeddings, lm_head) = 1,605,636,096.
  CHECK(p.active.value == 1'605'636'096ull + 11'274'289'152ull);
}

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
