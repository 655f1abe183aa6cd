#include <catch2/catch.hpp>

#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

// Families whose rule is checked against the published parameter count (the Hub's safetensors count on
// the model page) through a config written with that checkpoint's published dimensions; verbatim
// config.json fixtures for them are still to be found.

static uint64_t total_of(const char* json) {
  const auto p = parse_config(json);
  REQUIRE(p.ok());
  return count_parameters(build_inventory(p.spec)).total.value;
}

TEST_CASE("google/gemma-2-2b (gemma2) has 2,614,341,888 parameters", "[params][gemma2]") {
  CHECK(total_of(R"({"architectures": ["Gemma2ForCausalLM"], "model_type": "gemma2", "hidden_size": 2304, "intermediate_size": 9216, "num_hidden_layers": 26, "num_attention_heads": 8, "num_key_value_heads": 4, "head_dim": 256, "vocab_size": 256000, "sliding_window": 4096, "torch_dtype": "float32"})") == 2614341888ull);
}

TEST_CASE("google/gemma-7b (gemma) has 8,537,680,896 parameters", "[params][gemma]") {
  CHECK(total_of(R"({"architectures": ["GemmaForCausalLM"], "model_type": "gemma", "hidden_size": 3072, "intermediate_size": 24576, "num_hidden_layers": 28, "num_attention_heads": 16, "num_key_value_heads": 16, "head_dim": 256, "vocab_size": 256000, "torch_dtype": "bfloat16"})") == 8537680896ull);
}

TEST_CASE("google/gemma-3-1b-pt (gemma3_text) has 999,885,952 parameters", "[params][gemma3_text]") {
  CHECK(total_of(R"({"architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text", "hidden_size": 1152, "intermediate_size": 6912, "num_hidden_layers": 26, "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 256, "vocab_size": 262144, "sliding_window": 512, "sliding_window_pattern": 6, "torch_dtype": "bfloat16"})") == 999885952ull);
}

TEST_CASE("Qwen/Qwen1.5-MoE-A2.7B (qwen2_moe) has 14,315,784,192 parameters", "[params][qwen2_moe]") {
  CHECK(total_of(R"({"architectures": ["Qwen2MoeForCausalLM"], "model_type": "qwen2_moe", "hidden_size": 2048, "intermediate_size": 5632, "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632, "num_experts": 60, "num_experts_per_tok": 4, "num_hidden_layers": 24, "num_attention_heads": 16, "num_key_value_heads": 16, "vocab_size": 151936, "decoder_sparse_step": 1, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})") == 14315784192ull);
}

TEST_CASE("Qwen/Qwen3-30B-A3B (qwen3_moe) has 30,532,122,624 parameters", "[params][qwen3_moe]") {
  CHECK(total_of(R"({"architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe", "hidden_size": 2048, "intermediate_size": 6144, "moe_intermediate_size": 768, "num_experts": 128, "num_experts_per_tok": 8, "num_hidden_layers": 48, "num_attention_heads": 32, "num_key_value_heads": 4, "head_dim": 128, "vocab_size": 151936, "decoder_sparse_step": 1, "mlp_only_layers": [], "tie_word_embeddings": false, "torch_dtype": "bfloat16"})") == 30532122624ull);
}

TEST_CASE("microsoft/Phi-3.5-MoE-instruct (phimoe) has 41,873,153,344 parameters", "[params][phimoe]") {
  CHECK(total_of(R"({"architectures": ["PhiMoEForCausalLM"], "model_type": "phimoe", "hidden_size": 4096, "intermediate_size": 6400, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8, "num_local_experts": 16, "num_experts_per_tok": 2, "vocab_size": 32064, "attention_bias": true, "lm_head_bias": true, "tie_word_embeddings": false, "sliding_window": 131072, "torch_dtype": "bfloat16"})") == 41873153344ull);
}

TEST_CASE("deepseek-ai/DeepSeek-V2-Lite (deepseek_v2) has 15,706,484,224 parameters", "[params][deepseek_v2]") {
  CHECK(total_of(R"({"architectures": ["DeepseekV2ForCausalLM"], "model_type": "deepseek_v2", "hidden_size": 2048, "intermediate_size": 10944, "moe_intermediate_size": 1408, "num_hidden_layers": 27, "num_attention_heads": 16, "num_key_value_heads": 16, "n_routed_experts": 64, "n_shared_experts": 2, "num_experts_per_tok": 6, "first_k_dense_replace": 1, "moe_layer_freq": 1, "q_lora_rank": null, "kv_lora_rank": 512, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "v_head_dim": 128, "vocab_size": 102400, "tie_word_embeddings": false, "topk_method": "greedy", "torch_dtype": "bfloat16"})") == 15706484224ull);
}

TEST_CASE("microsoft/Phi-3-mini-4k-instruct (phi3) has 3,821,079,552 parameters", "[params][phi3]") {
  CHECK(total_of(R"({"architectures": ["Phi3ForCausalLM"], "model_type": "phi3", "hidden_size": 3072, "intermediate_size": 8192, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 32, "vocab_size": 32064, "sliding_window": 2047, "tie_word_embeddings": false, "torch_dtype": "bfloat16"})") == 3821079552ull);
}
