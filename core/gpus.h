// The GPU catalogue: devices a model is checked against. Declared once; read by every front end.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace neuroshrink {

struct gpu_info {
  std::string_view name;  // (a request's custom GPU: "custom GPU")
  std::string_view vendor;        // lower case, as WebGPU's adapter.info.vendor spells it ("nvidia", "amd", "intel", "apple")
  std::string_view architecture;  // lower-case family key ("ampere", "ada", "rdna-3", "apple-m2"); the page maps
                                  // adapter.info.architecture onto it (Dawn may say "lovelace" for "ada")
  uint64_t memory_bytes;          // board memory as the spec sheet states it
  uint64_t bandwidth_bytes_per_s; // memory bandwidth
  uint64_t fp16_flops_per_s;      // dense FP16/BF16 tensor throughput; 0 = not in this catalogue
  bool unified_memory;            // memory shared with the CPU (Apple silicon, DGX Spark, Jetson, Ryzen AI Max, MI300A)
  bool hbm;                       // stacked HBM (the data-centre parts): llama.cpp's single stream reaches less of it
  std::string_view source;
};

std::span<const gpu_info> gpus();  // ordered by memory_bytes, then name

// What a model can occupy on the device: all of a discrete card's memory; on unified memory, the share
// the platform lets the GPU have (Apple: Metal's recommendedMaxWorkingSetSize; AMD: three quarters; NVIDIA:
// all of it, see gpus.cpp).
uint64_t usable_bytes(const gpu_info& g);

// Why a catalogue GPU has no dense FP16 figure (its prefill speed is then unknown); "" when it has one.
std::string_view fp16_unknown_reason(const gpu_info& g);

// A catalogue GPU by name, case-insensitive: the exact name, else the one entry whose name contains
// `name` ("4090" is ambiguous with the laptop part; "RTX 4090" and "H100 SXM" are not). nullptr otherwise.
const gpu_info* find_gpu(std::string_view name);
// Every catalogue GPU whose name contains `name` (case-insensitive), smallest first.
std::vector<const gpu_info*> gpus_matching(std::string_view name);

}  // namespace neuroshrink
