// llama.cpp's compute buffer as ggml-alloc computes it: the reserved worst-case graph (src/llama-context.cpp
// graph_reserve: n_ubatch tokens, every one an output) written out tensor by tensor in llama.cpp's order, then
// replayed through a copy of ggml-alloc's rules (ggml/src/ggml-alloc.c: graph inputs first, each tensor best-fit
// into the free blocks, reusing its parent in place where ggml_op_can_inplace allows, freed after its last use).
// The buffer is the highest address any tensor reaches. Checked tensor by tensor against ggml-alloc's own trace on
// llama.cpp de3ff81 (tests/llamacpp/README.md, "The compute graph").
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neuroshrink {

struct model_spec;

// One tensor of the graph. Weights and the KV cache live in other buffers: a node never lists them.
struct graph_node {
  uint64_t bytes = 0;       // ggml_nbytes; 0 for a node that writes into the KV cache (set_rows)
  uint64_t shape = 0;       // type and dimensions folded into one key: in-place reuse needs the same layout
  bool inplace = false;     // its op may take its first fitting parent's memory (ggml_op_can_inplace)
  bool input = false;       // a graph input (leaf): allocated before the first node
  bool output = false;      // a graph output: never freed
  uint8_t n_src = 0;
  int32_t src[4] = {-1, -1, -1, -1};   // the tensors it reads (a view's root, when it reads through a view)
  bool via_view[4] = {};               // read through a view: never reused in place
};

// The graph, and where each layer's tensors begin: layers period_start to n-2 repeat with `period` (0: they do not).
struct compute_graph {
  std::vector<graph_node> nodes;
  std::vector<uint32_t> layer_start;  // the index of each layer's first tensor
  size_t period = 0, period_start = 1;
};

struct graph_alloc_result {
  uint64_t peak = 0;        // the buffer ggml-alloc reserves
  bool overflow = false;
  size_t repeat_layer = 0;  // the first layer the allocator enters as it entered the layer `period` before; 0: none
};

// Replays ggml_gallocr_alloc_graph_impl over the graph's nodes (inputs among them, in graph order) with
// `alignment`. `offsets`, when given, receives each node's offset (UINT64_MAX for none, and for the repeated
// layers the replay passes over): the trace the tests compare. `stop_at_repeat`: stop where the layers start
// repeating (repeat_layer), the rest of the replay then told by llama_compute_buffer.
graph_alloc_result replay_ggml_alloc(const compute_graph& g, uint64_t alignment, std::vector<uint64_t>* offsets = nullptr, bool stop_at_repeat = false);

// The settings of a llama.cpp context that shape its graph.
struct graph_settings {
  uint64_t ubatch = 0;
  uint64_t n_kv = 0;              // the full-attention cache's cells (each KQ mask's width)
  uint64_t n_kv_swa = 0;          // an iSWA model's sliding cache's cells; 0 without one
  bool flash_attention = false;
  bool k_quantized = false, v_quantized = false;  // a quantized cache type (Hadamard rotations)
  bool mask_f32 = false;          // a build before PR #23764: the KQ mask reserved in f32 under flash attention
  bool gpu = false;               // one GPU holding every layer: the token inputs and the embeddings lookup stay on
                                  // the host, the GPU taking a copy of the embeddings
};

// The reserved graph of a llama.cpp context for the model and settings, on one device holding every layer.
// Empty when the model's graph is not one written out here (core/runtimes/llama_graph.cpp kGraphs).
compute_graph llama_reserve_graph(const model_spec& s, const graph_settings& c);

// Its compute buffer: the replay of that graph (known false where there is none), passing over the layers whose
// offsets repeat, and remembered for the next estimates of the same graph (the weights' types and the request's
// other settings do not change it).
struct compute_estimate {
  bool known = false;
  uint64_t bytes = 0;
  bool overflow = false;
  size_t tensors = 0;       // in the graph replayed
  uint64_t alignment = 0;
};
compute_estimate llama_compute_buffer(const model_spec& s, const graph_settings& c, uint64_t alignment);

}  // namespace neuroshrink
