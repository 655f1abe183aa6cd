#include "solver.h"

#include "runtimes/profile.h"

namespace neuroshrink {
namespace {

// Whether an estimate fits on its chosen GPU(s).
bool fits_chosen(const estimate_result& r) {
  if (!r.ok() || !r.gpu) return false;
  for (const auto& f : r.fits)
    if (f.gpu == r.gpu) return f.fits && (!r.vllm || r.vllm->max_model_len_fits);
  return false;
}

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
  for (uint64_t n = 1; n <= 64; n *= 2) {
    o.gpus = n;
    if (fits_chosen(estimate(s, tensors, o))) return n;
  }
  return 0;
}

// The most layers on the GPU that fit (llama.cpp -ngl), or -1 when not even none does.
int64_t gpu_layers(const model_spec& s, const model_tensors& tensors, estimate_options o, uint64_t n_layer) {
  int64_t lo = 0, hi = static_cast<int64_t>(n_layer) + 1;
  o.gpu_layers = hi;
  if (fits_chosen(estimate(s, tensors, o))) return hi;
  o.gpu_layers = 0;
  if (!fits_chosen(estimate(s, tensors, o))) return -1;
  while (hi - lo > 1) {
    const int64_t mid = (lo + hi) / 2;
    o.gpu_layers = mid;
    (fits_chosen(estimate(s, tensors, o)) ? lo : hi) = mid;
  }
  return lo;
}

}  // namespace

solver_result solve(const model_spec& s, const model_tensors& tensors, const estimate_options& base, const estimate_result& r) {
  solver_result out;
  if (!r.gpu) return out;
  out.solved = true;
  const runtime_profile& rt = *profile_of(*r.runtime);  // (an estimate ran: its runtime has a profile)
  estimate_options quiet = base;  // the searches read only the numbers
  quiet.explain = false;
  out.max_context_tokens = max_context(s, tensors, quiet);
  out.max_context_limit = s.max_position_embeddings ? "max_position_embeddings" : "1048576 tokens searched";
  out.best_quantization = best_quantization(s, tensors, quiet, rt);
  out.fewest_gpus = fewest_gpus(s, tensors, quiet);
  if (rt.solves_gpu_layers) out.gpu_layers = gpu_layers(s, tensors, quiet, r.n_layer);
  return out;
}

}  // namespace neuroshrink
