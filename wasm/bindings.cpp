// Embind glue: strings in, strings out. The core is built without exceptions and never aborts on input.
#include <emscripten/bind.h>

#include "report.h"

namespace {
std::string estimate(const std::string& request) { return neuroshrink::estimate_json(request); }
std::string catalogue() { return neuroshrink::catalogue_json(); }
std::string table(const std::string& request) { return neuroshrink::table_json(request); }
}  // namespace

EMSCRIPTEN_BINDINGS(neuro_shrink) {
  emscripten::function("estimate", &estimate);
  emscripten::function("catalogue", &catalogue);
  emscripten::function("table", &table);
}
