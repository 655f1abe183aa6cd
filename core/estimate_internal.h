// Shared between the inference estimate (estimate.cpp) and the training estimate (training.cpp).
#pragma once
#include <cstdint>

#include "estimate.h"

namespace neuroshrink {

// PyTorch's CUDA context with lazy module loading (CUDA_MODULE_LOADING=LAZY, PyTorch's default since
// 1.13): 287,047,680 bytes measured in pytorch/pytorch#86509 (666,632,192 bytes with eager loading).
inline constexpr uint64_t kTorchCudaContextBytes = 287'047'680;

// From r.components and r.memory (whose total holds one GPU's per-GPU components): the GPU and host
// shares, the total over o.gpus GPUs, devices[] and the fit on every catalogue GPU.
void place_and_fit(estimate_result& r, const estimate_options& o);

}  // namespace neuroshrink
