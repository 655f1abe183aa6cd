// The weight files as the truth for weights (core/weight_files.cpp): safetensors headers written by this test from
// real configs' tensor inventories (each tensor by its checkpoint name, layer by layer and expert by expert), read by
// the real header reader, digested, sent as a request's `weights` and estimated.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "estimate.h"
#include "families_helpers.h"
#include "file_headers.h"
#include "fixture.h"
#include "json_writer.h"
#include "report.h"
#include "weight_files.h"

using namespace neuroshrink;
using family_tests::has_issue;

namespace {

struct stored {
  std::string name, dtype;
  std::vector<uint64_t> shape;
};

uint64_t dtype_bytes(const std::string& d) { return safetensors_dtype_bits(d) / 8; }

// The layer indices of an inventory group, as the family places it: MoE groups on the MoE layers, dense ones on
// the rest, anything else on every layer in order.
std::vector<uint64_t> layer_indices(const model_spec& s, const tensor_entry& t) {
  std::vector<uint64_t> out;
  const std::string_view lt = t.layer_type;
  for (uint64_t i = 0; i < s.layers.size(); ++i) {
    if (lt.find("moe") != std::string_view::npos && !s.layers[i].moe) continue;
    if (lt.find("dense") != std::string_view::npos && s.layers[i].moe) continue;
    out.push_back(i);
  }
  if (out.size() != t.layers) {
    out.clear();
    for (uint64_t i = 0; i < t.layers; ++i) out.push_back(i);
  }
  return out;
}

// Every tensor of the inventory by its checkpoint name; `quantized(t)` says which become something else.
template <class Rewrite>
std::vector<stored> tensors_of_inventory(const model_spec& s, const inventory& inv, const std::string& dtype, Rewrite rewrite) {
  std::vector<stored> out;
  for (const auto& t : inv.tensors) {
    std::vector<uint64_t> shape(t.shape.begin(), t.shape.begin() + t.rank);
    auto place = [&](std::string name, uint64_t layer) {
      if (auto at = name.find("{i}"); at != std::string::npos) name.replace(at, 3, std::to_string(layer));
      if (auto at = name.find("{mtp}"); at != std::string::npos) name.replace(at, 5, std::to_string(layer));
      if (auto at = name.find("{e}"); at != std::string::npos) {
        for (uint64_t e = 0; e < t.copies; ++e) {
          std::string n = name;
          n.replace(at, 3, std::to_string(e));
          for (auto& x : rewrite(t, stored{n, dtype, shape})) out.push_back(x);
        }
      } else {
        for (auto& x : rewrite(t, stored{name, dtype, shape})) out.push_back(x);
      }
    };
    if (t.layer_type.empty() && t.component != "mtp") place(t.name, 0);
    else if (t.component == "mtp") for (uint64_t k = 0; k < t.layers; ++k) place(t.name, s.layers.size() + k);
    else for (uint64_t i : layer_indices(s, t)) place(t.name, i);
  }
  return out;
}

std::vector<stored> plain(const model_spec& s, const std::string& dtype) {
  return tensors_of_inventory(s, build_inventory(s), dtype, [](const tensor_entry&, stored x) { return std::vector<stored>{x}; });
}

// A safetensors file's first bytes: the 8-byte length and the JSON header (data offsets contiguous).
std::vector<uint8_t> safetensors_header(const std::vector<stored>& tensors) {
  nlohmann::ordered_json h;
  h["__metadata__"] = {{"format", "pt"}};
  uint64_t at = 0;
  for (const auto& t : tensors) {
    uint64_t n = dtype_bytes(t.dtype);
    for (auto d : t.shape) n *= d;
    h[t.name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {at, at + n}}};
    at += n;
  }
  const std::string text = h.dump();
  std::vector<uint8_t> out(8);
  for (int i = 0; i < 8; ++i) out[i] = static_cast<uint8_t>(static_cast<uint64_t>(text.size()) >> (8 * i));
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

// Shards of at most `per_file` tensors, each digested as fileHeader does; the request's `weights`.
nlohmann::json digests(const std::vector<stored>& all, size_t per_file = 4000) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t at = 0; at < all.size(); at += per_file) {
    const std::vector<stored> part(all.begin() + at, all.begin() + std::min(all.size(), at + per_file));
    const auto bytes = safetensors_header(part);
    const file_header h = read_file_header(bytes);
    REQUIRE(h.status == header_status::ok);
    json_writer w;
    write_weight_files(w, digest_weight_file(h));
    out.push_back(nlohmann::json::parse(w.take()));
  }
  return out;
}

nlohmann::json report(const std::string& config, const nlohmann::json& weights, nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json req = extra;
  req["config"] = config;
  if (!weights.is_null()) req["weights"] = weights;
  return nlohmann::json::parse(estimate_json(req.dump()));
}

bool has_code(const nlohmann::json& r, const std::string& code) {
  for (const auto& i : r["issues"])
    if (i["code"] == code) return true;
  return false;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("files that store what the rule counts confirm it: Llama-3.2-1B (tied head not stored)", "[weight_files]") {
  const std::string config = fixture_text("meta-llama__Llama-3.2-1B");
  const model_spec s = fixture("meta-llama__Llama-3.2-1B");
  const auto r = report(config, digests(plain(s, "BF16"), 50));
  const auto& f = r["weight_files"];
  CHECK(f["parameters"] == 1'235'814'400ull);  // the Hub's safetensors total (tests/fixtures/SOURCES.md)
  CHECK(f["weights_from"] == "config rule");
  CHECK(f["difference"] == 0);
  CHECK(f["files"].get<uint64_t>() > 1);
  CHECK(f["stored_bytes"] == 2 * 1'235'814'400ull);
  CHECK(r["parameters"]["total"] == 1'235'814'400ull);
  CHECK(r["memory"] == report(config, nullptr)["memory"]);
}

TEST_CASE("a tied head stored beside its embedding is counted once, and said", "[weight_files]") {
  const model_spec s = fixture("meta-llama__Llama-3.2-1B");
  auto tensors = plain(s, "BF16");
  tensors.push_back({"lm_head.weight", "BF16", {s.vocab_size, s.hidden_size}});
  const auto f = report(fixture_text("meta-llama__Llama-3.2-1B"), digests(tensors))["weight_files"];
  CHECK(f["parameters"] == 1'235'814'400ull);
  CHECK(f["tied_head_elements"] == s.vocab_size * s.hidden_size);
  CHECK(f["weights_from"] == "config rule");
  CHECK(f["inferred"][0].get<std::string>().find("tied") != std::string::npos);
}

TEST_CASE("buffers are not parameters: GPT-2's causal masks", "[weight_files]") {
  // The Hub's gpt2 safetensors hold 137,022,720 elements: 124,439,808 parameters (Keras-Hub's gpt2_base_en) and
  // twelve attn.bias masks of 1x1x1024x1024 (tests/fixtures/SOURCES.md).
  const model_spec s = fixture("openai-community__gpt2");
  auto tensors = plain(s, "F32");
  for (int i = 0; i < 12; ++i) tensors.push_back({"h." + std::to_string(i) + ".attn.bias", "F32", {1, 1, 1024, 1024}});
  const auto f = report(fixture_text("openai-community__gpt2"), digests(tensors))["weight_files"];
  CHECK(f["parameters"] == 124'439'808ull);
  CHECK(f["auxiliary_elements"] == 12ull * 1024 * 1024);
  CHECK(f["parameters"].get<uint64_t>() + f["auxiliary_elements"].get<uint64_t>() == 137'022'720ull);
  CHECK(f["weights_from"] == "config rule");
}

TEST_CASE("experts one tensor each, and MTP layers past num_hidden_layers: Qwen3-30B-A3B, DeepSeek-V3", "[weight_files]") {
  {
    const model_spec s = fixture("Qwen__Qwen3-30B-A3B");
    const auto f = report(fixture_text("Qwen__Qwen3-30B-A3B"), digests(plain(s, "BF16")))["weight_files"];
    CHECK(f["parameters"] == 30'532'122'624ull);
    CHECK(f["weights_from"] == "config rule");
  }
  {
    const model_spec s = fixture("deepseek-ai__DeepSeek-V3");
    const auto t = tensors_of(s);
    const auto f = report(fixture_text("deepseek-ai__DeepSeek-V3"), digests(plain(s, "BF16"), 20000))["weight_files"];
    CHECK(f["parameters"] == t.parameters.total.value);
    CHECK(f["mtp_parameters"] == t.parameters.mtp.value);
    CHECK(f["weights_from"] == "config rule");
  }
}

TEST_CASE("AWQ's packed int4: parameters unpacked, scales and zeros apart (Qwen2-VL-2B-Instruct-AWQ)", "[weight_files]") {
  // autoawq's GEMM layout: qweight int32 [in, out/8], qzeros int32 [in/128, out/8], scales fp16 [in/128, out],
  // for the text decoder's linear layers; the vision tower (modules_to_not_convert) and lm_head stay fp16.
  const model_spec s = fixture("Qwen__Qwen2-VL-2B-Instruct-AWQ");
  const auto inv = build_inventory(s);
  uint64_t packed = 0;
  const auto tensors = tensors_of_inventory(s, inv, "F16", [&](const tensor_entry& t, stored x) {
    const bool linear = t.matmul && t.component == "text" && !t.layer_type.empty() && x.name.ends_with(".weight") && x.shape.size() == 2;
    if (!linear) return std::vector<stored>{x};
    ++packed;
    const std::string base = x.name.substr(0, x.name.size() - 7);
    const uint64_t out = x.shape[0], in = x.shape[1];
    return std::vector<stored>{{base + ".qweight", "I32", {in, out / 8}}, {base + ".qzeros", "I32", {in / 128, out / 8}},
                               {base + ".scales", "F16", {in / 128, out}}};
  });
  REQUIRE(packed > 0);
  const auto r = report(fixture_text("Qwen__Qwen2-VL-2B-Instruct-AWQ"), digests(tensors));
  const auto& f = r["weight_files"];
  CHECK(f["parameters"] == tensors_of(s).parameters.total.value);
  CHECK(f["auxiliary_elements"].get<uint64_t>() > 0);
  CHECK(f["weights_from"] == "config rule");
}

TEST_CASE("an unknown model_type: parameters and the attention cache from the files' shapes", "[weight_files]") {
  // SantaCoder's real config under a model_type no rule knows: the generic reading takes it for a Llama-layout
  // decoder with 16 KV heads and the wrong tensors; its files (written from the gpt_bigcode rule: one fused c_attn of
  // 2048 + 2 x 128 rows, multi-query) give the count and the cache exactly.
  const std::string real = fixture_text("bigcode__gpt_bigcode-santacoder");
  const model_spec bigcode = fixture("bigcode__gpt_bigcode-santacoder");
  const auto known = report(real, nullptr, {{"context_tokens", 2048}});
  const std::string unknown = replaced(replaced(real, "\"gpt_bigcode\"", "\"bigcode_like\""), "GPTBigCodeForCausalLM", "BigCodeLikeForCausalLM");
  const auto guessed = report(unknown, nullptr, {{"context_tokens", 2048}});
  REQUIRE(guessed["model"]["family"] == "generic");
  CHECK(guessed["memory"]["kv_cache_bytes"] != known["memory"]["kv_cache_bytes"]);
  const auto r = report(unknown, digests(plain(bigcode, "F32")), {{"context_tokens", 2048}});
  CHECK(r["weight_files"]["weights_from"] == "files");
  CHECK(r["parameters"]["total"] == known["parameters"]["total"]);
  CHECK(r["memory"]["kv_cache_bytes"] == known["memory"]["kv_cache_bytes"]);
  CHECK(r["memory"]["weights_bytes"] == known["memory"]["weights_bytes"]);
  CHECK(has_code(r, "layout_from_files"));
  CHECK(has_code(r, "weights_from_files"));
  CHECK(!r["weight_files"]["inferred"].empty());
}

TEST_CASE("a known rule that the files contradict: the files size the weights, with a warning", "[weight_files]") {
  const model_spec s = fixture("meta-llama__Llama-3.2-1B");
  auto tensors = plain(s, "BF16");
  tensors.push_back({"model.extra_head.weight", "BF16", {1024, s.hidden_size}});  // a tensor the rule does not build
  const auto r = report(fixture_text("meta-llama__Llama-3.2-1B"), digests(tensors));
  CHECK(r["weight_files"]["weights_from"] == "files");
  CHECK(r["weight_files"]["difference"] == 1024 * s.hidden_size);
  CHECK(r["parameters"]["total"] == 1'235'814'400ull + 1024 * s.hidden_size);
  CHECK(has_code(r, "weights_from_files"));
  CHECK(r["memory"]["weights_bytes"].get<uint64_t>() == 2 * (1'235'814'400ull + 1024 * s.hidden_size));
}

TEST_CASE("hostile weights digests are refused with the field named", "[weight_files][hostile]") {
  const std::string config = fixture_text("meta-llama__Llama-3.2-1B");
  const nlohmann::json bad[] = {
      nlohmann::json::array({42}),
      nlohmann::json::array({{{"groups", nlohmann::json::array({{{"name", "x"}, {"dtype", "BF16"}, {"shape", {1, 2}}, {"count", -1}}})}}}),
      nlohmann::json::array({{{"groups", nlohmann::json::array({{{"name", "x"}, {"dtype", "Q9"}, {"shape", {1, 2}}, {"count", 1}}})}}}),
      nlohmann::json::array({{{"groups", nlohmann::json::array({{{"name", "x"}, {"dtype", "F32"}, {"shape", {1ull << 40, 1ull << 40, 1ull << 40}}, {"count", 1}}})}}}),
      nlohmann::json::array({{{"groups", nlohmann::json::array({{{"name", "x.#.w"}, {"dtype", "F32"}, {"shape", {2}}, {"count", 1}, {"layers", {{5, 2}}}}})}}}),
      nlohmann::json::array({{{"groups", nlohmann::json::array({{{"name", "x.#.w"}, {"dtype", "F32"}, {"shape", {2}}, {"count", 1}, {"layers", {{0, 1ull << 40}}}}})}}}),
  };
  for (const auto& w : bad) {
    const auto r = report(config, w);
    REQUIRE(has_code(r, "invalid_weights"));
    for (const auto& i : r["issues"])
      if (i["code"] == "invalid_weights") CHECK(i["field"] == "weights");
    CHECK(!r.contains("memory"));
  }
  // Not an array at all: the option's own refusal.
  CHECK(has_code(report(config, nlohmann::json::object({{"a", 1}})), "invalid_weights"));
}

TEST_CASE("files far from a known rule's count are not taken for its checkpoint (a lost shard, an adapter)", "[weight_files]") {
  const model_spec s = fixture("meta-llama__Llama-3.2-1B");
  auto tensors = plain(s, "BF16");
  tensors.resize(tensors.size() / 2);  // one shard of two
  const auto r = report(fixture_text("meta-llama__Llama-3.2-1B"), digests(tensors));
  CHECK(has_code(r, "weights_files_disagree"));
  CHECK(r["weight_files"]["weights_from"] == "config rule");
  CHECK(r["parameters"]["total"] == 1'235'814'400ull);
  CHECK(r["memory"] == report(fixture_text("meta-llama__Llama-3.2-1B"), nullptr)["memory"]);
}
