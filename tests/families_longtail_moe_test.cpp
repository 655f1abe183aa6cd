// The long-tail mixture-of-experts decoders (core/families/longtail_moe.cpp), each against the published count of a real
// config.json (tests/fixtures/SOURCES.md, params.tsv).
#include <catch2/catch.hpp>

#include "families_helpers.h"
#include "fixture.h"
