#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixture.h"
#include "report.h"

using namespace neuroshrink;
using json = nlohmann::json;

static json report(const json& request) { return json::parse(estimate_json(request.dump())); }

TEST_CASE("a report carries the contract's fields as integers", "[report]") {
  const auto r = report({{"config", fixture_text("meta-llama__Llama-2-7b-hf")}, {"model_id", "meta-llama/Llama-2-7b-hf"}, {"quantization", "int4"}});
  CHECK(r["model"]["id"] == "meta-llama/Llama-2-7b-hf");
  CHECK(r["model"]["architecture"] == "LlamaForCausalLM");
  CHECK(r["parameters"]["total"] == 6'738'415'616ull);
  CHECK(r["parameters"]["active"] == 6'738'415'616ull);
  for (const char* k : {"weights_bytes", "kv_cache_bytes", "activations_bytes", "overhead_bytes", "total_bytes"}) {
    INFO(k);
    CHECK(r["memory"][k].is_number_unsigned());
    CHECK(r["memory"][k].get<uint64_t>() > 0);
  }
  REQUIRE(r["fits"].is_array());
  CHECK(r["fits"][0].contains("headroom_bytes"));
  CHECK(r["issues"].is_array());
}

TEST_CASE("a request that is not JSON gives a bad_request issue", "[report]") {
  const auto r = json::parse(estimate_json("not json"));
  CHECK(r["issues"][0]["code"] == "bad_request");
  CHECK(r["issues"][0]["level"] == "error");
  CHECK_FALSE(r.contains("memory"));
}

TEST_CASE("a malformed config gives a malformed_json issue and no memory", "[report]") {
  const auto r = report({{"config", "{not json"}});
  CHECK(r["issues"][0]["code"] == "malformed_json");
  CHECK_FALSE(r.contains("memory"));
}

TEST_CASE("a missing config asks for one", "[report]") {
  const auto r = report(json::object());
  CHECK(r["issues"][0]["code"] == "missing_config");
}

TEST_CASE("a negative context in the request is an issue", "[report]") {
  const auto r = report({{"config", fixture_text("meta-llama__Llama-2-7b-hf")}, {"context_tokens", -5}});
  CHECK(r["issues"][0]["code"] == "invalid_context");
  CHECK(r["issues"][0]["field"] == "context_tokens");
}

TEST_CASE("a non-numeric batch in the request is an issue", "[report]") {
  const auto r = report({{"config", fixture_text("meta-llama__Llama-2-7b-hf")}, {"batch_size", "lots"}});
  CHECK(r["issues"][0]["code"] == "invalid_batch");
}

TEST_CASE("quantization names are case-insensitive and accept torch spellings", "[report]") {
  const auto a = report({{"config", fixture_text("Qwen__Qwen3-0.6B")}, {"quantization", "INT8"}});
  CHECK(a["request"]["quantization"] == "int8");
  const auto b = report({{"config", fixture_text("Qwen__Qwen3-0.6B")}, {"quantization", "bfloat16"}});
  CHECK(b["request"]["quantization"] == "bf16");
}

TEST_CASE("the same request gives the same bytes twice", "[report]") {
  const json req = {{"config", fixture_text("mistralai__Mixtral-8x7B-v0.1")}, {"quantization", "int4"}, {"context_tokens", 32768}};
  CHECK(estimate_json(req.dump()) == estimate_json(req.dump()));
}

TEST_CASE("the catalogue lists quantizations, KV dtypes and GPUs", "[report]") {
  const auto c = json::parse(catalogue_json());
  CHECK(c["quantizations"].size() == 5);
  CHECK(c["kv_cache_dtypes"].size() == 4);
  CHECK(c["gpus"].size() >= 10);
}
