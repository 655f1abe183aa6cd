#include <catch2/catch.hpp>

#include "estimate.h"
#include "fixture.h"

using namespace neuroshrink;

static estimate_result run(const std::string& name, std::string quant = "", uint64_t ctx = 4096, uint64_t batch = 1) {
  estimate_options o;
  o.quantization = std::move(quant);
  o.context_tokens = ctx;
  o.batch_size = batch;
  return estimate(fixture(name), o);
}

TEST_CASE("Llama-3.1-8B's KV cache at 4096 tokens is 512 MiB in fp16", "[kv]") {
  const auto r = run("meta-llama__Meta-Llama-3.1-8B");
  // 2 (K,V) x 32 layers x 8 KV heads x 128 head_dim x 2 bytes = 131,072 bytes per token.
  CHECK(r.kv_cache_bytes_per_token == 131'072);
  CHECK(r.memory.kv_cache_bytes == 131'072ull * 4'096);
}

TEST_CASE("Llama-2-7B, without GQA, needs 2 GiB of KV cache at 4096 tokens", "[kv]") {
  const auto r = run("meta-llama__Llama-2-7b-hf", "int4");
  // 2 x 32 layers x 32 heads x 128 x 2 bytes = 524,288 bytes per token; x 4096 = 2,147,483,648.
  CHECK(r.memory.kv_cache_bytes == 2'147'483'648ull);
}

TEST_CASE("the KV cache scales with batch", "[kv]") {
  CHECK(run("meta-llama__Meta-Llama-3.1-8B", "", 4096, 8).memory.kv_cache_bytes == 8 * 131'072ull * 4'096);
}

TEST_CASE("the checkpoint's bf16 weights take two bytes a parameter", "[weights]") {
  const auto r = run("meta-llama__Meta-Llama-3.1-8B");
  CHECK(r.format->name == "bf16");
  CHECK(r.format_defaulted);
  CHECK(r.memory.weights_bytes == 2 * 8'030'261'248ull);
}

TEST_CASE("fp32 weights take four bytes a parameter and an fp32 KV cache", "[weights]") {
  const auto r = run("meta-llama__Meta-Llama-3.1-8B", "fp32");
  CHECK(r.memory.weights_bytes == 4 * 8'030'261'248ull);
  CHECK(r.kv_cache_bytes_per_token == 2 * 131'072);
}

TEST_CASE("a GPTQ int4 Linear stores qweight, qzeros, scales and g_idx", "[weights]") {
  tensor_entry t;
  t.shape = {14336, 4096};  // Llama-3.1-8B gate_proj [out, in]
  t.rank = 2;
  t.matmul = true;
  t.role = tensor_role::mlp;
  // qweight 4096*4/32 x 14336 int32 = 29,360,128; groups 4096/128 = 32;
  // qzeros 32 x 14336*4/32 int32 = 229,376; scales 32 x 14336 fp16 = 917,504; g_idx 4096 int32 = 16,384.
  CHECK(tensor_bytes(t, *find_weight_format("int4")) == 29'360'128ull + 229'376 + 917'504 + 16'384);
}

TEST_CASE("LLM.int8 stores an int8 matrix and an fp32 scale per row; embeddings stay fp16", "[weights]") {
  tensor_entry lin;
  lin.shape = {4096, 4096};
  lin.rank = 2;
  lin.matmul = true;
  lin.role = tensor_role::attention;
  CHECK(tensor_bytes(lin, *find_weight_format("int8")) == 4096ull * 4096 + 4096 * 4);
  tensor_entry emb;
  emb.shape = {32000, 4096};
  emb.rank = 2;
  emb.role = tensor_role::embedding;
  CHECK(tensor_bytes(emb, *find_weight_format("int8")) == 32000ull * 4096 * 2);
}

TEST_CASE("int4 keeps Llama-2-7B's embeddings, norms and lm_head in fp16", "[weights]") {
  const auto r = run("meta-llama__Llama-2-7b-hf", "int4");
  // Per layer: q,k,v,o [4096,4096]: 8,388,608 + 0 + ... computed per tensor; here the non-quantized part:
  const uint64_t fp16_part = 2 * (2 * 32'000ull * 4'096 + 65 * 4'096ull);
  const uint64_t attn = 4 * (4096ull * 4 / 32 * 4096 * 4 + 32 * (4096 * 4 / 32) * 4 + 32 * 4096 * 2 + 4096 * 4);
  const uint64_t gate_up = 2 * (4096ull * 4 / 32 * 11008 * 4 + 32 * (11008 * 4 / 32) * 4 + 32 * 11008 * 2 + 4096 * 4);
  const uint64_t down = 11008ull * 4 / 32 * 4096 * 4 + 86 * (4096 * 4 / 32) * 4 + 86 * 4096 * 2 + 11008 * 4;  // 11008/128 = 86
  CHECK(r.memory.weights_bytes == fp16_part + 32 * (attn + gate_up + down));
}

TEST_CASE("activations follow the documented transformers prefill formula", "[activations]") {
  const auto r = run("meta-llama__Meta-Llama-3.1-8B");
  // tokens 4096 x max(MLP 2*4096 + 3*14336 = 51,200, attention 2*4096 + 3*32*128 = 20,480) x 2 bytes
  // + last-position logits 1 x 128,256 x (2 + 4) bytes.
  CHECK(r.memory.activations_bytes == 4096ull * 51'200 * 2 + 128'256ull * 6);
}

TEST_CASE("the total is the sum of the components", "[total]") {
  const auto r = run("mistralai__Mixtral-8x7B-v0.1", "int4", 32768, 2);
  const auto& m = r.memory;
  CHECK(m.total_bytes == m.weights_bytes + m.kv_cache_bytes + m.activations_bytes + m.overhead_bytes);
  CHECK(m.overhead_bytes == 287'047'680);
}

TEST_CASE("a GPU fits when the total is at most its memory, with the headroom signed", "[fits]") {
  const auto r = run("meta-llama__Meta-Llama-3.1-8B");
  REQUIRE(!r.fits.empty());
  for (const auto& f : r.fits) {
    CHECK(f.fits == (r.memory.total_bytes <= usable_bytes(*f.gpu)));
    CHECK(f.headroom_bytes == static_cast<int64_t>(usable_bytes(*f.gpu)) - static_cast<int64_t>(r.memory.total_bytes));
  }
}

TEST_CASE("a million-token context is computed without overflow", "[limits]") {
  const auto r = run("meta-llama__Meta-Llama-3.1-8B", "", 1'048'576, 1);
  REQUIRE(r.ok());
  CHECK(r.memory.kv_cache_bytes == 131'072ull * 1'048'576);
}

TEST_CASE("a trillion parameters at 32 bits do not overflow", "[limits]") {
  model_spec s = fixture("meta-llama__Meta-Llama-3.1-8B");
  s.hidden_size = 32768;
  s.intermediate_size = 131072;
  s.num_attention_heads = 256;
  s.num_key_value_heads = 16;
  s.head_dim = 128;
  s.num_hidden_layers = 60;  // 60 x (2 x 32768 x 32768 + 2 x 32768 x 2048 + 3 x 32768 x 131072) ~ 0.91e12
  estimate_options o;
  o.quantization = "fp32";
  const auto r = estimate(s, o);
  REQUIRE(r.ok());
  CHECK(r.parameters.total.value > 900'000'000'000ull);
  CHECK(r.memory.weights_bytes == 4 * r.parameters.total.value);
}

TEST_CASE("sizes past 64 bits are an overflow issue, not a wrapped number", "[limits]") {
  model_spec s = fixture("meta-llama__Meta-Llama-3.1-8B");
  s.hidden_size = 1 << 20;
  s.intermediate_size = 1 << 22;
  estimate_options o;
  o.context_tokens = uint64_t{1} << 27;
  o.batch_size = uint64_t{1} << 20;
  const auto r = estimate(s, o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.issues.back().code == "overflow");
}

TEST_CASE("a zero context is an error", "[limits]") {
  const auto r = run("meta-llama__Meta-Llama-3.1-8B", "", 0);
  REQUIRE_FALSE(r.ok());
  CHECK(r.issues[0].code == "invalid_context");
}

TEST_CASE("an unknown quantization is an issue listing the known ones", "[weights]") {
  const auto r = run("meta-llama__Meta-Llama-3.1-8B", "q9_z");
  REQUIRE_FALSE(r.ok());
  CHECK(r.issues[0].code == "unknown_quantization");
  CHECK(r.issues[0].message == "Unknown quantization \"q9_z\". Known: " + std::string(weight_format_names()) + ".");
}

TEST_CASE("a context beyond max_position_embeddings is a warning", "[limits]") {
  const auto r = run("meta-llama__Llama-2-7b-hf", "", 8192);
  REQUIRE(r.ok());
  CHECK(r.issues[0].code == "context_beyond_model");
  CHECK(r.issues[0].level == severity::warning);
}

TEST_CASE("ggml block sizes follow ggml-common.h", "[formats]") {
  // bits per weight = 8 x block_bytes / block_elements
  CHECK(find_ggml_type("Q4_K")->block_bytes == 144);   // 4.5 bpw
  CHECK(find_ggml_type("q6_k")->block_bytes == 210);   // 6.5625 bpw
  CHECK(find_ggml_type("Q8_0")->block_bytes == 34);    // 8.5 bpw
  CHECK(find_ggml_type("IQ4_XS")->block_bytes == 136); // 4.25 bpw
  CHECK(find_ggml_type("TQ1_0")->block_bytes == 54);   // 1.6875 bpw
  CHECK(find_ggml_type("MXFP4")->block_elements == 32);
  CHECK(find_ggml_type(uint32_t{12})->name == "Q4_K");
  CHECK(find_ggml_type("Q9_Z") == nullptr);
}

TEST_CASE("K and V cache types are chosen apart, in ggml's block sizes", "[kv]") {
  estimate_options o;
  o.runtime = "llama.cpp";  // the q-types are llama.cpp's cache types
  o.kv_cache_dtype_k = "q8_0";
  o.kv_cache_dtype_v = "q4_0";
  const auto r = estimate(fixture("meta-llama__Meta-Llama-3.1-8B"), o);
  REQUIRE(r.ok());
  // Per layer and token: K 8 x 128 = 1024 values in q8_0 = 32 blocks x 34 bytes = 1088;
  // V 1024 values in q4_0 = 32 blocks x 18 bytes = 576. 32 layers.
  CHECK(r.kv_cache_bytes_per_token == 32ull * (1088 + 576));
  CHECK(r.kv_k->name == "q8_0");
  CHECK(r.kv_v->name == "q4_0");
}

TEST_CASE("one KV cache type applies to both K and V", "[kv]") {
  estimate_options o;
  o.kv_cache_dtype = "fp8";
  CHECK(estimate(fixture("meta-llama__Meta-Llama-3.1-8B"), o).kv_cache_bytes_per_token == 65'536);
}

TEST_CASE("unified memory counts only the share macOS lets the GPU wire", "[fits]") {
  // Llama-3.1-8B in bf16 needs 16.12 GiB: a 24 GB M2 wires 16 GiB (two thirds), a 64 GB M4 Pro 48 GiB.
  const auto r = run("meta-llama__Meta-Llama-3.1-8B");
  for (const auto& f : r.fits) {
    if (f.gpu->name == "Apple M2 24GB") {
      CHECK(usable_bytes(*f.gpu) == 16ull << 30);
      CHECK_FALSE(f.fits);
    }
    if (f.gpu->name == "Apple M4 Pro 64GB") {
      CHECK(usable_bytes(*f.gpu) == 48ull << 30);
      CHECK(f.fits);
    }
    if (f.gpu->name == "NVIDIA GeForce RTX 4090") CHECK(usable_bytes(*f.gpu) == f.gpu->memory_bytes);
  }
}
