// A checkpoint's safetensors headers as the truth for its weights (weight_files.h).
#include "weight_files.h"

#include <algorithm>

#include "checked.h"
#include "json_writer.h"
#include "text.h"

namespace neuroshrink {
namespace {

bool has(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }
bool ends(std::string_view s, std::string_view tail) { return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail; }
bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

// The name with each all-digit component written "#", and the first such component's value (the layer).
std::string pattern_of(std::string_view name, int64_t& first_index) {
  std::string out;
  first_index = -1;
  size_t at = 0;
  while (at <= name.size()) {
    const size_t dot = std::min(name.find('.', at), name.size());
    const std::string_view part = name.substr(at, dot - at);
    if (!out.empty()) out += '.';
    if (all_digits(part) && part.size() <= 9) {
      if (first_index < 0) {
        first_index = 0;
        for (char c : part) first_index = first_index * 10 + (c - '0');
      }
      out += '#';
    } else {
      out += part;
    }
    at = dot + 1;
  }
  return out;
}

void add_layer(std::vector<std::array<uint64_t, 2>>& runs, uint64_t i) {
  for (auto& r : runs) {
    if (i >= r[0] && i <= r[1]) return;
    if (i + 1 == r[0]) { r[0] = i; return; }
    if (i == r[1] + 1) { r[1] = i; return; }
  }
  runs.push_back({i, i});
}

// Runs sorted and joined where they touch or overlap.
void normalize(std::vector<std::array<uint64_t, 2>>& runs) {
  std::sort(runs.begin(), runs.end());
  std::vector<std::array<uint64_t, 2>> out;
  for (const auto& r : runs) {
    if (!out.empty() && r[0] <= out.back()[1] + 1) out.back()[1] = std::max(out.back()[1], r[1]);
    else out.push_back(r);
  }
  runs = std::move(out);
}

uint64_t run_length(const std::vector<std::array<uint64_t, 2>>& runs) {
  uint64_t n = 0;
  for (const auto& r : runs) n += r[1] - r[0] + 1;
  return n;
}

stored_group* find_group(weight_files& f, const stored_group& g) {
  for (auto& x : f.groups)
    if (x.pattern == g.pattern && x.dtype == g.dtype && x.rank == g.rank && x.shape == g.shape) return &x;
  return nullptr;
}

uint64_t elements_of(const std::array<uint64_t, 4>& shape, uint32_t rank) {
  checked_u64 n{1};
  for (uint32_t d = 0; d < rank; ++d) n.mul(shape[d]);
  return n.overflow ? 0 : n.value;
}

// ---- Reading a group as the model's tensors ------------------------------------------------------------

// Quantization companions and buffers: stored, not parameters. GPTQ/AWQ (auto_gptq, autoawq: scales, qzeros,
// g_idx), compressed-tensors and FP8 checkpoints (weight_scale, weight_scale_inv, input_scale, weight_zero_point,
// weight_g_idx, weight_shape), ModelOpt NVFP4 (weight_scale_2), bitsandbytes (SCB, absmax, quant_map, quant_state),
// MXFP4 (gpt-oss: *_scales beside *_blocks), KV-cache scales, and modeling buffers (GPT-2's attn.bias causal mask,
// rotary inv_freq, position_ids).
bool auxiliary(std::string_view p) {
  static constexpr std::string_view kTails[] = {
      ".scales", ".qzeros", ".g_idx", ".weight_scale", ".weight_scale_inv", ".weight_scale_2", ".input_scale", ".weight_zero_point",
      ".weight_g_idx", ".weight_shape", ".SCB", ".absmax", ".quant_map", ".nested_absmax", ".nested_quant_map", "_scales", ".k_scale",
      ".v_scale", ".q_scale", ".output_scale", ".inv_freq", ".position_ids", ".masked_bias"};
  for (auto t : kTails)
    if (ends(p, t)) return true;
  return has(p, ".quant_state.") || ends(p, ".attn.bias");
}

struct logical_shape {
  std::array<uint64_t, 4> shape{};
  uint32_t rank = 0;
  bool packed = false;
};

// The shape a packed integer tensor holds: GPTQ's qweight [in*bits/32, out], AWQ's [in, out*bits/32],
// compressed-tensors' weight_packed [out, in*bits/32] (int32, 32/bits values each); MXFP4 blocks [..., groups, 16]
// of 32 4-bit values; NVFP4 and bitsandbytes 4-bit weights as uint8, two values per byte.
logical_shape logical(const stored_group& g, const model_spec& s) {
  logical_shape l{g.shape, g.rank, false};
  const uint64_t bits = s.quantization.bits ? s.quantization.bits : 4;
  const uint64_t per_int32 = bits && bits <= 32 && 32 % bits == 0 ? 32 / bits : 8;
  if (g.dtype == "I32" && g.rank == 2 && ends(g.pattern, ".qweight")) {
    l.packed = true;
    if (s.quantization.method == "awq") l.shape = {g.shape[1] * per_int32, g.shape[0], 0, 0};
    else l.shape = {g.shape[1], g.shape[0] * per_int32, 0, 0};
  } else if (g.dtype == "I32" && g.rank == 2 && ends(g.pattern, ".weight_packed")) {
    l.packed = true;
    l.shape[1] = g.shape[1] * per_int32;
  } else if (g.dtype == "U8" && g.rank >= 2 && ends(g.pattern, "_blocks")) {
    l.packed = true;
    l.rank = g.rank - 1;
    l.shape[l.rank - 1] = g.shape[g.rank - 2] * g.shape[g.rank - 1] * 2;
    l.shape[l.rank] = 0;
  } else if (g.dtype == "U8" && g.rank == 2 && ends(g.pattern, ".weight") && !s.quantization.method.empty() && bits == 4) {
    l.packed = true;
    l.shape[1] = g.shape[1] * 2;
  }
  return l;
}

tensor_role role_of(std::string_view p, std::string_view component) {
  if (component == "vision" || component == "audio") return tensor_role::vision;
  if (component == "projector") return tensor_role::projector;
  if (has(p, "lm_head") || p == "embed_out.weight" || p == "output.weight") return tensor_role::lm_head;
  if (has(p, "embed_tokens") || has(p, "wte.") || has(p, "word_embeddings") || has(p, "tok_embeddings") || has(p, "embed_in.") ||
      has(p, "token_embedding"))
    return tensor_role::embedding;
  if (has(p, "wpe.") || has(p, "position_embedding") || has(p, "embed_positions")) return tensor_role::position;
  if (has(p, "shared_expert")) return tensor_role::shared_expert;
  if (has(p, ".experts.")) return tensor_role::expert;
  if (has(p, "router") || ends(p, "mlp.gate.weight") || ends(p, "moe.gate.weight") || ends(p, "block_sparse_moe.gate.weight") ||
      ends(p, "e_score_correction_bias"))
    return tensor_role::router;
  if (has(p, "norm") || has(p, ".ln_") || has(p, ".ln")) return tensor_role::norm;
  if (has(p, "mixer.") || has(p, ".ssm") || has(p, "mamba") || ends(p, "A_log") || has(p, "conv1d") || has(p, "time_mix") ||
      has(p, "channel_mix") || has(p, "linear_attn"))
    return tensor_role::ssm;
  if (has(p, "attn") || has(p, "attention")) return tensor_role::attention;
  if (has(p, "mlp") || has(p, "ffn") || has(p, "feed_forward")) return tensor_role::mlp;
  return tensor_role::other;
}

// "#" -> "{i}" for the layer, then "{e}" for the expert, as the inventory writes them.
std::string entry_name(const std::string& pattern, bool stacked) {
  std::string out;
  int seen = 0;
  for (char c : pattern) {
    if (c == '#' && stacked && seen < 2) out += seen++ == 0 ? "{i}" : "{e}";
    else out += c;
  }
  return out;
}

void add_dtype(files_reading& r, const std::string& dtype, uint64_t elements, uint64_t bytes) {
  for (auto& [d, v] : r.by_dtype)
    if (d == dtype) { v[0] += elements; v[1] += bytes; return; }
  r.by_dtype.push_back({dtype, {elements, bytes}});
}

// One group as inventory entries: the text stack split at num_hidden_layers (layers past it are MTP modules).
void add_entries(const stored_group& g, const model_spec& s, files_reading& r) {
  const logical_shape l = logical(g, s);
  std::string_view component = component_of(g.pattern);
  const tensor_role role = role_of(g.pattern, component);
  const bool stacked = !g.layers.empty();
  const uint64_t layers = stacked ? run_length(g.layers) : 1;
  uint64_t copies = layers && g.count % layers == 0 ? g.count / layers : 1;
  const uint64_t per_layer_layers = layers && g.count % layers == 0 ? layers : g.count;
  tensor_entry t;
  t.name = entry_name(g.pattern, stacked);
  t.shape = l.shape;
  t.rank = l.rank;
  // Experts fused in one tensor per layer (transformers' newer MoE layout, gpt-oss): [experts, ...].
  if (role == tensor_role::expert && copies == 1 && l.rank >= 3 && std::count(g.pattern.begin(), g.pattern.end(), '#') < 2) {
    copies = l.shape[0];
    for (uint32_t d = 0; d + 1 < l.rank; ++d) t.shape[d] = l.shape[d + 1];
    t.shape[l.rank - 1] = 0;
    t.rank = l.rank - 1;
  }
  t.role = role;
  t.copies = copies;
  t.active_copies = role == tensor_role::expert && s.experts_per_token ? std::min(copies, s.experts_per_token) : copies;
  t.matmul = t.rank >= 2 && role != tensor_role::embedding && role != tensor_role::position && role != tensor_role::norm &&
             (ends(g.pattern, "weight") || l.packed || ends(g.pattern, "_proj") || ends(g.pattern, "_blocks"));
  // The text stack: layers below num_hidden_layers are the decoder's, the rest MTP modules.
  uint64_t below = per_layer_layers, above = 0;
  if (stacked && component == "text" && g.count % layers == 0) {
    below = above = 0;
    for (const auto& run : g.layers)
      for (uint64_t i = run[0]; i <= run[1]; ++i) (i < s.num_hidden_layers ? below : above) += 1;
  }
  const auto push = [&](uint64_t n, std::string_view comp) {
    if (!n) return;
    tensor_entry e = t;
    e.component = comp;
    e.layers = n;
    e.layer_type = stacked && comp == "text" ? std::string_view("decoder") : std::string_view();
    const uint64_t elements = checked_u64::product({e.elements(), e.instances()}).value;
    if (comp == "mtp") r.mtp_parameters += elements;
    else r.parameters += elements;
    r.tensors.inv.tensors.push_back(std::move(e));
  };
  push(below, component);
  push(above, "mtp");
}

// Each decoder layer's attention projections: output rows of q, k, v, a fused qkv, and MLA's kv_a.
struct layer_attention { uint64_t q = 0, k = 0, v = 0, qkv = 0, kv_a = 0; bool any = false; };

std::vector<layer_attention> attention_of(const weight_files& f, const model_spec& s) {
  std::vector<layer_attention> out(s.layers.size());
  for (const auto& g : f.groups) {
    if (g.layers.empty() || component_of(g.pattern) != "text" || !ends(g.pattern, "weight") || auxiliary(g.pattern)) continue;
    const logical_shape l = logical(g, s);
    if (l.rank != 2) continue;
    const std::string_view p = g.pattern;
    uint64_t layer_attention::*slot = nullptr;
    uint64_t rows = l.shape[0];
    if (ends(p, "kv_a_proj_with_mqa.weight")) slot = &layer_attention::kv_a;
    else if (ends(p, "qkv_proj.weight") || ends(p, "query_key_value.weight") || ends(p, "Wqkv.weight") || ends(p, "wqkv.weight")) slot = &layer_attention::qkv;
    else if (ends(p, "attn.c_attn.weight")) {  // GPT-2's Conv1D stores [in, out]; GPTBigCode's Linear [out, in]
      slot = &layer_attention::qkv;
      if (l.shape[0] == s.hidden_size) rows = l.shape[1];
    }
    else if (ends(p, "k_proj.weight") || ends(p, "attention.wk.weight") || ends(p, "attention.key.weight")) slot = &layer_attention::k;
    else if (ends(p, "v_proj.weight") || ends(p, "attention.wv.weight") || ends(p, "attention.value.weight")) slot = &layer_attention::v;
    else if (ends(p, "q_proj.weight") || ends(p, "attention.wq.weight") || ends(p, "attention.query.weight")) slot = &layer_attention::q;
    if (!slot) continue;
    for (const auto& run : g.layers)
      for (uint64_t i = run[0]; i <= run[1] && i < out.size(); ++i) {
        out[i].*slot = rows;
        out[i].any = true;
      }
  }
  return out;
}

// An unknown model_type: each layer's cache from its projections' shapes where they say it (k and v rows; a fused
// qkv less the config's query width, halved; MLA's kv_a rows: the latent and the rope key), else the config's.
void infer_attention(const weight_files& f, files_reading& r, std::vector<issue>& issues) {
  model_spec& s = r.spec;
  const auto found = attention_of(f, s);
  uint64_t changed = 0, without = 0, inferred = 0;
  std::string example;
  for (size_t i = 0; i < found.size(); ++i) {
    const layer_attention& a = found[i];
    layer_spec& l = s.layers[i];
    uint64_t k = 0, v = 0;
    attention_kind kind = l.attention == attention_kind::mla ? attention_kind::full : l.attention;
    if (a.kv_a) { k = a.kv_a; kind = attention_kind::mla; }
    else if (a.k && a.v) { k = a.k; v = a.v; }
    else if (a.qkv) {
      const uint64_t q = a.q ? a.q : s.num_attention_heads * s.head_dim;
      if (a.qkv > q && (a.qkv - q) % 2 == 0) k = v = (a.qkv - q) / 2;
    }
    if (!a.any) { ++without; continue; }
    if (!k) continue;
    ++inferred;
    if (k != l.k_elements || v != l.v_elements || kind != l.attention) {
      if (example.empty())
        example = "layer " + text_of(uint64_t{i}) + ": " + text_of(k) + (v ? " K + " + text_of(v) + " V" : " latent") + " elements per token, the config's fields give " +
                  text_of(l.k_elements) + " + " + text_of(l.v_elements);
      ++changed;
      l.k_elements = k;
      l.v_elements = v;
      l.attention = kind;
    }
  }
  if (inferred)
    r.inferred.push_back("the attention cache of " + text_of(inferred) + " layers, from the key/value projection shapes" +
                         (changed ? " (" + text_of(changed) + " differ from the config's fields; " + example + ")" : " (the config's fields agree)"));
  if (changed)
    issues.push_back({"layout_from_files", "weights", "The attention layout was read from the weight files' projection shapes: " + text_of(changed) + " of " +
        text_of(uint64_t{found.size()}) + " layers cache other widths than the config's fields say (" + example + "). The KV cache is sized from the files.", severity::warning});
  if (without && inferred)
    issues.push_back({"layers_without_attention", "weights", text_of(without) + " decoder layers store no attention projection this reader knows; their cache is counted "
        "from the config's fields, which may be wrong for a recurrent or hybrid layer.", severity::warning});
}

}  // namespace

// ---- Digests ------------------------------------------------------------------------------------------

weight_files digest_weight_file(const file_header& h) {
  weight_files f;
  if (h.status != header_status::ok || h.format != "safetensors") return f;
  f.files = 1;
  f.tensors = h.tensors.size();
  f.bytes = h.data_bytes;
  for (const auto& t : h.tensors) {
    stored_group g;
    int64_t layer = -1;
    g.pattern = pattern_of(t.name, layer);
    g.dtype = t.type;
    g.rank = static_cast<uint32_t>(std::min<size_t>(t.shape.size(), 4));
    for (uint32_t d = 0; d < g.rank; ++d) g.shape[d] = t.shape[d];
    if (t.shape.size() > 4) {  // flattened past four dimensions: the elements are what count
      for (size_t d = 4; d < t.shape.size(); ++d) g.shape[3] *= t.shape[d];
    }
    stored_group* into = find_group(f, g);
    if (!into) { f.groups.push_back(std::move(g)); into = &f.groups.back(); }
    ++into->count;
    if (layer >= 0) add_layer(into->layers, static_cast<uint64_t>(layer));
  }
  for (auto& g : f.groups) normalize(g.layers);
  return f;
}

void write_weight_files(json_writer& w, const weight_files& f) {
  w.begin_object().field("files", f.files).field("tensors", f.tensors).field("bytes", f.bytes).key("groups").begin_array();
  for (const auto& g : f.groups) {
    w.begin_object().field("name", g.pattern).field("dtype", g.dtype).key("shape").begin_array();
    for (uint32_t d = 0; d < g.rank; ++d) w.value(g.shape[d]);
    w.end_array().field("count", g.count).key("layers").begin_array();
    for (const auto& r : g.layers) w.begin_array().value(r[0]).value(r[1]).end_array();
    w.end_array().end_object();
  }
  w.end_array().end_object();
}

weight_files read_weight_files(const config_json& digests, std::vector<issue>& issues) {
  weight_files f;
  auto fail = [&](const std::string& why) {
    issues.push_back({"invalid_weights", "weights", "weights: " + why + ". Give the `weights` digests fileHeader returns for each of the checkpoint's safetensors files.", severity::error});
    return weight_files{};
  };
  auto whole = [](const config_json& v, uint64_t max, uint64_t& out) {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<int64_t>() >= 0)) return false;
    out = v.get<uint64_t>();
    return out <= max;
  };
  if (!digests.is_array()) return fail("an array of file digests is expected");
  if (digests.size() > weight_file_limits::files) return fail(text_of(uint64_t{digests.size()}) + " files; at most " + text_of(weight_file_limits::files));
  for (size_t i = 0; i < digests.size(); ++i) {
    const config_json& d = digests[i];
    const std::string at = "file " + text_of(uint64_t{i});
    if (!d.is_object() || !d.contains("groups") || !d["groups"].is_array()) return fail(at + " has no groups array");
    for (const auto& gj : d["groups"]) {
      if (f.groups.size() >= weight_file_limits::groups) return fail("more than " + text_of(weight_file_limits::groups) + " tensor groups");
      stored_group g;
      uint64_t count = 0;
      if (!gj.is_object() || !gj.contains("name") || !gj["name"].is_string() || !gj.contains("dtype") || !gj["dtype"].is_string() ||
          !gj.contains("shape") || !gj["shape"].is_array() || gj["shape"].size() > 4 || !gj.contains("count") ||
          !whole(gj["count"], header_limits::gguf_tensors, count) || count == 0)
        return fail(at + ": a group lacks a name, dtype, shape (at most 4 dimensions) or count (1 to " + text_of(header_limits::gguf_tensors) + ")");
      g.pattern = gj["name"].get<std::string>();
      g.dtype = gj["dtype"].get<std::string>();
      if (g.pattern.size() > 1024) return fail(at + ": a tensor name of " + text_of(uint64_t{g.pattern.size()}) + " characters");
      if (!safetensors_dtype_bits(g.dtype)) return fail(at + ": unknown dtype \"" + g.dtype.substr(0, 32) + "\"");
      for (const auto& dim : gj["shape"]) {
        uint64_t v = 0;
        if (!whole(dim, uint64_t{1} << 40, v)) return fail(at + ": " + g.pattern + " has a dimension that is not a whole number up to 2^40");
        g.shape[g.rank++] = v;
      }
      if (gj.contains("layers")) {
        const config_json& runs = gj["layers"];
        if (!runs.is_array() || runs.size() > weight_file_limits::runs) return fail(at + ": " + g.pattern + " has a layers list that is not an array of at most " + text_of(weight_file_limits::runs) + " runs");
        for (const auto& r : runs) {
          uint64_t a = 0, b = 0;
          if (!r.is_array() || r.size() != 2 || !whole(r[0], weight_file_limits::index, a) || !whole(r[1], weight_file_limits::index, b) || b < a)
            return fail(at + ": " + g.pattern + " has a layer run that is not [from, to] with 0 <= from <= to <= " + text_of(weight_file_limits::index));
          g.layers.push_back({a, b});
        }
      }
      checked_u64 bytes = checked_u64::product({count, safetensors_dtype_bits(g.dtype)});
      for (uint32_t d = 0; d < g.rank; ++d) bytes.mul(g.shape[d]);
      if (bytes.overflow || bytes.value / 8 > (uint64_t{1} << 53)) return fail(at + ": " + g.pattern + " holds more than 2^53 bytes");
      f.bytes += bytes.value / 8;
      f.tensors += count;
      if (stored_group* into = find_group(f, g)) {
        into->count += count;
        into->layers.insert(into->layers.end(), g.layers.begin(), g.layers.end());
      } else {
        g.count = count;
        f.groups.push_back(std::move(g));
      }
    }
    ++f.files;
  }
  for (auto& g : f.groups) normalize(g.layers);
  if (f.bytes > (uint64_t{1} << 53)) return fail("the files hold more than 2^53 bytes");
  return f;
}

// ---- What the files say ------------------------------------------------------------------------------

files_reading read_files(const model_spec& s, const model_tensors& rule, const weight_files& f, std::vector<issue>& issues) {
  files_reading r;
  r.spec = s;
  r.rule_parameters = rule.parameters.total.value;
  r.rule_mtp = rule.parameters.mtp.value;
  // A head tied to the embedding is one tensor in memory (transformers ties them on load), even stored twice.
  const bool stored_embedding = std::any_of(f.groups.begin(), f.groups.end(), [](const stored_group& x) { return role_of(x.pattern, component_of(x.pattern)) == tensor_role::embedding; });
  for (const auto& g : f.groups) {
    const uint64_t elements = checked_u64::product({elements_of(g.shape, g.rank), g.count}).value;
    const uint64_t bytes = checked_u64::product({elements, safetensors_dtype_bits(g.dtype)}).value / 8;
    add_dtype(r, g.dtype, elements, bytes);
    if (auxiliary(g.pattern)) {
      r.auxiliary_elements += elements;
      r.auxiliary_bytes += bytes;
      continue;
    }
    if (s.tie_word_embeddings && stored_embedding && role_of(g.pattern, component_of(g.pattern)) == tensor_role::lm_head) {
      const logical_shape l = logical(g, s);
      r.tied_head_elements += elements_of(l.shape, l.rank) * g.count;
      continue;
    }
    add_entries(g, s, r);
  }
  r.tensors.parameters = count_parameters(r.tensors.inv);
  if (!r.parameters) {
    issues.push_back({"invalid_weights", "weights", "The weight files' " + text_of(f.tensors) + " tensors hold no parameter this reader recognizes (only "
        "scales, indices or buffers). Give every safetensors file of the checkpoint, or leave weights out.", severity::error});
    return r;
  }
  r.weights_from_files = r.parameters != r.rule_parameters || s.family == "generic";
  // A known rule is exact on every published count it was checked against: files that hold far more or far fewer
  // parameters (over a quarter apart) are not this config's checkpoint, or not all of it (an adapter, a lost
  // shard), and do not replace it.
  const uint64_t apart = r.parameters > r.rule_parameters ? r.parameters - r.rule_parameters : r.rule_parameters - r.parameters;
  if (s.family != "generic" && r.weights_from_files && apart > r.rule_parameters / 4) {
    r.weights_from_files = false;
    issues.push_back({"weights_files_disagree", "weights", "The weight files hold " + text_of(r.parameters) + " parameters, the " + s.family + " rule " +
        text_of(r.rule_parameters) + " for this config.json: too far apart for the files to be its whole checkpoint (a missing shard, an adapter, "
        "another model's files). The estimate keeps config.json's count.", severity::warning});
    return r;
  }
  if (r.tied_head_elements)
    r.inferred.push_back("the lm_head is stored beside the embedding it is tied to (tie_word_embeddings): " + text_of(r.tied_head_elements) + " elements counted once");
  if (s.family == "generic" && s.text_family.empty()) infer_attention(f, r, issues);
  if (r.weights_from_files && r.parameters != r.rule_parameters) {
    const int64_t diff = static_cast<int64_t>(r.parameters) - static_cast<int64_t>(r.rule_parameters);
    // Per mille of the rule's count, written as a percentage with one decimal.
    const int64_t pm = r.rule_parameters ? diff * 1000 / static_cast<int64_t>(r.rule_parameters) : 0;
    const std::string pct = (pm < 0 ? "-" : "") + text_of(uint64_t(pm < 0 ? -pm : pm) / 10) + "." + text_of(uint64_t(pm < 0 ? -pm : pm) % 10);
    issues.push_back({"weights_from_files", "weights", "The weight files store " + text_of(r.parameters) + " parameters; " +
        (s.family == "generic" ? std::string("the generic decoder's reading of config.json gives ") : "the " + s.family + " rule gives ") + text_of(r.rule_parameters) +
        " (" + (diff > 0 ? "+" : "") + text_of(diff) + ", " + (r.rule_parameters ? pct + " %" : std::string("no count from the rule")) + "). The weights are sized from the files' " + text_of(f.tensors) + " tensors.",
        s.family == "generic" ? severity::info : severity::warning});
  }
  return r;
}

void write_files_reading(json_writer& w, const files_reading& r, const weight_files& f) {
  w.key("weight_files").begin_object().field("source", "safetensors headers").field("files", f.files).field("tensors", f.tensors)
      .field("stored_bytes", f.bytes).field("parameters", r.parameters).field("mtp_parameters", r.mtp_parameters)
      .field("auxiliary_elements", r.auxiliary_elements).field("auxiliary_bytes", r.auxiliary_bytes)
      .field("tied_head_elements", r.tied_head_elements).field("rule_parameters", r.rule_parameters).field("rule_mtp_parameters", r.rule_mtp)
      .field("difference", static_cast<int64_t>(r.parameters) - static_cast<int64_t>(r.rule_parameters))
      .field("weights_from", r.weights_from_files ? "files" : "config rule");
  w.key("by_dtype").begin_array();
  for (const auto& [d, v] : r.by_dtype) w.begin_object().field("dtype", d).field("elements", v[0]).field("bytes", v[1]).end_object();
  w.end_array().key("inferred").begin_array();
  for (const auto& i : r.inferred) w.value(i);
  w.end_array().end_object();
}

// ---- The header reply front ends get --------------------------------------------------------------------

namespace {
// llama.cpp's multimodal projector files (mmproj) carry general.architecture "clip" (tools/mtmd/clip-impl.h).
bool is_projector_gguf(const file_header& h) {
  const gguf_value* a = h.find("general.architecture");
  return h.format == "gguf" && a && a->type == 8 && a->text == "clip";
}

// `projector`: what the request's mmproj_file takes (options.cpp read_projector_file).
void write_projector_digest(json_writer& w, const file_header& h) {
  std::vector<std::pair<std::string_view, uint64_t>> by_type;
  for (const auto& t : h.tensors) {
    auto it = std::find_if(by_type.begin(), by_type.end(), [&](auto& p) { return p.first == t.type; });
    if (it == by_type.end()) by_type.push_back({t.type, t.bytes});
    else it->second += t.bytes;
  }
  const auto most = std::max_element(by_type.begin(), by_type.end(), [](auto& a, auto& b) { return a.second < b.second; });
  auto text = [&](std::initializer_list<const char*> keys) {
    for (const char* k : keys)
      if (const gguf_value* v = h.find(k); v && v->type == 8) return v->text.substr(0, 64);
    return std::string();
  };
  auto flag = [&](const char* k) { const gguf_value* v = h.find(k); return v && v->type == 7 && v->boolean; };
  w.key("projector").begin_object().field("file_type", most == by_type.end() ? std::string_view() : most->first)
      .field("projector_type", text({"clip.projector_type", "clip.vision.projector_type", "clip.audio.projector_type"}))
      .field("tensor_bytes", h.data_bytes).field("tensors", static_cast<uint64_t>(h.tensors.size()))
      .field("vision", flag("clip.has_vision_encoder")).field("audio", flag("clip.has_audio_encoder")).end_object();
}
}  // namespace

std::string file_header_json(std::span<const uint8_t> bytes, uint64_t file_size) {
  const file_header h = read_file_header(bytes, file_size);
  json_writer w;
  w.begin_object().field("format", h.format)
      .field("status", h.status == header_status::ok ? "ok" : h.status == header_status::need_more ? "need_more" : "invalid");
  if (h.status == header_status::need_more) w.field("needed_bytes", h.needed_bytes);
  if (h.status == header_status::ok) {
    w.field("version", h.version).field("header_bytes", h.header_bytes).field("data_bytes", h.data_bytes)
        .field("elements", h.elements).field("tensor_count", static_cast<uint64_t>(h.tensors.size()));
    // Bytes per tensor type, in order of first appearance.
    std::vector<std::pair<std::string, std::pair<uint64_t, uint64_t>>> by_type;
    for (const auto& t : h.tensors) {
      auto it = std::find_if(by_type.begin(), by_type.end(), [&](auto& p) { return p.first == t.type; });
      if (it == by_type.end()) by_type.push_back({t.type, {1, t.bytes}});
      else { ++it->second.first; it->second.second += t.bytes; }
    }
    w.key("by_type").begin_array();
    for (const auto& [type, v] : by_type) w.begin_object().field("type", type).field("tensors", v.first).field("bytes", v.second).end_object();
    std::vector<std::pair<std::string_view, std::pair<uint64_t, uint64_t>>> by_component;
    for (const auto& t : h.tensors) {
      const std::string_view c = component_of(t.name);
      auto it = std::find_if(by_component.begin(), by_component.end(), [&](auto& p) { return p.first == c; });
      if (it == by_component.end()) by_component.push_back({c, {t.elements, t.bytes}});
      else { it->second.first += t.elements; it->second.second += t.bytes; }
    }
    w.end_array().key("by_component").begin_array();
    for (const auto& [c, v] : by_component) w.begin_object().field("component", c).field("elements", v.first).field("bytes", v.second).end_object();
    w.end_array();
    std::string formula;
    if (const uint64_t kv = gguf_kv_bytes_per_token(h, formula)) w.key("kv_cache").begin_object().field("bytes_per_token_f16", kv).field("formula", formula).end_object();
    w.key("metadata").begin_object();
    for (const auto& [k, v] : h.metadata) {
      if (v.type == 9) {
        w.key(k).begin_object().field("array_of", v.array_type).field("count", v.count);
        if (!v.integers.empty()) { w.key("values").begin_array(); for (auto x : v.integers) w.value(x); w.end_array(); }
        w.end_object();
      } else if (v.type == 8) w.field(k, v.text);
      else if (v.type == 7) w.field(k, v.boolean);
      else if (v.type == 6 || v.type == 12) w.field(k, v.real);
      else if (v.type == 10) w.field(k, v.unsigned_integer);
      else w.field(k, v.integer);
    }
    for (const auto& [k, v] : h.st_metadata) w.field(k, v);
    w.end_object().key("tensors").begin_array();
    for (const auto& t : h.tensors) {
      w.begin_object().field("name", t.name).field("type", t.type).key("shape").begin_array();
      for (auto d : t.shape) w.value(d);
      w.end_array().field("offset", t.offset).field("bytes", t.bytes).end_object();
    }
    w.end_array();
  }
  if (h.status == header_status::ok && h.format == "safetensors") {
    w.key("weights");
    write_weight_files(w, digest_weight_file(h));
  }
  if (h.status == header_status::ok && is_projector_gguf(h)) write_projector_digest(w, h);
  w.key("issues").begin_array();
  for (const auto& i : h.issues)
    w.begin_object().field("code", i.code).field("field", i.field).field("message", i.message).field("level", "error").end_object();
  w.end_array();
  return w.end_object().take();
}

}  // namespace neuroshrink
