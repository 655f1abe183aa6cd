// Embind glue: strings in, strings out. The core never throws past estimate_json.
#include <emscripten/bind.h>

#include "report.h"

namespace {
std::string estimate(const std::string& request) { return neuroshrink::estimate_json(request); }
std::string catalogue() { return neuroshrink::catalogue_json(); }
}  // namespace

EMSCRIPTEN_BINDINGS(neuro_shrink) {
  emscripten::function("estimate", &estimate);
  emscripten::function("catalogue", &catalogue);
}
