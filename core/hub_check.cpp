#include "text.h"
#include "hub_check.h"

namespace neuroshrink {
namespace {

uint64_t ceil_div64(uint64_t a, uint64_t b) { return a / b + (a % b != 0); }

// Terms by which a checkpoint's stored element count differs from the unique parameter count.
std::vector<hub_term> candidate_terms(const model_spec& s, const inventory& inv, bool index_bytes) {
  std::vector<hub_term> terms;
  // save_pretrained with safetensors drops a tied lm_head, but pytorch_model.bin indexes and some
  // conversions store it twice (Qwen3-0.6B's safetensors.total, Falcon's .bin index).
  if (s.tie_word_embeddings) terms.push_back({"the tied lm_head stored a second time", static_cast<int64_t>(s.vocab_size * s.hidden_size)});
  // Embedding and reranker checkpoints that name a causal-LM class but store no lm_head (sentence-transformers
  // layouts, e.g. Qwen3-Embedding): the head is counted here and not in the files.
  if (!s.tie_word_embeddings && !s.headless)
    terms.push_back({"no lm_head stored (an embedding or reranker checkpoint: its architectures class would build one)", -static_cast<int64_t>(s.vocab_size * s.hidden_size)});
  // Older checkpoints saved the rotary inv_freq buffer of every layer (head_dim / 2 floats each);
  // transformers no longer registers it as persistent (modeling_llama.py LlamaRotaryEmbedding).
  if (s.head_dim && s.family != "gpt2" && s.family != "bloom" && s.family != "opt")
    terms.push_back({"rotary inv_freq buffers saved with each layer", static_cast<int64_t>(s.num_hidden_layers * (s.head_dim / 2))});
  // Multi-token-prediction modules: in the checkpoint, not in the model transformers builds.
  uint64_t mtp = 0;
  for (const auto& t : inv.tensors)
    if (t.component == "mtp") mtp += t.elements() * t.instances();
  if (mtp) terms.push_back({"multi-token-prediction (MTP) modules, stored but not loaded", static_cast<int64_t>(mtp)});
  const std::string& q = s.quantization.method;
  if (q == "fp8" && !index_bytes) {
    // fp8 checkpoints store a float32 weight_scale_inv per 128x128 block of every quantized Linear
    // (DeepSeek-V3 quantization_config weight_block_size); routers, norms, embeddings, heads and the
    // MTP eh_proj stay 16-bit.
    uint64_t scales = 0;
    for (const auto& t : inv.tensors)
      if (t.matmul && t.role != tensor_role::router && t.role != tensor_role::lm_head && t.role != tensor_role::other && t.rank == 2)
        scales += ceil_div64(t.shape[0], 128) * ceil_div64(t.shape[1], 128) * t.instances();
    terms.push_back({"fp8 weight_scale_inv tensors, one per 128x128 block", static_cast<int64_t>(scales)});
  }
  if (q == "mxfp4" && !index_bytes) {
    // MXFP4 (OCP Microscaling spec): one 8-bit E8M0 scale per 32 expert weights, stored as *_scales.
    uint64_t scales = 0;
    for (const auto& t : inv.tensors)
      if (t.role == tensor_role::expert && t.matmul) scales += t.elements() / 32 * t.instances();
    terms.push_back({"MXFP4 block scales, one per 32 expert weights", static_cast<int64_t>(scales)});
  }
  return terms;
}

hub_comparison compare(const std::string& source, uint64_t config_params, uint64_t hub_params, const std::vector<hub_term>& terms) {
  hub_comparison c{source, config_params, hub_params, static_cast<int64_t>(hub_params) - static_cast<int64_t>(config_params), {}, 0, "", ""};
  if (c.difference == 0) {
    c.verdict = "match";
    c.message = "config.json and the Hub agree to the parameter.";
    return c;
  }
  // The subset of known terms that adds up to the difference exactly (at most a handful of terms).
  const size_t n = terms.size();
  for (uint32_t mask = 1; mask < (1u << n); ++mask) {
    int64_t sum = 0;
    for (size_t i = 0; i < n; ++i)
      if (mask & (1u << i)) sum += terms[i].parameters;
    if (sum == c.difference) {
      for (size_t i = 0; i < n; ++i)
        if (mask & (1u << i)) c.explained.push_back(terms[i]);
      c.verdict = "explained";
      c.message = "The Hub counts " + text_of(c.difference) + " more: ";
      for (size_t i = 0; i < c.explained.size(); ++i)
        c.message += (i ? " + " : "") + c.explained[i].reason + " (" + text_of(c.explained[i].parameters) + ")";
      c.message += ".";
      return c;
    }
  }
  c.unexplained = c.difference;
  c.verdict = "mismatch";
  c.message = "config.json gives " + text_of(config_params) + " parameters and the Hub " + text_of(hub_params) +
              " (" + (c.difference > 0 ? "+" : "") + text_of(c.difference) +
              "), a difference no known rule explains: the config may not describe this checkpoint, or the architecture has tensors this estimate does not model.";
  return c;
}

}  // namespace

std::vector<hub_comparison> compare_with_hub(const model_spec& s, const inventory& inv, const parameter_counts& p, const hub_facts& hub) {
  std::vector<hub_comparison> out;
  const uint64_t config_params = p.total.value;
  if (hub.parameters_total) out.push_back(compare("safetensors.total", config_params, hub.parameters_total, candidate_terms(s, inv, false)));
  // The index's total_size is bytes; for a checkpoint stored in one 16- or 32-bit dtype it divides
  // into elements exactly.
  const std::string& d = s.torch_dtype;
  const uint64_t bytes_per = d == "bfloat16" || d == "float16" ? 2 : d == "float32" ? 4 : 0;
  if (hub.safetensors_total_bytes && bytes_per && s.quantization.method.empty() && hub.safetensors_total_bytes % bytes_per == 0)
    out.push_back(compare("index total_size / " + text_of(bytes_per) + " bytes", config_params, hub.safetensors_total_bytes / bytes_per,
                          candidate_terms(s, inv, true)));
  return out;
}

}  // namespace neuroshrink
