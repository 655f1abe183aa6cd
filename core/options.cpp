#include "options.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "file_headers.h"
#include "formats.h"
#include "gguf_quant.h"
#include "interconnects.h"
#include "request_limits.h"
#include "runtime.h"
#include "text.h"
#include "training.h"
#include "variant_text.h"

namespace neuroshrink {
namespace {

using json = config_json;
using dk = option_info::default_kind;

// The first-estimate module hands a request with a GPU, a llama.cpp or vLLM setting or a cluster to the full one
// (report.cpp), so it only needs to know they were given: it leaves their readers out.
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
#define FULL_SETTER(...) nullptr
#define FULL_SETTER_OR(full, first) first
#else
#define FULL_SETTER(...) __VA_ARGS__
#define FULL_SETTER_OR(full, first) full
#endif

// Today's other names of the options (options.h: a "--" alias is a CLI flag, any other a JSON key and a URL
// parameter / attribute).
constexpr std::string_view kModelAliases[] = {"model", "--model"};
constexpr std::string_view kQuantizationAliases[] = {"q"};
constexpr std::string_view kKvAliases[] = {"kv", "--kv-type"};
constexpr std::string_view kKvKAliases[] = {"--kv-type-k"};
constexpr std::string_view kKvVAliases[] = {"--kv-type-v"};
constexpr std::string_view kContextAliases[] = {"context", "ctx", "--context"};
constexpr std::string_view kBatchAliases[] = {"batch", "--batch", "--parallel"};
constexpr std::string_view kFlashAliases[] = {"--flash-attn"};
constexpr std::string_view kVramAliases[] = {"vram", "--vram"};
constexpr std::string_view kUtilizationAliases[] = {"mem_fraction_static", "--mem-fraction-static"};  // SGLang's name for it
constexpr std::string_view kSeqsAliases[] = {"max_running_requests", "--max-running-requests"};  // SGLang's

// Closed sets that no table of the core holds (the estimate and training.cpp test these words in code).
constexpr std::string_view kModes[] = {"inference", "train"};
constexpr std::string_view kFlashAttention[] = {"auto", "on", "off"};
constexpr std::string_view kMethods[] = {"full", "lora", "qlora"};
constexpr std::string_view kCheckpointing[] = {"none", "selective", "full"};
constexpr std::string_view kZero[] = {"0", "1", "2", "3", "fsdp"};
// training.cpp's kPrecisions, kKinds, kFreezeParts and kOffloadParts are not exported: their canonical words.
constexpr std::string_view kPrecisions[] = {"mixed-bf16", "mixed-fp16", "bf16", "fp32"};
constexpr std::string_view kLoraTargets[] = {"q", "k", "v", "o", "gate", "up", "down", "all-linear"};
constexpr std::string_view kFreeze[] = {"embeddings", "attention", "mlp", "norms", "vision"};
constexpr std::string_view kOffload[] = {"optimizer", "params"};
constexpr std::string_view kSplitModes[] = {"layer", "row", "none"};  // llama.cpp common/arg.cpp -sm

// The table's contexts: at most this many columns.
constexpr uint64_t kMaxContexts = 64;

std::string quantization_alias(std::string q) {
  // torch dtype spellings users paste from config.json.
  if (auto f = format_from_torch_dtype(q); !f.empty()) return std::string(f);
  return q;
}

std::string trimmed(std::string s, bool fold);

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// A comma list's items, trimmed (llama.cpp splits -ot's value on commas too); at most a GPU limit's worth.
std::vector<std::string> comma_items(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = 0; at <= text.size() && out.size() <= request_limits::gpus;) {
    const size_t end = std::min(text.find(',', at), text.size());
    out.push_back(trimmed(text.substr(at, end - at), false));
    at = end + 1;
  }
  return out;
}

// gpu: one name, or several (a comma list) for a machine of unequal GPUs, the first also the chosen one.
void set_gpus(estimate_options& o, const std::string& text) {
  o.gpu_list = comma_items(text);
  o.gpu = o.gpu_list.front();
  if (o.gpu_list.size() == 1) o.gpu_list.clear();
}

// tensor_split: numbers separated by commas (or slashes, as llama.cpp also takes); one that is not a number is
// kept as NaN for the estimate to refuse by name.
std::vector<double> shares_of(const std::string& text) {
  std::vector<double> out;
  for (size_t at = 0; at <= text.size() && out.size() <= request_limits::gpus;) {
    const size_t end = std::min(text.find_first_of(",/", at), text.size());
    const std::string item = trimmed(text.substr(at, end - at), false);
    char* stop = nullptr;
    const double x = item.empty() ? std::nan("") : std::strtod(item.c_str(), &stop);
    out.push_back(stop && *stop == 0 ? x : std::nan(""));
    at = end + 1;
  }
  return out;
}

#endif

// The estimate's own defaults (estimate.h), which the table's defaults read.
const estimate_options& defaults() {
  static const estimate_options d{};
  return d;
}

// A constant table (data, not start-up code: the first-estimate wasm module carries it too).
constexpr option_info kSchema[] = {
  {.name = "model_id", .type = option_type::string, .group = "model",
   .doc = FULL_TEXT("the Hugging Face model id, e.g. meta-llama/Llama-3.1-8B (the CLI fetches its config.json and the Hub's counts)"),
   .metavar = FULL_TEXT("ID"), .aliases = kModelAliases, .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.model_id = v.s; }},
  {.name = "config", .type = option_type::string, .group = "model",
   .doc = FULL_TEXT("the model's config.json: its text (a JSON object is taken too); the CLI reads the file (- for stdin)"),
   .metavar = FULL_TEXT("FILE"), .cli_unit = "file", .code = "bad_request"},
  {.name = "quantization", .type = option_type::enumeration, .group = "inference",
   .doc = FULL_TEXT("the weight format"), .metavar = FULL_TEXT("NAME"), .aliases = kQuantizationAliases,
   .default_text = FULL_TEXT("as the checkpoint is stored (its quantization_config), else its torch_dtype"),
   .values_source = option_values::weight_formats, .code = "invalid_request", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.quantization = quantization_alias(v.s); }},
  {.name = "kv_cache_dtype", .type = option_type::enumeration, .group = "inference",
   .doc = FULL_TEXT("the KV cache's element type, for K and V"), .metavar = FULL_TEXT("TYPE"), .aliases = kKvAliases,
   .default_text = FULL_TEXT("the runtime's compute type (fp16; fp32 weights in transformers: fp32)"),
   .values_source = option_values::kv_dtypes, .accepts = FULL_TEXT("the torch dtype names (bfloat16, float16, float32)"),
   .code = "invalid_request", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.kv_cache_dtype = quantization_alias(v.s); }},
  {.name = "kv_cache_dtype_k", .type = option_type::enumeration, .group = "inference",
   .doc = FULL_TEXT("K's type alone (overrides kv_cache_dtype)"), .metavar = FULL_TEXT("TYPE"), .aliases = kKvKAliases,
   .default_text = FULL_TEXT("kv_cache_dtype"), .values_source = option_values::kv_dtypes,
   .accepts = FULL_TEXT("the torch dtype names (bfloat16, float16, float32)"), .code = "invalid_request", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.kv_cache_dtype_k = quantization_alias(v.s); }},
  {.name = "kv_cache_dtype_v", .type = option_type::enumeration, .group = "inference",
   .doc = FULL_TEXT("V's type alone (overrides kv_cache_dtype)"), .metavar = FULL_TEXT("TYPE"), .aliases = kKvVAliases,
   .default_text = FULL_TEXT("kv_cache_dtype"), .values_source = option_values::kv_dtypes,
   .accepts = FULL_TEXT("the torch dtype names (bfloat16, float16, float32)"), .code = "invalid_request", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.kv_cache_dtype_v = quantization_alias(v.s); }},
  {.name = "context_tokens", .type = option_type::integer, .group = "inference",
   .doc = FULL_TEXT("the context length per sequence"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("tokens"), .aliases = kContextAliases,
   .min = 1, .max = static_cast<double>(request_limits::context_tokens), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().context_tokens); }, .code = "invalid_context",
   .set = [](request_options& r, const option_value& v) { r.estimate.context_tokens = v.u; }},
  {.name = "batch_size", .type = option_type::integer, .group = "inference",
   .doc = FULL_TEXT("sequences decoded together: concurrent users, llama.cpp's --parallel"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("sequences"),
   .aliases = kBatchAliases, .min = 1, .max = static_cast<double>(request_limits::batch_size), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().batch_size); }, .code = "invalid_batch",
   .set = [](request_options& r, const option_value& v) { r.estimate.batch_size = v.u; }},
  {.name = "runtime", .type = option_type::enumeration, .group = "inference",
   .doc = FULL_TEXT("the runtime whose allocations are counted"), .metavar = FULL_TEXT("NAME"),
   .default_is = dk::string, .default_string = kRuntimeName, .values_source = option_values::runtimes,
   .accepts = FULL_TEXT("llamacpp, llama-cpp and gguf for llama.cpp, pytorch and hf for transformers, mlx-lm; any case"),
   .code = "invalid_request", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.runtime = v.s; }},
  {.name = "gpu", .type = option_type::list, .group = "inference",
   .doc = FULL_TEXT("a catalogue GPU: per-device figures, vLLM's capacity, the solvers and the speed; several (repeat the flag, a comma list, a JSON array) for a machine of unequal GPUs, one device each"),
   .metavar = FULL_TEXT("NAME"), .default_text = FULL_TEXT("none"), .values_source = option_values::gpus,
   .accepts = FULL_TEXT("a catalogue name or a unique part of it, e.g. \"RTX 4090\" or \"H100 SXM\""), .code = "invalid_request",
   .set = FULL_SETTER_OR([](request_options& r, const option_value& v) { set_gpus(r.estimate, v.s); },
                         [](request_options& r, const option_value& v) { r.estimate.gpu = v.s; })},
  {.name = "gpus", .type = option_type::integer, .group = "inference",
   .doc = FULL_TEXT("identical GPUs the model is split across (training: data parallel, ZeRO)"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("GPUs"),
   .min = 1, .max = static_cast<double>(request_limits::gpus), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().gpus); }, .code = "invalid_gpus",
   .set = [](request_options& r, const option_value& v) { r.estimate.gpus = v.u; }},
  {.name = "nodes", .type = option_type::integer, .group = "cluster",
   .doc = FULL_TEXT("machines, each with gpus of the named GPU, or its share of the gpu list, machine by machine: llama.cpp's RPC hosts, vLLM's and SGLang's nodes, exo's Macs"),
   .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("machines"), .min = 1, .max = static_cast<double>(request_limits::gpus), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().nodes); }, .code = "invalid_nodes",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.nodes = v.u; })},
  {.name = "tensor_parallel", .type = option_type::integer, .group = "cluster",
   .doc = FULL_TEXT("vLLM's and SGLang's tensor parallel size: the GPUs each layer is split over"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("GPUs"),
   .min = 1, .max = static_cast<double>(request_limits::gpus), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("the GPUs of one machine"), .code = "invalid_layout",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.tensor_parallel = v.u; })},
  {.name = "pipeline_parallel", .type = option_type::integer, .group = "cluster",
   .doc = FULL_TEXT("vLLM's and SGLang's pipeline parallel size: stages of consecutive layers"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("stages"),
   .min = 1, .max = static_cast<double>(request_limits::gpus), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("the machines"), .code = "invalid_layout",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.pipeline_parallel = v.u; })},
  {.name = "data_parallel", .type = option_type::integer, .group = "cluster",
   .doc = FULL_TEXT("vLLM's data parallel size: replicas of the attention and dense layers (each over tensor_parallel GPUs), each with its own KV pool and scheduler, a MoE's routed experts sharded over all the GPUs; SGLang's DP attention groups: the tensor parallel GPUs in groups, each holding the attention split over its GPUs"),
   .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("replicas"), .min = 1, .max = static_cast<double>(request_limits::gpus), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return int64_t{1}; }, .code = "invalid_layout",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.data_parallel = v.u; })},
  {.name = "expert_parallel", .type = option_type::boolean, .group = "cluster",
   .doc = FULL_TEXT("vLLM's expert parallel mode: each GPU holds whole experts rather than a slice of every one"),
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().expert_parallel); }, .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.expert_parallel = v.b; })},
  {.name = "interconnect", .type = option_type::enumeration, .group = "cluster",
   .doc = FULL_TEXT("the link between the machines (or the GPUs of one): its bandwidth bounds what the layers exchange"), .metavar = FULL_TEXT("NAME"),
   .default_text = FULL_TEXT("not named: the exchange is not timed"), .values_source = option_values::interconnects, .closed = true,
   .code = "invalid_request", .fold_case = true,
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.interconnect = v.s; })},
  {.name = "mode", .type = option_type::enumeration, .group = "inference",
   .doc = FULL_TEXT("inference, or train: training / fine-tuning memory per GPU (the training options)"),
   .default_is = dk::string, .default_string = "inference", .values_source = option_values::fixed, .fixed = kModes,
   .closed = true, .code = "invalid_mode", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.mode = v.s; }},
  {.name = "flash_attention", .type = option_type::enumeration, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's -fa: auto is on, as llama.cpp picks on GPUs (JSON takes true and false too)"),
   .aliases = kFlashAliases, .default_is = dk::string, .default_string = "auto",
   .values_source = option_values::fixed, .fixed = kFlashAttention, .closed = true, .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.estimate.flash_attention = v.s == "on" ? 1 : v.s == "off" ? 0 : -1; }},
  {.name = "ubatch", .type = option_type::integer, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's -ub: tokens per compute micro-batch"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("tokens"),
   .min = 1, .max = static_cast<double>(request_limits::ubatch), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("512 (llama.cpp's)"), .code = "invalid_ubatch",
   .set = [](request_options& r, const option_value& v) { r.estimate.ubatch = v.u; }},
  {.name = "n_batch", .type = option_type::integer, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's -b: tokens per logical batch, which caps ubatch"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("tokens"),
   .min = 1, .max = static_cast<double>(request_limits::ubatch), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("2048 (llama.cpp's)"), .code = "invalid_ubatch",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.n_batch = v.u; })},
  {.name = "gpu_layers", .type = option_type::integer, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's -ngl: layers on the GPU, -1 for every layer and the output"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("layers"),
   .min = -1, .max = static_cast<double>(request_limits::gpu_layers), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return defaults().gpu_layers; }, .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.estimate.gpu_layers = v.i; }},
  {.name = "n_cpu_moe", .type = option_type::integer, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's --n-cpu-moe: the routed experts of the first N layers stay in system RAM (attention, shared experts and the KV cache on the GPU)"),
   .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("layers"), .min = 0, .max = static_cast<double>(request_limits::gpu_layers), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().n_cpu_moe); }, .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.estimate.n_cpu_moe = static_cast<uint64_t>(v.i); }},
  {.name = "override_tensor", .type = option_type::list, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's --override-tensor: tensors whose GGUF name the pattern finds go to DEVICE (CPU, or CUDA0, CUDA1, ... for the GPUs in order); the first pattern that matches wins"),
   .metavar = FULL_TEXT("REGEX=DEVICE"), .default_text = FULL_TEXT("none"),
   .accepts = FULL_TEXT("REGEX=DEVICE pairs as llama.cpp's -ot takes them, e.g. exps=CPU or blk\\.(1[0-9])\\.ffn_.*=CUDA1"),
   .code = "invalid_override_tensor",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.override_tensor = comma_items(v.s); })},
  {.name = "mmproj", .type = option_type::boolean, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's --mmproj: load the model's multimodal projector (its vision or audio encoder) on the first GPU, as llama-server -hf does when the repository has one; its weights from the mmproj file's header (mmproj_file), else from config.json's encoder at F16"),
   .default_is = dk::integer, .default_integer = [] { return int64_t{0}; }, .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.mmproj = v.b; })},
  {.name = "kv_unified", .type = option_type::boolean, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's --kv-unified: one KV buffer shared by the --parallel sequences (llama-server's default when it picks the slot count) rather than a stream of n_ctx / parallel cells each; sliding-window layers then keep parallel x window + ubatch cells"),
   .default_is = dk::integer, .default_integer = [] { return int64_t{0}; }, .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.kv_unified = v.b; })},
  {.name = "tensor_split", .type = option_type::string, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's --tensor-split: each GPU's share of the layers, e.g. 3,1"), .metavar = FULL_TEXT("A,B,..."),
   .default_text = FULL_TEXT("in proportion to each GPU's memory, as llama.cpp splits by free memory"), .code = "invalid_tensor_split",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.tensor_split = shares_of(v.s); })},
  {.name = "split_mode", .type = option_type::enumeration, .group = "llama.cpp",
   .doc = FULL_TEXT("llama.cpp's -sm over several GPUs: layer (whole layers each), row (matrices split by rows), none (the first GPU alone)"),
   .default_is = dk::string, .default_string = "layer", .values_source = option_values::fixed, .fixed = kSplitModes,
   .closed = true, .code = "invalid_request", .fold_case = true,
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.split_mode = v.s; })},
  {.name = "backend", .type = option_type::enumeration, .group = "llama.cpp",
   .doc = FULL_TEXT("the GPU backend llama.cpp was built with: its speed differs (AMD's ROCm and Vulkan builds most)"), .metavar = FULL_TEXT("NAME"),
   .default_text = FULL_TEXT("the vendor's usual: cuda on NVIDIA, rocm on AMD, metal on Apple, vulkan on Intel"),
   .values_source = option_values::fixed, .fixed = kLlamaBackends, .closed = true, .code = "invalid_request", .fold_case = true,
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.backend = v.s; })},
  {.name = "host_bandwidth", .type = option_type::integer, .group = "llama.cpp",
   .doc = FULL_TEXT("system RAM bandwidth, for the layers llama.cpp leaves on the CPU"), .metavar = FULL_TEXT("GBS"), .unit = FULL_TEXT("bytes/s"),
   .min = 1, .max = static_cast<double>(request_limits::host_bandwidth), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("89.6 GB/s"), .cli_unit = "GB/s", .cli_factor = 1e9, .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.estimate.host_bandwidth = v.u; }},
  {.name = "prompt_tokens", .type = option_type::integer, .group = "speed",
   .doc = FULL_TEXT("the prompt's length, for the time to first token on the chosen GPU"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("tokens"),
   .min = 1, .max = static_cast<double>(request_limits::context_tokens), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("the context"), .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.prompt_tokens = v.u; })},
  {.name = "gpu_memory_utilization", .type = option_type::number, .group = "vllm",
   .doc = FULL_TEXT("vLLM's share of the GPU's memory for the model, activations and KV cache (SGLang's mem_fraction_static: of the memory free at start, for the weights and its token pool)"),
   .metavar = FULL_TEXT("F"), .unit = FULL_TEXT("fraction"), .aliases = kUtilizationAliases,
   .min = 0, .max = 1, .has_min = true, .has_max = true, .min_exclusive = true,
   .default_text = FULL_TEXT("0.9 (vLLM's); SGLang's by the GPU's memory and the GPUs (server_args.py)"), .code = "invalid_gpu_memory_utilization",
   .set = [](request_options& r, const option_value& v) { r.estimate.gpu_memory_utilization = v.d; }},
  {.name = "max_num_batched_tokens", .type = option_type::integer, .group = "vllm",
   .doc = FULL_TEXT("vLLM's tokens per forward pass"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("tokens"),
   .min = 1, .max = static_cast<double>(request_limits::max_num_batched_tokens), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("8192 on GPUs of 70 GiB or more other than the A100, else 2048 (vLLM's)"), .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.estimate.max_num_batched_tokens = v.u; }},
  {.name = "max_num_seqs", .type = option_type::integer, .group = "vllm",
   .doc = FULL_TEXT("vLLM's sequences in one batch (SGLang's max_running_requests: the rows of its request table)"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("sequences"), .aliases = kSeqsAliases,
   .min = 1, .max = static_cast<double>(request_limits::max_num_seqs), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("1024 on GPUs of 70 GiB or more other than the A100, else 256 (vLLM's); SGLang's: pool tokens / context x 512, 2048 to 4096"), .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.estimate.max_num_seqs = v.u; }},
  {.name = "kv_cache_memory_bytes", .type = option_type::integer, .group = "vllm",
   .doc = FULL_TEXT("vLLM's kv_cache_memory (its command line's kv-cache-memory): the KV pool of each GPU, in place of what gpu_memory_utilization leaves (vLLM then sizes nothing else by it)"),
   .metavar = FULL_TEXT("GIB"), .unit = FULL_TEXT("bytes"), .min = 1, .max = static_cast<double>(request_limits::gpu_memory_bytes), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("what gpu_memory_utilization leaves after the weights, activations and non-torch memory"),
   .cli_unit = "GiB", .cli_factor = 1073741824.0, .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.kv_cache_memory_bytes = v.u; })},
  {.name = "images", .type = option_type::integer, .group = "multimodal",
   .doc = FULL_TEXT("images in each sequence's context (a vision-language model): their tokens by the model's preprocessing take part of context_tokens, and llama.cpp's projector buffer grows for the largest"),
   .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("images"), .min = 0, .max = 1024, .has_min = true, .has_max = true, .default_is = dk::integer,
   .default_integer = [] { return int64_t{0}; }, .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.images = v.u; })},
  {.name = "image_size", .type = option_type::string, .group = "multimodal",
   .doc = FULL_TEXT("each image's size in pixels, WIDTHxHEIGHT (e.g. 1024x768)"), .metavar = FULL_TEXT("WxH"),
   .default_text = FULL_TEXT("1024x1024"), .code = "invalid_image_size",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.image_size = v.s; })},
  {.name = "adapter_rank", .type = option_type::integer, .group = "adapters",
   .doc = FULL_TEXT("LoRA adapters served at inference: their rank (vLLM's and SGLang's max_lora_rank, llama.cpp's lora files, PEFT unmerged); training keeps training.lora_rank"),
   .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("rank"), .min = 1, .max = 1024, .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("none: no adapters"), .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.adapter_rank = v.u; })},
  {.name = "max_adapters", .type = option_type::integer, .group = "adapters",
   .doc = FULL_TEXT("how many adapters are held at once: vLLM's max_loras slots (SGLang's max_loras_per_batch), llama.cpp's lora files"),
   .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("adapters"), .min = 1, .max = 1024, .has_min = true, .has_max = true, .default_is = dk::integer,
   .default_integer = [] { return static_cast<int64_t>(defaults().max_adapters); }, .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.max_adapters = v.u; })},
  {.name = "draft_model", .type = option_type::string, .group = "draft",
   .doc = FULL_TEXT("speculative decoding: the draft model's Hugging Face id (the CLI and the page fetch its config.json into draft_config; llama.cpp -hfd, vLLM's speculative_config model)"),
   .metavar = FULL_TEXT("ID"), .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.draft_model = v.s; })},
  {.name = "draft_config", .type = option_type::string, .group = "draft",
   .doc = FULL_TEXT("the draft model's config.json (text or object): its weights, its own KV cache at the target's context, and in llama.cpp its own compute buffer"),
   .metavar = FULL_TEXT("FILE"), .cli_unit = "file", .code = "bad_request"},
  {.name = "draft_quantization", .type = option_type::enumeration, .group = "draft",
   .doc = FULL_TEXT("the draft model's weight format"), .metavar = FULL_TEXT("NAME"),
   .default_text = FULL_TEXT("the target's weight format"), .values_source = option_values::weight_formats, .code = "invalid_request", .fold_case = true,
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.draft_quantization = quantization_alias(v.s); })},
  {.name = "mtp", .type = option_type::boolean, .group = "draft",
   .doc = FULL_TEXT("speculative decoding with the model's own multi-token-prediction layers (DeepSeek-V3, GLM-4.5, Qwen3.5, MiMo): vLLM's method mtp, SGLang's EAGLE over NextN; their weights and KV join the model's"),
   .default_is = dk::integer, .default_integer = [] { return int64_t{0}; }, .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.mtp = v.b; })},
  {.name = "draft_max", .type = option_type::integer, .group = "draft",
   .doc = FULL_TEXT("tokens the draft proposes per step (llama-server's draft n_max, vLLM's num_speculative_tokens): the speed-up range's gamma"),
   .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("tokens"), .min = 1, .max = 64, .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("llama.cpp's 3 (common/common.h); vLLM has none: 3 assumed, and said; 1 with mtp"), .code = "invalid_request",
   .set = FULL_SETTER([](request_options& r, const option_value& v) { r.estimate.draft_max = v.u; })},
  {.name = "gpu_memory_bytes", .type = option_type::integer, .group = "inference",
   .doc = FULL_TEXT("the GPU's memory: a GPU the catalogue lacks (no gpu; its speed unknown), or with gpu the total CUDA reports "
          "(nvidia-smi, torch.cuda.mem_get_info), e.g. 79.22 GiB for an H100 80GB"),
   .metavar = FULL_TEXT("GIB"), .unit = FULL_TEXT("bytes"), .aliases = kVramAliases, .min = 1, .max = static_cast<double>(request_limits::gpu_memory_bytes),
   .has_min = true, .has_max = true, .default_text = FULL_TEXT("the catalogue's memory of the GPU"),
   .cli_unit = "GiB", .cli_factor = 1073741824.0, .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.estimate.gpu_memory_bytes = v.u; }},
  {.name = "host_memory_bytes", .type = option_type::integer, .group = "cluster",
   .doc = FULL_TEXT("system RAM the runtime may use: with it the fit counts what stays on the host too (llama.cpp's CPU layers and experts)"),
   .metavar = FULL_TEXT("GIB"), .unit = FULL_TEXT("bytes"), .min = 1, .max = static_cast<double>(request_limits::gpu_memory_bytes), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("not checked"), .cli_unit = "GiB", .cli_factor = 1073741824.0, .code = "invalid_request",
   .set = [](request_options& r, const option_value& v) { r.estimate.host_memory_bytes = v.u; }},
  {.name = "training.method", .type = option_type::enumeration, .group = "training",
   .doc = FULL_TEXT("what trains: every weight, LoRA adapters, or QLoRA's adapters over an nf4 base (nf4-dq with quantization)"),
   .default_is = dk::string, .default_string = "full", .values_source = option_values::fixed, .fixed = kMethods,
   .closed = true, .code = "invalid_training", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.training.method = v.s; }},
  {.name = "training.optimizer", .type = option_type::enumeration, .group = "training",
   .doc = FULL_TEXT("the optimizer, whose states are counted"), .metavar = FULL_TEXT("NAME"),
   .default_is = dk::string, .default_string = "adamw", .values_source = option_values::optimizers,
   .accepts = FULL_TEXT("adam, and the bitsandbytes / transformers spellings (adamw_8bit, paged_adamw_32bit, ...)"),
   .code = "invalid_training", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.training.optimizer = v.s; }},
  {.name = "training.precision", .type = option_type::enumeration, .group = "training",
   .doc = FULL_TEXT("mixed precision (16-bit weights and gradients, fp32 master and states), pure bf16, or fp32"), .metavar = FULL_TEXT("NAME"),
   .default_is = dk::string, .default_string = "mixed-bf16", .values_source = option_values::fixed, .fixed = kPrecisions,
   .accepts = FULL_TEXT("mixed, amp, bf16-mixed and fp16-mixed"), .code = "invalid_training", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.training.precision = v.s; }},
  {.name = "training.micro_batch", .type = option_type::integer, .group = "training",
   .doc = FULL_TEXT("sequences per GPU per step"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("sequences"), .min = 1, .max = static_cast<double>(request_limits::micro_batch), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().training.micro_batch); }, .code = "invalid_training",
   .set = [](request_options& r, const option_value& v) { r.estimate.training.micro_batch = v.u; }},
  {.name = "training.seq_len", .type = option_type::integer, .group = "training",
   .doc = FULL_TEXT("tokens per training sequence"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("tokens"), .min = 1, .max = static_cast<double>(request_limits::seq_len), .has_min = true, .has_max = true,
   .default_text = FULL_TEXT("context_tokens"), .code = "invalid_training",
   .set = [](request_options& r, const option_value& v) { r.estimate.training.seq_len = v.u; }},
  {.name = "training.gradient_accumulation", .type = option_type::integer, .group = "training",
   .doc = FULL_TEXT("micro-batches per optimizer step; changes no memory (the report says so)"), .metavar = FULL_TEXT("N"), .unit = FULL_TEXT("steps"),
   .min = 1, .max = static_cast<double>(request_limits::gradient_accumulation), .has_min = true, .has_max = true, .default_is = dk::integer,
   .default_integer = [] { return static_cast<int64_t>(defaults().training.gradient_accumulation); }, .code = "invalid_training",
   .set = [](request_options& r, const option_value& v) { r.estimate.training.gradient_accumulation = v.u; }},
  {.name = "training.checkpointing", .type = option_type::enumeration, .group = "training",
   .doc = FULL_TEXT("gradient checkpointing: none, selective (attention recomputed) or full (layer inputs kept)"),
   .default_is = dk::string, .default_string = "none", .values_source = option_values::fixed, .fixed = kCheckpointing,
   .closed = true, .code = "invalid_training", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.training.checkpointing = v.s; }},
  {.name = "training.lora_rank", .type = option_type::integer, .group = "training",
   .doc = FULL_TEXT("the LoRA rank r"), .metavar = FULL_TEXT("N"), .min = 1, .max = static_cast<double>(request_limits::lora_rank), .has_min = true, .has_max = true,
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().training.lora_rank); }, .code = "invalid_training",
   .set = [](request_options& r, const option_value& v) { r.estimate.training.lora_rank = v.u; }},
  {.name = "training.lora_targets", .type = option_type::list, .group = "training",
   .doc = FULL_TEXT("the Linear layers LoRA adapts"), .metavar = FULL_TEXT("LIST"), .default_text = FULL_TEXT("q,k,v,o,gate,up,down"),
   .values_source = option_values::fixed, .fixed = kLoraTargets,
   .accepts = FULL_TEXT("the module names (q_proj, gate_proj, ...), all_linear and all"), .code = "invalid_training", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.training.lora_targets = v.s; }},
  {.name = "training.train_embeddings", .type = option_type::boolean, .group = "training",
   .doc = FULL_TEXT("LoRA: train the embeddings and lm_head in full too (PEFT modules_to_save)"), .default_is = dk::integer,
   .default_integer = [] { return static_cast<int64_t>(defaults().training.train_embeddings); }, .code = "invalid_training",
   .set = [](request_options& r, const option_value& v) { r.estimate.training.train_embeddings = v.b; }},
  {.name = "training.freeze", .type = option_type::list, .group = "training",
   .doc = FULL_TEXT("full fine-tuning: parts kept frozen"), .metavar = FULL_TEXT("LIST"), .default_text = FULL_TEXT("none"),
   .values_source = option_values::fixed, .fixed = kFreeze, .accepts = FULL_TEXT("the singular forms (embedding, norm)"),
   .code = "invalid_training", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.training.freeze = v.s; }},
  {.name = "training.zero", .type = option_type::enumeration, .group = "training",
   .doc = FULL_TEXT("ZeRO stage over gpus (fsdp: FSDP full sharding, stage 3)"),
   .default_is = dk::integer, .default_integer = [] { return static_cast<int64_t>(defaults().training.zero); },
   .values_source = option_values::fixed, .fixed = kZero, .closed = true, .code = "invalid_training", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.training.zero = v.s == "fsdp" ? 3 : static_cast<uint64_t>(v.s[0] - '0'); }},
  {.name = "training.offload", .type = option_type::list, .group = "training",
   .doc = FULL_TEXT("ZeRO-Offload to the CPU: optimizer (stage 1 or more), params (stage 3)"), .metavar = FULL_TEXT("LIST"),
   .default_text = FULL_TEXT("none"), .values_source = option_values::fixed, .fixed = kOffload,
   .accepts = FULL_TEXT("param and parameters"), .code = "invalid_training", .fold_case = true,
   .set = [](request_options& r, const option_value& v) { r.estimate.training.offload = v.s; }},
  {.name = "contexts", .type = option_type::array, .group = "table",
   .doc = FULL_TEXT("the what-fits table's columns"), .unit = FULL_TEXT("tokens"),
   .min = 1, .max = static_cast<double>(request_limits::context_tokens), .has_min = true, .has_max = true,
   .max_items = kMaxContexts,
   .default_text = FULL_TEXT("1024, doubling up to the model's max_position_embeddings (131072 when it gives none), at most 1048576"),
   .code = "invalid_contexts", .table_only = true},
  {.name = "hub", .type = option_type::object, .group = "hub",
   .doc = FULL_TEXT("the Hub's counts for the cross-check: parameters_total (safetensors.total), safetensors_total_bytes (the index's total_size), gguf_files (.gguf files in the repository: llama.cpp -hf)"),
   .code = "invalid_request"},
  {.name = "weights", .type = option_type::array, .group = "hub",
   .doc = FULL_TEXT("the checkpoint's safetensors headers, one digest per file (fileHeader's weights): parameters and weights are counted from them, and an unknown model_type's attention read from their shapes"),
   .code = "invalid_weights"},
  {.name = "mmproj_file", .type = option_type::object, .group = "hub",
   .doc = FULL_TEXT("the mmproj GGUF's header digest (fileHeader's projector): file_type, projector_type, tensor_bytes, tensors, vision, audio"),
   .code = "invalid_mmproj_file"},
  {.name = "config_only", .type = option_type::boolean, .group = "hub",
   .doc = FULL_TEXT("front ends: estimate from config.json alone, without reading the weight files' headers (by Range, a few KB to a few MB per file)"),
   .default_is = dk::integer, .default_integer = [] { return int64_t{0}; }, .code = "invalid_request"},
};

std::span<const option_info> schema() { return kSchema; }

// "context_tokens" -> "context-tokens", of the name's last part.
std::string kebab(std::string_view name) {
  if (const size_t dot = name.rfind('.'); dot != std::string_view::npos) name.remove_prefix(dot + 1);
  std::string s(name);
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}

std::string last_part(std::string_view name) {
  const size_t dot = name.rfind('.');
  return std::string(dot == std::string_view::npos ? name : name.substr(dot + 1));
}

// A request value as short text for a message.
std::string shown(const json& v) {
  std::string s = json_text(v, 4);
  if (s.size() > 40) s = s.substr(0, 37) + "...";
  return s;
}

std::string number_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9e18) return text_of(static_cast<int64_t>(v));
  return decimal_text(v);
}

// "a, b or c"
std::string one_of(const std::vector<std::string>& values) {
  std::string s;
  for (size_t i = 0; i < values.size(); ++i) s += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ") + values[i];
  return s;
}

// What an option takes, for its messages: "a whole number of tokens from 1 to 134217728".
std::string what_it_takes(const option_info& o) {
  const std::string unit = o.unit.empty() || o.unit == "fraction" ? "" : " of " + std::string(o.unit);
  auto range = [&] {
    if (o.has_min && o.has_max)
      return " from " + number_text(o.min) + (o.min_exclusive ? " (excluded)" : "") + " to " + number_text(o.max);
    if (o.has_min) return std::string(o.min_exclusive ? " above " : " of at least ") + number_text(o.min);
    return std::string();
  };
  switch (o.type) {
    case option_type::integer:
      if (o.has_min && o.min == 1 && !o.has_max) return "a positive whole number" + unit;
      return "a whole number" + unit + range();
    case option_type::number: return std::string(o.unit == "fraction" ? "a fraction" : "a number" + unit) + range();
    case option_type::string: return "a string";
    case option_type::boolean: return "true or false";
    case option_type::enumeration: return o.closed ? one_of(option_values_of(o)) : "a name (a string)";
    case option_type::list:
      return "a comma list (a string) of " + (option_values_of(o).empty() ? std::string(o.accepts) : one_of(option_values_of(o)));  // (gpu: the catalogue's names)
    case option_type::array:
      return "an array of 1 to " + text_of(o.max_items) + " whole numbers" + unit + range();
    case option_type::object: return "an object";
  }
  return "";
}

void refuse(const option_info& o, const std::string& message, std::vector<issue>& issues) {
  issues.push_back({std::string(o.code), std::string(o.name), message, severity::error});
}

void refuse_value(const option_info& o, const json& v, std::vector<issue>& issues) {
  refuse(o, std::string(o.name) + " takes " + what_it_takes(o) + ", not " + shown(v) + ".", issues);
}

std::string trimmed(std::string s, bool fold) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s.erase(0, start);
  if (fold)
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// A whole number within the option's bounds, or false.
bool whole_number(const option_info& o, const json& v, option_value& out) {
  const double lo = o.has_min ? o.min : -9.2e18, hi = o.has_max ? o.max : 1.8e19;
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    // (compared as unsigned: 2^64-1 read as int64 would be -1)
    if ((o.has_max && u > static_cast<uint64_t>(hi)) || (lo > 0 && u < static_cast<uint64_t>(lo))) return false;
    out.u = u;
    out.i = static_cast<int64_t>(std::min<uint64_t>(u, INT64_MAX));
    return true;
  }
  if (v.is_number_integer()) {
    const int64_t i = v.get<int64_t>();
    if (static_cast<double>(i) < lo || static_cast<double>(i) > hi) return false;
    out.i = i;
    out.u = i < 0 ? 0 : static_cast<uint64_t>(i);
    return true;
  }
  if (v.is_number_float()) {
    const double x = v.get<double>();
    if (!std::isfinite(x) || x != std::floor(x) || x < lo || x > hi || x >= 1.8e19) return false;
    out.u = x < 0 ? 0 : static_cast<uint64_t>(x);
    out.i = x < 0 ? static_cast<int64_t>(x) : static_cast<int64_t>(std::min<uint64_t>(out.u, INT64_MAX));
    return true;
  }
  return false;
}

// One option's value; false (with an issue) when it is not what the option takes.
bool read_value(const option_info& o, const json& v, option_value& out, std::vector<issue>& issues) {
  switch (o.type) {
    case option_type::integer:
      if (whole_number(o, v, out)) return true;
      refuse_value(o, v, issues);
      return false;
    case option_type::number: {
      const double x = v.is_number() ? v.get<double>() : std::nan("");
      const bool ok = std::isfinite(x) && (!o.has_min || (o.min_exclusive ? x > o.min : x >= o.min)) && (!o.has_max || x <= o.max);
      if (ok) {
        out.d = x;
        return true;
      }
      refuse_value(o, v, issues);
      return false;
    }
    case option_type::boolean:
      if (v.is_boolean()) {
        out.b = v.get<bool>();
        return true;
      }
      refuse_value(o, v, issues);
      return false;
    case option_type::string:
    case option_type::list:
    case option_type::enumeration: {
      std::string text;
      if (v.is_string()) text = trimmed(v.get<std::string>(), o.fold_case);
      else if (o.type == option_type::list && v.is_array() && !v.empty() && v.size() <= request_limits::gpus &&
               std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_string() && !x.get<std::string>().empty(); }))
        for (const auto& x : v) text += (text.empty() ? "" : ",") + trimmed(x.get<std::string>(), o.fold_case);  // a JSON array of a list's items
      else if (o.closed && v.is_boolean() && o.name == "flash_attention") text = v.get<bool>() ? "on" : "off";
      else if (o.closed && (v.is_number_unsigned() || v.is_number_float())) {
        option_value n;
        const option_info any{.name = o.name, .type = option_type::integer};
        if (whole_number(any, v, n)) text = text_of(n.u);
      }
      if (!v.is_string() && text.empty()) {
        if (o.type == option_type::enumeration && o.closed) refuse_value(o, v, issues);
        else refuse(o, std::string(o.name) + (o.type == option_type::list ? " takes " + what_it_takes(o) : std::string(" must be a string")) +
                        ", not " + shown(v) + ".", issues);
        return false;
      }
      if (!text.empty() && o.type == option_type::enumeration && o.closed) {
        const auto values = option_values_of(o);  // (none in the first module for what it hands over: the full one checks)
        if (!values.empty() && std::find(values.begin(), values.end(), text) == values.end()) {
          refuse_value(o, v, issues);
          return false;
        }
      }
      out.s = std::move(text);
      return true;
    }
    case option_type::array:
    case option_type::object:
      return false;  // read by their own readers
  }
  return false;
}

// The config: its text, or a nested object written back as text.
void read_config(const option_info& o, const json& v, request_options& out, std::vector<issue>& issues) {
  std::string& text = o.name == "draft_config" ? out.draft_config_text : out.config_text;
  if (v.is_string()) {
    text = v.get<std::string>();
    return;
  }
  text = json_text(v);
  if (text.empty())
    refuse(o, "The config is nested more than 64 levels deep; no config.json is. Give the real config.json.", issues);
}

// mmproj_file: the digest fileHeader writes for a GGUF of general.architecture "clip", each field checked.
void read_projector_file(const option_info& o, const json& v, request_options& out, std::vector<issue>& issues) {
#ifdef NEURO_SHRINK_FIRST_ESTIMATE
  (void)out;
  if (!v.is_object()) refuse_value(o, v, issues);  // the full module reads it (report.cpp hands it over)
#else
  auto bad = [&](const std::string& field, const std::string& why) {
    issues.push_back({std::string(o.code), "mmproj_file." + field, "mmproj_file." + field + " " + why + ": pass the projector digest fileHeader gives for an mmproj GGUF.", severity::error});
  };
  if (!v.is_object()) { refuse_value(o, v, issues); return; }
  projector_file f;
  auto whole = [&](const char* k, uint64_t max, uint64_t& to) {
    const auto it = v.find(k);
    if (it == v.end() || !it->is_number_unsigned() || it->get<uint64_t>() > max) return bad(k, "must be a whole number from 0 to " + text_of(max));
    to = it->get<uint64_t>();
  };
  auto word = [&](const char* k, std::string& to) {
    const auto it = v.find(k);
    if (it == v.end()) return;
    if (!it->is_string() || it->get_ref<const std::string&>().size() > 64) return bad(k, "must be a name of at most 64 characters");
    to = it->get<std::string>();
  };
  auto flag = [&](const char* k, bool& to) {
    const auto it = v.find(k);
    if (it != v.end() && !it->is_boolean()) return bad(k, "must be true or false");
    to = it != v.end() && it->get<bool>();
  };
  const size_t before = issues.size();
  whole("tensor_bytes", request_limits::projector_bytes, f.tensor_bytes);
  whole("tensors", header_limits::gguf_tensors, f.tensors);
  word("file_type", f.file_type);
  word("projector_type", f.projector_type);
  flag("vision", f.vision);
  flag("audio", f.audio);
  if (issues.size() == before) out.estimate.mmproj_file = std::move(f);
#endif
}

void read_contexts(const option_info& o, const json& v, request_options& out, std::vector<issue>& issues) {
  if (!v.is_array() || v.empty() || v.size() > o.max_items) {
    refuse(o, "contexts takes " + what_it_takes(o) + ", not " + shown(v) + ".", issues);
    return;
  }
  for (const auto& c : v) {
    option_value n;
    if (!c.is_number() || !whole_number(o, c, n)) {
      refuse(o, "contexts takes " + what_it_takes(o) + "; " + shown(c) + " is not one.", issues);
      out.contexts.clear();
      return;
    }
    out.contexts.push_back(n.u);
  }
}

}  // namespace

std::string_view option_type_name(option_type t) {
  switch (t) {
    case option_type::integer: return "integer";
    case option_type::number: return "number";
    case option_type::string: return "string";
    case option_type::boolean: return "boolean";
    case option_type::enumeration: return "enum";
    case option_type::list: return "list";
    case option_type::array: return "array";
    case option_type::object: return "object";
  }
  return "";
}

bool request_options::has(std::string_view name) const {
  return std::find(given.begin(), given.end(), name) != given.end();
}

std::span<const option_info> request_option_schema() { return schema(); }

const option_info* find_option(std::string_view name) {
  for (const auto& o : schema())
    if (o.name == name) return &o;
  return nullptr;
}

std::string option_flag(const option_info& o) {
  if (o.type == option_type::array || o.type == option_type::object) return "";
  std::string k = kebab(o.name);
  if (!o.cli_unit.empty() && o.cli_unit != "file" && k.size() > 6 && k.ends_with("-bytes")) k.resize(k.size() - 6);
  return "--" + k;
}

std::string option_param(const option_info& o) {
  if (o.type == option_type::array || o.type == option_type::object) return "";
  if (!o.cli_unit.empty() && o.cli_unit != "file") return option_flag(o).substr(2);  // in the flag's unit, as people type it
  return kebab(o.name);
}

std::vector<std::string> option_values_of(const option_info& o) {
  std::vector<std::string> v;
  switch (o.values_source) {
    case option_values::none:
    case option_values::gpus: break;
    case option_values::fixed:
      for (auto x : o.fixed) v.emplace_back(x);
      break;
    case option_values::interconnects:
      for (const auto& i : interconnects()) v.emplace_back(i.name);
      break;
    case option_values::weight_formats:
      for (const auto& f : weight_formats()) v.push_back(f.name);
      for (const auto& t : gguf_file_types()) v.emplace_back(t.name);
      break;
    case option_values::kv_dtypes:
      for (const auto& k : kv_dtypes()) v.emplace_back(k.name);
      break;
    case option_values::runtimes:
      for (const auto& r : runtimes()) v.emplace_back(r.name);
      break;
    case option_values::optimizers: {
      const std::string names = optimizer_names();  // "adamw, adamw-8bit, ..."
      for (size_t p = 0; p < names.size();) {
        const size_t q = std::min(names.find(", ", p), names.size());
        v.push_back(names.substr(p, q - p));
        p = q + 2;
      }
      break;
    }
  }
  return v;
}

#ifndef NEURO_SHRINK_FIRST_ESTIMATE
// Edits from a to b (Levenshtein), for "did you mean"; names are short.
static size_t edits(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// A key no option (nor alias) has is said, never silently dropped: a warning naming it and the nearest option
// (the first module leaves this to the full one: the page builds its requests from the schema). "parts" is
// estimateFile's (a split GGUF's files), read beside the options.
// At most kUnknownSaid keys are named, each cut to 40 bytes (at a UTF-8 boundary) as shown() cuts a value; the rest
// are counted.
constexpr size_t kUnknownSaid = 8;

static std::string short_key(const std::string& k) {
  if (k.size() <= 40) return k;
  size_t cut = 37;
  while (cut > 0 && (static_cast<unsigned char>(k[cut]) & 0xC0) == 0x80) --cut;
  return k.substr(0, cut) + "...";
}

static void note_unknown_keys(const json& in, std::string_view prefix, std::vector<issue>& issues) {
  size_t unknown = 0;
  for (auto it = in.begin(); it != in.end(); ++it) {
    const std::string& k = it.key();
    if (prefix.empty() && (k == "training" || k == "parts")) continue;
    auto own_name = [&](const option_info& o) { return prefix.empty() ? o.name : o.name.substr(prefix.size()); };
    auto in_group = [&](const option_info& o) { return o.name.starts_with("training.") != prefix.empty(); };
    const auto& all = schema();
    if (std::any_of(all.begin(), all.end(), [&](const option_info& o) {
          return in_group(o) && (own_name(o) == k || std::find(o.aliases.begin(), o.aliases.end(), k) != o.aliases.end());
        }))
      continue;
    if (++unknown > kUnknownSaid) continue;
    std::string_view best;  // the nearest option within two edits (a name of another length by more is not)
    size_t best_edits = 3;
    for (const auto& o : all)
      if (in_group(o) && own_name(o).size() + 2 >= k.size() && k.size() + 2 >= own_name(o).size())
        if (const size_t e = edits(k, own_name(o)); e < best_edits) best_edits = e, best = own_name(o);
    const std::string name = std::string(prefix) + short_key(k);
    issues.push_back({"unknown_option", name, "\"" + name + "\" is no request option, so it was not read" +
        (best.empty() ? std::string(": catalogue().options lists them.") : "; did you mean \"" + std::string(prefix) + std::string(best) + "\"?"), severity::warning});
  }
  if (unknown > kUnknownSaid)
    issues.push_back({"unknown_option", std::string(prefix), text_of(static_cast<uint64_t>(unknown - kUnknownSaid)) + " more fields no request option has were not read.", severity::warning});
}
#endif

void read_options(const json& req, request_options& out, std::vector<issue>& issues, bool read_training, bool read_table) {
  const json* training = nullptr;
  if (read_training)
    if (auto it = req.find("training"); it != req.end() && !it->is_null()) {
      if (it->is_object()) training = &*it;
      else issues.push_back({"invalid_request", "training", "training must be an object of training settings, not " + shown(*it) + ".", severity::error});
    }
#ifndef NEURO_SHRINK_FIRST_ESTIMATE
  if (req.is_object()) note_unknown_keys(req, "", issues);
  if (training) note_unknown_keys(*training, "training.", issues);
#endif
  for (const auto& o : schema()) {
    const bool nested = o.name.starts_with("training.");
    if ((nested && !training) || (o.table_only && !read_table)) continue;
    const json& in = nested ? *training : req;
    // The value under the option's key or one of its JSON aliases; two of them is an error.
    const std::string key = last_part(o.name);
    const json* value = nullptr;
    std::string found;
    bool twice = false;
    auto look = [&](std::string_view k) {
      auto it = in.find(std::string(k));
      if (it == in.end() || it->is_null()) return;
      if (value) {
        refuse(o, std::string(o.name) + " is given twice, as \"" + found + "\" and \"" + std::string(k) + "\"; give one.", issues);
        twice = true;
        return;
      }
      value = &*it;
      found = k;
    };
    look(key);
    for (auto a : o.aliases)
      if (!a.starts_with("--")) look(a);
    if (!value || twice) continue;
    out.given.emplace_back(o.name);
    if (o.name == "config" || o.name == "draft_config") {
      if (o.name == "draft_config" && !value->is_string() && !value->is_object()) refuse_value(o, *value, issues);
      else read_config(o, *value, out, issues);
    } else if (o.name == "weights") {
      if (!value->is_array()) refuse_value(o, *value, issues);  // read by weight_files.cpp
    } else if (o.name == "mmproj_file") {
      read_projector_file(o, *value, out, issues);
    } else if (o.type == option_type::array) {
      read_contexts(o, *value, out, issues);
    } else if (o.type == option_type::object) {
      if (!value->is_object()) refuse_value(o, *value, issues);
    } else if (option_value v; read_value(o, *value, v, issues) && o.set && !(o.type != option_type::integer && o.type != option_type::number &&
                                                                                o.type != option_type::boolean && v.s.empty())) {
      o.set(out, v);
    }
  }
}

void write_option_schema(json_writer& w) {
  w.begin_array();
  for (const auto& o : schema()) {
    w.begin_object().field("name", o.name);
    const std::string flag = option_flag(o), param = option_param(o);
    w.key("flag");
    flag.empty() ? w.raw("null") : w.value(flag);
    w.key("param");
    param.empty() ? w.raw("null") : w.value(param);
    w.key("aliases").begin_array();
    for (auto a : o.aliases) w.value(a);
    w.end_array().field("type", option_type_name(o.type));
    auto number = [&](const char* k, double v) {
      w.key(k);
      if (v == std::floor(v) && std::fabs(v) < 9e18) w.value(static_cast<int64_t>(v));
      else w.value(v);
    };
    if (o.has_min) number("min", o.min);
    if (o.min_exclusive) w.field("min_exclusive", true);
    if (o.has_max) number("max", o.max);
    if (o.max_items) w.field("max_items", o.max_items);
    w.key("default");
    switch (o.default_is) {
      case dk::none: w.raw("null"); break;
      case dk::integer:
        if (!o.default_integer) w.raw("null");
        else if (o.type == option_type::boolean) w.value(o.default_integer() != 0);
        else w.value(o.default_integer());
        break;
      case dk::number: w.value(o.default_number); break;
      case dk::string: w.value(o.default_string); break;
    }
    if (!o.default_text.empty()) w.field("default_text", o.default_text);
    if (o.values_source == option_values::gpus) {
      w.field("values_from", "gpus");
    } else if (o.values_source != option_values::none) {
      w.key("values").begin_array();
      for (const auto& v : option_values_of(o)) {
        if (o.name == "training.zero" && v != "fsdp") w.value(static_cast<uint64_t>(v[0] - '0'));  // JSON takes the stage as a number
        else w.value(v);
      }
      w.end_array().field("closed", o.closed);
    }
    if (o.values_source == option_values::weight_formats) {
      if (!weight_format_names().empty()) w.field("accepts", weight_format_names());
    }
    else if (!o.accepts.empty()) w.field("accepts", o.accepts);
    if (!o.unit.empty()) w.field("unit", o.unit);
    if (!o.cli_unit.empty()) {
      w.field("cli_unit", o.cli_unit);
      if (o.cli_factor) number("cli_factor", o.cli_factor);
    }
    if (!o.cli_unit.empty() && o.cli_unit != "file" && !param.empty()) {
      w.field("param_unit", o.cli_unit);  // the URL parameter and attribute take the flag's unit
      if (o.cli_factor) number("param_factor", o.cli_factor);
    }
    if (!o.metavar.empty()) w.field("metavar", o.metavar);
    w.field("doc", o.doc).field("group", o.group).field("code", o.code);
    w.end_object();
  }
  w.end_array();
}

}  // namespace neuroshrink
