// The vision-language families (core/families/vlm.cpp, rules in vlm_rules.h): llava, gemma3, qwen2_vl, llama4,
// mllama, qwen2_5_vl, qwen3_5, qwen3_5_moe, qwen3_vl, qwen3_vl_moe, gemma4. A vision tower and a projector
// beside a text decoder read with its own family's rule; each part is counted as its own component.
// Evidence, family by family in the order of vlm_rules.h:
// - parameter counts, text / vision / projector, of real config.json fixtures (tests/fixtures/configs/; sources
//   in tests/fixtures/SOURCES.md) against the published count, and by hand;
// - published counts of configs written with a checkpoint's published dimensions (llava-hf/llava-1.5-7b-hf,
//   google/gemma-3-4b-it with the fields its text_config omits, Qwen/Qwen2-VL-7B-Instruct, Llama-3.2-11B-Vision,
//   Llama-4-Scout);
// - the KV cache of the text decoder (sliding, chunked and cross-attention layers, the Gated DeltaNet state of
//   Qwen3.5) against hand arithmetic; configs refused with the reason.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "estimate.h"
#include "families_helpers.h"
#include "images.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;
using namespace family_tests;

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

namespace {
uint64_t component_of(const parameter_counts& p, std::string_view c) {
  for (const auto& [k, n] : p.by_component)
    if (k == c) return n;
  return 0;
}
}  // namespace

// ---- llava -------------------------------------------------------------------------------------------

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

TEST_CASE("llava-hf/llava-1.5-7b-hf counts text, CLIP tower and projector: 7,063,427,072", "[params][vlm][llava][fixture]") {
  const auto s = fixture("llava-hf__llava-1.5-7b-hf");
  const auto p = params_of(s);
  // Text: Llama-2-7B dimensions (text_config gives only vocab_size 32064): embed_tokens and lm_head
  // 2 x 32,064 x 4,096 = 262,668,288; 32 layers x 202,383,360; norm 4096.
  CHECK(component(p, "text") == 2ull * 32'064 * 4'096 + 32ull * 202'383'360 + 4'096);
  // CLIP ViT-L/14-336: class 1024, patch 1024 x 3 x 14 x 14 = 602,112, positions 577 x 1024 = 590,848,
  // pre_layrnorm and post_layernorm 2 x 2048; 24 layers x (q, k, v, out 4 x 1,049,600 + LayerNorms 4096
  // + fc1 4,198,400 + fc2 4,195,328 = 12,596,224).
  CHECK(component(p, "vision") == 1'024 + 602'112 + 590'848 + 2 * 2'048 + 24ull * 12'596'224);
  // linear_1 4096 x 1024 + 4096 and linear_2 4096 x 4096 + 4096.
  CHECK(component(p, "projector") == 4'198'400 + 16'781'312);
  // Published: the checkpoint index's metadata.total_size, 14,126,854,144 bytes of fp16, / 2.
  CHECK(p.total.value == 7'063'427'072ull);
  CHECK(p.total.value * 2 == 14'126'854'144ull);
}

TEST_CASE("Llava-1.5-7B caches K and V for the text decoder only", "[kv][vlm][llava][fixture]") {
  const auto r = estimate_at(fixture("llava-hf__llava-1.5-7b-hf"), 4096);
  // 32 layers x (K + V) 2 x 32 heads x 128 x 2 bytes (fp16) = 524,288 bytes per token.
  CHECK(r.kv_cache_bytes_per_token == 32ull * 2 * 32 * 128 * 2);
  CHECK(r.memory.kv_cache_bytes == 524'288ull * 4096);
}

TEST_CASE("a Llava checkpoint with a SigLIP tower builds SigLIP, with its pooling head unless told otherwise", "[params][vlm][llava]") {
  const char* base = R"({"model_type": "llava", "text_config": {"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864,
      "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 152000, "tie_word_embeddings": true},
      "vision_config": {"model_type": "siglip_vision_model", "hidden_size": 1152, "intermediate_size": 4304, "num_hidden_layers": 26,
        "image_size": 384, "patch_size": 14 %s}})";
  auto config = [&](const char* extra) {
    std::string s(base);
    return s.replace(s.find("%s"), 2, extra);
  };
  const auto with_head = parse_config(config(""));
  const auto without_head = parse_config(config(R"(, "vision_use_head": false)"));
  REQUIRE(with_head.ok());
  REQUIRE(without_head.ok());
  // SiglipVisionEmbeddings: a biased patch conv and (384 / 14)^2 = 729 positions, no class token, no pre-norm.
  CHECK(has_tensor(without_head.spec, "vision_tower.vision_model.embeddings.patch_embedding.bias"));
  CHECK_FALSE(has_tensor(without_head.spec, "vision_tower.vision_model.embeddings.class_embedding"));
  CHECK_FALSE(has_tensor(without_head.spec, "vision_tower.vision_model.pre_layrnorm"));
  const uint64_t h = 1152, i = 4304;
  const uint64_t layer = 4 * (h * h + h) + 4 * h + (i * h + i) + (h * i + h);
  CHECK(component(params_of(without_head.spec), "vision") == h * 3 * 14 * 14 + h + 729 * h + 26 * layer + 2 * h);
  // SiglipMultiheadAttentionPoolingHead: probe h, in_proj 3h x h + 3h, out_proj h x h + h, LayerNorm 2h,
  // fc1 i x h + i, fc2 h x i + h.
  const uint64_t head = h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (i * h + i) + (h * i + h);
  CHECK(component(params_of(with_head.spec), "vision") == component(params_of(without_head.spec), "vision") + head);
}

TEST_CASE("a vision-language model whose text model is unknown says so", "[vlm]") {
  const auto p = parse_config(R"({"model_type": "llava", "text_config": {"model_type": "mystery"}})");
  REQUIRE_FALSE(p.ok());
  CHECK(p.issues[0].code == "unknown_text_model");
}

// ---- gemma3 ------------------------------------------------------------------------------------------

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

TEST_CASE("google/gemma-3-4b-it has 4,300,079,472 parameters from a four-field text_config", "[params][vlm][gemma3][fixture]") {
  const auto s = fixture("google__gemma-3-4b-it");
  const auto p = params_of(s);
  // Text (Gemma3TextConfig defaults for heads 8, KV heads 4, head_dim 256, vocab 262,208; tied):
  // embeddings 262,208 x 2,560 = 671,252,480; 34 layers x (q 2048 x 2560, k and v 1024 x 2560,
  // o 2560 x 2048, q/k norms 2 x 256, MLP 3 x 2560 x 10240, four norms 4 x 2560 = 94,382,592); norm 2560.
  CHECK(component(p, "text") == 262'208ull * 2'560 + 34ull * 94'382'592 + 2'560);
  // SigLIP (vision_use_head false): patch 1152 x 3 x 14 x 14 + bias 1152, positions (896 / 14)^2 = 4096 x 1152,
  // 27 layers x (attention 4 x (1152^2 + 1152), LayerNorms 4 x 1152, fc1 4304 x 1152 + 4304,
  // fc2 1152 x 4304 + 1152 = 15,239,504), post_layernorm 2 x 1152.
  CHECK(component(p, "vision") == 677'376 + 1'152 + 4'096ull * 1'152 + 27ull * 15'239'504 + 2'304);
  CHECK(component(p, "projector") == 1'152ull * 2'560 + 1'152);
  // Published: 4,300,079,472 (keras-hub gemma3_presets.py "medgemma_4b", the same architecture; the Hub's
  // count for google/gemma-3-4b-it in llmfit hf_models.json).
  CHECK(p.total.value == 4'300'079'472ull);
  // Text alone: 3,880,263,168, the Hub's count for text-only Gemma-3-4B derivatives (llmfit).
  CHECK(component(p, "text") == 3'880'263'168ull);
}

TEST_CASE("Gemma-3-4B caches 1024 tokens on 29 sliding layers and the whole context on 5", "[kv][vlm][gemma3][fixture]") {
  const auto r = estimate_at(fixture("google__gemma-3-4b-it"), 32768);
  // Per layer and token: K + V = 2 x 4 KV heads x 256 x 2 bytes (bf16) = 4096; global layers where
  // (i + 1) % 6 == 0: 5, 11, 17, 23, 29.
  CHECK(r.kv_cache_bytes_per_token == 34ull * 4'096);
  CHECK(r.memory.kv_cache_bytes == 29ull * 4'096 * 1'024 + 5ull * 4'096 * 32'768);
}

TEST_CASE("a Gemma 3 vision_config that omits vision_use_head keeps SigLIP's pooling head", "[params][vlm][gemma3]") {
  // SiglipVisionTransformer: use_head = True if not hasattr(config, "vision_use_head").
  const auto p = parse_config(R"({"model_type": "gemma3", "text_config": {"model_type": "gemma3_text", "hidden_size": 2560,
      "intermediate_size": 10240, "num_hidden_layers": 34},
      "vision_config": {"hidden_size": 1152, "image_size": 896, "intermediate_size": 4304, "model_type": "siglip_vision_model",
        "num_attention_heads": 16, "num_hidden_layers": 27, "patch_size": 14}})");
  REQUIRE(p.ok());
  CHECK(has_tensor(p.spec, "vision_tower.vision_model.head.probe"));
  const uint64_t h = 1152, i = 4304;
  const uint64_t head = h + (3 * h * h + 3 * h) + (h * h + h) + 2 * h + (i * h + i) + (h * i + h);
  CHECK(params_of(p.spec).total.value == 4'300'079'472ull + head);
}

// ---- qwen2_vl ----------------------------------------------------------------------------------------

TEST_CASE("Qwen2-VL-7B with top-level text fields has 8,291,375,616 parameters", "[params][vlm]") {
  const auto p = counts(R"({"architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl",
      "hidden_size": 3584, "intermediate_size": 18944, "num_attention_heads": 28, "num_hidden_layers": 28,
      "num_key_value_heads": 4, "vocab_size": 152064, "max_position_embeddings": 32768, "tie_word_embeddings": false,
      "torch_dtype": "bfloat16", "vision_config": {"depth": 32, "embed_dim": 1280, "mlp_ratio": 4, "num_heads": 16,
        "in_chans": 3, "hidden_size": 3584, "patch_size": 14, "spatial_merge_size": 2, "temporal_patch_size": 2}})");
  CHECK(component(p, "text") == 7'615'616'512ull);  // the Qwen2-7B decoder
  CHECK(p.total.value == 8'291'375'616ull);
}

TEST_CASE("Qwen/Qwen2-VL-2B-Instruct-AWQ has 2,208,985,600 parameters, its vision fields mostly defaulted", "[params][vlm][qwen2_vl][fixture]") {
  const auto parsed = parse_config(fixture_text("Qwen__Qwen2-VL-2B-Instruct-AWQ"));
  REQUIRE(parsed.ok());
  CHECK(parsed.spec.quantization.method == "awq");
  const auto p = params_of(parsed.spec);
  // Text (top-level fields, Qwen2-1.5B): tied embeddings 151,936 x 1,536 = 233,373,696; 28 layers x
  // (q 1536 x 1536 + 1536, k and v 256 x 1536 + 256, o 1536 x 1536, MLP 3 x 1536 x 8960, norms 2 x 1536
  // = 46,797,824); norm 1536.
  CHECK(component(p, "text") == 151'936ull * 1'536 + 28ull * 46'797'824 + 1'536);
  // Vision: vision_config gives hidden_size 1536 (the merger's output) and in_chans; Qwen2VLVisionConfig
  // defaults give embed_dim 1280, depth 32, mlp_ratio 4, patch 14, temporal 2, merge 2. Patch conv
  // 1280 x 3 x 2 x 14 x 14 = 1,505,280; blocks 32 x (LayerNorms 2 x 2560, qkv 3840 x 1280 + 3840,
  // proj 1280 x 1280 + 1280, fc1 5120 x 1280 + 5120, fc2 1280 x 5120 + 1280 = 19,677,440).
  CHECK(component(p, "vision") == 1'505'280 + 32ull * 19'677'440);
  // Merger: ln_q 2 x 1280, mlp.0 5120 x 5120 + 5120, mlp.2 1536 x 5120 + 1536.
  CHECK(component(p, "projector") == 2'560 + 26'219'520 + 7'865'856);
  // Published: 2,208,985,600 (the Hub's count for Qwen/Qwen2-VL-2B; llmfit hf_models.json). The AWQ
  // checkpoint stores the same logical parameters packed into int32.
  CHECK(p.total.value == 2'208'985'600ull);
}

TEST_CASE("Qwen2-VL-2B caches 28,672 bytes per token", "[kv][vlm][qwen2_vl][fixture]") {
  const auto r = estimate_at(fixture("Qwen__Qwen2-VL-2B-Instruct-AWQ"), 32768);
  // use_sliding_window false: 28 full layers x 2 x 2 KV heads x 128 x 2 bytes (fp16).
  CHECK(r.kv_cache_bytes_per_token == 28ull * 2 * 2 * 128 * 2);
  CHECK(r.memory.kv_cache_bytes == 28'672ull * 32768);
}

// ---- llama4 ------------------------------------------------------------------------------------------

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

TEST_CASE("meta-llama/Llama-4-Scout-17B-16E-Instruct (llama4) has 108,641,793,536 parameters", "[params][llama4][fixture]") {
  // Published: the Hub's safetensors count of RedHatAI/Llama-4-Scout-17B-16E-Instruct, a re-upload of the
  // same checkpoint (llmfit hf_models.json; the meta-llama entry there is rounded to 109B). Text model,
  // vision tower and projector each counted.
  const auto p = params_of("meta-llama__Llama-4-Scout-17B-16E-Instruct");
  CHECK(p.total.value == 108'641'793'536ull);
  CHECK(component(p, "text") + component(p, "vision") + component(p, "projector") == p.total.value);
  CHECK(component(p, "projector") == 5'120ull * 4'096);  // multi_modal_projector.linear_1: vision 4096 -> text 5120
  // 48 layers, 8 KV heads x 128, bf16 (chunked layers cache the same per token, up to their chunk).
  CHECK(kv_per_token("meta-llama__Llama-4-Scout-17B-16E-Instruct") == 48ull * 2 * 8 * 128 * 2);
}

// ---- mllama ------------------------------------------------------------------------------------------

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

TEST_CASE("meta-llama/Llama-3.2-11B-Vision-Instruct has 10,670,220,835 parameters", "[params][vlm][mllama][fixture]") {
  const auto s = fixture("meta-llama__Llama-3.2-11B-Vision-Instruct");
  const auto p = params_of(s);
  // Text: embed_tokens (128,256 + 8) x 4,096 = 525,369,344; lm_head 128,256 x 4,096 = 525,336,576;
  // 32 self-attention layers x 218,112,000 (attention 41,943,040, MLP 176,160,768, norms 8192);
  // 8 cross-attention layers x 218,112,258 (the same plus q/k norms 2 x 128 and two tanh gates); norm 4096.
  CHECK(component(p, "text") == 525'369'344ull + 525'336'576 + 32ull * 218'112'000 + 8ull * 218'112'258 + 4'096);
  // Vision: patch 1280 x 3 x 14 x 14 = 752,640; class 1280; positions 1601 x 1280 + gate 1; tile
  // positions 9 aspect-ratio ids x (4 tiles x 1601 x 1280) = 73,774,080; pre/post tile embeddings
  // 2 x (9 x 4 x 1280 + gate 1); layernorm_pre/post 2 x 2560; 32 local layers x 19,672,320
  // (attention 4 x 1280 x 1280, fc1 5120 x 1280 + 5120, fc2 1280 x 5120 + 1280, LayerNorms 2 x 2560);
  // 8 global layers x (19,672,320 + gate_attn + gate_ffn).
  CHECK(component(p, "vision") == 752'640 + 1'280 + (1'601ull * 1'280 + 1) + 73'774'080 + 2 * (9ull * 4 * 1'280 + 1) +
                                      2 * 2'560 + 32ull * 19'672'320 + 8ull * (19'672'320 + 2));
  CHECK(component(p, "projector") == 7'680ull * 4'096 + 4'096);
  // Published: 10,670,220,835 (Meta's model card; the Hub's safetensors count in llmfit hf_models.json).
  CHECK(p.total.value == 10'670'220'835ull);
}

TEST_CASE("Llama-3.2-11B-Vision caches text K/V on 32 layers and one image's K/V on 8", "[kv][vlm][mllama][fixture]") {
  const auto s = fixture("meta-llama__Llama-3.2-11B-Vision-Instruct");
  uint64_t cross = 0;
  for (const auto& l : s.layers) cross += l.cross_attention;
  CHECK(cross == 8);
  CHECK(s.layers[3].cross_attention);
  CHECK_FALSE(s.layers[4].cross_attention);
  const auto r = estimate_at(s, 8192);
  // Self-attention: 32 x 2 x 8 KV heads x 128 x 2 bytes = 131,072 bytes per token.
  CHECK(r.kv_cache_bytes_per_token == 131'072);
  // Cross-attention: K and V of 4 tiles x (40 x 40 + 1) = 6,404 image tokens, 8 layers x 2 x 8 x 128 x 6,404 x 2 bytes,
  // whatever the context.
  CHECK(r.memory.kv_cache_bytes == 131'072ull * 8192 + 8ull * 2 * 8 * 128 * 6'404 * 2);
}

// ---- qwen2_5_vl --------------------------------------------------------------------------------------

TEST_CASE("Qwen/Qwen2.5-VL-7B-Instruct has 8,292,166,656 parameters", "[params][vlm][qwen2_5_vl][fixture]") {
  const auto p = params_of(fixture("Qwen__Qwen2.5-VL-7B-Instruct"));
  CHECK(component(p, "text") == 7'615'616'512ull);  // the Qwen2.5-7B decoder
  // Patch conv 1,505,280; 32 blocks x (RMSNorms 2 x 1280, qkv 4,919,040, proj 1,639,680, gate and up
  // 2 x (3420 x 1280 + 3420), down 1280 x 3420 + 1280 = 19,702,200).
  CHECK(component(p, "vision") == 1'505'280 + 32ull * 19'702'200);
  // Merger: ln_q (RMSNorm) 1280, mlp.0 5120 x 5120 + 5120, mlp.2 3584 x 5120 + 3584.
  CHECK(component(p, "projector") == 1'280 + 26'219'520 + 18'353'664);
  // Published: metadata.total_size of the checkpoint index, 16,584,333,312 bytes of bf16, / 2.
  CHECK(p.total.value == 8'292'166'656ull);
  CHECK(p.total.value * 2 == 16'584'333'312ull);
}

TEST_CASE("Qwen2.5-VL-7B caches 57,344 bytes per token", "[kv][vlm][qwen2_5_vl][fixture]") {
  const auto r = estimate_at(fixture("Qwen__Qwen2.5-VL-7B-Instruct"), 8192);
  // 28 full layers x 2 x 4 KV heads x 128 x 2 bytes (bf16).
  CHECK(r.kv_cache_bytes_per_token == 28ull * 2 * 4 * 128 * 2);
  CHECK(r.memory.kv_cache_bytes == 57'344ull * 8192);
}

// ---- qwen3_5 / qwen3_5_moe (Gated DeltaNet hybrids: text_config qwen3_5_text / qwen3_5_moe_text) -------

TEST_CASE("Qwen/Qwen3.5-27B (qwen3_5): text, MTP, vision and merger add up to the Hub's 27,781,427,952", "[params][qwen3_5][fixture]") {
  // text_config: H 5120, 64 layers (48 linear_attention, 16 full_attention: every 4th), 24 heads, 4 KV heads,
  // head_dim 256, intermediate 17408, linear heads 16 key / 48 value of 128, conv kernel 4, vocab 248320, untied.
  const uint64_t H = 5120, V = 248320, key = 16 * 128, value = 48 * 128, conv = 2 * key + value;
  const uint64_t gdn = H * (conv + value) + 2 * H * 48 + conv * 4 + 2 * 48 + 128 + value * H;  // qkv, z, b, a; conv; dt_bias, A_log; norm [dv]; out
  const uint64_t attn = 2 * 24 * 256 * H + 2 * 4 * 256 * H + 24 * 256 * H + 2 * 256;            // q doubled for its gate, k, v, o, q/k norms
  const uint64_t mlp = 3 * H * 17408, norms = 2 * H;
  const uint64_t text = 2 * V * H + 48 * gdn + 16 * attn + 64 * (mlp + norms) + H;
  // Vision (depth 27, hidden 1152, intermediate 4304, patch 16, temporal 2, 2304 positions) and the merger
  // (LayerNorm 1152, fc1 4608^2, fc2 5120 x 4608, biases).
  const uint64_t vh = 1152, vi = 4304, mh = 4 * vh;
  const uint64_t vision = vh * 3 * 2 * 16 * 16 + vh + 2304 * vh + 27 * (4 * vh * vh + 2 * vh * vi + 9 * vh + vi);
  const uint64_t merger = 2 * vh + mh * mh + mh + mh * 5120 + 5120;
  // MTP (mtp_num_hidden_layers 1): fc [H, 2H], two pre-norms, one full-attention layer with its MLP, a norm.
  const uint64_t mtp = 2 * H * H + 3 * H + attn + mlp + norms;
  const auto p = params_of("Qwen__Qwen3.5-27B");
  CHECK(component_of(p, "text") == text);
  CHECK(component_of(p, "vision") == vision);
  CHECK(component_of(p, "projector") == merger);
  CHECK(p.mtp.value == mtp);
  CHECK(p.total.value == text + vision + merger);
  // The Hub's safetensors count (llmfit hf_models.json, parameters_raw) includes the stored MTP head.
  CHECK(p.total.value + p.mtp.value == 27'781'427'952ull);
  // Cache: 16 full layers x K and V x 4 heads x 256 x 2 bytes per token; per sequence and linear layer a conv
  // window 10240 x 4 in bf16 and the fp32 recurrent state 48 x 128 x 128.
  const auto r = estimate(fixture("Qwen__Qwen3.5-27B"), estimate_options{});
  REQUIRE(r.ok());
  CHECK(r.kv_cache_bytes_per_token == 16ull * 2 * 4 * 256 * 2);
  uint64_t state = 0;
  for (const auto& g : r.kv_layers) state += g.layers * g.state_bytes;
  CHECK(state == 48 * (conv * 4 * 2 + 48ull * 128 * 128 * 4));
}

TEST_CASE("Qwen/Qwen3.5-35B-A3B (qwen3_5_moe): 256 experts in every layer, MTP apart", "[params][qwen3_5_moe][fixture]") {
  const auto p = params_of("Qwen__Qwen3.5-35B-A3B");
  CHECK(component_of(p, "text") == 34'660'610'688ull);
  CHECK(component_of(p, "vision") == 415'891'440ull);
  CHECK(component_of(p, "projector") == 30'679'808ull);
  CHECK(p.mtp.value == 844'640'768ull);
  CHECK(p.total.value + p.mtp.value == 35'951'822'704ull);  // the Hub's count (llmfit)
  // Active: 8 of 256 routed experts (3 x 2048 x 512 each) in 40 layers; vision and merger run too.
  CHECK(p.total.value - p.active.value == 40ull * (256 - 8) * 3 * 2048 * 512);
}

// ---- qwen3_vl / qwen3_vl_moe -------------------------------------------------------------------------

TEST_CASE("Qwen/Qwen3-VL-8B-Instruct (qwen3_vl): Qwen3 text, the vision tower, a merger and three DeepStack mergers", "[params][qwen3_vl][fixture]") {
  const auto p = params_of("Qwen__Qwen3-VL-8B-Instruct");
  // Text: Qwen3-8B's 36 layers (H 4096, untied at the top level) = 8,190,735,360. Vision: 27 blocks of 1152
  // (the Qwen3.5 tower) = 415,891,440. Mergers over 1152 x 2^2 = 4608 to 4096: one with its LayerNorm over
  // 1152, three DeepStack ones (deepstack_visual_indexes [8, 16, 24]) with theirs over 4608.
  const uint64_t mh = 4608, merger = mh * mh + mh + 4096 * mh + 4096;
  CHECK(component_of(p, "text") == 8'190'735'360ull);
  CHECK(component_of(p, "vision") == 415'891'440ull);
  CHECK(component_of(p, "projector") == (merger + 2 * 1152) + 3 * (merger + 2 * mh));
  // Published: the Hub's count, 8,767,123,696 (llmfit hf_models.json).
  CHECK(p.total.value == 8'767'123'696ull);
}

TEST_CASE("Qwen/Qwen3-VL-30B-A3B-Instruct (qwen3_vl_moe): a head though text_config defaults to tied", "[params][qwen3_vl_moe][fixture]") {
  const auto p = params_of("Qwen__Qwen3-VL-30B-A3B-Instruct");
  CHECK(component_of(p, "text") == 30'532'122'624ull);  // Qwen3-30B-A3B's count, lm_head included
  // Published: 31,070,754,032 for Qwen/Qwen3-VL-30B-A3B-Thinking (llmfit; the same architecture).
  CHECK(p.total.value == 31'070'754'032ull);
}

// ---- gemma4 ------------------------------------------------------------------------------------------

TEST_CASE("google/gemma-4-26B-A4B (gemma4): sliding and k_eq_v full layers, an MoE beside the dense MLP", "[params][gemma4][fixture]") {
  // text_config: H 2816, 30 layers (25 sliding: 16 q / 8 KV heads of 256; 5 full: 16 q heads of 512, 2 KV heads,
  // k_eq_v, no v_proj), dense MLP 2112, 128 experts of 704 (top 8) beside it, tied vocabulary 262144.
  const uint64_t H = 2816;
  const uint64_t sliding = 2 * 16 * 256 * H + 2 * 8 * 256 * H + 2 * 256, full = 2 * 16 * 512 * H + 2 * 512 * H + 2 * 512;
  const uint64_t rest = 4 * H + 3 * H * 2112 + (H + 128 * H + 128) + 128ull * 3 * 704 * H + 3 * H;  // norms, MLP, router, experts, MoE norms
  const auto p = params_of("google__gemma-4-26B-A4B");
  CHECK(component_of(p, "text") == 25 * sliding + 5 * full + 30 * rest + 262'144ull * H + H);
  // Vision: a 27-layer ViT of 1152 (16 heads of 72, MLP 4304), patch projection 768 -> 1152, x / y position
  // tables 2 x 10240 x 1152; embed_vision 1152 -> 2816.
  const uint64_t vh = 1152;
  CHECK(component_of(p, "vision") == 3 * 256 * vh + 2 * 10'240 * vh + 27 * (4 * vh * vh + 2 * 72 + 3 * vh * 4304 + 4 * vh));
  CHECK(component_of(p, "projector") == H * vh);
  CHECK(p.total.value == 25'805'933'872ull);
  CHECK(p.active.value == 4'395'322'672ull);  // 8 of 128 experts
  // Published: 26,544,131,376 (llmfit hf_models.json), the index's declared total, which counts the tied
  // lm_head a second time.
  CHECK(p.total.value + 262'144ull * H == 26'544'131'376ull);
  // Cache per token while within the windows: 25 sliding layers x 2 x 8 x 256 + 5 full x 2 x 2 x 512, 2 bytes.
  const auto r = estimate(fixture("google__gemma-4-26B-A4B"), estimate_options{});
  REQUIRE(r.ok());
  CHECK(r.kv_cache_bytes_per_token == (25ull * 2 * 8 * 256 + 5ull * 2 * 2 * 512) * 2);
}

TEST_CASE("google/gemma-4-31B-it (gemma4, as nvidia's NVFP4 repack gives its dimensions): dense", "[params][gemma4][fixture]") {
  const auto p = params_of("nvidia__Gemma-4-31B-IT-NVFP4");
  CHECK(p.total.value == 31'273'086'512ull);
  CHECK(p.total.value + 262'144ull * 5'376 == 32'682'372'656ull);  // google/gemma-4-31B-it's published count (llmfit)
}

TEST_CASE("Gemma 4's E2B / E4B layouts are refused with the reason, not estimated", "[params][gemma4]") {
  const auto p = parse_config(R"({"model_type": "gemma4", "architectures": ["Gemma4ForConditionalGeneration"],
      "text_config": {"model_type": "gemma4_text", "hidden_size": 1536, "hidden_size_per_layer_input": 256,
      "num_hidden_layers": 35, "num_attention_heads": 8, "num_key_value_heads": 1, "intermediate_size": 6144,
      "vocab_size": 262144}})");
  REQUIRE_FALSE(p.ok());
  CHECK(has_issue(p.issues, "not_modelled"));
}


// Mistral-Small-3.x's config.json as transformers 4.57.1 saves it (a text-encoder loader holds it as a string,
// M3_CONFIG_JSON; tests/fixtures/SOURCES.md: no Hub copy was found verbatim).
static const char* kMistralSmall3 = R"json({
  "architectures": [
    "Mistral3ForConditionalGeneration"
  ],
  "dtype": "bfloat16",
  "image_token_index": 10,
  "model_type": "mistral3",
  "multimodal_projector_bias": false,
  "projector_hidden_act": "gelu",
  "spatial_merge_size": 2,
  "text_config": {
    "attention_dropout": 0.0,
    "dtype": "bfloat16",
    "head_dim": 128,
    "hidden_act": "silu",
    "hidden_size": 5120,
    "initializer_range": 0.02,
    "intermediate_size": 32768,
    "max_position_embeddings": 131072,
    "model_type": "mistral",
    "num_attention_heads": 32,
    "num_hidden_layers": 40,
    "num_key_value_heads": 8,
    "rms_norm_eps": 1e-05,
    "rope_theta": 1000000000.0,
    "sliding_window": null,
    "use_cache": true,
    "vocab_size": 131072
  },
  "transformers_version": "4.57.1",
  "vision_config": {
    "attention_dropout": 0.0,
    "dtype": "bfloat16",
    "head_dim": 64,
    "hidden_act": "silu",
    "hidden_size": 1024,
    "image_size": 1540,
    "initializer_range": 0.02,
    "intermediate_size": 4096,
    "model_type": "pixtral",
    "num_attention_heads": 16,
    "num_channels": 3,
    "num_hidden_layers": 24,
    "patch_size": 14,
    "rope_theta": 10000.0
  },
  "vision_feature_layer": -1
})json";

TEST_CASE("Mistral-Small-3.x (mistral3): 24,011,361,280 parameters, text, Pixtral tower and projector exact", "[params][mistral3]") {
  // llmfit hf_models.json parameters_raw of a bf16 re-save of Mistral-Small-3.2-24B-Instruct-2506; the text decoder
  // alone equals its count for Devstral-Small-2505 (23,572,403,200).
  const auto parsed = parse_config(kMistralSmall3);
  REQUIRE(parsed.ok());
  const model_spec& s = parsed.spec;
  CHECK(s.family == "mistral3");
  CHECK(s.text_family == "mistral");
  const auto p = count_parameters(build_inventory(s));
  CHECK(p.total.value == 24'011'361'280ull);
  CHECK(component_of(p, "text") == 23'572'403'200ull);
  // patch_conv 1024 x 3 x 14 x 14, ln_pre, 24 blocks of 4 x 1024^2 + 3 x 4096 x 1024 + 2 norms.
  CHECK(component_of(p, "vision") == 1024ull * 3 * 14 * 14 + 1024 + 24ull * (4 * 1024 * 1024 + 3 * 4096 * 1024 + 2 * 1024));
  // norm, merging_layer 1024 x 4096, linear_1 5120 x 1024, linear_2 5120 x 5120, no biases.
  CHECK(component_of(p, "projector") == 1024ull + 1024 * 4096 + 5120 * 1024 + 5120ull * 5120);
  // sliding_window null: 40 full layers of 8 KV heads x 128.
  CHECK(estimate(s, estimate_options{}).kv_cache_bytes_per_token == 40ull * 2 * 8 * 128 * 2);
}


// llava-hf/llava-v1.6-mistral-7b-hf's config as a published test dict gives it (tests/fixtures/SOURCES.md), in JSON.
static const char* kLlavaNextMistral = R"json({
  "architectures": [
    "LlavaNextForConditionalGeneration"
  ],
  "ignore_index": -100,
  "image_grid_pinpoints": [
    [
      336,
      672
    ],
    [
      672,
      336
    ],
    [
      672,
      672
    ],
    [
      1008,
      336
    ],
    [
      336,
      1008
    ]
  ],
  "image_token_index": 32000,
  "model_type": "llava_next",
  "projector_hidden_act": "gelu",
  "text_config": {
    "_name_or_path": "mistralai/Mistral-7B-Instruct-v0.2",
    "architectures": [
      "MistralForCausalLM"
    ],
    "intermediate_size": 14336,
    "max_position_embeddings": 32768,
    "model_type": "mistral",
    "num_key_value_heads": 8,
    "rms_norm_eps": 1e-05,
    "rope_theta": 1000000.0,
    "sliding_window": null,
    "torch_dtype": "bfloat16",
    "vocab_size": 32064
  },
  "torch_dtype": "float16",
  "transformers_version": "4.39.0.dev0",
  "use_image_newline_parameter": true,
  "vision_config": {
    "hidden_size": 1024,
    "image_size": 336,
    "intermediate_size": 4096,
    "model_type": "clip_vision_model",
    "num_attention_heads": 16,
    "num_hidden_layers": 24,
    "patch_size": 14,
    "projection_dim": 768,
    "vocab_size": 32000
  },
  "vision_feature_layer": -2,
  "vision_feature_select_strategy": "default",
  "vocab_size": 32064
})json";

TEST_CASE("llava-hf/llava-v1.6-mistral-7b-hf (llava_next): 7,566,747,648 parameters with image_newline", "[params][llava_next]") {
  const auto parsed = parse_config(kLlavaNextMistral);
  REQUIRE(parsed.ok());
  const model_spec& s = parsed.spec;
  CHECK(s.family == "llava_next");
  CHECK(s.text_family == "mistral");
  CHECK(s.vocab_size == 32064);  // text_config's, resized for <image> and pad
  const auto p = count_parameters(build_inventory(s));
  CHECK(p.total.value == 7'566'747'648ull);  // llmfit parameters_raw (the Hub's safetensors total)
  CHECK(component_of(p, "vision") == 303'507'456ull);  // CLIP ViT-L/14-336, all 24 layers and post_layernorm stored
  // linear_1 4096 x 1024 + 4096, linear_2 4096 x 4096 + 4096, image_newline 4096
  CHECK(component_of(p, "projector") == 4096ull * 1024 + 4096 + 4096ull * 4096 + 4096 + 4096);
  // the Vicuna-7B variant: a Llama text decoder of the same vocabulary
  std::string vicuna = kLlavaNextMistral;
  for (auto [from, to] : {std::pair<std::string, std::string>{"\"model_type\": \"mistral\"", "\"model_type\": \"llama\""},
                          {"\"intermediate_size\": 14336", "\"intermediate_size\": 11008"}, {"\"num_key_value_heads\": 8,", "\"num_key_value_heads\": 32,"}})
    vicuna.replace(vicuna.find(from), from.size(), to);
  const auto v = parse_config(vicuna);
  REQUIRE(v.ok());
  CHECK(count_parameters(build_inventory(v.spec)).total.value == 7'063'431'168ull);
}

TEST_CASE("OpenGVLab/InternVL2-2B (internvl_chat): InternLM2 text, InternViT-300M and mlp1, 2,205,754,368 parameters", "[params][internvl_chat][fixture]") {
  const model_spec s = fixture("OpenGVLab__InternVL2-2B");
  CHECK(s.family == "internvl_chat");
  CHECK(s.text_family == "internlm2");
  const auto p = count_parameters(build_inventory(s));
  CHECK(p.total.value == 2'205'754'368ull);  // llmfit parameters_raw (the Hub's safetensors total)
  CHECK(component_of(p, "text") == 1'889'146'880ull);
  CHECK(component_of(p, "vision") == 304'012'288ull);  // llmfit's InternViT-300M alone
  // mlp1: LayerNorm over 1024 x (1 / 0.5)^2 = 4096, Linear 2048 x 4096, Linear 2048 x 2048, with biases
  CHECK(component_of(p, "projector") == 2ull * 4096 + 2048ull * 4096 + 2048 + 2048ull * 2048 + 2048);
  // only the text model caches: 24 layers of 8 KV heads x 128, bf16
  CHECK(estimate(s, estimate_options{}).kv_cache_bytes_per_token == 24ull * 2 * 8 * 128 * 2);
}

// GLM-4.1V-9B-Thinking's and GLM-4.5V's configs (tests/fixtures/SOURCES.md: no verbatim Hub file was found; 4.5V's is
// transformers' own print of the loaded Glm4vMoeConfig beside a dump of its safetensors, 4.1V's is assembled from
// transformers' conversion defaults and test fixtures), checked against the Hub's totals.
const char* kGlm41V =
    R"({"architectures":["Glm4vForConditionalGeneration"],"model_type":"glm4v","image_start_token_id":151339,"image_e)"
    R"(nd_token_id":151340,"video_start_token_id":151341,"video_end_token_id":151342,"image_token_id":151343,"video_t)"
    R"(oken_id":151344,"tie_word_embeddings":false,"text_config":{"model_type":"glm4v_text","pad_token_id":151329,"vo)"
    R"(cab_size":151552,"eos_token_id":[151329,151336,151338],"attention_bias":true,"attention_dropout":0.0,"hidden_a)"
    R"(ct":"silu","hidden_size":4096,"initializer_range":0.02,"intermediate_size":13696,"max_position_embeddings":655)"
    R"(36,"num_attention_heads":32,"num_hidden_layers":40,"num_key_value_heads":2,"partial_rotary_factor":0.5,"rms_no)"
    R"(rm_eps":1e-05,"rope_scaling":{"type":"default","mrope_section":[8,12,12]},"rope_theta":10000.0,"tie_word_embed)"
    R"(dings":false,"torch_dtype":"bfloat16"},"vision_config":{"model_type":"glm4v","attention_bias":false,"attention)"
    R"(_dropout":0.0,"depth":24,"hidden_act":"silu","hidden_size":1536,"image_size":336,"in_channels":3,"initializer_)"
    R"(range":0.02,"intermediate_size":13696,"num_heads":12,"out_hidden_size":4096,"patch_size":14,"rms_norm_eps":1e-)"
    R"(05,"spatial_merge_size":2,"temporal_patch_size":2}})";
const char* kGlm45V =
    R"({"architectures":["Glm4vMoeForConditionalGeneration"],"dtype":"bfloat16","image_end_token_id":151340,"image_st)"
    R"(art_token_id":151339,"image_token_id":151363,"model_type":"glm4v_moe","text_config":{"attention_bias":true,"at)"
    R"(tention_dropout":0.0,"bos_token_id":null,"dtype":"bfloat16","eos_token_id":[151329,151336,151338],"first_k_den)"
    R"(se_replace":1,"head_dim":128,"hidden_act":"silu","hidden_size":4096,"image_end_token_id":151340,"image_start_t)"
    R"(oken_id":151339,"image_token_id":151363,"initializer_range":0.02,"intermediate_size":10944,"max_position_embed)"
    R"(dings":65536,"model_type":"glm4v_moe_text","moe_intermediate_size":1408,"n_group":1,"n_routed_experts":128,"n_)"
    R"(shared_experts":1,"norm_topk_prob":true,"num_attention_heads":96,"num_experts_per_tok":8,"num_hidden_layers":4)"
    R"(6,"num_key_value_heads":8,"pad_token_id":151329,"partial_rotary_factor":0.5,"rms_norm_eps":1e-05,"rope_paramet)"
    R"(ers":{"mrope_section":[8,12,12],"partial_rotary_factor":0.5,"rope_theta":10000.0,"rope_type":"default"},"route)"
    R"(d_scaling_factor":1.0,"router_aux_loss_coef":0.0001,"tie_word_embeddings":false,"topk_group":1,"use_cache":tru)"
    R"(e,"use_qk_norm":false,"vocab_size":151552},"tie_word_embeddings":false,"transformers_version":"5.7.0","video_e)"
    R"(nd_token_id":151342,"video_start_token_id":151341,"video_token_id":151364,"vision_config":{"attention_bias":fa)"
    R"(lse,"attention_dropout":0.0,"depth":24,"hidden_act":"silu","hidden_size":1536,"image_size":336,"in_channels":3)"
    R"(,"initializer_range":0.02,"intermediate_size":10944,"model_type":"glm4v_moe_vision","num_heads":12,"out_hidden)"
    R"(_size":4096,"patch_size":14,"rms_norm_eps":1e-05,"spatial_merge_size":2,"temporal_patch_size":2}})";

TEST_CASE("GLM-4.1V-9B-Thinking (glm4v) and GLM-4.5V (glm4v_moe): GLM-4 / GLM-4.5 text and the Glm4v vision tower, exact", "[params][glm4v]") {
  auto v41 = parse_config(kGlm41V);
  REQUIRE(v41.ok());
  CHECK(v41.spec.text_family == "glm4");
  auto p = count_parameters(build_inventory(v41.spec));
  CHECK(p.total.value == 10'292'777'472ull);  // llmfit parameters_raw (the Hub's safetensors total); GLM-4.6V-Flash the same
  CHECK(component_of(p, "text") == 9'400'279'040ull);
  CHECK(component_of(p, "vision") + component_of(p, "projector") == 892'498'432ull);
  auto v45 = parse_config(kGlm45V);
  REQUIRE(v45.ok());
  CHECK(v45.spec.text_family == "glm4_moe");
  p = count_parameters(build_inventory(v45.spec));
  CHECK(p.total.value == 107'710'933'120ull);  // the safetensors dump's 参数总量 and llmfit; GLM-4.6V the same
  CHECK(component_of(p, "text") == 106'852'251'264ull);
  CHECK(component_of(p, "vision") + component_of(p, "projector") == 858'681'856ull);
  // Only the text caches: 46 layers x 8 KV heads x 128 x K and V, bf16.
  CHECK(estimate(v45.spec, estimate_options{}).kv_cache_bytes_per_token == 46ull * 2 * 8 * 128 * 2);
}

TEST_CASE("LiquidAI/LFM2-VL-450M (lfm2-vl, Liquid's remote code): LFM2 text, a SigLIP2 NaFlex tower and its projector, exact", "[params][lfm2_vl][fixture]") {
  const model_spec s = fixture("LiquidAI__LFM2-VL-450M");
  CHECK(s.text_family == "lfm2");
  const auto p = count_parameters(build_inventory(s));
  CHECK(p.total.value == 450'822'656ull);          // llmfit parameters_raw (the Hub's safetensors total)
  CHECK(component_of(p, "text") == 354'483'968ull);  // = LiquidAI/LFM2-350M's own total
  CHECK(component_of(p, "vision") == 85'843'200ull);  // 12 layers of 768 (vision_feature_layer -1: all)
  CHECK(component_of(p, "projector") == 10'495'488ull);
  // The same checkpoint under transformers' own name, and a tower cut one layer short by vision_feature_layer.
  auto j = nlohmann::json::parse(fixture_text("LiquidAI__LFM2-VL-450M"));
  j["model_type"] = "lfm2_vl";
  j["vision_feature_layer"] = -2;
  const auto cut = parse_config(j.dump());
  REQUIRE(cut.ok());
  CHECK(count_parameters(build_inventory(cut.spec)).total.value == 450'822'656ull - 7'087'872ull);  // one layer: 4(D^2+D) + 2DI + I + D + 4D
}

TEST_CASE("allenai/Molmo-7B-D-0924 (molmo, remote code): its OLMo-style decoder and the hard-coded CLIP tower, exact", "[params][molmo][fixture]") {
  const model_spec s = fixture("reubzdubz__Molmo7B_D_NF4Quant");  // an NF4 re-save: the same architecture fields
  CHECK(s.family == "molmo");
  const auto p = count_parameters(build_inventory(s));
  CHECK(p.total.value == 8'021'025'280ull);  // llmfit parameters_raw; the re-save's index total_parameters
  // Only the decoder caches: 28 layers x 4 KV heads x 128.
  CHECK(s.head_dim == 128);
  CHECK(s.intermediate_size == 18944);
}

// Phi-3.5-vision-instruct's config as sdpython/experimental-experiment transcribes it (tests/fixtures/SOURCES.md).
const char* kPhi35Vision =
    R"({"_name_or_path":"Phi-3.5-vision-instruct","architectures":["Phi3VForCausalLM"],"attention_dropout":0.0,"auto_)"
    R"(map":{"AutoConfig":"configuration_phi3_v.Phi3VConfig","AutoModelForCausalLM":"modeling_phi3_v.Phi3VForCausalLM)"
    R"("},"bos_token_id":1,"embd_layer":{"embedding_cls":"image","hd_transform_order":"sub_glb","projection_cls":"mlp)"
    R"(","use_hd_transform":true,"with_learnable_separator":true},"embd_pdrop":0.0,"eos_token_id":2,"hidden_act":"sil)"
    R"(u","hidden_size":3072,"img_processor":{"image_dim_out":1024,"model_name":"openai/clip-vit-large-patch14-336",")"
    R"(name":"clip_vision_model","num_img_tokens":144},"initializer_range":0.02,"intermediate_size":8192,"max_positio)"
    R"(n_embeddings":131072,"model_type":"phi3_v","num_attention_heads":32,"num_hidden_layers":32,"num_key_value_head)"
    R"(s":32,"original_max_position_embeddings":4096,"pad_token_id":32000,"resid_pdrop":0.0,"rms_norm_eps":1e-05,"rop)"
    R"(e_scaling":{"long_factor":[1.0800000429153442,1.1100000143051147,1.1399999856948853,1.340000033378601,1.589999)"
    R"(9141693115,1.600000023841858,1.6200000047683716,2.620000123977661,3.2300000190734863,3.2300000190734863,4.7899)"
    R"(99961853027,7.400000095367432,7.700000286102295,9.09000015258789,12.199999809265137,17.670000076293945,24.4600)"
    R"(0099182129,28.57000160217285,30.420001983642578,30.840002059936523,32.590003967285156,32.93000411987305,42.320)"
    R"(003509521484,44.96000289916992,50.340003967285156,50.45000457763672,57.55000305175781,57.93000411987305,58.210)"
    R"(00289916992,60.1400032043457,62.61000442504883,62.62000274658203,62.71000289916992,63.1400032043457,63.1400032)"
    R"(043457,63.77000427246094,63.93000411987305,63.96000289916992,63.970001220703125,64.02999877929688,64.069999694)"
    R"(82422,64.08000183105469,64.12000274658203,64.41000366210938,64.4800033569336,64.51000213623047,64.529998779296)"
    R"(88,64.83999633789062],"short_factor":[1.08,1.1,1.1300000000000001,1.2800000000000002,1.3100000000000003,1.4500)"
    R"(000000000004,1.4500000000000004,1.9500000000000008,2.030000000000001,2.4299999999999926,2.5699999999999896,2.9)"
    R"(499999999999815,3.729999999999965,3.869999999999962,4.189999999999955,4.43999999999995,4.6399999999999455,4.97)"
    R"(9999999999938,5.159999999999934,5.279999999999932,5.759999999999922,5.889999999999919,5.889999999999919,5.9699)"
    R"(99999999917,6.089999999999915,6.2799999999999105,6.7699999999999,6.8899999999998975,7.109999999999893,7.129999)"
    R"(999999892,7.179999999999891,7.289999999999889,7.339999999999888,7.559999999999883,7.619999999999882,7.69999999)"
    R"(999988,7.879999999999876,7.879999999999876,7.879999999999876,7.939999999999875,7.949999999999875,7.97999999999)"
    R"(9874,8.19999999999987,8.439999999999864,8.469999999999864,8.589999999999861,8.809999999999857,8.99999999999985)"
    R"(3],"type":"su"},"rope_theta":10000.0,"sliding_window":262144,"tie_word_embeddings":false,"torch_dtype":"bfloat)"
    R"(16","transformers_version":"4.38.1","use_cache":true,"vocab_size":32064})";

TEST_CASE("microsoft/Phi-3.5-vision-instruct (phi3_v, remote code): Phi-3 text, the hard-coded CLIP ViT-L/14-336, its projector, exact", "[params][phi3_v]") {
  const auto parsed = parse_config(kPhi35Vision);
  REQUIRE(parsed.ok());
  CHECK(parsed.spec.text_family == "phi3");
  const auto p = count_parameters(build_inventory(parsed.spec));
  CHECK(p.total.value == 4'146'621'440ull);  // NVIDIA's NIM page and the Hub's safetensors metadata (SOURCES.md)
  CHECK(component_of(p, "vision") == 303'507'456ull);  // CLIP ViT-L/14-336 with its pre and post LayerNorms
}

// MiniCPM-V configs as transcribed in tests/fixtures/SOURCES.md (no verbatim openbmb config.json was found; the
// totals pin every structural field: 27 stored SigLIP layers, 64 queries, 96 for 2.5).
const char* const kMiniCPMV26 =
    R"({"_name_or_path":"openbmb/MiniCPM-V-2_6","architectures":["MiniCPMV"],"attention_dropout":0.0,"auto_map":{"Aut)"
    R"(oConfig":"configuration_minicpm.MiniCPMVConfig","AutoModel":"modeling_minicpmv.MiniCPMV","AutoModelForCausalLM)"
    R"(":"modeling_minicpmv.MiniCPMV"},"batch_vision_input":true,"bos_token_id":151643,"drop_vision_last_layer":false)"
    R"(,"eos_token_id":151645,"hidden_act":"silu","hidden_size":3584,"image_size":448,"initializer_range":0.02,"inter)"
    R"(mediate_size":18944,"max_position_embeddings":32768,"max_window_layers":28,"model_type":"minicpmv","num_attent)"
    R"(ion_heads":28,"num_hidden_layers":28,"num_key_value_heads":4,"patch_size":14,"query_num":64,"rms_norm_eps":1e-)"
    R"(06,"rope_theta":1000000.0,"slice_config":{"max_slice_nums":9,"model_type":"minicpmv","patch_size":14,"scale_re)"
    R"(solution":448},"slice_mode":true,"sliding_window":131072,"tie_word_embeddings":false,"torch_dtype":"bfloat16",)"
    R"("use_cache":true,"use_image_id":true,"use_sliding_window":false,"version":2.6,"vision_batch_size":16,"vision_c)"
    R"(onfig":{"hidden_size":1152,"image_size":980,"intermediate_size":4304,"model_type":"siglip","num_attention_head)"
    R"(s":16,"num_hidden_layers":27,"patch_size":14},"vocab_size":151666})";
const char* const kMiniCPMV4 =
    R"({"architectures":["MiniCPMV"],"model_type":"minicpmv","version":4.0,"hidden_size":2560,"intermediate_size":102)"
    R"(40,"num_attention_heads":32,"num_hidden_layers":32,"num_key_value_heads":2,"head_dim":128,"vocab_size":73448,")"
    R"(tie_word_embeddings":false,"max_position_embeddings":32768,"query_num":64,"image_size":448,"drop_vision_last_l)"
    R"(ayer":false,"batch_vision_input":true,"slice_mode":true,"vision_config":{"hidden_size":1152,"image_size":980,")"
    R"(intermediate_size":4304,"model_type":"siglip_vision_model","num_attention_heads":16,"num_hidden_layers":27,"pa)"
    R"(tch_size":14}})";
const char* const kMiniCPMV45 =
    R"({"architectures":["MiniCPMV"],"model_type":"minicpmv","version":4.5,"hidden_size":4096,"intermediate_size":122)"
    R"(88,"num_attention_heads":32,"num_hidden_layers":36,"num_key_value_heads":8,"head_dim":128,"attention_bias":fal)"
    R"(se,"vocab_size":151748,"tie_word_embeddings":false,"max_position_embeddings":40960,"query_num":64,"image_size")"
    R"(:448,"drop_vision_last_layer":false,"batch_vision_input":true,"slice_mode":true,"vision_config":{"hidden_size")"
    R"(:1152,"image_size":980,"intermediate_size":4304,"model_type":"siglip_vision_model","num_attention_heads":16,"n)"
    R"(um_hidden_layers":27,"patch_size":14}})";
const char* const kMiniCPMLlama3V25 =
    R"({"architectures":["MiniCPMV"],"model_type":"minicpmv","version":2.5,"hidden_size":4096,"intermediate_size":143)"
    R"(36,"num_attention_heads":32,"num_hidden_layers":32,"num_key_value_heads":8,"vocab_size":128256,"tie_word_embed)"
    R"(dings":false,"max_position_embeddings":8192,"query_num":96,"image_size":448,"drop_vision_last_layer":false,"vi)"
    R"(sion_config":{"hidden_size":1152,"image_size":980,"intermediate_size":4304,"model_type":"idefics2","num_attent)"
    R"(ion_heads":16,"num_hidden_layers":27,"patch_size":14}})";

TEST_CASE("openbmb MiniCPM-V 2.5, 2.6, 4 and 4.5 (minicpmv, remote code): the text model by version, NaViT SigLIP, the Resampler, exact", "[params][minicpmv]") {
  struct row { const char* config; const char* text; uint64_t total, projector; };
  for (const row& r : {row{kMiniCPMV26, "qwen2", 8'099'175'152ull, 68'619'264ull}, row{kMiniCPMV4, "llama", 4'059'533'040ull, 35'906'560ull},
                       row{kMiniCPMV45, "qwen3", 8'695'895'280ull, 88'907'776ull}, row{kMiniCPMLlama3V25, "llama", 8'537'092'336ull, 89'038'848ull}}) {
    const auto parsed = parse_config(r.config);
    REQUIRE(parsed.ok());
    CHECK(parsed.spec.text_family == r.text);
    const auto p = count_parameters(build_inventory(parsed.spec));
    CHECK(p.total.value == r.total);  // the Hub totals (llmfit's parameters_raw; SOURCES.md)
    CHECK(component_of(p, "vision") == 417'792'240ull);  // 27 NaViT SigLIP layers, 4,900 positions, post-LayerNorm
    CHECK(component_of(p, "projector") == r.projector);
  }
}

TEST_CASE("minicpmv: drop_vision_last_layer's class default removes a layer; an unknown version is refused by its field", "[params][minicpmv]") {
  std::string cfg = kMiniCPMV26;
  const auto at = cfg.find("\"drop_vision_last_layer\":false,");
  REQUIRE(at != std::string::npos);
  cfg.erase(at, std::string("\"drop_vision_last_layer\":false,").size());
  const auto dropped = parse_config(cfg);
  REQUIRE(dropped.ok());
  CHECK(count_parameters(build_inventory(dropped.spec)).total.value == 8'099'175'152ull - 15'239'504ull);  // one SigLIP layer
  std::string v20 = kMiniCPMV26;
  v20.replace(v20.find("\"version\":2.6"), 13, "\"version\":2.0");
  const auto refused = parse_config(v20);
  CHECK_FALSE(refused.ok());
  CHECK(refused.issues.at(0).field == "version");
}

// Qwen2-Audio-7B's config as a public test transcribes it (tests/fixtures/SOURCES.md: not byte-exact).
const char* const kQwen2Audio7B =
    R"({"architectures":["Qwen2AudioForConditionalGeneration"],"model_type":"qwen2_audio","_name_or_path":"Qwen/Qwen2)"
    R"(-Audio-7B","audio_token_index":151646,"vocab_size":156032,"audio_config":{"model_type":"qwen2_audio_encoder",")"
    R"(num_mel_bins":128,"encoder_layers":32,"encoder_attention_heads":20,"encoder_ffn_dim":5120,"d_model":1280,"acti)"
    R"(vation_function":"gelu","scale_embedding":false,"max_source_positions":1500},"text_config":{"bos_token_id":151)"
    R"(643,"eos_token_id":151645,"intermediate_size":11008,"max_position_embeddings":8192,"model_type":"qwen2","rope_)"
    R"(theta":10000,"rms_norm_eps":1e-05,"sliding_window":32768,"torch_dtype":"bfloat16","use_mrope":false,"vocab_siz)"
    R"(e":156032}})";

TEST_CASE("Qwen/Qwen2-Audio-7B (qwen2_audio): Qwen2 text, the Whisper-style audio encoder, its projector, exact", "[params][qwen2_audio]") {
  const auto parsed = parse_config(kQwen2Audio7B);
  REQUIRE(parsed.ok());
  CHECK(parsed.spec.text_family == "qwen2");
  const auto p = count_parameters(build_inventory(parsed.spec));
  CHECK(p.total.value == 8'397'094'912ull);  // the Hub's safetensors total (SOURCES.md)
  CHECK(component_of(p, "audio") == 636'968'960ull);  // 32 encoder layers, two convolutions, 1,500 stored positions
  CHECK(component_of(p, "projector") == 5'246'976ull);
}

// Its anyres image tokens (core/images.cpp), against transformers' test_image_token_filling (llava-v1.6-vicuna-7b-hf,
// the same pinpoints: a 316 x 500 image gives 1526 tokens): the 336-wide, 672-high canvas, its 48 x 24 patch grid
// less 5 padding rows top and bottom, 38 x 24 + 38 newlines + the base image's 576.
TEST_CASE("llava_next image tokens: anyres canvas, unpadded features, newlines and the base image", "[images][llava_next]") {
  const auto parsed = parse_config(kLlavaNextMistral);
  REQUIRE(parsed.ok());
  const model_spec& s = parsed.spec;
  CHECK(s.dim("image_pinpoints") == 5);
  const image_tokens t = tokens_of_image(s, 316, 500, false);
  REQUIRE(t.known);
  CHECK(t.tokens == 1526);
  CHECK(t.width == 336);
  CHECK(t.height == 672);
  // A square image fills the 672 x 672 canvas: 48 x 48 + 48 + 576.
  CHECK(tokens_of_image(s, 1024, 1024, false).tokens == 2928);
  // 336 x 336 ties the 336 x 672 and 672 x 336 canvases (the first listed wins): 24 columns of padding dropped,
  // 24 x 24 + 24 + 576.
  CHECK(tokens_of_image(s, 336, 336, false).tokens == 1176);
  // "full" keeps the CLS position; llama.cpp's own slicing is said unknown.
  std::string full = kLlavaNextMistral;
  full.replace(full.find("\"vision_feature_select_strategy\": \"default\""), 43, "\"vision_feature_select_strategy\": \"full\"");
  const auto f = parse_config(full);
  REQUIRE(f.ok());
  CHECK(tokens_of_image(f.spec, 316, 500, false).tokens == 1527);
  CHECK_FALSE(tokens_of_image(s, 1024, 1024, true).known);
}
