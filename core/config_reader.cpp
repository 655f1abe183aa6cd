#include "text.h"
#include "config_reader.h"

#include <cmath>

#include "json_writer.h"

namespace neuroshrink {
namespace {

const config_json& empty_object() {
  static const config_json kEmpty = config_json::object();
  return kEmpty;
}

std::string truncate(std::string s) {
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

}  // namespace

const config_json* config_reader::find(std::initializer_list<std::string_view> names, std::string* found) const {
  if (!cfg_.is_object()) return nullptr;
  for (auto n : names) {
    auto it = cfg_.find(std::string(n));
    if (it != cfg_.end() && !it->is_null()) {
      if (found) *found = std::string(n);
      return &*it;
    }
  }
  return nullptr;
}

namespace {

// Six significant digits, scientific outside [1e-3, 1e15): for messages that show a user's number.
std::string number_text(double d) {
  if (!std::isfinite(d)) return d != d ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
  if (d == std::floor(d) && std::fabs(d) < 9e15) return text_of(static_cast<int64_t>(d));
  const bool negative = d < 0;
  double a = negative ? -d : d;
  int e = static_cast<int>(std::floor(std::log10(a)));
  const bool sci = e < -3 || e >= 15;
  double m = sci ? a / std::pow(10.0, e) : a;
  // Fixed part with enough decimals for six significant digits.
  const int decimals = sci ? 5 : std::max(0, 5 - e);
  const double scale = std::pow(10.0, decimals);
  uint64_t scaled = static_cast<uint64_t>(m * scale + 0.5);
  std::string digits = text_of(scaled);
  while (static_cast<int>(digits.size()) <= decimals) digits.insert(digits.begin(), '0');
  std::string out = (negative ? "-" : "") + digits.substr(0, digits.size() - decimals);
  std::string frac = digits.substr(digits.size() - decimals);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  if (!frac.empty()) out += "." + frac;
  if (sci) out += "e" + text_of(e);
  return out;
}

bool write_value(json_writer& w, const config_json& v, int depth) {
  if (depth < 0) return false;
  switch (v.type()) {
    case nlohmann::json::value_t::object:
      w.begin_object();
      for (const auto& [k, x] : v.items()) {
        w.key(k);
        if (!write_value(w, x, depth - 1)) return false;
      }
      w.end_object();
      return true;
    case nlohmann::json::value_t::array:
      w.begin_array();
      for (const auto& x : v)
        if (!write_value(w, x, depth - 1)) return false;
      w.end_array();
      return true;
    case nlohmann::json::value_t::string:
      if (const auto token = python_constant(v); !token.empty()) w.raw(token);
      else w.value(v.get_ref<const std::string&>());
      return true;
    case nlohmann::json::value_t::boolean: w.value(v.get<bool>()); return true;
    case nlohmann::json::value_t::number_unsigned: w.value(v.get<uint64_t>()); return true;
    case nlohmann::json::value_t::number_integer: w.value(v.get<int64_t>()); return true;
    case nlohmann::json::value_t::number_float: w.raw(number_text(v.get<double>())); return true;
    default: w.raw("null"); return true;
  }
}

}  // namespace

std::string_view python_constant(const config_json& v) {
  if (!v.is_string()) return {};
  const std::string& s = v.get_ref<const std::string&>();
  return s.size() > 1 && s[0] == kPythonConstantMark ? std::string_view(s).substr(1) : std::string_view();
}

std::string json_text(const config_json& v, int max_depth) {
  json_writer w;
  return write_value(w, v, max_depth) ? w.take() : std::string();
}

std::optional<uint64_t> config_reader::parse_whole(const config_json& v, const std::string& name, uint64_t min, uint64_t max) {
  const std::string field = field_name(name);
  auto fail = [&](const char* code, const std::string& what) -> std::optional<uint64_t> {
    error(code, field, "config.json field \"" + field + "\" " + what + ". Fix the config or pick another model.");
    return std::nullopt;
  };
  auto bounded = [&](uint64_t x, const std::string& shown) -> std::optional<uint64_t> {
    if (x < min) return fail("nonpositive_field", "must be a positive whole number, not " + shown);
    if (x > max) return fail("absurd_field", "is " + shown + ", beyond any real model (at most " + text_of(max) + ")");
    return x;
  };
  if (const auto token = python_constant(v); !token.empty())
    return fail("invalid_field", "is " + std::string(token) + " (Python's float('" + (token == "NaN" ? "nan" : token == "Infinity" ? "inf" : "-inf") + "')), not a whole number the estimate can use");
  if (v.is_number_unsigned()) return bounded(v.get<uint64_t>(), text_of(v.get<uint64_t>()));
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i < 0) return fail("nonpositive_field", "must be a positive whole number, not " + text_of(i));
    return bounded(static_cast<uint64_t>(i), text_of(i));
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) return fail("invalid_field", "must be a whole number, not " + json_text(v));
    if (d < 0) return fail("nonpositive_field", "must be a positive whole number, not " + json_text(v));
    if (d > static_cast<double>(max)) return fail("absurd_field", "is " + json_text(v) + ", beyond any real model (at most " + text_of(max) + ")");
    return bounded(static_cast<uint64_t>(d), json_text(v));
  }
  return fail("invalid_field", "must be a number, not " + std::string(v.type_name()) + " " + truncate(json_text(v)));
}

// After an error the readers return a harmless positive stand-in (the default, else 1), never 0: the
// family rules go on reading the rest of the config, and may divide by what they read, before the
// error stops the estimate.
uint64_t config_reader::count(std::initializer_list<std::string_view> names, uint64_t class_default, uint64_t max) {
  std::string name;
  const uint64_t stand_in = class_default ? class_default : 1;
  if (const config_json* v = find(names, &name)) return parse_whole(*v, name, 1, max).value_or(stand_in);
  const std::string first = field_name(*names.begin());
  if (class_default) {
    spec_.defaulted_fields.push_back(first);
    return class_default;
  }
  error("missing_field", first, "config.json has no \"" + first + "\", which the estimate needs. Add it, or use the model's original config.json.");
  return stand_in;
}

uint64_t config_reader::count_or(std::initializer_list<std::string_view> names, uint64_t absent, uint64_t max) {
  std::string name;
  if (const config_json* v = find(names, &name)) return parse_whole(*v, name, 1, max).value_or(absent ? absent : 1);
  return absent;
}

uint64_t config_reader::whole_or(std::initializer_list<std::string_view> names, uint64_t absent, uint64_t max) {
  std::string name;
  if (const config_json* v = find(names, &name)) return parse_whole(*v, name, 0, max).value_or(absent);
  return absent;
}

bool config_reader::flag(std::string_view name, bool class_default, bool record_default) {
  const config_json* v = find({name});
  if (!v) {
    if (record_default) spec_.defaulted_fields.push_back(field_name(name));
    return class_default;
  }
  if (v->is_boolean()) return v->get<bool>();
  error("invalid_field", field_name(name), "config.json field \"" + field_name(name) + "\" must be true or false, not " + truncate(json_text(*v)) + ".");
  return class_default;
}

double config_reader::number(std::string_view name, double absent) {
  const config_json* v = find({name});
  if (!v) return absent;
  if (v->is_number()) {
    const double d = v->get<double>();
    if (std::isfinite(d)) return d;
  }
  error("invalid_field", field_name(name), "config.json field \"" + field_name(name) + "\" must be a number, not " + truncate(json_text(*v)) + ".");
  return absent;
}

std::string config_reader::text(std::initializer_list<std::string_view> names) const {
  std::string name;
  const config_json* v = find(names, &name);
  if (v && !python_constant(*v).empty()) {
    issues_.push_back({"invalid_field", field_name(name), "config.json field \"" + field_name(name) + "\" is " + std::string(python_constant(*v)) +
        ", not the text it should hold. Fix the config or pick another model.", severity::error});
    return {};
  }
  return v && v->is_string() ? v->get<std::string>() : std::string();
}

bool config_reader::has_object(std::string_view name) const {
  const config_json* v = find({name});
  return v && v->is_object();
}

config_reader config_reader::sub(std::string_view name) const {
  const config_json* v = find({name});
  return config_reader(v && v->is_object() ? *v : empty_object(), issues_, spec_, prefix_ + std::string(name) + ".");
}

void config_reader::error(std::string code, std::string field, std::string message) {
  issues_.push_back({std::move(code), std::move(field), std::move(message), severity::error});
}

void config_reader::warn(std::string code, std::string field, std::string message) {
  issues_.push_back({std::move(code), std::move(field), std::move(message), severity::warning});
}

}  // namespace neuroshrink
