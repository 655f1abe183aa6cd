// The weights phase of an estimate (core/weights.cpp).
#pragma once
#include "plan.h"

namespace neuroshrink {

// Sizes p.weights (and, for a llama.cpp file type, p.r.gguf); false after an error issue.
bool size_weights(plan& p);

}  // namespace neuroshrink
