// libFuzzer target: the safetensors header reader on any bytes, with and without a declared file size, and
// the JSON reply front ends get. Build and run: tests/fuzz/run.sh (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <span>

#include "file_headers.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  (void)neuroshrink::read_safetensors_header(bytes);
  (void)neuroshrink::read_safetensors_header(bytes, size);
  (void)neuroshrink::file_header_json(bytes, size);
  return 0;
}
