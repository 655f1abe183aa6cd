#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>

#include "fixture.h"
#include "report.h"

using json = nlohmann::json;

// Every field of every fixture, replaced by each of these values, must give a report: issues for what is
// wrong, and when an estimate comes back, positive byte counts. Never a crash, a throw or a silent zero.
static const json kBadValues[] = {0, -1, 1.5, true, nullptr, "x", json::array(), json::object(),
                                  json::array({0}), 1e300, 18446744073709551615ull, 65536};

static void check_report(const json& config) {
  const std::string text = neuroshrink::estimate_json(json{{"config", config.dump()}, {"context_tokens", 4096}}.dump());
  const json r = json::parse(text, nullptr, false);
  REQUIRE_FALSE(r.is_discarded());
  REQUIRE(r["issues"].is_array());
  if (r.contains("memory")) {
    for (const auto& [k, v] : r["memory"].items()) {
      INFO(k);
      CHECK(v.is_number_unsigned());
    }
    CHECK(r["memory"]["total_bytes"].get<uint64_t>() > 0);
    CHECK(r["parameters"]["total"].get<uint64_t>() > 0);
  } else {
    bool error = false;
    for (const auto& i : r["issues"]) error = error || i["level"] == "error";
    CHECK(error);  // no estimate means an error says why
  }
}

TEST_CASE("any field of any fixture replaced by a bad value gives a report, never a crash", "[robustness]") {
  for (const auto& entry : std::filesystem::directory_iterator(std::string(FIXTURES_DIR) + "/configs")) {
    // A fixture with Python's bare Infinity (AntonV/mamba2-130m-hf) is strict JSON here, with null for it.
    static const std::regex kPythonConstant(R"(([:\[,]\s*)(-?Infinity|NaN))");
    const json base = json::parse(std::regex_replace(fixture_text(entry.path().stem().string()), kPythonConstant, "$1null"));
    INFO(entry.path().filename().string());
    for (const auto& [key, value] : base.items()) {
      for (const auto& bad : kBadValues) {
        json c = base;
        c[key] = bad;
        check_report(c);
      }
      if (value.is_object()) {
        for (const auto& [inner, unused] : value.items()) {
          for (const auto& bad : kBadValues) {
            json c = base;
            c[key][inner] = bad;
            check_report(c);
          }
        }
      }
    }
  }
}
