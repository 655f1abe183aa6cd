#include "report.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>

#include "estimate.h"
#include "hub_check.h"

namespace neuroshrink {

const char* severity_name(severity s) {
  switch (s) {
    case severity::info: return "info";
    case severity::warning: return "warning";
    case severity::error: return "error";
  }
  return "error";
}

namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::ordered_json;  // one instantiation of the library in the binary

ojson issues_json(const std::vector<issue>& issues) {
  ojson a = ojson::array();
  for (const auto& i : issues)
    a.push_back({{"code", i.code}, {"field", i.field}, {"message", i.message}, {"level", severity_name(i.level)}});
  return a;
}

// A positive whole number from the request, or an issue.
uint64_t request_count(const json& req, const char* key, uint64_t fallback, std::vector<issue>& issues) {
  auto it = req.find(key);
  if (it == req.end() || it->is_null()) return fallback;
  const json& v = *it;
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() || v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && d >= 1 && d < 1.8e19) return static_cast<uint64_t>(d);
  }
  issues.push_back({std::string("invalid_") + (std::string(key) == "batch_size" ? "batch" : "context"), key,
                    std::string(key) + " must be a positive whole number, not " + v.dump().substr(0, 40) + ".", severity::error});
  return 0;
}

std::string request_text(const json& req, const char* key, std::vector<issue>& issues, bool lower) {
  auto it = req.find(key);
  if (it == req.end() || it->is_null()) return "";
  if (!it->is_string()) {
    issues.push_back({"invalid_request", key, std::string(key) + " must be a string.", severity::error});
    return "";
  }
  std::string s = it->get<std::string>();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
  if (lower)
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string quantization_alias(std::string q) {
  // torch dtype spellings users paste from config.json.
  if (auto f = format_from_torch_dtype(q); !f.empty()) return std::string(f);
  return q;
}

std::string report_for(std::string_view request_text_json) {
  ojson out;
  out["schema_version"] = kReportSchemaVersion;
  out["runtime"] = kRuntimeName;
  std::vector<issue> issues;

  const json req = json::parse(request_text_json.begin(), request_text_json.end(), nullptr, false);
  if (req.is_discarded() || !req.is_object()) {
    issues.push_back({"bad_request", "", "The request is not a JSON object.", severity::error});
    out["issues"] = issues_json(issues);
    return out.dump();
  }

  std::string config_text;
  if (auto it = req.find("config"); it != req.end() && it->is_string()) config_text = it->get<std::string>();
  else if (it != req.end() && !it->is_null()) config_text = it->dump();
  const std::string model_id = request_text(req, "model_id", issues, false);
  estimate_options opt;
  opt.quantization = quantization_alias(request_text(req, "quantization", issues, true));
  opt.kv_cache_dtype = quantization_alias(request_text(req, "kv_cache_dtype", issues, true));
  opt.context_tokens = request_count(req, "context_tokens", opt.context_tokens, issues);
  opt.batch_size = request_count(req, "batch_size", opt.batch_size, issues);

  if (config_text.empty()) {
    issues.push_back({"missing_config", "config", "No config.json was given. Fetch a model from the Hub or paste its config.json.", severity::error});
  }
  if (has_error(issues)) {
    out["issues"] = issues_json(issues);
    return out.dump();
  }

  const parsed_config parsed = parse_config(config_text);
  issues.insert(issues.end(), parsed.issues.begin(), parsed.issues.end());
  if (!parsed.ok()) {
    out["issues"] = issues_json(issues);
    return out.dump();
  }
  const model_spec& s = parsed.spec;
  const estimate_result r = estimate(s, opt);
  issues.insert(issues.end(), r.issues.begin(), r.issues.end());

  out["request"] = {
      {"quantization", r.format ? std::string(r.format->name) : opt.quantization},
      {"quantization_label", r.format ? std::string(r.format->label) : opt.quantization},
      {"quantization_defaulted", r.format_defaulted},
      {"kv_cache_dtype", r.kv ? std::string(r.kv->name) : opt.kv_cache_dtype},
      {"kv_cache_dtype_defaulted", r.kv_dtype_defaulted},
      {"context_tokens", opt.context_tokens},
      {"batch_size", opt.batch_size},
  };
  out["model"] = {
      {"id", model_id},
      {"architecture", s.architecture},
      {"model_type", s.model_type},
      {"family", s.family},
      {"hidden_size", s.hidden_size},
      {"intermediate_size", s.intermediate_size},
      {"num_hidden_layers", s.num_hidden_layers},
      {"num_attention_heads", s.num_attention_heads},
      {"num_key_value_heads", s.num_key_value_heads},
      {"head_dim", s.head_dim},
      {"vocab_size", s.vocab_size},
      {"max_position_embeddings", s.max_position_embeddings},
      {"tie_word_embeddings", s.tie_word_embeddings},
      {"num_experts", s.num_experts},
      {"experts_per_token", s.experts_per_token},
      {"num_shared_experts", s.num_shared_experts},
      {"mtp_layers", s.mtp_layers},
      {"torch_dtype", s.torch_dtype},
      {"defaulted_fields", s.defaulted_fields},
      {"defaults_source", s.defaults_source},
  };
  ojson dims = ojson::object();
  for (const auto& [k, v] : s.dims) dims[k] = v;
  out["model"]["dims"] = dims;
  if (!s.quantization.method.empty())
    out["model"]["quantization_config"] = {{"method", s.quantization.method}, {"bits", s.quantization.bits},
                                           {"group_size", s.quantization.group_size}, {"summary", s.quantization.summary}};
  if (!r.ok()) {
    out["issues"] = issues_json(issues);
    return out.dump();
  }

  ojson by_role = ojson::object();
  for (int i = 0; i < kTensorRoleCount; ++i)
    if (r.parameters.by_role[i]) by_role[std::string(role_name(static_cast<tensor_role>(i)))] = r.parameters.by_role[i];
  ojson by_layer_type = ojson::object();
  for (const auto& [type, count] : r.parameters.by_layer_type) by_layer_type[type.empty() ? "outside_layers" : std::string(type)] = count;
  ojson by_component = ojson::object();
  for (const auto& [c, count] : r.parameters.by_component) by_component[std::string(c)] = count;
  out["parameters"] = {{"total", r.parameters.total.value}, {"active", r.parameters.active.value},
                       {"mtp", r.parameters.mtp.value}, {"by_component", by_component},
                       {"by_role", by_role}, {"by_layer_type", by_layer_type}};

  ojson tensors = ojson::array();
  for (const auto& t : build_inventory(s).tensors) {
    ojson shape = ojson::array();
    for (uint32_t d = 0; d < t.rank; ++d) shape.push_back(t.shape[d]);
    tensors.push_back({{"name", t.name}, {"shape", shape}, {"role", role_name(t.role)}, {"component", t.component}, {"layer_type", t.layer_type},
                       {"layers", t.layers}, {"copies", t.copies}, {"bytes", tensor_bytes(t, *r.format)}});
  }
  out["tensors"] = tensors;
  ojson kv_layers = ojson::array();
  for (const auto& g : r.kv_layers)
    kv_layers.push_back({{"attention", attention_kind_name(g.attention)}, {"window", g.window}, {"layers", g.layers},
                         {"bytes_per_token", g.bytes_per_token}, {"cached_tokens", g.cached_tokens},
                         {"state_bytes", g.state_bytes}, {"bytes", g.bytes}});
  out["kv_cache"] = {{"dtype", r.kv->name}, {"bytes_per_token", r.kv_cache_bytes_per_token}, {"layers", kv_layers}};
  out["memory"] = {
      {"weights_bytes", r.memory.weights_bytes},
      {"kv_cache_bytes", r.memory.kv_cache_bytes},
      {"activations_bytes", r.memory.activations_bytes},
      {"overhead_bytes", r.memory.overhead_bytes},
      {"total_bytes", r.memory.total_bytes},
  };
  ojson fits = ojson::array();
  for (const auto& f : r.fits)
    fits.push_back({{"name", f.gpu->name}, {"memory_bytes", f.gpu->memory_bytes}, {"fits", f.fits}, {"headroom_bytes", f.headroom_bytes}});
  out["fits"] = fits;
  ojson formulas = ojson::array();
  for (const auto& f : r.formulas) formulas.push_back({{"component", f.component}, {"formula", f.formula}, {"source", f.source}});
  out["formulas"] = formulas;

  // Hub facts the front end fetched (safetensors.total from /api/models, the index's total_size).
  if (auto it = req.find("hub"); it != req.end() && it->is_object()) {
    hub_facts hub;
    auto whole = [&](const char* k) -> uint64_t {
      auto f = it->find(k);
      return f != it->end() && f->is_number_unsigned() ? f->get<uint64_t>() : 0;
    };
    hub.parameters_total = whole("parameters_total");
    hub.safetensors_total_bytes = whole("safetensors_total_bytes");
    ojson checks = ojson::array();
    const inventory inv = build_inventory(s);
    for (const auto& c : compare_with_hub(s, inv, r.parameters, hub)) {
      ojson explained = ojson::array();
      for (const auto& t : c.explained) explained.push_back({{"reason", t.reason}, {"parameters", t.parameters}});
      checks.push_back({{"source", c.source}, {"config_parameters", c.config_parameters}, {"hub_parameters", c.hub_parameters},
                        {"difference", c.difference}, {"explained", explained}, {"unexplained", c.unexplained},
                        {"verdict", c.verdict}, {"message", c.message}});
      if (c.verdict == "mismatch") issues.push_back({"hub_mismatch", "hub", c.message, severity::warning});
    }
    out["hub_check"] = checks;
  }
  out["issues"] = issues_json(issues);
  return out.dump();
}

}  // namespace

std::string estimate_json(std::string_view request_json) {
  try {
    return report_for(request_json);
  } catch (const std::exception& e) {
    // Nothing above should throw; if it does, the caller still gets a report, not an abort.
    ojson out;
    out["schema_version"] = kReportSchemaVersion;
    out["issues"] = issues_json({{"internal", "", std::string("Internal error: ") + e.what() + ". Please report this config.", severity::error}});
    return out.dump();
  }
}

std::string catalogue_json() {
  ojson out;
  out["schema_version"] = kReportSchemaVersion;
  out["runtimes"] = {kRuntimeName};
  ojson q = ojson::array();
  for (const auto& f : weight_formats())
    q.push_back({{"name", f.name}, {"label", f.label}, {"description", f.description}, {"source", f.source}});
  out["quantizations"] = q;
  ojson k = ojson::array();
  for (const auto& d : kv_dtypes())
    k.push_back({{"name", d.name}, {"block_bytes", d.block_bytes}, {"block_elements", d.block_elements}, {"source", d.source}});
  out["kv_cache_dtypes"] = k;
  ojson g = ojson::array();
  for (const auto& d : gpus())
    g.push_back({{"name", d.name}, {"vendor", d.vendor}, {"architecture", d.architecture}, {"memory_bytes", d.memory_bytes}, {"source", d.source}});
  out["gpus"] = g;
  return out.dump();
}

}  // namespace neuroshrink
