// Training and fine-tuning memory: full fine-tuning, LoRA and QLoRA, per GPU under data parallelism,
// ZeRO / FSDP sharding and CPU offload. estimate() calls it when the request's mode is "train".
#pragma once
#include <cstdint>
#include <string>

#include "estimate.h"
#include "model_spec.h"

namespace neuroshrink {

// One optimizer as the trainer runs it: state elements per trainable parameter and how they are stored.
struct optimizer_info {
  std::string_view name;         // as the CLI takes it: "adamw"
  std::string_view label;
  uint32_t states;               // state tensors per parameter (Adam: m and v)
  bool eight_bit;                // bitsandbytes block-wise 8-bit states
  bool factored;                 // Adafactor: the second moment factored into row and column vectors
  bool paged;                    // bitsandbytes paged: states in unified memory, evicted to the host under pressure
  std::string_view source;
};
const optimizer_info* find_optimizer(std::string_view name);
std::string optimizer_names();

// Fills r for a training request (o.mode == "train"): components, memory, training, fits.
void estimate_training(const model_spec& s, const model_tensors& tensors, const estimate_options& o, estimate_result& r);

}  // namespace neuroshrink
