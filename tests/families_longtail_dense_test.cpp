// The long-tail dense decoders (core/families/longtail_dense.cpp), each against the published count of a real
// config.json (tests/fixtures/SOURCES.md, params.tsv): gpt_bigcode, qwen, stablelm, smollm3.
// Evidence, family by family in the order of longtail_dense_rules.h:
// - the parameter count of a real config.json fixture against the Hub's safetensors total, with the per-layer
//   arithmetic written out;
// - KV-cache bytes per token against hand arithmetic (fp16, 2 bytes an element): multi-query keeps one head,
//   partial rotary and NoPE layers change nothing;
// - the tensors a config field adds or removes, on the fixture with that field changed.
#include <catch2/catch.hpp>

#include <string>

#include "architectures.h"
#include "estimate.h"
#include "families_helpers.h"
#include "family.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;
using namespace family_tests;

namespace {

// The fixture's text with one string replaced, parsed.
model_spec fixture_with(const std::string& name, const std::string& from, const std::string& to) {
  std::string text = fixture_text(name);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  const auto p = parse_config(text);
  REQUIRE(p.ok());
  return p.spec;
}

// fp16 weights; the KV cache then defaults to the compute dtype, 2 bytes an element.
uint64_t kv_fp16(const model_spec& s) {
  estimate_options o;
  o.quantization = "fp16";
  const auto r = estimate(s, o);
  REQUIRE(r.ok());
  return r.kv_cache_bytes_per_token;
}
uint64_t kv_fp16(const std::string& name) { return kv_fp16(fixture(name)); }

uint64_t total(const model_spec& s) { return params_of(s).total.value; }

}  // namespace

// ---- gpt_bigcode --------------------------------------------------------------------------------------

TEST_CASE("SantaCoder (gpt_bigcode, multi-query) has 1,124,886,528 parameters", "[longtail][params][gpt_bigcode]") {
  // Hub safetensors total of bigcode/gpt_bigcode-santacoder (params.tsv). n_embd 2048, 16 heads of 128, one KV
  // head: c_attn is 2048 + 2 x 128 = 2304 wide. Per layer: ln_1 2 x 2048; c_attn 2304 x 2048 + 2304;
  // c_proj 2048^2 + 2048; ln_2 2 x 2048; c_fc 8192 x 2048 + 8192; c_proj 2048 x 8192 + 2048 = 42,490,112.
  // wte 49280 x 2048, wpe 2048 x 2048, ln_f 2 x 2048; lm_head tied (no tie_word_embeddings: the class default).
  const model_spec s = fixture("bigcode__gpt_bigcode-santacoder");
  CHECK(s.family == "gpt_bigcode");
  CHECK(s.num_key_value_heads == 1);
  CHECK(s.tie_word_embeddings);
  CHECK(total(s) == 24ull * 42'490'112 + 49'280ull * 2'048 + 2'048ull * 2'048 + 2 * 2'048);
  CHECK(total(s) == 1'124'886'528ull);
  CHECK(has_tensor(s, "transformer.h.{i}.attn.c_attn.weight"));
  CHECK(has_tensor(s, "transformer.wpe.weight"));
  CHECK_FALSE(has_tensor(s, "lm_head.weight"));
}

TEST_CASE("SantaCoder caches one KV head of 128 per layer", "[longtail][kv][gpt_bigcode]") {
  // 24 layers x 2 (K, V) x 1 x 128 x 2 bytes = 12,288.
  CHECK(kv_fp16("bigcode__gpt_bigcode-santacoder") == 12'288);
}

TEST_CASE("gpt_bigcode without multi_query is multi-head: c_attn 3h wide, every head cached", "[longtail][gpt_bigcode]") {
  const model_spec mha = fixture_with("bigcode__gpt_bigcode-santacoder", "\"multi_query\": true", "\"multi_query\": false");
  CHECK(mha.num_key_value_heads == 16);
  // c_attn grows from 2304 to 6144 rows (weight and bias) in each of 24 layers.
  CHECK(total(mha) - 1'124'886'528ull == 24ull * (6'144 - 2'304) * (2'048 + 1));
  CHECK(kv_fp16(mha) == 24ull * 2 * 16 * 128 * 2);
}

TEST_CASE("gpt_bigcode reads n_inner, 4h when null, and an untied head", "[longtail][gpt_bigcode]") {
  const model_spec null_inner = fixture_with("bigcode__gpt_bigcode-santacoder", "\"n_inner\": 8192", "\"n_inner\": null");
  CHECK(null_inner.intermediate_size == 4 * 2'048);
  const model_spec narrow = fixture_with("bigcode__gpt_bigcode-santacoder", "\"n_inner\": 8192", "\"n_inner\": 4096");
  CHECK(1'124'886'528ull - total(narrow) == 24ull * (2 * 4'096ull * 2'048 + 4'096));
  // StarCoder's Hub safetensors hold lm_head.weight beside wte (15,819,446,272 = 15,517,456,384 unique + one more
  // 49152 x 6144 copy): what an untied head adds.
  const model_spec untied = fixture_with("bigcode__gpt_bigcode-santacoder", "\"use_cache\": true", "\"use_cache\": true, \"tie_word_embeddings\": false");
  CHECK(total(untied) - 1'124'886'528ull == 49'280ull * 2'048);
  CHECK(has_tensor(untied, "lm_head.weight"));
}

// Dimensions of bigcode/starcoder and bigcode/tiny_starcoder_py (their model cards and llmfit's listing of the Hub
// configs: n_embd, n_layer, n_head, n_positions, vocab); no verbatim config.json of either was found.
TEST_CASE("StarCoder and tiny_starcoder_py match the Hub's safetensors totals", "[longtail][params][gpt_bigcode]") {
  auto count = [](const char* json) {
    const auto p = parse_config(json);
    REQUIRE(p.ok());
    return total(p.spec);
  };
  // tiny_starcoder_py: 164,144,128 (AlexsJones/llmfit hf_models.json, parameters_raw).
  CHECK(count(R"({"model_type": "gpt_bigcode", "n_embd": 768, "n_head": 12, "n_inner": 3072, "n_layer": 20,
      "n_positions": 8192, "vocab_size": 49152, "multi_query": true})") == 164'144'128ull);
  // starcoder: 15,819,446,272 stored = 15,517,456,384 with the tied head counted once + the stored lm_head copy.
  const uint64_t starcoder = count(R"({"model_type": "gpt_bigcode", "n_embd": 6144, "n_head": 48, "n_inner": 24576,
      "n_layer": 40, "n_positions": 8192, "vocab_size": 49152, "multi_query": true})");
  CHECK(starcoder == 15'517'456'384ull);
  CHECK(starcoder + 49'152ull * 6'144 == 15'819'446'272ull);
}

// ---- qwen (v1, remote code) ----------------------------------------------------------------------------

TEST_CASE("Qwen-7B-Chat (qwen v1) has 7,721,324,544 parameters", "[longtail][params][qwen]") {
  // Hub safetensors total of Qwen/Qwen-7B-Chat and Qwen/Qwen-7B (params.tsv). The fixture is the August 2023 upload,
  // with GPT-2 field names and ffn_hidden_size 22016: w1, w2 are 11008 wide. Per layer: ln_1 4096;
  // c_attn 3 x 4096 x 4096 + 3 x 4096; c_proj 4096^2 (no_bias); ln_2 4096; w1, w2 11008 x 4096; c_proj
  // 4096 x 11008 = 202,395,648. wte and the untied lm_head 151936 x 4096 each, ln_f 4096.
  const model_spec s = fixture("Qwen__Qwen-7B-Chat");
  CHECK(s.family == "qwen");
  CHECK(s.intermediate_size == 11'008);
  CHECK(s.head_dim == 128);
  CHECK(total(s) == 32ull * 202'395'648 + 2 * 151'936ull * 4'096 + 4'096);
  CHECK(total(s) == 7'721'324'544ull);
  CHECK(has_tensor(s, "transformer.h.{i}.attn.c_attn.bias"));
  CHECK_FALSE(has_tensor(s, "transformer.h.{i}.attn.c_proj.bias"));
  CHECK(has_tensor(s, "transformer.h.{i}.mlp.w2.weight"));
}

TEST_CASE("Qwen-7B-Chat caches 32 heads of kv_channels 128 per layer", "[longtail][kv][qwen]") {
  // 32 layers x 2 x 32 x 128 x 2 bytes = 524,288.
  CHECK(kv_fp16("Qwen__Qwen-7B-Chat") == 524'288);
}

TEST_CASE("qwen reads the later uploads' field names to the same model", "[longtail][qwen]") {
  // The later Qwen-7B-Chat config (hidden_size, num_hidden_layers, num_attention_heads, intermediate_size,
  // max_position_embeddings, seq_length 8192), written inline with the same dimensions.
  const auto p = parse_config(R"({"architectures": ["QWenLMHeadModel"], "model_type": "qwen", "hidden_size": 4096,
      "intermediate_size": 22016, "kv_channels": 128, "max_position_embeddings": 8192, "no_bias": true,
      "num_attention_heads": 32, "num_hidden_layers": 32, "seq_length": 8192, "tie_word_embeddings": false,
      "vocab_size": 151936})");
  REQUIRE(p.ok());
  CHECK(total(p.spec) == 7'721'324'544ull);
  // no_bias false adds c_proj's and the three MLP Linears' biases.
  const model_spec biased = fixture_with("Qwen__Qwen-7B-Chat", "\"no_bias\": true", "\"no_bias\": false");
  CHECK(total(biased) - 7'721'324'544ull == 32ull * (4'096 + 2 * 11'008 + 4'096));
}

// ---- stablelm ------------------------------------------------------------------------------------------

TEST_CASE("StableLM 2 1.6B has 1,644,515,328 parameters", "[longtail][params][stablelm]") {
  // Hub safetensors total of stabilityai/stablelm-2-1_6b-chat, the same dimensions as the fixture's base model
  // (params.tsv). head_dim 2048 / 32 = 64; use_qkv_bias. Per layer: input_layernorm and
  // post_attention_layernorm 2 x 2048 each; q, k, v 2048^2 + 2048 each; o_proj 2048^2; gate, up, down
  // 3 x 2048 x 5632 = 51,394,560. embed_tokens and the untied lm_head 100352 x 2048 each; norm 2 x 2048.
  const model_spec s = fixture("stabilityai__stablelm-2-1_6b");
  CHECK(s.family == "stablelm");
  CHECK(s.head_dim == 64);
  CHECK(total(s) == 24ull * 51'394'560 + 2 * 100'352ull * 2'048 + 2 * 2'048);
  CHECK(total(s) == 1'644'515'328ull);
  CHECK(has_tensor(s, "model.layers.{i}.self_attn.q_proj.bias"));
  CHECK_FALSE(has_tensor(s, "model.layers.{i}.self_attn.o_proj.bias"));
  CHECK(has_tensor(s, "model.layers.{i}.post_attention_layernorm.bias"));
}

TEST_CASE("StableLM 2 1.6B caches all 32 heads of 64, whatever its partial rotary", "[longtail][kv][stablelm]") {
  // 24 layers x 2 x 32 x 64 x 2 bytes = 196,608: partial_rotary_factor 0.25 rotates a quarter of each head and
  // caches the whole head.
  CHECK(kv_fp16("stabilityai__stablelm-2-1_6b") == 196'608);
}

TEST_CASE("StableLM-3B-4E1T matches the Hub's safetensors total", "[longtail][params][stablelm]") {
  // stabilityai/stablelm-3b-4e1t (also stable-code-3b, stablelm-zephyr-3b): 2,795,443,200 (params.tsv). The class
  // defaults are this model's dimensions (configuration_stablelm.py), so a bare config reads as it.
  const auto p = parse_config(R"({"model_type": "stablelm"})");
  REQUIRE(p.ok());
  CHECK(total(p.spec) == 2'795'443'200ull);
}

TEST_CASE("StableLM 2 12B: parallel residual drops post_attention_layernorm, qk_layernorm adds per-head norms", "[longtail][stablelm]") {
  // No published count of stabilityai/stablelm-2-12b was found; this checks its tensors and cache. Its config's
  // use_norm_bias is not a StableLmConfig field: transformers builds every LayerNorm with a bias regardless.
  const model_spec s = fixture("stabilityai__stablelm-2-12b");
  CHECK(s.qk_norm);
  CHECK(s.head_dim == 160);
  CHECK_FALSE(has_tensor(s, "model.layers.{i}.post_attention_layernorm.weight"));
  CHECK(has_tensor(s, "model.layers.{i}.self_attn.q_layernorm.norms.{h}.weight"));
  CHECK_FALSE(has_tensor(s, "model.layers.{i}.self_attn.q_proj.bias"));
  // 40 layers x 2 x 8 x 160 x 2 bytes = 204,800.
  CHECK(kv_fp16(s) == 204'800);
  // The per-head norms: 32 x 160 for q and 8 x 160 for k in each of 40 layers.
  const model_spec plain = fixture_with("stabilityai__stablelm-2-12b", "\"qk_layernorm\": true", "\"qk_layernorm\": false");
  CHECK(total(s) - total(plain) == 40ull * (32 + 8) * 160);
  const model_spec sequential = fixture_with("stabilityai__stablelm-2-12b", "\"use_parallel_residual\": true", "\"use_parallel_residual\": false");
  CHECK(total(sequential) - total(s) == 40ull * 2 * 5'120);
}

// ---- smollm3 -------------------------------------------------------------------------------------------

TEST_CASE("SmolLM3-3B has 3,075,098,624 parameters", "[longtail][params][smollm3]") {
  // Hub safetensors total of HuggingFaceTB/SmolLM3-3B and -3B-Base (params.tsv). 16 heads and 4 KV heads of 128.
  // Per layer: q, o 2048^2 each; k, v 512 x 2048 each; gate, up, down 3 x 2048 x 11008; two norms 2 x 2048 =
  // 78,123,008. embed_tokens 128256 x 2048 (lm_head tied: the class default), norm 2048.
  const model_spec s = fixture("HuggingFaceTB__SmolLM3-3B");
  CHECK(s.family == "smollm3");
  CHECK(s.tie_word_embeddings);
  CHECK(total(s) == 36ull * 78'123'008 + 128'256ull * 2'048 + 2'048);
  CHECK(total(s) == 3'075'098'624ull);
}

TEST_CASE("SmolLM3-3B caches 4 KV heads of 128 in every layer, NoPE layers included", "[longtail][kv][smollm3]") {
  // 36 layers x 2 x 4 x 128 x 2 bytes = 73,728; no_rope_layers changes the rotary only.
  CHECK(kv_fp16("HuggingFaceTB__SmolLM3-3B") == 73'728);
  for (const auto& l : fixture("HuggingFaceTB__SmolLM3-3B").layers) CHECK(l.attention == attention_kind::full);
}

TEST_CASE("SmolLM3 without layer_types slides its NoPE layers when use_sliding_window", "[longtail][smollm3]") {
  // configuration_smollm3.py: layer_types None -> sliding where use_sliding_window, sliding_window set and
  // no_rope_layers[i] == 0 (every fourth layer here).
  std::string text = fixture_text("HuggingFaceTB__SmolLM3-3B");
  const auto from = text.find("  \"layer_types\"");
  const auto to = text.find("  \"max_position_embeddings\"");
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  text.erase(from, to - from);
  text.replace(text.find("\"sliding_window\": null"), 22, "\"sliding_window\": 4096");
  text.replace(text.find("\"use_sliding_window\": false"), 27, "\"use_sliding_window\": true");
  const auto p = parse_config(text);
  REQUIRE(p.ok());
  uint64_t sliding = 0;
  for (size_t i = 0; i < p.spec.layers.size(); ++i) {
    const bool nope = (i + 1) % 4 == 0;
    CHECK((p.spec.layers[i].attention == attention_kind::sliding) == nope);
    sliding += p.spec.layers[i].attention == attention_kind::sliding;
  }
  CHECK(sliding == 9);
}

// ---- the records -----------------------------------------------------------------------------------------

TEST_CASE("the long-tail dense rules have records with their GGUF architecture", "[longtail][architectures]") {
  struct row {
    const char* type;
    const char* hf_class;
    const char* gguf;
  };
  // GGUF names: llama.cpp's LLM_ARCH names (src/llama-arch.cpp), the architectures convert_hf_to_gguf.py writes for
  // GPTBigCodeForCausalLM (StarCoderModel), QWenLMHeadModel (QwenModel), StableLmForCausalLM, SmolLM3ForCausalLM.
  for (const row r : {row{"gpt_bigcode", "GPTBigCodeForCausalLM", "starcoder"}, row{"qwen", "", "qwen"},
                      row{"stablelm", "StableLmForCausalLM", "stablelm"}, row{"smollm3", "SmolLM3ForCausalLM", "smollm3"}}) {
    INFO(r.type);
    const architecture* a = find_architecture(r.type);
    REQUIRE(a);
    CHECK(a->hf_class == r.hf_class);
    CHECK(a->gguf_arch == r.gguf);
    CHECK(a->window == llama_window::none);
    CHECK(find_family(r.type));
  }
}

TEST_CASE("ibm-granite/granite-3.1-8b-instruct (granite) has 8,170,848,256 parameters", "[params][granite][fixture]") {
  // The Hub clone's model.safetensors.index.json: total_size 16,341,696,512 bytes of bf16 (tests/fixtures/SOURCES.md).
  const model_spec s = fixture("ibm-granite__granite-3.1-8b-instruct");
  CHECK(s.family == "granite");
  CHECK(s.tie_word_embeddings);
  CHECK(params_of(s).total.value == 8'170'848'256ull);
  CHECK_FALSE(has_tensor(s, "lm_head.weight"));
  CHECK(kv_fp16("ibm-granite__granite-3.1-8b-instruct") == 40ull * 2 * 8 * 128 * 2);
}


// LGAI-EXAONE/EXAONE-4.0-1.2B's architecture fields, from a transformers 4.57.3 re-save of it (tests/fixtures/SOURCES.md;
// its quantization_config, which the Hub file does not have, left out).
static const char* kExaone4_1_2B = R"json({
  "architectures": [
    "Exaone4ForCausalLM"
  ],
  "attention_dropout": 0.0,
  "bos_token_id": 1,
  "dtype": "bfloat16",
  "eos_token_id": 361,
  "head_dim": 64,
  "hidden_act": "silu",
  "hidden_size": 2048,
  "initializer_range": 0.02,
  "intermediate_size": 4096,
  "layer_types": [
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention",
    "full_attention"
  ],
  "max_position_embeddings": 65536,
  "model_type": "exaone4",
  "num_attention_heads": 32,
  "num_hidden_layers": 30,
  "num_key_value_heads": 8,
  "pad_token_id": 0,
  "rms_norm_eps": 1e-05,
  "rope_scaling": {
    "factor": 16.0,
    "high_freq_factor": 4.0,
    "low_freq_factor": 1.0,
    "original_max_position_embeddings": 8192,
    "rope_type": "llama3"
  },
  "rope_theta": 1000000.0,
  "sliding_window": null,
  "sliding_window_pattern": null,
  "tie_word_embeddings": true,
  "transformers_version": "4.57.3",
  "use_cache": true,
  "vocab_size": 102400
})json";

TEST_CASE("EXAONE 4.0 (exaone4): 1.2B and 32B exact, post-norms only, 3 sliding layers to 1 full", "[params][kv][exaone4]") {
  const auto small = parse_config(kExaone4_1_2B);
  REQUIRE(small.ok());
  CHECK(small.spec.family == "exaone4");
  CHECK(params_of(small.spec).total.value == 1'279'391'488ull);  // llmfit parameters_raw (Hub safetensors total)
  CHECK_FALSE(has_tensor(small.spec, "model.layers.{i}.input_layernorm.weight"));
  CHECK(kv_fp16(small.spec) == 30ull * 2 * 8 * 64 * 2);  // sliding_window null, layer_types all full
  // EXAONE-4.0-32B's dimensions as llmfit lists them (no config.json of it was found): untied, window 4096, pattern 4.
  const auto big = parse_config(R"({"model_type": "exaone4", "architectures": ["Exaone4ForCausalLM"], "vocab_size": 102400,
      "hidden_size": 5120, "num_hidden_layers": 64, "num_attention_heads": 40, "num_key_value_heads": 8, "head_dim": 128,
      "intermediate_size": 27392, "tie_word_embeddings": false, "sliding_window": 4096, "sliding_window_pattern": 4,
      "max_position_embeddings": 131072, "torch_dtype": "bfloat16"})");
  REQUIRE(big.ok());
  CHECK(params_of(big.spec).total.value == 32'003'216'384ull);
  uint64_t sliding = 0;
  for (const auto& l : big.spec.layers) sliding += l.attention == attention_kind::sliding && l.window == 4096;
  CHECK(sliding == 48);
}

TEST_CASE("ByteDance-Seed/Seed-OSS-36B-Instruct (seed_oss) has 36,151,104,512 parameters", "[params][seed_oss]") {
  // Its fields as several public repositories quote them (tests/fixtures/SOURCES.md: no verbatim config.json found).
  const auto p = parse_config(R"({"architectures": ["SeedOssForCausalLM"], "model_type": "seed_oss", "attention_bias": true,
      "attention_out_bias": false, "head_dim": 128, "hidden_act": "silu", "hidden_size": 5120, "intermediate_size": 27648,
      "max_position_embeddings": 524288, "mlp_bias": false, "num_attention_heads": 80, "num_hidden_layers": 64,
      "num_key_value_heads": 8, "rms_norm_eps": 1e-06, "rope_theta": 10000000.0, "tie_word_embeddings": false,
      "torch_dtype": "bfloat16", "vocab_size": 155136})");
  REQUIRE(p.ok());
  CHECK(p.spec.family == "seed_oss");
  // 80 heads x 128 = 10240 wide q and o projections over a 5120 hidden state; q/k/v biases only.
  CHECK(params_of(p.spec).total.value == 36'151'104'512ull);
  CHECK(has_tensor(p.spec, "model.layers.{i}.self_attn.q_proj.bias"));
  CHECK_FALSE(has_tensor(p.spec, "model.layers.{i}.self_attn.o_proj.bias"));
  CHECK(kv_fp16(p.spec) == 64ull * 2 * 8 * 128 * 2);
}

TEST_CASE("THUDM/chatglm3-6b (chatglm): 6,243,584,000 parameters and the stored inv_freq; 2 KV groups", "[params][kv][chatglm][fixture]") {
  // pytorch_model.bin.index.json total_size 12,487,168,064 bytes of fp16 / 2 = 6,243,584,032: the parameters and
  // transformer.rotary_pos_emb.inv_freq, a persistent buffer of kv_channels / 4 = 32 (tests/fixtures/SOURCES.md).
  const model_spec s = fixture("THUDM__chatglm3-6b");
  CHECK(s.family == "chatglm");
  CHECK_FALSE(s.headless);  // "ChatGLMModel", loaded as a causal LM by its own code (auto_map)
  CHECK(params_of(s).total.value + 32 == 6'243'584'032ull);
  CHECK(has_tensor(s, "transformer.output_layer.weight"));
  // multi_query_attention: 2 groups of 128 for K and V in 28 layers, fp16.
  CHECK(kv_fp16(s) == 28ull * 2 * 2 * 128 * 2);
  // GLM-4-9B's fields (40 layers, vocab 151552, as a transformers log prints its config): 9,399,951,360 + 32, the
  // llmfit parameters_raw of THUDM/glm-4-9b-chat.
  const auto glm4 = parse_config(R"({"model_type": "chatglm", "architectures": ["ChatGLMModel"], "auto_map": {"AutoModelForCausalLM": "modeling_chatglm.ChatGLMForConditionalGeneration"},
      "add_bias_linear": false, "add_qkv_bias": true, "ffn_hidden_size": 13696, "hidden_size": 4096, "kv_channels": 128, "multi_query_attention": true,
      "multi_query_group_num": 2, "num_attention_heads": 32, "num_layers": 40, "padded_vocab_size": 151552, "post_layer_norm": true,
      "rmsnorm": true, "seq_length": 131072, "torch_dtype": "bfloat16"})");
  REQUIRE(glm4.ok());
  CHECK(params_of(glm4.spec).total.value + 32 == 9'399'951'392ull);
}

TEST_CASE("baichuan-inc/Baichuan-13B-Base (baichuan): 13,264,901,120 parameters, W_pack fused, full multi-head cache", "[params][kv][baichuan][fixture]") {
  // Its README's parameter table, and its pytorch_model.bin.index.json total_size 26,529,802,240 bf16 bytes / 2.
  const model_spec s = fixture("baichuan-inc__Baichuan-13B-Base");
  CHECK(s.family == "baichuan");
  CHECK(params_of(s).total.value == 13'264'901'120ull);
  CHECK(has_tensor(s, "model.layers.{i}.self_attn.W_pack.weight"));
  CHECK(s.max_position_embeddings == 4096);  // model_max_length
  CHECK(kv_fp16(s) == 40ull * 2 * 5120 * 2);  // 40 heads of 128, K and V, fp16 (ALiBi changes nothing cached)
  // Baichuan-7B's README dimensions (vocab 64,000, 4,096 wide, 32 layers, 32 heads, MLP 11,008): 7,000,559,616.
  const auto b7 = parse_config(R"({"model_type": "baichuan", "architectures": ["BaiChuanForCausalLM"], "hidden_size": 4096, "intermediate_size": 11008,
      "num_attention_heads": 32, "num_hidden_layers": 32, "vocab_size": 64000, "max_position_embeddings": 4096, "tie_word_embeddings": false})");
  REQUIRE(b7.ok());
  CHECK(params_of(b7.spec).total.value == 7'000'559'616ull);
  // The dimensions are required: each release's class has its own defaults.
  const auto bare = parse_config(R"({"model_type": "baichuan", "hidden_size": 4096})");
  CHECK_FALSE(bare.ok());
}

TEST_CASE("XiaomiMiMo/MiMo-7B (mimo): Qwen2 and one MTP layer, 7,833,409,536 stored", "[params][mimo][fixture]") {
  const model_spec s = fixture("XiaomiMiMo__MiMo-7B-Base");
  CHECK(s.family == "mimo");
  CHECK(s.mtp_layers == 1);
  const auto p = params_of(s);
  CHECK(p.total.value == 7'622'619'136ull);
  // the MTP layer: a Qwen2 decoder layer (177,223,680) + 3 norms + input_proj 4096 x 8192
  CHECK(p.mtp.value == 177'223'680ull + 3 * 4096 + 2ull * 4096 * 4096);
  CHECK(p.total.value + p.mtp.value == 7'833'409'536ull);  // llmfit parameters_raw; the index total_size / 2
  CHECK(kv_fp16(s) == 36ull * 2 * 8 * 128 * 2);
}
