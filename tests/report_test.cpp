#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

#include "fixture.h"
#include "formats.h"
#include "gpus.h"
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
  // Compact: one headroom per catalogue GPU, in the catalogue's order.
  REQUIRE(r["fits"]["headroom_bytes"].is_array());
  CHECK(r["fits"]["headroom_bytes"].size() == gpus().size());
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
  CHECK(c["quantizations"].size() == weight_formats().size());
  CHECK(c["kv_cache_dtypes"].size() == 10);
  CHECK(c["gpus"].size() >= 60);
  // Ordered by memory, each with a positive bandwidth and a source.
  uint64_t previous = 0;
  for (const auto& g : c["gpus"]) {
    INFO(g["name"]);
    CHECK(g["memory_bytes"].get<uint64_t>() >= previous);
    previous = g["memory_bytes"].get<uint64_t>();
    CHECK(g["bandwidth_bytes_per_s"].get<uint64_t>() > 0);
    CHECK_FALSE(g["source"].get<std::string>().empty());
  }
}

static json with_hub(const std::string& fixture_name, const json& hub) {
  return report({{"config", fixture_text(fixture_name)}, {"hub", hub}});
}

TEST_CASE("the Hub's count for Llama-3.1-8B matches config.json exactly", "[hub]") {
  const auto r = with_hub("meta-llama__Meta-Llama-3.1-8B", {{"parameters_total", 8'030'261'248ull}});
  CHECK(r["hub_check"][0]["verdict"] == "match");
  CHECK(r["hub_check"][0]["difference"] == 0);
}

TEST_CASE("Llama-2-7B's 2,048 extra stored elements are its rotary inv_freq buffers", "[hub]") {
  // 6,738,417,664 stored (tests/fixtures/params.tsv) - 6,738,415,616 = 2,048 = 32 layers x 128 / 2.
  const auto r = with_hub("meta-llama__Llama-2-7b-hf", {{"parameters_total", 6'738'417'664ull}});
  CHECK(r["hub_check"][0]["verdict"] == "explained");
  CHECK(r["hub_check"][0]["explained"][0]["parameters"] == 2'048);
}

TEST_CASE("Qwen3-0.6B's stored count includes its tied lm_head twice", "[hub]") {
  const auto r = with_hub("Qwen__Qwen3-0.6B", {{"parameters_total", 751'632'384ull}});
  CHECK(r["hub_check"][0]["verdict"] == "explained");
  CHECK(r["hub_check"][0]["explained"][0]["parameters"] == 151'936 * 1'024);
}

TEST_CASE("DeepSeek-V3's 684,531,386,000 stored elements are the model, its MTP module and fp8 block scales", "[hub]") {
  // 671,026,419,200 + MTP 13,463,426,304 + 41,540,496 scales (3 dense + 59 MoE layers of 128x128 blocks).
  const auto r = with_hub("deepseek-ai__DeepSeek-V3", {{"parameters_total", 684'531'386'000ull}});
  REQUIRE(r["hub_check"][0]["verdict"] == "explained");
  int64_t sum = 0;
  for (const auto& t : r["hub_check"][0]["explained"]) sum += t["parameters"].get<int64_t>();
  CHECK(sum == 13'463'426'304 + 41'540'496);
}

TEST_CASE("gpt-oss-20b's stored count adds one MXFP4 scale per 32 expert weights", "[hub]") {
  // 21,511,953,984 - 20,914,757,184 = 597,196,800 = 24 x 32 x (5760 x 2880 + 2880 x 2880) / 32.
  const auto r = with_hub("openai__gpt-oss-20b", {{"parameters_total", 21'511'953'984ull}});
  CHECK(r["hub_check"][0]["verdict"] == "explained");
  CHECK(r["hub_check"][0]["explained"][0]["parameters"] == 597'196'800);
}

TEST_CASE("Mistral-7B's index total_size halves to its parameter count", "[hub]") {
  const auto r = with_hub("mistralai__Mistral-7B-v0.1", {{"safetensors_total_bytes", 2 * 7'241'732'096ull}});
  CHECK(r["hub_check"][0]["source"] == "index total_size / 2 bytes");
  CHECK(r["hub_check"][0]["verdict"] == "match");
}

TEST_CASE("an unexplained difference is flagged as a mismatch warning", "[hub]") {
  const auto r = with_hub("meta-llama__Meta-Llama-3.1-8B", {{"parameters_total", 8'000'000'000ull}});
  CHECK(r["hub_check"][0]["verdict"] == "mismatch");
  bool warned = false;
  for (const auto& i : r["issues"]) warned = warned || i["code"] == "hub_mismatch";
  CHECK(warned);
}

TEST_CASE("the what-fits table covers every format and the powers of two up to the model's context", "[report][table]") {
  const auto t = json::parse(table_json(json{{"config", fixture_text("meta-llama__Llama-2-7b-hf")}}.dump()));
  CHECK(t["contexts"] == json({1024, 2048, 4096}));  // max_position_embeddings 4096
  REQUIRE(t["total_bytes"].size() == weight_formats().size());
  // The int4 cell at 4096 tokens equals the single estimate's total.
  const auto one = report({{"config", fixture_text("meta-llama__Llama-2-7b-hf")}, {"quantization", "int4"}, {"context_tokens", 4096}});
  CHECK(t["total_bytes"][4][2] == one["memory"]["total_bytes"]);
  uint64_t fitting = 0;
  for (const auto& h : one["fits"]["headroom_bytes"]) fitting += h.get<int64_t>() >= 0;
  CHECK(t["fits"][4][2] == fitting);
}

TEST_CASE("a table request with bad contexts is an issue", "[report][table]") {
  const auto t = json::parse(table_json(json{{"config", fixture_text("Qwen__Qwen3-0.6B")}, {"contexts", json::array()}}.dump()));
  CHECK(t["issues"][0]["code"] == "invalid_contexts");
}

TEST_CASE("active parameters are also given without the embedding table", "[report]") {
  // gpt-oss-20b: 4,187,440,704 active, of which 201,088 x 2,880 is the token embedding: 3,608,307,264
  // (OpenAI's "3.6B active").
  const auto r = report({{"config", fixture_text("openai__gpt-oss-20b")}});
  CHECK(r["parameters"]["active"] == 4'187'440'704ull);
  CHECK(r["parameters"]["active_without_embeddings"] == 3'608'307'264ull);
}

TEST_CASE("the same config estimated again, before and after another, gives the same bytes (the parsed-config cache)", "[report]") {
  const std::string a = json{{"config", fixture_text("Qwen__Qwen3-0.6B")}, {"quantization", "int4"}}.dump();
  const std::string b = json{{"config", fixture_text("meta-llama__Llama-2-7b-hf")}, {"context_tokens", 8192}}.dump();
  const std::string bad = json{{"config", "{\"model_type\": \"llama\", \"hidden_size\": -1}"}}.dump();
  const std::string first = estimate_json(a), other = estimate_json(b);
  CHECK(estimate_json(a) == first);
  CHECK(estimate_json(bad) != first);
  CHECK(estimate_json(a) == first);
  CHECK(estimate_json(b) == other);
  CHECK(table_json(a) == table_json(a));
}

TEST_CASE("others: the rule of thumb and accelerate's estimate-memory beside this estimate, each by its own formula", "[report][others]") {
  const auto reply = [](nlohmann::json req) {
    req["config"] = fixture_text("meta-llama__Meta-Llama-3.1-8B");
    return nlohmann::json::parse(estimate_json(req.dump()));
  };
  const uint64_t n = 8'030'261'248ull;
  const auto bf16 = reply({});
  REQUIRE(bf16["others"].size() == 2);
  // N x 16 / 8 x 1.2 and N x 2 bytes
  CHECK(bf16["others"][0]["tool"] == "rule of thumb");
  CHECK(bf16["others"][0]["bytes"].get<uint64_t>() == static_cast<uint64_t>(std::llround(n * 2 * 1.2)));
  CHECK(bf16["others"][1]["bytes"].get<uint64_t>() == n * 2);
  CHECK(bf16["others"][1]["leaves_out"].get<std::string>().find("the KV cache (") == 0);
  // int4: 4 bits a parameter to both
  const auto int4 = reply({{"quantization", "int4"}});
  CHECK(int4["others"][1]["bytes"].get<uint64_t>() == n / 2);
  // training with Adam in mixed precision: accelerate's peak, 2 x the fp32 size; no inference rule of thumb
  const auto train = reply({{"mode", "train"}, {"training", {{"method", "full"}}}});
  REQUIRE(train["others"].size() == 1);
  CHECK(train["others"][0]["what"] == "training (Adam)");
  CHECK(train["others"][0]["bytes"].get<uint64_t>() == n * 8);
  CHECK(train["others"][0]["difference_percent"].get<double>() < 0);
}
