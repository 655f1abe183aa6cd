// Placement: from r.components and r.memory (whose total holds one GPU's per-GPU components), the GPU and
// host shares, the total over o.gpus GPUs, devices[] and the fit on every catalogue GPU.
#pragma once
#include "estimate.h"

namespace neuroshrink {

void place_and_fit(estimate_result& r, const estimate_options& o);

}  // namespace neuroshrink
