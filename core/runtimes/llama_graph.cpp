// llama.cpp's reserved compute graph, tensor by tensor, and ggml-alloc's replay of it (llama_graph.h).
#include "llama_graph.h"

#include <algorithm>
#include <string_view>

#include "architectures.h"
#include "checked.h"
#include "model_spec.h"

namespace neuroshrink {

namespace {

// ggml_dyn_tallocr with one chunk (ggml/src/ggml-alloc.c): free blocks sorted by offset, the last one the
// endless tail; best fit among the others (ties to the later block), else the tail.
struct free_block {
  uint64_t offset, size;
  bool operator==(const free_block&) const = default;
};

class dyn_tallocr {
 public:
  explicit dyn_tallocr(uint64_t alignment) : align_(alignment) { blocks_.push_back({0, UINT64_MAX / 2}); }

  uint64_t alloc(uint64_t size) {
    size = aligned(size);
    size_t best = blocks_.size() - 1;
    uint64_t best_size = UINT64_MAX;
    for (size_t i = 0; i + 1 < blocks_.size(); ++i)
      if (blocks_[i].size >= size && blocks_[i].size <= best_size) best = i, best_size = blocks_[i].size;
    free_block& b = blocks_[best];
    const uint64_t offset = b.offset;
    b.offset += size;
    b.size -= size;
    if (b.size == 0) blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(best));
    max_size_ = std::max(max_size_, offset + size);
    return offset;
  }

  // ggml_dyn_tallocr_free_bytes: merged with the block it ends or starts, else inserted in order.
  void free(uint64_t offset, uint64_t size) {
    size = aligned(size);
    for (size_t i = 0; i < blocks_.size(); ++i) {
      free_block& b = blocks_[i];
      if (b.offset + b.size == offset) {
        b.size += size;
        if (i + 1 < blocks_.size() && b.offset + b.size == blocks_[i + 1].offset) {
          b.size += blocks_[i + 1].size;
          blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i + 1));
        }
        return;
      }
      if (offset + size == b.offset) {
        b.offset = offset;
        b.size += size;
        if (i > 0 && blocks_[i - 1].offset + blocks_[i - 1].size == b.offset) {
          blocks_[i - 1].size += b.size;
          blocks_.erase(blocks_.begin() + static_cast<std::ptrdiff_t>(i));
        }
        return;
      }
    }
    size_t at = 0;
    while (at < blocks_.size() && blocks_[at].offset < offset) ++at;
    blocks_.insert(blocks_.begin() + static_cast<std::ptrdiff_t>(at), {offset, size});
  }

  uint64_t max_size() const { return max_size_; }
  const std::vector<free_block>& blocks() const { return blocks_; }

 private:
  uint64_t aligned(uint64_t size) const { return (size + align_ - 1) / align_ * align_; }
  uint64_t align_;
  uint64_t max_size_ = 0;
  std::vector<free_block> blocks_;
};

struct node_state {
  uint64_t offset = UINT64_MAX;
  uint32_t uses = 0, view_uses = 0;
  bool allocated = false;
};

// The graph's tensors as llama.cpp builds them, in the order ggml_build_forward_expand visits them.
constexpr uint64_t kF32 = 4, kF16 = 2, kI32 = 4, kI64 = 8;

struct ref {
  ref(int32_t tensor, bool through_view = false) : id(tensor), view(through_view) {}  // NOLINT: a tensor reads as a direct ref
  int32_t id;
  bool view;  // read through a view (reshape, permute, a slice)
};
ref through_view(int32_t id) { return {id, true}; }

class graph_builder {
 public:
  std::vector<graph_node> nodes;

  int32_t input(uint64_t bytes) {
    graph_node n;
    n.bytes = bytes, n.input = true, n.shape = ++inputs_;  // inputs share no layout with anything
    return push(n, {});
  }
  // A new tensor of `type_bytes` x the dims; `inplace` where ggml_op_can_inplace holds for its op.
  int32_t op(bool inplace, uint64_t type_bytes, std::initializer_list<uint64_t> dims, std::initializer_list<ref> src) {
    graph_node n;
    n.inplace = inplace;
    checked_u64 bytes{type_bytes};
    uint64_t key = type_bytes;
    for (uint64_t d : dims) bytes.mul(d), key = key * 0x9E3779B97F4A7C15ull + d;
    n.bytes = bytes.overflow ? UINT64_MAX : bytes.value;  // the replay reports it
    n.shape = key | 1ull << 63;
    return push(n, src);
  }
  int32_t f32(bool inplace, std::initializer_list<uint64_t> dims, std::initializer_list<ref> src) { return op(inplace, kF32, dims, src); }
  // set_rows into the KV cache: reads its sources, allocates nothing here.
  void store(std::initializer_list<ref> src) { push(graph_node{}, src); }
  void mark_output(int32_t id) { nodes[static_cast<size_t>(id)].output = true; }

 private:
  int32_t push(graph_node n, std::initializer_list<ref> src) {
    for (const ref& r : src) {
      n.src[n.n_src] = r.id;
      n.via_view[n.n_src++] = r.view;
    }
    nodes.push_back(n);
    return static_cast<int32_t>(nodes.size() - 1);
  }
  uint64_t inputs_ = 0;
};

// How one llama.cpp architecture's builder (src/models/<arch>.cpp) lays out a layer where it departs from the
// llama builder's.
struct graph_traits {
  std::string_view arch;
  bool fused_qkv = false;        // one attn_qkv matmul; q, k and v its views (phi3)
  bool fused_up = false;         // one ffn_up of 2 x n_ff that swiglu splits (phi3)
  bool residual_first = false;   // l_out = ffn_inp + ffn_out (phi3), not ffn_out + ffn_inp
  bool post_norms = false;       // a norm after the attention and after the FFN (gemma2, gemma3)
  bool embd_scale = false;       // the embeddings scaled by sqrt(n_embd) (gemma)
  bool q_scale = false;          // q scaled after rope (phi3, gemma2, gemma3)
  bool qk_norm_flat = false;     // the q and k norms over the whole projection, before the per-head view (olmoe)
  bool softcap = false;          // the logits, and without flash attention the scores, soft-capped (gemma2)
  bool rows_at_end = false;      // the outputs' rows gathered after the last layer, which stays an output (gpt-oss)
  bool oai_router = false;       // a biased router whose chosen logits are softmaxed, biased experts (gpt-oss)
  bool layer_norm = false;       // LayerNorm (ggml_norm, never in place) where the others have RMSNorm (command-r)
  bool parallel_block = false;   // attention and FFN both read the layer's one norm; l_out = ffn + x + attn (command-r)
  bool logit_scale = false;      // the logits scaled (command-r)
};

// The builders held against ggml-alloc's own trace (tests/llamacpp/README.md, "The compute graph"); any other
// architecture keeps the fitted phase rule (core/runtimes/llama_cpp.cpp compute_phase).
constexpr graph_traits kGraphs[] = {
    {"llama"}, {"qwen2"}, {"qwen3"}, {"qwen3moe"}, {"deepseek2"},
    {.arch = "olmoe", .qk_norm_flat = true},
    {.arch = "phi3", .fused_qkv = true, .fused_up = true, .residual_first = true, .q_scale = true},
    {.arch = "gemma2", .post_norms = true, .embd_scale = true, .q_scale = true, .softcap = true},
    {.arch = "gemma3", .post_norms = true, .embd_scale = true, .q_scale = true},
    {.arch = "gpt-oss", .rows_at_end = true, .oai_router = true},
    {.arch = "command-r", .layer_norm = true, .parallel_block = true, .logit_scale = true},
};

// The dimensions the graph's tensors take, tokens T = n_ubatch.
struct graph_dims {
  uint64_t T, h, heads, kv_heads, head_k, head_v, vocab;
  uint64_t kv_lora, rope_dim, nope_dim, q_lora;  // multi-head latent attention
  bool fa, iswa, qkv_bias, o_bias, qk_norm;
  bool rot_k, rot_v;    // a quantized cache: q, k (and v, and the attention's output) turned by a Hadamard matrix
  uint64_t mask_bytes;  // per element: f16 under flash attention, else f32
  bool operator==(const graph_dims&) const = default;
};

struct attn_inputs {
  int32_t k_rot = -1, v_rot = -1, k_idxs = -1, v_idxs = -1, mask = -1;
  uint64_t n_kv = 0;
};

class layer_writer {
 public:
  layer_writer(graph_builder& g, const graph_traits& t, const graph_dims& d) : g_(g), t_(t), d_(d) {}

  // rms_norm (or norm), then mul by the weight
  int32_t norm(int32_t x, uint64_t width) { return g_.f32(true, {width, d_.T}, {g_.f32(!t_.layer_norm, {width, d_.T}, {x})}); }

  // Self-attention up to and with the output projection (src/llama-graph.cpp build_attn, build_attn_mha).
  int32_t attention(int32_t x, int32_t pos, const attn_inputs& in) { return project_out(attend(x, pos, in), in); }

  // The output projection of attend's heads: build_attn_mha expands its result into the graph, so a builder that
  // reads the layer's norm for its FFN too (command-r) runs the FFN before this.
  int32_t project_out(int32_t o, const attn_inputs& in) { return d_.rot_v ? out_proj(rotate(o, in.v_rot), true) : out_proj(o, d_.fa); }

  // Self-attention up to the heads' output (build_attn_mha's result).
  int32_t attend(int32_t x, int32_t pos, const attn_inputs& in) {
    const uint64_t T = d_.T, vd = d_.kv_heads * d_.head_v;
    int32_t q, k, v;
    bool v_strided = false;  // v a slice of the fused projection: made contiguous before a transposed store
    if (t_.fused_qkv) {
      const int32_t qkv = g_.f32(false, {(d_.heads + 2 * d_.kv_heads) * d_.head_k, T}, {x});
      q = rope(through_view(qkv), d_.heads, pos);
      if (t_.q_scale) q = g_.f32(true, {d_.head_k, d_.heads, T}, {q});
      if (d_.rot_k) q = rotate(q, in.k_rot);
      v = d_.rot_v ? rotate(qkv, in.v_rot, kF32 * vd * T) : qkv;
      v_strided = !d_.rot_v;
      k = rope(through_view(qkv), d_.kv_heads, pos);
      if (d_.rot_k) k = rotate(k, in.k_rot);
    } else {
      q = project_rope(x, d_.heads, pos);
      if (t_.q_scale) q = g_.f32(true, {d_.head_k, d_.heads, T}, {q});
      if (d_.rot_k) q = rotate(q, in.k_rot);
      auto key = [&] { k = project_rope(x, d_.kv_heads, pos); if (d_.rot_k) k = rotate(k, in.k_rot); };
      auto value = [&] { v = project(x, vd); if (d_.rot_v) v = rotate(v, in.v_rot); };
      if (d_.iswa) key(), value();  // build_attn (iSWA): q, k, v
      else value(), key();          // build_attn: q, v, k
    }
    g_.store({through_view(k), {in.k_idxs}});
    ref v_read = through_view(v);
    if (!d_.fa && v_strided) v_read = through_view(g_.f32(false, {vd, T}, {v_read}));  // ggml_cont before the transposed store
    g_.store({v_read, {in.v_idxs}});
    return mha(q, in, d_.head_v, d_.heads);
  }

  // Multi-head latent attention with the absorbed k_b / v_b (src/models/deepseek2.cpp).
  int32_t mla(int32_t x, int32_t pos, const attn_inputs& in) {
    const uint64_t T = d_.T, H = d_.heads;
    int32_t q;
    if (d_.q_lora) q = g_.f32(false, {H * (d_.nope_dim + d_.rope_dim), T}, {norm(g_.f32(false, {d_.q_lora, T}, {x}), d_.q_lora)});
    else q = g_.f32(false, {H * (d_.nope_dim + d_.rope_dim), T}, {x});
    const int32_t absorbed = g_.f32(false, {d_.kv_lora, T, H}, {through_view(q)});
    const int32_t q_pe = g_.f32(true, {d_.rope_dim, H, T}, {through_view(q), {pos}});
    int32_t q_cat = g_.f32(false, {d_.kv_lora + d_.rope_dim, H, T}, {through_view(absorbed), {q_pe}});
    const int32_t kv = g_.f32(false, {d_.kv_lora + d_.rope_dim, T}, {x});
    const int32_t latent = g_.f32(true, {d_.kv_lora, T}, {g_.f32(true, {d_.kv_lora, T}, {through_view(kv)})});
    const int32_t k_pe = g_.f32(true, {d_.rope_dim, 1, T}, {through_view(kv), {pos}});
    int32_t k = g_.f32(false, {d_.kv_lora + d_.rope_dim, 1, T}, {through_view(latent), {k_pe}});
    if (d_.rot_k) q_cat = rotate(q_cat, in.k_rot), k = rotate(k, in.k_rot);
    g_.store({through_view(k), {in.k_idxs}});
    int32_t o;
    if (d_.fa) {
      o = g_.f32(false, {d_.kv_lora, H, T}, {through_view(q_cat), {in.mask}});
      o = g_.f32(false, {d_.head_v, T, H}, {through_view(o)});  // v_b
    } else {
      const int32_t v_cont = g_.op(false, kF16, {in.n_kv, d_.kv_lora}, {});  // the latent cache transposed
      int32_t kq = g_.f32(false, {in.n_kv, T, H}, {through_view(q_cat)});
      kq = g_.f32(true, {in.n_kv, T, H}, {kq, {in.mask}});
      o = g_.f32(false, {d_.head_v, T, H}, {g_.f32(false, {d_.kv_lora, T, H}, {{v_cont}, {kq}})});
    }
    return out_proj(g_.f32(false, {d_.head_v * H, T}, {through_view(o)}), false);
  }

  // A dense gated FFN (build_ffn with LLM_FFN_SILU / GELU, LLM_FFN_PAR).
  int32_t ffn(int32_t x, uint64_t ff) {
    if (t_.fused_up) return down(g_.f32(false, {ff, d_.T}, {g_.f32(false, {2 * ff, d_.T}, {x})}));
    const int32_t gate = g_.f32(false, {ff, d_.T}, {x}), up = g_.f32(false, {ff, d_.T}, {x});
    return down(g_.f32(false, {ff, d_.T}, {gate, up}));
  }

  // Routed experts, and shared ones beside them (src/llama-graph.cpp build_moe_ffn).
  int32_t moe(int32_t x, uint64_t experts, uint64_t used, uint64_t ff, uint64_t shared_ff) {
    const uint64_t T = d_.T;
    // softmax of the router's logits (gpt-oss: the logits plus a bias, then a softmax of the chosen ones)
    const int32_t probs = g_.f32(true, {experts, T}, {g_.f32(false, {experts, T}, {x})});
    const int32_t order = g_.op(false, kI32, {experts, T}, {probs});  // argsort; top-k is its view
    int32_t weights = g_.f32(false, {1, used, T}, {through_view(probs), through_view(order)});
    if (t_.oai_router) weights = g_.f32(true, {used, T}, {through_view(weights)});
    auto experts_mm = [&](uint64_t rows, ref in) {  // mul_mat_id, and add_id of the experts' biases
      const int32_t y = g_.f32(false, {rows, used, T}, {in, through_view(order)});
      return t_.oai_router ? g_.f32(true, {rows, used, T}, {y, through_view(order)}) : y;
    };
    const int32_t gate = experts_mm(ff, through_view(x));
    const int32_t up = experts_mm(ff, through_view(x));
    const int32_t act = g_.f32(false, {ff, used, T}, {gate, up});
    const int32_t weighted = g_.f32(true, {d_.h, used, T}, {experts_mm(d_.h, act), {weights, t_.oai_router}});
    int32_t sum = g_.f32(true, {d_.h, T}, {through_view(weighted), through_view(weighted)});
    for (uint64_t i = 2; i < used; ++i) sum = g_.f32(true, {d_.h, T}, {sum, through_view(weighted)});
    if (!shared_ff) return sum;
    return g_.f32(true, {d_.h, T}, {sum, ffn(x, shared_ff)});
  }

 private:
  // llama_mul_mat_hadamard: the rotation's matmul over a view of y, as large as y (src/llama-graph.cpp).
  int32_t rotate(int32_t y, int32_t matrix, uint64_t bytes = 0) {
    return g_.op(false, 1, {bytes ? bytes : g_.nodes[static_cast<size_t>(y)].bytes}, {{matrix}, through_view(y)});
  }
  int32_t rope(ref y, uint64_t n_h, int32_t pos) { return g_.f32(true, {d_.head_k, n_h, d_.T}, {y, {pos}}); }
  int32_t project(int32_t x, uint64_t width) {
    const int32_t y = g_.f32(false, {width, d_.T}, {x});
    return d_.qkv_bias ? g_.f32(true, {width, d_.T}, {y}) : y;
  }
  // q or k: the projection (and bias), its norm over each head or over the whole, then rope.
  int32_t project_rope(int32_t x, uint64_t n_h, int32_t pos) {
    const int32_t y = project(x, n_h * d_.head_k);
    if (!d_.qk_norm) return rope(through_view(y), n_h, pos);
    if (t_.qk_norm_flat) return rope(through_view(norm(y, n_h * d_.head_k)), n_h, pos);
    const int32_t n = g_.f32(true, {d_.head_k, n_h, d_.T}, {through_view(y)});
    return rope({g_.f32(true, {d_.head_k, n_h, d_.T}, {n})}, n_h, pos);
  }
  // Attention over the cache: flash attention's one node, or the scores, their softmax and the weighted values.
  int32_t mha(int32_t q, const attn_inputs& in, uint64_t head_v, uint64_t heads) {
    const uint64_t T = d_.T;
    if (d_.fa) return g_.f32(false, {head_v, heads, T}, {through_view(q), {in.mask}});
    int32_t kq = g_.f32(false, {in.n_kv, T, heads}, {through_view(q)});
    if (t_.softcap) kq = g_.f32(true, {in.n_kv, T, heads}, {g_.f32(true, {in.n_kv, T, heads}, {g_.f32(true, {in.n_kv, T, heads}, {kq})})});
    kq = g_.f32(true, {in.n_kv, T, heads}, {kq, {in.mask}});
    const int32_t kqv = g_.f32(false, {head_v, T, heads}, {kq});
    return g_.f32(false, {head_v * heads, T}, {through_view(kqv)});  // ggml_cont of the permuted heads
  }
  int32_t out_proj(int32_t o, bool view) {
    const int32_t y = g_.f32(false, {d_.h, d_.T}, {ref{o, view}});
    return d_.o_bias ? g_.f32(true, {d_.h, d_.T}, {y}) : y;
  }
  int32_t down(int32_t act) { return g_.f32(false, {d_.h, d_.T}, {act}); }

  graph_builder& g_;
  const graph_traits& t_;
  const graph_dims& d_;
};
// The allocator's state where a layer begins: its free blocks, and the one tensor carried in (the residual).
struct layer_mark {
  std::vector<free_block> blocks;
  uint64_t residual_offset;
  bool valid;
};

}  // namespace

graph_alloc_result replay_ggml_alloc(const compute_graph& g, uint64_t alignment, std::vector<uint64_t>* offsets, bool stop_at_repeat) {
  const std::vector<graph_node>& nodes = g.nodes;
  graph_alloc_result out;
  dyn_tallocr alloc(alignment);
  std::vector<node_state> st(nodes.size());
  // A tensor over 64 PiB, or a buffer over 1 EiB, is an absurd request, not a buffer: said, and the replay stops
  // before an offset could wrap.
  constexpr uint64_t kLimit = uint64_t{1} << 56, kBufferLimit = uint64_t{1} << 60;
  size_t live = 0;  // tensors allocated, inputs aside
  auto place = [&](size_t i) {
    if (nodes[i].bytes > kLimit) out.overflow = true;
    st[i].offset = alloc.alloc(std::min(nodes[i].bytes, kLimit));
    st[i].allocated = true;
    live += !nodes[i].input;
    if (alloc.max_size() > kBufferLimit) out.overflow = true;
  };
  // ggml_gallocr_alloc_graph_impl: the leafs (graph inputs) first, then the children each tensor has.
  for (size_t i = 0; i < nodes.size() && !out.overflow; ++i)
    if (nodes[i].input) place(i);
  for (const graph_node& n : nodes)
    for (uint8_t j = 0; j < n.n_src; ++j) {
      ++st[static_cast<size_t>(n.src[j])].uses;
      st[static_cast<size_t>(n.src[j])].view_uses += n.via_view[j];
    }
  // Where each layer begins, the allocator's state: the first layer that begins as the layer one period before
  // it did is where the layers start repeating their offsets (llama_compute_buffer skips what follows).
  const size_t n_layers = g.layer_start.size();
  std::vector<layer_mark> marks(n_layers);
  size_t layer = 0;
  for (size_t i = 0; i < nodes.size() && !out.overflow; ++i) {
    if (layer < n_layers && i == g.layer_start[layer]) {
      const size_t residual = i - 1;  // the previous layer's output (or the embeddings) is the node before
      marks[layer] = {alloc.blocks(), st[residual].offset, live == 1 && st[residual].allocated};
      const size_t P = g.period;
      if (P && !out.repeat_layer && layer >= g.period_start + P && marks[layer].valid && marks[layer - P].valid && marks[layer].blocks == marks[layer - P].blocks &&
          marks[layer].residual_offset == marks[layer - P].residual_offset)
        out.repeat_layer = layer;
      if (out.repeat_layer && stop_at_repeat) break;
      ++layer;
    }
    const graph_node& n = nodes[i];
    if (n.input) continue;
    bool reused = false;
    for (uint8_t j = 0; n.inplace && j < n.n_src && !reused; ++j) {
      const size_t s = static_cast<size_t>(n.src[j]);
      if (n.via_view[j] || !st[s].allocated || nodes[s].output || nodes[s].shape != n.shape || st[s].uses != 1 || st[s].view_uses) continue;
      st[i].offset = st[s].offset, st[i].allocated = true, st[s].allocated = false, reused = true;
    }
    if (!reused && n.bytes) place(i);
    for (uint8_t j = 0; j < n.n_src; ++j) {
      node_state& s = st[static_cast<size_t>(n.src[j])];
      --s.uses;
      s.view_uses -= n.via_view[j];
      if (!s.uses && s.allocated && !nodes[static_cast<size_t>(n.src[j])].output) {
        alloc.free(s.offset, std::min(nodes[static_cast<size_t>(n.src[j])].bytes, kLimit));
        s.allocated = false;
        live -= !nodes[static_cast<size_t>(n.src[j])].input;
      }
    }
  }
  if (offsets) {
    offsets->clear();
    for (const node_state& s : st) offsets->push_back(s.offset);
  }
  out.peak = alloc.max_size();
  return out;
}

namespace {

const graph_traits* traits_of(const model_spec& s) {
  const architecture* a = find_architecture(s.text_family.empty() ? s.family : s.text_family);
  if (!a) return nullptr;
  for (const graph_traits& t : kGraphs)
    if (t.arch == a->gguf_arch) return &t;
  return nullptr;
}

bool sliding(const layer_spec& l) { return l.attention == attention_kind::sliding || l.attention == attention_kind::chunked; }

// Where the layers start repeating their kind (window, experts, FFN width) until layer n-2, and with which
// period: the first layer (after a dense prefix such as DeepSeek-V3's, up to 8 layers) and the smallest period up
// to 8; period 0 where there is none.
struct layer_cycle {
  size_t start = 1, period = 0;
};

layer_cycle layer_period(const model_spec& s) {
  const size_t n = s.layers.size();
  auto same = [&](size_t a, size_t b) {
    const layer_spec &x = s.layers[a], &y = s.layers[b];
    return sliding(x) == sliding(y) && x.moe == y.moe && x.ffn_width == y.ffn_width && x.attention == y.attention;
  };
  for (size_t start = 1; start <= 8; ++start)
    for (size_t P = 1; P <= 8; ++P) {
      bool periodic = n >= start + 2 * P + 2;
      for (size_t k = start; periodic && k + P + 2 <= n; ++k) periodic = same(k, k + P);
      if (periodic) return {start, P};
    }
  return {};
}

// Everything the reserved graph depends on: the weights' types do not enter it (the weights live elsewhere),
// so the estimates of one model at several quantizations, or several GPU layer counts, share one replay.
struct graph_request {
  const graph_traits* traits = nullptr;
  graph_dims d{};
  bool mla = false, gpu = false;
  uint64_t rot_k = 0, n_kv_full = 0, n_kv_swa = 0, ff = 0, moe_ff = 0, shared_ff = 0, experts = 0, used = 0, layer_kinds = 0;
  size_t n_layers = 0;
  bool operator==(const graph_request&) const = default;
};

// The request for this plan, or none where the graph is not one written out here.
bool request_of(const model_spec& s, const graph_settings& c, graph_request& q) {
  const bool gpu = c.gpu;
  q.traits = traits_of(s);
  if (!q.traits || s.layers.empty() || !s.hidden_size || !s.vocab_size) return false;
  uint64_t kinds = 1469598103934665603ull;  // FNV-1a over each layer's kind
  for (const layer_spec& l : s.layers) {
    if (l.attention == attention_kind::none || l.cross_attention) return false;
    q.mla |= l.attention == attention_kind::mla;
    for (uint64_t v : {uint64_t(l.attention), uint64_t(l.moe), l.ffn_width}) kinds = (kinds ^ v) * 1099511628211ull;
  }
  graph_dims& d = q.d;
  d.T = c.ubatch, d.h = s.hidden_size, d.heads = s.num_attention_heads, d.kv_heads = s.num_key_value_heads, d.vocab = s.vocab_size;
  d.head_k = s.head_dim, d.head_v = q.mla ? s.dim("v_head_dim") : s.head_dim;
  d.kv_lora = s.dim("kv_lora_rank"), d.rope_dim = s.dim("qk_rope_head_dim"), d.nope_dim = s.dim("qk_nope_head_dim"), d.q_lora = s.dim("q_lora_rank");
  d.fa = c.flash_attention, d.iswa = c.n_kv_swa != 0, d.qkv_bias = s.qkv_bias, d.o_bias = s.o_bias, d.qk_norm = s.qk_norm;
  if (!d.T || !d.heads || !d.head_k || (q.mla && (!d.kv_lora || !d.rope_dim || !d.head_v))) return false;
  // src/llama-kv-cache.cpp: a quantized K turned by the largest power of two from 64 dividing its head, V by 64
  const uint64_t head_k_cache = q.mla ? d.kv_lora + d.rope_dim : d.head_k;
  d.rot_k = c.k_quantized && head_k_cache % 64 == 0;
  d.rot_v = !q.mla && c.v_quantized && d.head_v % 64 == 0;
  q.rot_k = 64;
  while (d.rot_k && head_k_cache % (2 * q.rot_k) == 0) q.rot_k *= 2;
  // the mask f16 under flash attention (before PR #23764 reserved in f32 on the host, the GPU taking its f16 cast)
  d.mask_bytes = d.fa && (gpu || !c.mask_f32) ? 2 : 4;
  q.gpu = gpu, q.n_kv_full = c.n_kv, q.n_kv_swa = c.n_kv_swa, q.ff = s.intermediate_size;
  q.moe_ff = s.moe_intermediate_size ? s.moe_intermediate_size : s.intermediate_size;
  q.shared_ff = s.dim("shared_expert_intermediate_size") ? s.dim("shared_expert_intermediate_size") : s.num_shared_experts * q.moe_ff;
  q.experts = s.num_experts, q.used = std::max<uint64_t>(1, s.experts_per_token), q.layer_kinds = kinds, q.n_layers = s.layers.size();
  return true;
}

// The graph of the given layers (all of them, or the ones a replay cannot skip), with the output head or not.
// src/llama-context.cpp graph_reserve builds it for n_ubatch tokens, every one an output; the inputs come first,
// in the order the graph first reads them, the unused inp_embd among them, held to the end.
compute_graph build_graph(const graph_request& q, const model_spec& s, const std::vector<uint32_t>& layers, bool head) {
  const graph_dims& d = q.d;
  const graph_traits* t = q.traits;
  const bool gpu = q.gpu, mla = q.mla;
  const uint64_t T = d.T, rot_k = q.rot_k;
  graph_builder g;
  const int32_t tokens = gpu ? g.input(kF32 * d.h * T) : g.input(kI32 * T);
  if (!gpu) g.input(kF32 * d.h * T);  // inp_embd
  // The leaves in the order the graph first reads them: the first layer's rotations around inp_pos, then each
  // cache's indices and mask (the sliding cache's first: layer 0 slides), the next cache's rotations with its own.
  auto rotations = [&](attn_inputs& in, int32_t* pos) {
    if (d.rot_k) in.k_rot = g.input(kF32 * rot_k * rot_k);  // attn_inp_k_rot
    if (pos) *pos = g.input(kI32 * T);
    if (d.rot_v) in.v_rot = g.input(kF32 * 64 * 64);  // attn_inp_v_rot
  };
  auto cache_inputs = [&](attn_inputs& in, uint64_t n_kv) {
    in.n_kv = n_kv;
    in.k_idxs = g.input(kI64 * T);
    if (!mla) in.v_idxs = g.input(kI64 * T * (d.fa ? 1 : d.kv_heads * d.head_v));  // one index per element when V is stored transposed
    in.mask = g.input(d.mask_bytes * T * n_kv);
  };
  int32_t pos = -1;
  attn_inputs swa, full;
  attn_inputs& first = d.iswa ? swa : full;
  rotations(first, &pos);
  cache_inputs(first, d.iswa ? q.n_kv_swa : q.n_kv_full);
  if (d.iswa) rotations(full, nullptr), cache_inputs(full, q.n_kv_full);
  const int32_t out_ids = g.input(kI32 * T);

  layer_writer w(g, *t, d);
  int32_t x = gpu ? tokens : g.f32(false, {d.h, T}, {{tokens}});  // get_rows of token_embd
  if (t->embd_scale) x = g.f32(true, {d.h, T}, {x});
  compute_graph out;
  out.layer_start.reserve(layers.size());
  g.nodes.reserve(16 + layers.size() * 48);
  for (const uint32_t il : layers) {
    const layer_spec& l = s.layers[il];
    out.layer_start.push_back(static_cast<uint32_t>(g.nodes.size()));
    const attn_inputs& in = d.iswa && sliding(l) ? swa : full;
    int32_t cur = w.norm(x, d.h);
    const bool last = il + 1 == s.layers.size();
    if (t->parallel_block) {  // src/models/command-r.cpp: l_out = (ffn + x) + attn, in the order the graph visits them
      auto rows = [&](int32_t y) { return last ? g.f32(false, {d.h, T}, {{y}, {out_ids}}) : y; };
      const int32_t heads = w.attend(cur, pos, in);
      const int32_t ffn_out = w.ffn(rows(cur), l.ffn_width ? l.ffn_width : q.ff);
      const int32_t with_res = g.f32(true, {d.h, T}, {ffn_out, rows(x)});
      x = g.f32(true, {d.h, T}, {with_res, rows(w.project_out(heads, in))});
      continue;
    }
    cur = mla ? w.mla(cur, pos, in) : w.attention(cur, pos, in);
    if (t->post_norms) cur = w.norm(cur, d.h);
    int32_t res = x;
    if (last && !t->rows_at_end) {  // the outputs' rows (build_inp_out_ids): every token's at reserve
      cur = g.f32(false, {d.h, T}, {{cur}, {out_ids}});
      res = g.f32(false, {d.h, T}, {{res}, {out_ids}});
    }
    const int32_t ffn_inp = g.f32(true, {d.h, T}, {cur, res});
    cur = w.norm(ffn_inp, d.h);
    cur = l.moe ? w.moe(cur, q.experts, q.used, q.moe_ff, q.shared_ff) : w.ffn(cur, l.ffn_width ? l.ffn_width : q.ff);
    if (t->post_norms) cur = w.norm(cur, d.h);
    x = t->residual_first ? g.f32(true, {d.h, T}, {ffn_inp, cur}) : g.f32(true, {d.h, T}, {cur, ffn_inp});
  }
  if (head) {
    if (t->rows_at_end) {  // the last hidden state is kept as a graph output (res->t_h_nextn), never freed
      g.mark_output(x);
      x = g.f32(false, {d.h, T}, {{x}, {out_ids}});
    }
    x = w.norm(x, d.h);
    int32_t logits = g.f32(false, {d.vocab, T}, {x});
    if (t->softcap) logits = g.f32(true, {d.vocab, T}, {g.f32(true, {d.vocab, T}, {g.f32(true, {d.vocab, T}, {logits})})});
    if (t->logit_scale) logits = g.f32(true, {d.vocab, T}, {logits});
    g.mark_output(logits);
  }
  out.nodes = std::move(g.nodes);
  const layer_cycle cycle = layer_period(s);
  out.period = cycle.period, out.period_start = cycle.start;
  return out;
}

// The last replays, by request: the solver and the fit options estimate one model many times over.
struct replay_memo {
  static constexpr size_t kSlots = 32;  // a fit search tries a dozen contexts
  graph_request request[kSlots];
  compute_estimate result[kSlots];
  size_t next = 0;
};

std::vector<uint32_t> layer_range(uint32_t from, uint32_t to, std::vector<uint32_t> list = {}) {
  for (uint32_t l = from; l < to; ++l) list.push_back(l);
  return list;
}

// The replay, skipping the repeating layers: a replay of the first layers finds where the allocator starts
// entering each layer as it entered the one a period before (replay_ggml_alloc's repeat_layer); from there every
// layer repeats its offsets until the final period, so the graph of the layers before it and of the last
// period and the final layer (the same phase of the period) gives the same buffer as the whole graph.
graph_alloc_result replay_skipping_repeats(const graph_request& q, const model_spec& s, uint64_t alignment, size_t& tensors) {
  const layer_cycle cycle = layer_period(s);
  const uint32_t n = static_cast<uint32_t>(q.n_layers), P = static_cast<uint32_t>(cycle.period), start = static_cast<uint32_t>(cycle.start);
  if (P && n > start + 4 * P + 3) {
    const graph_alloc_result probe = replay_ggml_alloc(build_graph(q, s, layer_range(0, start + 3 * P + 1), false), alignment, nullptr, true);
    const uint32_t L = static_cast<uint32_t>(probe.repeat_layer);
    if (L && !probe.overflow) {
      const uint32_t target = L + (n - 1 - P - L) / P * P;
      const compute_graph g = build_graph(q, s, layer_range(target, n, layer_range(0, L)), true);
      tensors = g.nodes.size();
      return replay_ggml_alloc(g, alignment);
    }
  }
  const compute_graph g = build_graph(q, s, layer_range(0, n), true);
  tensors = g.nodes.size();
  return replay_ggml_alloc(g, alignment);
}

}  // namespace

compute_graph llama_reserve_graph(const model_spec& s, const graph_settings& c) {
  graph_request q;
  return request_of(s, c, q) ? build_graph(q, s, layer_range(0, static_cast<uint32_t>(q.n_layers)), true) : compute_graph{};
}

compute_estimate llama_compute_buffer(const model_spec& s, const graph_settings& c, uint64_t alignment) {
  graph_request q;
  if (!request_of(s, c, q)) return {};
  thread_local replay_memo memo;
  for (size_t i = 0; i < replay_memo::kSlots; ++i)
    if (memo.result[i].known && memo.request[i] == q && memo.result[i].alignment == alignment) return memo.result[i];
  size_t tensors = 0;
  const graph_alloc_result r = replay_skipping_repeats(q, s, alignment, tensors);
  const compute_estimate out{true, r.peak, r.overflow, tensors, alignment};
  memo.request[memo.next] = q, memo.result[memo.next] = out, memo.next = (memo.next + 1) % replay_memo::kSlots;
  return out;
}

}  // namespace neuroshrink
