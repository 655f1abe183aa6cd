// The working state of one inference estimate, passed from phase to phase (core/estimate.cpp) and to the
// runtime's profile (core/runtimes/): the request resolved into types, then each phase's sums.
#pragma once
#include <cstdint>
#include <vector>

#include "checked.h"
#include "estimate.h"

namespace neuroshrink {

struct runtime_profile;

// The weights, split as llama.cpp places them: the input layer on the host, the repeating layers, the output.
struct weight_split {
  checked_u64 total, embedding, output, layers, other;
  std::vector<uint64_t> blk;      // a GGUF file type: each blk's bytes (types differ by layer), for -ngl
  std::vector<uint64_t> blk_experts;  // each layer's routed-expert bytes (llama.cpp's ffn_*_exps), for --n-cpu-moe
  uint64_t token_embd = 0;        // a GGUF file type: token_embd's bytes (a tied output's GPU copy)
};

struct plan {
  const model_spec& s;
  const model_tensors& tensors;
  const estimate_options& o;
  estimate_result& r;
  const runtime_profile& rt;
  const weight_format& f;
  const kv_dtype& kv_k;
  const kv_dtype& kv_v;

  uint64_t n_layer = 1;           // repeating layers (at least one, to divide by)
  uint64_t n_seq = 1;             // sequences (llama.cpp's --parallel)
  uint64_t n_stream = 1;          // KV streams, each its own cells: a sequence each, or one shared (llama.cpp --kv-unified)
  weight_split weights;
  checked_u64 kv_cache, per_token;
  std::vector<uint64_t> kv_layer;  // each layer's cache (and recurrent state), for the runtimes that place layers apart
  uint64_t kv_cells_max = 0;      // llama.cpp: the most cells any layer's cache holds (the attention phase's n_kv)
  uint64_t kv_cells_swa = 0;      // llama.cpp: an iSWA model's sliding cache, its cells (the second KQ mask's n_kv)
  bool windowed = true;           // the runtime keeps sliding-window caches at their window
  checked_u64 activations, overhead;
  // Decode speed: what a decode step reads from system RAM rather than the GPU: the share of the layers the runtime
  // runs on the CPU (of the active weights and KV), and the active experts it keeps there (--n-cpu-moe).
  bool host_layers = false;
  double host_layer_share = 0;
  uint64_t host_expert_read = 0;
  uint64_t host_dense_read = 0;   // other weights an override keeps in system RAM, read whole at each step
  // Prefill: the weights in system RAM (token_embd aside) that llama.cpp's GPU backend copies over PCIe for every
  // ubatch of 32 tokens or more, to multiply them itself (ggml-backend.cpp op offload; --no-op-offload stops it).
  uint64_t host_copied = 0;
  // Speculative decoding: the draft model's own estimate (core/speculative.cpp), when the request has one.
  const estimate_result* draft = nullptr;
  // Images: the vision encoder's sequence for the largest (core/images.cpp), 0 without images.
  uint64_t image_patches = 0;
  // MTP speculation (core/speculative.cpp size_mtp): its layers' weights (the embedding and head shared with the
  // model) and their cache bytes per token, whole; 0 without.
  uint64_t mtp_weight_bytes = 0, mtp_token_bytes = 0;
  uint64_t mtp_active_bytes = 0;
  // Inference adapters preallocated before the cache (vLLM's, SGLang's LoRA slots), per GPU; 0 without.
  uint64_t adapter_bytes_per_gpu = 0;  // what a step of it reads of those weights (its routed experts: the active ones)
};

}  // namespace neuroshrink
