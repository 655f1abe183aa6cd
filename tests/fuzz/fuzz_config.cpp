// libFuzzer target: the config.json parser (parse_config: the JSON reader, the Python-constant fallback,
// every family rule and the inventory) on any bytes. The bytes are read in place: libFuzzer's buffer is
// exactly `size` long, so a read past the end of the text is a heap-buffer-overflow.
// Build and run: tests/fuzz/run.sh (clang, -fsanitize=fuzzer,address,undefined); seeds: make-seeds.py.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const neuroshrink::parsed_config parsed =
      neuroshrink::parse_config(std::string_view(reinterpret_cast<const char*>(data), size));
  (void)parsed.ok();
  return 0;
}
