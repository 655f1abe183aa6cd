// The KV cache, layer by layer. The shape of each cached token is the same in every runtime: K and V as
// [kv_heads, head_dim] per layer (transformers cache_utils.py DynamicCache; llama.cpp llama-kv-cache.cpp; vLLM's
// paged blocks). What differs, and what the runtime's profile answers, is how many tokens each runtime keeps,
// how it pads them, and MLA: runtimes without an MLA kernel cache the expanded per-head K and V.
#include "text.h"
#include "kv_cache.h"

#include <algorithm>

#include "runtimes/profile.h"

namespace neuroshrink {

void size_kv_cache(plan& p) {
  const runtime_profile& rt = p.rt;
  estimate_result& r = p.r;
  p.windowed = rt.keeps_window(p.s);
  p.kv_layer.reserve(p.s.layers.size());
  for (const auto& l : p.s.layers) {
    const uint64_t bpt = rt.bytes_per_token(p, l);
    const bool local = (l.attention == attention_kind::sliding || l.attention == attention_kind::chunked) && l.window && p.windowed;
    const uint64_t tokens = l.attention == attention_kind::none ? 0 : rt.cached_tokens(p, l.window, local);
    if (l.attention != attention_kind::none) p.kv_cells_max = std::max(p.kv_cells_max, tokens);
    if (local) p.kv_cells_swa = std::max(p.kv_cells_swa, tokens);
    const uint64_t state = l.state_elements ? rt.state_bytes(p, l) : 0;
    // A window the runtime does not keep is no window: the layer caches the whole context, and says so.
    const bool windowless = (l.attention == attention_kind::sliding || l.attention == attention_kind::chunked) && !p.windowed;
    const attention_kind kind = windowless ? attention_kind::full : l.attention;
    const uint64_t window = windowless ? 0 : l.window;
    auto bytes = checked_u64::product({bpt, tokens, p.n_stream});
    bytes.add(checked_u64::product({state, p.o.batch_size}));
    p.kv_cache.add(bytes);
    p.kv_layer.push_back(bytes.value);
    p.per_token.add(bpt);
    if (!r.kv_layers.empty()) {
      auto& g = r.kv_layers.back();
      if (g.attention == kind && g.window == window && g.bytes_per_token == bpt && g.state_bytes == state && g.cached_tokens == tokens) {
        ++g.layers;
        g.bytes += bytes.value;
        continue;
      }
    }
    r.kv_layers.push_back({kind, window, 1, bpt, tokens, state, bytes.value});
  }
  r.kv_cache_bytes_per_token = p.per_token.value;
}

void note_expanded_mla(plan& p) {
  if (!p.rt.expands_mla) return;
  uint64_t mla_layers = 0, latent_bpt = 0;
  for (const auto& l : p.s.layers)
    if (l.attention == attention_kind::mla) {
      ++mla_layers;
      latent_bpt += kv_row_bytes(p.kv_k, l.k_elements) + kv_row_bytes(p.kv_v, l.v_elements);
    }
  if (mla_layers)
    p.r.issues.push_back({"mla_expanded", "kv_cache_dtype",
        "Multi-head latent attention: " + std::string(p.rt.info.name) + " caches the expanded K and V (" + text_of(p.per_token.value) +
            " bytes per token over " + text_of(mla_layers) + " layers); runtimes with MLA kernels (vLLM, SGLang, llama.cpp) cache the " +
            text_of(p.s.dim("kv_lora_rank")) + " + " + text_of(p.s.dim("qk_rope_head_dim")) + " latent instead: " + text_of(latent_bpt) + " bytes per token.",
        severity::info});
}

void explain_kv_cache(plan& p) {
  const model_spec& s = p.s;
  std::string groups;
  for (const auto& g : p.r.kv_layers) {
    groups += groups.empty() ? "" : " + ";
    groups += text_of(g.layers) + " " + std::string(attention_kind_name(g.attention)) + (g.window ? "(" + text_of(g.window) + ")" : "") +
              " layers x (" + text_of(g.bytes_per_token) + " bytes/token x " + text_of(g.cached_tokens) + " tokens" +
              (g.state_bytes ? " + state " + text_of(g.state_bytes) + " bytes" : "") + ")";
  }
  p.r.formulas.push_back({"kv_cache",
      groups + " x " + std::string(p.rt.batch_word) + text_of(p.n_stream) + "; per token and layer: K and V each " + text_of(s.num_key_value_heads) + " KV heads x " +
          text_of(s.head_dim) + " head_dim, K at " + text_of(p.kv_k.block_bytes) + "/" + text_of(p.kv_k.block_elements) + " bytes (" + std::string(p.kv_k.name) +
          "), V at " + text_of(p.kv_v.block_bytes) + "/" + text_of(p.kv_v.block_elements) + " bytes (" + std::string(p.kv_v.name) + ")" + p.rt.kv_formula_tail(p),
      p.rt.kv_source});
}

}  // namespace neuroshrink
