// The boundary of the core: a request as JSON text in, a report as JSON text out. The wasm module and
// the native driver both call these, so the same request gives byte-identical reports from both.
#pragma once
#include <string>
#include <cstdint>
#include <span>
#include <string_view>

namespace neuroshrink {

inline constexpr int kReportSchemaVersion = 1;

// request: {"config": "<config.json text>" (or the object), "model_id", "quantization",
//           "kv_cache_dtype", "context_tokens", "batch_size"}
// Never throws; every failure is an issue in the returned report.
std::string estimate_json(std::string_view request_json);

// The "what fits" grid: one config parsed once, then every weight format x context (request "contexts",
// default powers of two from 1024 to the model's maximum) x the GPU catalogue. Same request fields as
// estimate_json otherwise. Reply: {"quantizations", "contexts", "gpus", "total_bytes": [q][c],
// "fits": [q][c] = how many catalogue GPUs fit: the catalogue is ordered by memory, so they are its last
// fits[q][c] entries, "issues"}.
std::string table_json(std::string_view request_json);

// The estimate of a GGUF file alone (no config.json; the full module only): `bytes` the start of the file,
// through its header (a reply whose file.status is "need_more" says how many bytes: file.needed_bytes), and a
// request as estimate_json takes it, without config (runtime llama.cpp and the file's type unless named). The
// report is the llama.cpp estimate with the file's own tensors as its weights, and a "file" section: its
// architecture and type, and the config.json its metadata amounts to.
std::string estimate_file_json(std::span<const uint8_t> bytes, uint64_t file_size, std::string_view request_json);

// A runtime's load log held against the estimate (the full module only): request {"log": "<text>", "config":
// optional config.json}. The log's settings (n_ctx, slots, batch, flash attention, cache types, -ngl, the file type)
// re-run the llama.cpp estimate, from the config or else from the log's GGUF metadata lines; the reply lists each
// buffer per device, predicted and measured, with the difference and a reason where one is known.
std::string reconcile_json(std::string_view request_json);

// The core's tables, for the front ends' pickers: quantizations, KV dtypes, GPUs.
std::string catalogue_json();

}  // namespace neuroshrink
