#include <catch2/catch.hpp>

#include "estimate.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

static parameter_counts params_of(const std::string& name) { return count_parameters(build_inventory(fixture(name))); }

static uint64_t fp16_kv_per_token(const std::string& name) {
  estimate_options o;
  o.quantization = "fp16";
  return estimate(fixture(name), o).kv_cache_bytes_per_token;
}

TEST_CASE("Falcon-7B-instruct has 6,921,720,704 unique parameters; its index counts the tied head twice", "[params][falcon]") {
  // Per layer: input_layernorm 2 x 4544; query_key_value (71 + 2 x 1) x 64 = 4672 x 4544 (multi-query);
  // dense 4544 x 4544; dense_h_to_4h 18176 x 4544; dense_4h_to_h 4544 x 18176; no biases.
  const uint64_t layer = 2 * 4544 + 4672ull * 4544 + 4544ull * 4544 + 2 * 18176ull * 4544;
  const auto p = params_of("tiiuae__falcon-7b-instruct");
  CHECK(p.total.value == 32 * layer + 65024ull * 4544 + 2 * 4544);
  CHECK(p.total.value == 6'921'720'704ull);
  // pytorch_model.bin.index.json total_size / 2 = 7,217,189,760 (tests/fixtures/params.tsv): + 65024 x 4544.
  CHECK(p.total.value + 65024ull * 4544 == 7'217'189'760ull);
}

TEST_CASE("Falcon-7B's multi-query attention caches one KV head", "[kv][falcon]") {
  // 32 layers x 2 (K, V) x 1 head x 64 x 2 bytes = 8,192 bytes per token.
  CHECK(fp16_kv_per_token("tiiuae__falcon-7b-instruct") == 8'192);
}

TEST_CASE("GPT-J-6B has 6,050,882,784 parameters", "[params][gptj]") {
  // n_inner null -> 16384. Per layer: ln_1 2 x 4096; q, k, v, out_proj 4 x 4096^2; fc_in 16384 x 4096 + 16384;
  // fc_out 4096 x 16384 + 4096 = 201,355,264. Plus wte 50400 x 4096, ln_f 2 x 4096, lm_head 50400 x 4096 + 50400.
  const auto p = params_of("EleutherAI__gpt-j-6b");
  CHECK(p.total.value == 28ull * 201'355'264 + 2 * 50400ull * 4096 + 2 * 4096 + 50400);
  CHECK(p.total.value == 6'050'882'784ull);
}

TEST_CASE("GPT-J-6B caches 16 full heads of 256 per layer", "[kv][gptj]") {
  // 28 layers x 2 x 16 x 256 x 2 bytes = 458,752.
  CHECK(fp16_kv_per_token("EleutherAI__gpt-j-6b") == 458'752);
}

TEST_CASE("Pythia-1B has 1,011,781,632 parameters", "[params][gpt_neox]") {
  // Pythia paper, Table 1. Per layer: 2 LayerNorms 4 x 2048; query_key_value 6144 x 2048 + 6144;
  // dense 2048^2 + 2048; dense_h_to_4h 8192 x 2048 + 8192; dense_4h_to_h 2048 x 8192 + 2048 = 50,358,272.
  const auto p = params_of("EleutherAI__pythia-1b");
  CHECK(p.total.value == 16ull * 50'358'272 + 2 * 50304ull * 2048 + 2 * 2048);
  CHECK(p.total.value == 1'011'781'632ull);
}

TEST_CASE("Pythia-1B caches 8 heads of 256 per layer", "[kv][gpt_neox]") {
  // 16 layers x 2 x 8 x 256 x 2 bytes = 131,072.
  CHECK(fp16_kv_per_token("EleutherAI__pythia-1b") == 131'072);
}

// The rules below are checked against published counts through configs written with the published
// dimensions; a real config of each is still to be added as a fixture.
TEST_CASE("GPT-2 small, with learned positions and a tied head, has 124,439,808 parameters", "[params][gpt2]") {
  const auto p = parse_config(R"({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768,
      "n_head": 12, "n_layer": 12, "n_positions": 1024, "vocab_size": 50257})");
  REQUIRE(p.ok());
  CHECK(count_parameters(build_inventory(p.spec)).total.value == 124'439'808ull);
}

TEST_CASE("BLOOM-560m, with ALiBi and an embedding LayerNorm, has 559,214,592 parameters", "[params][bloom]") {
  const auto p = parse_config(R"({"architectures": ["BloomForCausalLM"], "model_type": "bloom", "hidden_size": 1024,
      "n_head": 16, "n_layer": 24, "vocab_size": 250880})");
  REQUIRE(p.ok());
  CHECK(count_parameters(build_inventory(p.spec)).total.value == 559'214'592ull);
}

TEST_CASE("OPT-125m, with its position offset of 2, has 125,239,296 parameters", "[params][opt]") {
  const auto p = parse_config(R"({"architectures": ["OPTForCausalLM"], "model_type": "opt", "hidden_size": 768,
      "ffn_dim": 3072, "num_attention_heads": 12, "num_hidden_layers": 12, "max_position_embeddings": 2048,
      "vocab_size": 50272, "word_embed_proj_dim": 768, "do_layer_norm_before": true})");
  REQUIRE(p.ok());
  CHECK(count_parameters(build_inventory(p.spec)).total.value == 125'239'296ull);
}

TEST_CASE("OPT-350m projects 512-wide embeddings in and out and has no final LayerNorm", "[params][opt]") {
  // embed 50272 x 512; positions 2050 x 1024; project_in 1024 x 512; project_out 512 x 1024;
  // 24 layers x (4 x (1024^2 + 1024) + 2 x 2 x 1024 + 4096 x 1024 + 4096 + 1024 x 4096 + 1024) = 331,196,416 in all.
  const auto p = parse_config(R"({"architectures": ["OPTForCausalLM"], "model_type": "opt", "hidden_size": 1024,
      "ffn_dim": 4096, "num_attention_heads": 16, "num_hidden_layers": 24, "max_position_embeddings": 2048,
      "vocab_size": 50272, "word_embed_proj_dim": 512, "do_layer_norm_before": false})");
  REQUIRE(p.ok());
  CHECK(count_parameters(build_inventory(p.spec)).total.value == 331'196'416ull);
}

TEST_CASE("Phi-2 has 2,779,683,840 parameters", "[params][phi]") {
  const auto p = parse_config(R"({"architectures": ["PhiForCausalLM"], "model_type": "phi", "hidden_size": 2560,
      "intermediate_size": 10240, "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 51200,
      "partial_rotary_factor": 0.4, "max_position_embeddings": 2048, "tie_word_embeddings": false})");
  REQUIRE(p.ok());
  CHECK(count_parameters(build_inventory(p.spec)).total.value == 2'779'683'840ull);
}

TEST_CASE("Command-R v01 (cohere) has 34,980,831,232 parameters", "[params][cohere]") {
  // 40 layers x (8192 + 4 x 8192^2 + 3 x 8192 x 22528) + 256000 x 8192 (tied) + 8192.
  const auto p = parse_config(R"({"architectures": ["CohereForCausalLM"], "model_type": "cohere", "hidden_size": 8192,
      "intermediate_size": 22528, "num_attention_heads": 64, "num_key_value_heads": 64, "num_hidden_layers": 40,
      "vocab_size": 256000, "use_qk_norm": false})");
  REQUIRE(p.ok());
  CHECK(count_parameters(build_inventory(p.spec)).total.value == 34'980'831'232ull);
}
