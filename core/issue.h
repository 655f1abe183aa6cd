// Problems found in a request or a config: data, never exceptions, so that every front end can show them.
#pragma once
#include <string>
#include <vector>

namespace neuroshrink {

enum class severity { info, warning, error };

struct issue {
  std::string code;     // stable, machine-readable: "malformed_json", "unknown_architecture", ...
  std::string field;    // the config or request field it concerns, "" when none
  std::string message;  // one sentence for a person: what is wrong and what to do
  severity level = severity::error;
};

const char* severity_name(severity s);

inline bool has_error(const std::vector<issue>& issues) {
  for (const auto& i : issues)
    if (i.level == severity::error) return true;
  return false;
}

}  // namespace neuroshrink
