// Embind glue: strings in, strings out. The core is built without exceptions and never aborts on input.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <vector>

#include "file_headers.h"
#include "report.h"

namespace {
std::string estimate(const std::string& request) { return neuroshrink::estimate_json(request); }
std::string catalogue() { return neuroshrink::catalogue_json(); }
std::string table(const std::string& request) { return neuroshrink::table_json(request); }
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// The header of a weight file: `bytes` a Uint8Array of its first bytes, `file_size` its size (0 unknown).
std::string file_header(const emscripten::val& bytes, double file_size) {
  const std::vector<uint8_t> b = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
  return neuroshrink::file_header_json(b, file_size > 0 ? static_cast<uint64_t>(file_size) : 0);
}
// The estimate of a GGUF file alone: its first bytes (through the header), its size, and a request without config.
std::string estimate_file(const emscripten::val& bytes, double file_size, const std::string& request) {
  const std::vector<uint8_t> b = emscripten::convertJSArrayToNumberVector<uint8_t>(bytes);
  return neuroshrink::estimate_file_json(b, file_size > 0 ? static_cast<uint64_t>(file_size) : 0, request);
}
// A runtime's load log held against the estimate: {"log", "config"?}.
std::string reconcile(const std::string& request) { return neuroshrink::reconcile_json(request); }
#endif
}  // namespace

EMSCRIPTEN_BINDINGS(neuro_shrink) {
  emscripten::function("estimate", &estimate);
  emscripten::function("catalogue", &catalogue);
  emscripten::function("table", &table);
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  emscripten::function("fileHeader", &file_header);
  emscripten::function("estimateFile", &estimate_file);
  emscripten::function("reconcile", &reconcile);
#endif
}
