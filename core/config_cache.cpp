#include "config_cache.h"

namespace neuroshrink {

const parsed_model& parsed_model_for(const std::string& config_text) {
  static std::string last_text;
  static parsed_model last;
  static bool filled = false;
  if (filled && config_text == last_text) return last;
  last.parsed = parse_config(config_text);
  last.tensors = last.parsed.ok() ? tensors_of(last.parsed.spec) : model_tensors{};
  last_text = config_text;
  filled = true;
  return last;
}

}  // namespace neuroshrink
