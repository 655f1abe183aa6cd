// Speculative decoding (issue #17): a draft model's weights, cache and (in llama.cpp) its own context beside the
// target's, each a component of the estimate, the vLLM pool shared with the target, and the speed-up range.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "estimate.h"
#include "report.h"

using namespace neuroshrink;
using json = nlohmann::json;

namespace {

std::string config(const std::string& name) {
  std::ifstream in(std::string(FIXTURES_DIR) + "/configs/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json ask(json req) { return json::parse(estimate_json(req.dump())); }

uint64_t sum(const json& r, const std::string& key) {
  uint64_t s = 0;
  for (const auto& c : r["components"])
    if (c["key"] == key) s += c["bytes"].get<uint64_t>();
  return s;
}

const json* find_issue(const json& r, const std::string& code) {
  for (const auto& i : r["issues"])
    if (i["code"] == code) return &i;
  return nullptr;
}

}  // namespace

TEST_CASE("llama.cpp draft model: its own model, KV, compute and output buffers, equal to its own estimate", "[speculative][llama.cpp]") {
  const json base = {{"config", config("meta-llama__Llama-3.3-70B-Instruct")}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"},
                     {"context_tokens", 8192}, {"gpu", "RTX 3090"}, {"gpus", 2}};
  json with = base;
  with["draft_config"] = config("meta-llama__Llama-3.2-1B");
  with["draft_quantization"] = "Q8_0";
  with["draft_model"] = "meta-llama/Llama-3.2-1B";
  // The draft alone, with the target's settings (common_base_params_to_speculative): the same bytes.
  json alone = base;
  alone["config"] = config("meta-llama__Llama-3.2-1B");
  alone["quantization"] = "Q8_0";
  const json t = ask(base), d = ask(alone), r = ask(with);
  REQUIRE(r["draft"].is_object());
  CHECK(sum(r, "draft_weights") == d["memory"]["weights_bytes"].get<uint64_t>());
  CHECK(sum(r, "draft_kv_cache") == d["memory"]["kv_cache_bytes"].get<uint64_t>());
  CHECK(r["draft"]["kv_cache_bytes"] == d["memory"]["kv_cache_bytes"]);
  CHECK(sum(r, "draft_output") == 4 * 128256);  // n_outputs_max = n_parallel (1) rows of fp32 logits
  CHECK(sum(r, "draft_compute") > 0);
  // The totals hold both models: nothing else moved.
  CHECK(r["memory"]["total_bytes"].get<uint64_t>() == t["memory"]["total_bytes"].get<uint64_t>() + d["memory"]["total_bytes"].get<uint64_t>());
  CHECK(r["draft"]["draft_max"] == 3);  // common/common.h n_max
  CHECK(r["commands"][0]["command"].get<std::string>().find(" -md DRAFT.gguf") != std::string::npos);
  // The speed-up range: Leviathan et al. eq. 1 with gamma 3, from the two decode speeds.
  const double tt = r["speed"]["decode_tokens_per_s"].get<double>(), td = r["draft"]["draft_tokens_per_s"].get<double>();
  const double low = (1 - std::pow(0.5, 4)) / 0.5 / (3 / td + 1 / tt), high = (1 - std::pow(0.8, 4)) / 0.2 / (3 / td + 1 / tt);
  CHECK(r["draft"]["decode_tokens_per_s_low"].get<double>() == Approx(low).epsilon(1e-3));
  CHECK(r["draft"]["decode_tokens_per_s_high"].get<double>() == Approx(high).epsilon(1e-3));
  CHECK(high > tt);
  with["draft_max"] = 8;
  CHECK(ask(with)["commands"][0]["command"].get<std::string>().find("--spec-draft-n-max 8") != std::string::npos);
}

TEST_CASE("vLLM draft model: its weights and its layers in every KV block leave fewer tokens", "[speculative][vllm]") {
  const json base = {{"config", config("meta-llama__Meta-Llama-3.1-8B")}, {"runtime", "vllm"}, {"gpu", "H100 SXM"}, {"context_tokens", 8192}};
  json with = base;
  with["draft_config"] = config("meta-llama__Llama-3.2-1B");
  with["draft_model"] = "meta-llama/Llama-3.2-1B";
  const json t = ask(base), r = ask(with);
  REQUIRE(r["vllm"].is_object());
  // Llama-3.2-1B: 16 layers x 8 KV heads x 64 x 2 (K, V) x 2 bytes = 32768 bytes a token, 16 tokens a block.
  CHECK(r["vllm"]["block_bytes"].get<uint64_t>() == t["vllm"]["block_bytes"].get<uint64_t>() + 16 * 32768);
  CHECK(r["vllm"]["non_kv_bytes"].get<uint64_t>() == t["vllm"]["non_kv_bytes"].get<uint64_t>() + sum(r, "draft_weights"));
  CHECK(r["vllm"]["kv_tokens"].get<uint64_t>() < t["vllm"]["kv_tokens"].get<uint64_t>());
  CHECK(sum(r, "draft_compute") == 0);  // the profile run holds the draft's activations
  CHECK(find_issue(r, "draft_max_assumed"));
  CHECK(r["commands"][0]["command"].get<std::string>().find("--speculative-config '{\"model\": \"meta-llama/Llama-3.2-1B\", \"num_speculative_tokens\": 3}'") != std::string::npos);
}

TEST_CASE("a draft model that cannot serve says why, by field", "[speculative]") {
  const json base = {{"config", config("meta-llama__Meta-Llama-3.1-8B")}, {"runtime", "llama.cpp"}};
  json other = base;
  other["draft_config"] = config("Qwen__Qwen3-0.6B");  // 151936 tokens against Llama's 128256
  const json r = ask(other);
  const json* v = find_issue(r, "draft_vocab_mismatch");
  REQUIRE(v);
  CHECK((*v)["level"] == "error");
  CHECK((*v)["field"] == "draft_config");
  json broken = base;
  broken["draft_config"] = "{\"model_type\": \"llama\"";
  const json b = ask(broken);
  REQUIRE_FALSE(b["issues"].empty());
  CHECK(b["issues"].back()["field"].get<std::string>().rfind("draft_config", 0) == 0);
  json no_config = base;
  no_config["draft_model"] = "meta-llama/Llama-3.2-1B";
  CHECK(find_issue(ask(no_config), "draft_config_missing"));
}

TEST_CASE("MTP: DeepSeek-V3's own layer as the draft under vLLM, in the model's pool; refused without MTP layers", "[speculative][mtp]") {
  const json base = {{"config", config("deepseek-ai__DeepSeek-V3")}, {"runtime", "vllm"}, {"gpu", "H200"}, {"gpus", 8}, {"context_tokens", 32768}};
  json with = base;
  with["mtp"] = true;
  const json t = ask(base), r = ask(with);
  REQUIRE(r["mtp"].is_object());
  // One MTP layer: an MLA layer caching its 576-element latent (fp8-block weights keep a 16-bit cache: 1152 bytes).
  CHECK(r["vllm"]["block_bytes"].get<uint64_t>() == t["vllm"]["block_bytes"].get<uint64_t>() + 16 * 1152);
  CHECK(r["vllm"]["non_kv_bytes"].get<uint64_t>() == t["vllm"]["non_kv_bytes"].get<uint64_t>() + sum(r, "mtp_weights") / 8);
  CHECK(r["vllm"]["kv_tokens"].get<uint64_t>() < t["vllm"]["kv_tokens"].get<uint64_t>());
  CHECK(sum(r, "mtp_kv_cache") == 1152ull * 32768);
  // Its layer is a whole MoE decoder layer (about 11.5B parameters), the embedding and head the model's.
  CHECK(r["mtp"]["weights_bytes"].get<uint64_t>() > 11'000'000'000ull);
  CHECK(r["mtp"]["weights_bytes"].get<uint64_t>() < 12'000'000'000ull);
  CHECK(r["memory"]["total_bytes"].get<uint64_t>() == t["memory"]["total_bytes"].get<uint64_t>() + sum(r, "mtp_weights") + sum(r, "mtp_kv_cache"));
  CHECK(r["commands"][0]["command"].get<std::string>().find("--speculative-config '{\"method\": \"mtp\", \"num_speculative_tokens\": 1}'") != std::string::npos);
  // The speed-up: the DeepSeek-V3 report's 85 to 90 % acceptance of the second token, about 1.8x.
  const double tt = r["speed"]["decode_tokens_per_s"].get<double>();
  CHECK(r["mtp"]["decode_tokens_per_s_low"].get<double>() > 1.6 * tt);
  CHECK(r["mtp"]["decode_tokens_per_s_high"].get<double>() < 1.9 * tt);
  // A model without MTP layers: an error naming mtp; a runtime that does not run it: a warning, nothing added.
  json none = {{"config", config("meta-llama__Meta-Llama-3.1-8B")}, {"runtime", "vllm"}, {"mtp", true}};
  CHECK(find_issue(ask(none), "mtp_none"));
  json llama = with;
  llama["runtime"] = "llama.cpp";
  llama["quantization"] = "Q4_K_M";
  const json l = ask(llama);
  CHECK(find_issue(l, "mtp_not_for_runtime"));
  CHECK(sum(l, "mtp_weights") == 0);
}

TEST_CASE("LoRA adapters at inference: vLLM's preallocated slots, llama.cpp's f32 files, PEFT's unmerged adapters", "[adapters]") {
  // Llama-3.1-8B, rank 16: every layer's q, o (4096 x 4096), k, v (1024 x 4096), gate, up, down (14336 x 4096):
  // 16 x (8192 + 5120 + 5120 + 8192 + 3 x 18432) = 1,310,720 elements a layer, x 32 layers.
  const uint64_t layers = 1'310'720ull * 32, vocab = 16ull * (128256 + 4096) * 2;  // (+ the embedding's and the head's)
  const json base = {{"config", config("meta-llama__Meta-Llama-3.1-8B")}, {"context_tokens", 8192}, {"adapter_rank", 16}};
  json vllm = base;
  vllm.update({{"runtime", "vllm"}, {"gpu", "H100 SXM"}, {"max_adapters", 4}});
  json plain = vllm;
  plain.erase("adapter_rank");
  plain.erase("max_adapters");
  const json v = ask(vllm), p = ask(plain);
  CHECK(sum(v, "adapters") == (layers + vocab) * 4 * 2);  // 4 slots, 16-bit
  CHECK(v["vllm"]["non_kv_bytes"].get<uint64_t>() == p["vllm"]["non_kv_bytes"].get<uint64_t>() + sum(v, "adapters"));
  CHECK(v["vllm"]["kv_tokens"].get<uint64_t>() < p["vllm"]["kv_tokens"].get<uint64_t>());
  // Tensor parallel 2: a rank holds the sharded side of each layer's adapter halved, the vocabulary's whole.
  json tp2 = vllm;
  tp2["gpus"] = 2;
  const uint64_t rank_layers = 32ull * 16 * ((4096 + 2048) + (4096 + 512) * 2 + (2048 + 4096) + (4096 + 7168) * 2 + (7168 + 4096));
  CHECK(sum(ask(tp2), "adapters") == (rank_layers + vocab) * 4 * 2);
  // llama.cpp: one --lora file in f32 (convert_lora_to_gguf.py's default), the layers' adapters on the GPU with them.
  json cpp = base;
  cpp.update({{"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}});
  CHECK(sum(ask(cpp), "adapters") == layers * 4);
  // transformers + PEFT (unmerged): the model's compute type.
  CHECK(sum(ask(base), "adapters") == layers * 2);
  // max_adapters without a rank: said.
  json no_rank = plain;
  no_rank["max_adapters"] = 2;
  CHECK(find_issue(ask(no_rank), "adapters_without_rank"));
}

TEST_CASE("vLLM --kv-cache-memory: the pool as given on each GPU, its tokens, the whole GPU as the bound", "[vllm][kv_cache_memory]") {
  const json base = {{"config", config("meta-llama__Meta-Llama-3.1-8B")}, {"runtime", "vllm"}, {"gpu", "H100 SXM"}, {"context_tokens", 8192}};
  json given = base;
  given["kv_cache_memory_bytes"] = uint64_t{20} << 30;
  const json r = ask(given);
  // Llama-3.1-8B: 32 layers x 8 KV heads x 128 x 2 x 2 bytes = 131072 bytes a token, 2 MiB a 16-token block.
  CHECK(r["vllm"]["kv_pool_bytes"] == (uint64_t{20} << 30));
  CHECK(r["vllm"]["kv_tokens"] == (uint64_t{20} << 30) / 131072);
  CHECK(sum(r, "kv_cache") == (uint64_t{20} << 30));
  CHECK(r["commands"][0]["command"].get<std::string>().find("--kv-cache-memory 21474836480") != std::string::npos);
  json two = given;
  two["gpus"] = 2;
  const json t = ask(two);
  CHECK(t["memory"]["kv_cache_bytes"] == 2 * (uint64_t{20} << 30));
}
