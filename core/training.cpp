#include "text.h"
#include "training.h"

#include <algorithm>
#include <array>
#include <span>

#include "placement.h"
#include "request_limits.h"
#include "formats.h"
#include "inventory.h"

namespace neuroshrink {
namespace {

std::string n(uint64_t v) { return text_of(v); }

// Optimizers: state tensors per trainable parameter. Sources:
//  - AdamW: exp_avg and exp_avg_sq, in the parameter's dtype (torch/optim/adamw.py, _init_group).
//  - 8-bit AdamW: the same two states as uint8, block-wise quantized with one fp32 absmax per 2048 values;
//    tensors under 4096 elements keep 32-bit states (bitsandbytes optim/optimizer.py Optimizer8bit,
//    min_8bit_size = 4096; Dettmers et al. 2022, "8-bit Optimizers via Block-wise Quantization", B = 2048).
//  - paged: the same states in CUDA unified memory, paged to the host only under memory pressure
//    (bitsandbytes paged optimizers; QLoRA, Dettmers et al. 2023, section 3).
//  - Adafactor: no first moment by default (beta1=None) and the second moment of a matrix factored into a
//    row and a column vector (transformers/optimization.py Adafactor; Shazeer & Stern 2018).
//  - SGD: no state; with momentum one momentum_buffer (torch/optim/sgd.py).
//  - Lion: one exp_avg (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2).
constexpr std::array kOptimizers{
    optimizer_info{"adamw", "AdamW", 2, false, false, false, "torch/optim/adamw.py"},
    optimizer_info{"adamw-8bit", "AdamW 8-bit", 2, true, false, false, "bitsandbytes AdamW8bit (block-wise, B = 2048)"},
    optimizer_info{"paged-adamw-8bit", "paged AdamW 8-bit", 2, true, false, true, "bitsandbytes PagedAdamW8bit"},
    optimizer_info{"paged-adamw", "paged AdamW", 2, false, false, true, "bitsandbytes PagedAdamW (32-bit states)"},
    optimizer_info{"adafactor", "Adafactor", 1, false, true, false, "transformers/optimization.py Adafactor (beta1=None)"},
    optimizer_info{"sgd", "SGD", 0, false, false, false, "torch/optim/sgd.py"},
    optimizer_info{"sgd-momentum", "SGD with momentum", 1, false, false, false, "torch/optim/sgd.py momentum_buffer"},
    optimizer_info{"lion", "Lion", 1, false, false, false, "Chen et al. 2023, Algorithm 2 (one momentum)"},
};

struct precision_info {
  std::string_view name;
  uint32_t weight_bytes;   // the model's weights during the step
  uint32_t grad_bytes;
  uint32_t state_bytes;    // optimizer state elements
  bool master;             // an fp32 master copy of the trainable weights
  uint32_t compute_bytes;  // activations
};
// Mixed precision as ZeRO accounts it (Rajbhandari et al. 2020, "ZeRO", section 3.1): 16-bit weights and
// gradients, fp32 master weights and fp32 Adam states, 2 + 2 + 12 bytes per parameter. (transformers'
// Trainer with --bf16 on fp32 weights spends the same 16: fp32 weights, fp32 gradients, fp32 states.)
// Pure bf16 keeps the states in bf16 (torch's optimizers use the parameter's dtype).
constexpr std::array kPrecisions{
    precision_info{"mixed-bf16", 2, 2, 4, true, 2},
    precision_info{"mixed-fp16", 2, 2, 4, true, 2},
    precision_info{"bf16", 2, 2, 2, false, 2},
    precision_info{"fp32", 4, 4, 4, false, 4},
};

const precision_info* find_precision(std::string_view n) {
  for (const auto& p : kPrecisions)
    if (p.name == n) return &p;
  if (n == "mixed" || n == "amp") return &kPrecisions[0];
  if (n == "fp16-mixed") return &kPrecisions[1];
  if (n == "bf16-mixed") return &kPrecisions[0];
  return nullptr;
}

// The module a tensor belongs to: "model.layers.{i}.self_attn.q_proj.weight" -> "q_proj".
std::string_view module_of(std::string_view name) {
  size_t end = name.rfind('.');
  if (end == std::string_view::npos) return name;
  const size_t start = name.rfind('.', end - 1);
  return name.substr(start == std::string_view::npos ? 0 : start + 1, end - (start == std::string_view::npos ? 0 : start + 1));
}

// LoRA target kinds, by the module names of the families (transformers modeling_*.py, PEFT's
// TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING): q k v o gate up down; fused modules belong to
// every kind they hold.
constexpr std::string_view kKinds[] = {"q", "k", "v", "o", "gate", "up", "down"};
uint32_t kinds_of(std::string_view m) {
  auto is = [&](std::initializer_list<std::string_view> names) {
    for (auto x : names)
      if (m == x) return true;
    return false;
  };
  if (is({"q_proj", "wq", "query", "q_a_proj", "q_b_proj"})) return 1u << 0;
  if (is({"k_proj", "wk", "key"})) return 1u << 1;
  if (is({"v_proj", "wv", "value"})) return 1u << 2;
  if (is({"kv_a_proj_with_mqa", "kv_b_proj"})) return (1u << 1) | (1u << 2);
  if (is({"qkv_proj", "wqkv", "Wqkv", "query_key_value", "c_attn", "qkv"})) return 7u;
  if (is({"o_proj", "wo", "out_proj", "dense", "attn_out"})) return 1u << 3;
  if (is({"gate_proj", "w1"})) return 1u << 4;
  if (is({"up_proj", "w3", "fc1", "c_fc", "dense_h_to_4h", "fc_in"})) return 1u << 5;
  if (is({"gate_up_proj"})) return (1u << 4) | (1u << 5);
  if (is({"down_proj", "w2", "fc2", "c_proj", "dense_4h_to_h", "fc_out"})) return 1u << 6;
  return 0;
}

bool parse_targets(std::string_view list, uint32_t& mask, bool& all_linear) {
  mask = 0;
  all_linear = false;
  if (list.empty()) list = "q,k,v,o,gate,up,down";
  size_t p = 0;
  while (p <= list.size()) {
    size_t q = list.find(',', p);
    if (q == std::string_view::npos) q = list.size();
    std::string_view t = list.substr(p, q - p);
    while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (t.size() > 5 && t.substr(t.size() - 5) == "_proj") t.remove_suffix(5);
    bool found = false;
    for (uint32_t k = 0; k < 7; ++k)
      if (t == kKinds[k]) { mask |= 1u << k; found = true; }
    if (t == "all-linear" || t == "all_linear" || t == "all") { all_linear = true; found = true; }
    if (!found) return false;
    p = q + 1;
  }
  return true;
}

// The words --freeze and --offload take (and the singular forms people type), and how a message lists them.
constexpr std::string_view kFreezeParts[] = {"embeddings", "embedding", "attention", "mlp", "norms", "norm", "vision"};
constexpr std::string_view kOffloadParts[] = {"optimizer", "params", "param", "parameters"};

// A comma list whose every word is one of `allowed`; an error naming the field and the words otherwise.
void check_words(std::string_view list, std::span<const std::string_view> allowed, const char* field, const char* listed, std::vector<issue>& issues) {
  for (size_t p = 0; !list.empty() && p <= list.size();) {
    const size_t q = std::min(list.find(',', p), list.size());
    std::string_view w = list.substr(p, q - p);
    while (!w.empty() && w.front() == ' ') w.remove_prefix(1);
    while (!w.empty() && w.back() == ' ') w.remove_suffix(1);
    if (std::find(allowed.begin(), allowed.end(), w) == allowed.end()) {
      issues.push_back({"invalid_training", field, std::string(field) + " is a comma list of " + listed + "; \"" + std::string(w) + "\" is not one.", severity::error});
      return;
    }
    p = q + 1;
  }
}

// Optimizer state bytes of one tensor of `elements` values, [rows, cols] for a matrix.
uint64_t state_bytes(const optimizer_info& opt, uint64_t elements, uint64_t rows, uint64_t cols, bool matrix, uint32_t elem) {
  if (opt.states == 0) return 0;
  if (opt.factored) return matrix ? (rows + cols) * elem : elements * elem;
  if (opt.eight_bit && elements >= 4096) return opt.states * (elements + ceil_div(elements, 2048) * 4);
  // bitsandbytes' 32-bit states are fp32 whatever the parameter's dtype (Optimizer2State.init_state).
  return uint64_t{opt.states} * elements * (opt.eight_bit || opt.paged ? 4 : elem);
}

}  // namespace

const optimizer_info* find_optimizer(std::string_view name) {
  for (const auto& o : kOptimizers)
    if (o.name == name) return &o;
  if (name == "adam") return &kOptimizers[0];
  if (name == "adamw8bit" || name == "adamw_8bit" || name == "adamw_bnb_8bit") return &kOptimizers[1];
  if (name == "paged_adamw_8bit" || name == "paged-adamw8bit") return &kOptimizers[2];
  if (name == "paged_adamw_32bit" || name == "paged_adamw") return &kOptimizers[3];
  if (name == "sgd_momentum") return &kOptimizers[6];
  return nullptr;
}

std::string optimizer_names() {
  std::string s;
  for (const auto& o : kOptimizers) s += (s.empty() ? "" : ", ") + std::string(o.name);
  return s;
}

void estimate_training(const model_spec& s, const model_tensors& tensors, const estimate_options& o, estimate_result& r) {
  auto& issues = r.issues;
  const training_options& t = o.training;
  training_breakdown tb;
  tb.method = t.method.empty() ? "full" : t.method;
  tb.optimizer = t.optimizer.empty() ? "adamw" : t.optimizer;
  tb.precision = t.precision.empty() ? "mixed-bf16" : t.precision;
  tb.checkpointing = t.checkpointing.empty() ? "none" : t.checkpointing;
  tb.micro_batch = t.micro_batch;
  tb.seq_len = t.seq_len ? t.seq_len : o.context_tokens;
  tb.gradient_accumulation = t.gradient_accumulation;
  tb.lora_rank = t.lora_rank;
  tb.zero = t.zero;
  tb.flash_attention = o.flash_attention != 0;
  tb.train_embeddings = t.train_embeddings;
  tb.offload_optimizer = t.offload.find("optimizer") != std::string::npos;
  tb.offload_params = t.offload.find("param") != std::string::npos;

  const bool lora = tb.method == "lora" || tb.method == "qlora";
  const optimizer_info* opt = find_optimizer(tb.optimizer);
  const precision_info* prec = find_precision(tb.precision);
  uint32_t target_mask = 0;
  bool all_linear = false;
  if (tb.method != "full" && !lora)
    issues.push_back({"invalid_training", "training.method", "Unknown training method \"" + tb.method + "\": full, lora or qlora.", severity::error});
  if (!opt) issues.push_back({"invalid_training", "training.optimizer", "Unknown optimizer \"" + tb.optimizer + "\". Known: " + optimizer_names() + ".", severity::error});
  if (!prec) issues.push_back({"invalid_training", "training.precision", "Unknown precision \"" + tb.precision + "\": mixed-bf16, mixed-fp16, bf16 or fp32.", severity::error});
  if (tb.checkpointing != "none" && tb.checkpointing != "selective" && tb.checkpointing != "full")
    issues.push_back({"invalid_training", "training.checkpointing", "Gradient checkpointing is none, selective or full, not \"" + tb.checkpointing + "\".", severity::error});
  if (!parse_targets(t.lora_targets, target_mask, all_linear))
    issues.push_back({"invalid_training", "training.lora_targets", "LoRA targets are a comma list of q, k, v, o, gate, up, down, or all-linear; not \"" + t.lora_targets + "\".", severity::error});
  else if (!lora && !t.lora_targets.empty())
    issues.push_back({"setting_not_used", "training.lora_targets", "lora_targets applies to the lora and qlora methods; with full fine-tuning every weight trains, so it is not used.", severity::warning});
  check_words(t.freeze, kFreezeParts, "training.freeze", "embeddings, attention, mlp, norms, vision", issues);
  check_words(t.offload, kOffloadParts, "training.offload", "optimizer, params (what ZeRO-Offload moves to the CPU)", issues);
  if (t.lora_rank == 0 || t.lora_rank > request_limits::lora_rank)
    issues.push_back({"invalid_training", "training.lora_rank", "The LoRA rank must be between 1 and " + n(request_limits::lora_rank) + ".", severity::error});
  if (t.zero > 3) issues.push_back({"invalid_training", "training.zero", "The ZeRO stage is 0, 1, 2 or 3.", severity::error});
  if (tb.offload_params && t.zero != 3)
    issues.push_back({"invalid_training", "training.offload", "Offloading the parameters needs ZeRO stage 3 (DeepSpeed offload_param is a stage-3 option).", severity::error});
  if (tb.offload_optimizer && t.zero == 0)
    issues.push_back({"invalid_training", "training.offload", "Offloading the optimizer needs ZeRO stage 1 or more (DeepSpeed offload_optimizer).", severity::error});
  if (t.micro_batch == 0 || t.micro_batch > request_limits::micro_batch)
    issues.push_back({"invalid_training", "training.micro_batch", "The micro-batch must be 1 to " + n(request_limits::micro_batch) + " sequences.", severity::error});
  if (tb.seq_len == 0 || tb.seq_len > request_limits::seq_len)
    issues.push_back({"invalid_training", "training.seq_len", "The training sequence must be 1 to " + n(request_limits::seq_len) + " tokens.", severity::error});
  if (t.gradient_accumulation == 0 || t.gradient_accumulation > request_limits::gradient_accumulation)
    issues.push_back({"invalid_training", "training.gradient_accumulation", "Gradient accumulation must be 1 to " + n(request_limits::gradient_accumulation) + " micro-batches.", severity::error});
  for (const auto& l : s.layers)
    if (l.attention == attention_kind::none || l.state_elements) {
      issues.push_back({"training_not_modeled", "mode",
          "Training memory is modeled for transformer decoders; this model has state-space layers, whose activations this estimate does not size.", severity::error});
      break;
    }
  if (has_error(issues)) return;

  // QLoRA stores the frozen base in NF4 (double-quantized when asked: quantization "nf4-dq"); LoRA and full
  // fine-tuning keep it in the training precision.
  std::optional<weight_format> base_format;
  const bool bnb4 = o.quantization == "nf4-dq" || o.quantization == "nf4" || o.quantization == "fp4" || o.quantization == "fp4-dq";
  if (tb.method == "qlora") base_format = find_weight_format(bnb4 ? o.quantization : "nf4");
  if (!o.quantization.empty() && !(tb.method == "qlora" && bnb4))
    issues.push_back({"quantization_ignored", "quantization",
        tb.method == "qlora" ? "QLoRA stores its base in bitsandbytes 4-bit (nf4, nf4-dq, fp4, fp4-dq); \"" + o.quantization + "\" is not one, so NF4 is used."
                             : "Training keeps the weights in the training precision (" + tb.precision + "); the weight format \"" + o.quantization + "\" is not used. For a quantized base, use --method qlora.",
        severity::warning});
  const uint64_t N = o.gpus;
  const uint64_t z = t.zero;
  const uint32_t c = prec->compute_bytes;
  const bool pure16 = !prec->master && prec->weight_bytes == 2;
  const uint32_t adapter_bytes_each = pure16 ? 2 : 4;  // PEFT casts adapters to fp32 under 16-bit bases (autocast_adapter_dtype)

  auto frozen_by_choice = [&](const tensor_entry& e) {
    auto has = [&](std::string_view part) { return t.freeze.find(part) != std::string::npos; };
    if (has("embedding") && (e.role == tensor_role::embedding || e.role == tensor_role::position || e.role == tensor_role::lm_head)) return true;
    if (has("attention") && e.role == tensor_role::attention) return true;
    if (has("mlp") && (e.role == tensor_role::mlp || e.role == tensor_role::expert || e.role == tensor_role::shared_expert || e.role == tensor_role::router)) return true;
    if (has("norm") && e.role == tensor_role::norm) return true;
    if (has("vision") && (e.component == "vision" || e.component == "projector")) return true;
    return false;
  };

  const inventory& inv = tensors.inv;
  r.parameters = tensors.parameters;
  checked_u64 weights, master, grads, states, adapter_w, adapter_g, adapter_s;
  uint64_t trainable = 0, adapter_params = 0, largest_layer_params = 0, largest_matmul = 0;
  for (const auto& e : inv.tensors) {
    if (e.component == "mtp") continue;
    const uint64_t count = e.instances(), elements = e.elements();
    const uint64_t all = elements * count;
    const bool matrix = e.rank >= 2;
    const uint64_t cols = matrix ? e.shape[e.rank - 1] : elements, rows = matrix && cols ? elements / cols : 1;
    if (!e.layer_type.empty()) largest_layer_params = std::max(largest_layer_params, elements * e.copies);
    if (e.matmul && e.role != tensor_role::lm_head && e.role != tensor_role::router) largest_matmul = std::max(largest_matmul, elements);  // what NF4 quantizes
    weights.add(base_format ? tensor_bytes(e, *base_format) * count : all * prec->weight_bytes);
    const bool embed_or_head = e.role == tensor_role::embedding || e.role == tensor_role::lm_head;
    bool trains = !lora && !frozen_by_choice(e);
    if (lora && t.train_embeddings && embed_or_head) {
      // modules_to_save: PEFT trains a copy of the module beside the frozen original.
      weights.add(all * prec->weight_bytes);
      trains = true;
    }
    if (trains) {
      trainable += all;
      grads.add(all * prec->grad_bytes);
      if (prec->master) master.add(all * 4);
      states.add(state_bytes(*opt, elements, rows, cols, matrix, prec->state_bytes) * count);
    }
    // LoRA adapters: A [r, in] and B [out, r] on each targeted Linear of the layers (never on the lm_head).
    if (lora && e.matmul && !e.layer_type.empty() && e.component == "text" && matrix &&
        (all_linear || (kinds_of(module_of(e.name)) & target_mask))) {
      const uint64_t a = t.lora_rank * (rows + cols);
      adapter_params += a * count;
      adapter_w.add(a * count * adapter_bytes_each);
      adapter_g.add(a * count * adapter_bytes_each);
      adapter_s.add((state_bytes(*opt, t.lora_rank * cols, t.lora_rank, cols, true, adapter_bytes_each) +
                     state_bytes(*opt, t.lora_rank * rows, rows, t.lora_rank, true, adapter_bytes_each)) * count);
    }
  }
  tb.trainable_parameters = trainable + adapter_params;
  tb.adapter_parameters = adapter_params;
  if (lora && adapter_params == 0)
    issues.push_back({"invalid_training", "training.lora_targets", "No Linear layer of this model matches the LoRA targets \"" + t.lora_targets + "\".", severity::error});
  if (has_error(issues)) return;

  // Sharding over N data-parallel GPUs (Rajbhandari et al. 2020, Figure 1): ZeRO-1 partitions the optimizer
  // states (with the fp32 master), ZeRO-2 the gradients too, ZeRO-3 (= FSDP FULL_SHARD) the weights too.
  // LoRA's adapter states shard the same way. Offloaded parts live in host RAM instead (ZeRO-Offload).
  auto shard = [&](uint64_t v, bool sharded) { return sharded ? ceil_div(v, N) : v; };
  tb.weights_bytes = shard(weights.value, z >= 3);
  tb.master_bytes = shard(master.value, z >= 1);
  tb.gradients_bytes = shard(grads.value, z >= 2);
  tb.optimizer_bytes = shard(states.value, z >= 1);
  const uint64_t aw = shard(adapter_w.value, z >= 3), ag = shard(adapter_g.value, z >= 2), as = shard(adapter_s.value, z >= 1);
  tb.adapter_bytes = aw + ag + as;

  // Activations saved for backward, per GPU (each holds its own micro-batch). Korthikanti et al. 2022,
  // "Reducing Activation Recomputation in Large Transformer Models", section 4: a GPT layer keeps
  // sbh(34 + 5as/h) bytes in 16-bit. Adapted to today's decoders, tensor by tensor as PyTorch's autograd
  // saves them (transformers modeling_llama.py under SDPA / FlashAttention-2, no dropout):
  //  - attention: the norm's input and output [T, h], q [T, heads x head_dim], k and v [T, kv_heads x
  //    head_dim] (GQA: not repeated), the attention output [T, heads x head_dim] (o_proj's input), and
  //    FlashAttention's fp32 logsumexp [T, heads]. Without FlashAttention the eager path also keeps the
  //    fp32 softmax and its 16-bit copy, batch x heads x s^2 x (4 + 2), and K, V repeated to every head.
  //  - gated MLP (SwiGLU): the norm's input and output [T, h], gate and up outputs, the activation and the
  //    product [T, intermediate] each; an ungated MLP (GELU) two [T, intermediate].
  //  - MoE: the router's fp32 logits [T, experts], each token's experts_per_token copies through its
  //    experts' MLP, and the shared experts.
  const uint64_t T = tb.micro_batch * tb.seq_len;
  const uint64_t h = s.hidden_size, V = s.vocab_size;
  const uint64_t heads = s.num_attention_heads, hd = s.head_dim;
  const bool mla = s.dim("kv_lora_rank") != 0;
  const uint64_t q_dim = mla ? heads * (s.dim("qk_nope_head_dim") + s.dim("qk_rope_head_dim")) : heads * hd;
  const uint64_t k_dim = mla ? s.dim("expanded_k_elements") : s.num_key_value_heads * hd;
  const uint64_t v_dim = mla ? s.dim("expanded_v_elements") : s.num_key_value_heads * hd;
  // Gated MLPs have three matrices per dense MLP (gate, up, down, or a fused gate_up and down with 2i rows).
  bool gated = false;
  for (const auto& e : inv.tensors) {
    const uint32_t k = kinds_of(module_of(e.name));
    if ((e.role == tensor_role::mlp || e.role == tensor_role::expert) && (k & (1u << 4))) gated = true;
  }
  const uint64_t mlp_per = gated ? 4 : 2;
  checked_u64 stored;
  uint64_t largest_layer = 0, n_layers = 0;
  const bool flash = tb.flash_attention || tb.checkpointing == "selective";  // selective recomputes the attention core
  for (const auto& l : s.layers) {
    ++n_layers;
    const uint64_t attn = T * c * (2 * h + 2 * q_dim + k_dim + v_dim) +
                          (flash ? T * heads * 4 : checked_u64::product({tb.micro_batch, heads, tb.seq_len, tb.seq_len, 4 + c}).value + T * c * (2 * q_dim - k_dim - v_dim));
    uint64_t mlp = T * c * 2 * h;
    if (l.moe) {
      const uint64_t ei = s.moe_intermediate_size ? s.moe_intermediate_size : s.intermediate_size;
      mlp += T * s.num_experts * 4 + T * s.experts_per_token * c * (h + mlp_per * ei);
      if (s.num_shared_experts) mlp += T * c * mlp_per * ei * s.num_shared_experts;
      else if (s.dim("shared_expert_intermediate_size")) mlp += T * c * mlp_per * s.dim("shared_expert_intermediate_size");
    } else {
      mlp += T * c * mlp_per * (l.ffn_width ? l.ffn_width : s.intermediate_size);
    }
    // LoRA: each adapter keeps lora_A's output [T, r] for lora_B (the input is the base layer's, shared).
    const uint64_t adapters = lora ? T * c * t.lora_rank * 7 : 0;
    const uint64_t layer = attn + mlp + adapters;
    largest_layer = std::max(largest_layer, layer);
    stored.add(layer);
  }
  const uint64_t boundary = T * c * h;  // a layer's input hidden states
  if (tb.checkpointing == "full") {
    // transformers' gradient_checkpointing_enable(): every decoder layer is a checkpoint that keeps its
    // input; backward recomputes one layer at a time (torch.utils.checkpoint).
    stored = checked_u64{};
    stored.add(checked_u64::product({n_layers, boundary})).add(largest_layer);
  }
  stored.add(2 * boundary);  // the final norm's input and output
  tb.activations_bytes = stored.value;
  // Logits: lm_head's output [T, vocab] in the compute dtype, transformers' loss upcasts it to fp32 and
  // cross_entropy keeps log_softmax's fp32 output for backward (loss_utils.py ForCausalLMLoss); backward
  // then holds that output, the loss gradient and the logits gradient, fp32 each: max(c + 8, 12) x T x vocab.
  tb.logits_bytes = checked_u64::product({T, V, std::max<uint64_t>(c + 8, 12)}).value;
  // Transients: ZeRO-3 gathers one layer's full weights for its forward and backward; QLoRA dequantizes one
  // weight at a time to 16 bits for its matmul (bitsandbytes MatMul4Bit).
  if (z >= 3) tb.temporary_bytes += largest_layer_params * prec->weight_bytes;
  if (tb.method == "qlora") tb.temporary_bytes += largest_matmul * 2;
  tb.cuda_context_bytes = kTorchCudaContextBytes;

  // Components: per GPU, except what is offloaded (on the host, all ranks together).
  const bool off_opt = tb.offload_optimizer, off_par = tb.offload_params;
  auto add = [&](std::string_view key, std::string label, std::string_view category, uint64_t bytes, bool host) {
    if (!bytes) return;
    r.components.push_back({key, std::move(label), category, host ? bytes * N : bytes, host, !host});
  };
  add("weights", tb.method == "qlora" ? "Weights (frozen, " + base_format->label + ")" : lora ? "Weights (frozen)" : "Weights", "weights", tb.weights_bytes, off_par);
  add("master_weights", "fp32 master weights", "optimizer", tb.master_bytes, off_opt);
  add("gradients", "Gradients", "gradients", tb.gradients_bytes, false);
  add("optimizer_states", std::string(opt->label) + " states", "optimizer", tb.optimizer_bytes, off_opt);
  add("adapter_weights", "LoRA adapter weights", "weights", aw, false);
  add("adapter_gradients", "LoRA adapter gradients", "gradients", ag, false);
  add("adapter_states", "LoRA adapter " + std::string(opt->label) + " states", "optimizer", as, off_opt);
  add("activations", "Activations saved for backward" + std::string(tb.checkpointing == "full" ? " (layer inputs + one recomputed layer)" : ""), "activations", tb.activations_bytes, false);
  add("logits", "Logits and cross-entropy", "activations", tb.logits_bytes, false);
  add("temporary", "Gathered / dequantized weights", "activations", tb.temporary_bytes, false);
  add("cuda_context", "CUDA context (PyTorch)", "overhead", tb.cuda_context_bytes, false);
  for (const auto& comp : r.components)
    if (comp.host) tb.host_bytes += comp.bytes;

  memory_breakdown& m = r.memory;
  for (const auto& comp : r.components) {
    const uint64_t b = comp.bytes;
    if (comp.category == "weights") m.weights_bytes += b;
    else if (comp.category == "gradients") m.gradients_bytes += b;
    else if (comp.category == "optimizer") m.optimizer_bytes += b;
    else if (comp.category == "activations") m.activations_bytes += b;
    else m.overhead_bytes += b;
  }
  m.total_bytes = m.weights_bytes + m.gradients_bytes + m.optimizer_bytes + m.activations_bytes + m.overhead_bytes;
  place_and_fit(r, o);

  const std::string bytes_each = prec->master ? "16-bit weights and gradients, fp32 master and states" : prec->weight_bytes == 4 ? "fp32 weights, gradients and states" : "bf16 weights, gradients and states";
  r.formulas.push_back({"weights", n(r.parameters.total.value) + " parameters x " + (base_format ? base_format->label : n(prec->weight_bytes) + " bytes") +
      (z >= 3 ? " / " + n(N) + " GPUs (ZeRO-3)" : "") + "; " + n(tb.trainable_parameters) + " trained (" + bytes_each + ")",
      "Rajbhandari et al. 2020 (ZeRO) section 3.1; PEFT (LoRA adapters in fp32)"});
  r.formulas.push_back({"optimizer", std::string(opt->label) + ": " + n(opt->states) + " state(s) per trained parameter" + (opt->eight_bit ? " in 8 bits" : "") +
      (prec->master ? " + fp32 master" : "") + (z >= 1 ? " / " + n(N) + " GPUs (ZeRO-" + n(z) + ")" : "") + (off_opt ? ", offloaded to the host" : ""), opt->source});
  r.formulas.push_back({"activations", "per layer, T = " + n(tb.micro_batch) + " x " + n(tb.seq_len) + " tokens: T x " + n(c) + " x (2h + 2q + k + v) attention + T x " + n(c) +
      " x (2h + " + n(mlp_per) + " x intermediate) MLP" + (flash ? " + FlashAttention logsumexp" : " + batch x heads x s^2 x " + n(4 + c) + " softmax") +
      (tb.checkpointing == "full" ? "; full checkpointing keeps " + n(n_layers) + " layer inputs of " + n(boundary) + " bytes + one layer" : "") +
      "; logits T x vocab " + n(V) + " x " + n(std::max<uint64_t>(c + 8, 12)) + " bytes",
      "Korthikanti et al. 2022 section 4, adapted to GQA, gated MLPs and MoE; transformers modeling_llama.py, loss_utils.py"});
  if (tb.gradient_accumulation > 1)
    issues.push_back({"gradient_accumulation", "training.gradient_accumulation",
        "Gradient accumulation (" + n(tb.gradient_accumulation) + " steps) changes no memory: gradients accumulate in place; only the micro-batch sets the activations.", severity::info});
  if (opt->paged)
    issues.push_back({"paged_optimizer", "training.optimizer", "A paged optimizer keeps its states in unified memory: they count on the GPU here, and move to the host only when the GPU runs short.", severity::info});
  r.training = tb;
}

}  // namespace neuroshrink
