// Helpers shared by the family test files, tests/families_<group>_test.cpp: parameter counts, tensors, issues,
// KV bytes and estimates of a fixture (tests/fixtures/configs/, read by fixture.h) or of a parsed config.
#pragma once
#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "estimate.h"
#include "fixture.h"
#include "inventory.h"

namespace family_tests {

inline neuroshrink::parameter_counts params_of(const neuroshrink::model_spec& s) {
  return neuroshrink::count_parameters(neuroshrink::build_inventory(s));
}
inline neuroshrink::parameter_counts params_of(const std::string& name) { return params_of(fixture(name)); }

inline bool has_tensor(const neuroshrink::model_spec& s, std::string_view name) {
  for (const auto& t : neuroshrink::build_inventory(s).tensors)
    if (t.name == name) return true;
  return false;
}

inline bool has_issue(const std::vector<neuroshrink::issue>& issues, std::string_view code) {
  for (const auto& i : issues)
    if (i.code == code) return true;
  return false;
}

// KV bytes per token over all layers, as transformers caches it in the checkpoint's dtype.
inline uint64_t kv_per_token(const std::string& name) {
  const auto r = neuroshrink::estimate(fixture(name), neuroshrink::estimate_options{});
  REQUIRE(r.ok());
  return r.kv_cache_bytes_per_token;
}

// The default estimate (the checkpoint's dtype) at a context and batch.
inline neuroshrink::estimate_result estimate_at(const neuroshrink::model_spec& s, uint64_t context, uint64_t batch = 1) {
  neuroshrink::estimate_options o;
  o.context_tokens = context;
  o.batch_size = batch;
  auto r = neuroshrink::estimate(s, o);
  REQUIRE(r.ok());
  return r;
}

}  // namespace family_tests
