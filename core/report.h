// The boundary of the core: a request as JSON text in, a report as JSON text out. The wasm module and
// the native driver both call these, so the same request gives byte-identical reports from both.
#pragma once
#include <string>
#include <string_view>

namespace neuroshrink {

inline constexpr int kReportSchemaVersion = 1;

// request: {"config": "<config.json text>" (or the object), "model_id", "quantization",
//           "kv_cache_dtype", "context_tokens", "batch_size"}
// Never throws; every failure is an issue in the returned report.
std::string estimate_json(std::string_view request_json);

// The core's tables, for the front ends' pickers: quantizations, KV dtypes, GPUs.
std::string catalogue_json();

}  // namespace neuroshrink
