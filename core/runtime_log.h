// What a runtime printed when it loaded a model, read from its log text (no I/O): llama.cpp and the programs built
// on it (llama-server, llama-cli, Ollama's runner, LM Studio, llama-cpp-python), their GGUF metadata lines, the
// context settings and every buffer per device (issue #18). The reconciliation (reconcile.h) re-runs the estimate
// with these settings and holds each buffer against the estimate's own.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "file_headers.h"
#include "issue.h"

namespace neuroshrink {

namespace log_limits {
inline constexpr uint64_t text_bytes = 8u << 20;  // a load log is tens of KB; a whole server log a few MB
inline constexpr uint64_t line_bytes = 1u << 16;  // longer lines (a printed vocabulary) are skipped
inline constexpr uint64_t buffers = 4096;         // buffer lines kept
}  // namespace log_limits

// One "<device> <kind> buffer size = N MiB" line (several for one device, e.g. the two caches of an iSWA model,
// are kept apart and summed by the reconciliation).
struct log_buffer {
  std::string kind;    // "model", "kv" (KV and recurrent RS), "compute", "output"
  std::string device;  // as printed: "CPU", "CPU_Mapped", "CPU_REPACK", "CUDA0", "CUDA_Host", "ROCm1", "Metal", ...
  uint64_t bytes = 0;  // the MiB printed x 2^20, rounded (llama.cpp prints two decimals: +-5,243 bytes)
};

// What vLLM printed at start (V0 worker.py "Memory profiling results" / "takes"; V1 gpu_worker.py,
// gpu_model_runner.py, kv_cache_utils.py): the GPU, the budget and what took it. Bytes from the GiB printed (two
// decimals: +-5.4 MB); -1 where a figure was not printed.
struct vllm_log {
  bool seen = false;
  int64_t total_bytes = -1, weights_bytes = -1, non_torch_bytes = -1, activation_bytes = -1, kv_bytes = -1, cuda_graph_bytes = -1;
  double utilization = 0;
  uint64_t blocks = 0, kv_tokens = 0, max_model_len = 0, tensor_parallel = 0, pipeline_parallel = 0;
  std::string model, dtype, quantization, kv_cache_dtype, version;
  bool v0 = false;  // the V0 engine (worker.py, executor_base.py, "V0 LLM engine")
  bool non_torch_whole = false;  // the "Memory profiling results" table (v0.6.4): non_torch_memory is all the GPU's used memory outside PyTorch
};

// What SGLang printed at start (model_runner.py): the weights' "mem usage" per GPU, the token pool ("KV Cache is
// allocated. #tokens: N, K size / KV size"), the scheduler's line (max_total_num_tokens, max_running_requests,
// context_len, available_gpu_mem), the CUDA graphs' "mem usage", and server_args' tp / dp / mem_fraction_static.
struct sglang_log {
  bool seen = false;
  int64_t weights_bytes = -1, kv_bytes = -1, cuda_graph_bytes = -1, available_bytes = -1;
  uint64_t pool_tokens = 0, running_requests = 0, context_len = 0, tp = 0, dp = 0;
  double mem_fraction_static = 0;
  std::string kv_cache_dtype;
};

// One row of llama.cpp's memory breakdown table (common_memory_breakdown_print, before it llama_memory_breakdown_print:
// "| - CUDA0 (RTX 3090) | 24576 = 11121 + (13424 = 11876 + 516 + 1032) + 30 |", "| - Host | 316 = 304 + 0 + 12 |"),
// in whole MiB as printed. A device row has its total, free and unaccounted (total - free - self: the backend's
// context, the driver, other processes); the host and the other buffer types (CPU_REPACK) only self = model +
// context (the KV cache) + compute. The output buffer is in none of them.
struct log_breakdown {
  std::string name;         // "CUDA0 (RTX 3090)", "Host", "CPU_REPACK"
  bool device = false;      // a GPU row (total, free, unaccounted printed)
  int64_t total = 0, free = 0, self = 0, model = 0, context = 0, compute = 0, unaccounted = 0;  // MiB
};

struct runtime_log {
  std::string program;            // "llama.cpp", "ollama", "lm studio", "llama-server"
  file_header metadata;           // the "- kv N: key type = value" lines, as a header without tensors
  uint64_t metadata_lines = 0;
  bool metadata_from_print_info = false;  // no "- kv" dump: the hyperparameters print_info printed, as those keys
  uint64_t n_tensors = 0;         // "loaded meta data with K key-value pairs and N tensors"
  std::string file_type;          // llama-quantize's name ("Q4_K_M"), from general.file_type or "file type = ..."
  // The context, as llama_context printed it (0 / -1: not printed).
  uint64_t n_ctx = 0, n_ctx_seq = 0, n_seq_max = 0, n_batch = 0, n_ubatch = 0;
  int flash_attention = -1;       // 0 off, 1 on
  int kv_unified = -1;
  std::string type_k, type_v;     // "f16", "q8_0"
  int64_t gpu_layers = -1;        // "offloaded N/M layers to GPU"
  uint64_t layers_total = 0;
  std::vector<std::string> gpu_names;          // "Device 0: NVIDIA GeForce RTX 4090" / "using device CUDA0 (...)"
  std::vector<uint64_t> gpu_free_mib;          // "- 23008 MiB free", per GPU, when printed
  std::vector<log_buffer> buffers;
  // The last memory breakdown table printed: the one at teardown describes the run (--fit prints others, of trial
  // parameters, before it).
  std::vector<log_breakdown> breakdown;
  bool sizes_from_breakdown = false;  // (the reconciliation's: no buffer lines, the table's rows stand for them)
  vllm_log vllm;
  sglang_log sglang;
  uint64_t lines_read = 0;
  // Printed by a llama.cpp old enough to name its functions llama_new_context_with_model, llama_kv_cache_init or
  // llm_load_* (renamed in spring 2025): it reserved the KQ mask in f32 under flash attention too (PR #23764, May
  // 2026, made it f16). A newer log cannot say which side of that change it is on.
  bool old_names = false;
  uint64_t build = 0;             // the build number printed ("build      : b8185-2afcdb977", "build: 4462 (c05e8c99)"); 0: none
  bool second_model = false;      // a second load (a draft model, a reload): only the first is read
  std::vector<issue> issues;
};

// Never fails: what the text does not say stays unset, and an issue says what was missing.
runtime_log read_runtime_log(std::string_view text);

// llama_model_ftype_name's text ("Q4_K - Medium", "IQ4_XS - 4.25 bpw", "MXFP4 MoE") as llama-quantize's name.
std::string file_type_from_description(std::string_view description);

}  // namespace neuroshrink
