// Runtime profiles: what each inference runtime really allocates for a model, component by component and
// device by device. The table is declared once here; every constant in runtime.cpp names its source.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace neuroshrink {

enum class runtime_kind : uint8_t { transformers, llama_cpp, vllm, mlx, exo, sglang, ollama };

struct runtime_info {
  runtime_kind kind;
  std::string_view name;         // what users type: "llama.cpp"
  std::string_view label;
  std::string_view description;  // what the profile counts
  std::string_view source;
};

std::span<const runtime_info> runtimes();

struct runtime_profile;  // core/runtimes/profile.h: what the estimate asks of a runtime

// The profiles, one file each in core/runtimes/.
const runtime_profile& transformers_profile();
const runtime_profile& llama_cpp_profile();
const runtime_profile& vllm_profile();
const runtime_profile& mlx_profile();
const runtime_profile& exo_profile();
const runtime_profile& sglang_profile();
const runtime_profile& ollama_profile();
// SGLang's running requests (the rows of its request table): the one asked for, else pool tokens / context x 512
// within [2048, 4096] (model_runner.py init_memory_pool).
uint64_t sglang_running_requests(uint64_t pool_tokens, uint64_t context_tokens, uint64_t requested);
// "llama.cpp", "llamacpp", "llama-cpp", "gguf" -> llama.cpp; "vllm"; "transformers", "pytorch", "hf"; "mlx".
const runtime_info* find_runtime(std::string_view name);

// PyTorch's CUDA context with lazy module loading (CUDA_MODULE_LOADING=LAZY, PyTorch's default since
// 1.13): 287,047,680 bytes measured in pytorch/pytorch#86509 (666,632,192 bytes with eager loading).
inline constexpr uint64_t kTorchCudaContextBytes = 287'047'680;

// llama.cpp's defaults (common/common.h common_params, llama.cpp release v0.5.0 / node-llama-cpp 3.22.1):
// n_ubatch 512, n_batch 2048; the context is padded to 256 cells (src/llama-context.cpp:289-303).
inline constexpr uint64_t kLlamaDefaultUbatch = 512;
inline constexpr uint64_t kLlamaDefaultBatch = 2048;
inline constexpr uint64_t kLlamaCtxPad = 256;

// vLLM's defaults (vllm/config.py CacheConfig, SchedulerConfig; vllm/engine/arg_utils.py): 90% of the
// device's memory, 16-token KV blocks, and in the V1 engine's OpenAI server 8192 batched tokens per step
// and 256 sequences.
inline constexpr double kVllmDefaultGpuMemoryUtilization = 0.9;
inline constexpr uint64_t kVllmBlockSize = 16;
inline constexpr uint64_t kVllmDefaultMaxNumBatchedTokens = 8192;
inline constexpr uint64_t kVllmDefaultMaxNumSeqs = 256;

}  // namespace neuroshrink
