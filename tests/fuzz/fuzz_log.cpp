// libFuzzer target: any bytes as a runtime's log (issue #18): the log reader (llama.cpp's and vLLM's lines, GGUF
// metadata and print_info read as a header) and the whole reconciliation, with and without a config.
// Build and run: tests/fuzz/run.sh (clang, -fsanitize=fuzzer,address,undefined); seeds: tests/fuzz/corpus/log.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "report.h"
#include "runtime_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)neuroshrink::read_runtime_log(text);
  nlohmann::json req = {{"log", nlohmann::json::string_t(text.begin(), text.end())}};
  const std::string dumped = req.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  (void)neuroshrink::reconcile_json(dumped);
  req["config"] = R"({"model_type":"llama","hidden_size":256,"intermediate_size":512,"num_hidden_layers":2,"num_attention_heads":4,"num_key_value_heads":2,"vocab_size":1000})";
  req["quantization"] = "Q4_K_M";
  (void)neuroshrink::reconcile_json(req.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return 0;
}
