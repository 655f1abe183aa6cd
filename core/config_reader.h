// Reading config.json fields for the family rules: aliases, class defaults that are recorded when used,
// and bounds. Every problem becomes an issue; nothing throws.
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "indexed_map.h"
#include "model_spec.h"

namespace neuroshrink {

// Keys in file order, found in O(log n) (indexed_map.h); one instantiation of the library in the binary.
using config_json = nlohmann::basic_json<indexed_map>;

// A JSON value as compact text, written by json_writer rather than nlohmann's serializer (which pulls
// printf into the wasm module). Numbers that are not whole print to six significant digits. Nesting
// deeper than `max_depth` gives "" (a value no config.json needs).
std::string json_text(const config_json& v, int max_depth = 64);

// Python's bare NaN, Infinity and -Infinity (not JSON) are read as a string holding a NUL byte and the token
// (no real config.json has a NUL in a string): a reader that needs the field says it holds NaN; a field no
// reader uses is left alone. The token ("NaN", "Infinity", "-Infinity"), or "" for any other value.
inline constexpr char kPythonConstantMark = '\0';
std::string_view python_constant(const config_json& v);

// Upper bounds past which a value is a typo or an attack, not a model: an order of magnitude or more
// above the largest published models (hidden 16384 and 126 layers for Llama-3.1-405B, vocab 262144 for
// Gemma-3, 256 routed experts for DeepSeek-V3).
namespace limits {
inline constexpr uint64_t hidden = uint64_t{1} << 20;
inline constexpr uint64_t intermediate = uint64_t{1} << 22;
inline constexpr uint64_t layers = 10000;
inline constexpr uint64_t heads = uint64_t{1} << 16;
inline constexpr uint64_t head_dim = uint64_t{1} << 14;
inline constexpr uint64_t vocab = uint64_t{1} << 26;
inline constexpr uint64_t positions = uint64_t{1} << 34;
inline constexpr uint64_t experts = uint64_t{1} << 16;
inline constexpr uint64_t any = uint64_t{1} << 26;
}  // namespace limits

class config_reader {
 public:
  config_reader(const config_json& cfg, std::vector<issue>& issues, model_spec& spec, std::string prefix = "")
      : cfg_(cfg), issues_(issues), spec_(spec), prefix_(std::move(prefix)) {}

  // The first of `names` present and not null, or nullptr.
  const config_json* find(std::initializer_list<std::string_view> names, std::string* found = nullptr) const;
  bool has(std::initializer_list<std::string_view> names) const { return find(names) != nullptr; }

  // A positive whole number. When absent: `class_default` if nonzero (recorded in defaulted_fields),
  // else a missing_field error. When present but not a positive whole number within `max`: an error.
  // After an error it returns a positive stand-in (the default, else 1), so that callers may divide.
  uint64_t count(std::initializer_list<std::string_view> names, uint64_t class_default, uint64_t max = limits::any);
  // Like count, but absence is fine: returns `absent` and records nothing.
  uint64_t count_or(std::initializer_list<std::string_view> names, uint64_t absent, uint64_t max = limits::any);
  // A non-negative whole number (0 allowed), absent -> `absent`.
  uint64_t whole_or(std::initializer_list<std::string_view> names, uint64_t absent, uint64_t max = limits::any);
  bool flag(std::string_view name, bool class_default, bool record_default = true);
  double number(std::string_view name, double absent);
  std::string text(std::initializer_list<std::string_view> names) const;

  // A nested object such as text_config; absent -> a reader over an empty object (every field defaults).
  config_reader sub(std::string_view name) const;
  bool has_object(std::string_view name) const;

  void error(std::string code, std::string field, std::string message);
  void warn(std::string code, std::string field, std::string message);
  std::string field_name(std::string_view name) const { return prefix_ + std::string(name); }

  model_spec& spec() { return spec_; }
  std::vector<issue>& issues() { return issues_; }
  const config_json& json() const { return cfg_; }

 private:
  std::optional<uint64_t> parse_whole(const config_json& v, const std::string& name, uint64_t min, uint64_t max);

  const config_json& cfg_;
  std::vector<issue>& issues_;
  model_spec& spec_;
  std::string prefix_;
};

}  // namespace neuroshrink
