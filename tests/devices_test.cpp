// Several GPUs, and the host beside them (#16): llama.cpp's layer and row splits over a list of unequal GPUs,
// -ngl's slots, the per-device fit, the speed of a pipelined split, and vLLM's tensor parallel checks. Bytes are
// conserved: a split moves them between devices, it does not make them.
#include <catch2/catch.hpp>

#include <string>

#include <cmath>
#include <nlohmann/json.hpp>

#include "estimate.h"
#include "fixture.h"
#include "report.h"

using namespace neuroshrink;
using json = nlohmann::json;

namespace {

estimate_options llama_on(std::vector<std::string> gpus, std::string quant = "Q4_K_M") {
  estimate_options o;
  o.runtime = "llama.cpp";
  o.quantization = std::move(quant);
  o.context_tokens = 8192;
  o.gpu = gpus.front();
  if (gpus.size() > 1) o.gpu_list = std::move(gpus);
  return o;
}

uint64_t on_gpu(const estimate_result& r, std::string_view key, int32_t g) {
  uint64_t sum = 0;
  for (const auto& c : r.components)
    if (c.key == key && c.device == g) sum += c.bytes;
  return sum;
}

uint64_t device_sum(const estimate_result& r) {
  uint64_t sum = 0;
  for (const auto& d : r.devices) sum += d.total_bytes;
  return sum;
}

const issue* find_issue(const estimate_result& r, std::string_view code) {
  for (const auto& i : r.issues)
    if (i.code == code) return &i;
  return nullptr;
}

}  // namespace

TEST_CASE("a 70B over an RTX 3090 and an RTX 3060: layers in proportion to memory, the output on the last GPU", "[devices]") {
  const auto spec = fixture("meta-llama__Llama-3.3-70B-Instruct");
  const auto r = estimate(spec, llama_on({"RTX 3090", "RTX 3060"}, "Q3_K_M"));
  REQUIRE(r.ok());
  REQUIRE(r.gpus == 2);
  REQUIRE(r.devices.size() == 3);  // two GPUs and the host
  // 24 : 12 GiB over 81 slots: split point 2/3, slots 0-53 on the 3090, 54-79 and the output on the 3060.
  CHECK(r.devices[0].gpu == "NVIDIA GeForce RTX 3090");
  CHECK(r.devices[1].gpu == "NVIDIA GeForce RTX 3060");
  const uint64_t kv_layer = r.memory.kv_cache_bytes / 80;
  CHECK(on_gpu(r, "kv_buffer_gpu", 0) == 54 * kv_layer);
  CHECK(on_gpu(r, "kv_buffer_gpu", 1) == 26 * kv_layer);
  for (const auto& c : r.components)
    if (c.key == "model_buffer_gpu" && c.device == 1) CHECK(c.label.find("layers 54-79 + output") != std::string::npos);
  // Conserved: the devices hold the total, each GPU's fit is its own, and the verdict names the tightest.
  CHECK(device_sum(r) == r.memory.total_bytes);
  for (const auto& d : r.devices)
    if (d.index >= 0) CHECK(d.headroom_bytes == static_cast<int64_t>(d.usable_bytes) - static_cast<int64_t>(d.total_bytes));
  const int64_t tightest = std::min(r.devices[0].headroom_bytes, r.devices[1].headroom_bytes);
  CHECK(r.chosen.headroom_bytes == tightest);
  CHECK(r.chosen.fits == (tightest >= 0));
}

TEST_CASE("llama.cpp's --tensor-split moves layers between GPUs, and -sm row spreads each layer's matrices", "[devices]") {
  const auto spec = fixture("meta-llama__Llama-3.3-70B-Instruct");
  auto o = llama_on({"RTX 3090", "RTX 3060"}, "Q3_K_M");
  o.tensor_split = {1, 1};
  const auto even = estimate(spec, o);
  REQUIRE(even.ok());
  const uint64_t kv_layer = even.memory.kv_cache_bytes / 80;
  CHECK(on_gpu(even, "kv_buffer_gpu", 0) == 41 * kv_layer);  // split point 0.5 over 81 slots: 0-40
  CHECK(on_gpu(even, "kv_buffer_gpu", 1) == 39 * kv_layer);
  CHECK(device_sum(even) == even.memory.total_bytes);

  o.split_mode = "row";
  o.tensor_split = {3, 1};
  const auto row = estimate(spec, o);
  REQUIRE(row.ok());
  // The weights on the GPUs are split 3 : 1 (matrices by rows; this dense model has no expert tensors to keep).
  const double w0 = static_cast<double>(row.devices[0].weights_bytes), w1 = static_cast<double>(row.devices[1].weights_bytes);
  CHECK(w0 / (w0 + w1) == Approx(0.75).epsilon(0.001));
  CHECK(device_sum(row) == row.memory.total_bytes);
  CHECK(row.memory.weights_bytes == even.memory.weights_bytes);

  o.split_mode = "none";
  const auto none = estimate(spec, o);
  REQUIRE(none.ok());
  CHECK(none.devices[1].weights_bytes == 0);
  CHECK(none.devices[1].kv_cache_bytes == 0);
}

TEST_CASE("llama.cpp's -ngl offloads the output first, then the last layers (PR 18148)", "[devices]") {
  const auto spec = fixture("meta-llama__Llama-2-7b-hf");
  auto o = llama_on({"RTX 4090"}, "Q4_K_M");
  o.gpu_layers = 10;
  const auto r = estimate(spec, o);
  REQUIRE(r.ok());
  bool seen = false;
  for (const auto& c : r.components)
    if (c.key == "model_buffer_gpu") {
      seen = true;
      CHECK(c.label == "Model buffer, GPU (9 layers + output)");
    }
  CHECK(seen);
  o.gpu_layers = 0;
  const auto cpu = estimate(spec, o);
  for (const auto& c : cpu.components) CHECK(c.key != "model_buffer_gpu");
}

TEST_CASE("a layer split reads its GPUs one after another; tensor parallel reads them at once", "[devices]") {
  const auto spec = fixture("meta-llama__Llama-2-7b-hf");
  auto one = llama_on({"RTX 4090"}, "Q8_0");
  auto two = llama_on({"RTX 4090", "RTX 4090"}, "Q8_0");
  const auto r1 = estimate(spec, one), r2 = estimate(spec, two);
  REQUIRE((r1.ok() && r2.ok()));
  // The same bytes over the same bandwidth, one GPU at a time: no faster, and one GPU boundary slower (the tied
  // copy and KV are the same).
  CHECK(r2.speed.decode_tokens_per_s < r1.speed.decode_tokens_per_s);
  CHECK(r2.speed.decode_tokens_per_s > 0.9 * r1.speed.decode_tokens_per_s);
  // Prefill: the 8192-token prompt's k = 16 ubatches of 512 pipelined over 2 GPUs take k + 1 stages of half a pass.
  const double k = std::ceil(static_cast<double>(r1.speed.prompt_tokens) / static_cast<double>(r1.n_ubatch));
  CHECK(k == 16);
  CHECK(r2.speed.prefill_tokens_per_s == Approx(r1.speed.prefill_tokens_per_s * 2 * k / (k + 1)).epsilon(0.001));
  // A 4090 beside a 3060: the 3060's share is read at its bandwidth, so slower than two 4090s.
  const auto mixed = estimate(spec, llama_on({"RTX 4090", "RTX 3060"}, "Q8_0"));
  REQUIRE(mixed.ok());
  CHECK(mixed.speed.decode_tokens_per_s < r2.speed.decode_tokens_per_s);
  // vLLM's tensor parallel over two GPUs reads both at once: about twice one GPU's speed.
  estimate_options v;
  v.runtime = "vllm";
  v.gpu = "H100 SXM";
  const auto v1 = estimate(spec, v);
  v.gpus = 2;
  const auto v2 = estimate(spec, v);
  REQUIRE((v1.ok() && v2.ok()));
  CHECK(v2.speed.decode_tokens_per_s == Approx(2 * v1.speed.decode_tokens_per_s).epsilon(0.01));
}

TEST_CASE("vLLM over unequal GPUs: every rank the same shard, the smallest GPU's budget sets the KV pool", "[devices]") {
  const auto spec = fixture("meta-llama__Llama-2-7b-hf");
  estimate_options v;
  v.runtime = "vllm";
  v.gpu = "RTX 4090";
  v.gpu_list = {"RTX 4090", "RTX 3060"};
  const auto r = estimate(spec, v);
  REQUIRE(r.ok());
  REQUIRE(r.vllm);
  CHECK(r.vllm->gpu == "NVIDIA GeForce RTX 3060");
  CHECK(r.devices[0].total_bytes == r.devices[1].total_bytes + r.memory.weights_bytes % 2);
  CHECK(r.devices[1].headroom_bytes < r.devices[0].headroom_bytes);
}

TEST_CASE("bad splits and layouts are refused by name, with what would work", "[devices]") {
  const auto spec = fixture("meta-llama__Llama-2-7b-hf");
  auto o = llama_on({"RTX 3090", "RTX 3060"});
  o.tensor_split = {3, 1, 1};
  auto r = estimate(spec, o);
  REQUIRE(find_issue(r, "invalid_tensor_split"));
  CHECK(find_issue(r, "invalid_tensor_split")->field == "tensor_split");
  CHECK(find_issue(r, "invalid_tensor_split")->message.find("3 shares for 2 GPUs") != std::string::npos);
  for (const auto& bad : std::vector<std::vector<double>>{{0, 0}, {-1, 2}, {std::nan(""), 1}}) {
    o.tensor_split = bad;
    CHECK(find_issue(estimate(spec, o), "invalid_tensor_split"));
  }
  // A share of 0 is llama.cpp's to take, but leaves the GPU idle: a warning, not a refusal.
  o.tensor_split = {1, 0};
  r = estimate(spec, o);
  CHECK(r.ok());
  CHECK(find_issue(r, "split_leaves_gpu_empty"));
  // An unknown GPU in the list, and a count that contradicts it.
  auto u = llama_on({"RTX 3090", "RTX 9999 Imaginary"});
  CHECK(find_issue(estimate(spec, u), "unknown_gpu"));
  auto c = llama_on({"RTX 3090", "RTX 3060"});
  c.gpus = 3;
  CHECK(find_issue(estimate(spec, c), "invalid_gpus"));
  // vLLM's tensor parallel size must divide the 32 heads: 3 GPUs do not; TP 1 x PP 3 is offered.
  estimate_options v;
  v.runtime = "vllm";
  v.gpu = "H100 SXM";
  v.gpus = 3;
  r = estimate(spec, v);
  REQUIRE(find_issue(r, "tensor_parallel_indivisible"));
  CHECK(find_issue(r, "tensor_parallel_indivisible")->message.find("TP 1 x PP 3") != std::string::npos);
}

TEST_CASE("a split over a list reaches the report and the command, from every spelling of the request", "[devices]") {
  for (const json gpu : {json::array({"RTX 3090", "RTX 3060"}), json("RTX 3090, RTX 3060")}) {
    const json req = {{"config", fixture_text("meta-llama__Llama-3.3-70B-Instruct")}, {"runtime", "llama.cpp"}, {"quantization", "Q3_K_M"},
                      {"context_tokens", 8192}, {"gpu", gpu}, {"tensor_split", "2.5,1"}};
    const json r = json::parse(estimate_json(req.dump()));
    INFO(r["issues"].dump());
    REQUIRE(r["devices"].size() == 3);
    CHECK(r["devices"][1]["gpu"] == "NVIDIA GeForce RTX 3060");
    CHECK(r["devices"][1]["index"] == 1);
    CHECK(r["devices"][2]["kind"] == "host");
    CHECK(r["verdict"]["gpu_list"] == json::array({"NVIDIA GeForce RTX 3090", "NVIDIA GeForce RTX 3060"}));
    CHECK(r["verdict"].contains("tightest_gpu"));
    const std::string cmd = r["commands"][0]["command"];
    CHECK(cmd.find("--split-mode layer --tensor-split 2.5,1") != std::string::npos);
  }
  // A JSON array of anything but names is refused by name.
  const json bad = {{"config", fixture_text("meta-llama__Llama-2-7b-hf")}, {"gpu", json::array({1, 2})}};
  const json r = json::parse(estimate_json(bad.dump()));
  REQUIRE(!r["issues"].empty());
  CHECK(r["issues"][0]["field"] == "gpu");
}

TEST_CASE("llama.cpp's --override-tensor places tensors by name: exps=CPU is --n-cpu-moe of every layer, and the bytes are conserved", "[devices]") {
  const auto spec = fixture("Qwen__Qwen3-30B-A3B");
  auto o = llama_on({"RTX 3060"});
  const auto all_gpu = estimate(spec, o);
  o.n_cpu_moe = 48;
  const auto ncmoe = estimate(spec, o);
  o.n_cpu_moe = 0;
  o.override_tensor = {"\\.ffn_(up|down|gate)_exps\\.=CPU"};
  const auto ot = estimate(spec, o);
  REQUIRE((all_gpu.ok() && ncmoe.ok() && ot.ok()));
  auto bytes = [](const estimate_result& r, std::string_view key) {
    uint64_t sum = 0;
    for (const auto& c : r.components)
      if (c.key == key) sum += c.bytes;
    return sum;
  };
  CHECK(bytes(ot, "model_buffer_host") == bytes(ncmoe, "model_buffer_host"));
  CHECK(bytes(ot, "model_buffer_gpu") == bytes(ncmoe, "model_buffer_gpu"));
  CHECK(bytes(ot, "model_buffer_host") + bytes(ot, "model_buffer_gpu") == bytes(all_gpu, "model_buffer_host") + bytes(all_gpu, "model_buffer_gpu"));
  CHECK(ot.speed.decode_tokens_per_s == Approx(ncmoe.speed.decode_tokens_per_s));
  CHECK(ot.chosen.fits);
  CHECK_FALSE(all_gpu.chosen.gpu_fits);
  // The first override that matches wins: the experts of layers 0-9 to the CPU, then the rest of them left alone.
  o.override_tensor = {"blk\\.[0-9]\\.ffn_.*_exps=CPU", "exps=CUDA0"};
  o.n_cpu_moe = 0;
  const auto first = estimate(spec, o);
  REQUIRE(first.ok());
  o.override_tensor.clear();
  o.n_cpu_moe = 10;
  const auto ten = estimate(spec, o);
  CHECK(bytes(first, "model_buffer_host") == bytes(ten, "model_buffer_host"));
  // Two GPUs: the experts of the last layers sent to the second GPU, wherever the split put their layers.
  auto two = llama_on({"RTX 4090", "RTX 3060"});
  const auto split = estimate(spec, two);
  two.override_tensor = {"blk\\.(4[0-7])\\.ffn_.*_exps=CUDA1", "blk\\.(3[0-9])\\.ffn_.*_exps=CPU"};
  const auto moved = estimate(spec, two);
  REQUIRE((split.ok() && moved.ok()));
  CHECK(device_sum(moved) == moved.memory.total_bytes);
  CHECK(moved.memory.weights_bytes == split.memory.weights_bytes);
  CHECK(moved.devices[0].weights_bytes < split.devices[0].weights_bytes);
  CHECK(moved.devices[2].weights_bytes > split.devices[2].weights_bytes);  // the host
  // The command carries it, quoted for the shell.
  const json req = {{"config", fixture_text("Qwen__Qwen3-30B-A3B")}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"gpu", "RTX 3060"},
                    {"override_tensor", "exps=CPU"}};
  const json r = json::parse(estimate_json(req.dump()));
  CHECK(r["commands"][0]["command"].get<std::string>().find(" -ot 'exps=CPU'") != std::string::npos);
}

TEST_CASE("llama.cpp's --override-tensor mistakes: a pattern it cannot read, a device past the GPUs, a pattern that finds nothing", "[devices]") {
  const auto spec = fixture("Qwen__Qwen3-30B-A3B");
  auto o = llama_on({"RTX 3060"});
  for (const auto& [bad, says] : std::vector<std::pair<std::string, std::string>>{
           {"(exps=CPU", "( is not closed"}, {"exps=CUDA1", "the request has 1 GPU"}, {"exps", "REGEX=DEVICE"}, {"exps=Disk", "not a device"}, {"(a|a)*b\\1=CPU", "backreferences"}}) {
    o.override_tensor = {bad};
    const auto r = estimate(spec, o);
    INFO(bad);
    REQUIRE(find_issue(r, "invalid_override_tensor"));
    CHECK(find_issue(r, "invalid_override_tensor")->field == "override_tensor");
    CHECK(find_issue(r, "invalid_override_tensor")->message.find(says) != std::string::npos);
  }
  o.override_tensor = {"ffn_up_experts=CPU"};
  const auto r = estimate(spec, o);
  CHECK(r.ok());
  REQUIRE(find_issue(r, "override_tensor_matches_nothing"));
  CHECK(find_issue(r, "override_tensor_matches_nothing")->message.find("blk.0.ffn_up_exps.weight") != std::string::npos);
  // Without a GGUF file type there are no tensor names to match.
  o.quantization = "fp16";
  o.override_tensor = {"exps=CPU"};
  CHECK(find_issue(estimate(spec, o), "invalid_override_tensor"));
}

TEST_CASE("a cluster on vLLM: DeepSeek-V3 on 2 x 8 H100 at TP 8 x PP 2, stages as get_pp_indices cuts them", "[devices][cluster]") {
  const auto spec = fixture("deepseek-ai__DeepSeek-V3");
  estimate_options o;
  o.runtime = "vllm";
  o.gpu = "H100 SXM";
  o.gpus = 8;
  o.nodes = 2;
  o.context_tokens = 32768;
  o.interconnect = "infiniband-ndr";
  const auto r = estimate(spec, o);
  REQUIRE(r.ok());
  CHECK(r.gpus == 16);
  CHECK(r.tensor_parallel == 8);
  CHECK(r.pipeline_parallel == 2);
  // 61 layers over 2 stages: [31, 30] (the remainder to the stage before the last).
  std::vector<std::string> labels;
  for (const auto& c : r.components)
    if (c.key == "weights") labels.push_back(c.label);
  REQUIRE(labels.size() == 2);
  CHECK(labels[0].find("layers 0-30 + embedding") != std::string::npos);
  CHECK(labels[1].find("layers 31-60 + head") != std::string::npos);
  // Each GPU of a stage holds the same; the machines are the stages; the bytes add up.
  CHECK(r.devices[0].total_bytes == r.devices[7].total_bytes);
  CHECK(r.devices[7].node == 0);
  CHECK(r.devices[8].node == 1);
  CHECK(device_sum(r) == r.memory.total_bytes);
  // MLA's latent is whole on every rank: the stage's cache is not divided by TP.
  const uint64_t latent = 2ull * (512 + 64);  // kv_lora_rank + rope dims, bf16
  CHECK(r.devices[0].kv_cache_bytes == 31ull * latent * 32768);
  // The KV pool is the tightest stage's: the second, whose GPUs hold the head (30 layers of blocks).
  REQUIRE(r.vllm);
  CHECK(r.vllm->block_bytes == 30ull * latent * 16);
  CHECK(r.devices[8].weights_bytes > r.devices[0].weights_bytes);
  CHECK(r.speed.interconnect_bytes == 7168ull * 2);  // one bf16 hidden state across the machines per token
  const json req = {{"config", fixture_text("deepseek-ai__DeepSeek-V3")}, {"runtime", "vllm"}, {"gpu", "H100 SXM"}, {"gpus", 8}, {"nodes", 2}};
  const std::string cmd = json::parse(estimate_json(req.dump()))["commands"][0]["command"];
  CHECK(cmd.find("ray start --head") != std::string::npos);
  CHECK(cmd.find("--tensor-parallel-size 8 --pipeline-parallel-size 2 --distributed-executor-backend ray") != std::string::npos);
}

TEST_CASE("a cluster's mistakes: a layout that is not the GPUs, one machine's runtime, NVLink between machines", "[devices][cluster]") {
  const auto spec = fixture("meta-llama__Llama-3.3-70B-Instruct");
  estimate_options o;
  o.runtime = "vllm";
  o.gpu = "H100 SXM";
  o.gpus = 8;
  o.nodes = 2;
  o.tensor_parallel = 8;
  o.pipeline_parallel = 3;
  auto r = estimate(spec, o);
  REQUIRE(find_issue(r, "invalid_layout"));
  CHECK(find_issue(r, "invalid_layout")->message.find("TP 8 x PP 2") != std::string::npos);
  o.tensor_parallel = 0, o.pipeline_parallel = 0;
  o.interconnect = "nvlink4";
  CHECK(find_issue(estimate(spec, o), "interconnect_not_between_nodes"));
  o.interconnect = "carrier-pigeon";
  CHECK(find_issue(estimate(spec, o), "invalid_request"));
  o.interconnect.clear();
  o.runtime = "transformers";
  CHECK(find_issue(estimate(spec, o), "runtime_one_machine"));
  o.runtime = "vllm";
  o.tensor_parallel = 1;  // PP 16 over 80 layers works; PP 96 would not
  CHECK(estimate(spec, o).ok());
  o.gpus = 48;
  CHECK(find_issue(estimate(spec, o), "invalid_layout"));
}

TEST_CASE("llama.cpp over machines is its RPC backend: the layer split over every machine's GPUs", "[devices][cluster]") {
  const auto spec = fixture("meta-llama__Llama-3.3-70B-Instruct");
  auto o = llama_on({"RTX 3090"}, "Q4_K_M");
  o.nodes = 2;
  const auto r = estimate(spec, o);
  REQUIRE(r.ok());
  CHECK(r.gpus == 2);
  CHECK(r.devices[1].node == 1);
  CHECK(on_gpu(r, "kv_buffer_gpu", 0) > 0);
  CHECK(on_gpu(r, "kv_buffer_gpu", 1) > 0);
  const json req = {{"config", fixture_text("meta-llama__Llama-3.3-70B-Instruct")}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"gpu", "RTX 3090"}, {"nodes", 2}};
  const std::string cmd = json::parse(estimate_json(req.dump()))["commands"][0]["command"];
  CHECK(cmd.find("rpc-server --host 0.0.0.0 --port 50052") != std::string::npos);
  CHECK(cmd.find("--rpc HOST1:50052") != std::string::npos);
}

TEST_CASE("exo over four Macs: layers by memory share (largest remainder), tensor sharding's divisibility", "[devices][cluster]") {
  const auto spec = fixture("deepseek-ai__DeepSeek-V3");
  estimate_options o;
  o.runtime = "exo";
  o.quantization = "mlx-4bit";
  o.gpu = "M4 Max 128GB";
  o.nodes = 4;
  o.context_tokens = 8192;
  const auto r = estimate(spec, o);
  REQUIRE(r.ok());
  std::vector<std::string> labels;
  for (const auto& c : r.components)
    if (c.key == "weights") labels.push_back(c.label);
  REQUIRE(labels.size() == 4);  // 61 layers: 15.25 each, the remainder to the first
  CHECK(labels[0].find("layers 0-15 + embedding") != std::string::npos);
  CHECK(labels[3].find("layers 46-60 + head") != std::string::npos);
  CHECK(device_sum(r) == r.memory.total_bytes);
  // Each Mac against its own memory: the tightest sets the verdict.
  CHECK(r.chosen.headroom_bytes == std::min({r.devices[0].headroom_bytes, r.devices[1].headroom_bytes, r.devices[2].headroom_bytes, r.devices[3].headroom_bytes}));
  // Tensor sharding over 3 machines: 7168 does not divide by 3.
  o.nodes = 3;
  o.tensor_parallel = 3;
  CHECK(find_issue(estimate(spec, o), "tensor_parallel_indivisible"));
  o.nodes = 4;
  o.tensor_parallel = 4;
  const auto t = estimate(spec, o);
  REQUIRE(t.ok());
  CHECK(t.devices[0].weights_bytes == t.devices[3].weights_bytes);
}

TEST_CASE("SGLang: its default mem_fraction_static, and its token pool against two published launches", "[devices][sglang]") {
  auto fraction = [](const char* gpu, uint64_t gpus) {
    estimate_options o;
    o.runtime = "sglang";
    o.gpu = gpu;
    o.gpus = gpus;
    const auto r = estimate(fixture("meta-llama__Llama-3.3-70B-Instruct"), o);
    REQUIRE(r.vllm);
    return r.vllm->gpu_memory_utilization;
  };
  // server_args.py _handle_gpu_memory_settings as tests/fixtures/SOURCES.md quotes it (H100: 80 GiB here, 81,559 MiB
  // as nvidia-smi has it: the third decimal may differ by one).
  CHECK(fraction("H100 SXM", 1) == Approx(0.835).margin(0.0011));
  CHECK(fraction("H100 SXM", 8) == Approx(0.818).margin(0.0011));
  CHECK(fraction("H200", 8) == Approx(0.897).margin(0.0011));
  // sglang PR 11716's log: an 80-layer, 8-KV-head model (Llama-3.x-70B) in bf16 on 8 x H200 (143,771 MiB), the default
  // fraction: "KV Cache is allocated. #tokens: 2795207".
  estimate_options o;
  o.runtime = "sglang";
  o.gpu = "H200";
  o.gpus = 8;
  o.gpu_memory_bytes = 143771ull << 20;
  const auto r = estimate(fixture("meta-llama__Llama-3.3-70B-Instruct"), o);
  REQUIRE(r.vllm);
  const double err = (static_cast<double>(r.vllm->kv_tokens) - 2795207.0) / 2795207.0 * 100;
  std::printf("SGLang, Llama-3.x-70B on 8 x H200: %llu tokens, logged 2795207: %+.3f%%\n", static_cast<unsigned long long>(r.vllm->kv_tokens), err);
  CHECK(std::fabs(err) < 0.5);
  CHECK(r.vllm->block_bytes == 80ull * 2 * 128 * 2);  // one KV head per rank, K and V, bf16
  // vllm#21348: Qwen3-235B-A22B-FP8 on 4 x H100 (81,559 MiB) at --mem-fraction-static 0.93: "#tokens: 367404".
  estimate_options q;
  q.runtime = "sglang";
  q.gpu = "H100 SXM";
  q.gpus = 4;
  q.gpu_memory_bytes = 81559ull << 20;
  q.gpu_memory_utilization = 0.93;
  q.quantization = "fp8";
  const auto big = estimate(fixture("Qwen__Qwen3-235B-A22B"), q);
  REQUIRE(big.vllm);
  const double qerr = (static_cast<double>(big.vllm->kv_tokens) - 367404.0) / 367404.0 * 100;
  std::printf("SGLang, Qwen3-235B-A22B-FP8 on 4 x H100: %llu tokens, logged 367404: %+.3f%%\n", static_cast<unsigned long long>(big.vllm->kv_tokens), qerr);
  CHECK(std::fabs(qerr) < 5);
  CHECK(big.vllm->block_bytes == 94ull * 1 * 128 * 2 * 2);
  const json req = {{"config", fixture_text("meta-llama__Llama-3.3-70B-Instruct")}, {"runtime", "sglang"}, {"gpu", "H100 SXM"}, {"gpus", 8}, {"nodes", 2}};
  const std::string cmd = json::parse(estimate_json(req.dump()))["commands"][0]["command"];
  CHECK(cmd.find("python -m sglang.launch_server") == 0);
  CHECK(cmd.find("--tp 16 --nnodes 2 --node-rank K --dist-init-addr HEAD_IP:5000") != std::string::npos);
}

// SGLang's request table (issue #17): its rows by the rule of model_runner.py init_memory_pool, against the
// "max_total_num_tokens=..., max_running_requests=..., context_len=..." lines of published start-up logs
// (tests/fixtures/SOURCES.md), and its bytes, out of what mem_fraction_static keeps back, in the estimate.
static const memory_component* find_component(const estimate_result& r, const std::string& key) {
  for (const auto& c : r.components)
    if (c.key == key) return &c;
  return nullptr;
}

TEST_CASE("SGLang's request table: running requests by the pool and the context, int32 slots per request", "[devices][sglang]") {
  struct line { uint64_t tokens, context, requests; };
  for (const line l : {line{665690, 65536, 4096}, {104273, 40960, 2048}, {725101, 262144, 2048}, {181721, 196608, 2048},
                       {2642170, 32768, 4096}, {294999, 163840, 2048}, {392920, 40960, 4096}})
    CHECK(sglang_running_requests(l.tokens, l.context, 0) == l.requests);
  CHECK(sglang_running_requests(665690, 65536, 64) == 64);  // --max-running-requests
  estimate_options o;
  o.runtime = "sglang";
  o.gpu = "H200";
  o.gpus = 8;
  o.context_tokens = 131072;
  const auto r = estimate(fixture("meta-llama__Llama-3.3-70B-Instruct"), o);
  REQUIRE(r.vllm);
  // about 2.8M pool tokens / 131072 x 512 = 10,9xx: capped at 4096 rows (+ the padding row) of 131076 int32 slots
  CHECK(r.vllm->max_num_seqs == 4096);
  const memory_component* table = find_component(r, "request_table");
  REQUIRE(table);
  CHECK(table->bytes == 4097ull * 131076 * 4);
  const memory_component* rest = find_component(r, "reserve");
  REQUIRE(rest);
  o.max_num_seqs = 64;
  const auto few = estimate(fixture("meta-llama__Llama-3.3-70B-Instruct"), o);
  CHECK(find_component(few, "request_table")->bytes == 65ull * 131076 * 4);
  // the table and the rest together are what the fraction keeps back, whatever the rows
  CHECK(find_component(few, "request_table")->bytes + find_component(few, "reserve")->bytes == table->bytes + rest->bytes);
  const json req = {{"config", fixture_text("meta-llama__Llama-3.3-70B-Instruct")}, {"runtime", "sglang"}, {"gpu", "H200"}, {"gpus", 8}, {"max_running_requests", 64}};
  const json out = json::parse(estimate_json(req.dump()));
  CHECK(out["commands"][0]["command"].get<std::string>().find("--max-running-requests 64") != std::string::npos);
  // a table larger than what the fraction keeps back is said
  o.max_num_seqs = 60000;
  o.context_tokens = 131072;
  const auto huge = estimate(fixture("meta-llama__Llama-3.3-70B-Instruct"), o);
  bool said = false;
  for (const auto& i : huge.issues) said = said || i.code == "request_table_exceeds_reserve";
  CHECK(said);
}

TEST_CASE("the fewest machines that hold a model: Kimi-K2 at 128K tokens needs two of 8 x H200 (its deployment guide's 16 GPUs)", "[devices][cluster]") {
  const json req = {{"config", fixture_text("moonshotai__Kimi-K2-Instruct")}, {"runtime", "vllm"}, {"gpu", "H200"}, {"gpus", 8},
                    {"context_tokens", 131072}, {"gpu_memory_utilization", 0.85}};
  const json r = json::parse(estimate_json(req.dump()));
  CHECK(r["verdict"]["fit"] == "no");
  CHECK(r["solver"]["fewest_nodes"] == 2);
  bool two = false;
  for (const auto& c : r["verdict"]["changes"]) two = two || (c["set"].contains("nodes") && c["set"]["nodes"] == 2 && c["fits"] == true);
  CHECK(two);
  json on_two = req;
  on_two["nodes"] = 2;
  const json r2 = json::parse(estimate_json(on_two.dump()));
  CHECK(r2["verdict"]["fit"] == "yes");
  CHECK(r2["verdict"]["hardware"] == "2 machines x 8 x H200 (TP 8 x PP 2)");
}

TEST_CASE("prefill with experts in system RAM pays their copy over PCIe for every ubatch; a larger ubatch amortises it", "[devices][speed]") {
  // llama.cpp's op offload: the GPU backend copies the host-resident expert tensors (all experts of a layer) to the
  // GPU for every ubatch of 32 tokens or more, and multiplies them there.
  const auto spec = fixture("Qwen__Qwen3-30B-A3B");
  auto o = llama_on({"RTX 4090"});
  const auto gpu_only = estimate(spec, o);
  o.n_cpu_moe = 48;
  const auto cpu_moe = estimate(spec, o);
  o.ubatch = 4096;
  const auto big_ub = estimate(spec, o);
  REQUIRE((gpu_only.ok() && cpu_moe.ok() && big_ub.ok()));
  CHECK(gpu_only.speed.prefill_bound == "compute");
  uint64_t host_weights = 0, embd = 0;
  for (const auto& c : cpu_moe.components)
    if (c.key == "model_buffer_host") host_weights += c.bytes;
  for (const auto& c : gpu_only.components)
    if (c.key == "model_buffer_host") embd += c.bytes;  // token_embd alone: looked up on the CPU, never copied
  CHECK(cpu_moe.speed.prefill_copy_bytes == host_weights - embd);
  const double compute_s = 1.0 / gpu_only.speed.prefill_tokens_per_s;
  const double copy_s = static_cast<double>(host_weights - embd) / 32e9 / 512;  // PCIe 4.0 x16 (interconnects.cpp), -ub 512
  CHECK(1.0 / cpu_moe.speed.prefill_tokens_per_s == Approx(compute_s + copy_s).epsilon(1e-9));
  CHECK(cpu_moe.speed.prefill_bound.starts_with("PCIe (pcie4)"));
  // -ub 4096 runs as 2048 (llama.cpp's default -b caps it): a quarter of the copies per token.
  REQUIRE(big_ub.n_ubatch == 2048);
  CHECK(1.0 / big_ub.speed.prefill_tokens_per_s == Approx(compute_s * (big_ub.speed.flops_per_token / static_cast<double>(gpu_only.speed.flops_per_token)) + copy_s / 4).epsilon(1e-9));
  CHECK(big_ub.speed.prefill_tokens_per_s > 2.5 * cpu_moe.speed.prefill_tokens_per_s);
  // A unified-memory machine copies nothing.
  auto mac = llama_on({"M4 Max 128GB"});
  mac.n_cpu_moe = 48;
  const auto m = estimate(spec, mac);
  REQUIRE(m.ok());
  CHECK(m.speed.prefill_copy_bytes == 0);
}

TEST_CASE("unequal machines: the gpu list names each machine's GPUs, machine by machine; exo shares layers by memory", "[devices][cluster]") {
  // exo #957's shape of cluster: a 128 GB and a 96 GB Mac. Pipeline sharding gives each its share of the 80 layers
  // by memory (placement_utils.py allocate_layers_proportionally): 80 x 128/224 = 45.7 -> 46, and 34.
  const auto spec = fixture("meta-llama__Llama-3.3-70B-Instruct");
  estimate_options o;
  o.runtime = "exo";
  o.quantization = "mlx-8bit";
  o.context_tokens = 8192;
  o.gpu_list = {"M4 Max 128GB", "M3 Ultra 96GB"};
  o.nodes = 2;
  const auto r = estimate(spec, o);
  REQUIRE(r.ok());
  REQUIRE(r.devices.size() == 2);
  CHECK(r.gpus == 2);
  CHECK(r.devices[0].node == 0);
  CHECK(r.devices[1].node == 1);
  CHECK(r.devices[0].gpu == "Apple M4 Max 128GB");
  CHECK(r.devices[1].gpu == "Apple M3 Ultra 96GB");
  std::vector<std::string> labels;
  for (const auto& c : r.components)
    if (c.key == "weights") labels.push_back(c.label);
  REQUIRE(labels.size() == 2);
  CHECK(labels[0].find("layers 0-45") != std::string::npos);
  CHECK(labels[1].find("layers 46-79") != std::string::npos);
  CHECK(device_sum(r) == r.memory.total_bytes);
  // Two machines of two unequal GPUs each, listed machine by machine.
  estimate_options v;
  v.runtime = "llama.cpp";
  v.quantization = "Q4_K_M";
  v.gpu_list = {"RTX 4090", "RTX 3090", "RTX 3060", "RTX 3060"};
  v.nodes = 2;
  const auto rpc = estimate(spec, v);
  REQUIRE(rpc.ok());
  CHECK(rpc.gpus == 4);
  CHECK(rpc.devices[2].node == 1);
  const json words = json::parse(estimate_json(json{{"config", fixture_text("meta-llama__Llama-3.3-70B-Instruct")}, {"runtime", "exo"}, {"quantization", "mlx-8bit"},
                                                    {"gpu", {"M4 Max 128GB", "M3 Ultra 96GB"}}, {"nodes", 2}}.dump()));
  CHECK(words["verdict"]["hardware"] == "2 machines (Apple M4 Max 128GB; Apple M3 Ultra 96GB)");
  // A list that does not share out evenly is refused by name.
  v.gpu_list = {"RTX 4090", "RTX 3090", "RTX 3060"};
  const auto bad = estimate(spec, v);
  const issue* i = find_issue(bad, "invalid_nodes");
  REQUIRE(i);
  CHECK(i->message.find("gpu lists 3 GPUs for 2 machines") != std::string::npos);
}

TEST_CASE("vLLM data parallel: each replica its attention and KV pool, the routed experts sharded over every GPU", "[devices][cluster]") {
  // DeepSeek-V3 (FP8) on 8 GPUs at DP 8 with expert parallel (vLLM's data_parallel_deployment docs: it fits an 8 x
  // H200 node, not 8 x H100): every GPU holds the whole attention, embedding and dense layers and 1/8 of the routed
  // experts; TP 8 holds 1/8 of everything. MLA's latent is whole per replica, so 8 replicas hold 8 pools.
  const auto spec = fixture("deepseek-ai__DeepSeek-V3");
  estimate_options o;
  o.runtime = "vllm";
  o.gpu = "H200";
  o.gpus = 8;
  o.context_tokens = 8192;
  o.tensor_parallel = 8;
  const auto tp8 = estimate(spec, o);
  o.tensor_parallel = 0;
  o.data_parallel = 8;
  o.expert_parallel = true;
  const auto dp8 = estimate(spec, o);
  REQUIRE((tp8.ok() && dp8.ok()));
  CHECK(dp8.tensor_parallel == 1);
  CHECK(dp8.data_parallel == 8);
  auto per_gpu = [](const estimate_result& r) {
    for (const auto& c : r.components)
      if (c.key == "weights") return c.bytes;
    return uint64_t{0};
  };
  // Conserved as vLLM holds them: the experts once over the 8 GPUs, the rest once per replica.
  // TP 8's total is rest + experts, DP 8's is 8 x rest + experts: the experts come out as the bulk of the model.
  const uint64_t rest = (dp8.memory.weights_bytes - tp8.memory.weights_bytes) / 7, experts = tp8.memory.weights_bytes - rest;
  CHECK(dp8.memory.weights_bytes == per_gpu(dp8) * 8);
  CHECK(per_gpu(dp8) == rest + experts / 8 + (experts % 8 ? 1 : 0));
  CHECK(experts > tp8.memory.weights_bytes / 10 * 9);
  CHECK(per_gpu(dp8) > 90ull << 30);  // ~94 GiB: over an H100's 80
  CHECK(dp8.chosen.fits);
  CHECK(dp8.vllm->kv_tokens * 8 > 4 * tp8.vllm->kv_tokens);
  o.gpu = "H100 SXM";
  CHECK_FALSE(estimate(spec, o).chosen.fits);
  // The command, and a layout that is not the GPUs.
  const json req = {{"config", fixture_text("deepseek-ai__DeepSeek-V3")}, {"runtime", "vllm"}, {"gpu", "H200"}, {"gpus", 16}, {"nodes", 2},
                    {"data_parallel", 16}, {"expert_parallel", true}};
  const json r = json::parse(estimate_json(req.dump()));
  const std::string cmd = r["commands"][0]["command"];
  CHECK(cmd.find("--data-parallel-size 16 --enable-expert-parallel --data-parallel-size-local 8 --data-parallel-address HEAD_IP") != std::string::npos);
  CHECK(cmd.find("--headless --data-parallel-start-rank 8*K") != std::string::npos);
  o.gpu = "H200";
  o.tensor_parallel = 2;
  CHECK(find_issue(estimate(spec, o), "invalid_layout"));
  o.tensor_parallel = 0;
  o.data_parallel = 3;
  const auto three = estimate(spec, o);
  const issue* uneven = find_issue(three, "invalid_layout");
  REQUIRE(uneven);
  CHECK(uneven->field == "data_parallel");
  CHECK(uneven->message.find("it takes one of 1, 2, 4, 8") != std::string::npos);
}

TEST_CASE("SGLang's DP attention: the attention split over --tp / --dp GPUs in each group, the experts over all", "[devices][sglang]") {
  const auto spec = fixture("deepseek-ai__DeepSeek-V3");
  estimate_options o;
  o.runtime = "sglang";
  o.gpu = "H200";
  o.gpus = 8;
  o.context_tokens = 8192;
  o.batch_size = 16;
  const auto tp8 = estimate(spec, o);
  o.data_parallel = 8;
  const auto dp8 = estimate(spec, o);
  o.data_parallel = 2;
  const auto dp2 = estimate(spec, o);
  REQUIRE((tp8.ok() && dp8.ok() && dp2.ok()));
  auto bytes = [](const estimate_result& r, std::string_view key) {
    for (const auto& c : r.components)
      if (c.key == key) return c.bytes;
    return uint64_t{0};
  };
  // The experts once over the 8 GPUs, the rest over 8 / D GPUs in each of the D groups.
  const uint64_t rest = (bytes(dp8, "weights") - bytes(tp8, "weights")) * 8 / 7;
  CHECK(bytes(dp2, "weights") == Approx(static_cast<double>(bytes(tp8, "weights") + rest / 4 - rest / 8)).epsilon(1e-6));
  // MLA's latent is whole on every GPU: each group caches only its own 16 / D sequences.
  CHECK(bytes(dp8, "kv_cache") * 8 == bytes(tp8, "kv_cache"));
  const json req = {{"config", fixture_text("deepseek-ai__DeepSeek-V3")}, {"runtime", "sglang"}, {"gpu", "H200"}, {"gpus", 8}, {"data_parallel", 8}};
  const json r = json::parse(estimate_json(req.dump()));
  CHECK(r["commands"][0]["command"].get<std::string>().find("--tp 8 --dp 8 --enable-dp-attention") != std::string::npos);
  o.data_parallel = 3;
  CHECK(find_issue(estimate(spec, o), "invalid_layout"));
}

TEST_CASE("the layouts of a cluster's GPUs: DeepSeek-V3 on 2 x 8 H100 is best at TP 8 x PP 2, as its deployment guides run it", "[devices][cluster]") {
  const json req = {{"config", fixture_text("deepseek-ai__DeepSeek-V3")}, {"runtime", "vllm"}, {"gpu", "H100 SXM"}, {"gpus", 8}, {"nodes", 2}, {"context_tokens", 32768}};
  const json r = json::parse(estimate_json(req.dump()));
  const json& layouts = r["solver"]["layouts"];
  REQUIRE(layouts.size() >= 5);  // TP 1, 2, 4, 8, 16 over the 16 GPUs, and DP x TP for the MoE
  const json& best = layouts[r["solver"]["best_layout"].get<size_t>()];
  CHECK(best["tensor_parallel"] == 8);
  CHECK(best["pipeline_parallel"] == 2);
  CHECK(best["kv_tokens"] == r["vllm"]["kv_tokens"]);  // the request's own layout (the default: TP per machine, PP over machines)
  bool tp16 = false;
  for (const json& l : layouts) tp16 = tp16 || (l["tensor_parallel"] == 16 && l["fits"] == true);
  CHECK(tp16);  // fits, but its all-reduce would cross the machines: not the best
}

TEST_CASE("SGLang DP attention against a published DeepSeek-R1 worker (TP 8, DP 8, fp8 cache): the MLA cache exact, the weights printed", "[devices][sglang][published]") {
  // tests/fixtures/published/vllm-logs.json sglang-dynamo-deepseek-r1-tp8-dp8-fp8kv: 524,288 tokens in 17.16 GiB, the
  // whole MLA latent per GPU (61 layers x 576 fp8 bytes a token); weights 107.07 GiB per GPU.
  const auto spec = fixture("deepseek-ai__DeepSeek-V3");  // R1's architecture and config
  estimate_options o;
  o.runtime = "sglang";
  o.gpu = "B200";
  o.gpus = 8;
  o.data_parallel = 8;
  o.kv_cache_dtype = "fp8";
  o.context_tokens = 524'288;
  const auto r = estimate(spec, o);
  REQUIRE(r.ok());
  uint64_t kv = 0, weights = 0;
  for (const auto& c : r.components) {
    if (c.key == "kv_cache") kv = c.bytes;
    if (c.key == "weights") weights = c.bytes;
  }
  const double kv_gib = static_cast<double>(kv) / (1ull << 30), w_gib = static_cast<double>(weights) / (1ull << 30);
  std::printf("%-72s predicted %8.2f GiB  logged %8.2f GiB  error %+6.2f%%\n", "SGLang DeepSeek-R1 TP8 DP8: KV cache per GPU, 524,288 fp8 tokens", kv_gib, 17.16, (kv_gib - 17.16) / 17.16 * 100);
  std::printf("%-72s predicted %8.2f GiB  logged %8.2f GiB  error %+6.2f%%\n", "SGLang DeepSeek-R1 TP8 DP8: weights per GPU (an MTP draft or DeepEP buffers unknown)", w_gib, 107.07, (w_gib - 107.07) / 107.07 * 100);
  CHECK(std::fabs(kv_gib - 17.16) <= 0.005);
  CHECK(w_gib < 107.07);  // under: what the worker loads beyond the model's own weights is not in the estimate
  CHECK(w_gib > 107.07 * 0.8);
}

TEST_CASE("llama.cpp's -ngl places unequal layers as they are: DeepSeek-V2-Lite's dense first layer, GGUF F16 and the checkpoint's fp16 alike", "[devices]") {
  // Layer 0 is dense (first_k_dense_replace 1): 162,023,424 bytes in F16 (its own tensors, as a GGUF of that
  // layout holds them: tests/node/gguf-only.test.mjs), each MoE layer 1,169,967,104. -ngl 27 leaves layer 0 alone
  // on the host, beside token_embd (102400 x 2048 x 2).
  const auto spec = fixture("deepseek-ai__DeepSeek-V2-Lite");
  for (const char* quant : {"F16", "fp16"}) {
    INFO(quant);
    auto o = llama_on({"H100 SXM"}, quant);
    o.gpu_layers = 27;
    const auto r = estimate(spec, o);
    REQUIRE(r.ok());
    uint64_t host = 0;
    for (const auto& c : r.components)
      if (c.key == "model_buffer_host") host += c.bytes;
    CHECK(host == 162023424ull + 102400ull * 2048 * 2);
  }
}
