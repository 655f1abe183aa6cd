// Headers of weight files, read from bytes the caller hands over (no I/O): GGUF (versions 2 and 3) and
// safetensors. Both readers bound-check every read, cap what a file can make them allocate, never recurse
// deeper than kMaxArrayDepth, and say how many bytes from the start of the file they need when a buffer is
// short, so that a front end can fetch a first slice, then exactly the rest of the header (HTTP Range,
// File.slice()).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "issue.h"

namespace neuroshrink {

namespace header_limits {
inline constexpr uint64_t safetensors_header = 100'000'000;  // the safetensors format's own cap on the JSON header
inline constexpr uint64_t gguf_tensors = 1 << 20;            // tensor infos
inline constexpr uint64_t gguf_kv = 1 << 16;                 // metadata pairs
inline constexpr uint64_t gguf_string = 1 << 24;             // bytes of one string
inline constexpr uint64_t gguf_array = 1 << 26;              // elements of one array (vocabularies: ~262K)
inline constexpr uint64_t gguf_header = 1ull << 31;          // the whole header before the tensor data
inline constexpr uint32_t dims = 8;                           // ggml's GGML_MAX_DIMS is 4; safetensors any
}  // namespace header_limits
inline constexpr int kMaxArrayDepth = 4;

enum class header_status { ok, need_more, invalid };

// One GGUF metadata value: scalars as text/number, arrays by element type and count; numeric arrays of at
// most 65,536 elements keep their values (per-layer head counts, sliding-window patterns).
struct gguf_value {
  uint32_t type = 0;                 // gguf_type: 0 u8 ... 12 f64 (gguf.h)
  uint32_t array_type = 0;           // for arrays (type 9)
  uint64_t count = 0;                // for arrays
  bool boolean = false;
  int64_t integer = 0;               // any integer type (u64 above INT64_MAX kept in `unsigned_integer`)
  uint64_t unsigned_integer = 0;
  double real = 0;
  std::string text;                  // strings; the first string of a string array
  std::vector<int64_t> integers;     // small integer arrays
};

struct header_tensor {
  std::string name;
  std::string type;                  // "Q4_K", "F16" (GGUF ggml types); "BF16", "F8_E4M3", "I32" (safetensors)
  uint32_t ggml_type = 0;            // GGUF
  std::vector<uint64_t> shape;       // as the file lists it (GGUF: ne[0] first; safetensors: row-major)
  uint64_t offset = 0;               // from the start of the tensor data
  uint64_t elements = 0;
  uint64_t bytes = 0;
};

struct file_header {
  header_status status = header_status::invalid;
  std::string format;                // "gguf" or "safetensors"
  uint32_t version = 0;              // GGUF version
  uint64_t needed_bytes = 0;         // need_more: bytes from the file start required to go on
  uint64_t header_bytes = 0;         // ok: where the tensor data starts
  uint64_t alignment = 32;           // GGUF general.alignment
  std::vector<std::pair<std::string, gguf_value>> metadata;       // GGUF key-values, in file order
  std::vector<std::pair<std::string, std::string>> st_metadata;  // safetensors __metadata__
  std::vector<header_tensor> tensors;
  uint64_t data_bytes = 0;           // sum of tensor bytes
  uint64_t elements = 0;             // sum of tensor elements (as stored: packed ints count as stored)
  std::vector<issue> issues;

  const gguf_value* find(std::string_view key) const {
    for (const auto& [k, v] : metadata)
      if (k == key) return &v;
    return nullptr;
  }
};

// Reads whichever format the bytes start with (GGUF magic, else a safetensors length prefix). `bytes` is the
// start of the file; `file_size`, when known (non-zero), is checked against where the last tensor ends.
file_header read_file_header(std::span<const uint8_t> bytes, uint64_t file_size = 0);
file_header read_gguf_header(std::span<const uint8_t> bytes, uint64_t file_size = 0);
file_header read_safetensors_header(std::span<const uint8_t> bytes, uint64_t file_size = 0);

// Bits per element of a safetensors dtype (safetensors/src/tensor.rs Dtype); 0 for a name it does not define.
uint32_t safetensors_dtype_bits(std::string_view dtype);

// The component a tensor belongs to by its name ("text", "vision", "projector", "mtp").
std::string_view component_of(std::string_view name);
// KV bytes per token at f16 from a GGUF's own hyperparameters; 0 when the file does not say enough.
uint64_t gguf_kv_bytes_per_token(const file_header& h, std::string& formula);

// The reply front ends get: status, the bytes still needed, metadata, tensors, totals by type, and for a
// safetensors file its digest (`weights`, weight_files.h). In the full core only (weight_files.cpp).
std::string file_header_json(std::span<const uint8_t> bytes, uint64_t file_size = 0);

}  // namespace neuroshrink
