// Where the memory goes: each component on the GPUs or the host, every GPU's share, and the fit on each
// catalogue GPU. Shared by the inference estimate (estimate.cpp) and the training estimate (training.cpp).
#include "text.h"
#include "placement.h"

#include <algorithm>

#include "runtimes/profile.h"

namespace neuroshrink {
namespace {

// One GPU's usable memory against what it must hold (unified memory: the host's share too).
chosen_fit fit_on(const gpu_info& g, uint64_t usable, uint64_t total, uint64_t per_gpu_need) {
  const uint64_t need = g.unified_memory ? total : per_gpu_need;
  const bool fits = need <= usable;
  const int64_t headroom = fits ? static_cast<int64_t>(usable - need) : -static_cast<int64_t>(std::min<uint64_t>(need - usable, INT64_MAX));
  return {fits, usable, need, headroom};
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
int64_t signed_gap(uint64_t have, uint64_t need) {
  return have >= need ? static_cast<int64_t>(std::min<uint64_t>(have - need, INT64_MAX)) : -static_cast<int64_t>(std::min<uint64_t>(need - have, INT64_MAX));
}
#endif

void add_to(device_share& d, std::string_view category, uint64_t bytes) {
  if (category == "weights") d.weights_bytes += bytes;
  else if (category == "kv_cache") d.kv_cache_bytes += bytes;
  else if (category == "activations") d.activations_bytes += bytes;
  else if (category == "gradients") d.gradients_bytes += bytes;
  else if (category == "optimizer") d.optimizer_bytes += bytes;
  else d.overhead_bytes += bytes;
}

}  // namespace

// How many GPUs hold a component's bytes: each GPU (per_gpu), its span, or one share of all.
uint64_t copies(const memory_component& c, uint64_t gpus) {
  if (c.host) return 1;
  if (c.device >= 0) return c.span;
  return c.per_gpu ? gpus : 1;
}

void place_and_fit(estimate_result& r, const estimate_options& o) {
  const uint64_t gpus_n = r.gpus ? r.gpus : o.gpus;
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  for (const auto& comp : r.components) (comp.host ? r.memory.host_bytes : r.memory.gpu_bytes) += comp.bytes * copies(comp, gpus_n);
  // per-GPU components (activations, CUDA context) exist once per GPU; those placed on a span of GPUs are
  // already counted that many times in the totals.
  if (gpus_n > 1) {
    uint64_t extra = 0;
    for (const auto& comp : r.components)
      if (comp.per_gpu && !comp.host && comp.device < 0) extra += comp.bytes * (gpus_n - 1);
    r.memory.total_bytes += extra;
  }

  // Devices: each GPU's share. A component placed on one GPU (llama.cpp's layer split) is that GPU's alone; the
  // others are divided evenly (vLLM's and transformers' tensor / pipeline split), per-GPU ones held by each.
  const bool unified = r.gpu && r.gpu->unified_memory;
  r.devices.reserve(gpus_n + 1);
  for (uint64_t g = 0; g < gpus_n; ++g) {
    device_share d;
    d.name = "GPU " + text_of(g);
    d.index = static_cast<int64_t>(g);
    d.node = r.gpus_per_node ? g / r.gpus_per_node : 0;
    const gpu_info* kind = g < r.gpu_list.size() ? r.gpu_list[g] : r.gpu.get();
    if (kind) d.gpu = kind->name;
    for (const auto& comp : r.components) {
      if (comp.host && !unified) continue;
      if (comp.device >= 0 && (g < static_cast<uint64_t>(comp.device) || g >= static_cast<uint64_t>(comp.device) + comp.span)) continue;
      const uint64_t share = comp.per_gpu || comp.device >= 0 ? comp.bytes : comp.bytes / gpus_n + (g == 0 ? comp.bytes % gpus_n : 0);
      add_to(d, comp.category, share);
    }
    d.total_bytes = d.weights_bytes + d.kv_cache_bytes + d.activations_bytes + d.overhead_bytes + d.gradients_bytes + d.optimizer_bytes;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE  // (the first module hands a chosen GPU to the full one)
    if (kind) {
      d.usable_bytes = rt ? rt->usable_bytes(*kind, o) : usable_bytes(*kind);
      d.headroom_bytes = signed_gap(d.usable_bytes, kind->unified_memory && gpus_n == 1 ? r.memory.total_bytes : d.total_bytes);
    }
#endif
    r.devices.push_back(d);
  }
  if (!unified && r.memory.host_bytes) {
    device_share d;
    d.name = "host";
    for (const auto& comp : r.components)
      if (comp.host) add_to(d, comp.category, comp.bytes);
    d.total_bytes = d.weights_bytes + d.kv_cache_bytes + d.activations_bytes + d.overhead_bytes + d.gradients_bytes + d.optimizer_bytes;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
    if (o.host_memory_bytes) d.usable_bytes = o.host_memory_bytes, d.headroom_bytes = signed_gap(o.host_memory_bytes, d.total_bytes);
#endif
    r.devices.push_back(d);
  }
  size_t tight = 0;  // the GPU that sets the fit: the one with the least headroom (the first when none is known)
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  for (size_t g = 1; g < gpus_n && g < r.devices.size(); ++g)
    if (r.devices[g].headroom_bytes < r.devices[tight].headroom_bytes) tight = g;
#endif
  const uint64_t per_gpu_need = r.devices.empty() ? r.memory.total_bytes : r.devices[tight].total_bytes;

  // Fits: each catalogue GPU, n of them, against the per-GPU need; unified memory holds the host share too.
  // The runtime says what of a GPU it may use (vLLM: gpu_memory_utilization x memory).
  r.fits.reserve(gpus().size());
  for (const auto& g : gpus()) {
    const chosen_fit f = fit_on(g, rt ? rt->usable_bytes(g, o) : usable_bytes(g), r.memory.total_bytes, per_gpu_need);
    r.fits.push_back({&g, f.fits, f.headroom_bytes});
  }
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (r.gpu) {
    const gpu_info& kind = r.gpu_list.empty() ? *r.gpu : *r.gpu_list[tight];
    r.chosen = fit_on(kind, rt ? rt->usable_bytes(kind, o) : usable_bytes(kind), gpus_n == 1 ? r.memory.total_bytes : per_gpu_need, per_gpu_need);
    r.chosen.gpu_fits = r.chosen.fits;
    // System RAM, when given: what the host holds must fit in it too (a unified machine's GPU already holds it).
    if (o.host_memory_bytes && !unified) {
      r.chosen.host_headroom_bytes = signed_gap(o.host_memory_bytes, r.memory.host_bytes);
      r.chosen.fits = r.chosen.fits && r.memory.host_bytes <= o.host_memory_bytes;
    }
  }
#endif

}

}  // namespace neuroshrink
