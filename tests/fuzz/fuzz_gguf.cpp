// libFuzzer target: the GGUF header reader on any bytes, with and without a declared file size, the JSON
// reply front ends get, and the estimate of a GGUF alone (its metadata read as a model). Build and run: tests/fuzz/run.sh (clang, -fsanitize=fuzzer,address,undefined).
#include <cstddef>
#include <cstdint>
#include <span>

#include "file_headers.h"
#include "report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  (void)neuroshrink::read_gguf_header(bytes);
  (void)neuroshrink::read_gguf_header(bytes, size);
  (void)neuroshrink::file_header_json(bytes, size);
  (void)neuroshrink::estimate_file_json(bytes, size, "{\"gpu\": \"RTX 3060\"}");
  return 0;
}
