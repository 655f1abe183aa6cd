// config.json -> model_spec. Defaults per model_type are those of the transformers configuration class
// that reads the file; each row cites it.
#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <optional>
#include <string>

#include "model_spec.h"

namespace neuroshrink {
namespace {

using json = nlohmann::ordered_json;  // one instantiation of the library in the binary

// How a family places biases on the attention projections.
enum class attn_bias_rule {
  config_all,      // config.attention_bias on q, k, v and o (LlamaAttention, Qwen3Attention)
  qkv_only,        // q, k, v always biased, o never (Qwen2Attention)
  none,            // never (MistralAttention, MixtralAttention)
};

struct family_def {
  std::string_view model_type;
  std::string_view source;  // the transformers file whose __init__ defaults these are
  uint64_t vocab_size, hidden_size, intermediate_size, num_hidden_layers, num_attention_heads;
  uint64_t num_key_value_heads;  // 0: None in transformers, meaning num_attention_heads
  uint64_t head_dim;             // 0: None, meaning hidden_size // num_attention_heads
  uint64_t max_position_embeddings;
  attn_bias_rule bias;
  bool qk_norm;
  uint64_t num_experts, experts_per_token;  // 0 for dense families
};

// Class defaults, read from each configuration_*.py __init__ signature (transformers v4.46+).
constexpr std::array kFamilies{
//           model_type  source                                       vocab   hidden inter  layers heads kv  hd   max_pos  bias                       qknorm experts topk
  family_def{"llama",    "transformers configuration_llama.py",       32000,  4096, 11008, 32,    32,   0,  0,   2048,    attn_bias_rule::config_all, false, 0, 0},
  family_def{"mistral",  "transformers configuration_mistral.py",     32000,  4096, 14336, 32,    32,   8,  0,   131072,  attn_bias_rule::none,       false, 0, 0},
  family_def{"qwen2",    "transformers configuration_qwen2.py",       151936, 4096, 22016, 32,    32,   32, 0,   32768,   attn_bias_rule::qkv_only,   false, 0, 0},
  family_def{"qwen3",    "transformers configuration_qwen3.py",       151936, 4096, 22016, 32,    32,   32, 128, 32768,   attn_bias_rule::config_all, true,  0, 0},
  family_def{"mixtral",  "transformers configuration_mixtral.py",     32000,  4096, 14336, 32,    32,   8,  0,   131072,  attn_bias_rule::none,       false, 8, 2},
};

const family_def* find_family(std::string_view model_type) {
  for (const auto& f : kFamilies)
    if (f.model_type == model_type) return &f;
  return nullptr;
}

// Upper bounds past which a value is a typo or an attack, not a model: an order of magnitude or more
// above the largest published models (hidden 16384 and 126 layers for Llama-3.1-405B, vocab 262144 for
// Gemma-3, 256 routed experts for DeepSeek-V3).
constexpr uint64_t kMaxHidden = uint64_t{1} << 20;
constexpr uint64_t kMaxIntermediate = uint64_t{1} << 22;
constexpr uint64_t kMaxLayers = 10000;
constexpr uint64_t kMaxHeads = uint64_t{1} << 16;
constexpr uint64_t kMaxHeadDim = uint64_t{1} << 14;
constexpr uint64_t kMaxVocab = uint64_t{1} << 26;
constexpr uint64_t kMaxPositions = uint64_t{1} << 34;
constexpr uint64_t kMaxExperts = uint64_t{1} << 16;

class reader {
 public:
  reader(const json& cfg, std::vector<issue>& issues) : cfg_(cfg), issues_(issues) {}

  // The first of `names` present and not null, or nullptr.
  const json* find(std::initializer_list<std::string_view> names, std::string* found = nullptr) const {
    for (auto n : names) {
      auto it = cfg_.find(std::string(n));
      if (it != cfg_.end() && !it->is_null()) {
        if (found) *found = std::string(n);
        return &*it;
      }
    }
    return nullptr;
  }

  // A positive integer field. std::nullopt when absent; an error issue (and nullopt) when present but
  // not a positive integer within `max`.
  std::optional<uint64_t> count(std::initializer_list<std::string_view> names, uint64_t max) {
    std::string name;
    const json* v = find(names, &name);
    if (!v) return std::nullopt;
    if (v->is_number_unsigned()) return within(name, v->get<uint64_t>(), max);
    if (v->is_number_integer()) {
      const int64_t i = v->get<int64_t>();
      if (i <= 0) return fail(name, "nonpositive_field", "must be a positive whole number, not " + std::to_string(i));
      return within(name, static_cast<uint64_t>(i), max);
    }
    if (v->is_number_float()) {
      const double d = v->get<double>();
      if (!std::isfinite(d) || d != std::floor(d)) return fail(name, "invalid_field", "must be a whole number, not " + v->dump());
      if (d <= 0) return fail(name, "nonpositive_field", "must be a positive whole number, not " + v->dump());
      if (d > static_cast<double>(max)) return fail(name, "absurd_field", "is " + v->dump() + ", beyond any real model (at most " + std::to_string(max) + ")");
      return within(name, static_cast<uint64_t>(d), max);
    }
    return fail(name, "invalid_field", "must be a number, not " + std::string(v->type_name()) + " " + truncate(v->dump()));
  }

  std::optional<bool> flag(std::string_view name) {
    const json* v = find({name});
    if (!v) return std::nullopt;
    if (v->is_boolean()) return v->get<bool>();
    fail(std::string(name), "invalid_field", "must be true or false, not " + truncate(v->dump()));
    return std::nullopt;
  }

  std::string text(std::initializer_list<std::string_view> names) const {
    const json* v = find(names);
    return v && v->is_string() ? v->get<std::string>() : std::string();
  }

 private:
  std::optional<uint64_t> within(const std::string& name, uint64_t v, uint64_t max) {
    if (v == 0) return fail(name, "nonpositive_field", "must be a positive whole number, not 0");
    if (v > max) return fail(name, "absurd_field", "is " + std::to_string(v) + ", beyond any real model (at most " + std::to_string(max) + ")");
    return v;
  }
  std::nullopt_t fail(const std::string& name, const char* code, const std::string& what) {
    issues_.push_back({code, name, "config.json field \"" + name + "\" " + what + ". Fix the config or pick another model.", severity::error});
    return std::nullopt;
  }
  static std::string truncate(std::string s) {
    if (s.size() > 40) s = s.substr(0, 37) + "...";
    return s;
  }

  const json& cfg_;
  std::vector<issue>& issues_;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

parsed_config parse_config(std::string_view text) {
  parsed_config out;
  auto& issues = out.issues;
  auto& s = out.spec;

  const json cfg = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (cfg.is_discarded()) {
    issues.push_back({"malformed_json", "", "The config is not valid JSON. Check that you pasted the whole config.json, or fetch it again.", severity::error});
    return out;
  }
  if (!cfg.is_object()) {
    issues.push_back({"not_an_object", "", std::string("The config is JSON but not an object (it is ") + cfg.type_name() + "). A config.json is an object of fields such as \"hidden_size\".", severity::error});
    return out;
  }

  reader r(cfg, issues);
  if (const json* a = r.find({"architectures"}); a && a->is_array() && !a->empty() && (*a)[0].is_string())
    s.architecture = (*a)[0].get<std::string>();
  s.model_type = r.text({"model_type"});
  if (s.model_type.empty() && s.architecture.empty()) {
    issues.push_back({"not_a_model_config", "model_type", "The JSON has neither \"model_type\" nor \"architectures\": it does not look like a transformers config.json.", severity::error});
    return out;
  }
  s.torch_dtype = r.text({"torch_dtype", "dtype"});

  const family_def* fam = find_family(s.model_type);
  s.known_family = fam != nullptr;
  s.family = fam ? std::string(fam->model_type) : "generic";

  // Reads a dimension; when absent, takes the family default (recorded) or, for an unknown
  // architecture, reports it as missing: there is no class default to trust.
  std::vector<std::string> missing;
  auto dim = [&](std::initializer_list<std::string_view> names, uint64_t max, uint64_t fallback, uint64_t& dst) {
    std::string present;
    if (r.find(names, &present)) {
      if (auto v = r.count(names, max)) dst = *v;
      return;
    }
    const std::string name(*names.begin());
    if (fam && fallback) {
      dst = fallback;
      s.defaulted_fields.push_back(name);
    } else {
      missing.push_back(name);
    }
  };
  dim({"hidden_size", "n_embd", "d_model"}, kMaxHidden, fam ? fam->hidden_size : 0, s.hidden_size);
  dim({"num_hidden_layers", "n_layer", "num_layers"}, kMaxLayers, fam ? fam->num_hidden_layers : 0, s.num_hidden_layers);
  dim({"num_attention_heads", "n_head"}, kMaxHeads, fam ? fam->num_attention_heads : 0, s.num_attention_heads);
  dim({"intermediate_size", "n_inner", "ffn_dim"}, kMaxIntermediate, fam ? fam->intermediate_size : 0, s.intermediate_size);
  dim({"vocab_size"}, kMaxVocab, fam ? fam->vocab_size : 0, s.vocab_size);
  for (const auto& m : missing)
    issues.push_back({"missing_field", m, "config.json has no \"" + m + "\", which the estimate needs. Add it, or use the model's original config.json.", severity::error});

  std::vector<std::string> assumed;  // generic-decoder assumptions, named in the unknown_architecture warning
  if (auto kv = r.count({"num_key_value_heads", "n_head_kv", "num_kv_heads"}, kMaxHeads)) {
    s.num_key_value_heads = *kv;
  } else if (!r.find({"num_key_value_heads", "n_head_kv", "num_kv_heads"})) {
    // transformers: num_key_value_heads=None means multi-head attention (one KV head per query head).
    s.num_key_value_heads = fam && fam->num_key_value_heads ? fam->num_key_value_heads : s.num_attention_heads;
    if (fam) s.defaulted_fields.push_back("num_key_value_heads");
    else assumed.push_back("num_key_value_heads = num_attention_heads");
  }
  if (auto hd = r.count({"head_dim"}, kMaxHeadDim)) {
    s.head_dim = *hd;
  } else if (!r.find({"head_dim"})) {
    // transformers: head_dim = getattr(config, "head_dim", None) or hidden_size // num_attention_heads.
    if (fam && fam->head_dim) {
      s.head_dim = fam->head_dim;
      s.defaulted_fields.push_back("head_dim");
    } else if (s.num_attention_heads) {
      s.head_dim = s.hidden_size / s.num_attention_heads;
      if (!fam) assumed.push_back("head_dim = hidden_size / num_attention_heads");
    }
  }
  if (auto mp = r.count({"max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"}, kMaxPositions)) {
    s.max_position_embeddings = *mp;
  } else if (fam && !r.find({"max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"})) {
    s.max_position_embeddings = fam->max_position_embeddings;
    s.defaulted_fields.push_back("max_position_embeddings");
  }

  if (auto t = r.flag("tie_word_embeddings")) {
    s.tie_word_embeddings = *t;
  } else if (!r.find({"tie_word_embeddings"})) {
    // PretrainedConfig.__init__: tie_word_embeddings=True unless the subclass passes its own default;
    // the five families above pass False.
    s.tie_word_embeddings = false;
    if (fam) s.defaulted_fields.push_back("tie_word_embeddings");
    else assumed.push_back("tie_word_embeddings = false");
  }
  const bool attention_bias = r.flag("attention_bias").value_or(false);
  const attn_bias_rule rule = fam ? fam->bias : attn_bias_rule::config_all;
  s.qkv_bias = rule == attn_bias_rule::qkv_only || (rule == attn_bias_rule::config_all && attention_bias);
  s.o_bias = rule == attn_bias_rule::config_all && attention_bias;
  s.mlp_bias = r.flag("mlp_bias").value_or(false);
  s.qk_norm = fam && fam->qk_norm;

  if (fam && fam->num_experts) {
    s.num_experts = fam->num_experts;
    s.experts_per_token = fam->experts_per_token;
    if (auto e = r.count({"num_local_experts", "num_experts"}, kMaxExperts)) s.num_experts = *e;
    else s.defaulted_fields.push_back("num_local_experts");
    if (auto k = r.count({"num_experts_per_tok"}, kMaxExperts)) s.experts_per_token = *k;
    else s.defaulted_fields.push_back("num_experts_per_tok");
    if (s.experts_per_token > s.num_experts)
      issues.push_back({"inconsistent_experts", "num_experts_per_tok", "num_experts_per_tok (" + std::to_string(s.experts_per_token) + ") exceeds the number of experts (" + std::to_string(s.num_experts) + ").", severity::error});
  }

  if (!has_error(issues)) {
    if (s.num_key_value_heads > s.num_attention_heads || s.num_attention_heads % s.num_key_value_heads != 0)
      issues.push_back({"inconsistent_heads", "num_key_value_heads", "num_key_value_heads (" + std::to_string(s.num_key_value_heads) + ") must divide num_attention_heads (" + std::to_string(s.num_attention_heads) + ") for grouped-query attention.", severity::error});
    if (s.head_dim == 0)
      issues.push_back({"inconsistent_heads", "head_dim", "hidden_size (" + std::to_string(s.hidden_size) + ") is smaller than num_attention_heads (" + std::to_string(s.num_attention_heads) + "), so no head size follows; add \"head_dim\".", severity::error});
  }

  if (!fam) {
    issues.push_back({"unknown_architecture", "model_type",
        "Unknown architecture \"" + (s.architecture.empty() ? s.model_type : s.architecture) + "\" (model_type \"" + s.model_type +
        "\"): estimated as a generic decoder (gated MLP, RMSNorm, no biases unless attention_bias/mlp_bias say so)" +
        (assumed.empty() ? std::string(".") : "; assumed " + join(assumed) + ".") + " Treat the numbers as approximate.",
        severity::warning});
  } else if (!s.defaulted_fields.empty()) {
    issues.push_back({"defaulted_fields", "", "Fields absent from config.json, taken from the defaults in " + std::string(fam->source) + ": " + join(s.defaulted_fields) + ".", severity::info});
  }
  return out;
}

}  // namespace neuroshrink
