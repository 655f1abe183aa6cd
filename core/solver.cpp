#include "solver.h"

#include "runtimes/profile.h"
#include "text.h"
#include "training.h"

namespace neuroshrink {
namespace {

// Whether an estimate fits on its chosen GPU(s) (and in system RAM, when the request gives it).
bool fits_chosen(const estimate_result& r) {
  return r.ok() && r.gpu && r.chosen.fits && (!r.vllm || r.vllm->max_model_len_fits);
}

// The GPU(s) alone: the searches that move bytes to the host (-ngl, --n-cpu-moe) find the least they must move;
// whether the host then holds it is the measured change's fit.
bool gpu_fits_chosen(const estimate_result& r) { return r.ok() && r.gpu && r.chosen.gpu_fits; }

// Largest context (binary search; memory grows with the context in every runtime).
uint64_t max_context(const model_spec& s, const model_tensors& tensors, estimate_options o) {
  uint64_t lo = 0, hi = s.max_position_embeddings ? s.max_position_embeddings : (uint64_t{1} << 20);
  o.context_tokens = hi;
  if (fits_chosen(estimate(s, tensors, o))) return hi;
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    o.context_tokens = mid;
    (fits_chosen(estimate(s, tensors, o)) ? lo : hi) = mid;
  }
  return lo;
}

// Best quantization: the first that fits, in the runtime's order of quality.
std::string best_quantization(const model_spec& s, const model_tensors& tensors, estimate_options o, const runtime_profile& rt) {
  for (auto q : rt.format_ladder) {
    if (!find_weight_format(q)) continue;
    o.quantization = std::string(q);
    if (fits_chosen(estimate(s, tensors, o))) return std::string(q);
  }
  return {};
}

// Fewest GPUs of this kind, in powers of two up to 64.
uint64_t fewest_gpus(const model_spec& s, const model_tensors& tensors, estimate_options o) {
  if (!o.gpu_list.empty() || o.nodes > 1) return 0;  // listed GPUs, or machines: the devices are given (fewest_nodes)
  for (uint64_t n = 1; n <= 64; n *= 2) {
    o.gpus = n;
    if (fits_chosen(estimate(s, tensors, o))) return n;
  }
  return 0;
}

// Fewest machines of the request's kind (its GPUs per machine, its runtime's default layout over them) that hold the
// model at the request's context and batch: for the runtimes that span machines.
uint64_t fewest_nodes(const model_spec& s, const model_tensors& tensors, estimate_options o, const estimate_result& r) {
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  if (!rt || !rt->spans_machines || o.tensor_parallel || o.pipeline_parallel || r.gpu.custom()) return 0;
  if (rt->solves_gpu_layers && o.nodes <= 1 && o.gpu_list.empty()) return 0;  // one machine's llama.cpp: -ngl and more GPUs first
  if (!o.gpu_list.empty()) return 0;  // listed GPUs are the machines' own: no more of them to add
  // More machines hold more: double until one fits, then halve the gap (a dozen estimates rather than 64).
  auto fits = [&](uint64_t n) { o.nodes = n; return fits_chosen(estimate(s, tensors, o)); };
  uint64_t lo = std::max<uint64_t>(1, o.nodes), hi = lo;
  while (!fits(hi)) {
    if (hi >= 64) return 0;
    lo = hi + 1;
    hi = std::min<uint64_t>(64, hi * 2);
  }
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  return hi;
}

// Every valid layout of the request's GPUs (TP x PP; a MoE also DP x TP, expert parallel), each estimated; the
// layouts vLLM refuses (TP not dividing the heads, more stages than layers) are left out.
void solve_layouts(const model_spec& s, const model_tensors& tensors, estimate_options o, const estimate_result& r, solver_result& out) {
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  // (up to 64 GPUs: at most a dozen divisors to estimate; a larger cluster names its layout)
  if (!rt || !rt->takes_tensor_parallel || !rt->takes_pipeline_parallel || r.gpus < 2 || r.gpus > 64) return;
  auto add = [&](uint64_t tp, uint64_t pp, uint64_t dp) {
    o.tensor_parallel = tp, o.pipeline_parallel = pp, o.data_parallel = dp, o.expert_parallel = dp > 1 || o.expert_parallel;
    const estimate_result e = estimate(s, tensors, o);
    if (!e.ok()) return;
    out.layouts.push_back({tp, pp, dp, fits_chosen(e), e.vllm ? e.vllm->kv_tokens : 0, e.speed.known ? e.speed.decode_tokens_per_s : 0});
  };
  for (uint64_t tp = 1; tp <= r.gpus; ++tp)
    if (r.gpus % tp == 0) add(tp, r.gpus / tp, 1);
  if (s.num_experts)
    for (uint64_t dp = 2; dp <= r.gpus; ++dp)
      if (r.gpus % dp == 0) add(r.gpus / dp, 1, dp);
  // The best: of those that fit with tensor parallel inside one machine (its all-reduce on every layer stays on the
  // machine's links; vLLM's distributed serving docs: TP within a node, PP across nodes), the fastest decode of a
  // sequence, then the most KV tokens over all replicas.
  const uint64_t per_node = std::max<uint64_t>(1, r.gpus_per_node);
  for (size_t i = 0; i < out.layouts.size(); ++i) {
    const layout_option& l = out.layouts[i];
    if (!l.fits || l.tensor_parallel > per_node) continue;
    const layout_option* best = out.best_layout < 0 ? nullptr : &out.layouts[static_cast<size_t>(out.best_layout)];
    const auto tokens = [](const layout_option& x) { return x.kv_tokens * std::max<uint64_t>(1, x.data_parallel); };
    if (!best || l.decode_tokens_per_s > best->decode_tokens_per_s || (l.decode_tokens_per_s == best->decode_tokens_per_s && tokens(l) > tokens(*best)))
      out.best_layout = static_cast<int64_t>(i);
  }
}

// The most layers on the GPU that fit (llama.cpp -ngl), or -1 when not even none does.
int64_t gpu_layers(const model_spec& s, const model_tensors& tensors, estimate_options o, uint64_t n_layer) {
  int64_t lo = 0, hi = static_cast<int64_t>(n_layer) + 1;
  o.gpu_layers = hi;
  if (gpu_fits_chosen(estimate(s, tensors, o))) return hi;
  o.gpu_layers = 0;
  if (!gpu_fits_chosen(estimate(s, tensors, o))) return -1;
  while (hi - lo > 1) {
    const int64_t mid = (lo + hi) / 2;
    o.gpu_layers = mid;
    (gpu_fits_chosen(estimate(s, tensors, o)) ? lo : hi) = mid;
  }
  return lo;
}

// The fewest leading layers whose routed experts stay in system RAM (llama.cpp --n-cpu-moe) with every layer on the
// GPU, or -1 when even all of them do not make it fit. More layers' experts in RAM never need more GPU memory.
int64_t cpu_moe_layers(const model_spec& s, const model_tensors& tensors, estimate_options o, uint64_t n_layer) {
  o.gpu_layers = -1;
  o.n_cpu_moe = n_layer;
  if (!gpu_fits_chosen(estimate(s, tensors, o))) return -1;
  uint64_t lo = 0, hi = n_layer;  // (lo: the request's own, which does not fit)
  while (hi - lo > 1) {
    o.n_cpu_moe = lo + (hi - lo) / 2;
    (gpu_fits_chosen(estimate(s, tensors, o)) ? hi : lo) = o.n_cpu_moe;
  }
  return static_cast<int64_t>(hi);
}

fit_change measured(std::vector<option_setting> set, const estimate_result& e) {
  fit_change c{std::move(set), fits_chosen(e), e.ok() ? e.chosen.headroom_bytes : 0, e.ok() ? e.memory.host_bytes : 0,
               e.speed.known ? e.speed.decode_tokens_per_s : 0};
  return c;
}

// Sets one option of `o` by its schema name (the few the changes below use).
void apply(estimate_options& o, const option_setting& c) {
  const uint64_t n = c.n;
  if (c.option == "quantization") o.quantization = c.value;
  else if (c.option == "context_tokens") o.context_tokens = n;
  else if (c.option == "kv_cache_dtype") o.kv_cache_dtype = c.value, o.kv_cache_dtype_k.clear(), o.kv_cache_dtype_v.clear();
  else if (c.option == "gpu_layers") o.gpu_layers = static_cast<int64_t>(n);
  else if (c.option == "n_cpu_moe") o.n_cpu_moe = n, o.gpu_layers = -1;
  else if (c.option == "gpus") o.gpus = n;
  else if (c.option == "nodes") o.nodes = n;
  else if (c.option == "batch_size") o.batch_size = n;
  else if (c.option == "training.checkpointing") o.training.checkpointing = c.value;
  else if (c.option == "training.micro_batch") o.training.micro_batch = n, o.batch_size = n;
  else if (c.option == "training.optimizer") o.training.optimizer = c.value;
  else if (c.option == "training.method") o.training.method = c.value;
  else if (c.option == "training.zero") o.training.zero = n;
}

fit_change try_change(const model_spec& s, const model_tensors& tensors, estimate_options o, std::vector<option_setting> set) {
  for (const auto& c : set) apply(o, c);
  return measured(std::move(set), estimate(s, tensors, o));
}

option_setting number_setting(std::string_view option, uint64_t v) { return {option, text_of(v), v, true}; }

// Inference: each change alone, kept when it makes the model fit.
std::vector<fit_change> inference_changes(const model_spec& s, const model_tensors& tensors, const estimate_options& o, const estimate_result& r,
                                          const runtime_profile& rt, const solver_result& sv) {
  std::vector<fit_change> out;
  auto keep = [&](fit_change c) { if (c.fits) out.push_back(std::move(c)); };
  if (sv.max_context_tokens && sv.max_context_tokens < o.context_tokens)
    keep(try_change(s, tensors, o, {number_setting("context_tokens", sv.max_context_tokens)}));
  if (o.batch_size > 1) keep(try_change(s, tensors, o, {number_setting("batch_size", 1)}));
  if (!rt.compact_kv.empty() && r.kv_k->name != rt.compact_kv && r.kv_k->block_bytes >= 2 * r.kv_k->block_elements)  // a 16- or 32-bit cache
    keep(try_change(s, tensors, o, {{"kv_cache_dtype", std::string(rt.compact_kv)}}));
  if (!sv.best_quantization.empty() && r.format && sv.best_quantization != r.format->name)
    keep(try_change(s, tensors, o, {{"quantization", sv.best_quantization}}));
  if (sv.n_cpu_moe && *sv.n_cpu_moe > 0)  // the experts in RAM, the rest on the GPU: faster than whole layers there
    keep(try_change(s, tensors, o, {number_setting("n_cpu_moe", static_cast<uint64_t>(*sv.n_cpu_moe))}));
  if (sv.gpu_layers && *sv.gpu_layers >= 0 && static_cast<uint64_t>(*sv.gpu_layers) <= r.n_layer)
    keep(try_change(s, tensors, o, {number_setting("gpu_layers", static_cast<uint64_t>(*sv.gpu_layers))}));
  if (sv.fewest_gpus > o.gpus) keep(try_change(s, tensors, o, {number_setting("gpus", sv.fewest_gpus)}));
  if (sv.fewest_nodes > o.nodes) keep(try_change(s, tensors, o, {number_setting("nodes", sv.fewest_nodes)}));
  return out;
}

// Training: each change alone, cheapest first; when none fits alone, all of them together.
std::vector<fit_change> training_changes(const model_spec& s, const model_tensors& tensors, const estimate_options& o) {
  const training_options& t = o.training;
  std::vector<option_setting> each;
  if (t.checkpointing != "full") each.push_back({"training.checkpointing", "full"});
  if (t.micro_batch > 1) each.push_back(number_setting("training.micro_batch", 1));
  const optimizer_info* opt = find_optimizer(t.optimizer);
  if (opt && !opt->eight_bit && opt->states >= 2) each.push_back({"training.optimizer", "adamw-8bit"});
  if (t.method == "full") each.push_back({"training.method", "lora"});
  if (t.method != "qlora") each.push_back({"training.method", "qlora"});
  if (o.gpus > 1 && t.zero < 3) each.push_back(number_setting("training.zero", 3));
  std::vector<fit_change> out;
  for (const auto& c : each)
    if (fit_change f = try_change(s, tensors, o, {c}); f.fits) out.push_back(std::move(f));
  if (!out.empty() || each.empty()) return out;
  std::vector<option_setting> together;
  for (const auto& c : each)
    if (!(c.option == "training.method" && c.value == "lora" && t.method == "full")) together.push_back(c);  // QLoRA stands for both
  if (fit_change f = try_change(s, tensors, o, together); f.fits) out.push_back(std::move(f));
  return out;
}

}  // namespace

format_on_gpu format_on_chosen(const model_spec& s, const model_tensors& tensors, const estimate_options& base, const estimate_result& r) {
  format_on_gpu out;
  if (!r.ok() || !r.gpu) return out.fit = "no", out;
  estimate_options o = base;
  o.explain = false;
  const runtime_profile& rt = *profile_of(*r.runtime);
  out.max_context_tokens = max_context(s, tensors, o);
  if (fits_chosen(r)) {
    out.fit = layers_on_host(r) ? "offload" : "yes";
    out.gpu_layers = rt.solves_gpu_layers ? static_cast<int64_t>(r.gpu_layers) : -1;
    out.decode_tokens_per_s = r.speed.known ? r.speed.decode_tokens_per_s : 0;
    return out;
  }
  out.fit = "no";
  if (!rt.solves_gpu_layers) return out;
  out.gpu_layers = gpu_layers(s, tensors, o, r.n_layer);
  if (out.gpu_layers < 0) return out;
  o.gpu_layers = out.gpu_layers;
  const estimate_result e = estimate(s, tensors, o);
  out.fit = "offload";
  out.decode_tokens_per_s = e.speed.known ? e.speed.decode_tokens_per_s : 0;
  return out;
}

bool layers_on_host(const estimate_result& r) {
  const runtime_profile* rt = r.ok() && r.runtime ? profile_of(*r.runtime) : nullptr;
  return rt && rt->solves_gpu_layers && !r.training && (r.gpu_layers <= r.n_layer || r.cpu_moe_layers > 0);
}

solver_result solve(const model_spec& s, const model_tensors& tensors, const estimate_options& base, const estimate_result& r) {
  solver_result out;
  if (!r.gpu) return out;
  out.solved = true;
  estimate_options quiet = base;  // the searches read only the numbers
  quiet.explain = false;
  if (r.training) {
    if (!fits_chosen(r)) out.changes = training_changes(s, tensors, quiet);
    return out;
  }
  const runtime_profile& rt = *profile_of(*r.runtime);  // (an estimate ran: its runtime has a profile)
  out.max_context_tokens = max_context(s, tensors, quiet);
  out.max_context_limit = s.max_position_embeddings ? "max_position_embeddings" : "1048576 tokens searched";
  out.best_quantization = best_quantization(s, tensors, quiet, rt);
  out.fewest_gpus = fewest_gpus(s, tensors, quiet);
  if (!fits_chosen(r)) out.fewest_nodes = fewest_nodes(s, tensors, quiet, r);
  solve_layouts(s, tensors, quiet, r, out);
  if (rt.solves_gpu_layers) out.gpu_layers = gpu_layers(s, tensors, quiet, r.n_layer);
  if (rt.solves_gpu_layers && s.num_experts && !fits_chosen(r) && base.n_cpu_moe == 0) out.n_cpu_moe = cpu_moe_layers(s, tensors, quiet, r.n_layer);
  if (!fits_chosen(r) || layers_on_host(r)) out.changes = inference_changes(s, tensors, quiet, r, rt, out);
  return out;
}

}  // namespace neuroshrink
