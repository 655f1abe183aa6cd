// The solvers: for the chosen GPU (and count), the largest context, the best quantization, the fewest GPUs and
// the runtime's GPU layer count that fit. Each runs the estimate itself, so they follow every rule it does.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "estimate.h"

namespace neuroshrink {

struct solver_result {
  bool solved = false;                   // a GPU was chosen
  uint64_t max_context_tokens = 0;
  std::string_view max_context_limit;    // what bounded the search
  std::string best_quantization;         // "" when none fits
  uint64_t fewest_gpus = 0;              // 0 when 64 do not fit
  std::optional<int64_t> gpu_layers;     // the runtime's -ngl, when it has one; -1 when none fits
};

solver_result solve(const model_spec& s, const model_tensors& tensors, const estimate_options& base, const estimate_result& r);

}  // namespace neuroshrink
