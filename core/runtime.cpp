#include "runtime.h"

#include "variant_text.h"

#include <array>

namespace neuroshrink {
namespace {

constexpr std::array kRuntimes{
  runtime_info{runtime_kind::transformers, "transformers", "transformers (PyTorch)",
      FULL_TEXT("weights, the dynamic KV cache, prefill activations with the last-position logits upcast to fp32, the CUDA context"),
      FULL_TEXT("huggingface/transformers modeling_llama.py, cache_utils.py DynamicCache; pytorch/pytorch#86509")},
  runtime_info{runtime_kind::llama_cpp, "llama.cpp", "llama.cpp",
      FULL_TEXT("model buffers (token_embd on the host, -ngl layers on the GPU), the KV buffer padded to 256 cells with its own "
      "sliding-window sizing, the compute buffer for n_ubatch with or without flash attention, the host output buffer"),
      FULL_TEXT("ggml-org/llama.cpp src/llama-context.cpp, src/llama-kv-cache.cpp, src/llama-kv-cache-iswa.cpp, src/llama-model.cpp; "
      "measured in tests/fixtures/llamacpp/measurements.json")},
  runtime_info{runtime_kind::vllm, "vllm", "vLLM",
      FULL_TEXT("gpu_memory_utilization x memory as the budget; weights, the profiled activation peak for max_num_batched_tokens and "
      "non-torch memory come first; the rest is the paged KV cache, in tokens and concurrent requests"),
      FULL_TEXT("vllm-project/vllm vllm/v1/worker/gpu_worker.py determine_available_memory, vllm/v1/core/kv_cache_utils.py, engine/arg_utils.py")},
  runtime_info{runtime_kind::mlx, "mlx", "MLX (Apple silicon)",
      FULL_TEXT("weights and the KV cache in unified memory, no host copy; fits against Metal's recommended working set"),
      FULL_TEXT("ml-explore/mlx-lm mlx_lm/models/cache.py, generate.py; Apple MTLDevice.recommendedMaxWorkingSetSize")},
  runtime_info{runtime_kind::sglang, "sglang", "SGLang",
      FULL_TEXT("mem_fraction_static of the memory free after start-up holds the weights and the token pool it allocates at once; the rest is "
      "kept for activations and CUDA graphs; tensor parallel over every GPU, across machines with --nnodes"),
      FULL_TEXT("sgl-project/sglang python/sglang/srt/model_executor/model_runner.py profile_max_num_token, server_args.py _handle_gpu_memory_settings")},
  runtime_info{runtime_kind::exo, "exo", "exo (Apple silicon clusters)",
      FULL_TEXT("MLX on each machine; pipeline sharding gives each machine layers in proportion to its memory (tensor sharding an even "
      "slice, the hidden size and KV heads divisible by the machines); each holds its layers' weights and KV cache"),
      FULL_TEXT("exo-explore/exo src/exo/master/placement.py, placement_utils.py (allocate_layers_proportionally, tensor checks); mlx_lm cache.py")},
  runtime_info{runtime_kind::ollama, "ollama", "Ollama",
      FULL_TEXT("llama.cpp's buffers (Ollama 0.30+ runs llama-server) with Ollama's defaults: the context by the GPUs' total memory (4k, 32k, "
      "256k), one sequence, f16 cache, its batch by the context, the projector of a vision model; llama.cpp's --fit keeps 1 GiB of each GPU free"),
      FULL_TEXT("ollama/ollama server/routes.go (vram-based default context), server/sched.go (automaticGenerationBatch), llm/llama_server.go "
      "(startLlamaServer), envconfig/config.go; llama.cpp common/common.h fit_params_target")},
};

bool equal_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::span<const runtime_info> runtimes() { return kRuntimes; }

const runtime_info* find_runtime(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, runtime_kind>, 13> kAliases{{
      {"llama.cpp", runtime_kind::llama_cpp}, {"llamacpp", runtime_kind::llama_cpp}, {"llama-cpp", runtime_kind::llama_cpp},
      {"gguf", runtime_kind::llama_cpp}, {"vllm", runtime_kind::vllm}, {"transformers", runtime_kind::transformers},
      {"pytorch", runtime_kind::transformers}, {"hf", runtime_kind::transformers}, {"mlx", runtime_kind::mlx}, {"mlx-lm", runtime_kind::mlx}, {"exo", runtime_kind::exo}, {"sglang", runtime_kind::sglang}, {"ollama", runtime_kind::ollama}}};
  for (const auto& [alias, kind] : kAliases)
    if (equal_ci(alias, name))
      for (const auto& r : kRuntimes)
        if (r.kind == kind) return &r;
  return nullptr;
}

}  // namespace neuroshrink
