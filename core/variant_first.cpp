// The first-estimate module's side of core/variant.h: what it hands to the full module.
#include "variant.h"

#include "runtimes/profile.h"
#include "solver.h"

namespace neuroshrink {

// The default runtime only: llama.cpp, vLLM and MLX requests go to the full module.
const runtime_profile* profile_of(const runtime_info& rt) { return rt.kind == runtime_kind::transformers ? &transformers_profile() : nullptr; }

// No solvers: they need a chosen GPU, which the first module hands over (report.cpp).
solver_result solve(const model_spec&, const model_tensors&, const estimate_options&, const estimate_result&) { return {}; }

bool size_from_gguf_plan(plan& p) {
  p.r.issues.push_back({"needs_full_estimator", "quantization",
      p.f.name + ": the full estimator module answers it.", severity::error});
  return false;
}

bool add_layer_bytes(const model_spec&, const tensor_entry&, uint64_t, std::vector<uint64_t>&) { return false; }

void estimate_training_variant(const model_spec&, const model_tensors&, const estimate_options&, estimate_result& r) {
  r.issues.push_back({"needs_full_estimator", "mode", "Training: the full estimator module answers it.", severity::error});
}

}  // namespace neuroshrink
