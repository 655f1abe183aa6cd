// One record per architecture, in the spirit of llama.cpp's src/llama-arch.cpp: the names config.json gives it
// (model_type, and the transformers class its "architectures" entry names), the GGUF architecture that
// convert_hf_to_gguf.py writes for it, and the sliding-window kind llama.cpp runs it with. Its config reader and
// tensor builder are the family_rule of the same model_type (family.h); tests/architectures_test.cpp keeps the
// two lists in step.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace neuroshrink {

// hparams.swa_type as llama.cpp's load_hparams sets it (src/llama-hparams.h enum llama_swa_type; the per-model
// cases of src/llama-model.cpp, now src/models/<arch>.cpp load_arch_hparams). Anything but none makes
// create_memory build llama_kv_cache_iswa (src/llama-model.cpp), whose sliding or chunked layers keep
// pad256(min(n_ctx_seq, n_swa + n_ubatch)) cells (src/llama-kv-cache-iswa.cpp); none gives every layer the
// whole context, whatever the config's sliding_window says.
enum class llama_window : uint8_t {
  none,      // LLAMA_SWA_TYPE_NONE
  standard,  // LLAMA_SWA_TYPE_STANDARD: the last n_swa tokens
  chunked,   // LLAMA_SWA_TYPE_CHUNKED: the current n_swa-token chunk (Llama 4)
};

struct architecture {
  std::string_view model_type;  // config.json model_type
  std::string_view hf_class;    // the transformers class modeling_auto.py pairs with it; "" when not paired here
  std::string_view gguf_arch;   // general.architecture of its GGUF; "none" when convert_hf_to_gguf.py converts none
  llama_window window;          // how llama.cpp runs its sliding or chunked layers
};

namespace arch_table {
using enum llama_window;

// model_type -> class, GGUF architecture, window. Classes: transformers models/auto/modeling_auto.py
// (MODEL_FOR_CAUSAL_LM_MAPPING_NAMES, MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES). GGUF names: the converter
// class each HF class registers (convert_hf_to_gguf.py, now conversion/__init__.py TEXT_MODEL_MAP) and its
// model_arch in gguf-py/gguf/constants.py MODEL_ARCH_NAMES. Windows: llama.cpp src/llama-model.cpp load_hparams
// (ggml-org/llama.cpp 0034230, and src/models/<arch>.cpp after the per-model split), case by case as commented.
// A vision-language wrapper's own row serves only when its text model is unknown: keeps_window reads the row
// of model_spec::text_family first.
inline constexpr architecture kTable[] = {
//  model_type           transformers class                    GGUF arch      window
  {"llama",              "LlamaForCausalLM",                   "llama",       none},      // LLM_ARCH_LLAMA: no swa_type
  {"mistral",            "MistralForCausalLM",                 "llama",       none},      // converted by LlamaModel: the window is dropped
  {"mixtral",            "MixtralForCausalLM",                 "llama",       none},      // likewise
  {"minimax_m2",         "MiniMaxM2ForCausalLM",               "minimax-m2",  none},
  {"qwen2",              "Qwen2ForCausalLM",                   "qwen2",       none},      // LLM_ARCH_QWEN2 reads no window: use_sliding_window is ignored
  {"qwen3",              "Qwen3ForCausalLM",                   "qwen3",       none},
  {"gemma",              "GemmaForCausalLM",                   "gemma",       none},
  {"gemma2",             "Gemma2ForCausalLM",                  "gemma2",      standard},  // LLM_ARCH_GEMMA2: STANDARD, set_swa_pattern(2), n_swa 4096 by default
  {"gemma3_text",        "Gemma3ForCausalLM",                  "gemma3",      standard},  // LLM_ARCH_GEMMA3: STANDARD, set_swa_pattern(6)
  {"phi3",               "Phi3ForCausalLM",                    "phi3",        none},      // "Phi SWA is currently disabled" (llama.cpp PR 13676)
  {"qwen2_moe",          "Qwen2MoeForCausalLM",                "qwen2moe",    none},
  {"qwen3_moe",          "Qwen3MoeForCausalLM",                "qwen3moe",    none},
  {"phimoe",             "PhimoeForCausalLM",                  "phimoe",      none},      // LLM_ARCH_PHIMOE reads no sliding_window (src/models/phimoe.cpp)
  {"deepseek_v2",        "DeepseekV2ForCausalLM",              "deepseek2",   none},
  {"deepseek_v3",        "DeepseekV3ForCausalLM",              "deepseek2",   none},      // DeepseekV2Model registers V3 too
  {"deepseek_v32",       "DeepseekV32ForCausalLM",             "deepseek32",  none},      // DeepseekV32Model, MODEL_ARCH.DEEPSEEK32
  {"glm_moe_dsa",        "GlmMoeDsaForCausalLM",               "glm-dsa",     none},
  {"gpt_oss",            "GptOssForCausalLM",                  "gpt-oss",     standard},  // LLM_ARCH_OPENAI_MOE: STANDARD, set_swa_pattern(2)
  {"nemotron-nas",       "",                                   "deci",        none},      // DeciLMForCausalLM (remote code) -> DeciModel
  {"llama4_text",        "Llama4ForCausalLM",                  "llama4",      chunked},   // LLM_ARCH_LLAMA4: CHUNKED, n_swa 8192, set_swa_pattern(4)
  {"gpt2",               "GPT2LMHeadModel",                    "gpt2",        none},
  {"gptj",               "GPTJForCausalLM",                    "none",        none},      // no GPT-J converter, no LLM_ARCH_GPTJ loader
  {"gpt_neox",           "GPTNeoXForCausalLM",                 "gptneox",     none},
  {"bloom",              "BloomForCausalLM",                   "bloom",       none},
  {"opt",                "OPTForCausalLM",                     "none",        none},      // no OPT converter
  {"falcon",             "FalconForCausalLM",                  "falcon",      none},
  {"RefinedWeb",         "",                                   "falcon",      none},      // RWForCausalLM -> FalconModel
  {"RefinedWebModel",    "",                                   "falcon",      none},      // likewise
  {"phi",                "PhiForCausalLM",                     "phi2",        none},
  {"starcoder2",         "Starcoder2ForCausalLM",              "starcoder2",  none},      // LLM_ARCH_STARCODER2: no swa_type, build_attn_inp_kv (src/models/starcoder2.cpp)
  {"cohere",             "CohereForCausalLM",                  "command-r",   none},
  {"cohere2",            "Cohere2ForCausalLM",                 "cohere2",     standard},  // LLM_ARCH_COHERE2: STANDARD, set_swa_pattern(4)
  {"olmo",               "OlmoForCausalLM",                    "olmo",        none},
  {"olmo2",              "Olmo2ForCausalLM",                   "olmo2",       none},      // STANDARD only with a GGUF sliding_window, which conversion/olmo.py writes for OLMo-3 alone
  {"olmo3",              "Olmo3ForCausalLM",                   "olmo2",       standard},  // converted as olmo2 with its sliding_window: STANDARD, set_swa_pattern(4)
  {"internlm2",          "",                                   "internlm2",   none},      // InternLM2ForCausalLM (remote code)
  {"glm",                "GlmForCausalLM",                     "chatglm",     none},      // converted by ChatGLMModel
  {"glm4",               "Glm4ForCausalLM",                    "glm4",        none},
  {"gpt_bigcode",        "GPTBigCodeForCausalLM",              "starcoder",   none},      // StarCoderModel, LLM_ARCH_STARCODER (n_head_kv 1 with multi_query)
  {"qwen",               "",                                   "qwen",        none},      // QWenLMHeadModel (remote code) -> QwenModel, LLM_ARCH_QWEN
  {"stablelm",           "StableLmForCausalLM",                "stablelm",    none},      // StableLMModel, LLM_ARCH_STABLELM
  {"smollm3",            "SmolLM3ForCausalLM",                 "smollm3",     none},      // SmolLM3Model, LLM_ARCH_SMOLLM3: no swa_type
  {"mamba",              "MambaForCausalLM",                   "mamba",       none},
  {"falcon_mamba",       "FalconMambaForCausalLM",             "mamba",       none},
  {"mamba2",             "Mamba2ForCausalLM",                  "mamba2",      none},
  {"jamba",              "JambaForCausalLM",                   "jamba",       none},
  {"nemotron_h",         "NemotronHForCausalLM",               "nemotron_h",  none},      // nemotron_h_moe when it has routed experts
  {"qwen3_next",         "Qwen3NextForCausalLM",               "qwen3next",   none},
  {"qwen3_5_text",       "Qwen3_5ForCausalLM",                 "qwen35",      none},
  {"qwen3_5_moe_text",   "",                                   "qwen35moe",   none},
  {"deepseek",           "",                                   "deepseek",    none},      // DeepseekForCausalLM (remote code) -> DeepseekModel, LLM_ARCH_DEEPSEEK
  {"olmoe",              "OlmoeForCausalLM",                   "olmoe",       none},      // OlmoeModel, LLM_ARCH_OLMOE
  {"granitemoe",         "GraniteMoeForCausalLM",              "granitemoe",  none},      // GraniteMoeModel, LLM_ARCH_GRANITE_MOE
  {"minicpm",            "",                                   "minicpm",     none},      // MiniCPMForCausalLM (remote code) -> MiniCPMModel, LLM_ARCH_MINICPM
  {"minicpm3",           "",                                   "minicpm3",    none},      // MiniCPM3ForCausalLM (remote code) -> MiniCPM3Model, LLM_ARCH_MINICPM3
  {"ernie4_5_moe",       "Ernie4_5_MoeForCausalLM",            "ernie4_5-moe", none},     // Ernie4_5MoeModel, LLM_ARCH_ERNIE4_5_MOE
  {"granite",            "GraniteForCausalLM",                 "granite",     none},      // GraniteModel, LLM_ARCH_GRANITE
  {"seed_oss",           "SeedOssForCausalLM",                 "seed_oss",    none},      // SeedOssModel, LLM_ARCH_SEED_OSS
  {"mimo",               "",                                   "qwen2",       none},      // MiMoForCausalLM (remote code) -> MiMoModel: a Qwen2 text decoder (its MTP layers left out)
  {"chatglm",            "",                                   "chatglm",     none},
  {"hunyuan_v1_moe",     "HunYuanMoEV1ForCausalLM",            "hunyuan-moe", none},      // LLM_ARCH_HUNYUAN_MOE
  {"hunyuan",            "",                                   "hunyuan-moe", none},      // Hunyuan-A13B's first release (remote code)
  {"hunyuan_v1_dense",   "HunYuanDenseV1ForCausalLM",          "hunyuan-dense", none},    // LLM_ARCH_HUNYUAN_DENSE
  {"baichuan",           "",                                   "baichuan",    none},      // BaichuanForCausalLM (remote code) -> BaichuanModel, LLM_ARCH_BAICHUAN      // ChatGLMForConditionalGeneration (remote code) -> ChatGLMModel, LLM_ARCH_CHATGLM
  {"exaone4",            "Exaone4ForCausalLM",                 "exaone4",     standard},  // Exaone4Model, LLM_ARCH_EXAONE4: STANDARD when the file gives sliding_window
  {"glm4_moe",           "Glm4MoeForCausalLM",                 "glm4moe",     none},      // Glm4MoeModel, LLM_ARCH_GLM4_MOE
  {"glm4v",              "Glm4vForConditionalGeneration",      "glm4",        none},      // text GLM-4; its vision in an mmproj
  {"glm4v_moe",          "Glm4vMoeForConditionalGeneration",   "glm4moe",     none},      // text GLM-4.5 MoE; its vision in an mmproj
  {"lfm2",               "Lfm2ForCausalLM",                    "lfm2",        none},      // LFM2Model, LLM_ARCH_LFM2 (attention layers only; conv layers recurrent)
  {"lfm2_vl",            "Lfm2VlForConditionalGeneration",     "lfm2",        none},      // text LFM2; its vision in an mmproj
  {"molmo",              "",                                   "none",        none},      // remote code MolmoForCausalLM; no GGUF converter
  {"phi3_v",             "",                                   "phi3",        none},      // remote code Phi3VForCausalLM; text as Phi-3
  {"qwen2_audio",        "Qwen2AudioForConditionalGeneration", "qwen2",       none},      // text as Qwen2; its Whisper-style encoder in an mmproj
  {"minicpmv",           "",                                   "none",        none},      // remote code MiniCPMV; llama.cpp converts its parts with its own scripts (the text row serves)
  {"lfm2-vl",            "",                                   "lfm2",        none},      // Liquid's remote-code spelling (class as lfm2_vl)
  {"falcon_h1",          "FalconH1ForCausalLM",                "falcon-h1",   none},      // FalconH1Model, LLM_ARCH_FALCON_H1 (attention and Mamba-2 in every layer)
  {"granitemoehybrid",   "GraniteMoeHybridForCausalLM",        "granitehybrid", none},    // GraniteHybridModel, LLM_ARCH_GRANITE_HYBRID
  {"llava",              "LlavaForConditionalGeneration",      "llama",       none},      // text decoder converted by LlamaModel
  {"llava_next",         "LlavaNextForConditionalGeneration",  "llama",       none},      // likewise
  {"gemma3",             "Gemma3ForConditionalGeneration",     "gemma3",      standard},  // as gemma3_text
  {"qwen2_vl",           "Qwen2VLForConditionalGeneration",    "qwen2vl",     none},
  {"qwen2_5_vl",         "Qwen2_5_VLForConditionalGeneration", "qwen2vl",     none},      // Qwen2VLModel registers 2.5 too
  {"llama4",             "Llama4ForConditionalGeneration",     "llama4",      chunked},   // as llama4_text
  {"mllama",             "MllamaForConditionalGeneration",     "none",        none},      // no converter: llama.cpp has no mllama architecture
  {"qwen3_5",            "Qwen3_5ForConditionalGeneration",    "qwen35",      none},
  {"qwen3_5_moe",        "Qwen3_5MoeForConditionalGeneration", "qwen35moe",   none},
  {"qwen3_vl",           "Qwen3VLForConditionalGeneration",    "qwen3vl",     none},
  {"qwen3_vl_moe",       "Qwen3VLMoeForConditionalGeneration", "qwen3vlmoe",  none},
  {"mistral3",           "Mistral3ForConditionalGeneration",   "llama",       none},      // Mistral3Model: the text decoder converted as llama
  {"internvl_chat",      "",                                   "none",        none},      // InternVLChatModel (remote code): llama.cpp converts its text model by its own class
  {"gemma4",             "Gemma4ForConditionalGeneration",     "gemma4",      standard},  // LLM_ARCH_GEMMA4: STANDARD, per-layer sliding_window_pattern (llama.cpp PR 21309)
};
}  // namespace arch_table

inline std::span<const architecture> architectures() { return arch_table::kTable; }

// The record of a model_type, or nullptr.
inline const architecture* find_architecture(std::string_view model_type) {
  for (const auto& a : arch_table::kTable)
    if (a.model_type == model_type) return &a;
  return nullptr;
}

// The record whose transformers class is `hf_class`, or nullptr.
inline const architecture* find_architecture_by_class(std::string_view hf_class) {
  if (hf_class.empty()) return nullptr;
  for (const auto& a : arch_table::kTable)
    if (a.hf_class == hf_class) return &a;
  return nullptr;
}

}  // namespace neuroshrink
