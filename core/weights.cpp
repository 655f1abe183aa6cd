// Weights: every tensor's stored bytes in the weight format, split as llama.cpp places them (the input layer,
// the repeating layers, the output); a llama.cpp file type is sized tensor by tensor from its GGUF plan.
#include "text.h"
#include "weights.h"

#include "variant.h"
#include "runtimes/profile.h"

namespace neuroshrink {

uint64_t tensor_bytes(const tensor_entry& t, const weight_format& f) {
  const uint64_t elements = t.elements();
  const uint64_t dense_bytes = ceil_div(elements * f.dense_bits, 8);
  // Weight-only quantization converts the Linear weights of the blocks: the matmul tensors, never the
  // MoE router (AutoGPTQ's inside_layer_modules, vLLM's ReplicatedLinear gate kept unquantized), nor the
  // lm_head except where the format says so.
  const bool quantized = t.matmul && t.role != tensor_role::lm_head && t.role != tensor_role::router && t.rank >= 2 &&
                         (!f.experts_only || t.role == tensor_role::expert);
  const uint64_t out = t.shape[0], in = t.rank >= 2 ? t.shape[t.rank - 1] : 1;
  const uint64_t rows = t.rank >= 2 ? (in ? elements / in : 0) : 1;  // every dimension but the input one
  switch (f.layout) {
    case weight_layout::dense:
    case weight_layout::gguf:  // sized tensor by tensor from the llama.cpp plan, not here
      return dense_bytes;
    case weight_layout::int8_row_scale:
      // Int8Params: CB int8 [out, in] + SCB fp32 [out].
      return quantized ? elements + rows * 4 : dense_bytes;
    case weight_layout::int_group: {
      if (!quantized) return dense_bytes;
      const uint64_t bits = f.quant_bits, g = f.group_size ? f.group_size : in;
      const uint64_t groups = ceil_div(in, g);
      const uint64_t qweight = ceil_div(in * bits, 32) * rows * 4;   // int32 words of packed codes
      const uint64_t qzeros = f.zero_points ? groups * ceil_div(rows * bits, 32) * 4 : 0;  // int32 [groups, out*bits/32]
      const uint64_t scales = groups * rows * 2;                    // fp16 [groups, out]
      const uint64_t g_idx = f.g_idx ? in * 4 : 0;                  // int32 [in]
      (void)out;
      return qweight + qzeros + scales + g_idx;
    }
    case weight_layout::bnb_4bit: {
      if (!quantized) return dense_bytes;
      const uint64_t blocks = ceil_div(elements, f.group_size);
      // absmax fp32 per block; double quantization: uint8 per block + fp32 per 256 blocks + the 256-entry
      // fp32 code book of the nested quantizer; both keep the 16-entry fp32 quant_map.
      const uint64_t absmax = f.double_quant ? blocks + ceil_div(blocks, 256) * 4 + 256 * 4 + 4 : blocks * 4;
      return ceil_div(elements, 2) + absmax + 16 * 4;
    }
    case weight_layout::fp8: {
      if (!quantized) return dense_bytes;
      const uint64_t scales = f.scales == scale_granularity::tensor ? 1
                              : f.scales == scale_granularity::channel ? rows
                                                                       : ceil_div(rows, f.block_rows) * ceil_div(in, f.block_cols);
      return elements + scales * 4;
    }
    case weight_layout::micro_block: {
      if (!quantized) return dense_bytes;
      const uint64_t blocks = ceil_div(in, f.group_size) * rows;
      return ceil_div(elements * f.quant_bits, 8) + blocks * f.scale_bits / 8 + (f.tensor_scale ? 4 : 0);
    }
    case weight_layout::mlx_affine: {
      const bool q = (quantized || (f.quantize_embeddings && (t.role == tensor_role::embedding || t.role == tensor_role::lm_head))) &&
                     t.rank >= 2 && in % f.group_size == 0;
      if (!q) return dense_bytes;
      return ceil_div(in * f.quant_bits, 32) * 4 * rows + ceil_div(in, f.group_size) * rows * 4;  // uint32 codes + fp16 scale and bias
    }
    case weight_layout::average_bits:
      return quantized ? ceil_div(elements * f.quant_millibits, 8000) : dense_bytes;
  }
  return dense_bytes;
}

// A GGUF file's own 16/32-bit file type (F16, BF16, F32) under the format of the same name: its tensors are
// the weights, as for a quantized file (size_from_gguf_plan).
bool dense_file(const plan& p) {
  if (!p.o.file_plan || !p.o.file_plan->file_type || p.f.layout != weight_layout::dense) return false;
  const std::string_view ft = p.o.file_plan->file_type->name;
  return (ft == "F16" && p.f.name == "fp16") || (ft == "BF16" && p.f.name == "bf16") || (ft == "F32" && p.f.name == "fp32");
}

// What convert_hf_to_gguf.py writes in F32 whatever the output type (conversion/base.py prepare_tensors, as
// gguf_quant.cpp converter_type plans it): 1-D tensors, routers (ffn_gate_inp), position embeddings and SSM conv
// weights.
bool kept_f32(const tensor_entry& t) {
  return t.rank <= 1 || t.role == tensor_role::router || t.role == tensor_role::position ||
         (t.role == tensor_role::ssm && t.name.find("conv1d") != std::string::npos);
}

bool size_weights(plan& p) {
  if (p.f.layout == weight_layout::gguf || dense_file(p)) return size_from_gguf_plan(p);
  weight_split& w = p.weights;
  checked_u64 experts;
  std::vector<uint64_t> blk(p.s.layers.size(), 0);
  bool by_layer = !blk.empty();
  for (const auto& t : p.tensors.inv.tensors) {
    if (t.component == "mtp") continue;  // multi-token-prediction modules: stored, not loaded for plain decoding
    if (p.rt.vision_in_separate_file && in_projector_file(t.component)) continue;  // llama.cpp's mmproj GGUF
    uint64_t one = tensor_bytes(t, p.f);
    if (p.rt.one_dimensional_f32 && p.f.layout == weight_layout::dense && kept_f32(t)) one = t.elements() * 4;
    const auto bytes = checked_u64::product({one, t.instances()});
    w.total.add(bytes);
    if (t.role == tensor_role::expert && !t.layer_type.empty()) experts.add(bytes);
    if (!t.layer_type.empty()) {
      w.layers.add(bytes);
      by_layer = by_layer && add_layer_bytes(p.s, t, one, blk);
    } else if (t.role == tensor_role::embedding || t.role == tensor_role::position) w.embedding.add(bytes);
    else if (t.role == tensor_role::lm_head) w.output.add(bytes);
    else w.other.add(bytes);  // final norm, vision tower, projector
  }
  if (by_layer && !w.layers.overflow) w.blk = std::move(blk);
  // The routed experts by layer, evenly over the MoE layers (each holds the same experts).
  uint64_t moe_layers = 0;
  for (const auto& l : p.s.layers) moe_layers += l.moe;
  if (experts.value && moe_layers) {
    w.blk_experts.assign(p.s.layers.size(), 0);
    for (size_t i = 0; i < p.s.layers.size(); ++i)
      if (p.s.layers[i].moe) w.blk_experts[i] = experts.value / moe_layers;
  }
  return true;
}

}  // namespace neuroshrink
