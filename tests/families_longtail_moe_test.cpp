// The long-tail mixture-of-experts decoders (core/families/longtail_moe.cpp), each against the published count of a real
// config.json (tests/fixtures/SOURCES.md, params.tsv): deepseek (DeepSeek-MoE v1), olmoe, granitemoe, minicpm,
// minicpm3, ernie4_5_moe. Where no verbatim config.json was found (deepseek-moe-16b, granite-3.1-1b-a400m) the test
// writes the checkpoint's config inline, field for field as published, as families_decoders_test.cpp does for
// DeepSeek-V2-Lite. Each case also checks the experts a token uses and the KV cache per token, by hand.
#include <catch2/catch.hpp>

#include <string>

#include "estimate.h"
#include "families_helpers.h"
#include "fixture.h"
#include "gguf_quant.h"
#include "inventory.h"

using namespace neuroshrink;
using namespace family_tests;

namespace {

model_spec parsed(const std::string& text) {
  const auto p = parse_config(text);
  REQUIRE(p.ok());
  CHECK_FALSE(has_issue(p.issues, "unknown_architecture"));
  return p.spec;
}

// The fixture's text with one string replaced, parsed.
model_spec fixture_with(const std::string& name, const std::string& from, const std::string& to) {
  std::string text = fixture_text(name);
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  text.replace(at, from.size(), to);
  return parsed(text);
}

uint64_t kv_bytes_per_token(const model_spec& s, const std::string& runtime = "") {
  estimate_options o;
  o.runtime = runtime;
  const auto r = estimate(s, o);
  REQUIRE(r.ok());
  return r.kv_cache_bytes_per_token;
}

uint64_t moe_layers(const model_spec& s) {
  uint64_t n = 0;
  for (const auto& l : s.layers) n += l.moe;
  return n;
}

// Tensor instances the inventory lists (experts and layers expanded): a checkpoint index's weight_map entries.
uint64_t stored_tensors(const model_spec& s) {
  uint64_t n = 0;
  for (const auto& t : build_inventory(s).tensors) n += t.instances();
  return n;
}

// deepseek-ai/deepseek-moe-16b-base's config.json, field for field (no verbatim copy was found; the same fields are
// quoted in a public parameter-counter test, code-index id 1570491832).
const char* const kDeepseekMoe16b = R"({
  "architectures": ["DeepseekForCausalLM"],
  "attention_bias": false,
  "attention_dropout": 0.0,
  "auto_map": {"AutoConfig": "configuration_deepseek.DeepseekConfig", "AutoModel": "modeling_deepseek.DeepseekModel",
               "AutoModelForCausalLM": "modeling_deepseek.DeepseekForCausalLM"},
  "bos_token_id": 100000, "eos_token_id": 100001, "first_k_dense_replace": 1, "hidden_act": "silu", "hidden_size": 2048,
  "initializer_range": 0.02, "intermediate_size": 10944, "max_position_embeddings": 4096, "model_type": "deepseek",
  "moe_intermediate_size": 1408, "moe_layer_freq": 1, "n_routed_experts": 64, "n_shared_experts": 2, "norm_topk_prob": false,
  "num_attention_heads": 16, "num_experts_per_tok": 6, "num_hidden_layers": 28, "num_key_value_heads": 16, "pretraining_tp": 1,
  "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 10000, "scoring_func": "softmax", "tie_word_embeddings": false,
  "torch_dtype": "bfloat16", "transformers_version": "4.36.0", "use_cache": true, "vocab_size": 102400})";

// ibm-granite/granite-3.1-1b-a400m-base's config.json as dAppCore/go-inference's testdata keeps it: the fields its
// reader needs, not the whole file (SOURCES.md), field for field.
const char* const kGranite31_1bA400m = R"({
  "architectures": ["GraniteMoeForCausalLM"], "attention_bias": false, "attention_dropout": 0.1,
  "attention_multiplier": 0.015625, "embedding_multiplier": 12.0, "hidden_act": "silu", "hidden_size": 1024,
  "intermediate_size": 512, "logits_scaling": 6.0, "model_type": "granitemoe", "num_attention_heads": 16,
  "num_experts_per_tok": 8, "num_hidden_layers": 24, "num_key_value_heads": 8, "num_local_experts": 32,
  "residual_multiplier": 0.22, "rms_norm_eps": 1e-06, "rope_theta": 1500000.0, "tie_word_embeddings": true,
  "vocab_size": 49152})";

}  // namespace

// ---- deepseek (DeepSeek-MoE v1) ----------------------------------------------------------------------

TEST_CASE("deepseek-ai/deepseek-moe-16b-base (deepseek) has 16,375,728,128 parameters, 2,828,650,496 active", "[params][deepseek_moe]") {
  const model_spec s = parsed(kDeepseekMoe16b);
  CHECK(s.family == "deepseek");
  // Layer 0 dense (first_k_dense_replace 1), layers 1-27 DeepseekMoE.
  CHECK_FALSE(s.layers[0].moe);
  CHECK(moe_layers(s) == 27);
  // Attention 4 x 2048^2 and two norms in every layer; layer 0's MLP 3 x 2048 x 10944; an MoE layer's gate 64 x 2048,
  // 64 experts of 3 x 2048 x 1408 and the shared experts' MLP 3 x 2048 x (2 x 1408); untied 102400 x 2048 twice.
  const uint64_t attn = 4 * 2048ull * 2048 + 2 * 2048;
  const uint64_t expert = 3 * 2048ull * 1408;
  const uint64_t moe_layer = attn + 64 * 2048 + 64 * expert + 3 * 2048ull * 2816;
  const auto p = params_of(s);
  CHECK(p.total.value == attn + 3 * 2048ull * 10944 + 27 * moe_layer + 2 * 102'400ull * 2'048 + 2'048);
  // Published: the Hub's safetensors count of deepseek-moe-16b-base and -chat (llmfit hf_models.json).
  CHECK(p.total.value == 16'375'728'128ull);
  // 6 of 64 routed experts per token, both shared experts always.
  CHECK(p.active.value == p.total.value - 27 * 58 * expert);
  CHECK(p.active.value == 2'828'650'496ull);
  // Llama's cache: 28 layers x K and V x 16 heads x 128 x bf16.
  CHECK(kv_bytes_per_token(s) == 28ull * 2 * 16 * 128 * 2);
  CHECK(kv_bytes_per_token(s, "llama.cpp") == 28ull * 2 * 16 * 128 * 2);
}

TEST_CASE("deepseek: moe_layer_freq and a null n_routed_experts place the MoE layers as DeepseekDecoderLayer does", "[params][deepseek_moe]") {
  std::string text = kDeepseekMoe16b;
  text.replace(text.find("\"moe_layer_freq\": 1"), 19, "\"moe_layer_freq\": 2");
  const model_spec every_other = parsed(text);
  // layer_idx >= 1 and layer_idx % 2 == 0: layers 2, 4, ..., 26.
  CHECK(moe_layers(every_other) == 13);
  CHECK(every_other.layers[2].moe);
  CHECK_FALSE(every_other.layers[3].moe);

  std::string dense_text = kDeepseekMoe16b;
  dense_text.replace(dense_text.find("\"n_routed_experts\": 64"), 22, "\"n_routed_experts\": null");
  const model_spec dense = parsed(dense_text);
  CHECK(moe_layers(dense) == 0);
  CHECK(params_of(dense).total.value == 28 * (4 * 2048ull * 2048 + 2 * 2048 + 3 * 2048ull * 10944) + 2 * 102'400ull * 2'048 + 2'048);
}

// ---- olmoe -------------------------------------------------------------------------------------------

TEST_CASE("allenai/OLMoE-1B-7B-0924 (olmoe) has 6,919,161,856 parameters in 3,219 tensors", "[params][olmoe][fixture]") {
  const model_spec s = fixture("allenai__OLMoE-1B-7B-0924");
  CHECK(s.family == "olmoe");
  // Per layer: q, k, v, o 4 x 2048^2; q_norm and k_norm over the whole 2048-wide projections; two norms; the router
  // 64 x 2048; 64 experts of 3 x 2048 x 1024. Untied 50304 x 2048 embedding and lm_head, final norm.
  const uint64_t expert = 3 * 2048ull * 1024;
  const uint64_t layer = 4 * 2048ull * 2048 + 2 * 2048 + 2 * 2048 + 64 * 2048 + 64 * expert;
  const auto p = params_of(s);
  CHECK(p.total.value == 16 * layer + 2 * 50'304ull * 2'048 + 2'048);
  // Published: the checkpoint index's total_size, 13,838,323,712 bytes of bf16 (dAppCore/go-inference testdata),
  // and the Hub's safetensors count of the -0125 and -0924-Instruct repos (llmfit hf_models.json).
  CHECK(p.total.value == 13'838'323'712ull / 2);
  CHECK(p.total.value == 6'919'161'856ull);
  // The same index's weight_map lists 3,219 tensors: 16 x (9 + 64 x 3) + embedding, norm, lm_head.
  CHECK(stored_tensors(s) == 3'219);
  // 8 of 64 experts per token.
  CHECK(p.active.value == p.total.value - 16 * 56 * expert);
  CHECK(kv_bytes_per_token(s) == 16ull * 2 * 16 * 128 * 2);
  CHECK(kv_bytes_per_token(s, "llama.cpp") == 16ull * 2 * 16 * 128 * 2);
}

// ---- granitemoe --------------------------------------------------------------------------------------

TEST_CASE("ibm-granite/granite-3.1-1b-a400m-base (granitemoe) has 1,334,625,280 parameters", "[params][granitemoe]") {
  const model_spec s = parsed(kGranite31_1bA400m);
  CHECK(s.family == "granitemoe");
  CHECK(has_tensor(s, "model.layers.{i}.block_sparse_moe.input_linear[{e}].weight"));
  CHECK(has_tensor(s, "model.layers.{i}.block_sparse_moe.router.layer.weight"));
  // Per layer: q 1024^2, k and v 1024 x 512 (8 KV heads of 64), o 1024^2; two norms; router 32 x 1024;
  // input_linear 32 x (2 x 512) x 1024 and output_linear 32 x 1024 x 512. Tied 49152 x 1024 embedding, final norm.
  const uint64_t expert = 2 * 512ull * 1024 + 1024ull * 512;
  const uint64_t layer = 2 * 1024ull * 1024 + 2 * 1024ull * 512 + 2 * 1024 + 32 * 1024 + 32 * expert;
  const auto p = params_of(s);
  CHECK(p.total.value == 24 * layer + 49'152ull * 1'024 + 1'024);
  // Published: the checkpoint index's total_size, 2,669,250,560 bytes of bf16 (dAppCore/go-inference testdata).
  CHECK(p.total.value == 2'669'250'560ull / 2);
  CHECK(p.total.value == 1'334'625'280ull);
  // 8 of 32 experts per token.
  CHECK(p.active.value == p.total.value - 24 * 24 * expert);
  // 24 layers x K and V x 8 KV heads x 64, in bf16 (the excerpt gives no torch_dtype: the cache's type is named).
  estimate_options o;
  o.kv_cache_dtype = "bf16";
  const auto r = estimate(s, o);
  REQUIRE(r.ok());
  CHECK(r.kv_cache_bytes_per_token == 24ull * 2 * 8 * 64 * 2);
}

// ---- minicpm -----------------------------------------------------------------------------------------

TEST_CASE("openbmb/MiniCPM4-8B (minicpm) has 8,185,253,888 parameters", "[params][minicpm][fixture]") {
  const model_spec s = fixture("openbmb__MiniCPM4-8B");
  CHECK(s.family == "minicpm");
  // Llama's layout: q and o 4096^2, k and v 4096 x 256 (2 KV heads of 128), gate/up/down 3 x 4096 x 16384, two
  // norms; untied (the config says so; the class default ties) 73448 x 4096 embedding and lm_head, final norm.
  const uint64_t layer = 2 * 4096ull * 4096 + 2 * 4096ull * 256 + 3 * 4096ull * 16384 + 2 * 4096;
  const auto p = params_of(s);
  CHECK(p.total.value == 32 * layer + 2 * 73'448ull * 4'096 + 4'096);
  // Published: the Hub's safetensors count of MiniCPM4-8B and MiniCPM4.1-8B (llmfit hf_models.json).
  CHECK(p.total.value == 8'185'253'888ull);
  CHECK(p.active.value == p.total.value);
  CHECK(kv_bytes_per_token(s) == 32ull * 2 * 2 * 128 * 2);
  // The class ties lm_head to embed_tokens when the config does not say (MiniCPM-1B/2B leave it out).
  const model_spec tied = fixture_with("openbmb__MiniCPM4-8B", "\"tie_word_embeddings\": false", "\"tie_word_embeddings_unset\": false");
  CHECK(params_of(tied).total.value == p.total.value - 73'448ull * 4'096);
}

TEST_CASE("minicpm with num_experts builds MiniCPM-MoE's router and w1/w2/w3 experts in every layer", "[params][minicpm]") {
  const model_spec s = fixture_with("openbmb__MiniCPM4-8B", "\"model_type\": \"minicpm\",",
                                    "\"model_type\": \"minicpm\", \"num_experts\": 8, \"num_experts_per_tok\": 2,");
  CHECK(moe_layers(s) == 32);
  CHECK(has_tensor(s, "model.layers.{i}.mlp.experts.{e}.w1.weight"));
  CHECK(has_tensor(s, "model.layers.{i}.mlp.gate.weight"));
  CHECK_FALSE(has_tensor(s, "model.layers.{i}.mlp.gate_proj.weight"));
  // 8 experts of the dense MLP's width replace it; a router 8 x 4096 is added.
  const uint64_t mlp = 3 * 4096ull * 16384;
  const auto dense = params_of(fixture("openbmb__MiniCPM4-8B")), moe = params_of(s);
  CHECK(moe.total.value == dense.total.value + 32 * (7 * mlp + 8 * 4096));
  CHECK(moe.active.value == dense.total.value + 32 * (mlp + 8 * 4096));
}

// ---- minicpm3 ----------------------------------------------------------------------------------------

TEST_CASE("openbmb/MiniCPM3-4B (minicpm3): low-rank attention, 4,073,875,968 parameters", "[params][minicpm3][fixture]") {
  const model_spec s = fixture("openbmb__MiniCPM3-4B");
  CHECK(s.family == "minicpm3");
  // Attention per layer (40 heads, qk 64 + 32, v 2560 / 40 = 64): q_a 768 x 2560, q_a_layernorm 768, q_b
  // 40 x 96 x 768, kv_a_proj_with_mqa (256 + 32) x 2560, kv_a_layernorm 256, kv_b 40 x (64 + 64) x 256, o 2560 x
  // 40 x 64; MLP 3 x 2560 x 6400; two norms. Tied (the class default) 73448 x 2560 embedding, final norm.
  const uint64_t q_b = 40 * 96ull * 768, kv_a = 288ull * 2560;
  const uint64_t attn = 768ull * 2560 + 768 + q_b + kv_a + 256 + 40 * 128ull * 256 + 2560ull * 40 * 64;
  const uint64_t layer = attn + 3 * 2560ull * 6400 + 2 * 2560;
  const auto p = params_of(s);
  CHECK(p.total.value == 62 * layer + 73'448ull * 2'560 + 2'560);
  CHECK(p.total.value == 4'073'875'968ull);
  // Published: llmfit lists 3,844,935,680 for openbmb/MiniCPM3-4B (hf_models.json; when the Hub's answer has no
  // safetensors total, its scraper keeps the largest per-dtype count, so this need not be the whole checkpoint).
  // It is this count less exactly q_b_proj, kv_a_proj_with_mqa and every RMSNorm (228,940,288 parameters), as if
  // the checkpoint stored those in a second dtype; the Hub's own total was not found.
  uint64_t second_dtype = 0;
  for (const auto& t : build_inventory(s).tensors)
    if (t.role == tensor_role::norm || t.name.find("q_b_proj") != std::string::npos || t.name.find("kv_a_proj_with_mqa") != std::string::npos)
      second_dtype += t.elements() * t.instances();
  CHECK(second_dtype == 62 * (q_b + kv_a + 768 + 256 + 2 * 2560) + 2'560);
  CHECK(p.total.value - second_dtype == 3'844'935'680ull);
}

TEST_CASE("MiniCPM3-4B caches the expanded K and V, in transformers and in llama.cpp alike", "[kv][minicpm3][fixture]") {
  const model_spec s = fixture("openbmb__MiniCPM3-4B");
  // Per layer: K 40 x (64 + 32), V 40 x 64, bf16 (transformers) / f16 (llama.cpp's default cache type).
  CHECK(kv_bytes_per_token(s) == 62ull * 40 * (96 + 64) * 2);
  CHECK(kv_bytes_per_token(s, "llama.cpp") == 62ull * 40 * (96 + 64) * 2);
  estimate_options o;
  const auto r = estimate(s, o);
  REQUIRE(r.ok());
  CHECK_FALSE(has_issue(r.issues, "mla_expanded"));  // no latent cache to point to: nobody caches it
}

TEST_CASE("MiniCPM3-4B's GGUF keeps attn_kv_b whole, as convert_hf_to_gguf.py's MiniCPM3Model writes it", "[gguf][minicpm3][fixture]") {
  // DeepSeek-V2's converter splits kv_b_proj into attn_k_b / attn_v_b; MiniCPM3Model maps it to attn_kv_b as is.
  const model_spec s = fixture("openbmb__MiniCPM3-4B");
  const auto plan = plan_gguf(s, build_inventory(s), *find_gguf_file_type("Q4_K_M"));
  CHECK(plan.find("blk.{i}.attn_kv_b.weight"));
  CHECK_FALSE(plan.find("blk.{i}.attn_k_b.weight"));
  CHECK_FALSE(plan.find("output.weight"));  // tied
  CHECK(plan.elements == 4'073'875'968ull);
  CHECK(plan.fallback_tensors == 0);
}

// ---- ernie4_5_moe ------------------------------------------------------------------------------------

TEST_CASE("baidu/ERNIE-4.5-21B-A3B (ernie4_5_moe) has 21,825,437,888 parameters, the correction biases included", "[params][ernie4_5_moe][fixture]") {
  const model_spec s = fixture("baidu__ERNIE-4.5-21B-A3B-PT");
  CHECK(s.family == "ernie4_5_moe");
  // Layer 0 dense (moe_layer_start_index 1), layers 1-27 MoE (moe_layer_end_index -1: the last).
  CHECK_FALSE(s.layers[0].moe);
  CHECK(moe_layers(s) == 27);
  // Attention: q and o 2560 x 20 x 128, k and v 2560 x 4 x 128; two norms. Layer 0: MLP 3 x 2560 x 12288. An MoE
  // layer: gate 64 x 2560, e_score_correction_bias 1 x 64, 64 experts of 3 x 2560 x 1536, shared 3 x 2560 x 3072.
  // Tied 103424 x 2560 embedding, final norm.
  const uint64_t attn = 2 * 2560ull * 2560 + 2 * 2560ull * 512 + 2 * 2560;
  const uint64_t expert = 3 * 2560ull * 1536;
  const uint64_t moe_layer = attn + 64 * 2560 + 64 + 64 * expert + 3 * 2560ull * 3072;
  const auto p = params_of(s);
  CHECK(p.total.value == attn + 3 * 2560ull * 12288 + 27 * moe_layer + 103'424ull * 2'560 + 2'560);
  // Published: the Hub's safetensors count of baidu/ERNIE-4.5-21B-A3B-Thinking, the same architecture and
  // dimensions (llmfit hf_models.json; the file lists no usable total for the -PT repo itself). The 27 correction
  // biases (1,728 parameters) are part of it.
  CHECK(p.total.value == 21'825'437'888ull);
  // 6 of 64 routed experts per token, both shared experts always.
  CHECK(p.active.value == p.total.value - 27 * 58 * expert);
  CHECK(kv_bytes_per_token(s) == 28ull * 2 * 4 * 128 * 2);
  CHECK(kv_bytes_per_token(s, "llama.cpp") == 28ull * 2 * 4 * 128 * 2);
}

TEST_CASE("ernie4_5_moe: moe_layer_interval and moe_layer_end_index place the MoE layers as the decoder layer does", "[params][ernie4_5_moe][fixture]") {
  // (layer_idx + 1) % 2 == 0 and 1 <= layer_idx <= 20: layers 1, 3, ..., 19.
  const model_spec s = fixture_with("baidu__ERNIE-4.5-21B-A3B-PT", "\"moe_layer_interval\": 1",
                                    "\"moe_layer_interval\": 2, \"moe_layer_end_index\": 20");
  CHECK(moe_layers(s) == 10);
  CHECK(s.layers[1].moe);
  CHECK_FALSE(s.layers[2].moe);
  CHECK_FALSE(s.layers[21].moe);
}

TEST_CASE("GLM-4.5-Air (glm4_moe): 106,852,251,264 parameters loaded, 110,468,824,832 stored with its MTP layer", "[params][glm4_moe][fixture]") {
  // zai-org/GLM-4.5-Air's config as transformers 4.54.1 loaded it (tests/fixtures/SOURCES.md); the Hub's safetensors
  // total (llmfit parameters_raw) counts the MTP layer 46 with its own embed_tokens and shared_head.head.
  const model_spec s = fixture("zai-org__GLM-4.5-Air");
  CHECK(s.family == "glm4_moe");
  CHECK(moe_layers(s) == 45);
  CHECK(s.mtp_layers == 1);
  const auto p = params_of(s);
  CHECK(p.total.value == 106'852'251'264ull);
  CHECK(p.total.value + p.mtp.value == 110'468'824'832ull);
  // A token: attention, the first dense MLP, 8 of 128 experts and the shared one in 45 layers.
  const uint64_t h = 4096, E = 128, mi = 1408;
  CHECK(p.total.value - p.active.value == 45ull * (E - 8) * 3 * h * mi);
  // Grouped-query attention, 8 KV heads of 128 in all 46 layers, bf16.
  CHECK(kv_bytes_per_token(s) == 46ull * 2 * 8 * 128 * 2);
  // GLM-4.5 and later: per-head q/k norms (use_qk_norm) add 2 x head_dim per layer.
  const model_spec qk = fixture_with("zai-org__GLM-4.5-Air", "\"use_qk_norm\": false", "\"use_qk_norm\": true");
  CHECK(params_of(qk).total.value == p.total.value + 46ull * 2 * 128);
  CHECK(has_tensor(qk, "model.layers.{i}.self_attn.q_norm.weight"));
}

TEST_CASE("tencent/Hunyuan-A13B-Instruct (hunyuan, hunyuan_v1_moe): 64 experts and a shared MLP on every layer, q/k norms, tied", "[params][hunyuan][fixture]") {
  // No exact published total was found (the card says 80B total, 13B active): the count is checked by hand from the
  // config (tests/fixtures/SOURCES.md). Per layer: q and o 4096 x 4096, k and v 1024 x 4096, two 4096 norms, two
  // 128 q/k norms, the router 64 x 4096, 65 SwiGLU MLPs of 3 x 4096 x 3072; embed_tokens 128167 x 4096; model.norm.
  const model_spec s = fixture("tencent__Hunyuan-A13B-Instruct");
  CHECK(s.family == "hunyuan");
  CHECK(s.head_dim == 128);  // attention_head_dim
  CHECK(s.experts_per_token == 8);  // moe_topk, a list
  const uint64_t layer = 2ull * 4096 * 4096 + 2ull * 1024 * 4096 + 2 * 4096 + 2 * 128 + 64ull * 4096 + 65ull * 3 * 4096 * 3072;
  const auto p = params_of(s);
  CHECK(p.total.value == 32 * layer + 128167ull * 4096 + 4096);
  CHECK(p.total.value == 80'393'183'232ull);
  CHECK(p.active.value == 12'747'448'320ull);  // 8 routed of 64 and the shared MLP: "13B active"
  CHECK(has_tensor(s, "model.layers.{i}.self_attn.query_layernorm.weight"));
  CHECK_FALSE(has_tensor(s, "lm_head.weight"));
  // transformers' spelling of the same checkpoint (model_type hunyuan_v1_moe, head_dim) reads the same.
  std::string native = fixture_text("tencent__Hunyuan-A13B-Instruct");
  native.replace(native.find("\"model_type\": \"hunyuan\""), 23, "\"model_type\": \"hunyuan_v1_moe\"");
  const auto v1 = parse_config(native);
  REQUIRE(v1.ok());
  CHECK(params_of(v1.spec).total.value == p.total.value);
  // The dense Hunyuan-7B-Instruct's fields (dAppCore/go-inference testdata excerpt): Llama with the two q/k norms.
  const auto dense = parse_config(R"({"model_type":"hunyuan_v1_dense","architectures":["HunYuanDenseV1ForCausalLM"],"hidden_size":4096,"intermediate_size":14336,
      "num_hidden_layers":32,"num_attention_heads":32,"num_key_value_heads":8,"head_dim":128,"vocab_size":128167,"use_qk_norm":true,"use_cla":false,
      "cla_share_factor":2,"tie_word_embeddings":true,"max_position_embeddings":262144,"torch_dtype":"bfloat16"})");
  REQUIRE(dense.ok());
  CHECK(dense.spec.family == "hunyuan_v1_dense");
  CHECK(params_of(dense.spec).total.value == 32ull * (2ull * 4096 * 4096 + 2ull * 1024 * 4096 + 2 * 4096 + 2 * 128 + 3ull * 4096 * 14336) + 128167ull * 4096 + 4096);
}
