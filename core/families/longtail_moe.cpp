// The long tail, mixture-of-experts and other non-dense decoders (longtail_moe_rules.h lists them): each rule reads its
// config.json as its transformers (or remote-code) configuration class does and builds the tensors its modeling
// file creates, checked exactly against published counts (tests/families_longtail_moe_test.cpp).
#include <iterator>

#include "family.h"
#include "families/longtail_moe_rules.h"

namespace neuroshrink {
namespace {

#define NEURO_SHRINK_RULE(types, source, read, build) family_rule{types, source, read, build},
// (the last entry only ends the table, so that it may be empty)
constexpr family_rule kRules[] = {NEURO_SHRINK_LONGTAIL_MOE_RULES(NEURO_SHRINK_RULE) family_rule{"", "", nullptr, nullptr}};
#undef NEURO_SHRINK_RULE

}  // namespace

std::span<const family_rule> longtail_moe_families() { return std::span(kRules).first(std::size(kRules) - 1); }

}  // namespace neuroshrink
