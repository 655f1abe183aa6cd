// The classic families (core/families/classic.cpp): learned or ALiBi positions, LayerNorms with biases, fused
// QKV or parallel blocks: gpt2, gptj, gpt_neox, bloom, opt, falcon (and its RefinedWeb / RefinedWebModel
// spellings), phi, starcoder2, cohere, cohere2, olmo, olmo2, internlm2, glm, glm4.
// Evidence, family by family in the order of classic.cpp's table:
// - parameter counts of real config.json fixtures (tests/fixtures/configs/; sources in tests/fixtures/SOURCES.md,
//   published counts in params.tsv) against the published count, and by hand where none is published;
// - published counts of configs whose fields are written inline (where no verbatim config.json of a model
//   could be found, the test names where its fields come from);
// - KV-cache bytes per token against hand arithmetic (in fp16, or in the checkpoint's dtype for fixtures),
//   sliding windows, and the tensors a config adds or removes.
#include <catch2/catch.hpp>

#include <string_view>

#include "estimate.h"
#include "families_helpers.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;
using namespace family_tests;

namespace {

model_spec parsed(std::string_view config) {
  auto p = parse_config(config);
  REQUIRE(p.ok());
  return p.spec;
}

// fp16 weights; the KV cache then defaults to the compute dtype, 2 bytes an element.
uint64_t kv_bytes_per_token(const model_spec& s) {
  estimate_options o;
  o.quantization = "fp16";
  return estimate(s, o).kv_cache_bytes_per_token;
}
uint64_t kv_bytes_per_token(const std::string& name) { return kv_bytes_per_token(fixture(name)); }

uint64_t layers_of(const model_spec& s, attention_kind k) {
  uint64_t n = 0;
  for (const auto& l : s.layers) n += l.attention == k;
  return n;
}

}  // namespace

// ---- GPT-2 -------------------------------------------------------------------------------------------

TEST_CASE("GPT-2 small, with learned positions and a tied head, has 124,439,808 parameters", "[params][gpt2]") {
  // keras-hub gpt2_base_en "params" (params.tsv). n_inner null -> 4 x 768 = 3072. Per layer: ln_1 2 x 768;
  // c_attn 2304 x 768 + 2304; c_proj 768 x 768 + 768; ln_2 2 x 768; c_fc 3072 x 768 + 3072;
  // c_proj 768 x 3072 + 768 = 7,087,872. wte 50257 x 768 = 38,597,376; wpe 1024 x 768 = 786,432; ln_f 2 x 768.
  const auto p = params_of("openai-community__gpt2");
  CHECK(p.total.value == 12ull * 7'087'872 + 38'597'376 + 786'432 + 1'536);
  CHECK(p.total.value == 124'439'808ull);
  // The Hub's safetensors hold 137,022,720 elements: each layer's attn.bias causal-mask buffer,
  // 1 x 1 x 1024 x 1024, is stored too, and buffers are not parameters.
  CHECK(p.total.value + 12ull * 1'024 * 1'024 == 137'022'720ull);
}

TEST_CASE("GPT-2 small caches 12 heads of 64 per layer", "[kv][gpt2]") {
  // 12 layers x 2 (K, V) x 12 x 64 x 2 bytes = 36,864.
  CHECK(kv_bytes_per_token("openai-community__gpt2") == 36'864);
}

TEST_CASE("GPT-2 reads n_inner when a config sets it", "[params][gpt2]") {
  // c_fc and c_proj shrink from 3072 to 1024 wide: 12 layers x 2 x (3072 - 1024) x 768 + 12 x (3072 - 1024).
  const auto wide = params_of(parsed(R"({"model_type": "gpt2", "n_inner": null})"));
  const auto narrow = params_of(parsed(R"({"model_type": "gpt2", "n_inner": 1024})"));
  CHECK(wide.total.value - narrow.total.value == 12ull * 2 * 2'048 * 768 + 12ull * 2'048);
}

// ---- GPT-J -------------------------------------------------------------------------------------------

TEST_CASE("GPT-J-6B has 6,050,882,784 parameters", "[params][gptj]") {
  // No published exact count. n_inner null -> 16384. Per layer: ln_1 2 x 4096; q, k, v, out_proj
  // 4 x 4096^2; fc_in 16384 x 4096 + 16384; fc_out 4096 x 16384 + 4096 = 201,355,264. Plus wte
  // 50400 x 4096, ln_f 2 x 4096, lm_head 50400 x 4096 + its bias 50400.
  const auto p = params_of("EleutherAI__gpt-j-6b");
  CHECK(p.total.value == 28ull * 201'355'264 + 2 * 50'400ull * 4'096 + 2 * 4'096 + 50'400);
  CHECK(p.total.value == 6'050'882'784ull);
}

TEST_CASE("GPT-J-6B caches 16 full heads of 256 per layer", "[kv][gptj]") {
  // 28 layers x 2 x 16 x 256 x 2 bytes = 458,752.
  CHECK(kv_bytes_per_token("EleutherAI__gpt-j-6b") == 458'752);
}

// ---- GPT-NeoX / Pythia -------------------------------------------------------------------------------

TEST_CASE("Pythia-1B has 1,011,781,632 parameters", "[params][gpt_neox]") {
  // Pythia paper, Table 1. Per layer: 2 LayerNorms 4 x 2048; query_key_value 6144 x 2048 + 6144;
  // dense 2048^2 + 2048; dense_h_to_4h 8192 x 2048 + 8192; dense_4h_to_h 2048 x 8192 + 2048 = 50,358,272.
  const auto p = params_of("EleutherAI__pythia-1b");
  CHECK(p.total.value == 16ull * 50'358'272 + 2 * 50'304ull * 2'048 + 2 * 2'048);
  CHECK(p.total.value == 1'011'781'632ull);
}

TEST_CASE("Pythia-1B caches 8 heads of 256 per layer", "[kv][gpt_neox]") {
  // 16 layers x 2 x 8 x 256 x 2 bytes = 131,072.
  CHECK(kv_bytes_per_token("EleutherAI__pythia-1b") == 131'072);
}

// Dimensions from the Pythia model card's table (layers, model dim, heads; vocabulary 50304, 4h MLP).
TEST_CASE("Pythia-70M and Pythia-160M match the model card's counts", "[params][gpt_neox]") {
  // The card lists non-embedding parameters (18,915,328 and 85,056,000); embed_in and the untied embed_out
  // add 2 x 50304 x h. Partial rotary (rotary_pct 0.25) has no parameters.
  const auto p70 = params_of(parsed(R"({"model_type": "gpt_neox", "hidden_size": 512, "intermediate_size": 2048,
      "num_attention_heads": 8, "num_hidden_layers": 6, "vocab_size": 50304, "rotary_pct": 0.25,
      "tie_word_embeddings": false})"));
  CHECK(p70.total.value == 18'915'328ull + 2 * 50'304ull * 512);
  CHECK(p70.total.value == 70'426'624ull);
  const auto p160 = params_of(parsed(R"({"model_type": "gpt_neox", "hidden_size": 768, "intermediate_size": 3072,
      "num_attention_heads": 12, "num_hidden_layers": 12, "vocab_size": 50304, "rotary_pct": 0.25,
      "tie_word_embeddings": false})"));
  CHECK(p160.total.value == 85'056'000ull + 2 * 50'304ull * 768);
  CHECK(p160.total.value == 162'322'944ull);
}

// ---- BLOOM -------------------------------------------------------------------------------------------

TEST_CASE("BLOOM-176B, with ALiBi and an embedding LayerNorm, has 176,247,271,424 parameters", "[params][bloom]") {
  // huggingface.js parse-safetensors-metadata.spec.ts counts bigscience/bloom's safetensors: BF16 176,247,271,424.
  // h = 14336 (n_embed), MLP 4h. Per layer: 2 LayerNorms 4h; query_key_value 3h x h + 3h; dense h^2 + h;
  // dense_h_to_4h 4h x h + 4h; dense_4h_to_h h x 4h + h = 12 h^2 + 13 h = 2,466,437,120.
  // word_embeddings 250880 x h (tied), word_embeddings_layernorm and ln_f 2h each.
  const uint64_t h = 14'336;
  const auto p = params_of("bigscience__bloom");
  CHECK(p.total.value == 70 * (12 * h * h + 13 * h) + 250'880 * h + 4 * h);
  CHECK(p.total.value == 176'247'271'424ull);
}

TEST_CASE("BLOOM-176B caches 112 heads of 128 per layer", "[kv][bloom]") {
  // 70 layers x 2 x 112 x 128 x 2 bytes = 4,014,080.
  CHECK(kv_bytes_per_token("bigscience__bloom") == 4'014'080);
}

TEST_CASE("BLOOM-560m has 559,214,592 parameters", "[params][bloom]") {
  // keras-hub bloom_560m_multi "params"; bigscience/bloom-560m's dimensions: n_embed 1024, 24 layers, 16 heads.
  // 24 x (12 x 1024^2 + 13 x 1024) + 250880 x 1024 + 4 x 1024.
  const auto s = parsed(R"({"architectures": ["BloomForCausalLM"], "model_type": "bloom", "n_embed": 1024,
      "num_attention_heads": 16, "n_layer": 24, "vocab_size": 250880})");
  CHECK(params_of(s).total.value == 24ull * (12 * 1'024 * 1'024 + 13 * 1'024) + 250'880ull * 1'024 + 4 * 1'024);
  CHECK(params_of(s).total.value == 559'214'592ull);
}

// ---- OPT ---------------------------------------------------------------------------------------------
// Inline fields of facebook/opt-125m and facebook/opt-350m; their real configs are fixtures too (below).

TEST_CASE("OPT-125m, with its position offset of 2, has 125,239,296 parameters", "[params][opt]") {
  // keras-hub opt_125m_en gives 125,237,760: its position table has 2048 rows, not OPT's 2048 + 2.
  // Per layer: q, k, v, out_proj 4 x (768^2 + 768); 2 LayerNorms 4 x 768; fc1 3072 x 768 + 3072;
  // fc2 768 x 3072 + 768 = 7,087,872. embed_tokens 50272 x 768 (tied), embed_positions 2050 x 768,
  // final_layer_norm 2 x 768.
  const auto s = parsed(R"({"architectures": ["OPTForCausalLM"], "model_type": "opt", "hidden_size": 768,
      "ffn_dim": 3072, "num_attention_heads": 12, "num_hidden_layers": 12, "max_position_embeddings": 2048,
      "vocab_size": 50272, "word_embed_proj_dim": 768, "do_layer_norm_before": true})");
  const auto p = params_of(s);
  CHECK(p.total.value == 12ull * 7'087'872 + 50'272ull * 768 + 2'050ull * 768 + 2 * 768);
  CHECK(p.total.value == 125'239'296ull);
  CHECK(p.total.value - 2 * 768 == 125'237'760ull);
  // 12 layers x 2 x 768 x 2 bytes.
  CHECK(kv_bytes_per_token(s) == 36'864);
}

TEST_CASE("OPT-350m projects 512-wide embeddings in and out and has no final LayerNorm", "[params][opt]") {
  // No published exact count. embed 50272 x 512; positions 2050 x 1024; project_in 1024 x 512;
  // project_out 512 x 1024; 24 layers x (4 x (1024^2 + 1024) + 2 x 2 x 1024 + 4096 x 1024 + 4096
  // + 1024 x 4096 + 1024) = 24 x 12,596,224.
  const auto s = parsed(R"({"architectures": ["OPTForCausalLM"], "model_type": "opt", "hidden_size": 1024,
      "ffn_dim": 4096, "num_attention_heads": 16, "num_hidden_layers": 24, "max_position_embeddings": 2048,
      "vocab_size": 50272, "word_embed_proj_dim": 512, "do_layer_norm_before": false})");
  CHECK(params_of(s).total.value == 50'272ull * 512 + 2'050ull * 1'024 + 2 * 1'024ull * 512 + 24 * 12'596'224ull);
  CHECK(params_of(s).total.value == 331'196'416ull);
  CHECK_FALSE(has_tensor(s, "model.decoder.final_layer_norm.weight"));
  CHECK(has_tensor(s, "model.decoder.project_in.weight"));
}

namespace {
// One OPT decoder layer: q, k, v, out_proj 4 x (h^2 + h); self_attn_layer_norm and final_layer_norm 2 x 2h;
// fc1 f x h + f; fc2 h x f + h.
uint64_t opt_layer(uint64_t h, uint64_t f) { return 4 * (h * h + h) + 4 * h + 2 * h * f + f + h; }
// Pre-norm OPT with word_embed_proj_dim = hidden_size: layers, the tied 50272 x h embedding, learned positions
// of max_position_embeddings + 2 rows (OPTLearnedPositionalEmbedding's offset of 2), the final LayerNorm.
uint64_t opt_pre_norm(uint64_t layers, uint64_t h, uint64_t f) { return layers * opt_layer(h, f) + 50'272 * h + 2'050 * h + 2 * h; }
}  // namespace

TEST_CASE("facebook/opt-125m (opt) has 125,239,296 parameters", "[params][opt][fixture]") {
  // Published: sum(p.numel()) of the loaded model, 125,239,296 (code-index ids 68838708522, 66461905649).
  const auto p = params_of("facebook__opt-125m");
  CHECK(p.total.value == opt_pre_norm(12, 768, 3072));
  CHECK(p.total.value == 125'239'296ull);
  // 12 layers x K and V x 12 heads x 64 x 2 bytes (float16).
  CHECK(kv_per_token("facebook__opt-125m") == 12ull * 2 * 12 * 64 * 2);
}

TEST_CASE("facebook/opt-350m (opt): post-norm, 512-wide embeddings projected in and out", "[params][opt][fixture]") {
  // Published: 331,196,416 parameters counted from the Hub's pytorch_model.bin at revision 08ab08cc (388
  // tensors, 662,392,832 bytes of fp16; code-index id 69288332089). do_layer_norm_before false: no final
  // LayerNorm; embed_tokens 50272 x 512, project_in 1024 x 512, project_out 512 x 1024, positions 2050 x 1024.
  const auto p = params_of("facebook__opt-350m");
  CHECK(p.total.value == 24 * opt_layer(1024, 4096) + 50'272ull * 512 + 2 * 1'024ull * 512 + 2'050ull * 1'024);
  CHECK(p.total.value == 331'196'416ull);
  CHECK(kv_per_token("facebook__opt-350m") == 24ull * 2 * 16 * 64 * 2);
}

TEST_CASE("facebook/opt-1.3b (opt) has 1,315,758,080 parameters", "[params][opt][fixture]") {
  // Published: 1,315,758,080 for facebook/opt-1.3b (code-index ids 52627038889, 30620646641).
  const auto p = params_of("facebook__opt-1.3b");
  CHECK(p.total.value == opt_pre_norm(24, 2048, 8192));
  CHECK(p.total.value == 1'315'758'080ull);
  CHECK(kv_per_token("facebook__opt-1.3b") == 24ull * 2 * 32 * 64 * 2);
}

TEST_CASE("facebook/opt-2.7b to opt-30b (opt) by hand", "[params][opt][fixture]") {
  // No exact published counts were found for these; the configs add _remove_final_layer_norm false (and
  // opt-13b output_projection true), which change no tensor.
  CHECK(params_of("facebook__opt-2.7b").total.value == opt_pre_norm(32, 2560, 10240));
  CHECK(params_of("facebook__opt-2.7b").total.value == 2'651'596'800ull);
  CHECK(params_of("facebook__opt-6.7b").total.value == opt_pre_norm(32, 4096, 16384));
  CHECK(params_of("facebook__opt-6.7b").total.value == 6'658'473'984ull);
  CHECK(params_of("facebook__opt-13b").total.value == opt_pre_norm(40, 5120, 20480));
  CHECK(params_of("facebook__opt-13b").total.value == 12'853'473'280ull);
  CHECK(params_of("facebook__opt-30b").total.value == opt_pre_norm(48, 7168, 28672));
  CHECK(params_of("facebook__opt-30b").total.value == 29'974'540'288ull);
  CHECK(kv_per_token("facebook__opt-2.7b") == 32ull * 2 * 2560 * 2);
  CHECK(kv_per_token("facebook__opt-6.7b") == 32ull * 2 * 4096 * 2);
  CHECK(kv_per_token("facebook__opt-13b") == 40ull * 2 * 5120 * 2);
  CHECK(kv_per_token("facebook__opt-30b") == 48ull * 2 * 7168 * 2);
}

// ---- Falcon ------------------------------------------------------------------------------------------

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
  // 32 layers x 2 (K, V) x 1 head x 64 x 2 bytes = 8,192.
  CHECK(kv_bytes_per_token("tiiuae__falcon-7b-instruct") == 8'192);
}

TEST_CASE("Falcon-40B's original RefinedWeb config reads as the new decoder architecture", "[params][falcon]") {
  // model_type "RefinedWeb": ln_attn + ln_mlp and n_head_kv = 8 KV heads. Per layer: 2 LayerNorms 4 x 8192;
  // query_key_value (128 + 2 x 8) x 64 = 9216 x 8192; dense 8192^2; dense_h_to_4h and dense_4h_to_h
  // 2 x 32768 x 8192; no biases = 679,510,016. word_embeddings 65024 x 8192 (tied), ln_f 2 x 8192.
  const auto s = fixture("tiiuae__falcon-40b");
  CHECK(s.num_key_value_heads == 8);
  CHECK(has_tensor(s, "transformer.h.{i}.ln_attn.weight"));
  CHECK_FALSE(has_tensor(s, "transformer.h.{i}.input_layernorm.weight"));
  const auto p = params_of(s);
  CHECK(p.total.value == 60 * 679'510'016ull + 65'024ull * 8'192 + 2 * 8'192);
  CHECK(p.total.value == 41'303'293'952ull);
  // The checkpoint index's total_size, 83,671,941,120 bytes of bf16 = 41,835,970,560 elements, stores
  // the tied lm_head a second time: + 65024 x 8192.
  CHECK(p.total.value + 65'024ull * 8'192 == 83'671'941'120ull / 2);
}

TEST_CASE("Falcon-40B caches 8 KV heads of 64 per layer", "[kv][falcon]") {
  // 60 layers x 2 x 8 x 64 x 2 bytes = 122,880.
  CHECK(kv_bytes_per_token("tiiuae__falcon-40b") == 122'880);
}

TEST_CASE("Falcon-RW-1B, with ALiBi, biases and sequential blocks, has 1,311,625,216 parameters", "[params][falcon]") {
  // keras-hub falcon_refinedweb_1b_en "params". tiiuae/falcon-rw-1b's fields: neither multi-query nor the new
  // architecture, so query_key_value is 3h and every head is cached. Per layer: input_layernorm and
  // post_attention_layernorm 4 x 2048; query_key_value 6144 x 2048 + 6144; dense 2048^2 + 2048;
  // dense_h_to_4h 8192 x 2048 + 8192; dense_4h_to_h 2048 x 8192 + 2048 = 50,358,272.
  const auto s = parsed(R"({"model_type": "falcon", "alibi": true, "bias": true, "hidden_size": 2048,
      "multi_query": false, "new_decoder_architecture": false, "num_attention_heads": 32, "num_hidden_layers": 24,
      "parallel_attn": false, "vocab_size": 50304})");
  CHECK(has_tensor(s, "transformer.h.{i}.post_attention_layernorm.weight"));
  CHECK(params_of(s).total.value == 24 * 50'358'272ull + 50'304ull * 2'048 + 2 * 2'048);
  CHECK(params_of(s).total.value == 1'311'625'216ull);
  // 24 layers x 2 x 32 x 64 x 2 bytes.
  CHECK(kv_bytes_per_token(s) == 196'608);
}

TEST_CASE("Falcon's head size ignores a head_dim field, as FalconAttention does", "[falcon]") {
  const auto s = parsed(R"({"model_type": "falcon", "hidden_size": 4544, "num_attention_heads": 71, "head_dim": 128})");
  CHECK(s.head_dim == 64);
}

// ---- Phi-2 -------------------------------------------------------------------------------------------

TEST_CASE("Phi-2 has 2,779,683,840 parameters", "[params][phi]") {
  // The Hub's safetensors count for microsoft/phi-2 (params.tsv). Per layer: input_layernorm 2 x 2560;
  // q, k, v, dense 4 x (2560^2 + 2560); fc1 10240 x 2560 + 10240; fc2 2560 x 10240 + 2560 = 78,671,360.
  // embed_tokens 51200 x 2560; final_layernorm 2 x 2560; lm_head 51200 x 2560 + its bias 51200.
  // partial_rotary_factor 0.4 has no parameters.
  const auto p = params_of("microsoft__phi-2");
  CHECK(p.total.value == 32ull * 78'671'360 + 2 * 51'200ull * 2'560 + 2 * 2'560 + 51'200);
  CHECK(p.total.value == 2'779'683'840ull);
}

TEST_CASE("Phi-2 caches 32 heads of 80 per layer", "[kv][phi]") {
  // 32 layers x 2 x 32 x 80 x 2 bytes = 327,680.
  CHECK(kv_bytes_per_token("microsoft__phi-2") == 327'680);
}

// ---- StarCoder2 --------------------------------------------------------------------------------------
// Fields of bigcode/starcoder2-7b as mlc-ai/mlc-llm python/mlc_llm/model/model_preset.py ("starcoder2") quotes them.

constexpr std::string_view kStarcoder2_7b = R"({"architectures": ["Starcoder2ForCausalLM"], "model_type": "starcoder2",
    "hidden_act": "gelu_pytorch_tanh", "hidden_size": 4608, "intermediate_size": 18432, "max_position_embeddings": 16384,
    "norm_epsilon": 1e-05, "num_attention_heads": 36, "num_hidden_layers": 32, "num_key_value_heads": 4,
    "rope_theta": 1000000, "sliding_window": 4096, "torch_dtype": "bfloat16", "use_bias": true, "vocab_size": 49152})";

TEST_CASE("StarCoder2-7B, biased and tied, has 7,173,923,840 parameters", "[params][starcoder2]") {
  // The Hub's safetensors count for bigcode/starcoder2-7b (llmfit hf_models.json). head_dim 128. Per layer:
  // q_proj 4608^2 + 4608; k_proj, v_proj 2 x (512 x 4608 + 512); o_proj 4608^2 + 4608; c_fc 18432 x 4608 + 18432;
  // c_proj 4608 x 18432 + 4608; 2 LayerNorms 4 x 4608 = 217,106,944. embed_tokens 49152 x 4608 (tied),
  // norm 2 x 4608.
  const auto p = params_of(parsed(kStarcoder2_7b));
  CHECK(p.total.value == 32 * 217'106'944ull + 49'152ull * 4'608 + 2 * 4'608);
  CHECK(p.total.value == 7'173'923'840ull);
}

TEST_CASE("StarCoder2-7B slides a 4096-token window on every layer", "[kv][starcoder2]") {
  const auto s = parsed(kStarcoder2_7b);
  CHECK(layers_of(s, attention_kind::sliding) == 32);
  CHECK(s.layers[0].window == 4'096);
  // 32 layers x 2 x 4 KV heads x 128 x 2 bytes = 65,536.
  CHECK(kv_bytes_per_token(s) == 65'536);
}

TEST_CASE("bigcode/starcoder2-3b (starcoder2) has 3,030,371,328 parameters", "[params][starcoder2][fixture]") {
  // Published: the Hub's safetensors count (llmfit hf_models.json). 30 layers of LayerNorm-with-bias
  // blocks: q 3072^2, k and v 3072 x 256 each, o 3072^2, all with biases; c_fc 3072 -> 12288 and c_proj back,
  // with biases; two LayerNorms (weight + bias). Tied embedding 49152 x 3072, final LayerNorm.
  const uint64_t layer = (3072ull * 3072 + 3072) * 2 + (3072ull * 256 + 256) * 2 + 3072ull * 12288 * 2 + 12288 + 3072 + 4 * 3072;
  const auto p = params_of("bigcode__starcoder2-3b");
  CHECK(p.total.value == 30 * layer + 49'152ull * 3'072 + 2 * 3'072);
  CHECK(p.total.value == 3'030'371'328ull);
  // The config names no torch_dtype: fp32 is assumed (and said), 4 bytes; 2 KV heads x 128.
  CHECK(kv_per_token("bigcode__starcoder2-3b") == 30ull * 2 * 2 * 128 * 4);
}

// ---- Cohere / Cohere2 --------------------------------------------------------------------------------

TEST_CASE("Aya-23-8B (cohere), one LayerNorm weight per parallel block, has 8,028,033,024 parameters", "[params][cohere]") {
  // The Hub's safetensors count for CohereLabs/aya-23-8B (llmfit hf_models.json); fields as mlc-llm
  // model_preset.py ("aya-23") quotes them. Per layer: input_layernorm 4096 (weight only); q, o 2 x 4096^2;
  // k, v 2 x 1024 x 4096; gate, up, down 3 x 14336 x 4096 = 218,107,904. embed_tokens 256000 x 4096 (tied),
  // norm 4096.
  const auto s = parsed(R"({"architectures": ["CohereForCausalLM"], "model_type": "cohere", "attention_bias": false,
      "hidden_size": 4096, "intermediate_size": 14336, "logit_scale": 0.0625, "max_position_embeddings": 8192,
      "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8, "use_qk_norm": false,
      "vocab_size": 256000})");
  const auto p = params_of(s);
  CHECK(p.total.value == 32 * 218'107'904ull + 256'000ull * 4'096 + 4'096);
  CHECK(p.total.value == 8'028'033'024ull);
  // 32 layers x 2 x 8 x 128 x 2 bytes = 131,072.
  CHECK(kv_bytes_per_token(s) == 131'072);
}

TEST_CASE("Command-R v01 (cohere) has 34,980,831,232 parameters", "[params][cohere]") {
  // Published only as "35B". 40 layers x (8192 + 4 x 8192^2 + 3 x 8192 x 22528) + 256000 x 8192 (tied) + 8192.
  const auto s = parsed(R"({"architectures": ["CohereForCausalLM"], "model_type": "cohere", "hidden_size": 8192,
      "intermediate_size": 22528, "num_attention_heads": 64, "num_key_value_heads": 64, "num_hidden_layers": 40,
      "vocab_size": 256000, "use_qk_norm": false})");
  CHECK(params_of(s).total.value == 40 * (8'192 + 4 * 8'192ull * 8'192 + 3 * 8'192ull * 22'528) + 256'000ull * 8'192 + 8'192);
  CHECK(params_of(s).total.value == 34'980'831'232ull);
  // 40 layers x 2 x 64 x 128 x 2 bytes = 1,310,720.
  CHECK(kv_bytes_per_token(s) == 1'310'720);
}

TEST_CASE("Cohere's use_qk_norm adds q_norm [heads, head_dim] and k_norm [kv_heads, head_dim]", "[params][cohere]") {
  const auto with = params_of(parsed(R"({"model_type": "cohere", "num_key_value_heads": 8, "use_qk_norm": true})"));
  const auto without = params_of(parsed(R"({"model_type": "cohere", "num_key_value_heads": 8, "use_qk_norm": false})"));
  // Class defaults: 40 layers, 64 heads of 8192 / 64 = 128: 40 x (64 + 8) x 128.
  CHECK(with.total.value - without.total.value == 40ull * (64 + 8) * 128);
}

TEST_CASE("CohereForAI/c4ai-command-r-08-2024 (cohere): parameters and KV by hand", "[params][cohere][fixture]") {
  // unsloth's copy of the config. 40 layers, hidden 8192, 64 heads, 8 KV heads x 128, intermediate 24576,
  // one LayerNorm (no bias) per layer, tied embedding 256000 x 8192, final norm. No published exact count.
  const uint64_t layer = 8192ull * 8192 * 2 + 2 * 8192ull * 1024 + 3 * 8192ull * 24576 + 8192;
  CHECK(params_of("unsloth__c4ai-command-r-08-2024").total.value == 40 * layer + 256'000ull * 8'192 + 8'192);
  CHECK(kv_per_token("unsloth__c4ai-command-r-08-2024") == 40ull * 2 * 8 * 128 * 2);
}

TEST_CASE("Command-R7B (cohere2) has 8,028,033,024 parameters and slides on three layers of four", "[params][kv][cohere2]") {
  // The Hub's safetensors count for CohereLabs/c4ai-command-r7b-12-2024 (llmfit hf_models.json): the same
  // shapes as Aya-23-8B. sliding_window_pattern 4: layers 4, 8, ... 32 attend to everything, the others to 4096.
  const auto s = parsed(R"({"architectures": ["Cohere2ForCausalLM"], "model_type": "cohere2", "hidden_size": 4096,
      "intermediate_size": 14336, "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
      "sliding_window": 4096, "sliding_window_pattern": 4, "vocab_size": 256000})");
  CHECK(params_of(s).total.value == 32 * 218'107'904ull + 256'000ull * 4'096 + 4'096);
  CHECK(params_of(s).total.value == 8'028'033'024ull);
  CHECK(layers_of(s, attention_kind::sliding) == 24);
  CHECK(s.layers[3].attention == attention_kind::full);
  CHECK(s.layers[0].window == 4'096);
  // Every layer caches the token while it is in its window: 32 x 2 x 8 x 128 x 2 bytes.
  CHECK(kv_bytes_per_token(s) == 131'072);
}

TEST_CASE("CohereForAI/c4ai-command-a-03-2025 (cohere2): KV by hand", "[params][cohere2][fixture]") {
  // unsloth's copy of the config. 64 layers, 8 KV heads x 128, bf16; three of every four layers slide
  // over a 4096 window, which bounds their cache but not the bytes of one token. No published exact count.
  CHECK(params_of("unsloth__c4ai-command-a-03-2025").total.value > 100'000'000'000ull);
  CHECK(kv_per_token("unsloth__c4ai-command-a-03-2025") == 64ull * 2 * 8 * 128 * 2);
}

// ---- OLMo / OLMo-2 -----------------------------------------------------------------------------------

TEST_CASE("OLMo-1B-hf, whose LayerNorms have no parameters, has 1,176,764,416", "[params][olmo]") {
  // The Hub's safetensors count for allenai/OLMo-1B-hf (llmfit hf_models.json). Per layer: q, k, v, o
  // 4 x 2048^2; gate, up, down 3 x 8192 x 2048; no norm parameters = 67,108,864. embed_tokens 50304 x 2048,
  // tied; the final norm has none either.
  const auto s = parsed(R"({"architectures": ["OlmoForCausalLM"], "model_type": "olmo", "hidden_size": 2048,
      "intermediate_size": 8192, "num_attention_heads": 16, "num_hidden_layers": 16, "num_key_value_heads": 16,
      "max_position_embeddings": 2048, "tie_word_embeddings": true, "vocab_size": 50304})");
  CHECK(params_of(s).total.value == 16 * 67'108'864ull + 50'304ull * 2'048);
  CHECK(params_of(s).total.value == 1'176'764'416ull);
  // 16 layers x 2 x 16 x 128 x 2 bytes = 131,072.
  CHECK(kv_bytes_per_token(s) == 131'072);
}

TEST_CASE("allenai/OLMo-1B-hf (olmo) has 1,176,764,416 parameters", "[params][olmo][fixture]") {
  // Published: the Hub's safetensors count (llmfit hf_models.json). OLMo's LayerNorms have no parameters.
  // Per layer: q, k, v, o 4 x 2048^2; gate, up, down 3 x 2048 x 8192. 16 layers + the tied 50304 x 2048 embedding.
  const auto p = params_of("allenai__OLMo-1B-hf");
  CHECK(p.total.value == 16 * (4 * 2048ull * 2048 + 3 * 2048ull * 8192) + 50'304ull * 2'048);
  CHECK(p.total.value == 1'176'764'416ull);
  // 16 layers x K and V x 16 heads x 128 x 4 bytes (torch_dtype float32).
  CHECK(kv_per_token("allenai__OLMo-1B-hf") == 16ull * 2 * 16 * 128 * 4);
}

TEST_CASE("OLMo-2-1124-7B, with post-norms and q/k norms, has 7,298,617,344 parameters", "[params][olmo2]") {
  // The Hub's safetensors count for allenai/OLMo-2-1124-7B-Instruct (llmfit hf_models.json); fields as
  // mlc-llm model_preset.py ("olmo2_7b") quotes them. Per layer: q, k, v, o 4 x 4096^2; gate, up, down
  // 3 x 11008 x 4096; q_norm, k_norm, post_attention_layernorm, post_feedforward_layernorm 4 x 4096
  // = 202,391,552. embed_tokens and lm_head 2 x 100352 x 4096; norm 4096.
  const auto s = parsed(R"({"architectures": ["Olmo2ForCausalLM"], "model_type": "olmo2", "hidden_size": 4096,
      "intermediate_size": 11008, "max_position_embeddings": 4096, "num_attention_heads": 32, "num_hidden_layers": 32,
      "num_key_value_heads": 32, "rms_norm_eps": 1e-06, "tie_word_embeddings": false, "vocab_size": 100352})");
  CHECK(params_of(s).total.value == 32 * 202'391'552ull + 2 * 100'352ull * 4'096 + 4'096);
  CHECK(params_of(s).total.value == 7'298'617'344ull);
  CHECK_FALSE(has_tensor(s, "model.layers.{i}.input_layernorm.weight"));
  // 32 layers x 2 x 32 x 128 x 2 bytes = 524,288.
  CHECK(kv_bytes_per_token(s) == 524'288);
}

TEST_CASE("allenai/OLMo-2-1124-13B (olmo2) has 13,716,198,400 parameters", "[params][olmo2][fixture]") {
  // Published: the repo's model.safetensors.index.json, total_size 54,864,793,600 bytes of fp32 / 4.
  // Per layer: q, k, v, o 4 x 5120^2; gate, up, down 3 x 5120 x 13824; q_norm and k_norm 2 x 5120 (over all heads); post-attention
  // and post-feedforward norms 2 x 5120 = 317,214,720. 40 layers + embed and untied lm_head 2 x 100352 x 5120 + norm.
  const auto p = params_of("allenai__OLMo-2-1124-13B");
  CHECK(p.total.value == 40ull * 317'214'720 + 2ull * 100'352 * 5'120 + 5'120);
  CHECK(p.total.value == 13'716'198'400ull);
}

// ---- InternLM2 ---------------------------------------------------------------------------------------

TEST_CASE("InternLM2-chat-1.8B has 1,889,110,016 parameters, as its checkpoint index says", "[params][internlm2]") {
  // The fixture is an XTuner fine-tune of internlm/internlm2-chat-1_8b; its pytorch_model.bin.index.json says
  // total_size 3,778,220,032 bytes of fp16. Per layer: attention.wqkv (16 + 2 x 8) x 128 = 4096 x 2048;
  // wo 2048^2; w1, w3, w2 3 x 8192 x 2048; attention_norm and ffn_norm 2 x 2048; bias false = 62,918,656.
  // tok_embeddings and output 2 x 92544 x 2048; norm 2048.
  const auto p = params_of("xiaoluo333__internlm2-chat-1_8b-xtuner");
  CHECK(p.total.value == 24 * 62'918'656ull + 2 * 92'544ull * 2'048 + 2'048);
  CHECK(p.total.value == 3'778'220'032ull / 2);
}

TEST_CASE("InternLM2-chat-1.8B caches 8 KV heads of 128 per layer", "[kv][internlm2]") {
  // 24 layers x 2 x 8 x 128 x 2 bytes = 98,304.
  CHECK(kv_bytes_per_token("xiaoluo333__internlm2-chat-1_8b-xtuner") == 98'304);
}

TEST_CASE("InternLM2.5-7B-chat has 7,737,708,544 parameters", "[params][internlm2]") {
  // The Hub's safetensors count for internlm/internlm2_5-7b-chat (llmfit hf_models.json); fields as mlc-llm
  // model_preset.py ("internlm2_5_7b") quotes them. Per layer: wqkv (32 + 2 x 8) x 128 = 6144 x 4096;
  // wo 4096^2; w1, w3, w2 3 x 14336 x 4096; 2 norms 2 x 4096 = 218,112,000. tok_embeddings and output
  // 2 x 92544 x 4096; norm 4096.
  const auto s = parsed(R"({"architectures": ["InternLM2ForCausalLM"], "model_type": "internlm2", "bias": false,
      "hidden_size": 4096, "intermediate_size": 14336, "max_position_embeddings": 32768, "num_attention_heads": 32,
      "num_hidden_layers": 32, "num_key_value_heads": 8, "tie_word_embeddings": false, "vocab_size": 92544})");
  CHECK(params_of(s).total.value == 32 * 218'112'000ull + 2 * 92'544ull * 4'096 + 4'096);
  CHECK(params_of(s).total.value == 7'737'708'544ull);
}

// ---- GLM / GLM-4 -------------------------------------------------------------------------------------
// Fields of zai-org/glm-4-9b-chat-hf (glm) and zai-org/GLM-4-9B-0414 (glm4): the same shapes.

TEST_CASE("GLM-4-9B-chat-hf (glm) has 9,399,951,360 parameters", "[params][glm]") {
  // The Hub's safetensors count (llmfit hf_models.json). head_dim 128, 2 KV heads. Per layer:
  // input_layernorm, post_attention_layernorm 2 x 4096; q_proj 4096^2 + 4096; k_proj, v_proj
  // 2 x (256 x 4096 + 256); o_proj 4096^2 (no bias); gate_up_proj 2 x 13696 x 4096; down_proj 4096 x 13696
  // = 203,960,832. embed_tokens and lm_head 2 x 151552 x 4096; norm 4096. Partial rotary has no parameters.
  const auto s = parsed(R"({"architectures": ["GlmForCausalLM"], "model_type": "glm", "attention_bias": true,
      "head_dim": 128, "hidden_size": 4096, "intermediate_size": 13696, "num_attention_heads": 32,
      "num_hidden_layers": 40, "num_key_value_heads": 2, "partial_rotary_factor": 0.5, "vocab_size": 151552})");
  CHECK(params_of(s).total.value == 40 * 203'960'832ull + 2 * 151'552ull * 4'096 + 4'096);
  CHECK(params_of(s).total.value == 9'399'951'360ull);
  // 40 layers x 2 x 2 x 128 x 2 bytes = 40,960.
  CHECK(kv_bytes_per_token(s) == 40'960);
}

TEST_CASE("GLM-4-9B-0414 (glm4) adds two sandwich norms per layer: 9,400,279,040 parameters", "[params][glm4]") {
  // The Hub's safetensors count (llmfit hf_models.json): GLM-4-9B-chat-hf's 9,399,951,360
  // + post_self_attn_layernorm and post_mlp_layernorm, 40 x 2 x 4096.
  const auto s = parsed(R"({"architectures": ["Glm4ForCausalLM"], "model_type": "glm4", "attention_bias": true,
      "head_dim": 128, "hidden_size": 4096, "intermediate_size": 13696, "num_attention_heads": 32,
      "num_hidden_layers": 40, "num_key_value_heads": 2, "partial_rotary_factor": 0.5, "vocab_size": 151552})");
  CHECK(params_of(s).total.value == 9'399'951'360ull + 40 * 2 * 4'096);
  CHECK(params_of(s).total.value == 9'400'279'040ull);
  CHECK(has_tensor(s, "model.layers.{i}.post_mlp_layernorm.weight"));
}

TEST_CASE("THUDM/glm-4-9b-chat-hf (glm) has 9,399,951,360 parameters", "[params][glm][fixture]") {
  // Published: the same folder's model.safetensors.index.json, total_size 18,799,902,720 bytes of bf16 / 2; its
  // 443 tensor names are this inventory's (11 per layer + 3). Per layer: q 4096^2 + bias 4096; k and v 2 x
  // (4096 x 256 + 256) (2 KV heads x head_dim 128); o 4096^2; fused gate_up 2 x 13696 x 4096; down 4096 x
  // 13696; two RMSNorms 2 x 4096. 40 layers + untied embedding and lm_head 2 x 151552 x 4096 + norm.
  const uint64_t layer = 4096ull * 4096 + 4096 + 2 * (4096ull * 256 + 256) + 4096ull * 4096 + 3 * 13696ull * 4096 + 2 * 4096;
  const auto p = params_of("THUDM__glm-4-9b-chat-hf");
  CHECK(p.total.value == 40 * layer + 2 * 151'552ull * 4'096 + 4'096);
  CHECK(p.total.value == 9'399'951'360ull);
  // 40 layers x K and V x 2 KV heads x 128 x 2 bytes (bfloat16).
  CHECK(kv_per_token("THUDM__glm-4-9b-chat-hf") == 40ull * 2 * 2 * 128 * 2);
}

TEST_CASE("OLMo 3 (olmo3): OLMo 2's layers, 3 sliding to 1 full; 7B and 32B exact", "[params][kv][olmo3]") {
  // No config.json of an Olmo 3 checkpoint was found: the dimensions llmfit lists for allenai/Olmo-3-1025-7B and
  // Olmo-3-1125-32B (tests/fixtures/SOURCES.md), untied, sliding_window 4096 as released.
  const auto seven = parse_config(R"({"model_type": "olmo3", "architectures": ["Olmo3ForCausalLM"], "vocab_size": 100278,
      "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32, "intermediate_size": 11008,
      "tie_word_embeddings": false, "sliding_window": 4096, "max_position_embeddings": 65536, "torch_dtype": "bfloat16"})");
  REQUIRE(seven.ok());
  CHECK(seven.spec.family == "olmo3");
  // llmfit parameters_raw 7,298,011,136 (its newer entries list 7,297,482,752, the bf16 tensors alone: the 528,384
  // norm weights are stored in f32).
  CHECK(params_of(seven.spec).total.value == 7'298'011'136ull);
  uint64_t sliding = 0;
  for (const auto& l : seven.spec.layers) sliding += l.attention == attention_kind::sliding && l.window == 4096;
  CHECK(sliding == 24);
  CHECK(seven.spec.layers[3].attention == attention_kind::full);
  const auto big = parse_config(R"({"model_type": "olmo3", "architectures": ["Olmo3ForCausalLM"], "vocab_size": 100278,
      "hidden_size": 5120, "num_hidden_layers": 64, "num_attention_heads": 40, "num_key_value_heads": 8, "intermediate_size": 27648,
      "tie_word_embeddings": false, "sliding_window": 4096, "max_position_embeddings": 65536, "torch_dtype": "bfloat16"})");
  REQUIRE(big.ok());
  CHECK(params_of(big.spec).total.value == 32'233'522'176ull);
}
