#include "gpus.h"

#include <array>

#include "variant_text.h"

namespace neuroshrink {
namespace {

constexpr uint64_t GiB = uint64_t{1} << 30;
constexpr uint64_t GBps = 1'000'000'000;          // spec sheets give bandwidth in decimal GB/s
constexpr uint64_t TFLOPS = 1'000'000'000'000;
constexpr uint64_t GFLOPS = 1'000'000'000;       // for the whitepapers' one-decimal TFLOPS

// The bandwidth and throughput only speed estimates read: the full module's (the first module's table leaves them 0).
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
#define SPEED(figure) 0
#else
#define SPEED(figure) (figure)
#endif

// Board memory, memory bandwidth and dense FP16/BF16 tensor throughput from each vendor's spec sheet,
// named in the last column.
// GDDR and HBM parts are built in binary sizes, so the "24 GB" of a spec sheet is 24 GiB of cells;
// drivers reserve a little of it (nvidia-smi shows e.g. 24564 MiB on an RTX 4090), which the fit
// verdict's headroom has to absorb. Throughput is the dense figure (half the "with sparsity" one), and
// 0 where this catalogue does not give one yet (most consumer cards, Apple and Intel GPUs): speed
// estimates then say it is unknown. GeForce cards run FP16 tensor math with FP32 accumulation (the rate
// PyTorch's fp16/bf16 matmuls get) at half their FP16-accumulate rate; the figure kept is the FP32-
// accumulate one, from NVIDIA's architecture whitepapers (quoted in tests/fixtures/published/gpu-fp16-tflops.md).
// Unified-memory machines (Apple silicon, NVIDIA's DGX Spark and Jetson, AMD's Ryzen AI Max and MI300A)
// share that memory with the CPU: one entry per memory size sold, with that configuration's bandwidth
// (Apple's M3 Max and M4 Max are slower in their 14-core-CPU configurations: M3 Max 36GB and 96GB, M4 Max
// 36GB); their LPDDR is counted in binary sizes too. What the GPU may occupy of it is usable_bytes() below. The export
// variants of NVIDIA's data-centre parts (A800, H800, H20, L20) have no nvidia.com datasheet; their
// sources say which spec sheet each figure comes from (tests/fixtures/SOURCES.md lists them all).
constexpr std::array kGpus{
//        name, vendor, WebGPU architecture, memory, bandwidth, dense fp16 tensor, unified, HBM (the datasheet's
//           memory type), source
  gpu_info{"NVIDIA GeForce RTX 2060", "nvidia", "turing", 6 * GiB, SPEED(336 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 2060 specs")},
  gpu_info{"NVIDIA GeForce RTX 3050 6GB", "nvidia", "ampere", 6 * GiB, SPEED(168 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3050 family specs")},
  gpu_info{"AMD Radeon RX 7600", "amd", "rdna-3", 8 * GiB, SPEED(288 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 7600 specs")},
  gpu_info{"Apple M1 8GB", "apple", "apple-m1", 8 * GiB, SPEED(68 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M1 (2020)")},
  gpu_info{"Apple M2 8GB", "apple", "apple-m2", 8 * GiB, SPEED(100 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2")},
  gpu_info{"Apple M3 8GB", "apple", "apple-m3", 8 * GiB, SPEED(100 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3")},
  gpu_info{"Intel Arc A750", "intel", "xe-hpg", 8 * GiB, SPEED(512 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("intel.com Arc A750 specs")},
  gpu_info{"NVIDIA GeForce RTX 2070", "nvidia", "turing", 8 * GiB, SPEED(448 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 2070 specs")},
  gpu_info{"NVIDIA GeForce RTX 2080", "nvidia", "turing", 8 * GiB, SPEED(448 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 2080 specs")},
  gpu_info{"NVIDIA GeForce RTX 3050", "nvidia", "ampere", 8 * GiB, SPEED(224 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3050 specs")},
  gpu_info{"NVIDIA GeForce RTX 3060 Ti", "nvidia", "ampere", 8 * GiB, SPEED(448 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3060 Ti specs")},
  gpu_info{"NVIDIA GeForce RTX 3070", "nvidia", "ampere", 8 * GiB, SPEED(448 * GBps), SPEED(40'600 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3070 specs; fp16: 46 SMs x 1725 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 3070 Ti", "nvidia", "ampere", 8 * GiB, SPEED(608 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3070 Ti specs")},
  gpu_info{"NVIDIA GeForce RTX 4060", "nvidia", "ada", 8 * GiB, SPEED(272 * GBps), SPEED(30'200 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4060 family specs; fp16: 24 SMs x 2460 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 4060 Laptop GPU", "nvidia", "ada", 8 * GiB, SPEED(256 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 40 laptop specs")},
  gpu_info{"NVIDIA GeForce RTX 4060 Ti 8GB", "nvidia", "ada", 8 * GiB, SPEED(288 * GBps), SPEED(44'100 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4060 Ti specs; fp16: 34 SMs x 2535 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 4070 Laptop GPU", "nvidia", "ada", 8 * GiB, SPEED(256 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 40 laptop specs")},
  gpu_info{"NVIDIA GeForce RTX 5060", "nvidia", "blackwell", 8 * GiB, SPEED(448 * GBps), SPEED(38'200 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 5060 family specs; fp16: 30 SMs x 2490 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 5060 Ti 8GB", "nvidia", "blackwell", 8 * GiB, SPEED(448 * GBps), SPEED(47'400 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 5060 family specs; fp16: 36 SMs x 2572 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 3080 10GB", "nvidia", "ampere", 10 * GiB, SPEED(760 * GBps), SPEED(59'500 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3080 specs; fp16: the GA102 whitepaper's 119 with FP16 accumulate, halved for GeForce's FP32 accumulate (as quoted, tests/fixtures/published/gpu-fp16-tflops.md)")},
  gpu_info{"NVIDIA GeForce GTX 1080 Ti", "nvidia", "pascal", 11 * GiB, SPEED(484 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce GTX 1080 Ti specs")},
  gpu_info{"NVIDIA GeForce RTX 2080 Ti", "nvidia", "turing", 11 * GiB, SPEED(616 * GBps), SPEED(53'800 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 2080 Ti specs; Turing whitepaper Table 1 (FP16 tensor, FP32 accumulate, reference clocks)")},
  gpu_info{"Intel Arc B580", "intel", "xe2-hpg", 12 * GiB, SPEED(456 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("intel.com Arc B580 specs")},
  gpu_info{"NVIDIA GeForce RTX 2060 12GB", "nvidia", "turing", 12 * GiB, SPEED(336 * GBps), SPEED(28'700 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 2060 specs (12 GB: 14 Gbps on 192 bits); fp16: 34 SMs x 1650 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 3060", "nvidia", "ampere", 12 * GiB, SPEED(360 * GBps), SPEED(25'500 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3060 family specs; fp16: 28 SMs x 1777 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 3080 12GB", "nvidia", "ampere", 12 * GiB, SPEED(912 * GBps), SPEED(61'300 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3080 specs; fp16: 70 SMs x 1710 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 3080 Ti", "nvidia", "ampere", 12 * GiB, SPEED(912 * GBps), SPEED(68'200 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3080 Ti specs; fp16: the Ada whitepaper's 136.4 with FP16 accumulate, halved for GeForce's FP32 accumulate (as quoted, tests/fixtures/published/gpu-fp16-tflops.md)")},
  gpu_info{"NVIDIA GeForce RTX 4070", "nvidia", "ada", 12 * GiB, SPEED(504 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4070 family specs")},
  gpu_info{"NVIDIA GeForce RTX 4070 Ti", "nvidia", "ada", 12 * GiB, SPEED(504 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4070 Ti specs")},
  gpu_info{"NVIDIA GeForce RTX 4080 Laptop GPU", "nvidia", "ada", 12 * GiB, SPEED(432 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 40 laptop specs")},
  gpu_info{"NVIDIA GeForce RTX 5070", "nvidia", "blackwell", 12 * GiB, SPEED(672 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 5070 family specs")},
  gpu_info{"AMD Radeon RX 6800", "amd", "rdna-2", 16 * GiB, SPEED(512 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 6800 specs")},
  gpu_info{"AMD Radeon RX 6800 XT", "amd", "rdna-2", 16 * GiB, SPEED(512 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 6800 XT specs")},
  gpu_info{"AMD Radeon RX 6900 XT", "amd", "rdna-2", 16 * GiB, SPEED(512 * GBps), SPEED(46'080 * GFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 6900 XT specs; fp16: AMD Radeon RX 6900 XT product specifications (amd.com)")},
  gpu_info{"AMD Radeon RX 7600 XT", "amd", "rdna-3", 16 * GiB, SPEED(288 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 7600 XT specs")},
  gpu_info{"AMD Radeon RX 7800 XT", "amd", "rdna-3", 16 * GiB, SPEED(624 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 7800 XT specs")},
  gpu_info{"AMD Radeon RX 9070", "amd", "rdna-4", 16 * GiB, SPEED(640 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 9070 specs")},
  gpu_info{"AMD Radeon RX 9070 XT", "amd", "rdna-4", 16 * GiB, SPEED(640 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 9070 XT specs")},
  gpu_info{"Apple M1 16GB", "apple", "apple-m1", 16 * GiB, SPEED(68 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M1 (2020)")},
  gpu_info{"Apple M1 Pro 16GB", "apple", "apple-m1", 16 * GiB, SPEED(200 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M1 Pro")},
  gpu_info{"Apple M2 16GB", "apple", "apple-m2", 16 * GiB, SPEED(100 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2")},
  gpu_info{"Apple M2 Pro 16GB", "apple", "apple-m2", 16 * GiB, SPEED(200 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2 Pro")},
  gpu_info{"Apple M3 16GB", "apple", "apple-m3", 16 * GiB, SPEED(100 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3")},
  gpu_info{"Apple M4 16GB", "apple", "apple-m4", 16 * GiB, SPEED(120 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4")},
  gpu_info{"Intel Arc A770 16GB", "intel", "xe-hpg", 16 * GiB, SPEED(560 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("intel.com Arc A770 specs")},
  gpu_info{"NVIDIA GeForce RTX 4060 Ti 16GB", "nvidia", "ada", 16 * GiB, SPEED(288 * GBps), SPEED(44'100 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4060 Ti specs; fp16: 34 SMs x 2535 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 4070 Ti SUPER", "nvidia", "ada", 16 * GiB, SPEED(672 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4070 Ti SUPER specs")},
  gpu_info{"NVIDIA GeForce RTX 4080", "nvidia", "ada", 16 * GiB, SPEED(717 * GBps), SPEED(97'500 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4080 specs; fp16: HN comment quoting Ada whitepaper (read)")},
  gpu_info{"NVIDIA GeForce RTX 4080 SUPER", "nvidia", "ada", 16 * GiB, SPEED(736 * GBps), SPEED(104'400 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4080 SUPER specs; fp16: 80 SMs x 2550 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 4090 Laptop GPU", "nvidia", "ada", 16 * GiB, SPEED(576 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 40 laptop specs")},
  gpu_info{"NVIDIA GeForce RTX 5060 Ti 16GB", "nvidia", "blackwell", 16 * GiB, SPEED(448 * GBps), SPEED(47'400 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 5060 family specs; fp16: 36 SMs x 2572 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 5070 Ti", "nvidia", "blackwell", 16 * GiB, SPEED(896 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 5070 family specs")},
  gpu_info{"NVIDIA GeForce RTX 5080", "nvidia", "blackwell", 16 * GiB, SPEED(960 * GBps), SPEED(112'600 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 5080 specs; fp16: 84 SMs x 2617 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA RTX A4000", "nvidia", "ampere", 16 * GiB, SPEED(448 * GBps), SPEED(76'700 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com RTX A4000 datasheet; fp16: RTX A4000 datasheet (read via ecer.com copy)")},
  gpu_info{"NVIDIA Tesla P100 16GB", "nvidia", "pascal", 16 * GiB, SPEED(732 * GBps), SPEED(0 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com Tesla P100 datasheet (16 GB, SXM2 and PCIe)")},
  gpu_info{"NVIDIA Tesla T4", "nvidia", "turing", 16 * GiB, SPEED(320 * GBps), SPEED(65 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com T4 datasheet")},
  gpu_info{"NVIDIA V100 16GB", "nvidia", "volta", 16 * GiB, SPEED(900 * GBps), SPEED(125 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com V100 datasheet (SXM2)")},
  gpu_info{"Apple M3 Pro 18GB", "apple", "apple-m3", 18 * GiB, SPEED(150 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3 Pro")},
  gpu_info{"AMD Radeon RX 7900 XT", "amd", "rdna-3", 20 * GiB, SPEED(800 * GBps), SPEED(103 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 7900 XT specs; fp16: AMD Radeon RX 7900 XT product specifications (amd.com)")},
  gpu_info{"NVIDIA RTX 4000 Ada", "nvidia", "ada", 20 * GiB, SPEED(360 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com RTX 4000 Ada datasheet")},
  gpu_info{"AMD Radeon RX 7900 XTX", "amd", "rdna-3", 24 * GiB, SPEED(960 * GBps), SPEED(123 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon RX 7900 XTX specs; fp16: AMD Radeon RX 7900 XTX product specifications (amd.com)")},
  gpu_info{"Apple M2 24GB", "apple", "apple-m2", 24 * GiB, SPEED(100 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2")},
  gpu_info{"Apple M3 24GB", "apple", "apple-m3", 24 * GiB, SPEED(100 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3")},
  gpu_info{"Apple M4 24GB", "apple", "apple-m4", 24 * GiB, SPEED(120 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4")},
  gpu_info{"Apple M4 Pro 24GB", "apple", "apple-m4", 24 * GiB, SPEED(273 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4 Pro")},
  gpu_info{"Intel Arc Pro B60", "intel", "xe2-hpg", 24 * GiB, SPEED(456 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("intel.com Arc Pro B60 specs")},
  gpu_info{"NVIDIA A10", "nvidia", "ampere", 24 * GiB, SPEED(600 * GBps), SPEED(125 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com A10 datasheet")},
  gpu_info{"NVIDIA A30", "nvidia", "ampere", 24 * GiB, SPEED(933 * GBps), SPEED(165 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com A30 datasheet")},
  gpu_info{"NVIDIA GeForce RTX 3090", "nvidia", "ampere", 24 * GiB, SPEED(936 * GBps), SPEED(71 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3090 specs; Ampere GA102 whitepaper (FP16 tensor, FP32 accumulate)")},
  gpu_info{"NVIDIA GeForce RTX 3090 Ti", "nvidia", "ampere", 24 * GiB, SPEED(1008 * GBps), SPEED(80 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 3090 Ti specs; fp16: 84 SMs x 1860 MHz boost x 512 FLOP per SM and clock, computed (GeForce's FP32-accumulate rate per SM in NVIDIA's whitepapers; SMs and clock from a spec database)")},
  gpu_info{"NVIDIA GeForce RTX 4090", "nvidia", "ada", 24 * GiB, SPEED(1008 * GBps), SPEED(165'200 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 4090 specs; Ada whitepaper Appendix A (FP16 tensor, FP32 accumulate)")},
  gpu_info{"NVIDIA L4", "nvidia", "ada", 24 * GiB, SPEED(300 * GBps), SPEED(121 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com L4 datasheet")},
  gpu_info{"NVIDIA RTX A5000", "nvidia", "ampere", 24 * GiB, SPEED(768 * GBps), SPEED(111'100 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com RTX A5000 datasheet; fp16: code comment citing A5000 datasheet (read)")},
  gpu_info{"NVIDIA TITAN RTX", "nvidia", "turing", 24 * GiB, SPEED(672 * GBps), SPEED(130'500 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com TITAN RTX specs; fp16: 130.5, the GA102 whitepaper's TITAN RTX column (FP32 accumulate not halved; as quoted, tests/fixtures/published/gpu-fp16-tflops.md)")},
  gpu_info{"NVIDIA Tesla P40", "nvidia", "pascal", 24 * GiB, SPEED(346 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com Tesla P40 datasheet")},
  gpu_info{"AMD Ryzen AI Max+ 395 32GB", "amd", "rdna-3.5", 32 * GiB, SPEED(256 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("amd.com Ryzen AI Max+ 395 specs (LPDDR5X-8000, 256-bit)")},
  gpu_info{"Apple M1 Max 32GB", "apple", "apple-m1", 32 * GiB, SPEED(400 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M1 Max")},
  gpu_info{"Apple M1 Pro 32GB", "apple", "apple-m1", 32 * GiB, SPEED(200 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M1 Pro")},
  gpu_info{"Apple M2 Max 32GB", "apple", "apple-m2", 32 * GiB, SPEED(400 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2 Max")},
  gpu_info{"Apple M2 Pro 32GB", "apple", "apple-m2", 32 * GiB, SPEED(200 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2 Pro")},
  gpu_info{"Apple M4 32GB", "apple", "apple-m4", 32 * GiB, SPEED(120 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4")},
  gpu_info{"NVIDIA GeForce RTX 5090", "nvidia", "blackwell", 32 * GiB, SPEED(1792 * GBps), SPEED(209'500 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com GeForce RTX 5090 specs; RTX Blackwell whitepaper Table 3 (FP16/BF16 tensor, FP32 accumulate)")},
  gpu_info{"NVIDIA RTX 5000 Ada", "nvidia", "ada", 32 * GiB, SPEED(576 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com RTX 5000 Ada datasheet")},
  gpu_info{"NVIDIA V100 32GB", "nvidia", "volta", 32 * GiB, SPEED(900 * GBps), SPEED(125 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com V100 datasheet (SXM2)")},
  gpu_info{"Apple M3 Max 36GB", "apple", "apple-m3", 36 * GiB, SPEED(300 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3 Max (14-core CPU)")},
  gpu_info{"Apple M3 Pro 36GB", "apple", "apple-m3", 36 * GiB, SPEED(150 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3 Pro")},
  gpu_info{"Apple M4 Max 36GB", "apple", "apple-m4", 36 * GiB, SPEED(410 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4 Max (14-core CPU)")},
  gpu_info{"NVIDIA A100 40GB", "nvidia", "ampere", 40 * GiB, SPEED(1555 * GBps), SPEED(312 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com A100 datasheet")},
  gpu_info{"AMD Radeon PRO W7900", "amd", "rdna-3", 48 * GiB, SPEED(864 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("amd.com Radeon PRO W7900 specs")},
  gpu_info{"Apple M3 Max 48GB", "apple", "apple-m3", 48 * GiB, SPEED(400 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3 Max (16-core CPU)")},
  gpu_info{"Apple M4 Max 48GB", "apple", "apple-m4", 48 * GiB, SPEED(546 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4 Max (16-core CPU)")},
  gpu_info{"Apple M4 Pro 48GB", "apple", "apple-m4", 48 * GiB, SPEED(273 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4 Pro")},
  gpu_info{"NVIDIA A40", "nvidia", "ampere", 48 * GiB, SPEED(696 * GBps), SPEED(150 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com A40 datasheet")},
  gpu_info{"NVIDIA L20", "nvidia", "ada", 48 * GiB, SPEED(864 * GBps), SPEED(0 * TFLOPS), false, false,
           FULL_TEXT("NVIDIA L20 spec sheet (China-market part, no nvidia.com datasheet)")},
  gpu_info{"NVIDIA L40", "nvidia", "ada", 48 * GiB, SPEED(864 * GBps), SPEED(181 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com L40 datasheet")},
  gpu_info{"NVIDIA L40S", "nvidia", "ada", 48 * GiB, SPEED(864 * GBps), SPEED(362 * TFLOPS), false, false,
           FULL_TEXT("nvidia.com L40S datasheet")},
  gpu_info{"NVIDIA RTX 6000 Ada", "nvidia", "ada", 48 * GiB, SPEED(960 * GBps), SPEED(364'200 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com RTX 6000 Ada datasheet; Ada ProViz whitepaper (FP16 tensor, dense)")},
  gpu_info{"NVIDIA RTX A6000", "nvidia", "ampere", 48 * GiB, SPEED(768 * GBps), SPEED(154'800 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com RTX A6000 datasheet; Ampere GA102 whitepaper Table 3 (BF16 tensor, FP32 accumulate)")},
  gpu_info{"AMD Instinct MI210", "amd", "cdna-2", 64 * GiB, SPEED(1638 * GBps), SPEED(181 * TFLOPS), false, true,
           FULL_TEXT("amd.com Instinct MI210 specs")},
  gpu_info{"AMD Ryzen AI Max+ 395 64GB", "amd", "rdna-3.5", 64 * GiB, SPEED(256 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("amd.com Ryzen AI Max+ 395 specs (LPDDR5X-8000, 256-bit)")},
  gpu_info{"Apple M1 Max 64GB", "apple", "apple-m1", 64 * GiB, SPEED(400 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M1 Max")},
  gpu_info{"Apple M1 Ultra 64GB", "apple", "apple-m1", 64 * GiB, SPEED(800 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M1 Ultra")},
  gpu_info{"Apple M2 Max 64GB", "apple", "apple-m2", 64 * GiB, SPEED(400 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2 Max")},
  gpu_info{"Apple M2 Ultra 64GB", "apple", "apple-m2", 64 * GiB, SPEED(800 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2 Ultra")},
  gpu_info{"Apple M3 Max 64GB", "apple", "apple-m3", 64 * GiB, SPEED(400 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3 Max (16-core CPU)")},
  gpu_info{"Apple M4 Max 64GB", "apple", "apple-m4", 64 * GiB, SPEED(546 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4 Max (16-core CPU)")},
  gpu_info{"Apple M4 Pro 64GB", "apple", "apple-m4", 64 * GiB, SPEED(273 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4 Pro")},
  gpu_info{"NVIDIA Jetson AGX Orin 64GB", "nvidia", "ampere", 64 * GiB, SPEED(2048 * GBps / 10), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("nvidia.com Jetson AGX Orin datasheet (LPDDR5, 256-bit)")},
  gpu_info{"NVIDIA A100 80GB", "nvidia", "ampere", 80 * GiB, SPEED(2039 * GBps), SPEED(312 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com A100 datasheet (SXM)")},
  gpu_info{"NVIDIA A100 80GB PCIe", "nvidia", "ampere", 80 * GiB, SPEED(1935 * GBps), SPEED(312 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com A100 datasheet (PCIe 80GB)")},
  gpu_info{"NVIDIA A800 80GB", "nvidia", "ampere", 80 * GiB, SPEED(2039 * GBps), SPEED(312 * TFLOPS), false, true,
           FULL_TEXT("nvidia.cn A800 datasheet (SXM)")},
  gpu_info{"NVIDIA H100 PCIe", "nvidia", "hopper", 80 * GiB, SPEED(2000 * GBps), SPEED(756 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com H100 datasheet (PCIe)")},
  gpu_info{"NVIDIA H100 SXM", "nvidia", "hopper", 80 * GiB, SPEED(3350 * GBps), SPEED(989 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com H100 datasheet (SXM)")},
  gpu_info{"NVIDIA H800 SXM", "nvidia", "hopper", 80 * GiB, SPEED(3350 * GBps), SPEED(989 * TFLOPS), false, true,
           FULL_TEXT("nvidia.cn H800 datasheet (SXM)")},
  gpu_info{"NVIDIA H100 NVL", "nvidia", "hopper", 94 * GiB, SPEED(3900 * GBps), SPEED(835 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com H100 datasheet (NVL)")},
  gpu_info{"Apple M2 Max 96GB", "apple", "apple-m2", 96 * GiB, SPEED(400 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2 Max")},
  gpu_info{"Apple M3 Max 96GB", "apple", "apple-m3", 96 * GiB, SPEED(300 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3 Max (14-core CPU)")},
  gpu_info{"Apple M3 Ultra 96GB", "apple", "apple-m3", 96 * GiB, SPEED(819 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com Mac Studio (2025) M3 Ultra")},
  gpu_info{"NVIDIA H20", "nvidia", "hopper", 96 * GiB, SPEED(4000 * GBps), SPEED(148 * TFLOPS), false, true,
           FULL_TEXT("NVIDIA HGX H20 spec sheet (China-market part, no nvidia.com datasheet)")},
  gpu_info{"NVIDIA RTX PRO 6000 Blackwell", "nvidia", "blackwell", 96 * GiB, SPEED(1792 * GBps), SPEED(503'800 * GFLOPS), false, false,
           FULL_TEXT("nvidia.com RTX PRO 6000 Blackwell datasheet; fp16: hmc-tech spec DB (read)")},
  gpu_info{"AMD Instinct MI250", "amd", "cdna-2", 128 * GiB, SPEED(3277 * GBps), SPEED(362 * TFLOPS), false, true,
           FULL_TEXT("amd.com Instinct MI250 specs")},
  gpu_info{"AMD Instinct MI250X", "amd", "cdna-2", 128 * GiB, SPEED(3277 * GBps), SPEED(383 * TFLOPS), false, true,
           FULL_TEXT("amd.com Instinct MI250X specs")},
  gpu_info{"AMD Instinct MI300A", "amd", "cdna-3", 128 * GiB, SPEED(5300 * GBps), SPEED(0 * TFLOPS), true, true,
           FULL_TEXT("amd.com Instinct MI300A specs")},
  gpu_info{"AMD Ryzen AI Max+ 395 128GB", "amd", "rdna-3.5", 128 * GiB, SPEED(256 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("amd.com Ryzen AI Max+ 395 specs (LPDDR5X-8000, 256-bit)")},
  gpu_info{"Apple M1 Ultra 128GB", "apple", "apple-m1", 128 * GiB, SPEED(800 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M1 Ultra")},
  gpu_info{"Apple M2 Ultra 128GB", "apple", "apple-m2", 128 * GiB, SPEED(800 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2 Ultra")},
  gpu_info{"Apple M3 Max 128GB", "apple", "apple-m3", 128 * GiB, SPEED(400 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M3 Max (16-core CPU)")},
  gpu_info{"Apple M4 Max 128GB", "apple", "apple-m4", 128 * GiB, SPEED(546 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M4 Max (16-core CPU)")},
  gpu_info{"NVIDIA DGX Spark", "nvidia", "blackwell", 128 * GiB, SPEED(273 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("nvidia.com DGX Spark specs (GB10, LPDDR5x)")},
  gpu_info{"NVIDIA H200", "nvidia", "hopper", 141 * GiB, SPEED(4800 * GBps), SPEED(989 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com H200 datasheet (SXM)")},
  gpu_info{"NVIDIA B200", "nvidia", "blackwell", 180 * GiB, SPEED(8000 * GBps), SPEED(2250 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com DGX B200 / HGX B200 datasheet")},
  gpu_info{"AMD Instinct MI300X", "amd", "cdna-3", 192 * GiB, SPEED(5300 * GBps), SPEED(1307 * TFLOPS), false, true,
           FULL_TEXT("amd.com Instinct MI300X specs")},
  gpu_info{"Apple M2 Ultra 192GB", "apple", "apple-m2", 192 * GiB, SPEED(800 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com M2 Ultra")},
  gpu_info{"AMD Instinct MI325X", "amd", "cdna-3", 256 * GiB, SPEED(6000 * GBps), SPEED(1307 * TFLOPS), false, true,
           FULL_TEXT("amd.com Instinct MI325X specs")},
  gpu_info{"Apple M3 Ultra 256GB", "apple", "apple-m3", 256 * GiB, SPEED(819 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com Mac Studio (2025) M3 Ultra")},
  gpu_info{"AMD Instinct MI355X", "amd", "cdna-4", 288 * GiB, SPEED(8000 * GBps), SPEED(0 * TFLOPS), false, true,
           FULL_TEXT("amd.com Instinct MI355X specs")},
  gpu_info{"NVIDIA B300", "nvidia", "blackwell", 288 * GiB, SPEED(8000 * GBps), SPEED(2250 * TFLOPS), false, true,
           FULL_TEXT("nvidia.com DGX B300 / HGX B300 datasheet")},
  gpu_info{"Apple M3 Ultra 512GB", "apple", "apple-m3", 512 * GiB, SPEED(819 * GBps), SPEED(0 * TFLOPS), true, false,
           FULL_TEXT("apple.com Mac Studio (2025) M3 Ultra")},
};

}  // namespace

std::span<const gpu_info> gpus() { return kGpus; }

#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (speed is the full module's)
std::string_view fp16_unknown_reason(const gpu_info& g) {
  if (g.fp16_flops_per_s) return {};
  if (g.vendor == "apple") return FULL_TEXT("Apple states no GPU FLOPS for most M-series chips, and none per GPU-core count, which the catalogue's entries (one per memory size) do not fix either");
  if (g.architecture == "pascal") return FULL_TEXT("Pascal has no tensor cores and runs FP16 at 1/64 of FP32 (P100 apart): llama.cpp's prefill there is not modelled");
  return FULL_TEXT("no dense FP16 figure from the vendor or from its SM count and clock has been read for it yet (tests/fixtures/published/gpu-fp16-tflops.md)");
}
#endif

uint64_t usable_bytes(const gpu_info& g) {
  if (!g.unified_memory) return g.memory_bytes;
  if (g.vendor == "apple") {
    // Metal's recommendedMaxWorkingSetSize, as llama.cpp's ggml_metal_init prints it on Apple silicon:
    // two thirds of RAM up to 36 GB (16 GB -> 10922.67 MB, 32 GB -> 21845.34 MB) and three quarters above
    // (64 GB -> 49152 MB, 192 GB -> 147456 MB); `sudo sysctl iogpu.wired_limit_mb` raises it.
    return g.memory_bytes <= 36 * GiB ? g.memory_bytes / 3 * 2 : g.memory_bytes / 4 * 3;
  }
  if (g.vendor == "amd") {
    // Three quarters, AMD's own limit on both of its APUs. Ryzen AI Max (Strix Halo): AMD Variable Graphics
    // Memory dedicates up to 75% of RAM to the GPU (AMD's announcement for Ryzen AI processors, Adrenalin
    // software; 96 GB of a 128 GB Ryzen AI Max+ 395). Linux starts its GTT pool lower, at about half of
    // RAM, and `amd-ttm --set` raises it (ROCm docs, "AMD RDNA3.5 system optimization"). Instinct MI300A:
    // "By default, when using a device allocator via HIP, it is only possible to allocate 96 GiB out of a
    // possible 128 GiB" until amdttm's pages_limit is raised (AMD Instinct MI300A system optimization).
    return g.memory_bytes / 4 * 3;
  }
  // NVIDIA's unified machines (DGX Spark's GB10, Jetson): no share is set aside for the GPU; CUDA allocates
  // from whatever memory the OS has free (llama.cpp's CUDA backend reads /proc/meminfo's MemAvailable on
  // them, ggml-org/llama.cpp#17368). The whole pool is counted, and the OS's own few GiB are left to the
  // fit verdict's headroom, as a discrete card's driver reserve is.
  return g.memory_bytes;
}

namespace {
bool same_char(char a, char b) {
  auto lo = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return lo(a) == lo(b);
}
bool contains_ci(std::string_view hay, std::string_view needle) {
  if (needle.empty() || needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && same_char(hay[i + j], needle[j])) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}
}  // namespace

const gpu_info* find_gpu(std::string_view name) {
  const gpu_info* found = nullptr;
  int matches = 0;
  for (const auto& g : kGpus) {
    if (g.name.size() == name.size() && contains_ci(g.name, name)) return &g;
    if (contains_ci(g.name, name)) { found = &g; ++matches; }
  }
  if (matches == 1) return found;
  // Several partial matches: prefer one whose name ends with the query ("RTX 4090" over "RTX 4090 Laptop GPU").
  const gpu_info* ending = nullptr;
  int endings = 0;
  for (const auto& g : kGpus)
    if (name.size() <= g.name.size() && contains_ci(g.name.substr(g.name.size() - name.size()), name)) { ending = &g; ++endings; }
  return endings == 1 ? ending : nullptr;
}

std::vector<const gpu_info*> gpus_matching(std::string_view name) {
  std::vector<const gpu_info*> out;
  for (const auto& g : kGpus)
    if (contains_ci(g.name, name)) out.push_back(&g);
  return out;
}

}  // namespace neuroshrink
