// A runtime as one profile: the formats and cache types it loads, its settings, how many tokens each layer's
// cache holds and how many bytes a token takes there, the memory it allocates (each component with its
// formula and source), its usable share of a GPU, the solver's format ladder and its run command.
// core/runtimes/<name>.cpp each define one; core/estimate.cpp runs any of them the same way, and nothing
// outside core/runtimes/ asks which runtime it is.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "estimate.h"
#include "json_writer.h"

namespace neuroshrink {

struct plan;
struct weight_split;

struct runtime_profile {
  const runtime_info& info;
  // Why the runtime cannot load weight format f (a message naming what to pick instead), or "".
  std::string (*format_refusal)(const weight_format& f);
  // The cache's element type when the request names none.
  std::string_view (*default_kv)(const weight_format& f);
  // Why it cannot keep a cache of these types, or "".
  std::string (*kv_refusal)(const kv_dtype& k, const kv_dtype& v);
  // Its settings, resolved from the request before the cache is sized (llama.cpp's n_ctx, n_ubatch, -ngl);
  // false after an error issue.
  bool (*prepare)(plan& p);
  // Whether its sliding-window (or chunked) layers keep only their window.
  bool (*keeps_window)(const model_spec& s);
  // Cache bytes of one token of one layer.
  uint64_t (*bytes_per_token)(const plan& p, const layer_spec& l);
  // Tokens one sequence keeps in a layer's cache: the window when `local`, else the context, as it pads them.
  uint64_t (*cached_tokens)(const plan& p, uint64_t window, bool local);
  // A layer's fixed per-sequence state (SSM conv and recurrent state), bytes.
  uint64_t (*state_bytes)(const plan& p, const layer_spec& l);
  // Its allocations after the cache is sized: components, activations, overhead, their formulas and notes.
  void (*components)(plan& p);
  // What of a GPU it may use (vLLM: gpu_memory_utilization of the memory).
  uint64_t (*usable_bytes)(const gpu_info& g, const estimate_options& o);
  // The command that runs the plan, or "" when it has none.
  std::string (*command)(const estimate_result& r, const std::string& model_id, const estimate_options& o);
  // Its settings echoed in the report's "request" (llama.cpp's n_ctx, -ngl; vLLM's budget), if any.
  void (*write_settings)(json_writer& w, const estimate_result& r, const estimate_options& o);
  // The solver's best-quantization order, best first.
  std::span<const std::string_view> format_ladder;
  // Weights: the inventory's tensors it leaves out (llama.cpp's vision tower and projector: the mmproj file).
  bool vision_in_separate_file;
  // GGUF keeps 1-D tensors (norms, biases) in F32 (convert_hf_to_gguf.py: n_dims == 1 -> F32).
  bool one_dimensional_f32;
  // Writes its own weights formula (llama.cpp: token_embd on the host, the tied output copy).
  bool own_weights_formula;
  // MLA: caches the expanded per-head K and V (no MLA kernel) rather than the latent.
  bool expands_mla;
  // The KV formula: what the batch is called ("batch", "streams"), the runtime's own tail, and its source.
  std::string_view batch_word;
  std::string (*kv_formula_tail)(const plan& p);
  std::string_view kv_source;
  // The solver searches its GPU layer count (llama.cpp -ngl).
  bool solves_gpu_layers;
  // Several machines: whether it runs across them (llama.cpp's RPC, vLLM, SGLang, exo), and which of
  // tensor_parallel / pipeline_parallel it takes (vLLM both; SGLang and exo the tensor size alone).
  bool spans_machines = false;
  bool takes_tensor_parallel = false, takes_pipeline_parallel = false, takes_data_parallel = false;
  // The cache type its users pick to halve a 16-bit cache (llama.cpp -ctk/-ctv q8_0, vLLM --kv-cache-dtype
  // fp8), or "" when it has none the estimate models.
  std::string_view compact_kv = {};
  // Speculative decoding: the draft gets a context of its own (llama.cpp: its own compute and output buffers)
  // rather than running inside the target's allocator; and the tokens drafted per step when none are asked
  // (0: the runtime has no default and the estimate says which it assumed).
  bool draft_own_context = false;
  uint64_t default_draft_max = 0;
  // It loads the model's multi-token-prediction layers as their own draft (vLLM's method "mtp", SGLang's NEXTN),
  // in the model's allocator and KV pool.
  bool runs_mtp = false;
  // Inference LoRA adapters (core/adapters.cpp): "slots" (preallocated, vLLM and SGLang), "files" (llama.cpp
  // --lora), "peft" (transformers), "" (not estimated).
  std::string_view adapter_rule = {};
  // The runtime's own defaults for what the request left open (Ollama: its context by the GPUs' memory, its
  // Q4_K_M tags, the projector it loads with a vision model), resolved once when the request is read; each one
  // taken is said in an info issue. nullptr: the request's values as they are.
  void (*request_defaults)(const model_spec& s, estimate_options& o, bool context_given, std::vector<issue>& issues) = nullptr;
};

// The profile of a runtime in core/runtime.cpp's table, or nullptr when this build of the core leaves it to
// the full module (core/variant.h).
const runtime_profile* profile_of(const runtime_info& rt);

// Shared by the profiles.
void add_component(estimate_result& r, std::string_view key, std::string label, std::string_view category, uint64_t bytes, bool host,
                   bool per_gpu = false);
uint64_t kv_row_bytes(const kv_dtype& t, uint64_t elements);  // a row of a cache type, block-rounded
// Data parallel (vLLM's replicas, SGLang's DP attention groups): the sequences one replica serves, ceil(batch / D),
// and its GPUs' share of a cache sized for the whole batch.
uint64_t replica_sequences(const plan& p);
uint64_t replica_cache(const plan& p, uint64_t whole_batch_bytes);
uint64_t pad_up(uint64_t v, uint64_t m);
// What shares one allocator with the model (vLLM, SGLang): the weights a draft model, the MTP layers and preallocated
// LoRA slots put on one GPU (the draft's on the GPU holding most of them), and the cache bytes per token the draft's
// and the MTP layers' add on one tensor-parallel rank (KV heads split as the model's); 0 without any.
uint64_t beside_weights_per_gpu(const plan& p);
uint64_t beside_token_bytes(const plan& p);
// Tokens drafted per step, by the MTP layers (`mtp`) or a draft model: draft_max, else 1 for MTP, else the runtime's
// default (3 where it has none: the estimate says so); 0 without speculative decoding.
uint64_t drafted_tokens(const plan& p, bool mtp);
bool ggml_quantized(const kv_dtype& t);   // a llama.cpp block type (q8_0, q4_0, ...)
uint64_t no_state(const plan& p, const layer_spec& l);
std::string no_command(const estimate_result& r, const std::string& model_id, const estimate_options& o);
void no_settings(json_writer& w, const estimate_result& r, const estimate_options& o);
std::string no_tail(const plan& p);
bool keeps_every_window(const model_spec& s);
bool prepare_nothing(plan& p);
uint64_t whole_gpu(const gpu_info& g, const estimate_options& o);

// transformers and MLX: prefill activations, and the expanded MLA cache row.
void add_prefill_activations(plan& p, uint64_t tokens, std::string_view source);
uint64_t expanded_bytes_per_token(const plan& p, const layer_spec& l);
// transformers, vLLM and MLX keep SSM state in the compute dtype, Gated DeltaNet's recurrent state in fp32.
uint64_t compute_dtype_state_bytes(const plan& p, const layer_spec& l);
// Refuses llama.cpp's block cache types.
// A repeating layer's weight bytes for the runtimes that place layers apart (vLLM's stages, exo's machines): its routed
// experts as weights.cpp sized them (blk_experts), the rest of the stack shared evenly.
uint64_t layer_weight_bytes(const weight_split& w, uint64_t b, uint64_t n_layer);
// MLX's rules, which exo runs on each machine (runtimes/mlx.cpp).
std::string mlx_format_refusal(const weight_format& f);
std::string mlx_kv_refusal(const kv_dtype& k, const kv_dtype& v);
uint64_t mlx_cached_tokens(const plan& p, uint64_t window, bool local);
std::string refuse_ggml_cache(const kv_dtype& k, const kv_dtype& v, std::string_view runtime, std::string_view instead);

}  // namespace neuroshrink
