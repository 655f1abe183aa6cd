// The verdict: the answer for the chosen hardware (report.verdict), and the quant table (table().chosen), on
// the questions people bring (issue #14): an 8B on a 12 GB card, a MoE that fits only with layers on the CPU,
// which GGUF of a 70B for 2 x RTX 3090, QLoRA on a 4090, a GPU given by its memory alone.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "fixture.h"
#include "report.h"

using namespace neuroshrink;
using json = nlohmann::json;

namespace {
json report(json request, const char* fixture) {
  request["config"] = fixture_text(fixture);
  return json::parse(estimate_json(request.dump()));
}
json table(json request, const char* fixture) {
  request["config"] = fixture_text(fixture);
  return json::parse(table_json(request.dump()));
}
const json* change_setting(const json& verdict, const char* option) {
  for (const auto& c : verdict["changes"])
    if (c["set"].contains(option)) return &c;
  return nullptr;
}
}  // namespace

TEST_CASE("no GPU chosen: the verdict names the smallest catalogue GPU that holds it", "[verdict]") {
  const auto r = report({}, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(r["verdict"]["fit"] == "unknown");
  const std::string smallest = r["verdict"]["smallest_fitting_gpu"];
  // the first catalogue GPU whose headroom is not negative
  const auto c = json::parse(catalogue_json());
  std::string first;
  for (size_t i = 0; i < c["gpus"].size() && first.empty(); ++i)
    if (r["fits"]["headroom_bytes"][i].get<int64_t>() >= 0) first = c["gpus"][i]["name"];
  CHECK(smallest == first);
}

TEST_CASE("an 8B in bf16 on an RTX 3060 does not fit; fp8 or a second GPU make it fit", "[verdict]") {
  const auto r = report({{"gpu", "RTX 3060"}}, "meta-llama__Meta-Llama-3.1-8B");
  const auto& v = r["verdict"];
  CHECK(v["fit"] == "no");
  CHECK(v["gpu"] == "NVIDIA GeForce RTX 3060");
  CHECK(v["usable_bytes"] == 12ull << 30);
  CHECK(v["headroom_bytes"].get<int64_t>() == static_cast<int64_t>(v["usable_bytes"].get<uint64_t>()) - v["needed_bytes"].get<int64_t>());
  REQUIRE(change_setting(v, "quantization"));
  CHECK((*change_setting(v, "quantization"))["fits"] == true);
  REQUIRE(change_setting(v, "gpus"));
  CHECK((*change_setting(v, "gpus"))["set"]["gpus"] == 2);
  // each change is what the estimate says when it is applied
  json applied = {{"gpu", "RTX 3060"}, {"quantization", (*change_setting(v, "quantization"))["set"]["quantization"]}};
  const auto after = report(applied, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(after["verdict"]["fit"] == "yes");
  CHECK(after["verdict"]["headroom_bytes"] == (*change_setting(v, "quantization"))["headroom_bytes"]);
  CHECK(after["verdict"]["changes"].empty());
}

TEST_CASE("8B at 4-bit, 8K context, on an RTX 3060 (llama.cpp Q4_K_M) fits with its speed", "[verdict]") {
  const auto r = report({{"gpu", "RTX 3060"}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"context_tokens", 8192}},
                        "meta-llama__Meta-Llama-3.1-8B");
  CHECK(r["verdict"]["fit"] == "yes");
  CHECK(r["verdict"]["gpu_layers"] == 33);
  CHECK(r["verdict"]["decode_tokens_per_s"].get<double>() > 0);
  CHECK(r["verdict"]["host_bytes"].get<uint64_t>() > 0);  // token_embd stays in system RAM (CPU_Mapped)
}

TEST_CASE("a MoE that does not fit keeps the experts of its first layers in RAM (--n-cpu-moe), the fewest that fit", "[verdict][n_cpu_moe]") {
  const json base = {{"gpu", "RTX 3060"}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"model_id", "Qwen/Qwen3-30B-A3B"}};
  const auto r = report(base, "Qwen__Qwen3-30B-A3B");
  const auto& v = r["verdict"];
  CHECK(v["fit"] == "offload");
  CHECK(v["gpu_layers"] == 49);  // every layer on the GPU, the routed experts of the first N in system RAM
  const uint64_t n = v["n_cpu_moe"];
  CHECK(n > 0);
  CHECK(n < 48);
  CHECK(v["offload_host_bytes"].get<uint64_t>() > v["host_bytes"].get<uint64_t>());
  // the command runs the plan that fits, and a repository without GGUF files is not offered to -hf
  const std::string cmd = r["commands"][0]["command"];
  CHECK(cmd.find("-ngl 49") != std::string::npos);
  CHECK(cmd.find("--n-cpu-moe " + std::to_string(n)) != std::string::npos);
  CHECK(cmd.find("-m MODEL.gguf") != std::string::npos);
  CHECK(r["commands"][0]["note"].get<std::string>().find("Qwen3-30B-A3B-GGUF") != std::string::npos);
  // N fits, N - 1 does not; the bytes only move: the weights are the same total
  json fewer = base, exact = base;
  fewer["n_cpu_moe"] = n - 1;
  exact["n_cpu_moe"] = n;
  const auto f = report(fewer, "Qwen__Qwen3-30B-A3B"), e = report(exact, "Qwen__Qwen3-30B-A3B");
  CHECK(f["verdict"]["headroom_bytes"].get<int64_t>() < 0);
  CHECK(e["verdict"]["fit"] == "offload");
  CHECK(e["verdict"]["headroom_bytes"].get<int64_t>() >= 0);
  CHECK(e["memory"]["weights_bytes"] == r["memory"]["weights_bytes"]);
  CHECK(e["request"]["cpu_moe_layers"] == n);  // Qwen3-30B-A3B: every layer is MoE
  // faster than whole layers on the CPU: a token reads 8 of 128 experts from RAM, not whole layers
  double ngl_speed = 0;
  for (const auto& c : v["changes"])
    if (c["set"].contains("gpu_layers")) ngl_speed = c["decode_tokens_per_s"];
  CHECK(ngl_speed > 0);
  CHECK(e["verdict"]["decode_tokens_per_s"].get<double>() > ngl_speed);
}

TEST_CASE("a dense model that does not fit runs with layers on the CPU: an offload verdict, the command says -ngl", "[verdict]") {
  const auto r = report({{"gpu", "RTX 4090"}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"context_tokens", 8192}},
                        "meta-llama__Llama-3.3-70B-Instruct");
  const auto& v = r["verdict"];
  CHECK(v["fit"] == "offload");
  CHECK(v["n_cpu_moe"] == 0);
  const int64_t ngl = v["gpu_layers"];
  CHECK(ngl > 0);
  CHECK(ngl < 80);
  CHECK(r["commands"][0]["command"].get<std::string>().find("-ngl " + std::to_string(ngl)) != std::string::npos);
  const auto more = report({{"gpu", "RTX 4090"}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"context_tokens", 8192}, {"gpu_layers", ngl + 1}},
                           "meta-llama__Llama-3.3-70B-Instruct");
  CHECK(more["verdict"]["headroom_bytes"].get<int64_t>() < 0);
}

TEST_CASE("llama-server -hf only for a repository the Hub says holds GGUF files", "[verdict]") {
  const auto r = report({{"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"model_id", "org/model-GGUF"}, {"hub", {{"gguf_files", 12}}}},
                        "meta-llama__Meta-Llama-3.1-8B");
  CHECK(r["commands"][0]["command"].get<std::string>().rfind("llama-server -hf org/model-GGUF:Q4_K_M", 0) == 0);
  CHECK_FALSE(r["commands"][0].contains("note"));
}

TEST_CASE("which GGUF of a 70B for 2 x RTX 3090: the quant table on the chosen hardware", "[verdict]") {
  const auto t = table({{"gpu", "RTX 3090"}, {"gpus", 2}, {"runtime", "llama.cpp"}, {"context_tokens", 8192}}, "meta-llama__Llama-3.3-70B-Instruct");
  REQUIRE(t["chosen"].size() == t["quantizations"].size());
  std::map<std::string, json> row;
  for (size_t i = 0; i < t["quantizations"].size(); ++i) row[t["quantizations"][i]] = t["chosen"][i];
  CHECK(row["Q4_K_M"]["fit"] == "yes");          // ~40 GiB over 48 GiB
  CHECK(row["Q8_0"]["fit"] == "offload");        // ~70 GiB: only with layers on the CPU
  CHECK(row["F16"]["fit"] == "offload");
  CHECK(row["Q4_K_M"]["max_context_tokens"].get<uint64_t>() >= 8192);
  // each row is the estimate itself
  const auto r = report({{"gpu", "RTX 3090"}, {"gpus", 2}, {"runtime", "llama.cpp"}, {"context_tokens", 8192}, {"quantization", "Q4_K_M"}},
                        "meta-llama__Llama-3.3-70B-Instruct");
  CHECK(r["memory"]["total_bytes"] == row["Q4_K_M"]["total_bytes"]);
  CHECK(r["verdict"]["fit"] == "yes");
  CHECK(r["verdict"]["gpus"] == 2);
  CHECK(r["verdict"]["decode_tokens_per_s"] == row["Q4_K_M"]["decode_tokens_per_s"]);
  CHECK(r["solver"]["max_context_tokens"] == row["Q4_K_M"]["max_context_tokens"]);
}

TEST_CASE("a GGUF file type under the default runtime is a llama.cpp estimate table row set", "[verdict]") {
  const auto t = table({{"runtime", "llama.cpp"}}, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(t["quantizations"][0] == "F32");
  CHECK_FALSE(t.contains("chosen"));  // no GPU chosen
}

TEST_CASE("QLoRA of an 8B on a 4090 fits; full fine-tuning does not, and the changes say what would", "[verdict]") {
  const auto q = report({{"gpu", "RTX 4090"}, {"mode", "train"}, {"training", {{"method", "qlora"}, {"checkpointing", "full"}}}, {"context_tokens", 2048}},
                        "meta-llama__Meta-Llama-3.1-8B");
  CHECK(q["verdict"]["fit"] == "yes");
  const auto full = report({{"gpu", "RTX 4090"}, {"mode", "train"}, {"context_tokens", 2048}}, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(full["verdict"]["fit"] == "no");
  REQUIRE_FALSE(full["verdict"]["changes"].empty());
  for (const auto& c : full["verdict"]["changes"]) CHECK(c["fits"] == true);
  bool qlora = false;
  for (const auto& c : full["verdict"]["changes"])
    qlora = qlora || (c["set"].contains("training.method") && c["set"]["training.method"] == "qlora");
  CHECK(qlora);
}

TEST_CASE("a GPU given by its memory alone: fit from the memory, speed unknown", "[verdict]") {
  const auto r = report({{"gpu_memory_bytes", 24ull << 30}, {"quantization", "int4"}}, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(r["verdict"]["fit"] == "yes");
  CHECK(r["verdict"]["custom_gpu"] == true);
  CHECK(r["verdict"]["usable_bytes"] == 24ull << 30);
  CHECK(r["speed"]["known"] == false);
  CHECK(r["speed"]["reason"].get<std::string>().find("bandwidth") != std::string::npos);
  CHECK(r["verdict"]["decode_tokens_per_s"] == 0);
  // "vram" is its other name
  const auto v = report({{"vram", 24ull << 30}, {"quantization", "int4"}}, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(v["verdict"] == r["verdict"]);
}

TEST_CASE("the largest Qwen2.5-7B context in 24 GB is the solver's exact maximum", "[verdict]") {
  const auto r = report({{"gpu_memory_bytes", 24ull << 30}}, "Qwen__Qwen2.5-7B");
  const uint64_t max = r["solver"]["max_context_tokens"];
  CHECK(max > 0);
  CHECK(report({{"gpu_memory_bytes", 24ull << 30}, {"context_tokens", max}}, "Qwen__Qwen2.5-7B")["verdict"]["fit"] == "yes");
  CHECK(report({{"gpu_memory_bytes", 24ull << 30}, {"context_tokens", max + 1}}, "Qwen__Qwen2.5-7B")["verdict"]["fit"] == "no");
}

TEST_CASE("a GGUF file type with no runtime named is llama.cpp's estimate, and says so", "[verdict]") {
  const auto r = report({{"quantization", "q4_k_m"}}, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(r["runtime"] == "llama.cpp");
  CHECK(r["request"]["runtime"] == "llama.cpp");
  CHECK(r["issues"][0]["code"] == "runtime_from_format");
  CHECK(r["issues"][0]["level"] == "info");
  // a runtime that is named is kept (and refuses the file type, naming what to pick)
  const auto v = report({{"quantization", "Q4_K_M"}, {"runtime", "vllm"}}, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(v["issues"][0]["code"] == "format_not_for_runtime");
}

TEST_CASE("a format that is both a weight format and a GGUF type (bf16) keeps the default runtime", "[verdict]") {
  const auto r = report({{"quantization", "bf16"}}, "meta-llama__Meta-Llama-3.1-8B");
  CHECK(r["runtime"] == "transformers");
  CHECK(report({{"quantization", "F16"}}, "meta-llama__Meta-Llama-3.1-8B")["runtime"] == "llama.cpp");
}

TEST_CASE("a base-model class (no LM head: an embedding checkpoint) counts no lm_head", "[headless]") {
  // Mistral-7B-v0.1's config under MistralModel, the class intfloat/e5-mistral-7b-instruct names: the
  // published 7,241,732,096 less its 32,000 x 4,096 head.
  auto cfg = nlohmann::json::parse(fixture_text("mistralai__Mistral-7B-v0.1"));
  cfg["architectures"] = {"MistralModel"};
  const auto r = json::parse(estimate_json(json{{"config", cfg.dump()}}.dump()));
  CHECK(r["parameters"]["total"] == 7'241'732'096ull - 32'000ull * 4'096ull);
  bool said = false;
  for (const auto& i : r["issues"]) said = said || i["code"] == "no_lm_head";
  CHECK(said);
  // A causal-LM class whose files store no head: the Hub check explains the difference.
  const auto h = json::parse(estimate_json(json{{"config", fixture_text("mistralai__Mistral-7B-v0.1")}, {"hub", {{"parameters_total", 7'241'732'096ull - 32'000ull * 4'096ull}}}}.dump()));
  CHECK(h["hub_check"][0]["verdict"] == "explained");
  CHECK(h["hub_check"][0]["message"].get<std::string>().find("no lm_head stored") != std::string::npos);
}

TEST_CASE("system RAM, when given, is part of the fit: the experts in RAM must fit there too", "[verdict][host_memory]") {
  const json base = {{"gpu", "RTX 3060"}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}};
  const auto r = report(base, "Qwen__Qwen3-30B-A3B");
  const uint64_t n = r["verdict"]["n_cpu_moe"];
  REQUIRE(n > 0);
  const uint64_t host = r["verdict"]["offload_host_bytes"];
  json plenty = base, tight = base;
  plenty["n_cpu_moe"] = n;
  plenty["host_memory_bytes"] = host + (uint64_t{1} << 30);
  tight["n_cpu_moe"] = n;
  tight["host_memory_bytes"] = host / 2;
  const auto p = report(plenty, "Qwen__Qwen3-30B-A3B"), t = report(tight, "Qwen__Qwen3-30B-A3B");
  CHECK(p["verdict"]["fit"] == "offload");
  CHECK(p["verdict"]["host_headroom_bytes"].get<int64_t>() > 0);
  CHECK(t["verdict"]["fit"] == "no");
  CHECK(t["verdict"]["host_headroom_bytes"].get<int64_t>() < 0);
  CHECK(t["verdict"]["reason"].get<std::string>().find("system RAM") != std::string::npos);
  // too little RAM for any offload: no change that moves bytes to the host is offered as fitting
  json none = base;
  none["host_memory_bytes"] = uint64_t{1} << 30;
  const auto small = report(none, "Qwen__Qwen3-30B-A3B");
  for (const auto& c : small["verdict"]["changes"]) {
    CHECK_FALSE(c["set"].contains("n_cpu_moe"));
    CHECK_FALSE(c["set"].contains("gpu_layers"));
  }
}
