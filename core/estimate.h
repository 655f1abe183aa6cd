// The memory estimate: weights, KV cache, activations and runtime overhead, and the GPUs it fits.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formats.h"
#include "gguf_quant.h"
#include "gpus.h"
#include "interconnects.h"
#include "inventory.h"
#include "model_spec.h"
#include "runtime.h"
#include <optional>

namespace neuroshrink {

// Training (estimate_options::mode "train"): what is trained, how, and over how many GPUs.
struct training_options {
  std::string method;            // "full" (default), "lora", "qlora"
  std::string optimizer;         // "adamw" (default), "adamw-8bit", "paged-adamw-8bit", "adafactor", "sgd", "sgd-momentum", "lion"
  std::string precision;         // "mixed-bf16" (default), "mixed-fp16", "bf16" (pure), "fp32"
  uint64_t micro_batch = 1;      // sequences per GPU per step
  uint64_t seq_len = 0;          // tokens per sequence; 0 = context_tokens
  uint64_t gradient_accumulation = 1;  // changes no memory
  std::string checkpointing;     // "none" (default), "selective", "full"
  uint64_t lora_rank = 16;
  std::string lora_targets;      // "q,k,v,o,gate,up,down" (default), any of them, or "all-linear"
  bool train_embeddings = false; // LoRA: embeddings and lm_head trained in full (PEFT modules_to_save)
  std::string freeze;            // full: parts kept frozen: "embeddings", "attention", "mlp", "norms", "vision"
  uint64_t zero = 0;             // ZeRO stage 0-3 (FSDP full sharding = 3), over estimate_options::gpus
  std::string offload;           // "", "optimizer", "params", "optimizer,params" (ZeRO-Offload / ZeRO-Infinity to CPU)
};

// A multimodal projector GGUF (llama.cpp's mmproj file: general.architecture "clip"), as fileHeader's
// `projector` digest gives it: its tensor data is what llama.cpp's clip loader allocates for the weights.
struct projector_file {
  std::string file_type;         // the type most of its bytes are in ("F16", "Q8_0", ...)
  std::string projector_type;    // clip.projector_type ("qwen2.5vl_merger", "gemma3", "mlp", ...); "" when absent
  uint64_t tensor_bytes = 0;
  uint64_t tensors = 0;
  bool vision = false, audio = false;  // clip.has_vision_encoder, clip.has_audio_encoder
};

struct model_tensors;  // below

struct estimate_options {
  std::string quantization;    // a weight_format name; "" = the checkpoint's own dtype (torch_dtype)
  std::string kv_cache_dtype;    // a kv_dtype name for K and V; "" = the runtime's compute dtype
  std::string kv_cache_dtype_k;  // overrides kv_cache_dtype for K alone
  std::string kv_cache_dtype_v;  // overrides kv_cache_dtype for V alone
  uint64_t context_tokens = 4096;
  uint64_t batch_size = 1;         // sequences decoded together (llama.cpp --parallel, concurrent users)
  std::string runtime;             // a runtime_info name; "" = transformers
  int flash_attention = -1;        // llama.cpp -fa: -1 auto (on: every family here supports it), 0 off, 1 on
  uint64_t ubatch = 0;             // llama.cpp -ub; 0 = its default 512
  uint64_t n_batch = 0;            // llama.cpp -b, the logical batch that caps -ub; 0 = its default 2048
  int64_t gpu_layers = -1;         // llama.cpp -ngl; -1 = every layer and the output
  uint64_t n_cpu_moe = 0;          // llama.cpp --n-cpu-moe: the routed experts of the first N layers in system RAM
  std::string gpu;                 // a catalogue GPU name for per-device figures, vLLM's capacity and speed; "" = none
  uint64_t gpus = 1;               // identical GPUs the model is split across
  std::vector<std::string> gpu_list;  // several GPUs, one device each in order (--gpu repeated); gpu is the first
  std::vector<double> tensor_split;   // llama.cpp --tensor-split: each GPU's share; empty = by each GPU's memory
  bool kv_unified = false;             // llama.cpp --kv-unified: one stream of n_ctx cells for every sequence
  std::string split_mode;             // llama.cpp -sm: "layer" (default), "row", "none"
  std::string backend;                // llama.cpp's GPU backend ("cuda", "rocm", "vulkan", "metal", "sycl"); "" = the vendor's usual
  std::vector<std::string> override_tensor;  // llama.cpp -ot: "REGEX=DEVICE" each, the first match wins
  uint64_t nodes = 1;                 // machines, each with `gpus` GPUs (or the gpu list): llama.cpp's RPC hosts, vLLM's Ray nodes
  uint64_t tensor_parallel = 0;       // vLLM / SGLang: GPUs each layer is split over; 0 = the GPUs of one machine
  uint64_t pipeline_parallel = 0;     // vLLM / SGLang: stages of consecutive layers; 0 = the machines
  uint64_t data_parallel = 1;         // vLLM: replicas, each tensor_parallel x pipeline_parallel GPUs (experts over them all)
  bool expert_parallel = false;       // vLLM --enable-expert-parallel: whole experts per GPU rather than slices
  std::string interconnect;           // interconnects.h: the link between machines (or GPUs); "" = not named
  double gpu_memory_utilization = 0;  // vLLM; 0 = its default 0.9
  uint64_t max_num_batched_tokens = 0;  // vLLM; 0 = its default for the GPU
  uint64_t max_num_seqs = 0;       // vLLM; 0 = its default for the GPU
  uint64_t kv_cache_memory_bytes = 0;  // vLLM --kv-cache-memory: the KV pool per GPU; 0 = what the utilization leaves
  uint64_t gpu_memory_bytes = 0;   // the GPU's memory: with `gpu`, the total CUDA reports for it (torch.cuda.mem_get_info,
                                   // nvidia-smi, a little under the spec sheet's); without, a GPU not in the catalogue
                                   // (its bandwidth unknown, so no speed); 0 = the catalogue's memory
  // Images in each sequence's context (vision-language models): how many, and their size "WxH" ("" = 1024x1024).
  uint64_t images = 0;
  std::string image_size;
  // Speculative decoding with a draft model: its config parsed (report.cpp), the weight format it loads in (""
  // = the target's), its Hub id for the command, and the tokens drafted per step (0 = the runtime's default).
  const model_spec* draft_spec = nullptr;
  const model_tensors* draft_tensors = nullptr;
  std::string draft_quantization;
  std::string draft_model;
  uint64_t draft_max = 0;
  bool mtp = false;
  uint64_t adapter_rank = 0;       // LoRA adapters served at inference: their rank (0 = none)
  uint64_t max_adapters = 1;       // how many (vLLM's --max-loras slots, llama.cpp's --lora files)                // the model's own multi-token-prediction layers as the draft (vLLM / SGLang)
  std::string mode;                // "" or "inference"; "train" for the training estimate
  bool mmproj = false;             // llama.cpp --mmproj: the multimodal projector (vision or audio encoder) loaded beside the model
  std::optional<projector_file> mmproj_file;  // its GGUF's header digest; absent = sized from config.json's encoder
  bool repo_has_gguf = false;      // the Hub says the model's repository holds .gguf files (hub.gguf_files): llama.cpp's -hf
  // A GGUF file's own tensors (gguf_model.h): the llama.cpp weights of its file type come from it rather than
  // from the plan of what the converter and llama-quantize would write; other file types are still planned.
  const gguf_plan* file_plan = nullptr;
  training_options training;
  uint64_t host_bandwidth = 0;     // bytes/s of system RAM, for layers llama.cpp runs on the CPU; 0 = 89.6 GB/s
  uint64_t prompt_tokens = 0;      // the prompt whose time to first token is shown; 0 = the context
  uint64_t host_memory_bytes = 0;  // system RAM the host can give the runtime; 0 = not given (the fit is the GPU's alone)
  bool kq_mask_f32 = false;        // llama.cpp before PR #23764 (May 2026) reserved the KQ mask in f32 under flash
                                   // attention too: set by the reconciliation of a log that old, never by a request
  bool explain = true;             // write the formula texts (estimate_result::formulas); the solvers and the
                                   // what-fits table need only the numbers
};

struct memory_breakdown {
  uint64_t weights_bytes = 0;
  uint64_t kv_cache_bytes = 0;
  uint64_t activations_bytes = 0;  // llama.cpp: the compute buffers; vLLM: the profiled activation peak
  uint64_t overhead_bytes = 0;     // CUDA context, llama.cpp's output buffer, vLLM's non-torch memory and CUDA graphs
  uint64_t total_bytes = 0;
  uint64_t gpu_bytes = 0;          // of the total, on the GPUs (every GPU together)
  uint64_t host_bytes = 0;         // of the total, in system RAM (llama.cpp's token_embd, output buffer, CPU layers)
  uint64_t gradients_bytes = 0;    // training: gradients of the trainable parameters (LoRA adapters included)
  uint64_t optimizer_bytes = 0;    // training: optimizer states (and the fp32 master copy of mixed precision)
};

// One allocation of the runtime, where it lives.
// key, category (and formula_note's component and source) name static text: string literals and the
// catalogues' entries, which outlive every estimate.
struct memory_component {
  std::string_view key;        // "model_buffer", "kv_buffer", "compute_buffer", "output_buffer", "cuda_context", ...
  std::string label;
  std::string_view category;   // which memory_breakdown term it adds to: weights, kv_cache, activations, overhead
  uint64_t bytes = 0;
  bool host = false;      // system RAM (llama.cpp's CPU_Mapped / CUDA_Host buffers) rather than the GPU
  bool per_gpu = false;   // bytes are per GPU (CUDA context, compute buffer, activations) rather than split
  int32_t device = -1;    // a GPU component on GPUs [device, device + span) alone, `bytes` on each; -1 = over every GPU
  uint32_t span = 1;
};

struct device_share {
  std::string name;       // "GPU 0", ..., "host"
  std::string_view gpu;   // the catalogue GPU it is ("" for the host or an unnamed GPU)
  int64_t index = -1;     // the GPU's index (-1: the host's system RAM)
  uint64_t node = 0;      // the machine it is in
  uint64_t usable_bytes = 0;   // what the runtime may use of it (0: not known)
  int64_t headroom_bytes = 0;  // usable - total, when usable is known
  uint64_t weights_bytes = 0, kv_cache_bytes = 0, activations_bytes = 0, overhead_bytes = 0, total_bytes = 0;
  uint64_t gradients_bytes = 0, optimizer_bytes = 0;  // training
};

// vLLM's view of one GPU (or each of the tensor-parallel ranks): the KV pool left in the budget.
struct vllm_capacity {
  std::string gpu;
  uint64_t memory_bytes = 0;          // the GPU's total as vLLM reads it (the request's, else the catalogue's)
  uint64_t budget_bytes = 0;          // gpu_memory_utilization x memory
  uint64_t non_kv_bytes = 0;          // weights + activation peak + non-torch + CUDA graphs, per rank
  int64_t kv_pool_bytes = 0;          // what is left for KV blocks; negative when the model does not load
  uint64_t block_size = 0;
  uint64_t block_bytes = 0;           // one block over all layers, per rank
  uint64_t blocks = 0;
  uint64_t kv_tokens = 0;             // "GPU KV cache size: N tokens"
  uint64_t max_model_len = 0;
  double max_concurrency = 0;         // kv_tokens / max_model_len
  bool max_model_len_fits = false;
  uint64_t max_num_batched_tokens = 0, max_num_seqs = 0;
  double gpu_memory_utilization = 0;
};

struct speed_estimate {
  bool known = false;
  std::string gpu;
  std::string reason;                 // why unknown
  double decode_tokens_per_s = 0;     // per sequence, at the requested context
  double batch_decode_tokens_per_s = 0;  // all sequences together
  double prefill_tokens_per_s = 0;    // 0 when the GPU's throughput is not in the catalogue
  std::string decode_bound;           // "memory bandwidth"
  std::string prefill_bound;          // "compute" or "unknown"
  uint64_t bytes_per_token = 0;       // read per decode step per sequence: active weights + KV
  uint64_t flops_per_token = 0;       // prefill
  double efficiency = 0;              // the factor applied to peak bandwidth and FLOPS
  double interconnect_seconds = 0;    // per decode step: what the layers exchange over the named link (bandwidth alone)
  uint64_t interconnect_bytes = 0;    // per decode step per sequence, over that link
  uint64_t prefill_copy_bytes = 0;    // llama.cpp: weights in system RAM copied to the GPU for each prefill ubatch
  std::string_view family;            // the hardware family whose published runs set the decode efficiencies
  std::string_view backend;           // and its llama.cpp backend ("cuda", "rocm", "vulkan", "metal", "sycl")
  std::string_view prefill_class;     // and the prefill one's
  double decode_low = 0, decode_high = 0;  // the range: the family's published runs' spread about the model
  std::string_view band;              // "painful", "acceptable", "smooth" (speed_bands())
  uint64_t prompt_tokens = 0;         // the prompt of the time to first token
  double first_token_s = 0;           // its prefill and one decode step; 0 when prefill is unknown
};

// llama.cpp's GPU backends (ggml/src/ggml-cuda, ggml-hip, ggml-vulkan, ggml-metal, ggml-sycl): the request's
// `backend` values, and the static names r.backend points to.
inline constexpr std::string_view kLlamaBackends[] = {"cuda", "rocm", "vulkan", "metal", "sycl"};

// How a decode speed feels (seed 001, "Parameter Counts and VRAM Requirements for LLMs": "<10 tok/s: painfully
// slow for conversation; 10-20 tok/s: acceptable for email or documentation, but still sluggish for chat; 20+
// tok/s: smooth enough for most interactive uses").
struct speed_band {
  std::string_view name;
  double from_tokens_per_s;  // the band holds speeds from this up to the next band's
  std::string_view meaning;
};
std::span<const speed_band> speed_bands();
std::string_view speed_band_of(double tokens_per_s);

// Images in the context: each one's tokens by the model's preprocessing, and the encoder's sequence for it.
struct images_estimate {
  uint64_t count = 0, width = 0, height = 0;  // as asked
  uint64_t resized_width = 0, resized_height = 0;
  uint64_t tokens_per_image = 0, tokens = 0;  // tokens: every image of one sequence
  uint64_t patches = 0;                       // the vision encoder's sequence for one image
  std::string rule;
  std::string_view source;
};

// Speculative decoding: the draft model beside the target, what it takes and the decode speed-up it may give.
struct draft_estimate {
  std::string model_id;            // the draft's Hub id, when given
  std::string format;              // its weight format
  uint64_t parameters = 0;
  uint64_t weights_bytes = 0, kv_cache_bytes = 0, compute_bytes = 0, other_bytes = 0;
  uint64_t draft_max = 0;          // tokens drafted per step
  bool separate_context = false;   // llama.cpp: the draft's own context (its own compute and output buffers)
  // Decode with the draft: tokens/s at the low and high acceptance rates (0 when the speed is unknown).
  double acceptance_low = 0, acceptance_high = 0;
  double decode_low = 0, decode_high = 0;
  double draft_tokens_per_s = 0;   // the draft alone, on the same GPU(s)
};

struct gpu_fit {
  const gpu_info* gpu;
  bool fits;
  int64_t headroom_bytes;  // usable_bytes(gpu) - total_bytes; negative when it does not fit
};

struct formula_note {
  std::string_view component;
  std::string formula;  // the arithmetic, with this model's numbers
  std::string_view source;
};

// The cache of a run of identical layers.
struct kv_layer_group {
  attention_kind attention;
  uint64_t window;              // sliding/chunked layers
  uint64_t layers;              // how many layers share this shape
  uint64_t bytes_per_token;     // per layer: K + V (or the MLA latent) of one token
  uint64_t cached_tokens;       // per sequence: the context, or the window when smaller
  uint64_t state_bytes;         // per layer and sequence: SSM state
  uint64_t bytes;               // the whole group at the requested context and batch
};

// Per GPU (the shard each rank holds), except host_bytes, which is what all ranks offload together.
struct training_breakdown {
  std::string method, optimizer, precision, checkpointing, lora_targets;
  uint64_t micro_batch = 0, seq_len = 0, gradient_accumulation = 1, lora_rank = 0, zero = 0;
  bool flash_attention = true, train_embeddings = false, offload_optimizer = false, offload_params = false;
  uint64_t trainable_parameters = 0, adapter_parameters = 0;
  uint64_t weights_bytes = 0;      // the model's weights as stored for the step (QLoRA: NF4)
  uint64_t master_bytes = 0;       // fp32 master copy of the trainable weights (mixed precision)
  uint64_t gradients_bytes = 0;    // gradients of the model's trainable weights
  uint64_t optimizer_bytes = 0;    // optimizer states of the model's trainable weights
  uint64_t activations_bytes = 0;  // saved for backward (and the recomputed layer under checkpointing)
  uint64_t logits_bytes = 0;       // the logits and cross-entropy peak
  uint64_t adapter_bytes = 0;      // LoRA adapters: weights + gradients + optimizer states
  uint64_t temporary_bytes = 0;    // ZeRO-3's gathered layer, QLoRA's dequantized weight
  uint64_t cuda_context_bytes = 0;
  uint64_t host_bytes = 0;         // offloaded to system RAM, all ranks together
};

// The chosen GPU: a catalogue entry, or one the request gives by its memory (gpu_memory_bytes: a GPU of that
// memory when no catalogue GPU is named, else the named GPU with the memory CUDA reports). Copies point at
// their own custom entry, so results can be copied and moved freely.
class chosen_gpu {
 public:
  chosen_gpu() = default;
  chosen_gpu(const chosen_gpu& o) : custom_(o.custom_), ptr_(o.ptr_ == &o.custom_ ? &custom_ : o.ptr_) {}
  chosen_gpu& operator=(const chosen_gpu& o) {
    custom_ = o.custom_;
    ptr_ = o.ptr_ == &o.custom_ ? &custom_ : o.ptr_;
    return *this;
  }
  void pick(const gpu_info* g) { ptr_ = g; }
  void pick_custom(const gpu_info& g) { custom_ = g; ptr_ = &custom_; }
  bool custom() const { return ptr_ == &custom_; }
  const gpu_info* get() const { return ptr_; }
  const gpu_info* operator->() const { return ptr_; }
  const gpu_info& operator*() const { return *ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }

 private:
  gpu_info custom_{};
  const gpu_info* ptr_ = nullptr;
};

// The fit on the chosen GPU(s): each GPU's usable memory against the largest per-GPU share (unified memory
// holds the host's share too).
struct chosen_fit {
  bool fits = false;          // the GPU(s) and, when the request gives it, system RAM
  uint64_t usable_bytes = 0;  // per GPU, as the runtime may use it
  uint64_t needed_bytes = 0;  // per GPU
  int64_t headroom_bytes = 0; // usable - needed; negative when it does not fit
  bool gpu_fits = false;      // the GPU(s) alone
  int64_t host_headroom_bytes = 0;  // host_memory_bytes - what the host holds; 0 when system RAM was not given
};

struct estimate_result {
  std::vector<issue> issues;
  std::optional<weight_format> format;
  const kv_dtype* kv_k = nullptr;  // element type of the cached keys
  const kv_dtype* kv_v = nullptr;  // element type of the cached values
  bool kv_dtype_defaulted = false;
  bool format_defaulted = false;
  uint64_t context_tokens = 0;
  uint64_t batch_size = 0;
  std::string_view backend;        // llama.cpp's GPU backend as asked (a static name); "" = each vendor's usual
  parameter_counts parameters;
  uint64_t kv_cache_bytes_per_token = 0;  // all layers that cache a token, while within their windows
  std::vector<kv_layer_group> kv_layers;
  memory_breakdown memory;
  std::vector<gpu_fit> fits;
  std::vector<formula_note> formulas;
  const runtime_info* runtime = nullptr;
  std::vector<memory_component> components;
  std::vector<device_share> devices;
  chosen_gpu gpu;                     // the chosen GPU, when one was named (or given by its memory)
  std::vector<const gpu_info*> gpu_list;  // several GPUs named (the first is gpu): each its own device, repeated per node
  uint64_t nodes = 1, gpus_per_node = 1;  // the machines and the GPUs of each (gpus = nodes x gpus_per_node)
  uint64_t tensor_parallel = 1, pipeline_parallel = 1;  // vLLM / SGLang: the layout the GPUs run
  uint64_t data_parallel = 1;                           // vLLM: replicas of that layout
  const interconnect_info* interconnect = nullptr;
  chosen_fit chosen;                  // the fit there, when there is one
  uint64_t gpus = 1;
  // llama.cpp: what it runs with.
  bool flash_attention = false;
  uint64_t n_ctx = 0, n_ctx_seq = 0, n_ubatch = 0, n_batch = 0;
  uint64_t gpu_layers = 0, n_layer = 0;
  uint64_t cpu_moe_layers = 0;       // llama.cpp: layers on the GPU whose routed experts stay in system RAM (--n-cpu-moe)
  uint64_t n_cpu_moe = 0;            // llama.cpp: the --n-cpu-moe asked
  uint64_t compute_graph_tensors = 0;  // llama.cpp: the reserved graph's tensors replayed for the compute buffer; 0: the phase formula
  std::optional<vllm_capacity> vllm;
  uint64_t decode_step_bytes = 0;     // read per decode step: active weights + the KV of every sequence
  uint64_t stored_weights_bytes = 0;  // the tensor data as a file stores it (no runtime copies, such as llama.cpp's tied output on the GPU)
  std::optional<training_breakdown> training;
  std::optional<gguf_plan> gguf;       // llama.cpp with a GGUF file type: the file, tensor by tensor
  speed_estimate speed;
  std::optional<draft_estimate> draft;
  std::optional<draft_estimate> mtp;   // the model's MTP layers loaded as its draft (the same fields)
  std::optional<images_estimate> images;
  bool ok() const { return !has_error(issues); }
};

// The runtime estimated when a request names none.
inline constexpr const char* kRuntimeName = "transformers";

// What a CUDA context holds on a GPU, in no buffer a runtime prints: it grows with the GPU's SM count
// (llama.cpp PR 23604, 20595: measured on both cards named). One text for the estimate and the reconcile.
inline constexpr std::string_view kCudaContextSpan = "107 MiB on an RTX 4060 Ti to 555 MiB on an RTX PRO 6000 (llama.cpp PR 23604, 20595)";

// What an estimate derives from the config alone: the tensor inventory and its parameter counts. Built once
// per config and shared by every estimate on it (the solvers' searches, the what-fits table, the report).
struct model_tensors {
  inventory inv;
  parameter_counts parameters;
};
model_tensors tensors_of(const model_spec& spec);

estimate_result estimate(const model_spec& spec, const estimate_options& options);
// The same, from tensors_of(spec).
estimate_result estimate(const model_spec& spec, const model_tensors& tensors, const estimate_options& options);

// Decode steps per second of an estimate on `gpus` GPUs of kind g with every layer on them: the step's bytes
// (active weights, less the input embedding a step looks up a row of, + KV) at the GPUs' bandwidth times the decode
// efficiency (speed.cpp: per hardware family and weight width under llama.cpp, kDecodeEfficiency otherwise).
double decode_tokens_per_s(const estimate_result& r, const gpu_info& g, uint64_t gpus);
// The hardware family whose published llama.cpp runs set a GPU's decode efficiency ("nvidia", "nvidia-hbm",
// "apple", "apple-ultra", "amd", "intel", ...).
std::string_view decode_family_of(const gpu_info& g);

// Storage of one instance of a tensor in a weight format, in bytes.
uint64_t tensor_bytes(const tensor_entry& t, const weight_format& f);

}  // namespace neuroshrink
