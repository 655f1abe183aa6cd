// The links between GPUs and between machines, as data: what each carries per direction, whether it joins GPUs
// inside a machine or machines to each other, and its source. A cluster's estimate (nodes, tensor and pipeline
// parallel) reads the one the request names for the time its layers spend talking.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace neuroshrink {

struct interconnect_info {
  std::string_view name;            // the request's spelling: "nvlink4", "infiniband-ndr", "thunderbolt5", ...
  std::string_view description;     // "NVLink 4 (H100 / H200 SXM)" (full module only: core/variant_text.h)
  uint64_t bytes_per_s = 0;         // per direction, per GPU or per port
  bool between_nodes = false;       // a network link (else it joins GPUs of one machine)
  std::string_view source;          // (full module only)
};

std::span<const interconnect_info> interconnects();
const interconnect_info* find_interconnect(std::string_view name);  // any case; nullptr when unknown

}  // namespace neuroshrink
