// exo (exo-explore/exo): MLX on every machine of a cluster (Apple silicon, unified memory). Pipeline sharding (its
// default, "ring") gives each machine a run of layers in proportion to its available memory; tensor sharding
// (tensor_parallel = the machines) gives each an even slice of every layer, so the smallest machine sets the ceiling
// and the hidden size and KV heads must divide by the machines. Each machine holds its weights, its layers' KV
// cache and MLX's prefill activations.
#include "text.h"
#include "runtimes/profile.h"

#include <algorithm>

#include "plan.h"

namespace neuroshrink {
namespace {

std::string_view default_kv(const weight_format&) { return "fp16"; }

bool tensor_sharding(const plan& p) { return p.r.tensor_parallel > 1 && p.r.tensor_parallel == p.r.gpus; }

// exo's tensor sharding (src/exo/master/placement.py): "hidden_size % len(cycle) == 0" and the KV heads likewise.
bool prepare(plan& p) {
  estimate_result& r = p.r;
  if (r.tensor_parallel > 1 && r.tensor_parallel != r.gpus) {
    r.issues.push_back({"invalid_layout", "tensor_parallel", "exo shards by tensors over every machine or by layers: tensor_parallel is " + text_of(r.gpus) +
        " (the machines) or left out, not " + text_of(r.tensor_parallel) + ".", severity::error});
    return false;
  }
  const uint64_t n = r.gpus, h = p.s.hidden_size, kv = p.s.num_key_value_heads;
  if (tensor_sharding(p) && (h % n || (kv && kv % n))) {
    r.issues.push_back({"tensor_parallel_indivisible", "tensor_parallel", "exo's tensor sharding needs the hidden size (" + text_of(h) + ") and the KV heads (" +
        text_of(kv) + ") to divide by the " + text_of(n) + " machines; they do not. Leave tensor_parallel out for pipeline sharding.", severity::error});
    return false;
  }
  if (!tensor_sharding(p) && n > p.n_layer) {
    r.issues.push_back({"invalid_layout", "nodes", "exo gives every machine at least one layer: " + text_of(n) + " machines for " + text_of(p.n_layer) + " layers is too many.",
        severity::error});
    return false;
  }
  return true;
}

// placement_utils.py allocate_layers_proportionally: each machine's share of the memory times the layers, floored,
// the rest by largest remainder, at least one each (taken from the largest).
std::vector<uint64_t> layers_by_memory(const plan& p) {
  const estimate_result& r = p.r;
  const uint64_t n = r.gpus, total = p.n_layer;
  std::vector<double> mem(n, 1.0);
  double sum = 0;
  for (uint64_t k = 0; k < n; ++k) sum += mem[k] = static_cast<double>(k < r.gpu_list.size() ? r.gpu_list[k]->memory_bytes : r.gpu ? r.gpu->memory_bytes : 1);
  std::vector<uint64_t> out(n);
  std::vector<double> raw(n);
  uint64_t given = 0;
  for (uint64_t k = 0; k < n; ++k) given += out[k] = static_cast<uint64_t>(raw[k] = mem[k] / sum * static_cast<double>(total));
  std::vector<uint64_t> order(n);
  for (uint64_t k = 0; k < n; ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](uint64_t a, uint64_t b) { return raw[a] - static_cast<double>(out[a]) > raw[b] - static_cast<double>(out[b]); });
  for (uint64_t i = 0; given < total; ++i, ++given) ++out[order[i % n]];
  for (uint64_t k = 0; k < n; ++k)
    if (!out[k]) {
      auto most = std::max_element(out.begin(), out.end());
      --*most;
      out[k] = 1;
    }
  return out;
}

void components(plan& p) {
  estimate_result& r = p.r;
  add_prefill_activations(p, std::min<uint64_t>(p.o.context_tokens, 2048) * p.o.batch_size,
      "mlx_lm generate.py (prefill_step_size 2048) on each machine; the same per-layer tensors as transformers");
  const uint64_t n = std::max<uint64_t>(1, r.gpus);
  const weight_split& w = p.weights;
  if (n == 1 || tensor_sharding(p)) {
    // One machine, or an even slice of everything on each.
    add_component(r, "weights", n == 1 ? "Weights" : "Weights (1/" + text_of(n) + " on each machine)", "weights", (w.total.value + n - 1) / n, false, n > 1);
    add_component(r, "kv_cache", n == 1 ? "KV cache (mlx_lm KVCache, 256-token steps)" : "KV cache, each machine's KV heads", "kv_cache", (p.kv_cache.value + n - 1) / n, false, n > 1);
    if (n > 1) {
      for (auto* c : {&r.components[r.components.size() - 2], &r.components.back()}) c->device = 0, c->span = static_cast<uint32_t>(n);
      p.weights.total.value = (w.total.value + n - 1) / n * n;
      p.kv_cache.value = (p.kv_cache.value + n - 1) / n * n;
    }
  } else {
    const std::vector<uint64_t> counts = layers_by_memory(p);
    uint64_t first = 0;
    for (uint64_t k = 0; k < n; ++k) {
      uint64_t weights = 0, kv = 0;
      for (uint64_t b = first; b < first + counts[k]; ++b) {
        weights += layer_weight_bytes(w, b, p.n_layer);
        kv += b < p.kv_layer.size() ? p.kv_layer[b] : 0;
      }
      if (k == 0) weights += w.embedding.value;
      if (k + 1 == n) weights += w.output.value + w.other.value;
      const std::string where = "machine " + text_of(k) + " (layers " + text_of(first) + "-" + text_of(first + counts[k] - 1) + (k == 0 ? " + embedding" : "") +
                                (k + 1 == n ? " + head" : "") + ")";
      add_component(r, "weights", "Weights, " + where, "weights", weights, false);
      r.components.back().device = static_cast<int32_t>(k);
      add_component(r, "kv_cache", "KV cache, " + where, "kv_cache", kv, false);
      r.components.back().device = static_cast<int32_t>(k);
      first += counts[k];
    }
  }
  add_component(r, "activations", "Prefill activations", "activations", p.activations.value, false, true);
  if (p.o.explain)
    r.formulas.push_back({"overhead", std::string("none: MLX allocates from unified memory on each machine; ") +
        (tensor_sharding(p) ? "tensor sharding: 1/N of every layer on each" : "pipeline sharding: layers in proportion to each machine's memory (largest remainder, one at least)"),
        "exo-explore/exo src/exo/master/placement_utils.py allocate_layers_proportionally; placement.py (tensor sharding checks)"});
}

// exo runs as one process per machine that find each other; the model is placed from its dashboard or API.
std::string command(const estimate_result& r, const std::string& model_id, const estimate_options&) {
  return "# on each of the " + text_of(r.gpus) + " Macs: exo\n# then place " + (model_id.empty() ? std::string("MODEL") : model_id) + " with " +
         (r.tensor_parallel > 1 ? "tensor" : "pipeline") + " sharding from exo's dashboard (http://localhost:52415) or its API";
}

constexpr std::string_view kLadder[] = {"bf16", "fp16", "mlx-8bit", "mlx-6bit", "mlx-4bit", "mlx-3bit"};

}  // namespace

const runtime_profile& exo_profile() {
  static const runtime_profile kProfile{
      .info = *find_runtime("exo"),
      .format_refusal = mlx_format_refusal,
      .default_kv = default_kv,
      .kv_refusal = mlx_kv_refusal,
      .prepare = prepare,
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
      .kv_source = "mlx_lm models/cache.py KVCache (256-token steps) on each machine, for the layers it holds",
      .solves_gpu_layers = false,
      .spans_machines = true,
      .takes_tensor_parallel = true,
  };
  return kProfile;
}

}  // namespace neuroshrink
