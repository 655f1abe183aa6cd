// The full module's side of core/variant.h: the GGUF planner and the training estimate.
#include "variant.h"

#include "gguf_quant.h"
#include "runtimes/profile.h"
#include "training.h"

namespace neuroshrink {

// llama.cpp file types: every tensor's ggml type as convert_hf_to_gguf.py + llama-quantize choose it.
bool size_from_gguf_plan(plan& p) {
  weight_split& w = p.weights;
  const gguf_file_type* ft = find_gguf_file_type(p.f.gguf_ftype);
  if (p.o.file_plan && (p.f.layout != weight_layout::gguf || (ft && p.o.file_plan->file_type == ft))) p.r.gguf = *p.o.file_plan;  // the file itself
  else p.r.gguf = ft ? plan_gguf(p.s, p.tensors.inv, *ft) : gguf_plan{};
  const gguf_plan& plan = *p.r.gguf;
  w.blk.assign(plan.n_layer, 0);
  w.blk_experts.assign(plan.n_layer, 0);
  for (const auto& t : plan.tensors) {
    const uint64_t rows = t.ne[1] * t.ne[2] * t.ne[3];
    // llama.cpp's --n-cpu-moe moves what llm_ffn_exps_block_regex matches: blk.N.ffn_(up|down|gate|gate_up)_(ch|)exps
    const bool experts = t.name.find(".ffn_") != std::string::npos && t.name.find("_exps") != std::string::npos;
    for (size_t k = 0; k < t.layer_index.size(); ++k)
      if (t.layer_index[k] < w.blk.size()) {
        const uint64_t bytes = gguf_row_bytes(t.layer_type[k], t.ne[0]) * rows;
        w.blk[t.layer_index[k]] += bytes;
        if (experts) w.blk_experts[t.layer_index[k]] += bytes;
      }
    if (!t.layer_index.empty()) w.layers.add(t.bytes);
    else if (t.category == gguf_category::token_embd || t.category == gguf_category::position_embd) w.embedding.add(t.bytes);
    else if (t.category == gguf_category::output) w.output.add(t.bytes);
    else w.other.add(t.bytes);
    if (t.category == gguf_category::token_embd) w.token_embd = t.bytes;
    w.total.add(t.bytes);
  }
  return true;
}

// A layer group's tensors go to its own layers (DeepSeek's leading dense blocks, a hybrid's Mamba and attention
// layers), each instance's bytes times its copies (the experts of a layer), so that -ngl places unequal layers as
// they are.
bool add_layer_bytes(const model_spec& s, const tensor_entry& t, uint64_t instance_bytes, std::vector<uint64_t>& blk) {
  const std::vector<uint32_t> layers = tensor_layers(s, t);
  if (layers.size() != t.layers) return false;
  for (uint32_t i : layers)
    if (i < blk.size()) blk[i] += instance_bytes * t.copies;
  return true;
}

const runtime_profile* profile_of(const runtime_info& rt) {
  switch (rt.kind) {
    case runtime_kind::transformers: return &transformers_profile();
    case runtime_kind::llama_cpp: return &llama_cpp_profile();
    case runtime_kind::vllm: return &vllm_profile();
    case runtime_kind::mlx: return &mlx_profile();
    case runtime_kind::exo: return &exo_profile();
    case runtime_kind::sglang: return &sglang_profile();
    case runtime_kind::ollama: return &ollama_profile();
  }
  return nullptr;
}

void estimate_training_variant(const model_spec& s, const model_tensors& tensors, const estimate_options& o, estimate_result& r) {
  estimate_training(s, tensors, o, r);
}

}  // namespace neuroshrink
