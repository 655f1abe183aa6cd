// Caps on what the core accepts from a request, declared once; catalogue().limits hands them to the front
// ends (the CLI's --config cap, the page's fetch caps), so nothing re-lists them.
#pragma once
#include <cstdint>

namespace neuroshrink::request_limits {

// config.json text. The largest real ones are a few hundred KB (id2label tables, long layer_types lists);
// 4 MiB leaves room tenfold while keeping a hostile paste from holding the tab.
inline constexpr uint64_t config_bytes = uint64_t{4} << 20;
// The whole request envelope: the config text (escaped, up to twice its size) plus the options.
inline constexpr uint64_t request_bytes = uint64_t{10} << 20;
// JSON nesting: real configs nest 4 deep (quantization_config.config_groups.group_0.weights).
inline constexpr uint64_t json_depth = 64;
// Weight files' header JSON (safetensors caps its own header at 100 MB: safetensors/src/tensor.rs MAX_HEADER_SIZE).
inline constexpr uint64_t header_json_bytes = 100'000'000;

// Numeric request fields: past these no runtime allocates, and every product of them stays far inside 64 bits.
inline constexpr uint64_t context_tokens = uint64_t{1} << 27;  // 134M tokens: a 10M-token context (Llama 4 Scout) x 13
inline constexpr uint64_t batch_size = uint64_t{1} << 20;      // sequences
inline constexpr uint64_t gpus = 1024;                         // one cluster's worth (vLLM's largest published TP x PP runs use 256)
inline constexpr uint64_t ubatch = uint64_t{1} << 20;          // llama.cpp -ub
inline constexpr uint64_t max_num_batched_tokens = context_tokens;  // vLLM: a forward pass of at most one longest context
inline constexpr uint64_t max_num_seqs = batch_size;           // vLLM
inline constexpr uint64_t gpu_memory_bytes = uint64_t{1} << 46;  // 64 TiB: over 200 times the largest GPU (B300, 288 GB)
inline constexpr uint64_t host_bandwidth = 100'000'000'000'000;  // 100 TB/s: 12 times an MI355X's HBM; no system RAM is near
inline constexpr uint64_t projector_bytes = uint64_t{1} << 40;  // an mmproj file's tensor data: 1 TiB, ~1,000 times the largest (InternViT-6B at F16 is 11 GB)
inline constexpr uint64_t gpu_layers = 100000;                 // llama.cpp -ngl (config layers are capped at 10,000)
// Training: per-GPU micro-batches and sequences far past any run's, a LoRA rank past any adapter's.
inline constexpr uint64_t micro_batch = 1'000'000;             // sequences per GPU per step
inline constexpr uint64_t seq_len = uint64_t{1} << 24;         // tokens per training sequence (16M)
inline constexpr uint64_t lora_rank = 65536;
inline constexpr uint64_t gradient_accumulation = uint64_t{1} << 20;  // micro-batches per step (changes no memory)

}  // namespace neuroshrink::request_limits
