// The architecture records (core/architectures.h) and the llama.cpp window each one sets: sliding layers of an
// architecture llama.cpp runs with hparams.swa_type keep pad256(min(n_ctx_seq, n_swa + n_ubatch)) cells
// (src/llama-kv-cache-iswa.cpp), the others keep n_ctx_seq. At 8192 tokens: n_ctx_seq 8192, n_ubatch 512.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>

#include "architectures.h"
#include "family.h"
#include "fixture.h"
#include "report.h"

using namespace neuroshrink;
using json = nlohmann::json;

namespace {

// Layers, and the cached tokens of each, for one attention kind of the report's kv_cache groups.
struct kv_layers {
  uint64_t layers = 0;
  uint64_t window = 0;
  uint64_t cached_tokens = 0;
  bool uniform = true;  // every group of that kind caches the same number of tokens
};

kv_layers llama_cpp_layers(const std::string& fixture_name, const std::string& attention) {
  const json request = {{"config", fixture_text(fixture_name)}, {"runtime", "llama.cpp"}, {"context_tokens", 8192}};
  const json report = json::parse(estimate_json(request.dump()));
  kv_layers out;
  for (const auto& g : report["kv_cache"]["layers"]) {
    if (g["attention"] != attention) continue;
    const uint64_t cached = g["cached_tokens"].get<uint64_t>();
    out.uniform = out.uniform && (out.layers == 0 || cached == out.cached_tokens);
    out.layers += g["layers"].get<uint64_t>();
    out.window = g["window"].get<uint64_t>();
    out.cached_tokens = cached;
  }
  return out;
}

}  // namespace

TEST_CASE("Gemma 4 26B-A4B's sliding layers keep 1536 cells under llama.cpp", "[architectures][llama.cpp]") {
  // LLM_ARCH_GEMMA4 sets swa_type STANDARD: pad256(min(8192, 1024 + 512)) = 1536.
  const kv_layers sliding = llama_cpp_layers("google__gemma-4-26B-A4B", "sliding");
  CHECK(sliding.layers == 25);
  CHECK(sliding.window == 1024);
  CHECK(sliding.cached_tokens == 1536);
  CHECK(sliding.uniform);
  const kv_layers full = llama_cpp_layers("google__gemma-4-26B-A4B", "full");
  CHECK(full.layers == 5);
  CHECK(full.cached_tokens == 8192);
}

TEST_CASE("Phi-MoE's sliding window is not kept by llama.cpp: every layer holds the context", "[architectures][llama.cpp]") {
  // LLM_ARCH_PHIMOE reads no sliding_window (src/models/phimoe.cpp): swa_type stays NONE, so the config's
  // 2047-token window does not shrink the cache (it would be pad256(2047 + 512) = 2560 cells).
  // The report lists them as what llama.cpp allocates: full layers (the llama_cpp_no_window notice says why).
  CHECK(llama_cpp_layers("microsoft__Phi-mini-MoE-instruct", "sliding").layers == 0);
  const kv_layers full = llama_cpp_layers("microsoft__Phi-mini-MoE-instruct", "full");
  CHECK(full.layers == 32);
  CHECK(full.window == 0);
  CHECK(full.cached_tokens == 8192);
}

TEST_CASE("StarCoder2's sliding window is not kept by llama.cpp: every layer holds the context", "[architectures][llama.cpp]") {
  // LLM_ARCH_STARCODER2 sets no swa_type and builds build_attn_inp_kv (src/models/starcoder2.cpp): the config's
  // 4096-token window does not shrink the cache (it would be pad256(4096 + 512) = 4608 cells).
  CHECK(llama_cpp_layers("bigcode__starcoder2-3b", "sliding").layers == 0);
  const kv_layers full = llama_cpp_layers("bigcode__starcoder2-3b", "full");
  CHECK(full.layers == 30);
  CHECK(full.cached_tokens == 8192);
}

TEST_CASE("OLMo-2 is full attention under llama.cpp", "[architectures][llama.cpp]") {
  const kv_layers full = llama_cpp_layers("allenai__OLMo-2-1124-13B", "full");
  CHECK(full.layers == 40);
  CHECK(full.cached_tokens == 8192);
  CHECK(llama_cpp_layers("allenai__OLMo-2-1124-13B", "sliding").layers == 0);
}

TEST_CASE("every model_type in the catalogue has a record with a GGUF architecture or \"none\"", "[architectures]") {
  for (const auto type : known_model_types()) {
    INFO(type);
    const architecture* a = find_architecture(type);
    REQUIRE(a);
    CHECK_FALSE(a->gguf_arch.empty());
  }
}

TEST_CASE("every record is a model_type the catalogue reads, listed once", "[architectures]") {
  const auto types = known_model_types();
  for (const auto& a : architectures()) {
    INFO(a.model_type);
    CHECK(std::count(types.begin(), types.end(), a.model_type) == 1);
    CHECK(find_architecture(a.model_type) == &a);
    if (!a.hf_class.empty()) CHECK(find_architecture_by_class(a.hf_class) == &a);
  }
  CHECK(architectures().size() == types.size());
}

TEST_CASE("llama.cpp keeps a window for Gemma 2/3/4, Cohere2, OLMo 3, EXAONE 4 and gpt-oss, a chunk for Llama 4, none for the rest", "[architectures]") {
  std::string windowed;
  for (const auto& a : architectures())
    if (a.window != llama_window::none) windowed += std::string(a.model_type) + (a.window == llama_window::chunked ? "(chunked) " : " ");
  CHECK(windowed == "gemma2 gemma3_text gpt_oss llama4_text(chunked) cohere2 olmo3 exaone4 gemma3 llama4(chunked) gemma4 ");
}

TEST_CASE("a config's architectures class finds the rule transformers pairs it with", "[architectures]") {
  std::string_view type;
  CHECK(find_family_by_architecture("DeepseekV3ForCausalLM", type) == find_family("deepseek_v3"));
  CHECK(type == "deepseek_v3");
  CHECK(find_family_by_architecture("FalconMambaForCausalLM", type) == find_family("mamba"));
  CHECK(type == "falcon_mamba");
  CHECK(find_family_by_architecture("NoSuchForCausalLM", type) == nullptr);
  CHECK(find_family_by_architecture("", type) == nullptr);
}
