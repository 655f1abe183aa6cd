#include "others.h"

#include <cmath>

#include "formats.h"
#include "json_writer.h"
#include "text.h"

namespace neuroshrink {
namespace {

// The bits per parameter people take for a format: its matmul bits (4 for int4 / GPTQ / AWQ / NF4, 8 for int8 /
// FP8), a llama.cpp file type's own bits per weight, else its dense width (16 for fp16 / bf16, 32 for fp32).
double nominal_bits(const estimate_result& r) {
  if (r.gguf && r.gguf->elements) return static_cast<double>(r.gguf->bpw_milli()) / 1000.0;
  if (!r.format) return 16;
  if (r.format->quant_millibits) return r.format->quant_millibits / 1000.0;
  return r.format->quant_bits ? r.format->quant_bits : r.format->dense_bits;
}

std::string gib(uint64_t b) { return decimal_text(std::round(static_cast<double>(b) / 1073741824.0 * 100) / 100) + " GiB"; }

// What this estimate holds beyond the weights, as a clause: "the KV cache (2.00 GiB), activations (0.39 GiB) and ...".
std::string beyond_weights(const estimate_result& r) {
  const memory_breakdown& m = r.memory;
  std::vector<std::string> parts;
  if (m.kv_cache_bytes) parts.push_back("the KV cache (" + gib(m.kv_cache_bytes) + ")");
  if (m.activations_bytes) parts.push_back("activations (" + gib(m.activations_bytes) + ")");
  if (m.overhead_bytes) parts.push_back("the runtime's overhead (" + gib(m.overhead_bytes) + ")");
  if (m.gradients_bytes) parts.push_back("gradients (" + gib(m.gradients_bytes) + ")");
  if (m.optimizer_bytes) parts.push_back("optimizer states (" + gib(m.optimizer_bytes) + ")");
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? (i + 1 == parts.size() ? " and " : ", ") : "") + parts[i];
  return out.empty() ? "nothing this estimate counts" : out;
}

}  // namespace

std::vector<other_estimate> other_estimates(const estimate_result& r) {
  std::vector<other_estimate> out;
  const uint64_t n = r.parameters.total.value;
  if (!n) return out;
  const double bits = nominal_bits(r);
  const std::string count = text_of(n) + " parameters";
  // Seed guide (tests/fixtures/SOURCES.md): "Base Memory (GB) = N x (B/8) x (1 + O)", O "commonly 0.1-0.3": 0.2.
  const auto rule = static_cast<uint64_t>(std::llround(static_cast<double>(n) * bits / 8.0 * 1.2));
  if (!r.training)
    out.push_back({"rule of thumb", "inference", rule, count + " x " + decimal_text(bits) + " bits / 8 x 1.2",
                 "the memory rule of the LLM precision guides: N x (B / 8) x (1 + O), overhead O of 0.1 to 0.3 (0.2 here)",
                 "a fixed 20 % for " + beyond_weights(r) + ", whatever the context, batch or runtime"});
  // accelerate/commands/estimate.py: the parameters in the dtype (int8 = fp32 / 4, int4 = fp32 / 8), and for
  // training with Adam the peak of estimate_training_usage: 4 x the fp32 size in float32, 2 x in mixed precision.
  const auto dtype_bytes = static_cast<uint64_t>(std::llround(static_cast<double>(n) * bits / 8.0));
  if (!r.training) {
    out.push_back({"accelerate estimate-memory", "inference", dtype_bytes, count + " x " + decimal_text(bits) + " bits / 8",
                   "huggingface/accelerate src/accelerate/commands/estimate.py (the Hub's Model Memory Calculator): Total Size",
                   beyond_weights(r) + " (the Model Memory Calculator's page says to expect up to 20 % more for inference, in words, not in its figure)"});
  } else {
    const bool fp32 = r.format && r.format->dense_bits == 32 && !r.format->quant_bits;
    const uint64_t train = n * 4 * (fp32 ? 4 : 2);
    out.push_back({"accelerate estimate-memory", "training (Adam)", train, count + " x 4 bytes x " + std::string(fp32 ? "4 (float32: model, gradients, Adam's two states)" : "2 (mixed precision: Adam's two fp32 states, the step's peak)"),
                   "huggingface/accelerate src/accelerate/commands/estimate.py estimate_training_usage (batch size 1): its peak",
                   "activations (" + gib(r.memory.activations_bytes) + ": none at batch size 1 in its figure), LoRA or frozen parts (it trains everything) and ZeRO sharding"});
  }
  return out;
}

}  // namespace neuroshrink
