#include "estimate.h"

#include <algorithm>

namespace neuroshrink {
namespace {

// PyTorch's CUDA context with lazy module loading (CUDA_MODULE_LOADING=LAZY, PyTorch's default since
// 1.13): 287,047,680 bytes measured in pytorch/pytorch#86509 (666,632,192 bytes with eager loading).
constexpr uint64_t kTorchCudaContextBytes = 287'047'680;

// Limits on request values: a million-token context must work; beyond these no runtime allocates.
constexpr uint64_t kMaxContextTokens = uint64_t{1} << 27;
constexpr uint64_t kMaxBatch = uint64_t{1} << 20;

std::string n(uint64_t v) { return std::to_string(v); }

}  // namespace

uint64_t tensor_bytes(const tensor_entry& t, const weight_format& f) {
  const uint64_t elements = t.elements();
  const bool quantized = t.matmul && t.role != tensor_role::lm_head;
  switch (f.layout) {
    case weight_layout::dense:
      return ceil_div(elements * f.dense_bits, 8);
    case weight_layout::int8_row_scale:
      // Int8Params: CB int8 [out, in] + SCB fp32 [out].
      if (quantized) return elements + t.shape[0] * 4;
      return ceil_div(elements * f.dense_bits, 8);
    case weight_layout::int_group: {
      // GPTQ quantizes the attention and MLP/expert projections of each block; the MoE router gate
      // stays fp16 (AutoGPTQ's per-model inside_layer_modules list the projections only).
      if (!quantized || t.role == tensor_role::router) return ceil_div(elements * f.dense_bits, 8);
      const uint64_t out = t.shape[0], in = t.shape[1], bits = f.quant_bits;
      const uint64_t groups = ceil_div(in, f.group_size);
      const uint64_t qweight = ceil_div(in * bits, 32) * out * 4;   // int32 [in*bits/32, out]
      const uint64_t qzeros = groups * ceil_div(out * bits, 32) * 4;  // int32 [groups, out*bits/32]
      const uint64_t scales = groups * out * 2;                     // fp16 [groups, out]
      const uint64_t g_idx = in * 4;                                // int32 [in]
      return qweight + qzeros + scales + g_idx;
    }
  }
  return 0;
}

estimate_result estimate(const model_spec& s, const estimate_options& o) {
  estimate_result r;
  auto& issues = r.issues;

  // Weight format: the request's, else the checkpoint's own dtype.
  std::string fmt_name = o.quantization;
  if (fmt_name.empty()) {
    r.format_defaulted = true;
    fmt_name = std::string(format_from_torch_dtype(s.torch_dtype));
    if (fmt_name.empty() && !s.quantization.method.empty()) {
      // A pre-quantized checkpoint without torch_dtype (gpt-oss): its unquantized tensors are 16-bit.
      fmt_name = "bf16";
      issues.push_back({"stored_format_not_sized", "quantization",
          "The checkpoint is stored as " + s.quantization.summary + ", which this estimate does not size yet; weights are shown at bf16, an upper bound. Pick int4 or int8 for a closer figure.",
          severity::warning});
    } else if (fmt_name.empty()) {
      fmt_name = "fp32";
      issues.push_back({"dtype_assumed", "torch_dtype",
          s.torch_dtype.empty()
              ? "config.json does not give torch_dtype; assumed fp32, which transformers loads when no dtype is named. Pick a quantization to override."
              : "torch_dtype \"" + s.torch_dtype + "\" is not a float type this estimate knows; assumed fp32. Pick a quantization to override.",
          severity::warning});
    }
  }
  r.format = find_weight_format(fmt_name);
  if (!r.format) {
    std::string known;
    for (const auto& f : weight_formats()) known += (known.empty() ? "" : ", ") + std::string(f.name);
    issues.push_back({"unknown_quantization", "quantization", "Unknown quantization \"" + fmt_name + "\". Known: " + known + ".", severity::error});
  }

  // KV element types: the request's (one for both, or K and V apart), else what the runtime computes in
  // (transformers' DynamicCache keeps K and V in the dtype of the key/value projections' output).
  auto kv_type = [&](const std::string& asked, const char* field) -> const kv_dtype* {
    if (asked.empty()) {
      r.kv_dtype_defaulted = true;
      return find_kv_dtype(r.format && r.format->compute_bytes == 4 ? "fp32" : "fp16");
    }
    const kv_dtype* k = find_kv_dtype(asked);
    if (!k) {
      std::string known;
      for (const auto& d : kv_dtypes()) known += (known.empty() ? "" : ", ") + std::string(d.name);
      issues.push_back({"unknown_kv_cache_dtype", field, "Unknown KV cache dtype \"" + asked + "\". Known: " + known + ".", severity::error});
    }
    return k;
  };
  r.kv_k = kv_type(o.kv_cache_dtype_k.empty() ? o.kv_cache_dtype : o.kv_cache_dtype_k, o.kv_cache_dtype_k.empty() ? "kv_cache_dtype" : "kv_cache_dtype_k");
  r.kv_v = kv_type(o.kv_cache_dtype_v.empty() ? o.kv_cache_dtype : o.kv_cache_dtype_v, o.kv_cache_dtype_v.empty() ? "kv_cache_dtype" : "kv_cache_dtype_v");

  if (o.context_tokens == 0 || o.context_tokens > kMaxContextTokens)
    issues.push_back({"invalid_context", "context_tokens", "The context must be between 1 and " + n(kMaxContextTokens) + " tokens, not " + n(o.context_tokens) + ".", severity::error});
  if (o.batch_size == 0 || o.batch_size > kMaxBatch)
    issues.push_back({"invalid_batch", "batch_size", "The batch must be between 1 and " + n(kMaxBatch) + " sequences, not " + n(o.batch_size) + ".", severity::error});
  if (has_error(issues)) return r;

  if (s.max_position_embeddings && o.context_tokens > s.max_position_embeddings)
    issues.push_back({"context_beyond_model", "context_tokens",
        "The context (" + n(o.context_tokens) + " tokens) exceeds the model's max_position_embeddings (" + n(s.max_position_embeddings) +
        "); the model was not trained for it, though the memory is computed as asked.", severity::warning});

  r.context_tokens = o.context_tokens;
  r.batch_size = o.batch_size;
  const weight_format& f = *r.format;
  const kv_dtype& kv_k = *r.kv_k;
  const kv_dtype& kv_v = *r.kv_v;
  const uint64_t c = f.compute_bytes;

  const inventory inv = build_inventory(s);
  r.parameters = count_parameters(inv);

  checked_u64 weights;
  for (const auto& t : inv.tensors)
    if (t.component != "mtp")  // multi-token-prediction modules: stored, not loaded for plain decoding
      weights.add(checked_u64::product({tensor_bytes(t, f), t.instances()}));

  // KV cache, layer by layer: K and V of each cached token as [batch, kv_heads, tokens, head_dim]
  // (transformers cache_utils.py DynamicCache; the same count as llama.cpp's and vLLM's caches before
  // their own padding rules). Sliding-window layers keep the last `window` tokens (DynamicSlidingWindowLayer),
  // chunked layers one chunk, MLA layers the compressed latent, SSM layers a fixed state per sequence.
  auto row_bytes = [](const kv_dtype& t, uint64_t elements) { return ceil_div(elements, t.block_elements) * t.block_bytes; };
  checked_u64 kv_cache, per_token;
  for (const auto& l : s.layers) {
    // transformers has no MLA kernel: it caches the up-projected per-head K and V
    // (modeling_deepseek_v3.py DeepseekV3Attention), not the latent that MLA runtimes keep.
    const uint64_t bpt = l.attention == attention_kind::none ? 0
                         : l.attention == attention_kind::mla ? row_bytes(kv_k, s.dim("expanded_k_elements")) + row_bytes(kv_v, s.dim("expanded_v_elements"))
                                                              : row_bytes(kv_k, l.k_elements) + row_bytes(kv_v, l.v_elements);
    const uint64_t tokens = l.attention == attention_kind::none ? 0
                            : (l.attention == attention_kind::sliding || l.attention == attention_kind::chunked) && l.window
                                ? std::min(l.window, o.context_tokens)
                                : o.context_tokens;
    const uint64_t state = l.state_elements * c;
    auto bytes = checked_u64::product({bpt, tokens, o.batch_size});
    bytes.add(checked_u64::product({state, o.batch_size}));
    kv_cache.add(bytes);
    per_token.add(bpt);
    if (!r.kv_layers.empty()) {
      auto& g = r.kv_layers.back();
      if (g.attention == l.attention && g.window == l.window && g.bytes_per_token == bpt && g.state_bytes == state) {
        ++g.layers;
        g.bytes += bytes.value;
        continue;
      }
    }
    r.kv_layers.push_back({l.attention, l.window, 1, bpt, tokens, state, bytes.value});
  }
  r.kv_cache_bytes_per_token = per_token.value;
  uint64_t mla_layers = 0, latent_bpt = 0;
  for (const auto& l : s.layers)
    if (l.attention == attention_kind::mla) {
      ++mla_layers;
      latent_bpt += row_bytes(kv_k, l.k_elements) + row_bytes(kv_v, l.v_elements);
    }
  if (mla_layers)
    issues.push_back({"mla_expanded", "kv_cache_dtype",
        "Multi-head latent attention: transformers caches the expanded K and V (" + n(per_token.value) +
            " bytes per token over " + n(mla_layers) + " layers); runtimes with MLA kernels (vLLM, SGLang, llama.cpp) cache the " +
            n(s.dim("kv_lora_rank")) + " + " + n(s.dim("qk_rope_head_dim")) + " latent instead: " + n(latent_bpt) + " bytes per token.",
        severity::info});

  // Activations: the peak of transient tensors in one prefill forward pass of transformers under
  // torch.no_grad with SDPA attention, where layers run one after another so one layer's tensors are
  // live at a time (modeling_llama.py):
  //  - MLP: residual + normed input [T, h], then act(gate_proj(x)), up_proj(x) and their product [T, i]
  //    live together: T * (2h + 3i) elements; an expert block adds its zeroed output [T, h] and, at worst,
  //    every token routed to one expert (modeling_mixtral.py MixtralSparseMoeBlock).
  //  - attention: residual + normed input [T, h], rotated q, the SDPA output and its contiguous copy
  //    [T, heads*head_dim]: T * (2h + 3*heads*head_dim) elements (K and V live in the cache).
  //  - logits: generate() asks for the last position only (logits_to_keep=1, generation/utils.py), which
  //    LlamaForCausalLM returns upcast to fp32: batch * vocab * (c + 4) bytes.
  const uint64_t T = o.context_tokens * o.batch_size;
  const uint64_t h = s.hidden_size, i = s.intermediate_size;
  const uint64_t mlp_elems = s.num_experts ? 3 * h + 3 * i : 2 * h + 3 * i;
  const uint64_t attn_elems = 2 * h + 3 * s.num_attention_heads * s.head_dim;
  auto activations = checked_u64::product({T, std::max(mlp_elems, attn_elems), c});
  activations.add(checked_u64::product({o.batch_size, s.vocab_size, c + 4}));

  checked_u64 total;
  total.add(weights).add(kv_cache).add(activations).add(kTorchCudaContextBytes);
  if (total.overflow || weights.overflow || r.parameters.total.overflow) {
    issues.push_back({"overflow", "", "The sizes overflow 64-bit byte counts (over 16 EiB): the inputs are beyond any real deployment. Lower the context or batch.", severity::error});
    return r;
  }

  r.memory = {weights.value, kv_cache.value, activations.value, kTorchCudaContextBytes, total.value};
  for (const auto& g : gpus()) {
    const uint64_t usable = usable_bytes(g);
    const bool fits = r.memory.total_bytes <= usable;
    const int64_t headroom = fits ? static_cast<int64_t>(usable - r.memory.total_bytes)
                                  : -static_cast<int64_t>(std::min<uint64_t>(r.memory.total_bytes - usable, INT64_MAX));
    r.fits.push_back({&g, fits, headroom});
  }

  r.formulas.push_back({"weights",
      "sum over " + n(inv.tensors.size()) + " tensor kinds of stored bytes in " + std::string(f.label) + ": " + std::string(f.description),
      std::string(f.source)});
  std::string kv_formula;
  for (const auto& g : r.kv_layers) {
    kv_formula += kv_formula.empty() ? "" : " + ";
    kv_formula += n(g.layers) + " " + std::string(attention_kind_name(g.attention)) + (g.window ? "(" + n(g.window) + ")" : "") +
                  " layers x (" + n(g.bytes_per_token) + " bytes/token x " + n(g.cached_tokens) + " tokens" +
                  (g.state_bytes ? " + state " + n(g.state_bytes) + " bytes" : "") + ")";
  }
  r.formulas.push_back({"kv_cache",
      kv_formula + " x batch " + n(o.batch_size) + "; per token and layer: K and V each " + n(s.num_key_value_heads) + " KV heads x " +
          n(s.head_dim) + " head_dim, K at " + n(kv_k.block_bytes) + "/" + n(kv_k.block_elements) + " bytes (" + std::string(kv_k.name) +
          "), V at " + n(kv_v.block_bytes) + "/" + n(kv_v.block_elements) + " bytes (" + std::string(kv_v.name) + ")",
      "transformers cache_utils.py DynamicCache / DynamicSlidingWindowLayer: K and V of each layer as [batch, kv_heads, tokens, head_dim]"});
  r.formulas.push_back({"activations",
      "prefill peak: tokens " + n(T) + " x max(MLP " + n(mlp_elems) + ", attention " + n(attn_elems) + ") elements x " + n(c) +
      " bytes + last-position logits " + n(o.batch_size) + " x vocab " + n(s.vocab_size) + " x (" + n(c) + " + 4 for the fp32 upcast) bytes",
      "transformers (PyTorch, SDPA, no_grad) modeling_llama.py LlamaDecoderLayer/LlamaMLP/LlamaAttention forward; generation/utils.py logits_to_keep=1"});
  r.formulas.push_back({"overhead",
      "CUDA context of a PyTorch process with lazy module loading: " + n(kTorchCudaContextBytes) + " bytes",
      "pytorch/pytorch#86509 (CUDA_MODULE_LOADING=LAZY, default since PyTorch 1.13)"});
  return r;
}

}  // namespace neuroshrink
