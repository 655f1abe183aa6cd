// The long-tail dense decoders (core/families/longtail_dense.cpp), each against the published count of a real
// config.json (tests/fixtures/SOURCES.md, params.tsv).
#include <catch2/catch.hpp>

#include "families_helpers.h"
#include "fixture.h"
