// LoRA adapters at inference (issue #17): what serving max_adapters adapters of rank adapter_rank takes, by the
// runtime's rule (runtimes/profile.h adapter_rule): vLLM's and SGLang's slots preallocated for every linear layer,
// llama.cpp's adapter files beside the layers they change, PEFT's unmerged adapters in transformers.
#pragma once
#include "plan.h"

namespace neuroshrink {

// Sizes them (p.adapter_bytes_per_gpu for the runtimes that take them out of a budget before the cache); false
// after an error.
bool size_adapters(plan& p);
// Their component ("adapters") and the plan's sums.
void add_adapter_components(plan& p);

}  // namespace neuroshrink
