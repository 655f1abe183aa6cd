// config.json -> model_spec: generic checks here, the family rules (core/families/) for the rest.
#include <algorithm>
#include <string>

#include "text.h"
#include "config_reader.h"
#include "family.h"
#include "model_spec.h"

namespace neuroshrink {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// quantization_config (transformers quantizers/auto.py reads quant_method): recognized, reported, and
// mapped onto the weight format the checkpoint is stored in, so that it is estimated as stored.
void read_quantization(const config_json& cfg, model_spec& s, std::vector<issue>& issues) {
  auto it = cfg.find("quantization_config");
  if (it == cfg.end() || !it->is_object()) return;
  const config_json& q = *it;
  auto text_in = [](const config_json& o, const char* k) { auto f = o.find(k); return f != o.end() && f->is_string() ? f->get<std::string>() : std::string(); };
  auto whole_in = [](const config_json& o, const char* k) -> uint64_t {
    auto f = o.find(k);
    return f != o.end() && f->is_number_unsigned() ? f->get<uint64_t>() : 0;
  };
  auto flag_in = [](const config_json& o, const char* k, bool absent) {
    auto f = o.find(k);
    return f != o.end() && f->is_boolean() ? f->get<bool>() : absent;
  };
  auto text = [&](const char* k) { return text_in(q, k); };
  auto whole = [&](const char* k) { return whole_in(q, k); };
  auto& sq = s.quantization;
  if (auto m = q.find("quant_method"); m != q.end() && !m->is_null() && (!m->is_string() || !python_constant(*m).empty())) {
    s.quantization = {};
    issues.push_back({"invalid_field", "quantization_config.quant_method", "config.json field \"quantization_config.quant_method\" is " + json_text(*m, 2) +
        ", not the name of a quantization method. Fix the config or pick another model.", severity::error});
    return;
  }
  sq.method = text("quant_method");
  if (sq.method.empty() && (q.contains("load_in_4bit") || q.contains("load_in_8bit"))) sq.method = "bitsandbytes";
  if (sq.method.empty()) sq.method = "unknown";
  sq.bits = whole("bits");
  sq.group_size = whole("group_size");
  const std::string g = sq.group_size ? text_of(sq.group_size) + "g" : "channel";
  if (sq.method == "bitsandbytes") {
    const bool four = flag_in(q, "load_in_4bit", false);
    const bool dq = flag_in(q, "bnb_4bit_use_double_quant", false);
    const std::string type = text("bnb_4bit_quant_type").empty() ? "fp4" : text("bnb_4bit_quant_type");
    sq.bits = four ? 4 : 8;
    sq.summary = four ? "bitsandbytes 4-bit (" + type + (dq ? ", double quantization)" : ")") : "bitsandbytes LLM.int8";
    sq.format = four ? (type == "nf4" ? "nf4" : "fp4") + std::string(dq ? "-dq" : "") : "int8";
  } else if (sq.method == "gptq" || sq.method == "awq") {
    if (!sq.bits) sq.bits = 4;
    sq.summary = sq.method + " " + text_of(sq.bits) + "-bit" + (sq.group_size ? ", group size " + text_of(sq.group_size) : "");
    if (sq.bits >= 2 && sq.bits <= 8) sq.format = sq.method + "-" + text_of(sq.bits) + "bit-" + g;
    if (sq.method == "awq") sq.zero_points = flag_in(q, "zero_point", true);
  } else if (sq.method == "fp8") {
    sq.bits = 8;
    std::string block;
    if (auto f = q.find("weight_block_size"); f != q.end() && f->is_array() && f->size() == 2 && (*f)[0].is_number_unsigned() && (*f)[1].is_number_unsigned()) {
      sq.block_rows = static_cast<uint32_t>(std::min<uint64_t>((*f)[0].get<uint64_t>(), 1u << 20));
      sq.block_cols = static_cast<uint32_t>(std::min<uint64_t>((*f)[1].get<uint64_t>(), 1u << 20));
      block = ", " + text_of(sq.block_rows) + "x" + text_of(sq.block_cols) + " block scales";
    }
    sq.summary = "fp8 (" + (text("fmt").empty() ? std::string("e4m3") : text("fmt")) + block + ")";
    sq.format = sq.block_rows && sq.block_cols ? "fp8-block" : "fp8";
  } else if (sq.method == "mxfp4") {
    sq.bits = 4;
    sq.summary = "MXFP4 (OCP microscaling: 32 fp4 values share an 8-bit scale), routed experts only";
    sq.format = "mxfp4";
    sq.experts_only = true;  // gpt-oss: modules_to_not_convert keeps attention, router, embeddings, lm_head bf16
  } else if (sq.method == "compressed-tensors") {
    // llm-compressor's config_groups: {"group_0": {"weights": {num_bits, type, strategy, group_size, symmetric}}}.
    const config_json* w = nullptr;
    if (auto groups = q.find("config_groups"); groups != q.end() && groups->is_object())
      for (const auto& [name, grp] : groups->items())
        if (grp.is_object())
          if (auto f = grp.find("weights"); f != grp.end() && f->is_object()) { w = &*f; break; }
    if (w) {
      sq.bits = whole_in(*w, "num_bits");
      sq.group_size = whole_in(*w, "group_size");
      const std::string type = text_in(*w, "type"), strategy = text_in(*w, "strategy");
      sq.summary = "compressed-tensors " + type + text_of(sq.bits) + " (" + strategy + (sq.group_size ? " " + text_of(sq.group_size) : "") + ")";
      if (type == "float" && sq.bits == 8) {
        sq.format = strategy == "channel" ? "fp8-channel" : strategy == "block" ? "fp8-block" : "fp8";
        sq.block_rows = sq.block_cols = 128;
      } else if (type == "float" && sq.bits == 4) {
        sq.format = "nvfp4";
      } else if (type == "int" && sq.bits >= 2 && sq.bits <= 8) {
        // pack-quantized: weight_packed int32 + weight_scale [out, in/g] 16-bit (+ zero points when asymmetric); no g_idx.
        sq.format = "gptq-" + text_of(sq.bits) + "bit-" + (strategy == "group" && sq.group_size ? text_of(sq.group_size) + "g" : "channel");
        sq.zero_points = !flag_in(*w, "symmetric", true);
        sq.g_idx = false;
      }
    } else {
      sq.summary = "compressed-tensors";
    }
  } else {
    sq.summary = sq.method + (sq.bits ? " " + text_of(sq.bits) + "-bit" : "") +
                 (sq.group_size ? ", group size " + text_of(sq.group_size) : "");
  }
}

// Python's json module writes float('inf') and float('nan') as the bare tokens Infinity, -Infinity and NaN,
// which JSON (RFC 8259) does not allow; transformers' Mamba2Config saves time_step_limit = (0.0, inf) that
// way. Rewrites each such value (outside strings) as a marked string (python_constant() in config_reader.h)
// and returns how many; out holds the result.
size_t python_constants_marked(std::string_view text, std::string& out) {
  static constexpr std::string_view kTokens[] = {"-Infinity", "Infinity", "NaN"};
  out.clear();
  out.reserve(text.size());
  size_t replaced = 0;
  bool in_string = false;
  char last = 0;  // the last character outside strings and whitespace
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) out += text[++i];
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') { in_string = true; out += c; last = c; continue; }
    if (last == ':' || last == '[' || last == ',') {
      bool done = false;
      for (const std::string_view t : kTokens) {
        if (text.substr(i, t.size()) != t) continue;  // (substr stops at the end: no read past it)
        const size_t end = i + t.size();
        const bool delimited = end == text.size() || std::string_view(" \t\r\n,]}").find(text[end]) != std::string_view::npos;
        if (delimited) {
          out += "\"\\u0000";  // the mark, a NUL, as a JSON escape
          out += t;
          out += '"';
          i = end - 1;
          ++replaced;
          last = 'l';
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += c;
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') last = c;
  }
  return replaced;
}

}  // namespace

parsed_config parse_config(std::string_view text) {
  parsed_config out;
  auto& issues = out.issues;
  auto& s = out.spec;

  config_json cfg = config_json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (cfg.is_discarded()) {
    std::string strict;
    if (const size_t n = python_constants_marked(text, strict)) {
      const std::string_view view(strict);  // the same iterator type as above: one parser instantiation
      cfg = config_json::parse(view.begin(), view.end(), nullptr, /*allow_exceptions=*/false);
      if (!cfg.is_discarded())
        issues.push_back({"nonstandard_json", "", "config.json holds " + text_of(n) +
            " value(s) written as Python's Infinity or NaN (as transformers saves Mamba2's time_step_limit), which JSON does not allow. A field the estimate reads that holds one is an error naming it; the others are not used.", severity::info});
    }
  }
  if (cfg.is_discarded()) {
    issues.push_back({"malformed_json", "", "The config is not valid JSON. Check that the whole config.json was given, or fetch it again.", severity::error});
    return out;
  }
  if (!cfg.is_object()) {
    issues.push_back({"not_an_object", "", std::string("The config is JSON but not an object (it is ") + cfg.type_name() + "). A config.json is an object of fields such as \"hidden_size\".", severity::error});
    return out;
  }

  config_reader r(cfg, issues, s);
  if (const config_json* a = r.find({"architectures"}); a && a->is_array() && !a->empty() && (*a)[0].is_string())
    s.architecture = (*a)[0].get<std::string>();
  s.model_type = r.text({"model_type"});
  if (s.model_type.empty() && s.architecture.empty()) {
    issues.push_back({"not_a_model_config", "model_type", "The JSON has neither \"model_type\" nor \"architectures\": it does not look like a transformers config.json.", severity::error});
    return out;
  }
  s.torch_dtype = r.text({"torch_dtype", "dtype"});
  // Multimodal configs (Qwen3-VL, Qwen3.5) may give the dtype only in text_config: the checkpoint's dtype.
  if (s.torch_dtype.empty() && r.has_object("text_config")) s.torch_dtype = r.sub("text_config").text({"torch_dtype", "dtype"});
  read_quantization(cfg, s, issues);

  const family_rule* fam = find_family(s.model_type);
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
  // The first-estimate build reads only the decoder and classic rules (family.cpp); the hybrids, the
  // vision-language models and the fallbacks below are the full module's (web/estimator.js moves there).
  if (!fam) {
    issues.push_back({"needs_full_estimator", "model_type", "model_type \"" + s.model_type + "\": the full estimator module answers it.", severity::error});
    return out;
  }
#endif
  std::string_view architecture_type;
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (!fam && !s.architecture.empty() && (fam = find_family_by_architecture(s.architecture, architecture_type)))
    issues.push_back({"model_type_from_architecture", "model_type",
        "model_type \"" + s.model_type + "\" is not one this estimate knows, but its architectures entry " + s.architecture +
        " is: the config was read with the " + std::string(architecture_type) + " rules, as vLLM picks its implementation from architectures. Compare the parameter count with the Hub's.",
        severity::warning});
#endif
  s.known_family = fam != nullptr;
  s.family = fam ? (architecture_type.empty() ? s.model_type : std::string(architecture_type)) : "generic";
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
  const family_rule& rule = *fam;
#else
  const family_rule& rule = fam ? *fam : generic_family();
#endif
  s.defaults_source = std::string(rule.source);
  rule.read(r, s);
  // "Qwen3Model", "LlamaModel": a base model without its LM head (not "GPT2LMHeadModel", not "...ForCausalLM"),
  // unless its own code loads it as a causal LM (auto_map's AutoModelForCausalLM: ChatGLM's "ChatGLMModel").
  const std::string_view cls = s.architecture;
  const config_json* auto_map = r.find({"auto_map"});
  const bool causal_lm_code = auto_map && auto_map->is_object() && auto_map->contains("AutoModelForCausalLM");
  s.headless = !causal_lm_code && cls.size() > 5 && cls.ends_with("Model") && !cls.ends_with("LMHeadModel") && cls.find("For") == std::string_view::npos;
  if (auto_map && auto_map->is_object() && !auto_map->empty())
    issues.push_back({"remote_code", "auto_map", "This checkpoint ships its own modeling code (auto_map): transformers loads it with trust_remote_code=True; "
        "the estimate follows the " + s.family + " rule" + (s.known_family ? ", written from that code." : ", which does not know it."), severity::info});
  if (s.headless)
    issues.push_back({"no_lm_head", "architectures", s.architecture + " is the base model without its LM head (an embedding or reranker checkpoint): "
        "no lm_head is counted, as its files store none.", severity::info});

  if (!has_error(issues)) {
    if (s.num_key_value_heads > s.num_attention_heads || (s.num_key_value_heads && s.num_attention_heads % s.num_key_value_heads != 0))
      issues.push_back({"inconsistent_heads", "num_key_value_heads", "num_key_value_heads (" + text_of(s.num_key_value_heads) + ") must divide num_attention_heads (" + text_of(s.num_attention_heads) + ") for grouped-query attention.", severity::error});
    if (s.num_attention_heads && s.head_dim == 0)
      issues.push_back({"inconsistent_heads", "head_dim", "hidden_size (" + text_of(s.hidden_size) + ") is smaller than num_attention_heads (" + text_of(s.num_attention_heads) + "), so no head size follows; add \"head_dim\".", severity::error});
    if (s.experts_per_token > s.num_experts)
      issues.push_back({"inconsistent_experts", "num_experts_per_tok", "num_experts_per_tok (" + text_of(s.experts_per_token) + ") exceeds the number of experts (" + text_of(s.num_experts) + ").", severity::error});
  }

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (!fam) {
    // What the generic decoder assumed, read where it read (text_config for a multimodal wrapper).
    const config_reader text = s.text_only ? r.sub("text_config") : r;
    std::vector<std::string> assumed;
    if (s.text_family.empty()) {
      if (!text.has({"num_key_value_heads", "n_head_kv", "num_kv_heads"})) assumed.push_back("num_key_value_heads = num_attention_heads");
      if (!text.has({"head_dim"})) assumed.push_back("head_dim = hidden_size / num_attention_heads");
      if (!text.has({"tie_word_embeddings"})) assumed.push_back("tie_word_embeddings = false");
    }
    const std::string name = "Unknown architecture \"" + (s.architecture.empty() ? s.model_type : s.architecture) + "\" (model_type \"" + s.model_type + "\")";
    if (s.text_family.empty() && text.has({"num_experts", "num_local_experts", "n_routed_experts"}))
      assumed.push_back("no experts (its expert fields match no layout this estimate knows, so expert weights are not counted and the parameters are low)");
    const std::string layout = s.text_family.empty() ? "a generic decoder (Llama layout: gated MLP, RMSNorm, no biases unless attention_bias/mlp_bias say so)"
                               : s.layout_from_fields ? "a decoder with the " + s.text_family + " rules, whose expert fields it has"
                                                      : "its text model, read with the " + s.text_family + " rules";
    issues.push_back({"unknown_architecture", "model_type",
        name + (s.text_only ? ": only text_config is estimated, as " : ": estimated as ") + layout +
        (assumed.empty() ? std::string("") : "; assumed " + join(assumed)) +
        (s.text_only ? ". Its other towers (vision_config, audio_config) are not counted, so parameters and weights are low by their size." : ".") +
        " Treat the numbers as approximate.",
        severity::warning});
  } else
#endif
  if (!s.defaulted_fields.empty()) {
    issues.push_back({"defaulted_fields", "", "Fields absent from config.json, taken from the " + (s.defaults_source.empty() || s.defaults_source.starts_with(";") ? std::string("class") : s.defaults_source) +
        " defaults: " + join(s.defaulted_fields) + ".", severity::info});
  }
  if (!s.quantization.method.empty())
    issues.push_back({"stored_quantization", "quantization_config", "The checkpoint is stored quantized: " + s.quantization.summary +
        (s.quantization.format.empty() ? "; this estimate does not size that format, pick a quantization." : "; estimated as stored unless another quantization is picked."), severity::info});
  return out;
}

}  // namespace neuroshrink
