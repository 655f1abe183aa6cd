// The llama.cpp profile against what llama.cpp itself allocated: tests/fixtures/llamacpp/measurements.json
// holds 96 contexts created by a real llama.cpp (node-llama-cpp 3.22.1's CPU build, llama.cpp v0.5.0) on
// GGUFs with these configs' exact tensor layouts (see tests/llamacpp/README.md). Each case prints its
// arithmetic: predicted vs measured.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "estimate.h"
#include "report.h"

using namespace neuroshrink;
using json = nlohmann::json;

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct run_result {
  estimate_result r;
  const json* record;
  const json* model;
};

uint64_t component(const estimate_result& r, std::string_view category) {
  uint64_t sum = 0;
  for (const auto& c : r.components)
    if (c.category == category) sum += c.bytes;
  return sum;
}

std::string kv_name(const std::string& t) { return t == "f16" ? "fp16" : t == "f32" ? "fp32" : t; }

}  // namespace

TEST_CASE("llama.cpp profile: KV, output, compute and model buffers against 92 real llama.cpp contexts", "[llama.cpp][runtime]") {
  const std::string root = std::string(FIXTURES_DIR) + "/../..";
  // NEURO_SHRINK_LLAMACPP_MEASUREMENTS: a grid measured just now (tests/llamacpp/live.sh, in ctest when
  // node-llama-cpp is installed) instead of the committed one.
  const char* live = std::getenv("NEURO_SHRINK_LLAMACPP_MEASUREMENTS");
  const json m = json::parse(read(live && *live ? std::string(live) : std::string(FIXTURES_DIR) + "/llamacpp/measurements.json"), nullptr, false);
  REQUIRE(m.is_object());
  std::vector<double> compute_errors;
  int runs = 0, amx_runs = 0;
  for (const auto& rec : m["records"]) {
    if (!rec["ok"].get<bool>()) continue;
    const json* model = nullptr;
    for (const auto& x : m["models"])
      if (x["layout"] == rec["layout"] && x["weights"] == rec["weights"]) model = &x;
    REQUIRE(model);
    const auto parsed = parse_config(read(root + "/" + (*model)["config"].get<std::string>()));
    REQUIRE(parsed.ok());
    const json& in = rec["inputs"];
    estimate_options o;
    o.runtime = "llama.cpp";
    o.quantization = rec["weights"] == "F16" ? "fp16" : rec["weights"].get<std::string>();
    o.batch_size = in["n_seq"].get<uint64_t>();
    o.context_tokens = in["n_ctx"].get<uint64_t>() / o.batch_size;  // -c is the total over sequences
    o.ubatch = rec["llama_params"]["n_ubatch"].get<uint64_t>();  // what llama.cpp ran with (the public API adds 1 for SWA models)
    o.flash_attention = in["flash_attention"].get<bool>() ? 1 : 0;
    o.kv_cache_dtype_k = kv_name(in["type_k"].get<std::string>());
    o.kv_cache_dtype_v = kv_name(in["type_v"].get<std::string>());
    o.gpu_layers = 0;  // the CPU build: everything on the host
    const auto r = estimate(parsed.spec, o);
    INFO(rec["layout"].get<std::string>() << " n_ctx " << in["n_ctx"] << " ub " << in["n_ubatch"] << " fa " << in["flash_attention"] << " "
         << in["type_k"].get<std::string>() << "/" << in["type_v"].get<std::string>() << " seq " << in["n_seq"]);
    REQUIRE(r.ok());
    ++runs;
    // n_ctx and the KV buffer: exact, cell for cell (the printed MiB agree with the exact rule to its 2 decimals).
    CHECK(r.n_ctx == rec["llama_params"]["n_ctx"].get<uint64_t>());
    CHECK(r.memory.kv_cache_bytes == rec["expected"]["kv_bytes"].get<uint64_t>());
    CHECK(std::llabs(static_cast<long long>(r.memory.kv_cache_bytes) - rec["sizes_bytes"]["kv"].get<long long>()) <= 5243);
    // The output buffer: n_vocab x n_seq floats, exact.
    CHECK(r.memory.overhead_bytes == rec["expected"]["output_bytes"].get<uint64_t>());
    // The model buffer: Σ ggml_nbytes of the GGUF (F16 matrices, F32 vectors); llama.cpp's own file adds
    // rope_freqs (Llama 3) and 32-byte alignment: within 0.01 %.
    // CPU_Mapped maps the whole file; the CPU build's CPU_REPACK holds a second copy of the Q4_K matrices
    // (model_buffer_repack), exact to llama.cpp's two printed decimals.
    // A CPU with Intel AMX (the live check's machine may have one) puts the matrices AMX runs in an AMX buffer
    // first, and maps only the rest: that machine's model buffers are not the x86 AVX2 rule, so they are not held
    // against it (the context's buffers are).
    uint64_t mapped = 0, repack = 0, logged_repack = 0;
    bool amx = false;
    for (const auto& c : r.components) {
      if (c.key == "model_buffer_host") mapped += c.bytes;
      if (c.key == "model_buffer_repack") repack += c.bytes;
    }
    for (const auto& b : (*model)["model_buffers"]) {
      if (b["buffer"] == "CPU_REPACK") logged_repack = b["bytes"].get<uint64_t>();
      amx = amx || b["buffer"] == "AMX";
    }
    const double model_err = std::fabs(static_cast<double>(mapped) / (*model)["gguf_data_bytes"].get<double>() - 1);
    INFO("model bytes " << mapped << " vs GGUF data " << (*model)["gguf_data_bytes"].get<double>() << "; CPU_REPACK " << repack << " vs " << logged_repack);
    CHECK(component(r, "weights") == mapped + repack);
    if (!amx) {
      CHECK(model_err < 1e-4);
      CHECK(std::llabs(static_cast<long long>(repack) - static_cast<long long>(logged_repack)) <= 5243);
    } else {
      ++amx_runs;
    }
    // The compute buffer (ggml-alloc replayed over the reserved graph, core/runtimes/llama_graph.cpp): exact, to
    // the 0.01 MiB the log prints.
    const double measured = rec["sizes_bytes"]["compute"].get<double>();
    const double err = static_cast<double>(r.memory.activations_bytes) / measured - 1;
    compute_errors.push_back(std::fabs(err));
    char line[200];
    std::snprintf(line, sizeof line, "%-12s ctx %5llu ub %4llu fa %d %s/%s seq %llu: KV %llu = %llu; compute %llu vs %.0f (%+.2f%%)",
                  rec["layout"].get<std::string>().c_str(), static_cast<unsigned long long>(o.context_tokens * o.batch_size),
                  static_cast<unsigned long long>(o.ubatch), o.flash_attention, o.kv_cache_dtype_k.c_str(), o.kv_cache_dtype_v.c_str(),
                  static_cast<unsigned long long>(o.batch_size), static_cast<unsigned long long>(r.memory.kv_cache_bytes),
                  static_cast<unsigned long long>(rec["expected"]["kv_bytes"].get<uint64_t>()), static_cast<unsigned long long>(r.memory.activations_bytes),
                  measured, 100 * err);
    std::puts(line);
    CHECK(std::fabs(static_cast<double>(r.memory.activations_bytes) - measured) <= 0.01 * 1048576);
  }
  CHECK(runs >= (live && *live ? 1 : 80));
  if (amx_runs) std::printf("llama.cpp model buffers: %d runs on a CPU with AMX, whose AMX copies are not modelled: their model buffers not compared\n", amx_runs);
  std::sort(compute_errors.begin(), compute_errors.end());
  std::printf("llama.cpp compute buffer over %d runs: median |error| %.2f %%, worst %.2f %%\n", runs,
              100 * compute_errors[compute_errors.size() / 2], 100 * compute_errors.back());
}

TEST_CASE("llama.cpp refuses a quantized V cache without flash attention, as the real one did", "[llama.cpp][runtime]") {
  const auto parsed = parse_config(read(std::string(FIXTURES_DIR) + "/configs/meta-llama__Meta-Llama-3.1-8B.json"));
  estimate_options o;
  o.runtime = "llama.cpp";
  o.flash_attention = 0;
  o.kv_cache_dtype = "q8_0";
  const auto r = estimate(parsed.spec, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.issues.back().code == "quantized_v_needs_flash_attention");
}

TEST_CASE("llama.cpp -ngl splits the model, KV and output between the GPU and the host", "[llama.cpp][runtime]") {
  const auto parsed = parse_config(read(std::string(FIXTURES_DIR) + "/configs/meta-llama__Meta-Llama-3.1-8B.json"));
  estimate_options o;
  o.runtime = "llama.cpp";
  o.quantization = "fp16";
  const auto all = estimate(parsed.spec, o);
  o.gpu_layers = 16;
  const auto half = estimate(parsed.spec, o);
  REQUIRE(all.ok());
  REQUIRE(half.ok());
  // token_embd (128256 x 4096 x 2 bytes) is on the host in both; with -ngl 16 of 32 layers half the
  // layers' weights and KV, and the output (norm + 128256 x 4096 x 2), stay on the host too.
  const uint64_t embd = 128256ull * 4096 * 2;
  // + CUDA_Host compute (the embeddings lookup and the f16 KQ mask of 4096 cells) + output buffer
  CHECK(all.memory.host_bytes == embd + 4ull * 512 * 4096 + 512ull * 4096 * 2 + 128256ull * 4);
  CHECK(half.memory.total_bytes == all.memory.total_bytes);
  CHECK(half.memory.gpu_bytes < all.memory.gpu_bytes);
  CHECK(half.memory.kv_cache_bytes == all.memory.kv_cache_bytes);
  CHECK(half.memory.host_bytes - all.memory.host_bytes == all.memory.gpu_bytes - half.memory.gpu_bytes);
}

TEST_CASE("llama.cpp --kv-unified: one stream of n_ctx cells; sliding layers keep parallel x window + ubatch", "[llama.cpp][runtime]") {
  // Gemma 3 4B: 34 layers, 5 of 6 sliding with a 1024-token window; K and V 4 KV heads x 256 at f16 = 4096 bytes
  // a token and layer. Four sequences of 4096 tokens (-c 16384 -np 4).
  const auto parsed = parse_config(read(std::string(FIXTURES_DIR) + "/configs/google__gemma-3-4b-it.json"));
  REQUIRE(parsed.ok());
  estimate_options o;
  o.runtime = "llama.cpp";
  o.batch_size = 4;
  const auto split = estimate(parsed.spec, o);
  o.kv_unified = true;
  const auto unified = estimate(parsed.spec, o);
  REQUIRE(split.ok());
  REQUIRE(unified.ok());
  uint64_t full = 0, sliding = 0;
  for (const auto& l : parsed.spec.layers) (l.attention == attention_kind::sliding ? sliding : full) += 1;
  REQUIRE(full + sliding == 34);
  const uint64_t bpt = 2 * 4 * 256 * 2;
  // src/llama-context.cpp: n_ctx_seq = n_ctx when unified, else pad256(n_ctx / n_seq_max), a stream each.
  // src/llama-kv-cache-iswa.cpp: size_swa = pad256(min(size_base, n_swa x (unified ? n_seq_max : 1) + n_ubatch)).
  CHECK(split.memory.kv_cache_bytes == full * bpt * 4096 * 4 + sliding * bpt * 1536 * 4);
  CHECK(unified.memory.kv_cache_bytes == full * bpt * 16384 + sliding * bpt * 4608);
  CHECK(unified.n_ctx == 16384);
  CHECK(unified.n_ctx_seq == 16384);
  CHECK(split.n_ctx_seq == 4096);
}

TEST_CASE("llama.cpp -b caps -ub: n_ubatch = min(n_batch, ubatch), n_batch = min(n_ctx, -b), and the cap is said", "[llama.cpp][runtime]") {
  const auto parsed = parse_config(read(std::string(FIXTURES_DIR) + "/configs/meta-llama__Meta-Llama-3.1-8B.json"));
  REQUIRE(parsed.ok());
  auto capped = [](const estimate_result& r) {
    for (const auto& i : r.issues)
      if (i.code == "ubatch_capped") return true;
    return false;
  };
  estimate_options o;
  o.runtime = "llama.cpp";
  o.context_tokens = 32768;
  o.ubatch = 4096;
  // src/llama-context.cpp: -b 2048 by default, so -ub 4096 alone runs as 2048 (and says so)
  const auto alone = estimate(parsed.spec, o);
  CHECK(alone.n_ubatch == 2048);
  CHECK(alone.n_batch == 2048);
  CHECK(capped(alone));
  o.n_batch = 4096;
  const auto both = estimate(parsed.spec, o);
  CHECK(both.n_ubatch == 4096);
  CHECK_FALSE(capped(both));
  CHECK(component(both, "activations") > component(alone, "activations"));  // the compute buffer follows n_ubatch
  const json req = {{"config", read(std::string(FIXTURES_DIR) + "/configs/meta-llama__Meta-Llama-3.1-8B.json")}, {"runtime", "llama.cpp"}, {"context_tokens", 32768},
                    {"ubatch", 4096}, {"n_batch", 4096}, {"gpu", "RTX 4090"}};
  const json out = json::parse(estimate_json(req.dump()));
  CHECK(out["commands"][0]["command"].get<std::string>().find(" -b 4096 -ub 4096") != std::string::npos);
  // the context caps n_batch too: -c 1024 runs -ub 2048 as 1024
  o.context_tokens = 1024, o.ubatch = 2048, o.n_batch = 0;
  const auto short_ctx = estimate(parsed.spec, o);
  CHECK(short_ctx.n_ubatch == 1024);
  CHECK(capped(short_ctx));
}

#include "report.h"

TEST_CASE("solvers and commands: the largest context, -ngl and the llama-server line for a chosen GPU", "[llama.cpp][solver]") {
  const std::string config = read(std::string(FIXTURES_DIR) + "/configs/meta-llama__Meta-Llama-3.1-8B.json");
  auto ask = [&](const json& extra) {
    json req = {{"config", config}, {"model_id", "meta-llama/Llama-3.1-8B"}, {"runtime", "llama.cpp"}, {"quantization", "bf16"}, {"gpu", "NVIDIA GeForce RTX 4090"}};
    if (extra.is_object()) req.update(extra);
    return json::parse(estimate_json(req.dump()));
  };
  const json r = ask({});
  REQUIRE(r["solver"].is_object());
  const uint64_t max_ctx = r["solver"]["max_context_tokens"].get<uint64_t>();
  // The answer is tight: it fits at max_ctx, not one token more.
  auto fits_4090 = [&](const json& rep) {
    const auto& headroom = rep["fits"]["headroom_bytes"];  // in catalogue order
    for (size_t i = 0; i < gpus().size(); ++i)
      if (gpus()[i].name == "NVIDIA GeForce RTX 4090") return headroom[i].get<int64_t>() >= 0;
    return false;
  };
  CHECK(fits_4090(ask({{"context_tokens", max_ctx}})));
  CHECK_FALSE(fits_4090(ask({{"context_tokens", max_ctx + 1}})));
  CHECK(r["solver"]["gpu_layers"] == 33);  // 32 layers + the output
  // The repository holds no GGUF file (the Hub was not asked): -m; with the Hub's word that it does, -hf.
  CHECK(r["commands"][0]["command"] == "llama-server -m MODEL.gguf -c 4096 -ngl 33 -fa on -np 1");
  CHECK(ask({{"hub", {{"gguf_files", 3}}}})["commands"][0]["command"] == "llama-server -hf meta-llama/Llama-3.1-8B -c 4096 -ngl 33 -fa on -np 1");
  // 120k tokens of bf16 Llama do not fit a 24 GB card with every layer on it: the solver keeps fewer layers.
  const json big = ask({{"context_tokens", 120000}});
  const int64_t ngl = big["solver"]["gpu_layers"].get<int64_t>();
  CHECK(ngl >= 0);
  CHECK(ngl < 33);
  CHECK(fits_4090(ask({{"context_tokens", 120000}, {"gpu_layers", ngl}})));
  CHECK_FALSE(fits_4090(ask({{"context_tokens", 120000}, {"gpu_layers", ngl + 1}})));
}


TEST_CASE("llama.cpp compute buffer with flash attention and a small vocabulary: the FFN phase (Mistral-7B, 23 live contexts)", "[llama.cpp][runtime]") {
  // tests/fixtures/llamacpp/measurements-mistral.json: vocabulary 32000, so with flash attention the logits phase
  // (78.5 MiB at ubatch 512) is not the peak; llama.cpp printed 120.01 MiB. Its model buffers are an AMX
  // machine's (not modelled) and are not compared here.
  const std::string root = std::string(FIXTURES_DIR) + "/../..";
  const json m = json::parse(read(std::string(FIXTURES_DIR) + "/llamacpp/measurements-mistral.json"));
  const auto parsed = parse_config(read(root + "/" + m["models"][0]["config"].get<std::string>()));
  REQUIRE(parsed.ok());
  int runs = 0;
  double worst = 0;
  for (const auto& rec : m["records"]) {
    if (!rec["ok"].get<bool>()) continue;
    const json& in = rec["inputs"];
    estimate_options o;
    o.runtime = "llama.cpp";
    o.quantization = rec["weights"] == "F16" ? "fp16" : rec["weights"].get<std::string>();
    o.batch_size = in["n_seq"].get<uint64_t>();
    o.context_tokens = in["n_ctx"].get<uint64_t>() / o.batch_size;
    o.ubatch = rec["llama_params"]["n_ubatch"].get<uint64_t>();
    o.n_batch = rec["llama_params"]["n_batch"].get<uint64_t>();
    o.flash_attention = in["flash_attention"].get<bool>() ? 1 : 0;
    o.kv_cache_dtype_k = kv_name(in["type_k"].get<std::string>());
    o.kv_cache_dtype_v = kv_name(in["type_v"].get<std::string>());
    o.gpu_layers = 0;
    const auto r = estimate(parsed.spec, o);
    REQUIRE(r.ok());
    INFO(in.dump());
    CHECK(r.memory.kv_cache_bytes == rec["sizes_bytes"]["kv"].get<uint64_t>());
    CHECK(std::llabs(static_cast<long long>(r.memory.overhead_bytes) - rec["sizes_bytes"]["output"].get<long long>()) <= 5243);
    const double err = static_cast<double>(r.memory.activations_bytes) / rec["sizes_bytes"]["compute"].get<double>() - 1;
    worst = std::max(worst, std::fabs(err));
    // exact with and without flash attention, an f16 or a q8_0 cache (whose Hadamard rotations add their own
    // tensors): the FFN phase of a small vocabulary is where best fit leaves its peak
    CHECK(std::fabs(static_cast<double>(r.memory.activations_bytes) - rec["sizes_bytes"]["compute"].get<double>()) <= 0.01 * 1048576);
    ++runs;
  }
  std::printf("Mistral-7B compute buffer over %d live contexts: worst |error| %.2f %%\n", runs, 100 * worst);
  CHECK(runs == 23);
}

TEST_CASE("llama.cpp sliding-window caches, live: Gemma 3 1B by ubatch, sequences and kv_unified (tests/fixtures/llamacpp/swa-cells.json)", "[llama.cpp][runtime][swa]") {
  // llama.cpp de3ff81 as llama-server runs it (swa_full off): size_swa = pad256(min(n_ctx_seq or n_ctx,
  // n_swa x (unified ? n_seq : 1) + n_ubatch)), one stream per sequence unless unified.
  const std::string root = std::string(FIXTURES_DIR) + "/../..";
  const json m = json::parse(read(std::string(FIXTURES_DIR) + "/llamacpp/swa-cells.json"));
  const auto parsed = parse_config(read(root + "/" + m["config"].get<std::string>()));
  REQUIRE(parsed.ok());
  int runs = 0;
  for (const auto& run : m["runs"]) {
    const json& in = run["inputs"];
    estimate_options o;
    o.runtime = "llama.cpp";
    o.quantization = "fp16";
    o.batch_size = in["seqs"].get<uint64_t>();
    o.context_tokens = in["nCtx"].get<uint64_t>() / o.batch_size;
    o.ubatch = o.n_batch = in["ub"].get<uint64_t>();
    o.kv_unified = in["unified"].get<bool>();
    o.flash_attention = 1;
    o.gpu_layers = 0;
    const auto r = estimate(parsed.spec, o);
    REQUIRE(r.ok());
    INFO(in.dump());
    double logged = 0;
    for (const auto& b : run["kv_buffers"]) logged += b["mib"].get<double>();
    CHECK(std::fabs(static_cast<double>(r.memory.kv_cache_bytes) / 1048576.0 - logged) <= 0.01);
    const double err = static_cast<double>(r.memory.activations_bytes) / 1048576.0 / run["compute_mib"].get<double>() - 1;
    std::printf("gemma-3-1b n_ctx %5llu ub %4llu seqs %llu unified %d: KV %.2f MiB (logged %.2f), compute %.2f MiB (logged %.2f, %+.2f %%)\n",
                static_cast<unsigned long long>(in["nCtx"].get<uint64_t>()), static_cast<unsigned long long>(o.ubatch), static_cast<unsigned long long>(o.batch_size),
                o.kv_unified ? 1 : 0, r.memory.kv_cache_bytes / 1048576.0, logged, r.memory.activations_bytes / 1048576.0, run["compute_mib"].get<double>(), 100 * err);
    CHECK(std::fabs(static_cast<double>(r.memory.activations_bytes) / 1048576.0 - run["compute_mib"].get<double>()) <= 0.01);
    ++runs;
  }
  CHECK(runs == 6);
}
