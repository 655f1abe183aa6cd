// The last config.json parsed, kept with its tensor inventory: the page re-estimates the same config on every
// change of an input, so the second and later requests skip the parse and the inventory. Keyed by the whole
// config text; one entry (a different config replaces it). The reports are the same bytes either way.
#pragma once
#include <string>

#include "estimate.h"
#include "model_spec.h"

namespace neuroshrink {

struct parsed_model {
  parsed_config parsed;
  model_tensors tensors;  // empty unless parsed.ok()
};

// slot 0: the model; slot 1: a draft model beside it (speculative decoding), kept apart so that neither evicts
// the other.
const parsed_model& parsed_model_for(const std::string& config_text, int slot = 0);

}  // namespace neuroshrink
