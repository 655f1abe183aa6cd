// Creates one llama.cpp context with exactly the given settings and exits (no decoding): what llama.cpp allocates
// for it is in its log (cells of each cache, KV, compute and output buffers). Built against a llama.cpp build by
// tests/llamacpp/swa-cells.mjs when node-llama-cpp cannot pass a setting (it fixes kv_unified to false):
//   g++ -std=c++17 -O1 context-probe.cpp -I$SRC/include -I$SRC/ggml/include -L$BUILD/bin -lllama -lggml \
//       -Wl,-rpath,$BUILD/bin -o context-probe
//   context-probe MODEL.gguf N_CTX N_BATCH N_UBATCH N_SEQ KV_UNIFIED(0|1) FLASH_ATTN(0|1) [TYPE_K TYPE_V]
// (TYPE_K / TYPE_V: f16 (default), q8_0, q4_0: the cache types, llama.cpp's -ctk / -ctv)
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "llama.h"

int main(int argc, char** argv) {
  if (argc != 8 && argc != 10) {
    std::fprintf(stderr, "usage: %s MODEL N_CTX N_BATCH N_UBATCH N_SEQ KV_UNIFIED FLASH_ATTN [TYPE_K TYPE_V]\n", argv[0]);
    return 2;
  }
  llama_backend_init();
  llama_model_params mp = llama_model_default_params();
  mp.n_gpu_layers = 0;
  // NO_REPACK=1: no AMX / CPU_REPACK copies of the weights (llama.cpp's --no-repack), so a large layout fits in RAM;
  // the context's buffers do not depend on it.
  if (const char* e = std::getenv("NO_REPACK"); e && e[0] == '1') mp.use_extra_bufts = false;
  llama_model* model = llama_model_load_from_file(argv[1], mp);
  if (!model) return 1;
  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = static_cast<uint32_t>(std::atoi(argv[2]));
  cp.n_batch = static_cast<uint32_t>(std::atoi(argv[3]));
  cp.n_ubatch = static_cast<uint32_t>(std::atoi(argv[4]));
  cp.n_seq_max = static_cast<uint32_t>(std::atoi(argv[5]));
  cp.kv_unified = std::atoi(argv[6]) != 0;
  cp.flash_attn_type = std::atoi(argv[7]) ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
  auto cache_type = [](const char* name) {
    return std::strcmp(name, "q8_0") == 0 ? GGML_TYPE_Q8_0 : std::strcmp(name, "q4_0") == 0 ? GGML_TYPE_Q4_0 : GGML_TYPE_F16;
  };
  if (argc == 10) cp.type_k = cache_type(argv[8]), cp.type_v = cache_type(argv[9]);
  cp.swa_full = false;  // common_params (llama-server, llama-cli) default; llama_context_default_params has true
  cp.n_threads = cp.n_threads_batch = 2;
  llama_context* ctx = llama_init_from_model(model, cp);
  if (!ctx) return 1;
  llama_free(ctx);
  llama_model_free(model);
  llama_backend_free();
  return 0;
}
