// libFuzzer target: a whole request (the JSON the wasm module and the native driver get) through both
// entry points, estimate_json and table_json: the request reader, the config parser, the estimate for
// every runtime, the GGUF planner, the training estimate, the solver and the report writer.
// Build and run: tests/fuzz/run.sh (clang, -fsanitize=fuzzer,address,undefined); seeds: make-seeds.py.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view request(reinterpret_cast<const char*>(data), size);
  (void)neuroshrink::estimate_json(request);
  (void)neuroshrink::table_json(request);
  return 0;
}
