// The Ollama runtime (issue #17): llama.cpp's buffers with Ollama's defaults. Checked against the KV sizes Ollama
// printed in published server logs (memory.required.kv; tests/fixtures/SOURCES.md, "Ollama logs"), each from the
// model's config.json dimensions, and against its source's rules for the context, batch, sequences and the command.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "report.h"

using json = nlohmann::json;
using namespace neuroshrink;

namespace {

json fixture(const std::string& name) {
  std::ifstream in(std::string(FIXTURES_DIR) + "/configs/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

json ask(const json& req) { return json::parse(estimate_json(req.dump())); }

const json* issue_of(const json& r, const std::string& code, const std::string& field) {
  for (const auto& i : r["issues"])
    if (i["code"] == code && i["field"] == field) return &i;
  return nullptr;
}

// The published configs' dimensions over a fixture of the same family (their config.json files):
// gemma-3-12b-it and gemma-3-27b-it text_config, Llama-3.2-3B, Qwen3-8B (DeepSeek-R1-0528-Qwen3-8B has its shape).
json gemma3(uint64_t hidden, uint64_t inter, uint64_t layers, uint64_t heads, uint64_t kv, uint64_t head_dim) {
  json c = fixture("google__gemma-3-4b-it");
  auto& t = c["text_config"];
  t["hidden_size"] = hidden, t["intermediate_size"] = inter, t["num_hidden_layers"] = layers;
  t["num_attention_heads"] = heads, t["num_key_value_heads"] = kv, t["head_dim"] = head_dim;
  return c;
}

}  // namespace

TEST_CASE("Ollama's printed KV sizes (memory.required.kv): gemma3 12b and 27b, llama3.2 3b x 4 sequences, qwen3 8b", "[ollama][published]") {
  json llama32_3b = fixture("meta-llama__Llama-3.2-1B");
  llama32_3b["hidden_size"] = 3072, llama32_3b["intermediate_size"] = 8192, llama32_3b["num_hidden_layers"] = 28;
  llama32_3b["num_attention_heads"] = 24, llama32_3b["head_dim"] = 128;
  json qwen3_8b = fixture("Qwen__Qwen3-0.6B");
  qwen3_8b["hidden_size"] = 4096, qwen3_8b["intermediate_size"] = 12288, qwen3_8b["num_hidden_layers"] = 36, qwen3_8b["num_attention_heads"] = 32;
  qwen3_8b["tie_word_embeddings"] = false;
  struct row { const char* what; json config; uint64_t ctx, parallel; double logged_mib; };
  for (const row& c : {row{"gemma3:12b, num_ctx 8192 (ollama/ollama PR 12000)", gemma3(3840, 15360, 48, 16, 8, 256), 8192, 1, 992.0},
                       row{"gemma3:27b, num_ctx 4096 (ollama/ollama#12128)", gemma3(5376, 21504, 62, 32, 16, 128), 4096, 1, 944.0},
                       row{"llama3.2 3b, num_ctx 2048 x 4 parallel (ollama/ollama#8098)", llama32_3b, 2048, 4, 896.0},
                       row{"qwen3 8b, num_ctx 4096 (ollama/ollama#10984)", qwen3_8b, 4096, 1, 576.0}}) {
    // ubatch 512: the batch those versions ran (--batch-size 512 on their logged command lines); Ollama 0.30 and later
    // picks 1024 past 4096 tokens, and gemma3:12b's sliding layers would then keep 1024 cells more.
    const json r = ask({{"config", c.config}, {"runtime", "ollama"}, {"context_tokens", c.ctx}, {"batch_size", c.parallel}, {"ubatch", 512}});
    REQUIRE(r["memory"].is_object());
    const double mib = r["memory"]["kv_cache_bytes"].get<double>() / (1 << 20);
    std::printf("%-72s predicted %8.2f MiB  logged %8.2f MiB  error %+7.3f%%\n", c.what, mib, c.logged_mib, (mib - c.logged_mib) / c.logged_mib * 100);
    CHECK(mib == Approx(c.logged_mib).epsilon(1e-9));
  }
}

TEST_CASE("Ollama's defaults: context by the GPUs' memory, Q4_K_M, its batch, the projector, 1 GiB kept free, the command", "[ollama]") {
  const json llama = fixture("meta-llama__Meta-Llama-3.1-8B");
  auto ctx = [&](const json& extra) {
    json req = {{"config", llama}, {"runtime", "ollama"}};
    req.update(extra);
    return ask(req);
  };
  // server/routes.go: 4096 under 23 GiB, 32768 from 23 GiB, 262144 from 47 GiB (the GPUs summed), the model's own cap.
  CHECK(ctx({{"gpu", "RTX 4060 Ti 16GB"}})["request"]["context_tokens"] == 4096);
  const json r4090 = ctx({{"gpu", "RTX 4090"}});
  CHECK(r4090["request"]["context_tokens"] == 32768);
  CHECK(ctx({{"gpu", "RTX 4090"}, {"gpus", 2}})["request"]["context_tokens"] == 131072);  // 262144 capped at the model's 131072
  CHECK(ctx(json::object())["request"]["context_tokens"] == 4096);
  CHECK(ctx({{"gpu", "RTX 4090"}, {"context_tokens", 8192}})["request"]["context_tokens"] == 8192);  // asked: kept
  CHECK(issue_of(r4090, "ollama_default", "context_tokens"));
  // Q4_K_M, and -b = -ub = 1024 past 4096 tokens (server/sched.go automaticGenerationBatch).
  CHECK(r4090["request"]["quantization"] == "Q4_K_M");
  CHECK(r4090["request"]["ubatch"] == 1024);
  // llama-server's --fit keeps 1 GiB of the GPU free.
  const json h100 = ask({{"config", llama}, {"runtime", "ollama"}, {"gpu", "H100 SXM"}, {"context_tokens", 4096}});
  const json h100_cpp = ask({{"config", llama}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"gpu", "H100 SXM"}, {"context_tokens", 4096}});
  CHECK(h100_cpp["verdict"]["usable_bytes"].get<uint64_t>() - h100["verdict"]["usable_bytes"].get<uint64_t>() == (uint64_t{1} << 30));
  CHECK(h100["memory"]["total_bytes"] == h100_cpp["memory"]["total_bytes"]);  // the same buffers as llama.cpp's
  // The server's environment, then the model.
  const json q8 = ctx({{"gpu", "RTX 4090"}, {"batch_size", 2}, {"kv_cache_dtype", "q8_0"}, {"model_id", "bartowski/Meta-Llama-3.1-8B-Instruct-GGUF"}, {"hub", {{"gguf_files", 20}}}});
  CHECK(q8["commands"][0]["command"] == "OLLAMA_CONTEXT_LENGTH=32768 OLLAMA_NUM_PARALLEL=2 OLLAMA_KV_CACHE_TYPE=q8_0 ollama serve\n# then, in another shell:\nollama run hf.co/bartowski/Meta-Llama-3.1-8B-Instruct-GGUF:Q4_K_M");
  // A vision model: its projector counted; Qwen3-VL runs one sequence whatever OLLAMA_NUM_PARALLEL says.
  const json vl = ask({{"config", fixture("Qwen__Qwen3-VL-8B-Instruct")}, {"runtime", "ollama"}, {"batch_size", 4}});
  bool projector = false;
  for (const auto& c : vl["components"]) projector = projector || c["key"] == "vision_encoder";
  CHECK(projector);
  CHECK(vl["request"]["batch_size"] == 1);
  CHECK(issue_of(vl, "ollama_one_sequence", "batch_size"));
  // No draft model: Ollama starts llama-server without one.
  const json d = ctx({{"gpu", "RTX 4090"}, {"draft_config", fixture("meta-llama__Llama-3.2-1B")}});
  CHECK(issue_of(d, "draft_not_for_runtime", "draft_config"));
  CHECK_FALSE(d.contains("draft"));
}
