#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include "model_spec.h"

// The text of tests/fixtures/configs/<name>.json: real config.json files from the Hub.
inline std::string fixture_text(const std::string& name) {
  std::ifstream in(std::string(FIXTURES_DIR) + "/configs/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline neuroshrink::model_spec fixture(const std::string& name) {
  auto parsed = neuroshrink::parse_config(fixture_text(name));
  if (!parsed.ok()) throw std::runtime_error("fixture " + name + " did not parse: " + parsed.issues.at(0).message);
  return parsed.spec;
}
