#include <catch2/catch.hpp>

#include "fixture.h"
#include "model_spec.h"

using namespace neuroshrink;

static const issue* find_issue(const parsed_config& p, const std::string& code) {
  for (const auto& i : p.issues)
    if (i.code == code) return &i;
  return nullptr;
}

TEST_CASE("malformed JSON is an error issue, not an exception", "[config]") {
  const auto p = parse_config("{\"hidden_size\": 4096,");
  REQUIRE_FALSE(p.ok());
  CHECK(p.issues[0].code == "malformed_json");
  CHECK(p.issues[0].message == "The config is not valid JSON. Check that the whole config.json was given, or fetch it again.");
}

TEST_CASE("Python's Infinity, -Infinity and NaN values are read as null, with an info issue", "[config]") {
  // As transformers saves Mamba2Config.time_step_limit; the same words inside strings stay as they are.
  const auto p = parse_config(R"({"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
      "intermediate_size": 128, "vocab_size": 100, "time_step_limit": [0.0, Infinity], "a": -Infinity, "b": NaN,
      "note": "Infinity, NaN"})");
  REQUIRE(p.ok());
  const issue* i = find_issue(p, "nonstandard_json");
  REQUIRE(i);
  CHECK(i->level == severity::info);
  CHECK(i->message.find("holds 3 value(s)") != std::string::npos);
  CHECK(p.spec.hidden_size == 64);
  // A bare word that is not one of Python's constants is still malformed JSON.
  CHECK(parse_config(R"({"model_type": "llama", "x": Infinite})").issues[0].code == "malformed_json");
  CHECK(parse_config(R"({"model_type": "llama", "x": Infinity)").issues[0].code == "malformed_json");
}

TEST_CASE("JSON that is not an object is rejected", "[config]") {
  const auto p = parse_config("[1, 2, 3]");
  REQUIRE_FALSE(p.ok());
  CHECK(p.issues[0].code == "not_an_object");
}

TEST_CASE("an object with neither model_type nor architectures is not a model config", "[config]") {
  const auto p = parse_config("{\"foo\": 1}");
  REQUIRE_FALSE(p.ok());
  CHECK(p.issues[0].code == "not_a_model_config");
}

TEST_CASE("a zero dimension is an error naming the field", "[config]") {
  const auto p = parse_config(R"({"model_type": "llama", "hidden_size": 0})");
  const auto* i = find_issue(p, "nonpositive_field");
  REQUIRE(i);
  CHECK(i->field == "hidden_size");
}

TEST_CASE("a negative dimension is an error", "[config]") {
  const auto p = parse_config(R"({"model_type": "llama", "num_hidden_layers": -4})");
  const auto* i = find_issue(p, "nonpositive_field");
  REQUIRE(i);
  CHECK(i->field == "num_hidden_layers");
}

TEST_CASE("a non-numeric dimension is an error", "[config]") {
  const auto p = parse_config(R"({"model_type": "llama", "vocab_size": "32000"})");
  const auto* i = find_issue(p, "invalid_field");
  REQUIRE(i);
  CHECK(i->field == "vocab_size");
}

TEST_CASE("an absurd dimension is an error", "[config]") {
  const auto p = parse_config(R"({"model_type": "llama", "hidden_size": 1e15})");
  const auto* i = find_issue(p, "absurd_field");
  REQUIRE(i);
  CHECK(i->field == "hidden_size");
}

TEST_CASE("a fractional dimension is an error", "[config]") {
  const auto p = parse_config(R"({"model_type": "llama", "hidden_size": 4096.5})");
  REQUIRE(find_issue(p, "invalid_field"));
}

TEST_CASE("an integral float such as 4096.0 is accepted", "[config]") {
  auto text = fixture_text("meta-llama__Llama-2-7b-hf");
  text.replace(text.find("\"hidden_size\": 4096"), 19, "\"hidden_size\": 4096.0");
  const auto p = parse_config(text);
  REQUIRE(p.ok());
  CHECK(p.spec.hidden_size == 4096);
}

TEST_CASE("KV heads that do not divide the query heads are an error", "[config]") {
  const auto p = parse_config(R"({"model_type": "llama", "num_attention_heads": 32, "num_key_value_heads": 5})");
  REQUIRE(find_issue(p, "inconsistent_heads"));
}

TEST_CASE("an unknown architecture is estimated as a generic decoder with a warning naming it", "[config]") {
  const auto p = parse_config(R"({"architectures": ["FooForCausalLM"], "model_type": "foo", "hidden_size": 2048,
      "num_hidden_layers": 24, "num_attention_heads": 16, "intermediate_size": 5632, "vocab_size": 32000})");
  REQUIRE(p.ok());
  const auto* w = find_issue(p, "unknown_architecture");
  REQUIRE(w);
  CHECK(w->level == severity::warning);
  CHECK(w->message.find("FooForCausalLM") != std::string::npos);
  CHECK(w->message.find("num_key_value_heads = num_attention_heads") != std::string::npos);
  CHECK(w->message.find("head_dim = hidden_size / num_attention_heads") != std::string::npos);
  CHECK(w->message.find("tie_word_embeddings = false") != std::string::npos);
  CHECK(p.spec.family == "generic");
  CHECK(p.spec.head_dim == 128);
}

TEST_CASE("an unknown architecture missing a dimension is an error per missing field", "[config]") {
  const auto p = parse_config(R"({"model_type": "foo", "hidden_size": 2048, "num_attention_heads": 16})");
  REQUIRE_FALSE(p.ok());
  int missing = 0;
  for (const auto& i : p.issues) missing += i.code == "missing_field";
  CHECK(missing == 3);  // num_hidden_layers, intermediate_size, vocab_size
}

TEST_CASE("GPT-2's legacy spellings are understood", "[config]") {
  const auto p = parse_config(R"({"model_type": "foo", "n_embd": 768, "n_layer": 12, "n_head": 12, "n_inner": 3072,
      "vocab_size": 50257, "n_positions": 1024})");
  REQUIRE(p.ok());
  CHECK(p.spec.hidden_size == 768);
  CHECK(p.spec.num_hidden_layers == 12);
  CHECK(p.spec.num_attention_heads == 12);
  CHECK(p.spec.max_position_embeddings == 1024);
}

TEST_CASE("fields a known family omits take the transformers class defaults, and are reported", "[config]") {
  const auto p = parse_config(R"({"model_type": "mistral", "hidden_size": 4096})");
  REQUIRE(p.ok());
  CHECK(p.spec.num_key_value_heads == 8);            // MistralConfig default
  CHECK(p.spec.intermediate_size == 14336);
  CHECK(p.spec.max_position_embeddings == 131072);   // 4096 * 32
  const auto* i = find_issue(p, "defaulted_fields");
  REQUIRE(i);
  CHECK(i->message.find("configuration_mistral.py") != std::string::npos);
}

TEST_CASE("Llama-3.1-8B normalizes to GQA with 8 KV heads of 128", "[config]") {
  const auto s = fixture("meta-llama__Meta-Llama-3.1-8B");
  CHECK(s.family == "llama");
  CHECK(s.num_key_value_heads == 8);
  CHECK(s.head_dim == 128);
  CHECK(s.torch_dtype == "bfloat16");
  CHECK(s.defaulted_fields.empty());
}

TEST_CASE("every fixture config of a known family parses without errors", "[config]") {
  for (const char* name : {"meta-llama__Llama-2-7b-hf", "meta-llama__Meta-Llama-3.1-8B", "mistralai__Mistral-7B-v0.1",
                           "mistralai__Mixtral-8x7B-v0.1", "Qwen__Qwen2.5-7B", "Qwen__Qwen3-0.6B"}) {
    INFO(name);
    CHECK(parse_config(fixture_text(name)).ok());
  }
}

TEST_CASE("a zero or invalid divisor field is an error, never a division by zero", "[config]") {
  // moe_layer_freq and a vision patch_size are divisors in their family rules.
  auto v3 = fixture_text("deepseek-ai__DeepSeek-V3");
  for (const char* bad : {"0", "-1", "1.5", "true", "\"x\""}) {
    std::string text = v3;
    text.replace(text.find("\"moe_layer_freq\": 1"), 19, std::string("\"moe_layer_freq\": ") + bad);
    const auto p = parse_config(text);
    INFO(bad);
    REQUIRE_FALSE(p.ok());
    CHECK(p.issues[0].field == "moe_layer_freq");
  }
  const auto llava = parse_config(R"({"model_type": "llava", "text_config": {"model_type": "llama"},
      "vision_config": {"patch_size": 0, "image_size": 336}})");
  REQUIRE_FALSE(llava.ok());
  CHECK(llava.issues[0].field == "vision_config.patch_size");
}

static model_spec with_quantization(const char* qc) {
  auto text = fixture_text("meta-llama__Meta-Llama-3.1-8B");
  text.insert(text.rfind('}'), std::string(", \"quantization_config\": ") + qc);
  const auto p = parse_config(text);
  REQUIRE(p.ok());
  return p.spec;
}

TEST_CASE("a GPTQ quantization_config is recognized with its bits and group size", "[config][quantization]") {
  const auto s = with_quantization(R"({"quant_method": "gptq", "bits": 4, "group_size": 128, "desc_act": true})");
  CHECK(s.quantization.method == "gptq");
  CHECK(s.quantization.bits == 4);
  CHECK(s.quantization.group_size == 128);
  CHECK(s.quantization.summary == "gptq 4-bit, group size 128");
}

TEST_CASE("an AWQ quantization_config is recognized", "[config][quantization]") {
  const auto s = with_quantization(R"({"quant_method": "awq", "bits": 4, "group_size": 128, "zero_point": true, "version": "gemm"})");
  CHECK(s.quantization.summary == "awq 4-bit, group size 128");
}

TEST_CASE("bitsandbytes 4-bit with double quantization is recognized", "[config][quantization]") {
  const auto s = with_quantization(R"({"load_in_4bit": true, "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": true})");
  CHECK(s.quantization.method == "bitsandbytes");
  CHECK(s.quantization.bits == 4);
  CHECK(s.quantization.summary == "bitsandbytes 4-bit (nf4, double quantization)");
}

TEST_CASE("DeepSeek-V3's fp8 quantization_config names its 128x128 block scales", "[config][quantization]") {
  const auto s = fixture("deepseek-ai__DeepSeek-V3");
  CHECK(s.quantization.method == "fp8");
  CHECK(s.quantization.summary == "fp8 (e4m3, 128x128 block scales)");
}
