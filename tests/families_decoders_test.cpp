#include <catch2/catch.hpp>

#include "estimate.h"
#include "fixture.h"
#include "inventory.h"

using namespace neuroshrink;

static parameter_counts params_of(const std::string& name) { return count_parameters(build_inventory(fixture(name))); }

static estimate_result fp16_estimate(const std::string& name, uint64_t context = 4096) {
  estimate_options o;
  o.quantization = "fp16";
  o.context_tokens = context;
  return estimate(fixture(name), o);
}

TEST_CASE("gpt-oss-20b has 20,914,757,184 parameters", "[params][gpt_oss]") {
  // huggingface.js parse-safetensors-metadata.spec.ts and keras-hub gpt_oss_20b_en (tests/fixtures/params.tsv).
  // Per layer: q 4096x2880+4096, k and v 512x2880+512, o 2880x4096+2880, sinks 64 = 26,550,144;
  // router 32x2880+32 = 92,192; experts 32 x (5760x2880 + 5760 + 2880x2880 + 2880) = 796,538,880; norms 5,760.
  // 24 x 823,186,976 + embeddings and lm_head 2 x 201,088 x 2,880 + norm 2,880.
  const auto p = params_of("openai__gpt-oss-20b");
  CHECK(p.total.value == 24ull * 823'186'976 + 2ull * 201'088 * 2'880 + 2'880);
  CHECK(p.total.value == 20'914'757'184ull);
}

TEST_CASE("gpt-oss-20b activates 4 of 32 experts per token", "[params][gpt_oss]") {
  // OpenAI's "3.6B active" leaves out the 579,133,440-parameter embedding table; ours includes it.
  const auto p = params_of("openai__gpt-oss-20b");
  const uint64_t experts_all = 24ull * 796'538'880, experts_active = experts_all / 8;
  CHECK(p.active.value == p.total.value - experts_all + experts_active);
  CHECK(p.active.value - 201'088ull * 2'880 == 3'608'307'264ull);
}

TEST_CASE("gpt-oss-20b alternates sliding (128) and full attention layers", "[kv][gpt_oss]") {
  const auto r = fp16_estimate("openai__gpt-oss-20b", 4096);
  // per layer and token: K + V = 2 x 8 KV heads x 64 x 2 bytes = 2,048; 12 sliding + 12 full layers.
  CHECK(r.kv_cache_bytes_per_token == 24 * 2'048);
  CHECK(r.memory.kv_cache_bytes == 12ull * 2'048 * 128 + 12ull * 2'048 * 4'096);
  REQUIRE(r.kv_layers.size() == 24);  // alternating, so no two neighbours merge
  CHECK(r.kv_layers[0].attention == attention_kind::sliding);
  CHECK(r.kv_layers[0].cached_tokens == 128);
  CHECK(r.kv_layers[1].attention == attention_kind::full);
}

TEST_CASE("DeepSeek-V3 has 671,026,419,200 parameters plus 13,463,426,304 in its MTP module", "[params][deepseek]") {
  // Attention per layer (MLA): q_a 1536x7168 + q_a_norm 1536 + q_b 24576x1536 + kv_a 576x7168
  //   + kv_a_norm 512 + kv_b 32768x512 + o 7168x16384 = 187,107,328; norms 14,336.
  // Dense layers (3): + 3 x 7168 x 18432 = 583,483,392 each.
  // MoE layers (58): + experts 256 x 3 x 7168 x 2048 + shared 3 x 7168 x 2048 + router 256 x 7168 + bias 256
  //   = 11,507,286,272 each. Embeddings and lm_head 2 x 129,280 x 7,168; final norm 7,168.
  const auto p = params_of("deepseek-ai__DeepSeek-V3");
  CHECK(p.total.value == 3ull * 583'483'392 + 58ull * 11'507'286'272 + 2ull * 129'280 * 7'168 + 7'168);
  CHECK(p.total.value == 671'026'419'200ull);
  // MTP: one MoE layer + enorm, hnorm, eh_proj 7168x14336, shared_head norm, and stored copies of the
  // embedding and head: 11,507,286,272 + 14,336 + 102,760,448 + 7,168 + 2 x 926,679,040.
  CHECK(p.mtp.value == 13'463'426'304ull);
  // The Hub's stored total, 684,531,386,000 (tests/fixtures/params.tsv), adds the fp8 checkpoint's
  // weight_scale_inv tensors to these 684,489,845,504 parameters.
  CHECK(p.total.value + p.mtp.value == 684'489'845'504ull);
}

TEST_CASE("DeepSeek-V3 activates 8 routed experts of 256 and its shared expert", "[params][deepseek]") {
  const auto p = params_of("deepseek-ai__DeepSeek-V3");
  const uint64_t routed_all = 58ull * 256 * 3 * 7'168 * 2'048;
  CHECK(p.active.value == p.total.value - routed_all + routed_all / 32);
  CHECK(p.active.value == 37'552'297'472ull);  // DeepSeek-V3 report: "37B activated"
}

TEST_CASE("DeepSeek-V3's MLA cache: expanded in transformers, a 576-wide latent in MLA runtimes", "[kv][deepseek]") {
  const auto r = fp16_estimate("deepseek-ai__DeepSeek-V3");
  // transformers: 61 layers x 128 heads x (192 K + 128 V) x 2 bytes = 4,997,120 bytes per token.
  CHECK(r.kv_cache_bytes_per_token == 61ull * 128 * (192 + 128) * 2);
  // The latent: 61 x (512 + 64) x 2 = 70,272 bytes per token, named in an info issue.
  bool noted = false;
  for (const auto& i : r.issues)
    if (i.code == "mla_expanded") noted = i.message.find("70272 bytes per token") != std::string::npos;
  CHECK(noted);
}

TEST_CASE("DeepSeek-V3's MTP module is not loaded into memory", "[weights][deepseek]") {
  const auto r = fp16_estimate("deepseek-ai__DeepSeek-V3");
  CHECK(r.memory.weights_bytes == 2 * 671'026'419'200ull);
}

TEST_CASE("phi-4 fuses qkv and gate_up and has 14,659,507,200 parameters", "[params][phi3]") {
  // Per layer: qkv (40 + 2 x 10) x 128 = 7680 x 5120; o 5120 x 5120; gate_up 35840 x 5120; down 5120 x 17920;
  // norms 2 x 5120 = 340,797,440. 40 layers + embeddings and lm_head 2 x 100,352 x 5,120 + norm 5,120.
  // The Hub rounds it to 14.7B (tests/fixtures/params.tsv lists 14e9, rounded).
  CHECK(params_of("microsoft__phi-4").total.value == 40ull * 340'797'440 + 2ull * 100'352 * 5'120 + 5'120);
}

TEST_CASE("phi-4's KV cache is 200 KiB per token in fp16", "[kv][phi3]") {
  // 40 layers x 2 x 10 KV heads x 128 x 2 bytes = 204,800.
  CHECK(fp16_estimate("microsoft__phi-4").kv_cache_bytes_per_token == 204'800);
}

TEST_CASE("gpt-oss is estimated as stored: MXFP4 routed experts, the rest bf16", "[weights]") {
  estimate_options o;
  const auto spec = fixture("openai__gpt-oss-20b");
  CHECK(spec.quantization.method == "mxfp4");
  const auto r = estimate(spec, o);
  REQUIRE(r.ok());
  CHECK(r.format->name == "mxfp4");
  CHECK(r.format->experts_only);
  // Expert weights: 24 layers x 32 experts x (5760 x 2880 + 2880 x 2880) = 19,110,297,600 values, at 4 bits
  // plus one E8M0 byte per 32: 9,555,148,800 + 597,196,800 = 10,152,345,600 bytes. Everything else
  // (20,914,757,184 - 19,110,297,600 = 1,804,459,584 parameters, expert biases included) in bf16:
  // 3,608,919,168 bytes. Total 13,761,264,768 bytes, the 13.8 GB of the Hub's safetensors files.
  CHECK(r.memory.weights_bytes == 13'761'264'768ull);
}

TEST_CASE("Nemotron-NAS block_configs are honoured layer by layer", "[params][kv][nemotron]") {
  // A three-layer stack in the block_configs form of Llama-3.1-Nemotron-51B's config.json: GQA with
  // 8 heads per KV group and ffn_mult 2.625; attention removed (no_op) with ffn_mult 1.0; a linear
  // attention replacement with no FFN.
  const auto p = parse_config(R"({"architectures": ["DeciLMForCausalLM"], "model_type": "nemotron-nas",
      "hidden_size": 1024, "num_attention_heads": 16, "num_hidden_layers": 3, "vocab_size": 1000,
      "tie_word_embeddings": false, "torch_dtype": "bfloat16", "block_configs": [
        {"attention": {"n_heads_in_group": 8, "no_op": false, "replace_with_linear": false}, "ffn": {"ffn_mult": 2.625, "no_op": false, "replace_with_linear": false}},
        {"attention": {"n_heads_in_group": null, "no_op": true, "replace_with_linear": false}, "ffn": {"ffn_mult": 1.0, "no_op": false, "replace_with_linear": false}},
        {"attention": {"n_heads_in_group": null, "no_op": false, "replace_with_linear": true}, "ffn": {"ffn_mult": 1.0, "no_op": true, "replace_with_linear": false}}]})");
  REQUIRE(p.ok());
  // ffn widths: int(2 x 2.625 x 1024 / 3) = 1792 (a multiple of 256); int(2 x 1.0 x 1024 / 3) = 682 -> 768.
  CHECK(p.spec.layers[0].ffn_width == 1792);
  CHECK(p.spec.layers[1].ffn_width == 768);
  const auto c = count_parameters(build_inventory(p.spec));
  const uint64_t layer0 = 1024 + 1024ull * 1024 + 2 * 128ull * 1024 + 1024ull * 1024 + 1024 + 3 * 1792ull * 1024;
  const uint64_t layer1 = 1024 + 3 * 768ull * 1024;
  const uint64_t layer2 = 1024 + 1024ull * 1024;
  CHECK(c.total.value == 2 * 1000ull * 1024 + 1024 + layer0 + layer1 + layer2);
  estimate_options o;
  const auto r = estimate(p.spec, o);
  // Only layer 0 caches: 2 x 2 KV heads x 64 x 2 bytes = 512 bytes per token.
  CHECK(r.kv_cache_bytes_per_token == 512);
}
