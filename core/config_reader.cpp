#include "config_reader.h"

#include <cmath>

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

std::optional<uint64_t> config_reader::parse_whole(const config_json& v, const std::string& name, uint64_t min, uint64_t max) {
  const std::string field = field_name(name);
  auto fail = [&](const char* code, const std::string& what) -> std::optional<uint64_t> {
    error(code, field, "config.json field \"" + field + "\" " + what + ". Fix the config or pick another model.");
    return std::nullopt;
  };
  auto bounded = [&](uint64_t x, const std::string& shown) -> std::optional<uint64_t> {
    if (x < min) return fail("nonpositive_field", "must be a positive whole number, not " + shown);
    if (x > max) return fail("absurd_field", "is " + shown + ", beyond any real model (at most " + std::to_string(max) + ")");
    return x;
  };
  if (v.is_number_unsigned()) return bounded(v.get<uint64_t>(), std::to_string(v.get<uint64_t>()));
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (i < 0) return fail("nonpositive_field", "must be a positive whole number, not " + std::to_string(i));
    return bounded(static_cast<uint64_t>(i), std::to_string(i));
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    if (!std::isfinite(d) || d != std::floor(d)) return fail("invalid_field", "must be a whole number, not " + v.dump());
    if (d < 0) return fail("nonpositive_field", "must be a positive whole number, not " + v.dump());
    if (d > static_cast<double>(max)) return fail("absurd_field", "is " + v.dump() + ", beyond any real model (at most " + std::to_string(max) + ")");
    return bounded(static_cast<uint64_t>(d), v.dump());
  }
  return fail("invalid_field", "must be a number, not " + std::string(v.type_name()) + " " + truncate(v.dump()));
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
  error("invalid_field", field_name(name), "config.json field \"" + field_name(name) + "\" must be true or false, not " + truncate(v->dump()) + ".");
  return class_default;
}

double config_reader::number(std::string_view name, double absent) {
  const config_json* v = find({name});
  if (!v) return absent;
  if (v->is_number()) {
    const double d = v->get<double>();
    if (std::isfinite(d)) return d;
  }
  error("invalid_field", field_name(name), "config.json field \"" + field_name(name) + "\" must be a number, not " + truncate(v->dump()) + ".");
  return absent;
}

std::string config_reader::text(std::initializer_list<std::string_view> names) const {
  const config_json* v = find(names);
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
