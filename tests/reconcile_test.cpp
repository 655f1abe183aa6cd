// A runtime's log held against the estimate (issue #18): the log reader on real llama.cpp lines (the live CPU
// builds of tests/fixtures/llamacpp/measurements.json, the published CUDA logs of
// tests/fixtures/published/llamacpp-logs.json) and the reconciliation's rows, per buffer and device.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "fixture.h"
#include "report.h"
#include "runtime_log.h"

using namespace neuroshrink;
using json = nlohmann::json;

namespace {

json load(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::string lines(const json& a) {
  std::string out;
  for (const auto& l : a) out += l.get<std::string>() + "\n";
  return out;
}

const json* row(const json& reply, const std::string& buffer, const std::string& device) {
  for (const auto& b : reply["buffers"])
    if (b["buffer"] == buffer && b["device"] == device) return &b;
  return nullptr;
}

// A published log's entry through the reconciliation, with what its excerpt does not print ("reconcile").
json reconciled_entry(const json& e) {
  json req = e["reconcile"]["options"];
  req["log"] = e["log"];
  req["config"] = e["reconcile"]["config"];
  return json::parse(reconcile_json(req.dump()));
}

}  // namespace

TEST_CASE("the log reader: settings, cache types, offload and every buffer of a published ollama runner log", "[reconcile]") {
  const json logs = load(std::string(FIXTURES_DIR) + "/published/llamacpp-logs.json");
  const runtime_log log = read_runtime_log(logs["entries"][0]["log"].get<std::string>());  // ollama#8310
  CHECK(log.n_ctx == 8192);
  CHECK(log.n_ctx_seq == 2048);
  CHECK(log.n_seq_max == 4);
  CHECK(log.n_batch == 2048);
  CHECK(log.n_ubatch == 512);
  CHECK(log.flash_attention == 0);
  CHECK(log.kv_unified == -1);  // (that build printed none: one shared cache)
  CHECK(log.type_k == "f16");
  CHECK(log.gpu_layers == 29);
  CHECK(log.metadata.find("llama.block_count"));
  uint64_t model = 0, kv = 0;
  for (const auto& b : log.buffers) {
    if (b.kind == "model") model += b.bytes;
    if (b.kind == "kv") kv += b.bytes;
  }
  CHECK(kv == 896ull << 20);
  CHECK(model == static_cast<uint64_t>(std::llround((308.23 + 1918.35) * 1048576.0)));
  // llama_model_ftype_name's words as llama-quantize's names
  CHECK(file_type_from_description("Q4_K - Medium") == "Q4_K_M");
  CHECK(file_type_from_description("IQ4_XS - 4.25 bpw") == "IQ4_XS");
  CHECK(file_type_from_description("MXFP4 MoE") == "MXFP4_MOE");
  CHECK(file_type_from_description("all F32") == "F32");
  CHECK(file_type_from_description("Q8_0") == "Q8_0");
}

TEST_CASE("reconcile: every live CPU-build context, from its own log, buffer for buffer", "[reconcile]") {
  const json m = load(std::string(FIXTURES_DIR) + "/llamacpp/measurements.json");
  const std::string root = std::string(FIXTURES_DIR) + "/../..";
  int runs = 0;
  for (const auto& rec : m["records"]) {
    if (!rec["ok"].get<bool>()) continue;
    const json* model = nullptr;
    for (const auto& x : m["models"])
      if (x["layout"] == rec["layout"] && x["weights"] == rec["weights"]) model = &x;
    REQUIRE(model);
    std::ifstream cfg(root + "/" + (*model)["config"].get<std::string>());
    std::stringstream ss;
    ss << cfg.rdbuf();
    const json reply = json::parse(reconcile_json(json{{"log", lines((*model)["log"]) + lines(rec["log"])}, {"config", ss.str()}}.dump()));
    INFO(rec["layout"].get<std::string>() << " " << rec["weights"].get<std::string>() << " " << rec["inputs"].dump());
    for (const auto& i : reply["issues"]) CHECK(i["level"] != "error");
    ++runs;
    // the model (CPU_Mapped + CPU_REPACK) and KV exact to the printed two decimals; output and compute close
    for (const char* exact : {"model", "kv"}) {
      const json* r = row(reply, exact, "host");
      REQUIRE(r);
      CHECK(std::llabs(r->at("difference_bytes").get<long long>()) <= 2 * 5243);
    }
    CHECK(std::fabs(row(reply, "output", "host")->at("difference_percent").get<double>()) < 0.5);
    CHECK(std::fabs(row(reply, "compute", "host")->at("difference_percent").get<double>()) < 5);
  }
  CHECK(runs >= 80);
}

TEST_CASE("reconcile: a published CUDA log with its config, and the settings an excerpt does not print", "[reconcile]") {
  const json logs = load(std::string(FIXTURES_DIR) + "/published/llamacpp-logs.json");
  for (const auto& e : logs["entries"]) {
    if (!e.contains("reconcile")) continue;
    const json reply = reconciled_entry(e);
    INFO(e["id"].get<std::string>());
    for (const auto& i : reply["issues"]) CHECK(i["level"] != "error");
    REQUIRE(reply.contains("buffers"));
    for (const auto& b : reply["buffers"])
      if (b["buffer"] == "kv" && !b["measured_bytes"].is_null()) CHECK(std::llabs(b["difference_bytes"].get<long long>()) <= 5243);  // KV exact
  }
  // ollama#8310 in detail: its old build shared one cache among the 4 sequences (no kv_unified line)
  const json reply = reconciled_entry(logs["entries"][0]);
  REQUIRE(row(reply, "compute", "GPU 0"));
  CHECK(std::fabs(row(reply, "compute", "GPU 0")->at("difference_percent").get<double>()) < 5);
  CHECK(std::fabs(row(reply, "compute", "host")->at("difference_percent").get<double>()) < 0.1);
  CHECK(std::fabs(row(reply, "model", "GPU 0")->at("difference_percent").get<double>()) < 0.5);
  CHECK(reply["model"]["derived"].dump().find("shared") != std::string::npos);
}

TEST_CASE("reconcile: a log without a config is read from its print_info lines; bad input is said, never thrown", "[reconcile]") {
  const json m = load(std::string(FIXTURES_DIR) + "/llamacpp/measurements.json");
  const json& model = m["models"][4];  // qwen3-0.6b F16 (tied output)
  const json* rec = nullptr;
  for (const auto& r : m["records"])
    if (r["layout"] == model["layout"] && r["weights"] == model["weights"] && r["ok"].get<bool>()) rec = &r;
  REQUIRE(rec);
  const json reply = json::parse(reconcile_json(json{{"log", lines(model["log"]) + lines((*rec)["log"])}}.dump()));
  CHECK(reply["model"]["from"] == "log print_info");
  CHECK(reply["model"]["family"] == "qwen3");
  CHECK(std::llabs(row(reply, "model", "host")->at("difference_bytes").get<long long>()) <= 5243);
  CHECK(std::llabs(row(reply, "kv", "host")->at("difference_bytes").get<long long>()) <= 5243);
  auto first_error = [](const std::string& request) {
    const json r = json::parse(reconcile_json(request));
    for (const auto& i : r["issues"])
      if (i["level"] == "error") return i["code"].get<std::string>();
    return std::string();
  };
  CHECK(first_error("not json") == "bad_request");
  CHECK(first_error(R"({"log": 7})") == "bad_request");
  CHECK(first_error(R"({"log": "hello\nworld"})") == "log_no_buffers");
  CHECK(first_error(R"({"log": "load_tensors: CPU_Mapped model buffer size = 1e999 MiB\nllama_context: CPU compute buffer size = -5 MiB"})") == "log_no_buffers");
  CHECK(first_error(R"({"log": "load_tensors: CPU_Mapped model buffer size = 100.00 MiB"})") == "log_file_type_unknown");
  CHECK(first_error(R"({"log": "load_tensors: CPU_Mapped model buffer size = 100.00 MiB", "quantization": "Q4_K_M"})") == "log_no_metadata");
  CHECK(first_error(json{{"log", std::string(9u << 20, 'x')}}.dump()) == "log_too_large");
  // a line of a million characters, a hostile kv line and an absurd array count are skipped, not trusted
  const std::string hostile = std::string(1 << 20, 'a') + "\nllama_model_loader: - kv 0: general.architecture str = llama\nllama_model_loader: - kv 1: llama.block_count u32 = 99999999999\n"
                              "llama_model_loader: - kv 2: tokenizer.ggml.tokens arr[str,18446744073709551615] = [\"a\", ...]\nprint_info: file type = Q4_K - Medium\n"
                              "load_tensors: CPU_Mapped model buffer size = 100.00 MiB\n";
  CHECK(first_error(json{{"log", hostile}}.dump()) != "");
}

TEST_CASE("reconcile: published vLLM logs, V0 and V1, per GPU: weights, activations, non-torch, the KV pool", "[reconcile][vllm]") {
  const json logs = load(std::string(FIXTURES_DIR) + "/published/vllm-logs.json");
  int reconciled = 0;
  for (const auto& e : logs["entries"]) {
    if (!e.contains("reconcile")) continue;
    const json reply = reconciled_entry(e);
    INFO(e["id"].get<std::string>() << " " << reply.dump());
    for (const auto& i : reply["issues"]) CHECK(i["level"] != "error");
    CHECK(reply["log"]["program"] == "vllm");
    ++reconciled;
    if (const json* w = row(reply, "weights", reply["buffers"][0]["device"].get<std::string>())) CHECK(std::fabs(w->at("difference_percent").get<double>()) < 1);
  }
  CHECK(reconciled == 4);
  // vllm#10511 (TP1): the KV pool within vLLM's 5 % target; vllm#15815 (V0, TP2): V0's profile batch of
  // max(max_model_len, 2048) tokens
  const json tp1 = reconciled_entry(logs["entries"][0]);
  const json config = logs["entries"][0]["reconcile"]["config"];
  CHECK(std::fabs(row(tp1, "kv_cache", "GPU 0")->at("difference_percent").get<double>()) < 5);
  // no GPU memory printed and none named: said, not guessed
  const json bare = json::parse(reconcile_json(json{{"log", "INFO gpu_worker.py:462] Available KV cache memory: 6.37 GiB"}, {"config", config}}.dump()));
  bool said = false;
  for (const auto& i : bare["issues"]) said = said || i["code"] == "log_no_gpu";
  CHECK(said);
}

TEST_CASE("reconcile: SGLang's start-up lines, the token pool and the running requests per GPU", "[reconcile][sglang]") {
  // sglang PR 11716's log (tests/devices_test.cpp): Llama-3.x-70B in bf16 on 8 x H200 (143,771 MiB), the default
  // fraction, "KV Cache is allocated. #tokens: 2795207"; the scheduler's line as SGLang prints it, with the rows of
  // its request table at that pool and context (model_runner.py init_memory_pool: 4096).
  const std::string log =
      "[2025-10-16 09:00:00 TP0] KV Cache is allocated. #tokens: 2795207\n"
      "[2025-10-16 09:00:05 TP0] max_total_num_tokens=2795207, chunked_prefill_size=16384, max_prefill_tokens=16384, max_running_requests=4096, context_len=131072, available_gpu_mem=21.24 GB\n";
  const json reply = json::parse(reconcile_json(json{{"log", log}, {"config", fixture_text("meta-llama__Llama-3.3-70B-Instruct")}, {"gpu", "H200"}, {"gpus", 8},
                                                     {"gpu_memory_bytes", 143771ull << 20}}.dump()));
  INFO(reply.dump());
  CHECK(reply["log"]["program"] == "sglang");
  CHECK(reply["log"]["context_len"] == 131072);
  const json* tokens = row(reply, "kv_tokens", "each GPU");
  REQUIRE(tokens);
  CHECK(std::fabs(tokens->at("difference_percent").get<double>()) < 0.5);
  CHECK(row(reply, "running_requests", "each GPU")->at("difference_bytes") == 0);
  // without the GPU: said, not guessed
  const json bare = json::parse(reconcile_json(json{{"log", log}, {"config", fixture_text("meta-llama__Llama-3.3-70B-Instruct")}}.dump()));
  bool said = false;
  for (const auto& i : bare["issues"]) said = said || i["code"] == "log_no_gpu";
  CHECK(said);
}

TEST_CASE("llama.cpp's memory breakdown table: the last one read, a log with nothing else reconciled from it", "[reconcile]") {
  const json logs = load(std::string(FIXTURES_DIR) + "/published/llamacpp-logs.json");
  const json* entry = nullptr;
  for (const auto& e : logs["entries"])
    if (e["id"] == "llamacpp-cli-b8185-gemma3-1b-q4_k_m-m5-breakdown") entry = &e;
  REQUIRE(entry);
  const std::string text = (*entry)["log"].get<std::string>();
  runtime_log log = read_runtime_log(text);
  CHECK(log.build == 8185);
  REQUIRE(log.breakdown.size() == 2);
  CHECK(log.breakdown[0].name == "MTL0 (Apple M5)");
  CHECK(log.breakdown[0].device);
  CHECK((log.breakdown[0].total == 18186 && log.breakdown[0].free == 16758 && log.breakdown[0].self == 1426));
  CHECK((log.breakdown[0].model == 762 && log.breakdown[0].context == 150 && log.breakdown[0].compute == 514 && log.breakdown[0].unaccounted == 0));
  CHECK(!log.breakdown[1].device);
  CHECK((log.breakdown[1].name == "Host" && log.breakdown[1].self == 376 && log.breakdown[1].model == 306 && log.breakdown[1].compute == 70));
  // --fit prints trial tables before the run's: only the last is kept; an unaccounted figure may be negative.
  const std::string trial = "common_memory_breakdown_print: | memory breakdown [MiB] | total   free    self   model   context   compute    unaccounted |\n"
                            "common_memory_breakdown_print: |   - CUDA0 (RTX 3090)   | 24576 = 11121 + (13424 = 11876 +     516 +    1032) +         -30 |\n";
  log = read_runtime_log(trial);
  REQUIRE(log.breakdown.size() == 1);
  CHECK(log.breakdown[0].unaccounted == -30);
  log = read_runtime_log(trial + text);
  CHECK(log.breakdown.size() == 2);
  CHECK(log.breakdown[0].name == "MTL0 (Apple M5)");
  // The reconciliation from the table alone: the model buffers within 0.1 %, the iSWA cache exact, the total
  // within 0.5 % (b8185 predates PR #23764: its masks are f32 under flash attention).
  json req = (*entry)["reconcile"]["options"];
  req["log"] = text;
  req["config"] = (*entry)["reconcile"]["config"];
  const json reply = json::parse(reconcile_json(req.dump()));
  const json* kv = row(reply, "kv", "GPU 0");
  REQUIRE(kv);
  CHECK((*kv)["predicted_bytes"] == (*kv)["measured_bytes"]);
  for (const auto& [buffer, device] : {std::pair<std::string, std::string>{"model", "host"}, {"model", "GPU 0"}, {"compute", "GPU 0"}}) {
    const json* b = row(reply, buffer, device);
    REQUIRE(b);
    CHECK(std::abs((*b)["difference_percent"].get<double>()) < 0.5);
  }
  CHECK(std::abs(reply["total"]["difference_percent"].get<double>()) < 0.5);
  bool breakdown_said = false, unaccounted_said = false;
  for (const auto& i : reply["issues"]) {
    breakdown_said = breakdown_said || i["code"] == "log_breakdown_only";
    unaccounted_said = unaccounted_said || (i["code"] == "unaccounted_device_memory" && i["message"].get<std::string>().find("MTL0 (Apple M5) holds 0 MiB") != std::string::npos);
  }
  CHECK(breakdown_said);
  CHECK(unaccounted_said);
  CHECK(reply["log"]["memory_breakdown"][0]["free_bytes"] == 16758ull << 20);
}

TEST_CASE("a log's build number: llama-cli's banner, the servers' build line; nothing else", "[reconcile]") {
  CHECK(read_runtime_log("build      : b8185-2afcdb977\n").build == 8185);
  CHECK(read_runtime_log("main: build = 4462 (c05e8c99)\n").build == 4462);
  CHECK(read_runtime_log("build: 9600 (abcdef12) with cc for x86_64\n").build == 9600);
  CHECK(read_runtime_log("print_info: n_ctx_train = 32768\nload_tensors: the build is fine: 123\n").build == 0);
}
