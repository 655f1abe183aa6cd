// What other tools would say for the same model and setting (issue #18, "the numbers people print most"), each
// from its own published formula, beside this estimate, with what it leaves out: the rule of thumb of the guides
// people read (N x bytes per parameter x 1.2) and Hugging Face accelerate's estimate-memory (the Model Memory
// Calculator). Computed in the plan, written by the report.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "estimate.h"

namespace neuroshrink {

struct other_estimate {
  std::string_view tool;        // who prints it
  std::string_view what;        // "inference" / "training (Adam)"
  uint64_t bytes = 0;
  std::string formula;          // with this model's numbers
  std::string_view source;
  std::string leaves_out;       // what of this estimate it does not count, in words and bytes
};

// Empty when the estimate has no parameter count or weight format to go on.
std::vector<other_estimate> other_estimates(const estimate_result& r);

}  // namespace neuroshrink
