// ggml-alloc's rules as core/runtimes/llama_graph.cpp replays them, held against ggml-alloc's own trace: llama.cpp
// de3ff81 (the source node-llama-cpp 3.22.1 bundles) with ggml_gallocr_allocate_node / _free_node printing each
// tensor's offset, reserving Qwen3-0.6B's graph (tests/llamacpp/README.md, "The compute graph"): every offset of
// the first layer below is the trace's.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "fixture.h"
#include "model_spec.h"
#include "runtimes/llama_graph.h"

using namespace neuroshrink;

namespace {

struct graph {
  std::vector<graph_node> nodes;
  int32_t input(uint64_t bytes) {
    graph_node n;
    n.bytes = bytes, n.input = true, n.shape = nodes.size() + 1;
    nodes.push_back(n);
    return static_cast<int32_t>(nodes.size() - 1);
  }
  // (shape: the tensor's layout, as a key; a source read through a view is given negated, minus one)
  int32_t op(bool inplace, uint64_t bytes, uint64_t shape, std::initializer_list<int32_t> src) {
    graph_node n;
    n.bytes = bytes, n.inplace = inplace, n.shape = shape | 1ull << 63;
    for (int32_t s : src) {
      n.via_view[n.n_src] = s < 0;
      n.src[n.n_src++] = s < 0 ? -s - 1 : s;
    }
    nodes.push_back(n);
    return static_cast<int32_t>(nodes.size() - 1);
  }
};
int32_t view(int32_t id) { return -id - 1; }

}  // namespace

TEST_CASE("ggml-alloc replayed: Qwen3-0.6B's first layer lands where llama.cpp's allocator put it", "[llama.cpp][graph]") {
  // ubatch 512, n_embd 1024, 16 heads and 8 KV heads of 128, n_ff 3072, 4096 cells, flash attention
  constexpr uint64_t kRow = 1024 * 512 * 4, kQ = 2 * kRow, kFf = 3 * kRow;
  constexpr uint64_t kHidden = 1, kQ2d = 2, kQHeads = 3, kKHeads = 4, kFfn = 5, kK2d = 6;
  graph g;
  const int32_t tokens = g.input(2048), embd_in = g.input(kRow), pos = g.input(2048), k_idxs = g.input(4096), v_idxs = g.input(4096),
                mask = g.input(4194304), out_ids = g.input(2048);
  const int32_t embd = g.op(false, kRow, kHidden, {tokens});                       // get_rows
  const int32_t attn_norm = g.op(true, kRow, kHidden, {g.op(true, kRow, kHidden, {embd})});
  const int32_t q_mm = g.op(false, kQ, kQ2d, {attn_norm});
  const int32_t q_norm = g.op(true, kQ, kQHeads, {view(q_mm)});
  const int32_t q = g.op(true, kQ, kQHeads, {g.op(true, kQ, kQHeads, {q_norm}), pos});  // mul, rope
  const int32_t v = g.op(false, kRow, kK2d, {attn_norm});
  const int32_t k_mm = g.op(false, kRow, kK2d, {attn_norm});
  const int32_t k_norm = g.op(true, kRow, kKHeads, {view(k_mm)});
  const int32_t k = g.op(true, kRow, kKHeads, {g.op(true, kRow, kKHeads, {k_norm}), pos});
  g.op(false, 0, 0, {view(k), k_idxs});  // set_rows into the cache
  g.op(false, 0, 0, {view(v), v_idxs});
  const int32_t fa = g.op(false, kQ, kQHeads, {view(q), mask});
  const int32_t wo = g.op(false, kRow, kHidden, {view(fa)});
  const int32_t ffn_inp = g.op(true, kRow, kHidden, {wo, embd});
  const int32_t ffn_norm = g.op(true, kRow, kHidden, {g.op(true, kRow, kHidden, {ffn_inp})});
  const int32_t gate = g.op(false, kFf, kFfn, {ffn_norm}), up = g.op(false, kFf, kFfn, {ffn_norm});
  const int32_t act = g.op(false, kFf, kFfn, {gate, up});
  const int32_t down = g.op(false, kRow, kHidden, {act});
  const int32_t l_out = g.op(true, kRow, kHidden, {down, ffn_inp});
  const int32_t next_norm = g.op(true, kRow, kHidden, {l_out});
  g.op(false, 0, 0, {l_out, next_norm, pos, k_idxs});  // the later layers' reads keep these alive, as in the real graph
  g.op(false, 0, 0, {v_idxs, mask, out_ids, embd_in});

  std::vector<uint64_t> at;
  const graph_alloc_result r = replay_ggml_alloc(compute_graph{g.nodes, {}, 0, 1}, 32, &at);
  CHECK_FALSE(r.overflow);
  // the trace's offsets, tensor by tensor ("GA alloc ... @offset"; a tensor reused in place shares its parent's)
  const std::vector<std::pair<int32_t, uint64_t>> trace = {
      {tokens, 0}, {embd_in, 2048}, {pos, 2099200}, {k_idxs, 2101248}, {v_idxs, 2105344}, {mask, 2109440}, {out_ids, 6303744},
      {embd, 6305792}, {attn_norm, 8402944}, {q_mm, 10500096}, {q_norm, 14694400}, {q, 14694400}, {v, 10500096}, {k_mm, 12597248},
      {k_norm, 8402944}, {k, 8402944}, {fa, 8402944}, {wo, 12597248}, {ffn_inp, 12597248}, {ffn_norm, 6305792}, {gate, 14694400},
      {up, 20985856}, {act, 6305792}, {down, 14694400}, {l_out, 14694400}, {next_norm, 6305792}};
  for (const auto& [id, offset] : trace) {
    INFO("tensor " << id);
    CHECK(at[static_cast<size_t>(id)] == offset);
  }
  CHECK(r.peak == 20985856 + kFf);  // the FFN's up projection reaches highest
}

TEST_CASE("ggml-alloc replayed: an absurd tensor is reported, never wrapped", "[llama.cpp][graph]") {
  graph g;
  const int32_t a = g.input(UINT64_MAX);
  g.op(false, uint64_t{1} << 62, 1, {a});
  const graph_alloc_result r = replay_ggml_alloc(compute_graph{g.nodes, {}, 0, 1}, 32);
  CHECK(r.overflow);
  CHECK(r.peak <= (uint64_t{1} << 61));
}

TEST_CASE("the replay passing over repeating layers gives the whole graph's buffer", "[llama.cpp][graph]") {
  // llama.cpp's graphs for models of 16 to 126 layers, dense, MoE, MLA, iSWA (period 2 and 6), fused projections
  const char* configs[] = {"meta-llama__Meta-Llama-3.1-8B", "meta-llama__Meta-Llama-3.1-405B", "meta-llama__Llama-3.3-70B-Instruct",
                           "Qwen__Qwen3-30B-A3B", "Qwen__Qwen2.5-7B", "deepseek-ai__DeepSeek-V2-Lite", "deepseek-ai__DeepSeek-V3",
                           "google__gemma-2-9b-it", "microsoft__phi-4", "allenai__OLMoE-1B-7B-0924", "mistralai__Mixtral-8x7B-v0.1",
                           "meta-llama__Llama-3.2-1B", "unsloth__c4ai-command-r-08-2024", "openai__gpt-oss-20b"};
  int skipped = 0;
  for (const char* name : configs) {
    const parsed_config parsed = parse_config(fixture_text(name));
    REQUIRE(parsed.ok());
    for (uint64_t ub : {512u, 2048u})
      for (uint64_t n_kv : {4096u, 32768u})
        for (int variant = 0; variant < 4; ++variant) {
          graph_settings c;
          c.ubatch = ub, c.n_kv = n_kv, c.flash_attention = variant != 1, c.k_quantized = c.v_quantized = variant == 2, c.gpu = variant == 3;
          bool sliding = false;
          for (const layer_spec& l : parsed.spec.layers) sliding |= l.attention == attention_kind::sliding;
          if (sliding) c.n_kv_swa = std::min<uint64_t>(n_kv, 8192);
          const compute_graph whole = llama_reserve_graph(parsed.spec, c);
          REQUIRE_FALSE(whole.nodes.empty());
          const uint64_t alignment = c.gpu ? 128 : 32;
          const compute_estimate skipping = llama_compute_buffer(parsed.spec, c, alignment);
          INFO(name << " ub " << ub << " n_kv " << n_kv << " variant " << variant);
          CHECK(skipping.known);
          CHECK(skipping.bytes == replay_ggml_alloc(whole, alignment).peak);
          skipped += skipping.tensors < whole.nodes.size();
        }
  }
  CHECK(skipped >= 60);  // most of them pass over layers
}
