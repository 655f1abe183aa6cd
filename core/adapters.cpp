// LoRA adapters at inference. An adapter of rank r on a linear layer [out, in] is A [r, in] and B [out, r]:
// r x (in + out) elements. Which layers, in which type, how many, and where, is the runtime's rule:
//  - slots (vLLM --enable-lora --max-loras N --max-lora-rank r, vllm/lora/layers/*.py create_lora_weights; SGLang
//    --max-loras-per-batch): N slots preallocated, zeroed, for every linear layer of the text model (the experts too)
//    and the embedding and the head (V x r each), in the model's 16-bit type, before the KV cache is sized. Tensor
//    parallel splits the sharded side of each: B of a column-parallel layer (q, k, v, gate, up), A of a row-parallel
//    one (o, down); the embedding's and the head's stay whole.
//  - files (llama.cpp --lora FILE, N times): each adapter's tensors as convert_lora_to_gguf.py writes them (f32 by
//    default) for every linear layer of the repeating layers, loaded into the buffer of the layer it changes
//    (src/llama-adapter.cpp): on the GPU for offloaded layers, in system RAM for the others.
//  - peft (transformers + PEFT, unmerged): N adapters of every linear layer in the model's compute type.
// The layers an adapter targets are its own (PEFT's target_modules): every linear layer is counted, the upper bound
// vLLM preallocates anyway; a q,v-only adapter file is smaller, as the note says.
#include "text.h"
#include "adapters.h"

#include <algorithm>

#include "runtimes/profile.h"

namespace neuroshrink {
namespace {

bool row_parallel(const std::string& name) {
  for (const char* k : {"o_proj", "down_proj", "out_proj", "dense_4h_to_h", ".wo", ".w2", "c_proj", "attention.dense", "self_attention.dense", "fc2", "linear_fc2"})
    if (name.find(k) != std::string::npos) return true;
  return false;
}

struct adapter_sum {
  checked_u64 elements;       // one adapter, whole
  checked_u64 rank_elements;  // one adapter, what one tensor-parallel rank holds of it
  checked_u64 layer_elements; // one adapter, the repeating layers' part (placed with them in llama.cpp)
};

adapter_sum sum_adapter(const plan& p, uint64_t r, uint64_t tp, bool embeddings) {
  adapter_sum a;
  for (const auto& t : p.tensors.inv.tensors) {
    if (t.component != "text" || t.rank < 2) continue;
    const bool linear = t.role == tensor_role::attention || t.role == tensor_role::mlp || t.role == tensor_role::expert || t.role == tensor_role::shared_expert;
    const bool vocab = t.role == tensor_role::embedding || t.role == tensor_role::lm_head;
    if (!linear && !(vocab && embeddings)) continue;
    // [out, in]; a fused expert tensor [E, a, b] is E matrices of a x b.
    const uint64_t experts = t.rank == 3 ? t.shape[0] : 1;
    const uint64_t out = t.rank == 3 ? t.shape[1] : t.shape[0], in = t.rank == 3 ? t.shape[2] : t.shape[1];
    const uint64_t n = t.instances() * experts;
    a.elements.add(checked_u64::product({r, in + out, n}));
    const uint64_t rank_part = vocab ? in + out : row_parallel(t.name) ? ceil_div(in, tp) + out : in + ceil_div(out, tp);
    a.rank_elements.add(checked_u64::product({r, rank_part, n}));
    if (t.layers > 1 || !t.layer_type.empty()) a.layer_elements.add(checked_u64::product({r, in + out, n}));
  }
  return a;
}

}  // namespace

bool size_adapters(plan& p) {
  const estimate_options& o = p.o;
  if (!o.adapter_rank) {
    if (o.max_adapters > 1)
      p.r.issues.push_back({"adapters_without_rank", "adapter_rank", "max_adapters needs adapter_rank (the adapters' LoRA rank, vLLM's --max-lora-rank) to size them.", severity::error});
    return !(o.max_adapters > 1);
  }
  if (p.rt.adapter_rule.empty()) {
    p.r.issues.push_back({"adapters_not_for_runtime", "adapter_rank", std::string(p.rt.info.label) + " is not estimated with inference adapters (vLLM, SGLang, llama.cpp and transformers are): adapter_rank changes nothing here.", severity::warning});
    return true;
  }
  if (p.rt.adapter_rule == "slots") {
    const uint64_t tp = std::max<uint64_t>(1, p.r.tensor_parallel);
    const adapter_sum a = sum_adapter(p, o.adapter_rank, tp, true);
    p.adapter_bytes_per_gpu = checked_u64::product({a.rank_elements.value, std::max<uint64_t>(1, o.max_adapters), 2}).value;
  }
  return true;
}

void add_adapter_components(plan& p) {
  const estimate_options& o = p.o;
  if (!o.adapter_rank || p.rt.adapter_rule.empty()) return;
  estimate_result& r = p.r;
  const uint64_t n = std::max<uint64_t>(1, o.max_adapters), rank = o.adapter_rank;
  const std::string_view rule = p.rt.adapter_rule;
  const uint64_t tp = std::max<uint64_t>(1, r.tensor_parallel);
  const adapter_sum a = sum_adapter(p, rank, tp, rule == "slots");
  if (rule == "slots") {
    add_component(r, "adapters", text_of(n) + " LoRA slot" + (n == 1 ? "" : "s") + " of rank " + text_of(rank) + ", preallocated (each GPU)", "weights", p.adapter_bytes_per_gpu, false, true);
    p.weights.total.add(p.adapter_bytes_per_gpu);  // (placement adds the other GPUs' copies of a per-GPU component)
  } else {
    const uint64_t bytes_per = rule == "files" ? 4 : p.f.compute_bytes;
    const checked_u64 all = checked_u64::product({a.elements.value, n, bytes_per});
    const checked_u64 layers = checked_u64::product({a.layer_elements.value, n, bytes_per});
    // llama.cpp: each layer's adapter tensors in that layer's buffer, on the GPU for the offloaded share.
    const double on_gpu = rule == "files" ? (r.gpu_layers > p.n_layer ? 1.0 : static_cast<double>(r.gpu_layers ? r.gpu_layers - 1 : 0) / static_cast<double>(p.n_layer)) : 1.0;
    const uint64_t gpu = static_cast<uint64_t>(static_cast<double>(layers.value) * on_gpu) + (rule == "files" ? 0 : all.value - layers.value);
    const uint64_t host = all.value - gpu;
    const std::string what = text_of(n) + " LoRA adapter" + (n == 1 ? "" : "s") + " of rank " + text_of(rank) + (rule == "files" ? " (--lora, f32 GGUF)" : " (PEFT, unmerged)");
    if (gpu) add_component(r, "adapters", what + (host ? ", the offloaded layers'" : ""), "weights", gpu, false);
    if (host) add_component(r, "adapters", what + ", the CPU layers' (system RAM)", "weights", host, true);
    p.weights.total.add(all);
  }
  if (o.explain)
    r.formulas.push_back({"adapters", "rank " + text_of(rank) + " x (in + out) over every linear layer of the text model" +
        std::string(rule == "slots" ? " and the embedding and head" : "") + " = " + text_of(a.elements.value) + " elements an adapter, x " + text_of(n) + " x " +
        (rule == "files" ? "4 bytes (f32)" : rule == "slots" ? "2 bytes (the model's 16-bit type), a tensor-parallel rank holding " + text_of(a.rank_elements.value) + " elements of each" : text_of(p.f.compute_bytes) + " bytes") +
        "; an adapter that targets fewer layers (q, v) is smaller",
        rule == "slots" ? std::string_view("vllm/lora/layers/*.py create_lora_weights (lora_a_stacked, lora_b_stacked per slot); sglang lora memory pool")
        : rule == "files" ? std::string_view("llama.cpp convert_lora_to_gguf.py (--outtype f32), src/llama-adapter.cpp (the base tensor's buffer)")
                          : std::string_view("huggingface/peft LoraLayer (lora_A, lora_B in the base layer's dtype)")});
}

}  // namespace neuroshrink
