// Speculative decoding with a draft model: the draft is estimated by the same runtime profile with the target's
// settings, and its allocations join the target's estimate under their own keys. Sources per runtime:
//  - llama.cpp (common/speculative.cpp common_base_params_to_speculative): the draft context takes the target's
//    n_ctx, batch, ubatch, slots and flash attention, its own -ngld (default every layer) and -ctkd/-ctvd (default
//    f16); one draft context serves every slot (tools/server/server-context.cpp), with its own compute and output
//    buffers. Vocabularies more than 128 tokens apart are refused (SPEC_VOCAB_MAX_SIZE_DIFFERENCE).
//  - vLLM (v1/spec_decode): the draft's weights on every rank, its attention layers in the target's KV pool
//    (each block holds both models' layers); its activations run inside the target's profile.
#include "text.h"
#include "speculative.h"

#include <cmath>

#include "runtimes/profile.h"
#include "placement.h"

namespace neuroshrink {
namespace {

constexpr uint64_t kVocabSlack = 128;  // llama.cpp common/speculative.cpp SPEC_VOCAB_MAX_SIZE_DIFFERENCE

// The target's request for the draft: the same context, sequences, GPUs and runtime settings; the draft's own
// weight format (the target's when none is named), cache types (the runtime's default) and every layer on the GPU.
estimate_options draft_options(const estimate_options& o) {
  estimate_options d = o;
  d.draft_spec = nullptr;
  d.draft_tensors = nullptr;
  d.quantization = o.draft_quantization.empty() ? o.quantization : o.draft_quantization;
  d.kv_cache_dtype = d.kv_cache_dtype_k = d.kv_cache_dtype_v = "";
  d.gpu_layers = -1;
  d.n_cpu_moe = 0;
  d.override_tensor.clear();
  d.mmproj = false;
  d.mmproj_file.reset();
  d.file_plan = nullptr;
  d.explain = false;
  return d;
}

void check_vocab(plan& p, const model_spec& d) {
  const uint64_t t = p.s.vocab_size, v = d.vocab_size;
  if ((t > v ? t - v : v - t) <= kVocabSlack) return;
  const bool llama = p.rt.draft_own_context;
  p.r.issues.push_back({"draft_vocab_mismatch", "draft_config",
      "The draft's vocabulary (" + text_of(v) + " tokens) is not the target's (" + text_of(t) + "): " +
          (llama ? std::string("llama.cpp refuses a draft more than 128 tokens apart (\"draft model vocab type must match target model\").")
                 : std::string("the runtime verifies the draft's tokens as the target's, so the draft must share its tokenizer.")) +
          " Pick a smaller model of the same family.",
      llama ? severity::error : severity::warning});
}

}  // namespace

bool size_draft(plan& p, std::optional<estimate_result>& draft) {
  const estimate_options& o = p.o;
  if (!o.draft_spec || !o.draft_tensors) return true;
  draft = estimate(*o.draft_spec, *o.draft_tensors, draft_options(o));
  for (const issue& i : draft->issues) {
    if (i.level == severity::info) continue;  // (the target's own notes say the same of the target)
    p.r.issues.push_back({i.code, i.field.empty() ? "draft_config" : "draft_config." + i.field, "The draft model: " + i.message, i.level});
  }
  if (!draft->ok()) return false;
  check_vocab(p, *o.draft_spec);
  if (has_error(p.r.issues)) return false;
  p.draft = &*draft;
  return true;
}

void add_draft_components(plan& p) {
  if (!p.draft) return;
  const estimate_result& d = *p.draft;
  estimate_result& r = p.r;
  const bool own = p.rt.draft_own_context;
  draft_estimate e;
  e.model_id = p.o.draft_model;
  e.format = d.format ? std::string(d.format->name) : std::string();
  e.parameters = d.parameters.total.value;
  e.separate_context = own;
  e.draft_max = drafted_tokens(p, false);
  const uint64_t gpus_n = std::max<uint64_t>(1, r.gpus);
  for (const memory_component& c : d.components) {
    std::string_view key;
    if (c.category == "weights") key = "draft_weights";
    else if (c.category == "kv_cache") key = "draft_kv_cache";
    else if (!own) continue;  // one allocator: the draft runs inside the target's activation peak and CUDA context
    else key = c.category == "activations" ? "draft_compute" : "draft_output";
    memory_component m = c;
    m.key = key;
    m.label = "Draft model: " + c.label;
    r.components.push_back(std::move(m));
    // The plan's sums count a per-GPU component once (placement adds the other GPUs' copies), a spanned one on
    // each GPU of its span.
    const uint64_t whole = c.per_gpu && c.device < 0 ? c.bytes : c.bytes * copies(c, gpus_n);
    if (c.category == "weights") p.weights.total.add(whole), e.weights_bytes += whole;
    else if (c.category == "kv_cache") p.kv_cache.add(whole), e.kv_cache_bytes += whole;
    else if (c.category == "activations") p.activations.add(whole), e.compute_bytes += whole;
    else p.overhead.add(whole), e.other_bytes += whole;
  }
  if (p.o.draft_max == 0 && p.rt.default_draft_max == 0)
    r.issues.push_back({"draft_max_assumed", "draft_max", std::string(p.rt.info.label) +
        " has no default for the tokens drafted per step (vLLM's num_speculative_tokens is required): 3 are assumed. Give draft_max.", severity::info});
  if (p.o.explain)
    r.formulas.push_back({"draft", "draft model " + text_of(e.parameters) + " parameters in " + e.format + ": weights " + text_of(e.weights_bytes) +
        " + KV cache " + text_of(e.kv_cache_bytes) + " bytes at the target's context and sequences" +
        (own ? " + its own compute " + text_of(e.compute_bytes) + " and output " + text_of(e.other_bytes) + " bytes (a context of its own)"
             : std::string(" (its activations run within the target's peak)")),
        own ? std::string_view("llama.cpp common/speculative.cpp common_base_params_to_speculative (the target's n_ctx, batch and slots; -ngld all; -ctkd/-ctvd f16)")
            : std::string_view("vllm/v1/spec_decode (the draft's layers share the KV pool and the profile run)")});
  r.draft = std::move(e);
}

// Leviathan, Kalman and Matias 2023 ("Fast Inference from Transformers via Speculative Decoding", eq. 1): a
// step of gamma drafted tokens accepted each with probability alpha yields (1 - alpha^(gamma+1)) / (1 - alpha)
// tokens; it costs gamma draft steps and one target step (the verification of gamma + 1 tokens reads the target's
// weights once, as a decode step does). Acceptance depends on the pair and the text: 0.5 to 0.8 is the range
// that paper's Table 3 reports for small drafts of the same family, and no promise.
constexpr double kDraftAcceptLow = 0.5, kDraftAcceptHigh = 0.8;

void draft_speed(plan& p) {
  if (!p.r.draft || !p.draft) return;
  draft_estimate& e = *p.r.draft;
  const double target = p.r.speed.decode_tokens_per_s, own = p.draft->speed.decode_tokens_per_s;
  if (!p.r.speed.known || !(target > 0) || !(own > 0)) return;
  e.draft_tokens_per_s = own;
  e.acceptance_low = kDraftAcceptLow;
  e.acceptance_high = kDraftAcceptHigh;
  const double g = static_cast<double>(e.draft_max);
  auto rate = [&](double a) { return (1.0 - std::pow(a, g + 1.0)) / (1.0 - a) / (g / own + 1.0 / target); };
  e.decode_low = rate(e.acceptance_low);
  e.decode_high = rate(e.acceptance_high);
}

// DeepSeek-V3's technical report (section 5.4.3): the second token its MTP module predicts is accepted 85 % to 90 %
// of the time; one MTP step per target step unless draft_max asks more.
constexpr double kMtpAcceptLow = 0.85, kMtpAcceptHigh = 0.90;

bool size_mtp(plan& p) {
  const estimate_options& o = p.o;
  estimate_result& r = p.r;
  if (!o.mtp) return true;
  if (!p.s.mtp_layers) {
    r.issues.push_back({"mtp_none", "mtp", p.s.family + " has no multi-token-prediction layers in its config.json (num_nextn_predict_layers): MTP speculation needs them. Leave mtp out, or give a draft model.", severity::error});
    return false;
  }
  if (!p.rt.runs_mtp) {
    r.issues.push_back({"mtp_not_for_runtime", "mtp", std::string(p.rt.info.label) + " is not estimated with MTP speculation (vLLM and SGLang are): mtp changes nothing here.", severity::warning});
    return true;
  }
  // Its layers' tensors but the embedding and the head, which vLLM's and SGLang's MTP proposers take from the model.
  checked_u64 w, active;
  for (const auto& t : p.tensors.inv.tensors)
    if (t.component == "mtp" && t.role != tensor_role::embedding && t.role != tensor_role::lm_head) {
      w.add(checked_u64::product({tensor_bytes(t, p.f), t.instances()}));
      active.add(checked_u64::product({tensor_bytes(t, p.f), t.layers, t.active_copies}));
    }
  p.mtp_active_bytes = active.value;
  // Each MTP layer caches a token as the model's full-attention layers do (MLA's latent for DeepSeek).
  uint64_t per_layer = 0;
  for (const auto& l : p.s.layers)
    if (l.attention == attention_kind::full || l.attention == attention_kind::mla) per_layer = p.rt.bytes_per_token(p, l);
  p.mtp_weight_bytes = w.value;
  p.mtp_token_bytes = per_layer * p.s.mtp_layers;
  return !w.overflow;
}

void add_mtp_components(plan& p) {
  if (!p.mtp_weight_bytes) return;
  estimate_result& r = p.r;
  const uint64_t tokens = p.rt.cached_tokens(p, 0, false);
  const checked_u64 kv = checked_u64::product({p.mtp_token_bytes, tokens, p.n_stream});
  add_component(r, "mtp_weights", "MTP layers (" + text_of(p.s.mtp_layers) + ", the embedding and head shared with the model)", "weights", p.mtp_weight_bytes, false);
  add_component(r, "mtp_kv_cache", "MTP layers' KV cache at the model's context", "kv_cache", kv.value, false);
  p.weights.total.add(p.mtp_weight_bytes);
  p.kv_cache.add(kv);
  draft_estimate e;
  e.model_id = "MTP";
  e.format = r.format ? std::string(r.format->name) : std::string();
  e.parameters = r.parameters.mtp.value;
  e.weights_bytes = p.mtp_weight_bytes;
  e.kv_cache_bytes = kv.value;
  e.draft_max = drafted_tokens(p, true);
  r.mtp = std::move(e);
  if (p.o.explain)
    r.formulas.push_back({"mtp", text_of(p.s.mtp_layers) + " MTP layer(s): weights " + text_of(p.mtp_weight_bytes) + " bytes in " + std::string(p.f.label) +
        " (their embedding and head the model's) + KV " + text_of(p.mtp_token_bytes) + " bytes/token x " + text_of(tokens) + " tokens x " + text_of(p.n_stream) + "; in the same KV pool",
        "vllm/model_executor/models/deepseek_mtp.py, vllm/v1/spec_decode (method mtp); sglang EAGLE with NextN layers"});
}

// The MTP layer as a draft: it reads its active weights (its routed experts: the ones a token picks) and its
// layer's cache per step, a share of what the model reads.
void mtp_speed(plan& p) {
  if (!p.r.mtp || !p.r.speed.known || !(p.r.speed.decode_tokens_per_s > 0) || !p.r.speed.bytes_per_token) return;
  draft_estimate& e = *p.r.mtp;
  const double target = p.r.speed.decode_tokens_per_s;
  const double share = static_cast<double>(p.mtp_active_bytes + p.mtp_token_bytes * p.rt.cached_tokens(p, 0, false)) / static_cast<double>(p.r.speed.bytes_per_token);
  const double own = target / std::max(share, 1e-6);
  const double g = static_cast<double>(e.draft_max);
  auto rate = [&](double a) { return (1.0 - std::pow(a, g + 1.0)) / (1.0 - a) / (g / own + 1.0 / target); };
  e.draft_tokens_per_s = own;
  e.acceptance_low = kMtpAcceptLow;
  e.acceptance_high = kMtpAcceptHigh;
  e.decode_low = rate(kMtpAcceptLow);
  e.decode_high = rate(kMtpAcceptHigh);
}

}  // namespace neuroshrink
