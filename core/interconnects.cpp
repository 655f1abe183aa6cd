#include "interconnects.h"

#include "variant_text.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace neuroshrink {
namespace {

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// Vendor figures, per direction: NVLink and PCIe are quoted as the sum of both directions (half each way).
constexpr std::array kInterconnects{
    interconnect_info{"nvlink5", FULL_TEXT("NVLink 5 (B200 / GB200)"), 900'000'000'000, false,
                      FULL_TEXT("NVIDIA NVLink page: 18 links x 100 GB/s, 1.8 TB/s bidirectional per Blackwell GPU")},
    interconnect_info{"nvlink4", FULL_TEXT("NVLink 4 (H100 / H200 SXM)"), 450'000'000'000, false,
                      FULL_TEXT("NVIDIA NVLink page and H100 SXM5 specifications: 900 GB/s per GPU, bidirectional")},
    interconnect_info{"nvlink3", FULL_TEXT("NVLink 3 (A100 SXM)"), 300'000'000'000, false,
                      FULL_TEXT("NVIDIA A100: 600 GB/s per GPU, bidirectional")},
    interconnect_info{"pcie5", FULL_TEXT("PCIe 5.0 x16"), 64'000'000'000, false,
                      FULL_TEXT("PCI-SIG PCIe 5.0: 32 GT/s, up to 128 GB/s over x16, bidirectional")},
    interconnect_info{"pcie4", FULL_TEXT("PCIe 4.0 x16"), 32'000'000'000, false,
                      FULL_TEXT("PCI-SIG PCIe 4.0: 16 GT/s, ~64 GB/s over x16, bidirectional")},
    interconnect_info{"infiniband-ndr", FULL_TEXT("InfiniBand NDR (400 Gb/s)"), 50'000'000'000, true,
                      FULL_TEXT("NVIDIA ConnectX-7 user manual: NDR 400Gb/s per port")},
    interconnect_info{"infiniband-hdr", FULL_TEXT("InfiniBand HDR (200 Gb/s)"), 25'000'000'000, true,
                      FULL_TEXT("NVIDIA ConnectX-7 manual: HDR 200 Gb/s InfiniBand")},
    interconnect_info{"roce-400g", FULL_TEXT("RoCE / Ethernet 400 Gb/s"), 50'000'000'000, true,
                      FULL_TEXT("NVIDIA ConnectX-7 user manual: 400GbE, RDMA over Converged Ethernet")},
    interconnect_info{"roce-200g", FULL_TEXT("RoCE / Ethernet 200 Gb/s"), 25'000'000'000, true,
                      FULL_TEXT("NVIDIA ConnectX-7 user manual: 200GbE")},
    interconnect_info{"ethernet-100g", FULL_TEXT("Ethernet 100 Gb/s"), 12'500'000'000, true,
                      FULL_TEXT("NVIDIA ConnectX-7 user manual: 100GbE")},
    interconnect_info{"ethernet-25g", FULL_TEXT("Ethernet 25 Gb/s"), 3'125'000'000, true,
                      FULL_TEXT("NVIDIA ConnectX-7 user manual: 25GbE")},
    interconnect_info{"ethernet-10g", FULL_TEXT("Ethernet 10 Gb/s"), 1'250'000'000, true,
                      FULL_TEXT("IEEE 802.3ae 10GbE; ConnectX-7 interoperates at 10 Gb/s")},
    interconnect_info{"thunderbolt5", FULL_TEXT("Thunderbolt 5 (80 Gb/s)"), 10'000'000'000, true,
                      FULL_TEXT("Intel Thunderbolt 5: 80 Gb/s bidirectional (120 Gb/s one way with Bandwidth Boost)")},
    interconnect_info{"thunderbolt4", FULL_TEXT("Thunderbolt 4 (40 Gb/s)"), 5'000'000'000, true,
                      FULL_TEXT("Intel Thunderbolt 4: 40 Gb/s")},
};
#endif

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == y; });
}

}  // namespace

#ifdef NEURO_SHRINK_FIRST_ESTIMATE
// The first-estimate module hands every cluster to the full one (report.cpp): it lists no links.
std::span<const interconnect_info> interconnects() { return {}; }
#else
std::span<const interconnect_info> interconnects() { return kInterconnects; }
#endif

const interconnect_info* find_interconnect(std::string_view name) {
  for (const auto& i : interconnects())
    if (same(name, i.name)) return &i;
  return nullptr;
}

}  // namespace neuroshrink
