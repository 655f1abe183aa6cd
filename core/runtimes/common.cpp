// Small rules more than one runtime profile shares.
#include "text.h"
#include "runtimes/profile.h"

#include <algorithm>

#include "plan.h"

namespace neuroshrink {

uint64_t pad_up(uint64_t v, uint64_t m) { return ceil_div(v, m) * m; }
uint64_t kv_row_bytes(const kv_dtype& t, uint64_t elements) { return ceil_div(elements, t.block_elements) * t.block_bytes; }

// A quantized V cache needs flash attention in llama.cpp, and only llama.cpp has these block types.
bool ggml_quantized(const kv_dtype& t) { return t.block_elements > 1; }

void add_component(estimate_result& r, std::string_view key, std::string label, std::string_view category, uint64_t bytes, bool host, bool per_gpu) {
  r.components.push_back({key, std::move(label), category, bytes, host, per_gpu});
}

uint64_t replica_sequences(const plan& p) {
  const uint64_t dp = std::max<uint64_t>(1, p.r.data_parallel);
  return (std::max<uint64_t>(1, p.n_seq) + dp - 1) / dp;
}

uint64_t replica_cache(const plan& p, uint64_t whole_batch_bytes) {
  if (p.r.data_parallel <= 1) return whole_batch_bytes;
  return static_cast<uint64_t>(static_cast<double>(whole_batch_bytes) / static_cast<double>(std::max<uint64_t>(1, p.n_seq)) * static_cast<double>(replica_sequences(p)));
}

uint64_t beside_weights_per_gpu(const plan& p) {
  uint64_t most = 0;
  if (p.draft)
    for (const device_share& d : p.draft->devices)
      if (d.index >= 0) most = std::max(most, d.weights_bytes);
  return most + p.mtp_weight_bytes / std::max<uint64_t>(1, p.r.tensor_parallel)  // MTP layers: sharded as the model's
         + p.adapter_bytes_per_gpu;                                                // LoRA slots
}

uint64_t beside_token_bytes(const plan& p) {
  const uint64_t tp = std::max<uint64_t>(1, p.r.tensor_parallel);
  auto rank_share = [&](uint64_t bytes, uint64_t kv_heads, bool latent) {  // a rank's KV heads; MLA's latent whole on each
    const uint64_t heads = std::max<uint64_t>(1, kv_heads);
    return latent ? bytes : bytes / heads * std::max<uint64_t>(1, heads / tp);
  };
  bool mla = false;
  for (const auto& l : p.s.layers) mla = mla || l.attention == attention_kind::mla;
  uint64_t b = rank_share(p.mtp_token_bytes, p.s.num_key_value_heads, mla);
  if (p.draft && p.o.draft_spec) b += rank_share(p.draft->kv_cache_bytes_per_token, p.o.draft_spec->num_key_value_heads, false);
  return b;
}

uint64_t drafted_tokens(const plan& p, bool mtp) {
  if (!p.o.mtp && !p.o.draft_spec) return 0;
  if (p.o.draft_max) return p.o.draft_max;
  return mtp ? 1 : p.rt.default_draft_max ? p.rt.default_draft_max : 3;
}

uint64_t no_state(const plan&, const layer_spec&) { return 0; }
std::string no_command(const estimate_result&, const std::string&, const estimate_options&) { return {}; }
void no_settings(json_writer&, const estimate_result&, const estimate_options&) {}
std::string no_tail(const plan&) { return {}; }
bool keeps_every_window(const model_spec&) { return true; }
bool prepare_nothing(plan&) { return true; }
uint64_t whole_gpu(const gpu_info& g, const estimate_options&) { return usable_bytes(g); }

std::string refuse_ggml_cache(const kv_dtype& k, const kv_dtype& v, std::string_view runtime, std::string_view instead) {
  if (!ggml_quantized(k) && !ggml_quantized(v)) return {};
  return std::string(runtime) + " has no " + std::string(ggml_quantized(k) ? k.name : v.name) +
         " cache: the q4/q5/q8/iq4 cache types are llama.cpp's. " + std::string(instead);
}

// transformers has no MLA kernel and caches the expanded per-head K and V (modeling_deepseek_v3.py); so does
// mlx_lm. Other layers: K and V as [kv_heads, head_dim]; the lightning indexer's keys in the K cache's type.
uint64_t expanded_bytes_per_token(const plan& p, const layer_spec& l) {
  uint64_t bpt = 0;
  if (l.attention == attention_kind::mla)
    bpt = kv_row_bytes(p.kv_k, p.s.dim("expanded_k_elements")) + kv_row_bytes(p.kv_v, p.s.dim("expanded_v_elements"));
  else if (l.attention != attention_kind::none)
    bpt = kv_row_bytes(p.kv_k, l.k_elements) + kv_row_bytes(p.kv_v, l.v_elements);
  if (l.index_elements) bpt += kv_row_bytes(p.kv_k, l.index_elements);
  return bpt;
}

// transformers' MambaCache keeps d_conv columns in the compute dtype; Gated DeltaNet's recurrent state is fp32
// there (modeling_qwen3_next.py, modeling_qwen3_5.py); vLLM and mlx_lm keep the same.
uint64_t compute_dtype_state_bytes(const plan& p, const layer_spec& l) {
  return (l.state_elements - l.state_fp32_elements) * p.f.compute_bytes + l.state_fp32_elements * 4;
}

// Activations: the peak of transient tensors in one prefill forward pass of transformers under torch.no_grad
// with SDPA attention, where layers run one after another so one layer's tensors are live at a time
// (modeling_llama.py):
//  - MLP: residual + normed input [T, h], then act(gate_proj(x)), up_proj(x) and their product [T, i] live
//    together: T * (2h + 3i) elements; an expert block adds its zeroed output [T, h] and, at worst, every token
//    routed to one expert (modeling_mixtral.py MixtralSparseMoeBlock).
//  - attention: residual + normed input [T, h], rotated q, the SDPA output and its contiguous copy
//    [T, heads*head_dim]: T * (2h + 3*heads*head_dim) elements (K and V live in the cache).
//  - logits: generate() asks for the last position only (logits_to_keep=1, generation/utils.py), which
//    LlamaForCausalLM returns upcast to fp32: batch * vocab * (c + 4) bytes.
void add_prefill_activations(plan& p, uint64_t tokens, std::string_view source) {
  const model_spec& s = p.s;
  const uint64_t h = s.hidden_size, i = s.intermediate_size, V = s.vocab_size, c = p.f.compute_bytes;
  const uint64_t mlp_elems = s.num_experts ? 3 * h + 3 * i : 2 * h + 3 * i;
  const uint64_t attn_elems = 2 * h + 3 * s.num_attention_heads * s.head_dim;
  p.activations = checked_u64::product({tokens, std::max(mlp_elems, attn_elems), c});
  p.activations.add(checked_u64::product({p.o.batch_size, V, c + 4}));
  if (p.o.explain) p.r.formulas.push_back({"activations",
      "prefill peak: tokens " + text_of(tokens) + " x max(MLP " + text_of(mlp_elems) + ", attention " + text_of(attn_elems) + ") elements x " + text_of(c) +
      " bytes + last-position logits " + text_of(p.o.batch_size) + " x vocab " + text_of(V) + " x (" + text_of(c) + " + 4 for the fp32 upcast) bytes",
      source});
}

uint64_t layer_weight_bytes(const weight_split& w, uint64_t b, uint64_t n_layer) {
  uint64_t experts = 0;
  for (const uint64_t e : w.blk_experts) experts += e;
  const uint64_t rest = w.layers.value - std::min(w.layers.value, experts);
  return rest / n_layer + (b + 1 == n_layer ? rest % n_layer : 0) + (b < w.blk_experts.size() ? w.blk_experts[b] : 0);
}

}  // namespace neuroshrink
