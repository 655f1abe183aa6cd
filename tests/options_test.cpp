// The request options schema (core/options.h): it covers every field the request reader fills, each option's
// bounds and allowed values are enforced with an issue naming the field, and the aliases work in JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "fixture.h"
#include "options.h"
#include "report.h"
#include "request_limits.h"
#include "text.h"

using json = nlohmann::json;
using namespace neuroshrink;

namespace {

// Reads a request (a nlohmann::json object) with the schema.
request_options read(const json& req, std::vector<issue>& issues, bool table = true) {
  request_options out;
  const config_json parsed = config_json::parse(req.dump(), nullptr, false);
  read_options(parsed, out, issues, true, table);
  return out;
}

// The request object an option lives in: {"training": {...}} for training.*.
json request_with(const option_info& o, const json& value) {
  const std::string name(o.name);
  if (const size_t dot = name.find('.'); dot != std::string::npos) return json{{name.substr(0, dot), {{name.substr(dot + 1), value}}}};
  return json{{name, value}};
}

// A value each option takes.
json good_value(const option_info& o) {
  switch (o.type) {
    case option_type::integer: return o.min < 1 ? 7 : static_cast<uint64_t>(o.min) + 1;
    case option_type::number: return 0.5;
    case option_type::string: return o.name == "tensor_split" ? "3,1" : o.name == "image_size" ? "640x480" : "meta-llama/Llama-2-7b-hf";
    case option_type::boolean: return true;
    case option_type::enumeration:
    case option_type::list: {
      if (o.values_source == option_values::gpus) return "RTX 4090";
      if (o.name == "override_tensor") return "output\\.weight=CPU";
      // A closed set's last value; an open set's first canonical one that is not the default.
      const auto values = option_values_of(o);
      if (o.closed) return values.back();
      return values.size() > 1 && values.front() == o.default_string ? values[1] : values.front();
    }
    case option_type::array:
      // weights: one file storing the embedding alone, which the estimate then counts from.
      if (o.name == "weights") return json::array({{{"groups", json::array({{{"name", "model.embed_tokens.weight"}, {"dtype", "F16"}, {"shape", {32000, 4096}}, {"count", 1}}})}}});
      return json{1024, 2048};
    case option_type::object:
      if (o.name == "mmproj_file") return json{{"tensor_bytes", 600000000}, {"tensors", 400}, {"file_type", "F16"}, {"vision", true}};
      return json{{"parameters_total", 1}};
  }
  return nullptr;
}

const issue* first_error(const std::vector<issue>& issues) {
  for (const auto& i : issues)
    if (i.level == severity::error) return &i;
  return nullptr;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string report(json req) {
  if (!req.contains("config")) req["config"] = fixture_text("meta-llama__Llama-2-7b-hf");
  return estimate_json(req.dump());
}

}  // namespace

TEST_CASE("the schema has every field the request reader reads", "[options]") {
  const std::set<std::string> expected = {
      "config", "model_id", "quantization", "kv_cache_dtype", "kv_cache_dtype_k", "kv_cache_dtype_v", "context_tokens", "batch_size",
      "runtime", "flash_attention", "ubatch", "n_batch", "gpu_layers", "gpu", "gpus", "gpu_memory_utilization", "max_num_batched_tokens",
      "max_num_seqs", "kv_cache_memory_bytes", "gpu_memory_bytes", "host_bandwidth", "prompt_tokens", "backend", "mode", "contexts", "hub", "weights", "config_only", "n_cpu_moe", "override_tensor", "mmproj", "mmproj_file", "kv_unified", "adapter_rank", "max_adapters", "images", "image_size", "draft_model", "draft_config", "draft_quantization", "mtp", "draft_max", "tensor_split", "split_mode", "nodes", "tensor_parallel", "pipeline_parallel", "data_parallel", "expert_parallel", "interconnect", "host_memory_bytes", "training.method", "training.optimizer",
      "training.precision", "training.micro_batch", "training.seq_len", "training.gradient_accumulation", "training.checkpointing",
      "training.lora_rank", "training.lora_targets", "training.train_embeddings", "training.freeze", "training.zero", "training.offload"};
  std::set<std::string> names;
  for (const auto& o : request_option_schema()) CHECK(names.insert(std::string(o.name)).second);
  CHECK(names == expected);
}

TEST_CASE("every option is read: a value it takes is stored and changes what the estimate gets", "[options]") {
  const request_options defaults;
  for (const auto& o : request_option_schema()) {
    INFO(o.name);
    std::vector<issue> issues;
    const request_options r = read(request_with(o, good_value(o)), issues);
    CHECK(issues.empty());
    CHECK(r.has(o.name));
    if (o.name == "config") CHECK(r.config_text == "meta-llama/Llama-2-7b-hf");
    else if (o.name == "model_id") CHECK(r.model_id == "meta-llama/Llama-2-7b-hf");
    else if (o.name == "contexts") CHECK(r.contexts == std::vector<uint64_t>{1024, 2048});
    // config_only is the front ends' (whether they read the weight files); the core takes it and changes nothing.
    else if (o.name != "hub" && o.name != "config_only") {
      // The report moves off the one of the same request without it: the option reaches the estimate.
      json base = json::object();
      if (o.group == "llama.cpp") base = {{"runtime", "llama.cpp"}, {"gpu", "RTX 4090"}, {"gpu_layers", 10}};
      if (o.group == "vllm") base = {{"runtime", "vllm"}, {"gpu", "H100 SXM"}};
      if (o.name == "mmproj_file") base = {{"runtime", "llama.cpp"}};
      if (o.group == "draft" && o.name != "draft_model" && o.name != "draft_config") base = {{"runtime", "llama.cpp"}, {"gpu", "RTX 4090"}, {"draft_config", fixture_text("meta-llama__Llama-2-7b-hf")}};
      if (o.group == "adapters") base = {{"runtime", "vllm"}, {"gpu", "H100 SXM"}, {"adapter_rank", 16}};
      if (o.group == "multimodal") base = {{"config", fixture_text("Qwen__Qwen2.5-VL-7B-Instruct")}, {"context_tokens", 65536}, {"images", 1}};  // a model that sees images
      if (o.name == "kv_unified") base = {{"runtime", "llama.cpp"}, {"batch_size", 4}, {"config", fixture_text("google__gemma-3-4b-it")}};  // sliding layers keep 4 windows     // a projector file is llama.cpp's
      if (o.name == "mmproj") base = {{"runtime", "llama.cpp"}, {"config", fixture_text("google__gemma-3-4b-it")}};  // a model with a vision tower
      if (o.group == "cluster") base = {{"runtime", "vllm"}, {"gpu", "H100 SXM"}, {"gpus", 8}};
      if (o.name == "host_memory_bytes" || o.name == "prompt_tokens") base = {{"gpu", "RTX 4090"}};  // (the time to first token is on a chosen GPU)  // the fit on a chosen GPU counts system RAM
      if (o.name == "tensor_split" || o.name == "split_mode") base = {{"runtime", "llama.cpp"}, {"gpu", {"RTX 3090", "RTX 3060"}}};
      if (o.group == "training") base = {{"mode", "train"}, {"gpus", 2}, {"training", {{"method", o.name == "training.freeze" ? "full" : "lora"}, {"zero", o.name == "training.zero" ? 1 : 3}}}};
      json with = base;
      with.merge_patch(request_with(o, good_value(o)));
      CHECK(report(with) != report(base));
    }
  }
  // Nothing given, nothing changed: the estimate's own defaults.
  std::vector<issue> issues;
  const request_options none = read(json::object(), issues);
  CHECK(issues.empty());
  CHECK(none.estimate.context_tokens == defaults.estimate.context_tokens);
  CHECK(none.given.empty());
}

TEST_CASE("each option's bounds are enforced, with a message naming the field and the range", "[options]") {
  for (const auto& o : request_option_schema()) {
    if (o.type != option_type::integer && o.type != option_type::number) continue;
    INFO(o.name);
    std::vector<json> bad = {"12", true, json::array()};
    if (o.has_min) bad.push_back(o.type == option_type::integer ? json(static_cast<int64_t>(o.min) - 1) : json(o.min_exclusive ? o.min : o.min - 0.5));
    if (o.has_max) bad.push_back(o.type == option_type::integer ? json(static_cast<uint64_t>(o.max) + 1) : json(o.max + 0.5));
    if (o.type == option_type::integer) bad.push_back(2.5);
    for (const json& v : bad) {
      INFO(v.dump());
      std::vector<issue> issues;
      read(request_with(o, v), issues);
      const issue* e = first_error(issues);
      REQUIRE(e);
      CHECK(e->field == o.name);
      CHECK(e->code == o.code);
      CHECK(contains(e->message, std::string(o.name)));
      if (o.has_max && o.type == option_type::integer) CHECK(contains(e->message, text_of(static_cast<uint64_t>(o.max))));
    }
    // The bounds themselves are taken.
    for (const double edge : {o.min_exclusive ? -1.0 : o.min, o.has_max ? o.max : -1.0}) {
      if (edge < o.min || (o.min_exclusive && edge == o.min)) continue;
      std::vector<issue> issues;
      read(request_with(o, o.type == option_type::integer ? json(static_cast<int64_t>(edge)) : json(edge)), issues);
      CHECK(issues.empty());
    }
  }
}

TEST_CASE("the bounds are request_limits.h's", "[options]") {
  CHECK(find_option("context_tokens")->max == static_cast<double>(request_limits::context_tokens));
  CHECK(find_option("batch_size")->max == static_cast<double>(request_limits::batch_size));
  CHECK(find_option("gpus")->max == static_cast<double>(request_limits::gpus));
  CHECK(find_option("gpu_memory_bytes")->max == static_cast<double>(request_limits::gpu_memory_bytes));
  CHECK(find_option("host_bandwidth")->max == static_cast<double>(request_limits::host_bandwidth));
  CHECK(find_option("gpu_layers")->max == static_cast<double>(request_limits::gpu_layers));
  CHECK(find_option("contexts")->max == static_cast<double>(request_limits::context_tokens));
}

TEST_CASE("closed sets refuse other values, naming the field and every allowed value", "[options]") {
  for (const auto& o : request_option_schema()) {
    if (!o.closed) continue;
    INFO(o.name);
    for (const json& v : {json("nonsense"), json(99), json::array()}) {
      std::vector<issue> issues;
      read(request_with(o, v), issues);
      const issue* e = first_error(issues);
      REQUIRE(e);
      CHECK(e->field == o.name);
      CHECK(e->code == o.code);
      for (const auto& allowed : option_values_of(o)) CHECK(contains(e->message, allowed));
    }
    for (const auto& allowed : option_values_of(o)) {
      std::vector<issue> issues;
      read(request_with(o, allowed), issues);
      CHECK(issues.empty());
    }
  }
}

TEST_CASE("strings, lists, booleans, arrays and objects refuse other types, naming the field", "[options]") {
  for (const auto& o : request_option_schema()) {
    if (o.closed || o.type == option_type::integer || o.type == option_type::number || o.name == "config") continue;
    INFO(o.name);
    const json wrong = o.type == option_type::boolean ? json("yes") : o.type == option_type::array ? json("1024") : json(5);
    std::vector<issue> issues;
    read(request_with(o, wrong), issues);
    const issue* e = first_error(issues);
    REQUIRE(e);
    CHECK(e->field == o.name);
    CHECK(e->code == o.code);
  }
  // contexts: every item a token count in range, 1 to 64 of them.
  for (const json& contexts : {json::array(), json{0}, json{1024, "x"}, json{1.5}, json(std::vector<int>(65, 1024))}) {
    std::vector<issue> issues;
    read({{"contexts", contexts}}, issues);
    REQUIRE(first_error(issues));
    CHECK(first_error(issues)->field == "contexts");
    CHECK(first_error(issues)->code == "invalid_contexts");
  }
}

TEST_CASE("open sets leave unknown names to the estimate, which names the field and the known values", "[options]") {
  struct c { const char* field; const char* code; const char* known; };
  for (const auto& [field, code, known] : {c{"quantization", "unknown_quantization", "int4"}, c{"kv_cache_dtype", "unknown_kv_cache_dtype", "q8_0"},
                                            c{"runtime", "unknown_runtime", "llama.cpp"}, c{"gpu", "unknown_gpu", "catalogue"}}) {
    INFO(field);
    const json r = json::parse(report({{field, "nonsense"}}));
    CHECK(r["issues"][0]["field"] == field);
    CHECK(r["issues"][0]["code"] == code);
    CHECK(contains(r["issues"][0]["message"], known));
  }
}

TEST_CASE("the JSON aliases work like the field, and two names of one field are an error", "[options]") {
  for (const auto& o : request_option_schema()) {
    for (auto alias : o.aliases) {
      if (alias.starts_with("--")) continue;
      INFO(o.name << " as " << alias);
      json canonical = request_with(o, good_value(o)), aliased = canonical;
      json& object = o.name.starts_with("training.") ? aliased["training"] : aliased;
      const std::string key(o.name.substr(o.name.rfind('.') == std::string_view::npos ? 0 : o.name.rfind('.') + 1));
      object[std::string(alias)] = object[key];
      object.erase(key);
      CHECK(report(aliased) == report(canonical));
      // Both at once: refused, naming the field.
      object[key] = object[std::string(alias)];
      std::vector<issue> issues;
      read(aliased, issues);
      REQUIRE(first_error(issues));
      CHECK(first_error(issues)->field == o.name);
    }
  }
  // The page's and the widget's names: {"context": 8192} is context_tokens.
  const json r = json::parse(report({{"context", 8192}, {"batch", 2}, {"q", "int4"}, {"kv", "q8_0"}, {"runtime", "llama.cpp"}}));
  CHECK(r["request"]["context_tokens"] == 8192);
  CHECK(r["request"]["batch_size"] == 2);
  CHECK(r["request"]["quantization"] == "int4");
  CHECK(r["request"]["kv_cache_dtype"] == "q8_0");
}

TEST_CASE("the spellings follow the naming rule", "[options]") {
  CHECK(option_flag(*find_option("context_tokens")) == "--context-tokens");
  CHECK(option_flag(*find_option("training.micro_batch")) == "--micro-batch");
  CHECK(option_param(*find_option("training.lora_rank")) == "lora-rank");
  CHECK(option_flag(*find_option("gpu_memory_bytes")) == "--gpu-memory");  // in GiB
  CHECK(option_param(*find_option("gpu_memory_bytes")) == "gpu-memory");
  CHECK(option_flag(*find_option("contexts")).empty());
  std::set<std::string> spellings;
  for (const auto& o : request_option_schema()) {
    for (const std::string& s : {option_flag(o), option_param(o)})
      if (!s.empty()) CHECK(spellings.insert(s + "|" + std::string(o.name)).second);
  }
}

TEST_CASE("the catalogue hands the schema to the front ends", "[options]") {
  const json c = json::parse(catalogue_json());
  REQUIRE(c["options"].is_array());
  REQUIRE(c["options"].size() == request_option_schema().size());
  const json& context = c["options"][std::distance(request_option_schema().begin(),
      std::find_if(request_option_schema().begin(), request_option_schema().end(), [](const option_info& o) { return o.name == "context_tokens"; }))];
  CHECK(context["name"] == "context_tokens");
  CHECK(context["flag"] == "--context-tokens");
  CHECK(context["param"] == "context-tokens");
  CHECK(context["aliases"] == json({"context", "ctx", "--context"}));
  CHECK(context["type"] == "integer");
  CHECK(context["min"] == 1);
  CHECK(context["max"] == request_limits::context_tokens);
  CHECK(context["default"] == 4096);
  for (const json& o : c["options"]) {
    INFO(o["name"]);
    if (o["type"] == "enum" && !o.contains("values_from")) CHECK(o["values"].size() > 0);
  }
  // The value lists are the core's tables.
  for (const json& o : c["options"])
    if (o["name"] == "quantization") CHECK(o["values"].size() == weight_formats().size() + gguf_file_types().size());
}

TEST_CASE("a key no option has is said, with the nearest option; every option's own names and aliases are not", "[options]") {
  std::vector<issue> issues;
  read(json{{"context_token", 8192}, {"banana", 1}, {"training", {{"metod", "lora"}, {"method", "lora"}}}}, issues);
  auto unknown = [&](std::string_view field) {
    return std::find_if(issues.begin(), issues.end(), [&](const issue& i) { return i.code == "unknown_option" && i.field == field; });
  };
  REQUIRE(unknown("context_token") != issues.end());
  CHECK(unknown("context_token")->level == severity::warning);
  CHECK(contains(unknown("context_token")->message, "did you mean \"context_tokens\""));
  REQUIRE(unknown("banana") != issues.end());
  CHECK(contains(unknown("banana")->message, "catalogue().options"));
  REQUIRE(unknown("training.metod") != issues.end());
  CHECK(contains(unknown("training.metod")->message, "\"training.method\""));
  CHECK(unknown("training.method") == issues.end());
  // Hostile keys are bounded: eight named, each cut to 40 bytes, the rest counted in one issue.
  json many = json::object();
  for (int i = 0; i < 20; ++i) many["junk" + std::to_string(i)] = i;
  many[std::string(100000, 'a')] = 1;
  std::vector<issue> flood;
  read(many, flood);
  const auto said = std::count_if(flood.begin(), flood.end(), [](const issue& i) { return i.code == "unknown_option"; });
  CHECK(said == 9);
  for (const issue& i : flood) CHECK(i.message.size() < 200);
  // Each option under its name and every JSON alias is known.
  for (const auto& o : request_option_schema()) {
    std::vector<std::string> names = {std::string(o.name)};
    for (auto a : o.aliases)
      if (!a.starts_with("--")) names.emplace_back(a);
    for (const std::string& n : names) {
      if (n.find('.') != std::string::npos) continue;
      std::vector<issue> seen;
      read(json{{n, nullptr}}, seen);
      INFO(n);
      CHECK(std::none_of(seen.begin(), seen.end(), [](const issue& i) { return i.code == "unknown_option"; }));
    }
  }
}
