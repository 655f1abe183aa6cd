#include <catch2/catch.hpp>

#include "estimate.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

// Configs with the published dimensions of each checkpoint (llava-hf/llava-1.5-7b-hf, google/gemma-3-4b-it
// with the fields its text_config omits, Qwen/Qwen2-VL-7B-Instruct); real config files are to be added.
static parameter_counts counts(const char* json) {
  const auto p = parse_config(json);
  REQUIRE(p.ok());
  return count_parameters(build_inventory(p.spec));
}

static uint64_t component(const parameter_counts& p, std::string_view name) {
  for (const auto& [c, n] : p.by_component)
    if (c == name) return n;
  return 0;
}

TEST_CASE("Llava-1.5-7B counts text, CLIP tower and projector: 7,063,427,072", "[params][vlm]") {
  const auto p = counts(R"({"architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
      "text_config": {"architectures": ["LlamaForCausalLM"], "max_position_embeddings": 4096, "model_type": "llama",
        "rms_norm_eps": 1e-05, "torch_dtype": "float16", "vocab_size": 32064},
      "tie_word_embeddings": false, "torch_dtype": "float16",
      "vision_config": {"hidden_size": 1024, "image_size": 336, "intermediate_size": 4096, "model_type": "clip_vision_model",
        "num_attention_heads": 16, "num_hidden_layers": 24, "patch_size": 14, "projection_dim": 768, "vocab_size": 32000},
      "vision_feature_layer": -2, "vision_feature_select_strategy": "default", "vocab_size": 32064})");
  // Text: Llama-2-7B with 64 more tokens in the embedding and the head: 6,738,415,616 + 2 x 64 x 4096.
  CHECK(component(p, "text") == 6'738'939'904ull);
  // CLIP ViT-L/14-336: class 1024, patch 1024 x 3 x 14 x 14, positions 577 x 1024, pre and post LayerNorms,
  // 24 layers x 12,596,224.
  CHECK(component(p, "vision") == 1024 + 602'112 + 577ull * 1024 + 2 * 2048 + 24ull * 12'596'224);
  // Projector: 4096 x 1024 + 4096 and 4096 x 4096 + 4096.
  CHECK(component(p, "projector") == 4'198'400 + 16'781'312);
  CHECK(p.total.value == 7'063'427'072ull);
}

TEST_CASE("Gemma-3-4B fills its four-field text_config from the class defaults: 4,300,079,472", "[params][vlm]") {
  const auto parsed = parse_config(R"({"architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
      "text_config": {"hidden_size": 2560, "intermediate_size": 10240, "model_type": "gemma3_text", "num_hidden_layers": 34,
        "rope_scaling": {"factor": 8.0, "rope_type": "linear"}, "sliding_window": 1024},
      "torch_dtype": "bfloat16",
      "vision_config": {"hidden_size": 1152, "image_size": 896, "intermediate_size": 4304, "model_type": "siglip_vision_model",
        "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14, "vision_use_head": false}})");
  REQUIRE(parsed.ok());
  const auto p = count_parameters(build_inventory(parsed.spec));
  CHECK(p.total.value == 4'300'079'472ull);
  CHECK(component(p, "projector") == 1152ull * 2560 + 1152);
  // Defaults from Gemma3TextConfig: 8 heads, 4 KV heads of 256, vocab 262,208, pattern 6.
  CHECK(parsed.spec.num_attention_heads == 8);
  CHECK(parsed.spec.vocab_size == 262'208);
  estimate_options o;
  o.context_tokens = 8192;
  const auto r = estimate(parsed.spec, o);
  // 34 layers: 29 sliding (1024 tokens) and 5 global ((i + 1) % 6 == 0): K + V = 2 x 4 x 256 x 2 bytes = 4096 per layer.
  CHECK(r.memory.kv_cache_bytes == 29ull * 4096 * 1024 + 5ull * 4096 * 8192);
}

TEST_CASE("Qwen2-VL-7B with top-level text fields has 8,291,375,616 parameters", "[params][vlm]") {
  const auto p = counts(R"({"architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl",
      "hidden_size": 3584, "intermediate_size": 18944, "num_attention_heads": 28, "num_hidden_layers": 28,
      "num_key_value_heads": 4, "vocab_size": 152064, "max_position_embeddings": 32768, "tie_word_embeddings": false,
      "torch_dtype": "bfloat16", "vision_config": {"depth": 32, "embed_dim": 1280, "mlp_ratio": 4, "num_heads": 16,
        "in_chans": 3, "hidden_size": 3584, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2}})");
  CHECK(component(p, "text") == 7'615'616'512ull);  // the Qwen2-7B decoder
  CHECK(p.total.value == 8'291'375'616ull);
}

TEST_CASE("a vision-language model whose text model is unknown says so", "[vlm]") {
  const auto p = parse_config(R"({"model_type": "llava", "text_config": {"model_type": "mystery"}})");
  REQUIRE_FALSE(p.ok());
  CHECK(p.issues[0].code == "unknown_text_model");
}

TEST_CASE("Llama-3.2-11B-Vision, with 8 cross-attention layers and a tiled ViT, has 10,670,220,835 parameters", "[params][vlm][mllama]") {
  const auto parsed = parse_config(R"({"architectures": ["MllamaForConditionalGeneration"], "model_type": "mllama",
      "text_config": {"model_type": "mllama_text_model", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 40,
        "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
        "cross_attention_layers": [3, 8, 13, 18, 23, 28, 33, 38], "tie_word_embeddings": false, "max_position_embeddings": 131072},
      "vision_config": {"hidden_size": 1280, "intermediate_size": 5120, "num_hidden_layers": 32, "num_global_layers": 8,
        "attention_heads": 16, "image_size": 560, "patch_size": 14, "max_num_tiles": 4, "num_channels": 3,
        "intermediate_layers_indices": [3, 7, 15, 23, 30], "vision_output_dim": 7680,
        "supported_aspect_ratios": [[1, 1], [1, 2], [1, 3], [1, 4], [2, 1], [2, 2], [3, 1], [4, 1]]},
      "torch_dtype": "bfloat16"})");
  REQUIRE(parsed.ok());
  const auto p = count_parameters(build_inventory(parsed.spec));
  CHECK(p.total.value == 10'670'220'835ull);  // Meta's model card
  CHECK(component(p, "projector") == 7680ull * 4096 + 4096);
  estimate_options o;
  const auto r = estimate(parsed.spec, o);
  // Only the 32 self-attention layers cache text tokens: 32 x 2 x 8 x 128 x 2 bytes.
  CHECK(r.kv_cache_bytes_per_token == 131'072);
  // The 8 cross-attention layers cache one image: 4 tiles x (40 x 40 + 1) tokens of K and V.
  CHECK(r.memory.kv_cache_bytes == 131'072ull * 4096 + 8ull * 2 * 8 * 128 * 4 * 1601 * 2);
}

TEST_CASE("Llama-4-Scout-17B-16E has 108,641,793,536 parameters, 17B active beside its embeddings", "[params][vlm][llama4]") {
  const auto parsed = parse_config(R"({"architectures": ["Llama4ForConditionalGeneration"], "model_type": "llama4",
      "text_config": {"model_type": "llama4_text", "hidden_size": 5120, "intermediate_size": 8192, "intermediate_size_mlp": 16384,
        "num_hidden_layers": 48, "num_attention_heads": 40, "num_key_value_heads": 8, "head_dim": 128, "vocab_size": 202048,
        "num_local_experts": 16, "num_experts_per_tok": 1, "interleave_moe_layer_step": 1, "attention_chunk_size": 8192,
        "max_position_embeddings": 10485760, "tie_word_embeddings": false},
      "vision_config": {"model_type": "llama4_vision_model", "hidden_size": 1408, "intermediate_size": 5632, "num_hidden_layers": 34,
        "num_attention_heads": 16, "image_size": 336, "patch_size": 14, "vision_output_dim": 4096, "projector_input_dim": 4096,
        "projector_output_dim": 4096, "pixel_shuffle_ratio": 0.5},
      "torch_dtype": "bfloat16"})");
  REQUIRE(parsed.ok());
  const auto p = count_parameters(build_inventory(parsed.spec));
  CHECK(p.total.value == 108'641'793'536ull);
  // Meta's "17B active" leaves out the 202,048 x 5,120 embedding table.
  CHECK(p.active.value - 202'048ull * 5'120 == 17'010'341'376ull);
  estimate_options o;
  o.context_tokens = 32768;
  const auto r = estimate(parsed.spec, o);
  // 36 chunked layers keep 8192 tokens, 12 global (NoPE) layers all 32768: 2 x 8 x 128 x 2 bytes = 4096 per layer.
  CHECK(r.memory.kv_cache_bytes == 36ull * 4096 * 8192 + 12ull * 4096 * 32768);
}
