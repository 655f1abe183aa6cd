// The GPU catalogue: devices a model is checked against. Declared once; read by every front end.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace neuroshrink {

struct gpu_info {
  std::string_view name;
  std::string_view vendor;        // lower case, as WebGPU's adapter.info.vendor spells it
  std::string_view architecture;  // lower case, as WebGPU's adapter.info.architecture spells it
  uint64_t memory_bytes;          // board memory as the spec sheet states it
  std::string_view source;
};

std::span<const gpu_info> gpus();  // ordered by memory_bytes, then name

}  // namespace neuroshrink
