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

int64_t signed_gap(uint64_t have, uint64_t need) {
  return have >= need ? static_cast<int64_t>(std::min<uint64_t>(have - need, INT64_MAX)) : -static_cast<int64_t>(std::min<uint64_t>(need - have, INT64_MAX));
}

void add_to(device_share& d, std::string_view category, uint64_t bytes) {
  if (category == "weights") d.weights_bytes += bytes;
  else if (category == "kv_cache") d.kv_cache_bytes += bytes;
  else if (category == "activations") d.activations_bytes += bytes;
  else if (category == "gradients") d.gradients_bytes += bytes;
  else if (category == "optimizer") d.optimizer_bytes += bytes;
  else d.overhead_bytes += bytes;
}

}  // namespace

void place_and_fit(estimate_result& r, const estimate_options& o) {
  const uint64_t gpus_n = r.gpus ? r.gpus : o.gpus;
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  for (const auto& comp : r.components) (comp.host ? r.memory.host_bytes : r.memory.gpu_bytes) += comp.bytes * (comp.per_gpu && !comp.host ? gpus_n : 1);
  // per-GPU components (activations, CUDA context) exist once per GPU.
  if (gpus_n > 1) {
    uint64_t extra = 0;
    for (const auto& comp : r.components)
      if (comp.per_gpu && !comp.host) extra += comp.bytes * (gpus_n - 1);
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
    const gpu_info* kind = g < r.gpu_list.size() ? r.gpu_list[g] : r.gpu.get();
    if (kind) d.gpu = kind->name;
    for (const auto& comp : r.components) {
      if (comp.host && !unified) continue;
      if (comp.device >= 0 && static_cast<uint64_t>(comp.device) != g) continue;
      const uint64_t share = comp.per_gpu || comp.device >= 0 ? comp.bytes : comp.bytes / gpus_n + (g == 0 ? comp.bytes % gpus_n : 0);
      add_to(d, comp.category, share);
    }
    d.total_bytes = d.weights_bytes + d.kv_cache_bytes + d.activations_bytes + d.overhead_bytes + d.gradients_bytes + d.optimizer_bytes;
    if (kind) {
      d.usable_bytes = rt ? rt->usable_bytes(*kind, o) : usable_bytes(*kind);
      d.headroom_bytes = signed_gap(d.usable_bytes, kind->unified_memory ? r.memory.total_bytes : d.total_bytes);
    }
    r.devices.push_back(d);
  }
  if (!unified && r.memory.host_bytes) {
    device_share d;
    d.name = "host";
    for (const auto& comp : r.components)
      if (comp.host) add_to(d, comp.category, comp.bytes);
    d.total_bytes = d.weights_bytes + d.kv_cache_bytes + d.activations_bytes + d.overhead_bytes + d.gradients_bytes + d.optimizer_bytes;
    if (o.host_memory_bytes) d.usable_bytes = o.host_memory_bytes, d.headroom_bytes = signed_gap(o.host_memory_bytes, d.total_bytes);
    r.devices.push_back(d);
  }
  // The GPU that sets the fit: the one with the least headroom (the first when none is known).
  size_t tight = 0;
  for (size_t g = 1; g < gpus_n && g < r.devices.size(); ++g)
    if (r.devices[g].headroom_bytes < r.devices[tight].headroom_bytes) tight = g;
  const uint64_t per_gpu_need = r.devices.empty() ? r.memory.total_bytes : r.devices[tight].total_bytes;

  // Fits: each catalogue GPU, n of them, against the per-GPU need; unified memory holds the host share too.
  // The runtime says what of a GPU it may use (vLLM: gpu_memory_utilization x memory).
  r.fits.reserve(gpus().size());
  for (const auto& g : gpus()) {
    const chosen_fit f = fit_on(g, rt ? rt->usable_bytes(g, o) : usable_bytes(g), r.memory.total_bytes, per_gpu_need);
    r.fits.push_back({&g, f.fits, f.headroom_bytes});
  }
  if (r.gpu) {
    const gpu_info& kind = r.gpu_list.empty() ? *r.gpu : *r.gpu_list[tight];
    r.chosen = fit_on(kind, rt ? rt->usable_bytes(kind, o) : usable_bytes(kind), r.memory.total_bytes, per_gpu_need);
    r.chosen.gpu_fits = r.chosen.fits;
    // System RAM, when given: what the host holds must fit in it too (a unified machine's GPU already holds it).
    if (o.host_memory_bytes && !unified) {
      r.chosen.host_headroom_bytes = signed_gap(o.host_memory_bytes, r.memory.host_bytes);
      r.chosen.fits = r.chosen.fits && r.memory.host_bytes <= o.host_memory_bytes;
    }
  }
}

}  // namespace neuroshrink
