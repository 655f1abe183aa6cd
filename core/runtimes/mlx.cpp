// MLX (Apple silicon, mlx_lm): the weights and the KV cache in unified memory, no host copy; fits against
// Metal's recommended working set.
#include "text.h"
#include "runtimes/profile.h"

#include <algorithm>

#include "plan.h"

namespace neuroshrink {

std::string mlx_format_refusal(const weight_format& f) {
  if (f.layout == weight_layout::gguf) return f.label + " is a llama.cpp file type; pick the llama.cpp runtime, or a format mlx loads.";
  if (f.layout != weight_layout::dense && f.layout != weight_layout::mlx_affine) return "MLX loads its own affine quantization: pick mlx-4bit, mlx-8bit, or fp16/bf16.";
  return {};
}

std::string mlx_kv_refusal(const kv_dtype& k, const kv_dtype& v) { return refuse_ggml_cache(k, v, "mlx", "Use fp16, bf16 or fp8."); }

// mlx_lm models/cache.py: KVCache grows in steps of 256 tokens; RotatingKVCache keeps the window.
uint64_t mlx_cached_tokens(const plan& p, uint64_t window, bool local) {
  const uint64_t grown = pad_up(p.o.context_tokens, 256);
  return local ? std::min(window, grown) : grown;
}

namespace {

// The dtype of the keys (fp16/bf16: two bytes).
std::string_view default_kv(const weight_format&) { return "fp16"; }

// mlx_lm prefills in steps of 2048 tokens (generate.py prefill_step_size), so its peak holds at most 2048
// tokens per sequence; the same per-layer tensors as transformers.
void components(plan& p) {
  add_prefill_activations(p, std::min<uint64_t>(p.o.context_tokens, 2048) * p.o.batch_size,
      "mlx_lm generate.py (prefill_step_size 2048); the same per-layer tensors as transformers");
  estimate_result& r = p.r;
  add_component(r, "weights", "Weights", "weights", p.weights.total.value, false);
  add_component(r, "kv_cache", "KV cache (mlx_lm KVCache, 256-token steps)", "kv_cache", p.kv_cache.value, false);
  add_component(r, "activations", "Prefill activations", "activations", p.activations.value, false, true);
  if (p.o.explain)
    r.formulas.push_back({"overhead", "none: MLX allocates from unified memory; the limit is Metal's recommended working set",
        "Apple Metal MTLDevice.recommendedMaxWorkingSetSize; mlx.core.metal.device_info()"});
}

std::string command(const estimate_result&, const std::string& model_id, const estimate_options& o) {
  return "mlx_lm.generate --model " + (model_id.empty() ? std::string("MODEL") : model_id) + " --max-tokens " + text_of(o.context_tokens);
}

constexpr std::string_view kLadder[] = {"bf16", "fp16", "mlx-8bit", "mlx-6bit", "mlx-4bit", "mlx-3bit"};

}  // namespace

const runtime_profile& mlx_profile() {
  static const runtime_profile kProfile{
      .info = *find_runtime("mlx"),
      .format_refusal = mlx_format_refusal,
      .default_kv = default_kv,
      .kv_refusal = mlx_kv_refusal,
      .prepare = prepare_nothing,
      .keeps_window = keeps_every_window,
      .bytes_per_token = expanded_bytes_per_token,
      .cached_tokens = mlx_cached_tokens,
      .state_bytes = compute_dtype_state_bytes,
      .components = components,
      .usable_bytes = whole_gpu,
      .command = command,
      .write_settings = no_settings,
      .format_ladder = kLadder,
      .vision_in_separate_file = false,
      .one_dimensional_f32 = false,
      .own_weights_formula = false,
      .expands_mla = true,
      .batch_word = "batch ",
      .kv_formula_tail = no_tail,
      .kv_source = "transformers cache_utils.py DynamicCache / DynamicSlidingWindowLayer: K and V of each layer as [batch, kv_heads, tokens, head_dim]",
      .solves_gpu_layers = false,
  };
  return kProfile;
}

}  // namespace neuroshrink
