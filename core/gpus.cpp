#include "gpus.h"

#include <array>

namespace neuroshrink {
namespace {

constexpr uint64_t GiB = uint64_t{1} << 30;

// Board memory from each vendor's spec sheet. GDDR and HBM parts are built in binary sizes, so the
// "24 GB" of a spec sheet is 24 GiB of cells; drivers reserve a little of it (nvidia-smi shows e.g.
// 24564 MiB on an RTX 4090), which the fit verdict's headroom has to absorb.
constexpr std::array kGpus{
//        name                          vendor    arch         memory       source
  gpu_info{"NVIDIA GeForce RTX 3060",   "nvidia", "ampere",    12 * GiB,  "nvidia.com GeForce RTX 3060 family specs: 12 GB GDDR6"},
  gpu_info{"NVIDIA GeForce RTX 4070",   "nvidia", "ada",       12 * GiB,  "nvidia.com GeForce RTX 4070 family specs: 12 GB GDDR6X"},
  gpu_info{"NVIDIA Tesla T4",           "nvidia", "turing",    16 * GiB,  "nvidia.com T4 datasheet: 16 GB GDDR6"},
  gpu_info{"NVIDIA GeForce RTX 4060 Ti 16GB", "nvidia", "ada", 16 * GiB,  "nvidia.com GeForce RTX 4060 Ti specs: 16 GB GDDR6 variant"},
  gpu_info{"NVIDIA GeForce RTX 4080",   "nvidia", "ada",       16 * GiB,  "nvidia.com GeForce RTX 4080 specs: 16 GB GDDR6X"},
  gpu_info{"NVIDIA A10",                "nvidia", "ampere",    24 * GiB,  "nvidia.com A10 datasheet: 24 GB GDDR6"},
  gpu_info{"NVIDIA GeForce RTX 3090",   "nvidia", "ampere",    24 * GiB,  "nvidia.com GeForce RTX 3090 specs: 24 GB GDDR6X"},
  gpu_info{"NVIDIA GeForce RTX 4090",   "nvidia", "ada",       24 * GiB,  "nvidia.com GeForce RTX 4090 specs: 24 GB GDDR6X"},
  gpu_info{"NVIDIA L4",                 "nvidia", "ada",       24 * GiB,  "nvidia.com L4 datasheet: 24 GB GDDR6"},
  gpu_info{"NVIDIA GeForce RTX 5090",   "nvidia", "blackwell", 32 * GiB,  "nvidia.com GeForce RTX 5090 specs: 32 GB GDDR7"},
  gpu_info{"NVIDIA A100 40GB",          "nvidia", "ampere",    40 * GiB,  "nvidia.com A100 datasheet: 40 GB HBM2"},
  gpu_info{"NVIDIA L40S",               "nvidia", "ada",       48 * GiB,  "nvidia.com L40S datasheet: 48 GB GDDR6"},
  gpu_info{"NVIDIA RTX 6000 Ada",       "nvidia", "ada",       48 * GiB,  "nvidia.com RTX 6000 Ada datasheet: 48 GB GDDR6"},
  gpu_info{"NVIDIA A100 80GB",          "nvidia", "ampere",    80 * GiB,  "nvidia.com A100 datasheet: 80 GB HBM2e"},
  gpu_info{"NVIDIA H100 80GB",          "nvidia", "hopper",    80 * GiB,  "nvidia.com H100 datasheet: 80 GB HBM3 (SXM5)"},
  gpu_info{"NVIDIA H200",               "nvidia", "hopper",   141 * GiB,  "nvidia.com H200 datasheet: 141 GB HBM3e"},
};

}  // namespace

std::span<const gpu_info> gpus() { return kGpus; }

}  // namespace neuroshrink
