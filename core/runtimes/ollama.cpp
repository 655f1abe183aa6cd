// Ollama (0.30 and later): its server runs upstream llama-server (llm/llama_server.go startLlamaServer), so every
// buffer is llama.cpp's (runtimes/llama_cpp.cpp) and this room holds what Ollama decides on top:
//  - the context when none is asked: by the GPUs' total memory (server/routes.go Serve, "vram-based default
//    context"): 262144 from 47 GiB, 32768 from 23 GiB, else 4096; never past the model's trained context; at least
//    2048 for a vision model (server/sched.go getRunner);
//  - OLLAMA_NUM_PARALLEL sequences (default 1; one for the architectures server/sched.go load lists), -c num_ctx x
//    parallel and -np parallel, no unified cache;
//  - its batch: -b N -ub N with N by the context (server/sched.go automaticGenerationBatch: 2048 past 32768 tokens,
//    1024 past 4096, else 512; 256 without flash attention on a CUDA GPU of 8 GiB or less past 4096);
//  - OLLAMA_KV_CACHE_TYPE (default f16) and OLLAMA_FLASH_ATTENTION (default auto) as llama.cpp's -ctk/-ctv and -fa;
//  - the library's tags (Q4_K_M by default) and the vision projector loaded with the model;
//  - no -ngl: llama-server's --fit places the layers and keeps 1 GiB of each GPU free (common/common.h
//    fit_params_target = 1024 MiB), which is what a GPU can hold here.
#include "text.h"
#include "runtimes/profile.h"

#include <algorithm>

#include "gpus.h"

namespace neuroshrink {
namespace {

constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t kFitMargin = kGiB;  // llama.cpp common/common.h fit_params_target (MiB 1024)

// server/sched.go load: these run with one sequence whatever OLLAMA_NUM_PARALLEL says (their llama.cpp
// architectures: mllama, qwen3vl, qwen3vlmoe, qwen35, qwen35moe, qwen3next, lfm2, lfm2moe, nemotron_h, nemotron_h_moe).
constexpr std::string_view kOneSequence[] = {"mllama", "qwen3_vl", "qwen3_vl_moe", "qwen3_5", "qwen3_5_moe", "qwen3_next", "lfm2", "lfm2_moe",
                                             "nemotron_h", "lfm2_vl"};

// The GPUs' total memory as Ollama sums it (each GPU's total; 0 when the request names none).
uint64_t total_vram(const estimate_options& o) {
  const uint64_t count = std::max<uint64_t>(1, o.gpus) * std::max<uint64_t>(1, o.nodes);
  if (!o.gpu_list.empty()) {
    uint64_t sum = 0;
    for (const auto& name : o.gpu_list)
      if (const gpu_info* g = find_gpu(name)) sum += g->memory_bytes;
    return sum * std::max<uint64_t>(1, o.nodes);
  }
  if (o.gpu_memory_bytes) return o.gpu_memory_bytes * count;
  if (const gpu_info* g = o.gpu.empty() ? nullptr : find_gpu(o.gpu)) return g->memory_bytes * count;
  return 0;
}

void info(std::vector<issue>& issues, std::string_view field, std::string text) {
  issues.push_back({"ollama_default", std::string(field), std::move(text), severity::info});
}

void defaults(const model_spec& s, estimate_options& o, bool context_given, std::vector<issue>& issues) {
  const bool vision = s.dim("vision_hidden_size") || s.dim("audio_hidden_size");
  if (o.quantization.empty()) {
    o.quantization = "Q4_K_M";
    info(issues, "quantization", "Ollama's library tags are Q4_K_M unless another is named (ollama run MODEL:TAG): Q4_K_M is estimated.");
  }
  if (vision && !o.mmproj && !o.mmproj_file) {
    o.mmproj = true;
    info(issues, "mmproj", "Ollama loads a vision model's projector with it (llama-server --mmproj): it is counted.");
  }
  if (!context_given) {
    const uint64_t vram = total_vram(o);
    uint64_t ctx = vram >= 47 * kGiB ? 262144 : vram >= 23 * kGiB ? 32768 : 4096;
    if (s.max_position_embeddings) ctx = std::min<uint64_t>(ctx, s.max_position_embeddings);
    if (vision) ctx = std::max<uint64_t>(ctx, 2048);
    o.context_tokens = ctx;
    info(issues, "context_tokens", "Ollama's default context is " + text_of(ctx) + " tokens: " +
        (vram ? text_of(vram >> 30) + " GiB of GPU memory in all" : std::string("no GPU named (name yours: 4096 under 23 GiB, 32768 from 23 GiB, 262144 from 47 GiB)")) +
        (s.max_position_embeddings && ctx == s.max_position_embeddings ? ", capped at the model's trained context" : "") + " (server/routes.go). OLLAMA_CONTEXT_LENGTH or num_ctx sets it.");
  }
  if (o.batch_size > 1 && std::find(std::begin(kOneSequence), std::end(kOneSequence), s.family) != std::end(kOneSequence)) {
    o.batch_size = 1;
    issues.push_back({"ollama_one_sequence", "batch_size", "Ollama runs " + s.family + " with one sequence whatever OLLAMA_NUM_PARALLEL says (server/sched.go): one is estimated.", severity::warning});
  }
  o.kv_unified = false;  // -np with -c num_ctx x parallel
  if (o.draft_spec) {  // (llm/llama_server.go passes no draft model to llama-server)
    o.draft_spec = nullptr, o.draft_tensors = nullptr;
    issues.push_back({"draft_not_for_runtime", "draft_config", "Ollama runs no draft model (it starts llama-server without one): the draft is not counted. llama.cpp's llama-server -md runs one.", severity::warning});
  }
  if (!o.ubatch) {
    const uint64_t ctx = std::min<uint64_t>(o.context_tokens, s.max_position_embeddings ? s.max_position_embeddings : o.context_tokens) * std::max<uint64_t>(1, o.batch_size);
    uint64_t n = ctx > 32768 ? 2048 : ctx > 4096 ? 1024 : 512;
    const gpu_info* g = o.gpu.empty() ? nullptr : find_gpu(o.gpu);
    if (o.flash_attention == 0 && ctx > 4096 && g && g->vendor == "nvidia" && (o.gpu_memory_bytes ? o.gpu_memory_bytes : g->memory_bytes) <= 8 * kGiB) n = 256;
    o.ubatch = n, o.n_batch = n;
    if (n != 512)
      info(issues, "ubatch", "Ollama sets llama-server's batch to " + text_of(n) + " for this context (server/sched.go automaticGenerationBatch: -b " + text_of(n) + " -ub " + text_of(n) +
          "); it steps down (2048, 1024, 512) when the model nearly fills the GPU, which this estimate does not model.");
  }
}

// llama-server's --fit leaves 1 GiB of each GPU free; the rest is what the layers may take.
uint64_t usable(const gpu_info& g, const estimate_options&) {
  const uint64_t u = usable_bytes(g);
  return u > kFitMargin ? u - kFitMargin : 0;
}

std::string kv_env(std::string_view name) {
  if (name == "fp16") return "f16";
  return std::string(name);
}

// The server's environment (docs/faq.mdx), then the model: a GGUF repository on the Hub runs as hf.co/ID:TAG.
std::string command(const estimate_result& r, const std::string& model_id, const estimate_options& o) {
  std::string env = "OLLAMA_CONTEXT_LENGTH=" + text_of(o.context_tokens);
  if (o.batch_size > 1) env += " OLLAMA_NUM_PARALLEL=" + text_of(o.batch_size);
  if (r.kv_k->name != "fp16") env += " OLLAMA_KV_CACHE_TYPE=" + kv_env(r.kv_k->name);
  if (o.flash_attention == 0) env += " OLLAMA_FLASH_ATTENTION=0";
  const std::string model = !model_id.empty() && o.repo_has_gguf ? "hf.co/" + model_id + ":" + r.format->name : "MODEL";
  return env + " ollama serve\n# then, in another shell:\nollama run " + model;
}

}  // namespace

const runtime_profile& ollama_profile() {
  static const runtime_profile kProfile = [] {
    const runtime_profile& l = llama_cpp_profile();
    return runtime_profile{
        .info = *find_runtime("ollama"),
        .format_refusal = l.format_refusal,
        .default_kv = l.default_kv,
        .kv_refusal = l.kv_refusal,
        .prepare = l.prepare,
        .keeps_window = l.keeps_window,
        .bytes_per_token = l.bytes_per_token,
        .cached_tokens = l.cached_tokens,
        .state_bytes = l.state_bytes,
        .components = l.components,
        .usable_bytes = usable,
        .command = command,
        .write_settings = l.write_settings,
        .format_ladder = l.format_ladder,
        .vision_in_separate_file = true,
        .one_dimensional_f32 = true,
        .own_weights_formula = true,
        .expands_mla = false,
        .batch_word = l.batch_word,
        .kv_formula_tail = l.kv_formula_tail,
        .kv_source = l.kv_source,
        .solves_gpu_layers = true,
        .compact_kv = "q8_0",
        .draft_own_context = true,
        .default_draft_max = l.default_draft_max,
        .adapter_rule = l.adapter_rule,
        .request_defaults = defaults,
    };
  }();
  return kProfile;
}

}  // namespace neuroshrink
