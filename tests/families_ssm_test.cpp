#include <catch2/catch.hpp>

#include "estimate.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

// Configs with the published dimensions of state-spaces/mamba-130m, ai21labs/Jamba-v0.1 and
// state-spaces/mamba2-2.7b. Real configs: state-spaces/mamba-2.8b-hf and AntonV/mamba2-130m-hf in
// families_fixtures_test.cpp; no real Jamba config.json was found.
static model_spec spec(const char* json) {
  const auto p = parse_config(json);
  REQUIRE(p.ok());
  return p.spec;
}

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
