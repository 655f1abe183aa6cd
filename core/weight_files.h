// A checkpoint's safetensors files as their headers state them: the truth for what is stored. Each file's
// header (file_headers.h) is digested into groups of tensors (the name with its layer and expert indices taken
// out, the dtype, the shape, how many and in which layers); a front end sends the digests of every shard in
// the request (`weights`), and the estimate counts parameters from them, sizes the weights from them when the
// config's rule does not give the same count, and reads the attention layout of an unknown model_type from the
// projection shapes.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "config_reader.h"
#include "estimate.h"
#include "file_headers.h"
#include "issue.h"
#include "model_spec.h"

namespace neuroshrink {

class json_writer;

struct stored_group {
  std::string pattern;                // the tensor name, each all-digit component written "#"
  std::string dtype;                  // safetensors dtype ("BF16", "I32", "F8_E4M3", ...)
  std::array<uint64_t, 4> shape{};    // as stored, row-major
  uint32_t rank = 0;
  uint64_t count = 0;                 // tensors in the group
  std::vector<std::array<uint64_t, 2>> layers;  // the first index of the name (the layer), as [from, to] runs
};

struct weight_files {
  uint64_t files = 0;
  uint64_t tensors = 0;
  uint64_t bytes = 0;                 // tensor data, every file together
  std::vector<stored_group> groups;
};

namespace weight_file_limits {
inline constexpr uint64_t files = 4096;      // shards (DeepSeek-V3 has 163)
inline constexpr uint64_t groups = 1 << 16;  // per request
inline constexpr uint64_t runs = 1 << 14;    // layer runs per group
inline constexpr uint64_t index = 1 << 20;   // a layer index
}  // namespace weight_file_limits

// One file's header (a safetensors header that read ok) as groups.
weight_files digest_weight_file(const file_header& h);
// {"files", "tensors", "bytes", "groups": [{"name", "dtype", "shape", "count", "layers"}]}: what fileHeader returns
// as `weights` and a request carries in its `weights` array.
void write_weight_files(json_writer& w, const weight_files& f);
// The request's `weights` (an array of digests, one per file), merged and checked; errors name the field.
weight_files read_weight_files(const config_json& digests, std::vector<issue>& issues);

// What the files say of the model, beside what the config's rule says.
struct files_reading {
  uint64_t parameters = 0;            // logical elements: packed integers unpacked; no scales, zeros or buffers
  uint64_t mtp_parameters = 0;        // of layers past num_hidden_layers (multi-token prediction)
  uint64_t auxiliary_elements = 0;    // quantization scales, zero points, indices, and buffers (causal masks)
  uint64_t auxiliary_bytes = 0;
  uint64_t tied_head_elements = 0;    // an lm_head stored beside the embedding it is tied to (counted once)
  std::vector<std::pair<std::string, std::array<uint64_t, 2>>> by_dtype;  // dtype -> elements, bytes as stored
  uint64_t rule_parameters = 0;       // the config rule's count (total, then MTP apart)
  uint64_t rule_mtp = 0;
  bool weights_from_files = false;    // the estimate's tensors are the files' (the rule's count differs, or none)
  model_spec spec;                    // the config's, with the attention layout read from the shapes when inferred
  model_tensors tensors;              // the files' tensors, when weights_from_files
  std::vector<std::string> inferred;  // what was read from the shapes rather than the config
};

files_reading read_files(const model_spec& s, const model_tensors& rule, const weight_files& f, std::vector<issue>& issues);
void write_files_reading(json_writer& w, const files_reading& r, const weight_files& f);

}  // namespace neuroshrink
