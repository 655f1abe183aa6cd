// The solvers: for the chosen GPU (and count), the largest context, the best quantization, the fewest GPUs and
// the runtime's GPU layer count that fit. Each runs the estimate itself, so they follow every rule it does.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "estimate.h"

namespace neuroshrink {

// One request option set to a value (written as a JSON number when `number`).
struct option_setting {
  std::string_view option;  // the schema's name: "quantization", "training.checkpointing"
  std::string value;
  uint64_t n = 0;       // the value when `number`
  bool number = false;
};

// A change to the request and what it gives on the chosen GPU(s): the verdict's ways to make a model fit.
struct fit_change {
  std::vector<option_setting> set;
  bool fits = false;
  int64_t headroom_bytes = 0;      // per GPU
  uint64_t host_bytes = 0;         // in system RAM (llama.cpp's CPU layers, offloaded optimizer states)
  double decode_tokens_per_s = 0;  // 0 when unknown (training, a GPU given by its memory alone)
};

// A layout of the chosen GPUs for a runtime that takes tensor and pipeline parallel sizes (vLLM): what it fits.
struct layout_option {
  uint64_t tensor_parallel = 1, pipeline_parallel = 1, data_parallel = 1;
  bool fits = false;
  uint64_t kv_tokens = 0;          // the KV pool, in tokens (per data parallel replica)
  double decode_tokens_per_s = 0;  // 0 when unknown
};

struct solver_result {
  bool solved = false;                   // a GPU was chosen
  uint64_t max_context_tokens = 0;
  std::string_view max_context_limit;    // what bounded the search
  std::string best_quantization;         // "" when none fits
  uint64_t fewest_gpus = 0;              // 0 when 64 do not fit
  uint64_t fewest_nodes = 0;             // a runtime that spans machines: the fewest of these machines that hold it (0: none up to 64, or not searched)
  std::optional<int64_t> gpu_layers;     // the runtime's -ngl, when it has one; -1 when none fits
  std::optional<int64_t> n_cpu_moe;      // llama.cpp, a MoE model that does not fit: the fewest --n-cpu-moe that fits; -1 none
  // vLLM over several GPUs: every valid TP x PP of them (and DP x TP for a MoE), and the best: of those that fit
  // with tensor parallel inside one machine, the fastest decode, then the most KV tokens; -1 when none fits.
  std::vector<layout_option> layouts;
  int64_t best_layout = -1;
  // When the request does not fit whole on the chosen GPU(s): the changes that make it fit, cheapest first
  // (a shorter context, a compact KV cache, a smaller format, layers on the CPU, more GPUs; training:
  // checkpointing, micro-batch 1, an 8-bit optimizer, LoRA, QLoRA, ZeRO-3).
  std::vector<fit_change> changes;
};

// One weight format on the chosen hardware, for the quant table: the fit at the request's context ("yes",
// "offload" with `gpu_layers` on the GPU, "no"), the largest context that fits whole, and decode speed.
struct format_on_gpu {
  std::string_view fit;
  uint64_t max_context_tokens = 0;
  int64_t gpu_layers = -1;         // the runtime's -ngl that fits, when it has one
  double decode_tokens_per_s = 0;  // as it fits (offload: with gpu_layers); 0 when unknown or no fit
};
format_on_gpu format_on_chosen(const model_spec& s, const model_tensors& tensors, const estimate_options& o, const estimate_result& r);

// Whether an estimate keeps some of the model's layers on the CPU (llama.cpp -ngl below n_layer + 1).
bool layers_on_host(const estimate_result& r);

solver_result solve(const model_spec& s, const model_tensors& tensors, const estimate_options& base, const estimate_result& r);

}  // namespace neuroshrink
