// Issue #12's hostile-input findings, each as a test that failed before its fix: the JSON object type's
// order and lookups, the Infinity/NaN pre-pass, NaN in a field the estimate reads, size caps, bounds on
// every numeric request field, and values that used to be accepted silently.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstring>
#include <string>

#include "config_reader.h"
#include "file_headers.h"
#include "fixture.h"
#include "report.h"
#include "request_limits.h"

using json = nlohmann::json;
using namespace neuroshrink;

namespace {

json report(const json& request) { return json::parse(estimate_json(request.dump())); }
json table(const json& request) { return json::parse(table_json(request.dump())); }

// The first error issue of a reply, or null.
json first_error(const json& r) {
  for (const auto& i : r["issues"])
    if (i["level"] == "error") return i;
  return nullptr;
}

json llama(json extra = json::object()) {
  extra["config"] = fixture_text("meta-llama__Meta-Llama-3.1-8B");
  return extra;
}

}  // namespace

TEST_CASE("the config object type keeps file order, finds keys in large objects and keeps the last duplicate", "[hardening]") {
  std::string text = "{";
  for (int i = 0; i < 1000; ++i) text += "\"k" + std::to_string(999 - i) + "\":" + std::to_string(i) + ",";
  text += "\"k5\":\"again\"}";
  const config_json j = config_json::parse(text, nullptr, false);
  REQUIRE(j.size() == 1000);
  CHECK(j.begin().key() == "k999");          // file order, not sorted
  CHECK(j["k0"] == 999);                      // found through the index
  CHECK(j["k5"] == "again");                  // the last of two duplicates, as nlohmann's own maps keep it
  CHECK(j.find("k1000") == j.end());
  config_json copy = j;                       // a copy builds its own index
  copy.erase("k500");
  CHECK(copy.size() == 999);
  CHECK(copy.find("k500") == copy.end());
  CHECK(copy["k499"] == 500);
  copy["new"] = 1;
  CHECK(copy.back() == 1);
  CHECK(j.size() == 1000);
}

TEST_CASE("a config with 40,000 extra keys and a 20,000-tensor safetensors header are read whole", "[hardening]") {
  json cfg = json::parse(fixture_text("meta-llama__Meta-Llama-3.1-8B"));
  for (int i = 0; i < 40000; ++i) cfg["extra_" + std::to_string(i)] = i;
  const json r = report({{"config", cfg.dump()}});
  CHECK(r["parameters"]["total"] == 8'030'261'248ull);

  json header = json::object();
  for (uint64_t i = 0; i < 20000; ++i)
    header["blk." + std::to_string(i) + ".w"] = {{"dtype", "BF16"}, {"shape", {4, 2}}, {"data_offsets", {i * 16, i * 16 + 16}}};
  const std::string text = header.dump();
  std::string bytes(8, '\0');
  const uint64_t len = text.size();
  std::memcpy(bytes.data(), &len, 8);
  bytes += text;
  const file_header h = read_file_header({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
  REQUIRE(h.status == header_status::ok);
  CHECK(h.tensors.size() == 20000);
  CHECK(h.data_bytes == 320000);
}

TEST_CASE("the Infinity/NaN pre-pass reads no byte past the end of the text", "[hardening]") {
  // The minimal form from the campaign: a token that would end past the text (ASan: heap-buffer-overflow).
  for (const std::string tail : {"N", "Na", "Inf", "-Infinit", "NaN"}) {
    const std::string text = std::string(R"({"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","a": NaN,"b": )") + tail;
    INFO(text);
    const auto parsed = parse_config(std::string_view(text.data(), text.size()));
    CHECK_FALSE(parsed.ok());
  }
}

TEST_CASE("NaN or Infinity in a field the estimate reads is an error naming the field", "[hardening]") {
  std::string text = fixture_text("meta-llama__Meta-Llama-3.1-8B");
  const auto at = text.find("\"num_key_value_heads\": 8");
  REQUIRE(at != std::string::npos);
  for (const std::string token : {"NaN", "Infinity", "-Infinity"}) {
    std::string bad = text;
    bad.replace(at, std::strlen("\"num_key_value_heads\": 8"), "\"num_key_value_heads\": " + token);
    const json e = first_error(report({{"config", bad}}));
    REQUIRE(e.is_object());
    CHECK(e["field"] == "num_key_value_heads");
    CHECK(e["message"].get<std::string>().find(token) != std::string::npos);
  }
  // In a field no rule reads (Mamba-2's time_step_limit), it stays an info note and the estimate goes on.
  const json r = report({{"config", fixture_text("AntonV__mamba2-130m-hf")}});
  CHECK(r["parameters"]["total"] == 128'989'632ull);
  CHECK(r["issues"][0]["code"] == "nonstandard_json");
}

TEST_CASE("a config or a request over its size cap is refused with the size and the cap", "[hardening]") {
  const std::string big(request_limits::config_bytes + 1, ' ');
  const json e = first_error(report({{"config", "{\"model_type\":\"llama\"" + big + "}"}}));
  CHECK(e["code"] == "config_too_large");
  CHECK(e["message"].get<std::string>().find("4194304") != std::string::npos);
  const std::string huge(request_limits::request_bytes, ' ');
  const json r = json::parse(estimate_json("{\"config\":\"{}\"" + huge + "}"));
  CHECK(first_error(r)["code"] == "request_too_large");
}

TEST_CASE("every numeric request field has an upper bound, named in its message", "[hardening]") {
  struct c { const char* field; uint64_t value; };
  for (const auto& [field, value] : {c{"max_num_batched_tokens", 4503599627370496ull}, c{"max_num_seqs", 1ull << 40},
                                     c{"gpu_memory_bytes", UINT64_MAX}, c{"host_bandwidth", UINT64_MAX},
                                     c{"context_tokens", UINT64_MAX}, c{"batch_size", UINT64_MAX}, c{"gpus", 1ull << 20},
                                     c{"ubatch", 1ull << 40}, c{"gpu_layers", UINT64_MAX}}) {
    INFO(field);
    const json e = first_error(report(llama({{"runtime", "vllm"}, {"gpu", "H100 SXM"}, {field, value}})));
    REQUIRE(e.is_object());
    CHECK(e["field"] == field);
  }
  // Inside the bounds, the vLLM figures stay whole and positive (no wrapped budget or negative pool).
  const json r = report(llama({{"runtime", "vllm"}, {"gpu", "H100 SXM"}, {"gpu_memory_bytes", request_limits::gpu_memory_bytes},
                               {"max_num_batched_tokens", request_limits::max_num_batched_tokens}}));
  REQUIRE_FALSE(first_error(r).is_object());
  CHECK(r["vllm"]["kv_pool_bytes"].get<int64_t>() > 0);
  CHECK(r["memory"]["activations_bytes"].get<uint64_t>() > 4503599627370496ull / 1024);
}

TEST_CASE("zero counts are errors, not defaults", "[hardening]") {
  for (const char* field : {"context_tokens", "batch_size", "gpus", "max_num_seqs"}) {
    INFO(field);
    CHECK(first_error(report(llama({{field, 0}})))["field"] == field);
  }
  const json t = report(llama({{"mode", "train"}, {"training", {{"gradient_accumulation", 0}}}}));
  CHECK(first_error(t)["field"] == "training.gradient_accumulation");
}

TEST_CASE("table contexts out of range or not numbers are errors naming the field", "[hardening]") {
  for (const json& contexts : {json{UINT64_MAX}, json{1024, "x"}, json{-5}, json{0}, json("abc"), json{1.5}}) {
    INFO(contexts.dump());
    const json e = first_error(table(llama({{"contexts", contexts}})));
    REQUIRE(e.is_object());
    CHECK(e["field"] == "contexts");
  }
  CHECK_FALSE(first_error(table(llama({{"contexts", {1024, request_limits::context_tokens}}}))).is_object());
}

TEST_CASE("unknown training values are errors naming the field and the allowed words", "[hardening]") {
  struct c { const char* key; const char* value; const char* allowed; };
  for (const auto& [key, value, allowed] : {c{"freeze", "everything", "embeddings"}, c{"offload", "disk", "optimizer"},
                                            c{"lora_targets", "x,y,z", "all-linear"}, c{"freeze", "attention,bogus", "mlp"}}) {
    INFO(key << " " << value);
    const json e = first_error(report(llama({{"mode", "train"}, {"gpus", 2}, {"training", {{"method", "lora"}, {"zero", 3}, {key, value}}}})));
    REQUIRE(e.is_object());
    CHECK(e["field"] == std::string("training.") + key);
    CHECK(e["message"].get<std::string>().find(allowed) != std::string::npos);
  }
  // Known words still work, in any order and with the singular forms.
  const json ok = report(llama({{"mode", "train"}, {"gpus", 2}, {"training", {{"zero", 3}, {"freeze", "norm, embeddings"}, {"offload", "optimizer,params"}}}}));
  CHECK_FALSE(first_error(ok).is_object());
}

TEST_CASE("the catalogue hands the request limits to the front ends", "[hardening]") {
  const json c = json::parse(catalogue_json());
  CHECK(c["limits"]["config_bytes"] == request_limits::config_bytes);
  CHECK(c["limits"]["request_bytes"] == request_limits::request_bytes);
}
