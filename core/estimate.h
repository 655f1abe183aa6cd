// The memory estimate: weights, KV cache, activations and runtime overhead, and the GPUs it fits.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "formats.h"
#include "gpus.h"
#include "inventory.h"
#include "model_spec.h"

namespace neuroshrink {

struct estimate_options {
  std::string quantization;    // a weight_format name; "" = the checkpoint's own dtype (torch_dtype)
  std::string kv_cache_dtype;    // a kv_dtype name for K and V; "" = the runtime's compute dtype
  std::string kv_cache_dtype_k;  // overrides kv_cache_dtype for K alone
  std::string kv_cache_dtype_v;  // overrides kv_cache_dtype for V alone
  uint64_t context_tokens = 4096;
  uint64_t batch_size = 1;
};

struct memory_breakdown {
  uint64_t weights_bytes = 0;
  uint64_t kv_cache_bytes = 0;
  uint64_t activations_bytes = 0;
  uint64_t overhead_bytes = 0;
  uint64_t total_bytes = 0;
};

struct gpu_fit {
  const gpu_info* gpu;
  bool fits;
  int64_t headroom_bytes;  // usable_bytes(gpu) - total_bytes; negative when it does not fit
};

struct formula_note {
  std::string component;
  std::string formula;  // the arithmetic, with this model's numbers
  std::string source;
};

// The cache of a run of identical layers.
struct kv_layer_group {
  attention_kind attention;
  uint64_t window;              // sliding/chunked layers
  uint64_t layers;              // how many layers share this shape
  uint64_t bytes_per_token;     // per layer: K + V (or the MLA latent) of one token
  uint64_t cached_tokens;       // per sequence: the context, or the window when smaller
  uint64_t state_bytes;         // per layer and sequence: SSM state
  uint64_t bytes;               // the whole group at the requested context and batch
};

struct estimate_result {
  std::vector<issue> issues;
  const weight_format* format = nullptr;
  const kv_dtype* kv_k = nullptr;  // element type of the cached keys
  const kv_dtype* kv_v = nullptr;  // element type of the cached values
  bool kv_dtype_defaulted = false;
  bool format_defaulted = false;
  uint64_t context_tokens = 0;
  uint64_t batch_size = 0;
  parameter_counts parameters;
  uint64_t kv_cache_bytes_per_token = 0;  // all layers that cache a token, while within their windows
  std::vector<kv_layer_group> kv_layers;
  memory_breakdown memory;
  std::vector<gpu_fit> fits;
  std::vector<formula_note> formulas;
  bool ok() const { return !has_error(issues); }
};

// The name of the runtime the activation and overhead terms model.
inline constexpr const char* kRuntimeName = "transformers";

estimate_result estimate(const model_spec& spec, const estimate_options& options);

// Storage of one instance of a tensor in a weight format, in bytes.
uint64_t tensor_bytes(const tensor_entry& t, const weight_format& f);

}  // namespace neuroshrink
