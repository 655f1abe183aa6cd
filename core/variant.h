// What the two builds of the core differ in, chosen at link time (core/CMakeLists.txt): variant_full.cpp links
// the GGUF planner and the training estimate; variant_first.cpp, in the page's first-estimate module, answers
// both with the issue needs_full_estimator (web/estimator.js then asks the full module), so that the first
// module stays within its 100 KB gzipped budget.
#pragma once
#include "plan.h"

namespace neuroshrink {

// A llama.cpp file type: p.r.gguf and p.weights from its GGUF plan (or a GGUF file's own tensors: p.o.file_plan,
// whose file type size_weights matched); false after an error issue.
bool size_from_gguf_plan(plan& p);
// Adds a layer-stack entry's bytes to the layers it sits in (blk: one per layer, for -ngl's slots); false when its
// layers cannot be told apart (then every layer takes an even share), and always in the first module.
bool add_layer_bytes(const model_spec& s, const tensor_entry& t, uint64_t instance_bytes, std::vector<uint64_t>& blk);
// (core/runtimes/profile.h declares profile_of: the full module has every runtime's profile, the first module
// transformers' alone; core/solver.h declares solve: the first module has no solvers, core/solver.cpp is the
// full module's.)
// The training estimate into r (core/training.cpp).
void estimate_training_variant(const model_spec& s, const model_tensors& tensors, const estimate_options& o, estimate_result& r);

}  // namespace neuroshrink
