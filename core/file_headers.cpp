#include "text.h"
#include "file_headers.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "config_reader.h"
#include "formats.h"
#include "gguf_quant.h"
#include "json_writer.h"

namespace neuroshrink {
namespace {

std::string n(uint64_t v) { return text_of(v); }

// A bounds-checked cursor. A read past the end of the buffer stops the parse: need_more with the bytes it
// wanted, unless that is past `cap` (what no valid header needs), which makes the file invalid.
struct cursor {
  std::span<const uint8_t> b;
  uint64_t pos = 0;
  uint64_t cap = 0;
  uint64_t needed = 0;   // set when the buffer is short
  bool bad = false;      // set with `why` when the file is invalid
  std::string why;

  bool ok() const { return !bad && !needed; }
  bool have(uint64_t count) {
    if (!ok()) return false;
    if (count > cap || pos > cap - count) return fail("a length reaches past any valid header (" + n(count) + " bytes at offset " + n(pos) + ")");
    if (pos + count > b.size()) {
      needed = pos + count;
      return false;
    }
    return true;
  }
  bool fail(std::string message) {
    if (!bad) { bad = true; why = std::move(message); }
    return false;
  }
  template <typename T>
  T get() {
    T v{};
    if (!have(sizeof(T))) return v;
    std::memcpy(&v, b.data() + pos, sizeof(T));  // GGUF is little-endian, as is every host this builds for
    pos += sizeof(T);
    return v;
  }
  std::string string() {
    const uint64_t len = get<uint64_t>();
    if (!ok()) return {};
    if (len > header_limits::gguf_string) { fail("a string of " + n(len) + " bytes at offset " + n(pos - 8)); return {}; }
    if (!have(len)) return {};
    std::string s(reinterpret_cast<const char*>(b.data() + pos), len);
    pos += len;
    return s;
  }
  void skip(uint64_t count) {
    if (have(count)) pos += count;
  }
};

// gguf.h enum gguf_type: the size of each scalar type.
uint64_t scalar_size(uint32_t t) {
  switch (t) {
    case 0: case 1: case 7: return 1;   // u8, i8, bool
    case 2: case 3: return 2;           // u16, i16
    case 4: case 5: case 6: return 4;   // u32, i32, f32
    case 10: case 11: case 12: return 8;  // u64, i64, f64
    default: return 0;                  // 8 string, 9 array: not fixed
  }
}

void read_scalar(cursor& c, uint32_t t, gguf_value& v) {
  switch (t) {
    case 0: v.unsigned_integer = c.get<uint8_t>(); v.integer = static_cast<int64_t>(v.unsigned_integer); break;
    case 1: v.integer = c.get<int8_t>(); break;
    case 2: v.unsigned_integer = c.get<uint16_t>(); v.integer = static_cast<int64_t>(v.unsigned_integer); break;
    case 3: v.integer = c.get<int16_t>(); break;
    case 4: v.unsigned_integer = c.get<uint32_t>(); v.integer = static_cast<int64_t>(v.unsigned_integer); break;
    case 5: v.integer = c.get<int32_t>(); break;
    case 6: v.real = c.get<float>(); break;
    case 7: {
      const uint8_t x = c.get<uint8_t>();
      if (x > 1) c.fail("a boolean that is neither 0 nor 1");
      v.boolean = x == 1;
      break;
    }
    case 10: v.unsigned_integer = c.get<uint64_t>(); v.integer = static_cast<int64_t>(std::min<uint64_t>(v.unsigned_integer, INT64_MAX)); break;
    case 11: v.integer = c.get<int64_t>(); break;
    case 12: v.real = c.get<double>(); break;
    case 8: v.text = c.string(); break;
    default: c.fail("an unknown metadata value type " + n(t));
  }
  if (t == 4 || t == 0 || t == 2 || t == 10) v.real = static_cast<double>(v.unsigned_integer);
  else if (t == 1 || t == 3 || t == 5 || t == 11) v.real = static_cast<double>(v.integer);
}

constexpr uint64_t kKeptArray = 65536;

// A value of type t; arrays nest at most kMaxArrayDepth deep. Only the outermost value is kept.
void read_value(cursor& c, uint32_t t, gguf_value& v, int depth) {
  v.type = t;
  if (t != 9) { read_scalar(c, t, v); return; }
  if (depth >= kMaxArrayDepth) { c.fail("arrays nested deeper than " + n(kMaxArrayDepth)); return; }
  v.array_type = c.get<uint32_t>();
  v.count = c.get<uint64_t>();
  if (!c.ok()) return;
  if (v.count > header_limits::gguf_array) { c.fail("an array of " + n(v.count) + " elements"); return; }
  if (const uint64_t size = scalar_size(v.array_type)) {
    const bool keep = v.array_type != 6 && v.array_type != 12 && v.array_type != 7 && v.count <= kKeptArray;
    if (!keep) { c.skip(v.count * size); return; }
    v.integers.reserve(v.count);
    for (uint64_t i = 0; i < v.count && c.ok(); ++i) {
      gguf_value e;
      read_scalar(c, v.array_type, e);
      v.integers.push_back(e.integer);
    }
    return;
  }
  if (v.array_type == 8) {
    for (uint64_t i = 0; i < v.count && c.ok(); ++i) {
      const uint64_t len = c.get<uint64_t>();
      if (!c.ok()) return;
      if (len > header_limits::gguf_string) { c.fail("a string of " + n(len) + " bytes in an array"); return; }
      if (i == 0 && c.have(len)) v.text.assign(reinterpret_cast<const char*>(c.b.data() + c.pos), len);
      c.skip(len);
    }
    return;
  }
  if (v.array_type == 9) {
    for (uint64_t i = 0; i < v.count && c.ok(); ++i) {
      gguf_value inner;
      read_value(c, 9, inner, depth + 1);
    }
    return;
  }
  c.fail("an array of unknown element type " + n(v.array_type));
}

void finish(file_header& h, cursor& c) {
  if (c.bad) {
    h.status = header_status::invalid;
    h.issues.push_back({"invalid_file", "file", "Not a valid " + h.format + " header: " + c.why + ".", severity::error});
  } else if (c.needed) {
    h.status = header_status::need_more;
    h.needed_bytes = c.needed;
  }
}

// safetensors dtypes (safetensors/src/tensor.rs Dtype) and their bits per element.
struct st_dtype { std::string_view name; uint32_t bits; };
constexpr st_dtype kStDtypes[] = {
    {"BOOL", 8}, {"F4", 4}, {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8}, {"I8", 8}, {"F8_E5M2", 8}, {"F8_E4M3", 8},
    {"F8_E8M0", 8}, {"I16", 16}, {"U16", 16}, {"F16", 16}, {"BF16", 16}, {"I32", 32}, {"U32", 32}, {"F32", 32},
    {"F64", 64}, {"I64", 64}, {"U64", 64},
};

}  // namespace

uint32_t safetensors_dtype_bits(std::string_view dtype) {
  for (const auto& x : kStDtypes)
    if (x.name == dtype) return x.bits;
  return 0;
}

file_header read_gguf_header(std::span<const uint8_t> bytes, uint64_t file_size) {
  file_header h;
  h.format = "gguf";
  cursor c{bytes, 0, header_limits::gguf_header};
  const uint32_t magic = c.get<uint32_t>();
  if (c.ok() && magic != 0x46554747u) c.fail("the file does not start with GGUF");
  h.version = c.get<uint32_t>();
  if (c.ok() && h.version != 2 && h.version != 3) c.fail("GGUF version " + n(h.version) + " (versions 2 and 3 are read)");
  const uint64_t n_tensors = c.get<uint64_t>();
  const uint64_t n_kv = c.get<uint64_t>();
  if (c.ok() && n_tensors > header_limits::gguf_tensors) c.fail(n(n_tensors) + " tensors");
  if (c.ok() && n_kv > header_limits::gguf_kv) c.fail(n(n_kv) + " metadata pairs");
  for (uint64_t i = 0; i < n_kv && c.ok(); ++i) {
    std::string key = c.string();
    const uint32_t type = c.get<uint32_t>();
    gguf_value v;
    read_value(c, type, v, 0);
    if (c.ok()) {
      if (key == "general.alignment") {
        if (type != 4 || v.unsigned_integer == 0 || (v.unsigned_integer & (v.unsigned_integer - 1)) || v.unsigned_integer > 65536) c.fail("general.alignment is not a power of two");
        else h.alignment = v.unsigned_integer;
      }
      h.metadata.emplace_back(std::move(key), std::move(v));
    }
  }
  std::set<std::string> names;
  for (uint64_t i = 0; i < n_tensors && c.ok(); ++i) {
    header_tensor t;
    t.name = c.string();
    const uint32_t dims = c.get<uint32_t>();
    if (c.ok() && (dims == 0 || dims > header_limits::dims)) { c.fail("tensor " + t.name + " has " + n(dims) + " dimensions"); break; }
    t.elements = 1;
    for (uint32_t d = 0; d < dims && c.ok(); ++d) {
      const uint64_t ne = c.get<uint64_t>();
      if (c.ok() && (ne == 0 || ne > (uint64_t{1} << 40) || t.elements > (uint64_t{1} << 50) / ne)) { c.fail("tensor " + t.name + " has an absurd shape"); break; }
      t.shape.push_back(ne);
      t.elements *= ne;
    }
    t.ggml_type = c.get<uint32_t>();
    t.offset = c.get<uint64_t>();
    if (!c.ok()) break;
    const ggml_type_info* type = find_ggml_type(t.ggml_type);
    if (!type) { c.fail("tensor " + t.name + " has an unknown ggml type " + n(t.ggml_type)); break; }
    t.type = std::string(type->name);
    const uint64_t row = gguf_row_bytes(t.ggml_type, t.shape[0]);
    if (!row) { c.fail("tensor " + t.name + ": a row of " + n(t.shape[0]) + " does not divide into " + t.type + " blocks"); break; }
    t.bytes = row * (t.elements / t.shape[0]);
    if (t.offset % h.alignment) { c.fail("tensor " + t.name + " starts at " + n(t.offset) + ", not a multiple of the alignment " + n(h.alignment)); break; }
    if (!names.insert(t.name).second) { c.fail("the tensor " + t.name + " appears twice"); break; }
    h.tensors.push_back(std::move(t));
  }
  if (c.ok()) {
    h.header_bytes = (c.pos + h.alignment - 1) / h.alignment * h.alignment;
    // Tensors must not overlap: sorted by offset, each ends where (or before) the next begins.
    std::vector<const header_tensor*> order;
    for (const auto& t : h.tensors) order.push_back(&t);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->offset < b->offset; });
    for (size_t i = 0; i + 1 < order.size() && c.ok(); ++i)
      if (order[i]->offset + order[i]->bytes > order[i + 1]->offset) c.fail("tensors " + order[i]->name + " and " + order[i + 1]->name + " overlap");
    for (const auto& t : h.tensors) {
      h.data_bytes += t.bytes;
      h.elements += t.elements;
      if (file_size && c.ok() && h.header_bytes + t.offset + t.bytes > file_size)
        c.fail("tensor " + t.name + " ends at byte " + n(h.header_bytes + t.offset + t.bytes) + ", past the end of the " + n(file_size) + "-byte file");
    }
    if (c.ok()) h.status = header_status::ok;
  }
  finish(h, c);
  return h;
}

// nlohmann's DOM parser, noting the first top-level key that comes twice. (A parse callback would do the
// same, but nlohmann's callback parser rescans the parent object after each member object: O(n^2) in the
// tensor count, 37 s for 200k tensors.)
struct top_level_keys : nlohmann::detail::json_sax_dom_parser<config_json> {
  using base = nlohmann::detail::json_sax_dom_parser<config_json>;
  explicit top_level_keys(config_json& root) : base(root, /*allow_exceptions=*/false) {}
  bool start_object(std::size_t n) { ++depth; return base::start_object(n); }
  bool end_object() { --depth; return base::end_object(); }
  bool key(std::string& k) {
    if (depth == 1 && duplicate.empty() && !names.insert(k).second) duplicate = k;
    return base::key(k);
  }
  std::size_t depth = 0;
  std::set<std::string> names;
  std::string duplicate;
};

file_header read_safetensors_header(std::span<const uint8_t> bytes, uint64_t file_size) {
  file_header h;
  h.format = "safetensors";
  cursor c{bytes, 0, 8 + header_limits::safetensors_header};
  const uint64_t len = c.get<uint64_t>();
  if (c.ok() && len > header_limits::safetensors_header) c.fail("a JSON header of " + n(len) + " bytes (the format allows 100,000,000)");
  if (c.ok() && len < 2) c.fail("a JSON header of " + n(len) + " bytes");
  if (!c.have(len)) { finish(h, c); return h; }
  const auto* text = reinterpret_cast<const char*>(bytes.data() + 8);
  // Duplicate top-level keys are an error in safetensors (serde refuses them); nlohmann would keep one.
  config_json j;
  top_level_keys parser(j);
  const bool parsed = config_json::sax_parse(text, text + len, &parser);
  if (!parsed || !j.is_object()) {
    c.fail("the header is not a JSON object");
  } else if (!parser.duplicate.empty()) {
    c.fail("the tensor " + parser.duplicate + " appears twice");
  } else {
    std::vector<std::pair<uint64_t, uint64_t>> spans;
    for (const auto& [name, entry] : j.items()) {
      if (name == "__metadata__") {
        if (!entry.is_object()) { c.fail("__metadata__ is not an object"); break; }
        for (const auto& [k, v] : entry.items())
          if (v.is_string()) h.st_metadata.emplace_back(k, v.get<std::string>());
        continue;
      }
      const auto dtype = entry.is_object() ? entry.find("dtype") : entry.end();
      const auto shape = entry.is_object() ? entry.find("shape") : entry.end();
      const auto offsets = entry.is_object() ? entry.find("data_offsets") : entry.end();
      if (!entry.is_object() || dtype == entry.end() || !dtype->is_string() || shape == entry.end() || !shape->is_array() ||
          offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() || !(*offsets)[1].is_number_unsigned()) {
        c.fail("tensor " + name + " lacks a dtype, shape or two data_offsets");
        break;
      }
      header_tensor t;
      t.name = name;
      t.type = dtype->get<std::string>();
      const st_dtype* d = nullptr;
      for (const auto& x : kStDtypes)
        if (x.name == t.type) d = &x;
      if (!d) { c.fail("tensor " + name + " has an unknown dtype " + t.type); break; }
      if (shape->size() > header_limits::dims) { c.fail("tensor " + name + " has " + n(shape->size()) + " dimensions"); break; }
      t.elements = 1;
      for (const auto& dim : *shape) {
        const uint64_t ne = dim.is_number_unsigned() ? dim.get<uint64_t>() : UINT64_MAX;
        if (ne > (uint64_t{1} << 40) || (ne && t.elements > (uint64_t{1} << 50) / ne)) { c.fail("tensor " + name + " has an absurd shape"); break; }
        t.shape.push_back(ne);
        t.elements *= ne;
      }
      if (!c.ok()) break;
      const uint64_t begin = (*offsets)[0].get<uint64_t>(), end = (*offsets)[1].get<uint64_t>();
      t.offset = begin;
      t.bytes = (t.elements * d->bits + 7) / 8;
      if (end < begin || end - begin != t.bytes) { c.fail("tensor " + name + " spans " + n(end - std::min(end, begin)) + " bytes, its shape and dtype need " + n(t.bytes)); break; }
      spans.emplace_back(begin, end);
      h.tensors.push_back(std::move(t));
    }
    if (c.ok()) {
      // The data buffer is exactly covered: no overlaps, no gaps (safetensors' validate()).
      std::sort(spans.begin(), spans.end());
      uint64_t at = 0;
      for (const auto& [b, e] : spans) {
        if (b != at) { c.fail(b < at ? "two tensors overlap" : "a gap of " + n(b - at) + " bytes between tensors"); break; }
        at = e;
      }
      h.header_bytes = 8 + len;
      if (c.ok() && file_size && h.header_bytes + at > file_size)
        c.fail("the tensors end at byte " + n(h.header_bytes + at) + ", past the end of the " + n(file_size) + "-byte file");
      for (const auto& t : h.tensors) { h.data_bytes += t.bytes; h.elements += t.elements; }
      if (c.ok()) h.status = header_status::ok;
    }
  }
  finish(h, c);
  return h;
}

file_header read_file_header(std::span<const uint8_t> bytes, uint64_t file_size) {
  if (bytes.size() >= 4 && std::memcmp(bytes.data(), "GGUF", 4) == 0) return read_gguf_header(bytes, file_size);
  if (bytes.size() < 8) {
    file_header h;
    h.status = header_status::need_more;
    h.needed_bytes = 8;
    return h;
  }
  return read_safetensors_header(bytes, file_size);
}

// The component a tensor belongs to, by the names converters give them: vision towers (transformers'
// vision_tower / visual / vision_model / vision_encoder / image_encoder, InternVL's vision_model, vit; GGUF mmproj's
// v.), audio towers, projectors (multi_modal_projector, mm_projector, Qwen-VL's merger, InternVL's mlp1, connector;
// GGUF mmproj's mm.), multi-token-prediction layers (.mtp., nextn, MiMo's mtp_layers), the rest the text model.
std::string_view component_of(std::string_view name) {
  auto has = [&](std::string_view part) { return name.find(part) != std::string_view::npos; };
  auto starts = [&](std::string_view prefix) { return name.rfind(prefix, 0) == 0; };
  if (has("vision_tower") || has("visual.") || has("vision_model") || has("vision_encoder") || has("image_encoder") || starts("vit.") ||
      has(".vit.") || starts("v."))
    return "vision";
  if (has("audio_tower") || has("audio_encoder") || has("audio_model")) return "audio";
  if (has("multi_modal_projector") || has("mm_projector") || has(".merger.") || starts("mlp1.") || has("connector") || starts("mm."))
    return "projector";
  if (has(".mtp.") || starts("mtp.") || has("nextn") || has("mtp_layers")) return "mtp";
  return "text";
}

// KV bytes per token at f16 from a GGUF's own hyperparameters (llama.cpp src/llama-model.cpp load_hparams:
// <arch>.attention.head_count_kv, a number or one per layer; key_length / value_length, else n_embd / n_head).
// 0 when the file does not say enough.
uint64_t gguf_kv_bytes_per_token(const file_header& h, std::string& formula) {
  const gguf_value* arch = h.find("general.architecture");
  if (!arch || arch->type != 8) return 0;
  const std::string a = arch->text;
  auto number = [&](const std::string& key) -> uint64_t {
    const gguf_value* v = h.find(a + "." + key);
    return v && v->type != 8 && v->type != 9 && v->integer > 0 ? static_cast<uint64_t>(v->integer) : 0;
  };
  const uint64_t layers = number("block_count"), embd = number("embedding_length");
  const gguf_value* heads = h.find(a + ".attention.head_count");
  const gguf_value* kv = h.find(a + ".attention.head_count_kv");
  const uint64_t n_head = heads ? (heads->type == 9 ? (heads->integers.empty() ? 0 : static_cast<uint64_t>(std::max<int64_t>(heads->integers[0], 0))) : static_cast<uint64_t>(std::max<int64_t>(heads->integer, 0))) : 0;
  if (!layers || layers > 100000 || !n_head) return 0;
  const uint64_t k_len = number("attention.key_length") ? number("attention.key_length") : embd / n_head;
  const uint64_t v_len = number("attention.value_length") ? number("attention.value_length") : embd / n_head;
  if (!k_len || !v_len) return 0;
  uint64_t per_token = 0;
  for (uint64_t l = 0; l < layers; ++l) {
    uint64_t kvh = n_head;
    if (kv && kv->type == 9) kvh = l < kv->integers.size() ? static_cast<uint64_t>(std::max<int64_t>(kv->integers[l], 0)) : 0;
    else if (kv) kvh = static_cast<uint64_t>(std::max<int64_t>(kv->integer, 0));
    per_token += kvh * (k_len + v_len) * 2;
  }
  formula = n(layers) + " layers x KV heads (" + std::string(kv && kv->type == 9 ? "per layer" : n(kv ? std::max<int64_t>(kv->integer, 0) : n_head)) +
            ") x (key " + n(k_len) + " + value " + n(v_len) + ") x 2 bytes (f16)";
  return per_token;
}


}  // namespace neuroshrink
