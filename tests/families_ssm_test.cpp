// The state-space and hybrid families (core/families/ssm.cpp, rules in ssm_rules.h): mamba, falcon_mamba,
// mamba2, jamba, nemotron_h, qwen3_next, qwen3_5_text, qwen3_5_moe_text. Their SSM / linear-attention layers
// keep a fixed state per sequence instead of a growing KV cache.
// Evidence, family by family in the order of ssm_rules.h:
// - parameter counts of real config.json fixtures (tests/fixtures/configs/; sources in tests/fixtures/SOURCES.md)
//   against the published count, and by hand;
// - published counts of configs written with a checkpoint's published dimensions (state-spaces/mamba-130m,
//   ai21labs/Jamba-v0.1, state-spaces/mamba2-2.7b, Qwen3-Next-80B-A3B), where no real config.json was found;
// - the per-sequence state and the KV cache of the attention layers, against hand arithmetic; configs flagged.
// qwen3_5_text and qwen3_5_moe_text are checked through the text_config of the Qwen3.5 checkpoints (model_types
// qwen3_5, qwen3_5_moe) in families_vlm_test.cpp.
#include <catch2/catch.hpp>

#include "estimate.h"
#include "families_helpers.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;
using namespace family_tests;

static model_spec spec(const char* json) {
  const auto p = parse_config(json);
  REQUIRE(p.ok());
  return p.spec;
}

// ---- mamba -------------------------------------------------------------------------------------------

static const char* kMamba130m = R"({"model_type": "mamba", "architectures": ["MambaForCausalLM"], "hidden_size": 768,
    "num_hidden_layers": 24, "vocab_size": 50280, "state_size": 16, "expand": 2, "conv_kernel": 4, "time_step_rank": "auto",
    "use_bias": false, "use_conv_bias": true, "torch_dtype": "float32"})";

TEST_CASE("Mamba-130m has 129,135,360 parameters", "[params][mamba]") {
  // d_inner 1536, dt_rank ceil(768 / 16) = 48. Per layer: norm 768; in_proj 3072 x 768; conv1d 1536 x 4 + 1536;
  // x_proj (48 + 32) x 1536; dt_proj 1536 x 48 + 1536; A_log 1536 x 16; D 1536; out_proj 768 x 1536 = 3,771,648.
  // Plus embeddings 50280 x 768 (tied) and norm_f 768.
  CHECK(count_parameters(build_inventory(spec(kMamba130m))).total.value == 24ull * 3'771'648 + 50280ull * 768 + 768);
}

TEST_CASE("Mamba keeps a fixed state per sequence instead of a KV cache", "[kv][mamba]") {
  estimate_options o;
  o.context_tokens = 4096;
  const auto r4k = estimate(spec(kMamba130m), o);
  o.context_tokens = 65536;
  const auto r64k = estimate(spec(kMamba130m), o);
  CHECK(r4k.kv_cache_bytes_per_token == 0);
  // 24 layers x 1536 x (4 conv + 16 state) elements x 4 bytes (fp32 checkpoint) = 2,949,120, at any context.
  CHECK(r4k.memory.kv_cache_bytes == 24ull * 1536 * 20 * 4);
  CHECK(r64k.memory.kv_cache_bytes == r4k.memory.kv_cache_bytes);
}

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

// ---- falcon_mamba ------------------------------------------------------------------------------------

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

// ---- mamba2 ------------------------------------------------------------------------------------------

TEST_CASE("Mamba-2 2.7B sizes in_proj for z, x, B, C and dt", "[params][mamba2]") {
  const auto s = spec(R"({"model_type": "mamba2", "architectures": ["Mamba2ForCausalLM"], "hidden_size": 2560,
      "num_hidden_layers": 64, "vocab_size": 50288, "state_size": 128, "expand": 2, "conv_kernel": 4, "n_groups": 1,
      "num_heads": 80, "head_dim": 64, "tie_word_embeddings": true, "torch_dtype": "float32"})");
  // d_inner 5120; in_proj (2 x 5120 + 2 x 128 + 80) x 2560; conv over 5120 + 256 = 5376 channels x 4 + 5376;
  // dt_bias, A_log, D 3 x 80; norm 5120 + gated norm 5120... per layer:
  const uint64_t layer = 2560 + 10576ull * 2560 + 5376 * 4 + 5376 + 3 * 80 + 5120 + 2560ull * 5120;
  CHECK(count_parameters(build_inventory(s)).total.value == 64 * layer + 50288ull * 2560 + 2560);
  CHECK(count_parameters(build_inventory(s)).total.value == 2'702'599'680ull);
}

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

TEST_CASE("AntonV/mamba2-130m-hf (mamba2) has 128,989,632 parameters and a fixed state", "[params][mamba2][fixture]") {
  // Published: 128,989,632 for state-spaces/mamba2-130m loaded as transformers' Mamba2ForCausalLM (code-index
  // ids 71003302638, 59421024235), the checkpoint this config was converted from. intermediate = expand 2 x
  // 768 = 1536. Per layer: in_proj 768 x (2 x 1536 + 2 x 1 group x 128 + 24 heads) = 768 x 3352;
  // conv1d (1536 + 2 x 128) x 4 + bias 1792; dt_bias, A_log, D 3 x 24; gated norm 1536; out_proj 1536 x 768;
  // the layer's norm 768. 24 layers + the tied 50288 x 768 embedding + norm_f.
  const uint64_t layer = 768ull * 3352 + 1792 * 4 + 1792 + 3 * 24 + 1536 + 1536ull * 768 + 768;
  const auto p = params_of("AntonV__mamba2-130m-hf");
  CHECK(p.total.value == 24 * layer + 50'288ull * 768 + 768);
  CHECK(p.total.value == 128'989'632ull);
  // No KV cache; per sequence and layer a conv state 1792 x 4 and an SSM state 24 heads x 64 x 128, fp32 (the
  // config gives no torch_dtype): (7,168 + 196,608) x 4 = 815,104 bytes.
  const auto r = estimate(fixture("AntonV__mamba2-130m-hf"), estimate_options{});
  REQUIRE(r.ok());
  CHECK(r.kv_cache_bytes_per_token == 0);
  REQUIRE(r.kv_layers.size() == 1);
  CHECK(r.kv_layers[0].state_bytes == (1792ull * 4 + 24ull * 64 * 128) * 4);
  CHECK(r.memory.kv_cache_bytes == 24 * r.kv_layers[0].state_bytes);
}

// ---- jamba (no real config.json found) ---------------------------------------------------------------

static const char* kJamba = R"({"model_type": "jamba", "architectures": ["JambaForCausalLM"], "hidden_size": 4096,
    "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
    "num_experts": 16, "num_experts_per_tok": 2, "vocab_size": 65536, "attn_layer_period": 8, "attn_layer_offset": 4,
    "expert_layer_period": 2, "expert_layer_offset": 1, "mamba_d_state": 16, "mamba_d_conv": 4, "mamba_expand": 2,
    "mamba_dt_rank": 256, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})";

TEST_CASE("Jamba-v0.1 has 51.57B parameters, 12.11B active (AI21: 52B total, 12B active)", "[params][jamba]") {
  const auto p = count_parameters(build_inventory(spec(kJamba)));
  CHECK(p.total.value == 51'570'323'328ull);
  CHECK(p.active.value == 12'110'311'296ull);
}

TEST_CASE("Jamba caches K and V only on its 4 attention layers", "[kv][jamba]") {
  estimate_options o;
  const auto r = estimate(spec(kJamba), o);
  // Layers 4, 12, 20, 28: 4 x 2 x 8 KV heads x 128 x 2 bytes = 16,384 bytes per token.
  CHECK(r.kv_cache_bytes_per_token == 16'384);
  // 28 Mamba layers x 8192 x (4 + 16) x 2 bytes of state.
  CHECK(r.memory.kv_cache_bytes == 16'384ull * 4096 + 28ull * 8192 * 20 * 2);
}

// ---- nemotron_h (Mamba-2 / attention / MLP / MoE hybrids) -------------------------------------------

namespace {
// Nemotron-H blocks, each with its pre-norm [H]. Mamba-2: in_proj [2I + 2GN + heads, H], depthwise conv
// (I + 2GN) x K with bias, dt_bias / A_log / D per head, a gated norm [I], out_proj [H, I]; I = heads x head_dim.
uint64_t nh_mamba(uint64_t H, uint64_t heads, uint64_t head_dim, uint64_t G, uint64_t N, uint64_t K) {
  const uint64_t I = heads * head_dim, conv = I + 2 * G * N;
  return H + (2 * I + 2 * G * N + heads) * H + conv * K + conv + 3 * heads + I + H * I;
}
uint64_t nh_attention(uint64_t H, uint64_t nq, uint64_t nkv, uint64_t d) { return H + nq * d * H + 2 * nkv * d * H + H * nq * d; }
// MoE: router [E, H]; E non-gated experts (up [Ie, W], down [W, Ie]) at W = the latent width or H; the shared
// expert at H; with a latent, fc1 [Lat, H] and fc2 [H, Lat]. The router's e_score_correction_bias is a buffer.
uint64_t nh_moe(uint64_t H, uint64_t E, uint64_t Ie, uint64_t S, uint64_t latent) {
  const uint64_t W = latent ? latent : H;
  return H + E * H + E * 2 * Ie * W + 2 * S * H + 2 * latent * H;
}
}  // namespace

TEST_CASE("nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16 (nemotron_h) has 31,577,937,344 parameters", "[params][nemotron_h][fixture]") {
  // hybrid_override_pattern: 23 M, 23 E, 6 *. H 2688, Mamba 64 heads x 64, 8 groups, state 128, kernel 4;
  // attention 32 q / 2 KV heads of 128; 128 experts of 1856, shared 3712; untied vocabulary 131072.
  const uint64_t H = 2688;
  const auto p = params_of("nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16");
  CHECK(p.total.value == 23 * nh_mamba(H, 64, 64, 8, 128, 4) + 23 * nh_moe(H, 128, 1856, 3712, 0) + 6 * nh_attention(H, 32, 2, 128) +
                             2 * 131'072ull * H + H);
  // Published: the Hub's count (llmfit hf_models.json), which is transformers' num_parameters(): the 23
  // routers' e_score_correction_bias buffers (23 x 128) are stored but not counted.
  CHECK(p.total.value == 31'577'937'344ull);
  // Active: 6 of 128 experts per MoE layer.
  CHECK(p.total.value - p.active.value == 23ull * (128 - 6) * 2 * 1856 * H);
  // Cache: 6 attention layers x K and V x 2 heads x 128 x 2 bytes per token; per sequence and Mamba layer the
  // conv window 6144 x 4 in bf16 and the SSM state 64 x 64 x 128 in fp32 (mamba_ssm_cache_dtype).
  const auto r = estimate(fixture("nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16"), estimate_options{});
  REQUIRE(r.ok());
  CHECK(r.kv_cache_bytes_per_token == 6ull * 2 * 2 * 128 * 2);
  uint64_t state = 0;
  for (const auto& g : r.kv_layers) state += g.layers * g.state_bytes;
  CHECK(state == 23 * (6144ull * 4 * 2 + 64ull * 64 * 128 * 4));
}

TEST_CASE("nvidia/NVIDIA-Nemotron-3-Super-120B-A12B (nemotron_h): latent experts and an MTP head", "[params][nemotron_h][fixture]") {
  // 40 M, 40 E, 8 *. H 4096, Mamba 128 x 64; 512 experts of 2688 at the latent width 1024; shared 5376.
  // MTP (num_nextn_predict_layers 1, pattern *E): enorm, hnorm, eh_proj [H, 2H], final_layernorm, one
  // attention and one MoE block.
  const uint64_t H = 4096;
  const uint64_t moe = nh_moe(H, 512, 2688, 5376, 1024), attn = nh_attention(H, 32, 2, 128);
  const auto p = params_of("nvidia__NVIDIA-Nemotron-3-Super-120B-A12B-FP8");
  CHECK(p.total.value == 40 * nh_mamba(H, 128, 64, 8, 128, 4) + 40 * moe + 8 * attn + 2 * 131'072ull * H + H);
  CHECK(p.mtp.value == 3 * H + 2 * H * H + attn + moe);
  // Published: 123,611,012,096 for the BF16, FP8 and Base repos alike (llmfit): the parameters and the MTP head.
  CHECK(p.total.value + p.mtp.value == 123'611'012'096ull);
}

TEST_CASE("nvidia/Nemotron-H-56B-Base-8K (nemotron_h): M / - / * blocks, a config with Python's Infinity", "[params][nemotron_h][fixture]") {
  // 54 M, 54 -, 10 *: H 8192, Mamba 256 heads x 64, 8 groups, state 256; MLP 32768 (up, down); attention
  // 64 q / 8 KV heads, attention_head_dim 128 (no head_dim field). No exact published count: the Hub lists
  // 96,099,893,248 for the repo (llmfit), 39.8B more than any reading of this config, and the card says 56B.
  const uint64_t H = 8192;
  const auto p = parse_config(fixture_text("nvidia__Nemotron-H-56B-Base-8K"));
  REQUIRE(p.ok());
  CHECK(has_issue(p.issues, "nonstandard_json"));  // time_step_limit [0.0, Infinity]
  const auto c = count_parameters(build_inventory(p.spec));
  CHECK(c.total.value == 54 * nh_mamba(H, 256, 64, 8, 256, 4) + 54 * (H + 2 * 32'768ull * H) + 10 * nh_attention(H, 64, 8, 128) +
                             2 * 131'072ull * H + H);
  CHECK(c.total.value == 56'324'350'464ull);
}

// ---- qwen3_next (Gated DeltaNet hybrid) --------------------------------------------------------------

TEST_CASE("Qwen3-Next-80B-A3B: 48 layers, 36 Gated DeltaNet, 512 experts, an MTP layer", "[params][qwen3_next]") {
  // Qwen/Qwen3-Next-80B-A3B-Instruct's dimensions (transformers' Qwen3NextConfig defaults, untied). The Hub's
  // safetensors count, 81,324,862,720 (llmfit hf_models.json), includes the stored MTP head
  // (num_nextn_predict_layers absent = 1, as vLLM reads it).
  const auto s = spec(R"({"model_type": "qwen3_next", "architectures": ["Qwen3NextForCausalLM"], "hidden_size": 2048,
      "num_hidden_layers": 48, "num_attention_heads": 16, "num_key_value_heads": 2, "head_dim": 256,
      "linear_num_key_heads": 16, "linear_num_value_heads": 32, "linear_key_head_dim": 128, "linear_value_head_dim": 128,
      "linear_conv_kernel_dim": 4, "num_experts": 512, "num_experts_per_tok": 10, "moe_intermediate_size": 512,
      "shared_expert_intermediate_size": 512, "decoder_sparse_step": 1, "mlp_only_layers": [], "full_attention_interval": 4,
      "vocab_size": 151936, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})");
  const uint64_t H = 2048, conv = 2 * 16 * 128 + 32 * 128;
  const uint64_t gdn = H * (conv + 32 * 128) + 2 * H * 32 + conv * 4 + 2 * 32 + 128 + 32 * 128 * H;
  const uint64_t attn = 2 * 16 * 256 * H + 2 * 2 * 256 * H + 16 * 256 * H + 2 * 256;
  const uint64_t moe = 512 * H + 3 * 512 * H * 512 + 3 * H * 512 + H;  // router, experts, shared expert, its gate
  const auto p = count_parameters(build_inventory(s));
  CHECK(p.total.value == 2 * 151'936ull * H + 36 * gdn + 12 * attn + 48 * (moe + 2 * H) + H);
  CHECK(p.total.value == 79'674'391'296ull);
  CHECK(p.mtp.value == 2 * H * H + 3 * H + attn + moe + 2 * H);
  CHECK(p.total.value + p.mtp.value == 81'324'862'720ull);
}

TEST_CASE("LiquidAI/LFM2-350M (lfm2) has 354,483,968 parameters; its conv layers keep a state, its attention layers a KV cache", "[params][kv][lfm2][fixture]") {
  // The original Hub config (full_attn_idxs, block_ff_dim 6656 made 2/3 and rounded up to 256: 4608); the count is
  // LiquidAI's model card table (tests/fixtures/SOURCES.md).
  const auto s = fixture("LiquidAI__LFM2-350M");
  CHECK(s.family == "lfm2");
  CHECK(s.intermediate_size == 4608);
  CHECK(count_parameters(build_inventory(s)).total.value == 354'483'968ull);
  uint64_t conv = 0;
  for (const auto& l : s.layers) conv += l.attention == attention_kind::none;
  CHECK(conv == 10);
  estimate_options o;
  o.context_tokens = 4096;
  const auto r = estimate(s, o);
  REQUIRE(r.ok());
  // 6 attention layers: 8 KV heads x 64, K and V, bf16.
  CHECK(r.kv_cache_bytes_per_token == 6ull * 2 * 8 * 64 * 2);
  // 10 conv layers x hidden 1024 x L_cache 3, bf16, per sequence, beside the KV cache at 4096 tokens.
  CHECK(r.memory.kv_cache_bytes == 6ull * 2 * 8 * 64 * 2 * 4096 + 10ull * 1024 * 3 * 2);
  // llama.cpp keeps L_cache - 1 columns in f32 (llama-memory-recurrent.cpp).
  o.runtime = "llama.cpp";
  o.quantization = "Q8_0";
  const auto l = estimate(s, o);
  REQUIRE(l.ok());
  uint64_t state = 0;
  for (const auto& g : l.kv_layers) state += g.state_bytes * g.layers;
  CHECK(state == 10ull * 1024 * 2 * 4);
}

// ---- granitemoehybrid ---------------------------------------------------------------------------------

// ibm-granite/granite-4.0-h-tiny's architecture fields, as a published test dict gives them (tests/fixtures/SOURCES.md:
// no verbatim config.json was found); the fields it leaves out (attention_bias, mamba_conv_bias, mamba_proj_bias)
// are the class defaults, which the published count confirms.
static const char* kGranite4HTiny = R"({"model_type": "granitemoehybrid", "architectures": ["GraniteMoeHybridForCausalLM"],
    "hidden_size": 1536, "num_hidden_layers": 40, "num_attention_heads": 12, "num_key_value_heads": 4, "intermediate_size": 512,
    "shared_intermediate_size": 1024, "num_local_experts": 64, "num_experts_per_tok": 6, "vocab_size": 100352,
    "tie_word_embeddings": true, "mamba_d_state": 128, "mamba_n_groups": 1, "mamba_n_heads": 48, "mamba_d_head": 64,
    "mamba_expand": 2, "mamba_d_conv": 4, "mamba_chunk_size": 256, "max_position_embeddings": 131072, "torch_dtype": "bfloat16",
    "layer_types": ["mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba",
                    "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba",
                    "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba",
                    "mamba", "mamba", "mamba", "mamba", "mamba", "attention", "mamba", "mamba", "mamba", "mamba"]})";

TEST_CASE("ibm-granite/granite-4.0-h-tiny (granitemoehybrid) has 6,939,037,248 parameters", "[params][kv][granitemoehybrid]") {
  // llmfit hf_models.json parameters_raw (the Hub's safetensors total).
  const auto s = spec(kGranite4HTiny);
  CHECK(s.family == "granitemoehybrid");
  const auto p = count_parameters(build_inventory(s));
  CHECK(p.total.value == 6'939'037'248ull);
  // A token: 6 of 64 experts of 512 (input_linear 2 x 512 x 1536, output_linear 1536 x 512) in each of 40 layers.
  CHECK(p.total.value - p.active.value == 40ull * (64 - 6) * 3 * 512 * 1536);
  estimate_options o;
  o.context_tokens = 4096;
  const auto r = estimate(s, o);
  REQUIRE(r.ok());
  // 4 attention layers: 4 KV heads x 128, bf16; 36 mamba layers: conv (3072 + 2 x 128) x 4 and state 48 x 64 x 128.
  CHECK(r.kv_cache_bytes_per_token == 4ull * 2 * 4 * 128 * 2);
  CHECK(r.memory.kv_cache_bytes == 4ull * 2 * 4 * 128 * 2 * 4096 + 36ull * ((3072 + 256) * 4 + 48 * 64 * 128) * 2);
}

// Falcon-H1-0.5B-Base's fields as NVIDIA Megatron-Bridge's unit test writes them (FALCON_H1_500M_CONFIG; it leaves
// mamba_d_ssm out: 24 heads x 64 = 1536, as the Hub config gives it). tests/fixtures/SOURCES.md.
const char* kFalconH1_05B =
    R"({"architectures":["FalconH1ForCausalLM"],"attention_bias":false,"attention_dropout":0.0,"attention_in_multipli)"
    R"(er":1.0,"attention_out_multiplier":0.9375,"attn_layer_indices":null,"embedding_multiplier":5.656854249492381,")"
    R"(head_dim":64,"hidden_act":"silu","hidden_size":1024,"initializer_range":0.02,"intermediate_size":2048,"key_mul)"
    R"(tiplier":0.39062499999999994,"lm_head_multiplier":0.0390625,"mamba_chunk_size":128,"mamba_conv_bias":true,"mam)"
    R"(ba_d_conv":4,"mamba_d_head":64,"mamba_d_state":128,"mamba_expand":2,"mamba_n_groups":1,"mamba_n_heads":24,"mam)"
    R"(ba_norm_before_gate":false,"mamba_proj_bias":false,"mamba_rms_norm":false,"mamba_use_mlp":true,"max_position_e)"
    R"(mbeddings":16384,"mlp_bias":false,"mlp_multipliers":[0.8838834764831844,0.5859375],"model_type":"falcon_h1","n)"
    R"(um_attention_heads":8,"num_hidden_layers":36,"num_key_value_heads":2,"projectors_bias":false,"rms_norm_eps":1e)"
    R"(-05,"rope_scaling":null,"rope_theta":100000000000.0,"ssm_in_multiplier":1.25,"ssm_multipliers":[0.353553390593)"
    R"(2738,0.25,0.3535533905932738,0.5,0.3535533905932738],"ssm_out_multiplier":0.23570226039551587,"tie_word_embedd)"
    R"(ings":false,"torch_dtype":"bfloat16","vocab_size":32784})";

TEST_CASE("tiiuae/Falcon-H1-0.5B-Base (falcon_h1): Mamba-2 and attention side by side in every layer, exact", "[params][falcon_h1]") {
  const auto parsed = parse_config(kFalconH1_05B);
  REQUIRE(parsed.ok());
  const auto p = count_parameters(build_inventory(parsed.spec));
  CHECK(p.total.value == 521'411'104ull);  // llmfit parameters_raw (the Hub's safetensors total)
  // Each of the 36 layers caches K and V (2 KV heads x 64) and its Mamba-2 state.
  const auto r = estimate(parsed.spec, estimate_options{});
  CHECK(r.kv_cache_bytes_per_token == 36ull * 2 * 2 * 64 * 2);
  const uint64_t conv_dim = 1536 + 2 * 128;
  CHECK(parsed.spec.layers[0].state_elements == conv_dim * 4 + 1536ull * 128);
}
