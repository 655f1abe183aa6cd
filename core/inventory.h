// The model's tensors, derived from its model_spec: names, shapes, roles and the layers that carry them.
// Parameter counts and per-tensor storage follow from this list and nothing else.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checked.h"
#include "model_spec.h"

namespace neuroshrink {

enum class tensor_role { embedding, position, attention, mlp, expert, shared_expert, router, norm, lm_head, vision, projector, ssm, other };
inline constexpr int kTensorRoleCount = 13;
std::string_view role_name(tensor_role r);

struct tensor_entry {
  std::string name;                 // checkpoint name; "{i}" stands for the layer index, "{e}" for the expert
  std::array<uint64_t, 4> shape{};  // row-major, as stored: a Linear weight is [out_features, in_features]
  uint32_t rank = 0;
  tensor_role role = tensor_role::other;
  std::string_view layer_type;      // "" for tensors outside the layer stack, else e.g. "decoder"
  std::string_view component = "text";  // "text", "vision", "projector", or "mtp" (not loaded by default)
  uint64_t layers = 1;              // how many layers carry it (1 outside the stack)
  uint64_t copies = 1;              // instances per layer: the number of experts for an expert tensor
  uint64_t active_copies = 1;       // of which a token uses: experts_per_token for an expert tensor
  bool matmul = false;              // a Linear weight that weight-only quantization converts

  uint64_t elements() const {       // per instance
    uint64_t n = 1;
    for (uint32_t d = 0; d < rank; ++d) n *= shape[d];
    return n;
  }
  uint64_t instances() const { return layers * copies; }
};

// The encoders and projectors that llama.cpp keeps in a second GGUF (the mmproj file), not in the model's.
inline bool in_projector_file(std::string_view component) { return component == "vision" || component == "audio" || component == "projector"; }

struct inventory {
  std::vector<tensor_entry> tensors;
};

inventory build_inventory(const model_spec& spec);

struct parameter_counts {
  checked_u64 total;                // unique parameters: a tied lm_head counted once, no buffers, no MTP
  checked_u64 mtp;                  // multi-token-prediction modules, stored but not loaded by default
  checked_u64 active;               // used per token: routed experts counted at experts_per_token
  std::array<uint64_t, kTensorRoleCount> by_role{};
  std::vector<std::pair<std::string_view, uint64_t>> by_layer_type;  // "" = outside the layer stack
  std::vector<std::pair<std::string_view, uint64_t>> by_component;   // "text", "vision", "projector", "mtp"
};

parameter_counts count_parameters(const inventory& inv);

}  // namespace neuroshrink
