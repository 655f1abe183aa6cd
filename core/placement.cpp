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

}  // namespace

void place_and_fit(estimate_result& r, const estimate_options& o) {
  const uint64_t gpus_n = o.gpus;
  const runtime_profile* rt = r.runtime ? profile_of(*r.runtime) : nullptr;
  for (const auto& comp : r.components) (comp.host ? r.memory.host_bytes : r.memory.gpu_bytes) += comp.bytes * (comp.per_gpu && !comp.host ? gpus_n : 1);
  // per-GPU components (activations, CUDA context) exist once per GPU.
  if (gpus_n > 1) {
    uint64_t extra = 0;
    for (const auto& comp : r.components)
      if (comp.per_gpu && !comp.host) extra += comp.bytes * (gpus_n - 1);
    r.memory.total_bytes += extra;
  }

  // Devices: each GPU's share (split components divided evenly: vLLM's and transformers' tensor / pipeline
  // split; llama.cpp's --split-mode layer over identical GPUs), and the host.
  const bool unified = r.gpu && r.gpu->unified_memory;
  r.devices.reserve(gpus_n + 1);
  for (uint64_t g = 0; g < gpus_n; ++g) {
    device_share d;
    d.name = "GPU " + text_of(g);
    for (const auto& comp : r.components) {
      if (comp.host && !unified) continue;
      const uint64_t share = comp.per_gpu ? comp.bytes : comp.bytes / gpus_n + (g == 0 ? comp.bytes % gpus_n : 0);
      if (comp.category == "weights") d.weights_bytes += share;
      else if (comp.category == "kv_cache") d.kv_cache_bytes += share;
      else if (comp.category == "activations") d.activations_bytes += share;
      else if (comp.category == "gradients") d.gradients_bytes += share;
      else if (comp.category == "optimizer") d.optimizer_bytes += share;
      else d.overhead_bytes += share;
    }
    d.total_bytes = d.weights_bytes + d.kv_cache_bytes + d.activations_bytes + d.overhead_bytes + d.gradients_bytes + d.optimizer_bytes;
    r.devices.push_back(d);
  }
  if (!unified && r.memory.host_bytes) {
    device_share d;
    d.name = "host";
    for (const auto& comp : r.components) {
      if (!comp.host) continue;
      if (comp.category == "weights") d.weights_bytes += comp.bytes;
      else if (comp.category == "kv_cache") d.kv_cache_bytes += comp.bytes;
      else if (comp.category == "activations") d.activations_bytes += comp.bytes;
      else if (comp.category == "gradients") d.gradients_bytes += comp.bytes;
      else if (comp.category == "optimizer") d.optimizer_bytes += comp.bytes;
      else d.overhead_bytes += comp.bytes;
    }
    d.total_bytes = d.weights_bytes + d.kv_cache_bytes + d.activations_bytes + d.overhead_bytes + d.gradients_bytes + d.optimizer_bytes;
    r.devices.push_back(d);
  }
  const uint64_t per_gpu_need = r.devices.empty() ? r.memory.total_bytes : r.devices[0].total_bytes;

  // Fits: each catalogue GPU, n of them, against the per-GPU need; unified memory holds the host share too.
  // The runtime says what of a GPU it may use (vLLM: gpu_memory_utilization x memory).
  r.fits.reserve(gpus().size());
  for (const auto& g : gpus()) {
    const chosen_fit f = fit_on(g, rt ? rt->usable_bytes(g, o) : usable_bytes(g), r.memory.total_bytes, per_gpu_need);
    r.fits.push_back({&g, f.fits, f.headroom_bytes});
  }
  if (r.gpu) {
    r.chosen = fit_on(*r.gpu, rt ? rt->usable_bytes(*r.gpu, o) : usable_bytes(*r.gpu), r.memory.total_bytes, per_gpu_need);
    r.chosen.gpu_fits = r.chosen.fits;
    // System RAM, when given: what the host holds must fit in it too (a unified machine's GPU already holds it).
    if (o.host_memory_bytes && !unified) {
      const uint64_t host = r.memory.host_bytes;
      r.chosen.host_headroom_bytes = host <= o.host_memory_bytes ? static_cast<int64_t>(o.host_memory_bytes - host)
                                                                  : -static_cast<int64_t>(std::min<uint64_t>(host - o.host_memory_bytes, INT64_MAX));
      r.chosen.fits = r.chosen.fits && host <= o.host_memory_bytes;
    }
  }

}

}  // namespace neuroshrink
