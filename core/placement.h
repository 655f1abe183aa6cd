// Placement: from r.components and r.memory (whose total holds one GPU's per-GPU components), the GPU and
// host shares, the total over o.gpus GPUs, devices[] and the fit on every catalogue GPU.
#pragma once
#include "estimate.h"

namespace neuroshrink {

void place_and_fit(estimate_result& r, const estimate_options& o);

// How many GPUs hold a component's bytes: each of the GPUs (per_gpu), its span of GPUs, or one (split, or the host).
uint64_t copies(const memory_component& c, uint64_t gpus);

}  // namespace neuroshrink
