// Cross-check against the Hub: the parameter count derived from config.json beside what the Hub says
// the checkpoint stores, with the difference explained term by term where a known rule explains it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "inventory.h"
#include "model_spec.h"

namespace neuroshrink {

struct hub_facts {
  uint64_t parameters_total = 0;         // /api/models/<id>: safetensors.total (elements stored); 0 = unknown
  uint64_t safetensors_total_bytes = 0;  // model.safetensors.index.json: metadata.total_size; 0 = unknown
};

struct hub_term {
  std::string reason;
  int64_t parameters;
};

struct hub_comparison {
  std::string source;          // "safetensors.total" or "index total_size"
  uint64_t config_parameters;  // what config.json gives: total + MTP
  uint64_t hub_parameters;     // what the Hub says (bytes / bytes per element for the index)
  int64_t difference;          // hub - config
  std::vector<hub_term> explained;
  int64_t unexplained;
  std::string verdict;         // "match", "explained", "mismatch"
  std::string message;
};

std::vector<hub_comparison> compare_with_hub(const model_spec& s, const inventory& inv, const parameter_counts& p, const hub_facts& hub);

}  // namespace neuroshrink
