// The llama.cpp profile against published CUDA load logs (tests/fixtures/published/llamacpp-logs.json:
// GitHub issue threads, quoted with their sources). Configs are the Hub config.json dimensions of the
// model each log names (written inline: the logs print the same hyperparameters, checked below). Every
// case prints predicted vs logged and the error; llama.cpp prints MiB with two decimals, so "exact"
// means within the 0.005 MiB of its rounding.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <string>

#include "estimate.h"
#include "fixture.h"

using namespace neuroshrink;

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

estimate_result run(const char* config, estimate_options o) {
  auto parsed = parse_config(config);
  REQUIRE(parsed.ok());
  o.runtime = "llama.cpp";
  auto r = estimate(parsed.spec, o);
  REQUIRE(r.ok());
  return r;
}

uint64_t bytes_of(const estimate_result& r, std::string_view key) {
  for (const auto& c : r.components)
    if (c.key == key) return c.bytes;
  return 0;
}

// Prints one comparison and returns the error in percent.
double compare(const char* what, double predicted_bytes, double logged_mib) {
  const double mib = predicted_bytes / kMiB;
  const double err = (mib - logged_mib) / logged_mib * 100.0;
  std::printf("%-72s predicted %10.2f MiB  logged %10.2f MiB  error %+7.3f%%\n", what, mib, logged_mib, err);
  return err;
}

bool exact(double predicted_bytes, double logged_mib) { return std::fabs(predicted_bytes / kMiB - logged_mib) <= 0.005 + 1e-9; }

// meta-llama/Llama-3.2-3B-Instruct config.json dimensions (the ollama log prints block_count 28,
// embedding_length 3072, feed_forward_length 8192, head_count 24, head_count_kv 8).
const char* kLlama32_3B =
    R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":3072,"intermediate_size":8192,"num_hidden_layers":28,)"
    R"("num_attention_heads":24,"num_key_value_heads":8,"head_dim":128,"vocab_size":128256,"tie_word_embeddings":true,)"
    R"("max_position_embeddings":131072,"rope_scaling":{"factor":32.0,"high_freq_factor":4.0,"low_freq_factor":1.0,)"
    R"("original_max_position_embeddings":8192,"rope_type":"llama3"},"rope_theta":500000.0,"torch_dtype":"bfloat16"})";
// Qwen/Qwen2.5-Coder-32B-Instruct (the log prints n_layer = 64).
const char* kQwen25Coder32B =
    R"({"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":5120,"intermediate_size":27648,"num_hidden_layers":64,)"
    R"("num_attention_heads":40,"num_key_value_heads":8,"vocab_size":152064,"tie_word_embeddings":false,"max_position_embeddings":32768,)"
    R"("rope_theta":1000000.0,"torch_dtype":"bfloat16"})";
// Qwen/Qwen2.5-3B (the log prints n_embd 2048, n_layer 36, n_head 16, n_head_kv 2, n_ff 11008).
const char* kQwen25_3B =
    R"({"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":2048,"intermediate_size":11008,"num_hidden_layers":36,)"
    R"("num_attention_heads":16,"num_key_value_heads":2,"vocab_size":151936,"tie_word_embeddings":true,"max_position_embeddings":32768,)"
    R"("rope_theta":1000000.0,"torch_dtype":"bfloat16"})";
// Qwen2.5-7B dimensions (28 layers, n_embd_k_gqa 512 as the log prints; DeepSeek-R1-Distill-Qwen-7B has them too).
const char* kQwen25_7B =
    R"({"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":3584,"intermediate_size":18944,"num_hidden_layers":28,)"
    R"("num_attention_heads":28,"num_key_value_heads":4,"vocab_size":152064,"tie_word_embeddings":false,"max_position_embeddings":131072,)"
    R"("rope_theta":10000.0,"torch_dtype":"bfloat16"})";
const char* kLlama31_8B =
    R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,)"
    R"("num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"tie_word_embeddings":false,"max_position_embeddings":131072,)"
    R"("rope_scaling":{"factor":8.0,"high_freq_factor":4.0,"low_freq_factor":1.0,"original_max_position_embeddings":8192,"rope_type":"llama3"},)"
    R"("rope_theta":500000.0,"torch_dtype":"bfloat16"})";

}  // namespace

TEST_CASE("ollama#8310: Llama-3.2-3B Q4_K_M, 4 sequences x 2048, flash attention off", "[llama.cpp][published]") {
  estimate_options o;
  o.quantization = "Q4_K_M";
  o.context_tokens = 2048;  // n_ctx 8192 = 4 x n_ctx_per_seq 2048
  o.batch_size = 4;
  o.flash_attention = 0;
  const auto r = run(kLlama32_3B, o);
  REQUIRE(r.n_ctx == 8192);
  // KV: 28 layers x 2 x 1024 (8 heads x 128) x 2 bytes x 8192 cells = 896 MiB.
  compare("KV buffer (CUDA0)", r.memory.kv_cache_bytes, 896.00);
  CHECK(exact(r.memory.kv_cache_bytes, 896.00));
  compare("output buffer (CUDA_Host): 4 x 128256 x 4 sequences", bytes_of(r, "output_buffer"), 2.00);
  // Model: token_embd (tied, so in the output's type Q6_K: 128256 x 3072 / 256 x 210) on the host; the
  // layers and a copy of the tied output on the GPU.
  const double host = compare("model buffer, host (CPU)", bytes_of(r, "model_buffer_host"), 308.23);
  const double gpu = compare("model buffer, GPU (CUDA0)", bytes_of(r, "model_buffer_gpu"), 1918.35);
  CHECK(std::fabs(host) < 0.05);
  CHECK(std::fabs(gpu) < 0.5);
  REQUIRE(r.gguf);
  std::printf("%-72s predicted %10.2f BPW  logged %10.2f BPW\n", "model size", r.gguf->bpw_milli() / 1000.0, 5.01);
  CHECK(std::fabs(r.gguf->tensor_bytes / (1024.0 * kMiB) - 1.87) <= 0.005);
  // The compute buffers of that build (Jan 2025): one cache shared by the 4 sequences (what --kv-unified runs
  // today), so the no-FA attention spans all 8192 cells; the f32 KQ mask of 8192 x 512 on the host beside the
  // embeddings lookup (6 + 16 MiB).
  o.kv_unified = true;
  const auto shared = run(kLlama32_3B, o);
  CHECK(shared.memory.kv_cache_bytes == r.memory.kv_cache_bytes);
  const double gpu_compute = compare("compute buffer (CUDA0), one shared cache", bytes_of(shared, "compute_buffer_gpu"), 424.00);
  const double host_compute = compare("compute buffer (CUDA_Host): embeddings + KQ mask", bytes_of(shared, "compute_buffer_host"), 22.01);
  CHECK(std::fabs(gpu_compute) < 5);
  CHECK(std::fabs(host_compute) < 0.1);
}

TEST_CASE("llama.cpp#11200: Qwen2.5-Coder-32B Q8_0, 32768 tokens, q8_0 K and V, flash attention", "[llama.cpp][published]") {
  estimate_options o;
  o.quantization = "Q8_0";
  o.context_tokens = 32768;
  o.ubatch = 256;
  o.flash_attention = 1;
  o.kv_cache_dtype = "q8_0";
  const auto r = run(kQwen25Coder32B, o);
  // KV: 64 layers x 2 x 1024 values / 32 x 34 bytes x 32768 cells = 4352 MiB (split 2788 + 1564 over two GPUs).
  compare("KV buffer, both GPUs (2788.00 + 1564.00)", r.memory.kv_cache_bytes, 4352.00);
  CHECK(exact(r.memory.kv_cache_bytes, 4352.00));
  compare("output buffer (CUDA_Host): 4 x 152064", bytes_of(r, "output_buffer"), 0.58);
  CHECK(exact(bytes_of(r, "output_buffer"), 0.58));

  // The same on the log's two RTX 3090 Ti with -ts 10,6: llama.cpp's layer split puts slots 0-40 on CUDA0 and
  // 41-63 with the output on CUDA1 (split points 0.625 and 1 over 65 slots), each layer's cache with it.
  o.gpu_list = {"RTX 3090 Ti", "RTX 3090 Ti"};
  o.tensor_split = {10, 6};
  const auto two = run(kQwen25Coder32B, o);
  auto on_gpu = [&](std::string_view key, int32_t g) {
    for (const auto& c : two.components)
      if (c.key == key && c.device == g) return c.bytes;
    return uint64_t{0};
  };
  compare("KV buffer, CUDA0 (41 layers)", on_gpu("kv_buffer_gpu", 0), 2788.00);
  compare("KV buffer, CUDA1 (23 layers)", on_gpu("kv_buffer_gpu", 1), 1564.00);
  CHECK(exact(on_gpu("kv_buffer_gpu", 0), 2788.00));
  CHECK(exact(on_gpu("kv_buffer_gpu", 1), 1564.00));
  // Pipeline parallelism (every layer and the output on two GPUs): 4 copies of each graph input. This build
  // (January 2025) reserved the KQ mask in f32 under flash attention (4 x 32 MiB on the host, the first GPU's
  // copies f32 too); the second GPU holds the output, so the logits phase, and 4 copies of the f16 mask.
  o.kq_mask_f32 = true;
  const auto old = run(kQwen25Coder32B, o);
  auto old_gpu = [&](int32_t g) {
    for (const auto& c : old.components)
      if (c.key == "compute_buffer_gpu" && c.device == g) return c.bytes;
    return uint64_t{0};
  };
  CHECK(std::fabs(compare("compute buffer, CUDA0 (pipeline parallel)", old_gpu(0), 233.00)) < 5);
  CHECK(exact(old_gpu(1), 237.51));
  CHECK(exact(bytes_of(old, "compute_buffer_host"), 133.01));
  // Today's llama.cpp reserves the mask in f16: the host holds 4 x 16 MiB + 5 MiB of embeddings.
  CHECK(exact(bytes_of(two, "compute_buffer_host"), 69.01));
  CHECK(on_gpu("compute_buffer_gpu", 1) == old_gpu(1));
  // One GPU holding the output keeps no copies: a single device's buffer is the plain peak.
  o.gpu_layers = 64;  // the output on the host: no pipeline
  const auto partial = run(kQwen25Coder32B, o);
  CHECK(bytes_of(partial, "compute_buffer_host") == 4 * 256 * 5120 + 4ull * 256 * 32768);
}

TEST_CASE("LLamaSharp#1099: Qwen2.5-3B Q8_0, f16 cache of 4096 cells", "[llama.cpp][published]") {
  estimate_options o;
  o.quantization = "Q8_0";
  o.context_tokens = 4096;
  const auto r = run(kQwen25_3B, o);
  // KV: 36 layers x 2 x 256 (2 heads x 128) x 2 bytes x 4096 = 144 MiB.
  compare("KV buffer (CUDA0)", r.memory.kv_cache_bytes, 144.00);
  CHECK(exact(r.memory.kv_cache_bytes, 144.00));
  REQUIRE(r.gguf);
  const double file = compare("file size (llama.cpp's print_info: tensor data)", r.gguf->tensor_bytes, 3.05 * 1024);
  std::printf("%-72s predicted %10.2f BPW  logged %10.2f BPW\n", "bits per weight", r.gguf->bpw_milli() / 1000.0, 8.50);
  CHECK(std::fabs(r.gguf->tensor_bytes / (1024.0 * kMiB) - 3.05) <= 0.005);
  CHECK(std::fabs(file) < 0.2);
  CHECK(r.gguf->bpw_milli() / 10 == 850);
  // The host compute buffer: the embeddings lookup (512 x 2048 f32) and the f32 KQ mask (4096 x 512): 4 + 8 MiB.
  o.flash_attention = 0;
  const double host = compare("compute buffer (CUDA_Host): embeddings + KQ mask", bytes_of(run(kQwen25_3B, o), "compute_buffer_host"), 12.01);
  CHECK(std::fabs(host) < 0.1);
}

TEST_CASE("llama-cpp-python (JamePeng#1): Qwen2.5-7B-shaped F16, f16 cache of 2048 cells", "[llama.cpp][published]") {
  estimate_options o;
  o.quantization = "fp16";
  o.context_tokens = 2048;
  const auto r = run(kQwen25_7B, o);
  // KV: 28 layers x 2 x 512 x 2 bytes x 2048 = 112 MiB.
  compare("KV buffer (CUDA0)", r.memory.kv_cache_bytes, 112.00);
  CHECK(exact(r.memory.kv_cache_bytes, 112.00));
  compare("output buffer (CUDA_Host): 4 x 152064", bytes_of(r, "output_buffer"), 0.58);
  CHECK(exact(bytes_of(r, "output_buffer"), 0.58));
  const double weights = compare("file size 14.19 GiB (model buffers together)", r.memory.weights_bytes, 14.19 * 1024);
  CHECK(std::fabs(weights) < 0.05);
}

TEST_CASE("ollama#8361: Llama-3.1-8B F16 kept in CPU_Mapped", "[llama.cpp][published]") {
  estimate_options o;
  o.quantization = "fp16";
  o.context_tokens = 2048;
  o.batch_size = 4;
  o.gpu_layers = 0;  // the bug of that thread: every weight stayed in the mapped host buffer
  const auto r = run(kLlama31_8B, o);
  const double host = compare("model buffer, host (CPU_Mapped)", bytes_of(r, "model_buffer_host"), 15317.02);
  CHECK(std::fabs(host) < 0.01);
}

// --mmproj: the projector's weights as clip.cpp's "model size" line prints them (the sum of the mmproj file's tensor
// bytes; llamacpp-logs.json gemma3-4b-mmproj-f16-cuda and qwen2.5-vl-7b-mmproj-bf16-rocm), sized from config.json
// (tests/fixtures/configs) as convert_hf_to_gguf.py --mmproj writes them, on the first GPU.
TEST_CASE("llama.cpp --mmproj from config.json: Gemma 3 4B (F16) and Qwen2.5-VL-7B (BF16) projector weights, exact to the log", "[llamacpp][published][mmproj]") {
  struct row { const char* fixture_name; const char* what; double logged_mib; };
  for (const row& c : {row{"google__gemma-3-4b-it", "gemma-3-4b-it mmproj F16, CUDA0 (llama.cpp PR 22790)", 811.79},
                       row{"Qwen__Qwen2.5-VL-7B-Instruct", "Qwen2.5-VL-7B-Instruct mmproj-BF16, ROCm0 (code index id 51961927824)", 1291.40}}) {
    estimate_options o;
    o.runtime = "llama.cpp";
    o.quantization = "Q4_K_M";
    o.mmproj = true;
    const auto r = estimate(fixture(c.fixture_name), o);
    REQUIRE(r.ok());
    const uint64_t mmproj = bytes_of(r, "vision_encoder");
    compare(c.what, static_cast<double>(mmproj), c.logged_mib);
    CHECK(exact(static_cast<double>(mmproj), c.logged_mib));
    bool on_gpu = false;
    for (const auto& comp : r.components) on_gpu = on_gpu || (comp.key == "vision_encoder" && !comp.host);
    CHECK(on_gpu);
    o.mmproj = false;
    const auto without = estimate(fixture(c.fixture_name), o);
    CHECK(r.memory.weights_bytes == without.memory.weights_bytes + mmproj);  // conserved: the model's bytes unchanged
    CHECK(r.memory.gpu_bytes == without.memory.gpu_bytes + mmproj + bytes_of(r, "vision_compute"));
  }
}

// The projector's compute buffer, reserved by clip.cpp for its warmup image (alloc_compute_meta's device line; same
// two logs): Gemma 3's 896 x 896 image (4096 positions), Qwen2.5-VL's 46 x 46 merged tokens (8464 positions), with
// flash attention. A fit (core/runtimes/llama_cpp.cpp add_projector_compute), not the allocator: its error is printed
// and bounded.
TEST_CASE("llama.cpp --mmproj compute buffer: Gemma 3 4B exact, Qwen2.5-VL-7B within 10 % of the log", "[llamacpp][published][mmproj]") {
  struct row { const char* fixture_name; const char* what; double logged_mib; double tolerance; };
  for (const row& c : {row{"google__gemma-3-4b-it", "gemma-3-4b-it clip compute buffer, CUDA0 (llama.cpp PR 22790)", 121.25, 0.01},
                       row{"Qwen__Qwen2.5-VL-7B-Instruct", "Qwen2.5-VL-7B clip compute buffer, ROCm0 (code index id 51961927824)", 704.79, 10.0}}) {
    estimate_options o;
    o.runtime = "llama.cpp";
    o.quantization = "Q4_K_M";
    o.mmproj = true;
    const auto r = estimate(fixture(c.fixture_name), o);
    REQUIRE(r.ok());
    const double err = compare(c.what, static_cast<double>(bytes_of(r, "vision_compute")), c.logged_mib);
    CHECK(std::fabs(err) <= c.tolerance);  // percent
  }
}

TEST_CASE("llama.cpp --mmproj: the file's header digest is taken as is; a text-only model says nothing is counted", "[llamacpp][mmproj]") {
  estimate_options o;
  o.runtime = "llama.cpp";
  o.quantization = "Q4_K_M";
  o.mmproj = true;
  o.mmproj_file = projector_file{"Q8_0", "qwen3vl_merger", 642'926'592, 352, true, false};
  const auto r = estimate(fixture("Qwen__Qwen3-VL-8B-Instruct"), o);
  REQUIRE(r.ok());
  CHECK(bytes_of(r, "vision_encoder") == 642'926'592ull);
  o.mmproj_file.reset();
  const auto text = estimate(fixture("meta-llama__Llama-2-7b-hf"), o);
  REQUIRE(text.ok());
  CHECK(bytes_of(text, "vision_encoder") == 0);
  bool said = false;
  for (const auto& i : text.issues) said = said || (i.code == "mmproj_none" && i.field == "mmproj");
  CHECK(said);
  // vLLM loads the tower from the checkpoint (in its weights already): mmproj changes nothing there, and says so.
  o.runtime = "vllm";
  o.quantization = "";
  const auto vllm = estimate(fixture("Qwen__Qwen3-VL-8B-Instruct"), o);
  REQUIRE(vllm.ok());
  CHECK(bytes_of(vllm, "vision_encoder") == 0);
  bool told = false;
  for (const auto& i : vllm.issues) told = told || i.code == "mmproj_not_for_runtime";
  CHECK(told);
}
