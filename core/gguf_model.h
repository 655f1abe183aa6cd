// A model from a GGUF file alone (no config.json): its metadata as the config.json the model's family rule reads
// (the inverse of convert_hf_to_gguf.py's set_gguf_parameters), and its tensor infos as the file's exact
// gguf_plan. The llama.cpp estimate then sizes the weights from the file's own tensor types and shapes, and the
// KV cache, compute buffers, speed and fits by the same rules as for a config (issue #15).
#pragma once
#include <string>
#include <vector>

#include "file_headers.h"
#include "gguf_quant.h"
#include "issue.h"

namespace neuroshrink {

struct gguf_model {
  std::string architecture;   // general.architecture
  std::string model_type;     // the config.json model_type its family rule reads ("" when none is known)
  std::string config_text;    // the config.json the metadata amounts to
  gguf_plan plan;             // the file's tensors, types and bytes, as the llama.cpp profile sizes weights
  std::string file_type;      // the llama-quantize name of general.file_type ("Q4_K_M"), or of the dominant type
  std::vector<std::string> derived;  // what the config took from the tensors rather than the metadata
  std::vector<issue> issues;
  bool ok() const { return !has_error(issues); }
};

// The model of a GGUF header (status ok). Unknown architectures and missing keys are error issues naming what is
// missing; nothing is guessed.
gguf_model model_from_gguf(const file_header& h);

// The GGUF architectures model_from_gguf reads.
std::vector<std::string_view> gguf_architectures_read();

}  // namespace neuroshrink
