#include <catch2/catch.hpp>

#include "estimate.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

// Real config.json files (tests/fixtures/configs/, provenance in tests/fixtures/SOURCES.md) of the
// state-space and vision-language families, checked against published parameter counts and against
// hand-computed state and KV-cache sizes.

namespace {

parameter_counts params_of(const model_spec& s) { return count_parameters(build_inventory(s)); }

uint64_t component(const parameter_counts& p, std::string_view name) {
  for (const auto& [c, n] : p.by_component)
    if (c == name) return n;
  return 0;
}

bool has_tensor(const model_spec& s, std::string_view name) {
  for (const auto& t : build_inventory(s).tensors)
    if (t.name == name) return true;
  return false;
}

bool has_issue(const std::vector<issue>& issues, std::string_view code) {
  for (const auto& i : issues)
    if (i.code == code) return true;
  return false;
}

estimate_result estimate_at(const model_spec& s, uint64_t context, uint64_t batch = 1) {
  estimate_options o;
  o.context_tokens = context;
  o.batch_size = batch;
  auto r = estimate(s, o);
  REQUIRE(r.ok());
  return r;
}

}  // namespace

// ---- Mamba

TEST_CASE("state-spaces/mamba-2.8b-hf has 2,768,345,600 parameters", "[params][mamba][fixture]") {
  const auto s = fixture("state-spaces__mamba-2.8b-hf");
  // d_inner = intermediate_size 5120, dt_rank 160 (time_step_rank), d_state 16, d_conv 4. Per layer:
  // norm 2560; in_proj 10240 x 2560 = 26,214,400; conv1d 5120 x 4 + 5120 = 25,600;
  // x_proj (160 + 2 x 16) x 5120 = 983,040; dt_proj 5120 x 160 + 5120 = 824,320; A_log 5120 x 16 = 81,920;
  // D 5120; out_proj 2560 x 5120 = 13,107,200: 41,244,160.
  // 64 layers = 2,639,626,240, + tied embeddings 50,280 x 2,560 = 128,716,800, + norm_f 2560.
  // Published: "2.8B" (Mamba README model table); state-spaces/mamba's benchmark script prints
  // 2,768,345,600 for the same weights.
  CHECK(params_of(s).total.value == 64ull * 41'244'160 + 50'280ull * 2'560 + 2'560);
  CHECK(params_of(s).total.value == 2'768'345'600ull);
  CHECK(s.dim("d_inner") == 5120);
  CHECK(s.dim("dt_rank") == 160);
}

TEST_CASE("Mamba-2.8B keeps 26,214,400 bytes of state per sequence, at any context", "[kv][mamba][fixture]") {
  const auto s = fixture("state-spaces__mamba-2.8b-hf");
  // MambaCache per layer and sequence: conv_states 5120 x 4 + ssm_states 5120 x 16 = 102,400 elements,
  // in the fp32 the checkpoint is stored and run in: 409,600 bytes; 64 layers = 26,214,400.
  const auto r4k = estimate_at(s, 4096);
  const auto r128k = estimate_at(s, 131072);
  CHECK(r4k.kv_cache_bytes_per_token == 0);
  CHECK(r4k.memory.kv_cache_bytes == 64ull * 5120 * (4 + 16) * 4);
  CHECK(r4k.memory.kv_cache_bytes == 26'214'400ull);
  CHECK(r128k.memory.kv_cache_bytes == r4k.memory.kv_cache_bytes);
  REQUIRE(r4k.kv_layers.size() == 1);
  CHECK(r4k.kv_layers[0].attention == attention_kind::none);
  CHECK(r4k.kv_layers[0].layers == 64);
  CHECK(r4k.kv_layers[0].state_bytes == 409'600);
  // The state scales with the batch, one per sequence.
  CHECK(estimate_at(s, 4096, 8).memory.kv_cache_bytes == 8 * 26'214'400ull);
}

// ---- Falcon-Mamba

TEST_CASE("tiiuae/falcon-mamba-7b sizes its mixers from intermediate_size 8192, not expand 16", "[params][falcon_mamba][fixture]") {
  const auto s = fixture("tiiuae__falcon-mamba-7b");
  // The config saves expand 16 beside intermediate_size 8192; MambaMixer reads config.intermediate_size,
  // which the saved value overrides (PretrainedConfig sets every remaining config.json key).
  CHECK(s.dim("d_inner") == 8192);
  // Per layer: norm 4096; in_proj 16384 x 4096 = 67,108,864; conv1d 8192 x 4 + 8192 = 40,960;
  // x_proj (256 + 32) x 8192 = 2,359,296; dt_proj 8192 x 256 + 8192 = 2,105,344; A_log 8192 x 16 = 131,072;
  // D 8192; out_proj 4096 x 8192 = 33,554,432: 105,312,256. The RMS norms on dt, B and C inside
  // FalconMambaMixer (rms_forward) have no weights.
  // 64 layers = 6,739,984,384; embeddings and an untied lm_head 2 x 65,024 x 4,096 = 532,676,608; norm_f 4096.
  const auto p = params_of(s);
  CHECK(p.total.value == 64ull * 105'312'256 + 2ull * 65'024 * 4'096 + 4'096);
  // Published: 7,272,665,088 (the Hub's safetensors count of tiiuae/falcon-mamba-7b-instruct, the same
  // architecture; llmfit hf_models.json).
  CHECK(p.total.value == 7'272'665'088ull);
}

TEST_CASE("Falcon-Mamba-7B keeps 20,971,520 bytes of bf16 state per sequence", "[kv][falcon_mamba][fixture]") {
  const auto r = estimate_at(fixture("tiiuae__falcon-mamba-7b"), 8192);
  // 64 layers x 8192 x (4 conv + 16 state) elements x 2 bytes (bfloat16).
  CHECK(r.kv_cache_bytes_per_token == 0);
  CHECK(r.memory.kv_cache_bytes == 64ull * 8192 * 20 * 2);
  CHECK(r.memory.kv_cache_bytes == 20'971'520ull);
}

// ---- Mamba-2 (no real config fixture yet: state-spaces/mamba2-* are not transformers checkpoints)

TEST_CASE("a Mamba-2 config whose heads do not tile expand x hidden is flagged", "[mamba2]") {
  // Mamba2Mixer views d_inner = expand x hidden (2 x 1024) as num_heads x head_dim (16 x 64 = 1024).
  const auto p = parse_config(R"({"model_type": "mamba2", "hidden_size": 1024, "num_hidden_layers": 2, "vocab_size": 1000,
      "num_heads": 16, "head_dim": 64, "n_groups": 1, "state_size": 64, "expand": 2})");
  REQUIRE(p.ok());
  CHECK(has_issue(p.issues, "inconsistent_ssm_heads"));
}

TEST_CASE("Mamba-2 state is the conv window over x, B, C plus heads x head_dim x d_state", "[kv][mamba2]") {
  const auto p = parse_config(R"({"model_type": "mamba2", "hidden_size": 1024, "num_hidden_layers": 2, "vocab_size": 1000,
      "num_heads": 32, "head_dim": 64, "n_groups": 1, "state_size": 64, "expand": 2, "torch_dtype": "bfloat16"})");
  REQUIRE(p.ok());
  CHECK_FALSE(has_issue(p.issues, "inconsistent_ssm_heads"));
  // conv_dim 2048 + 2 x 64 = 2176 channels x 4 + 32 x 64 x 64 = 8,704 + 131,072 = 139,776 elements, x 2 bytes.
  CHECK(estimate_at(p.spec, 1024).memory.kv_cache_bytes == 2ull * 139'776 * 2);
}

// ---- Llava

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

// ---- Qwen2-VL

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

// ---- Qwen2.5-VL

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

// ---- Mllama

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

// ---- Gemma 3 multimodal

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
