// transformers (PyTorch): the weights as stored, the dynamic KV cache, prefill activations with the
// last-position logits upcast to fp32, and the CUDA context.
#include "text.h"
#include "runtimes/profile.h"
#include "variant_text.h"

#include <algorithm>

#include "plan.h"

namespace neuroshrink {
namespace {

std::string format_refusal(const weight_format& f) {
  if (f.layout != weight_layout::gguf) return {};
  return f.label + " is a llama.cpp file type; pick the llama.cpp runtime, or a format transformers loads.";
}

// K and V in the compute dtype (cache_utils.py DynamicCache): fp32 for an fp32 model, else 16-bit.
std::string_view default_kv(const weight_format& f) { return f.compute_bytes == 4 ? "fp32" : "fp16"; }

std::string kv_refusal(const kv_dtype& k, const kv_dtype& v) { return refuse_ggml_cache(k, v, "transformers", "Use fp16, bf16 or fp8."); }

// DynamicCache keeps every token; DynamicSlidingWindowLayer keeps the window.
uint64_t cached_tokens(const plan& p, uint64_t window, bool local) { return local ? std::min(window, p.o.context_tokens) : p.o.context_tokens; }

void components(plan& p) {
  add_prefill_activations(p, p.o.context_tokens * p.o.batch_size,
      FULL_TEXT("transformers (PyTorch, SDPA, no_grad) modeling_llama.py LlamaDecoderLayer/LlamaMLP/LlamaAttention forward; generation/utils.py logits_to_keep=1"));
  estimate_result& r = p.r;
  add_component(r, "weights", "Weights", "weights", p.weights.total.value, false);
  add_component(r, "kv_cache", "KV cache (DynamicCache)", "kv_cache", p.kv_cache.value, false);
  add_component(r, "activations", "Prefill activations", "activations", p.activations.value, false, true);
  p.overhead.add(kTorchCudaContextBytes);
  add_component(r, "cuda_context", "CUDA context (PyTorch)", "overhead", kTorchCudaContextBytes, false, true);
  if (p.o.explain)
    r.formulas.push_back({"overhead", "CUDA context of a PyTorch process with lazy module loading: " + text_of(kTorchCudaContextBytes) + " bytes",
        FULL_TEXT("pytorch/pytorch#86509 (CUDA_MODULE_LOADING=LAZY, default since PyTorch 1.13)")});
}

constexpr std::string_view kLadder[] = {"bf16", "fp16", "fp8", "int8", "int4", "nf4"};

}  // namespace

const runtime_profile& transformers_profile() {
  static const runtime_profile kProfile{
      .info = *find_runtime("transformers"),
      .format_refusal = format_refusal,
      .default_kv = default_kv,
      .kv_refusal = kv_refusal,
      .prepare = prepare_nothing,
      .keeps_window = keeps_every_window,
      .bytes_per_token = expanded_bytes_per_token,
      .cached_tokens = cached_tokens,
      .state_bytes = compute_dtype_state_bytes,
      .components = components,
      .usable_bytes = whole_gpu,
      .command = no_command,
      .write_settings = no_settings,
      .format_ladder = kLadder,
      .vision_in_separate_file = false,
      .one_dimensional_f32 = false,
      .own_weights_formula = false,
      .expands_mla = true,
      .batch_word = "batch ",
      .kv_formula_tail = no_tail,
      .kv_source = FULL_TEXT("transformers cache_utils.py DynamicCache / DynamicSlidingWindowLayer: K and V of each layer as [batch, kv_heads, tokens, head_dim]"),
      .solves_gpu_layers = false,
      .adapter_rule = "peft",
  };
  return kProfile;
}

}  // namespace neuroshrink
