// GGUF file types: llama-quantize's per-tensor types replayed from config.json, and the predicted sizes
// against published GGUF sizes (exact file bytes, Hugging Face listings, llama.cpp load logs).
// Sources of every published number: tests/fixtures/published/gguf-sizes-quantize-logs.json and
// tests/fixtures/published/gguf-sizes.json.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <set>
#include <string>

#include "fixture.h"
#include "formats.h"
#include "gguf_quant.h"

using namespace neuroshrink;

namespace {

model_spec spec_of(const std::string& json) {
  auto parsed = parse_config(json);
  REQUIRE(parsed.ok());
  return parsed.spec;
}

// Llama 3.2 1B / 3B and Llama 3.3 70B, from their config.json (meta-llama/*): not in the fixture set.
const char* kLlama32_1B =
    R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":2048,"intermediate_size":8192,"num_hidden_layers":16,)"
    R"("num_attention_heads":32,"num_key_value_heads":8,"head_dim":64,"vocab_size":128256,"tie_word_embeddings":true,)"
    R"("max_position_embeddings":131072,"rope_scaling":{"factor":32.0,"rope_type":"llama3"},"torch_dtype":"bfloat16"})";
const char* kLlama32_3B =
    R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":3072,"intermediate_size":8192,"num_hidden_layers":28,)"
    R"("num_attention_heads":24,"num_key_value_heads":8,"head_dim":128,"vocab_size":128256,"tie_word_embeddings":true,)"
    R"("max_position_embeddings":131072,"rope_scaling":{"factor":32.0,"rope_type":"llama3"},"torch_dtype":"bfloat16"})";
const char* kLlama3_8B =  // Meta-Llama-3-8B: the 3.1 dimensions with an 8K context and no rope_freqs
    R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":4096,"intermediate_size":14336,"num_hidden_layers":32,)"
    R"("num_attention_heads":32,"num_key_value_heads":8,"vocab_size":128256,"tie_word_embeddings":false,)"
    R"("max_position_embeddings":8192,"rope_theta":500000.0,"torch_dtype":"bfloat16"})";
const char* kLlama33_70B =
    R"({"architectures":["LlamaForCausalLM"],"model_type":"llama","hidden_size":8192,"intermediate_size":28672,"num_hidden_layers":80,)"
    R"("num_attention_heads":64,"num_key_value_heads":8,"vocab_size":128256,"tie_word_embeddings":false,)"
    R"("max_position_embeddings":131072,"rope_scaling":{"factor":8.0,"rope_type":"llama3"},"torch_dtype":"bfloat16"})";

gguf_plan plan(const model_spec& s, const char* ftype, bool imatrix = false) {
  const gguf_file_type* f = find_gguf_file_type(ftype);
  REQUIRE(f);
  gguf_options o;
  o.imatrix = imatrix;
  return plan_gguf(s, build_inventory(s), *f, o);
}

std::string type_name(uint32_t id) {
  const ggml_type_info* t = find_ggml_type(id);
  return t ? std::string(t->name) : "?";
}

// The blk indices of a tensor that got `type`.
std::set<uint32_t> layers_with(const gguf_plan& p, const char* name, const char* type) {
  std::set<uint32_t> out;
  const gguf_tensor_plan* t = p.find(name);
  REQUIRE(t);
  const uint32_t id = find_ggml_type(type)->id;
  for (size_t i = 0; i < t->layer_index.size(); ++i)
    if (t->layer_type[i] == id) out.insert(t->layer_index[i]);
  return out;
}

uint64_t tensors_of_type(const gguf_plan& p, const char* type) {
  const uint32_t id = find_ggml_type(type)->id;
  for (const auto& b : p.by_type)
    if (b.type == id) return b.tensors;
  return 0;
}

double pct(double predicted, double published) { return (predicted - published) / published * 100.0; }

// One printed line per comparison: the arithmetic, predicted vs published, and the error.
void report(const std::string& what, double predicted, double published, const char* unit, double err) {
  char line[320];
  std::snprintf(line, sizeof line, "%-62s predicted %12.4f %s  published %10.4f %s  error %+.3f%%", what.c_str(), predicted, unit,
                published, unit, err);
  std::cout << line << "\n";
}

constexpr double GiB = 1073741824.0;

}  // namespace

TEST_CASE("ggml block arithmetic: bytes per row of each type", "[gguf]") {
  // block_q4_K: 144 bytes per 256 values; a 4096-value row holds 16 blocks.
  CHECK(gguf_row_bytes(12, 4096) == 16 * 144);
  CHECK(gguf_row_bytes(find_ggml_type("Q6_K")->id, 14336) == 56 * 210);
  CHECK(gguf_row_bytes(find_ggml_type("Q8_0")->id, 4096) == 128 * 34);
  CHECK(gguf_row_bytes(find_ggml_type("Q4_0")->id, 2880) == 90 * 18);
  CHECK(gguf_row_bytes(find_ggml_type("IQ4_NL")->id, 2880) == 90 * 18);
  CHECK(gguf_row_bytes(find_ggml_type("IQ2_XXS")->id, 4096) == 16 * 66);
  CHECK(gguf_row_bytes(find_ggml_type("TQ1_0")->id, 256) == 54);
  CHECK(gguf_row_bytes(find_ggml_type("MXFP4")->id, 2880) == 90 * 17);
  CHECK(gguf_row_bytes(find_ggml_type("F16")->id, 7) == 14);
  // A row that does not divide into blocks has no size in that type: llama-quantize falls back instead.
  CHECK(gguf_row_bytes(12, 2880) == 0);
  CHECK(gguf_row_bytes(12, 4544) == 0);
}

TEST_CASE("file types as users type them, with llama.cpp's ids", "[gguf]") {
  REQUIRE(find_gguf_file_type("q4_k_m"));
  CHECK(find_gguf_file_type("q4_k_m")->ftype == 15);
  CHECK(find_gguf_file_type("Q4_K")->name == "Q4_K_M");  // llama-quantize alias
  CHECK(find_gguf_file_type("Q5_K")->name == "Q5_K_M");
  CHECK(find_gguf_file_type("Q3_K")->name == "Q3_K_M");
  CHECK(find_gguf_file_type("iq2_xxs")->ftype == 19);
  CHECK(find_gguf_file_type("MXFP4_MOE")->ftype == 38);
  CHECK(find_gguf_file_type("BF16")->ftype == 32);
  CHECK(find_gguf_file_type(uint32_t{7})->name == "Q8_0");
  CHECK(type_name(find_gguf_file_type("IQ3_XS")->base_type) == "IQ3_S");  // llama_ftype_get_default_type
  CHECK(type_name(find_gguf_file_type("IQ2_S")->base_type) == "IQ2_XS");
  CHECK(type_name(find_gguf_file_type("IQ2_M")->base_type) == "IQ2_S");
  CHECK_FALSE(find_gguf_file_type("Q4_K_X"));
  for (const auto& f : gguf_file_types()) CHECK(find_ggml_type(f.base_type));
  CHECK(gguf_file_types().size() == 33);
}

TEST_CASE("Llama-3.1-8B Q4_K_M: llama-quantize's types tensor by tensor", "[gguf]") {
  const auto s = fixture("meta-llama__Meta-Llama-3.1-8B");
  const auto p = plan(s, "Q4_K_M");
  // use_more_bits(i, 32): the first and last 4 layers and every third layer from 6 to 27.
  const std::set<uint32_t> more{0, 1, 2, 3, 6, 9, 12, 15, 18, 21, 24, 27, 28, 29, 30, 31};
  CHECK(layers_with(p, "blk.{i}.attn_v.weight", "Q6_K") == more);
  CHECK(layers_with(p, "blk.{i}.ffn_down.weight", "Q6_K") == more);
  CHECK(layers_with(p, "blk.{i}.attn_v.weight", "Q4_K").size() == 16);
  CHECK(type_name(p.find("output.weight")->layer_type[0]) == "Q6_K");
  CHECK(type_name(p.find("token_embd.weight")->layer_type[0]) == "Q4_K");
  CHECK(type_name(p.find("blk.{i}.attn_q.weight")->runs.at(0).type) == "Q4_K");
  CHECK(p.find("blk.{i}.attn_q.weight")->runs.size() == 1);
  CHECK(type_name(p.find("blk.{i}.attn_norm.weight")->runs.at(0).type) == "F32");
  CHECK(p.find("rope_freqs.weight"));  // Llama 3.1's rope_type llama3
  CHECK_FALSE(p.tied_output);
  // The loader's type census, as printed in a published log (MagicWand18/Securetag-AI-Agent,
  // runpod-deploy/logcompleto.md): "type f32: 66 tensors, type q4_K: 193 tensors, type q6_K: 33 tensors",
  // 292 tensors, "model params = 8.03 B", "file size = 4.58 GiB (4.89 BPW)".
  CHECK(tensors_of_type(p, "F32") == 66);
  CHECK(tensors_of_type(p, "Q4_K") == 193);
  CHECK(tensors_of_type(p, "Q6_K") == 33);
  CHECK(p.n_tensors == 292);
  CHECK(p.elements == 8030261312);
  CHECK(p.tensor_bytes == 4912898304);
  CHECK(std::round(p.tensor_bytes / GiB * 100) == 458);
  CHECK(std::round(p.bpw_milli() / 10.0) == 489);
  report("Llama-3.1-8B Q4_K_M tensor data (log: 4.58 GiB, 4.89 BPW)", p.tensor_bytes / GiB, 4.58, "GiB", pct(p.tensor_bytes / GiB, 4.58));
}

TEST_CASE("the rules that depend on the model: tied output, 70B attn_v, 8 experts, fallbacks, MXFP4_MOE", "[gguf]") {
  SECTION("tied embeddings: token_embd takes the output's Q6_K") {
    const auto p = plan(fixture("Qwen__Qwen3-0.6B"), "Q4_K_M");
    CHECK(p.tied_output);
    CHECK_FALSE(p.find("output.weight"));
    CHECK(type_name(p.find("token_embd.weight")->layer_type[0]) == "Q6_K");
  }
  SECTION("Llama 70B: attn_v Q5_K in every layer of Q3_K_M; ffn_down Q5_K in the first 80/16") {
    const auto p = plan(spec_of(kLlama33_70B), "Q3_K_M");
    CHECK(layers_with(p, "blk.{i}.attn_v.weight", "Q5_K").size() == 80);
    CHECK(layers_with(p, "blk.{i}.ffn_down.weight", "Q5_K") == std::set<uint32_t>{0, 1, 2, 3, 4});
    // ollama/ollama#10553 turn 7 (Llama 3.1 70B Instruct 2024 12, Q3_K_M): f32 162, q3_K 321, q4_K 155, q5_K 85, q6_K 1.
    CHECK(tensors_of_type(p, "F32") == 162);
    CHECK(tensors_of_type(p, "Q3_K") == 321);
    CHECK(tensors_of_type(p, "Q4_K") == 155);
    CHECK(tensors_of_type(p, "Q5_K") == 85);
    CHECK(tensors_of_type(p, "Q6_K") == 1);
  }
  SECTION("Mixtral (8 experts): attn_v and attn_k Q8_0, attn_output Q5_K, experts as 3-D tensors") {
    const auto p = plan(fixture("mistralai__Mixtral-8x7B-v0.1"), "Q4_K_M");
    CHECK(type_name(p.find("blk.{i}.attn_v.weight")->runs.at(0).type) == "Q8_0");
    CHECK(type_name(p.find("blk.{i}.attn_k.weight")->runs.at(0).type) == "Q8_0");
    CHECK(type_name(p.find("blk.{i}.attn_output.weight")->runs.at(0).type) == "Q5_K");
    const auto* down = p.find("blk.{i}.ffn_down_exps.weight");
    REQUIRE(down);
    CHECK(down->n_dims == 3);
    CHECK(down->ne[0] == 14336);
    CHECK(down->ne[2] == 8);
    CHECK(type_name(p.find("blk.{i}.ffn_gate_inp.weight")->runs.at(0).type) == "F32");  // the router is never quantized
  }
  SECTION("gpt-oss rows of 2880 do not divide into 256-blocks: Q4_K falls back to Q5_0, Q6_K to Q8_0") {
    const auto p = plan(fixture("openai__gpt-oss-20b"), "Q4_K_M");
    CHECK(type_name(p.find("blk.{i}.attn_q.weight")->runs.at(0).type) == "Q5_0");
    CHECK(type_name(p.find("blk.{i}.ffn_gate_exps.weight")->runs.at(0).type) == "Q5_0");
    CHECK(type_name(p.find("output.weight")->layer_type[0]) == "Q8_0");  // nx % 256 != 0 -> Q8_0
    CHECK(p.fallback_tensors > 0);
    const auto m = plan(fixture("openai__gpt-oss-20b"), "MXFP4_MOE");
    CHECK(type_name(m.find("blk.{i}.ffn_down_exps.weight")->runs.at(0).type) == "MXFP4");
    CHECK(type_name(m.find("blk.{i}.attn_q.weight")->runs.at(0).type) == "Q8_0");
    CHECK(type_name(m.find("token_embd.weight")->layer_type[0]) == "Q8_0");
    CHECK(m.find("blk.{i}.ffn_gate_exps.weight")->ne[1] == 2880);  // gate_up split into gate and up
  }
  SECTION("Falcon: output Q8_0 whatever the mix") {
    const auto p = plan(fixture("tiiuae__falcon-7b-instruct"), "Q4_K_M");
    CHECK(type_name(p.find("output.weight") ? p.find("output.weight")->layer_type[0] : p.find("token_embd.weight")->layer_type[0]) == "Q8_0");
    CHECK(type_name(p.find("blk.{i}.attn_qkv.weight")->runs.at(0).type) != "Q4_K");  // 4544 % 256 != 0
  }
  SECTION("imatrix: Q4_0 ffn_down of the first eighth of the layers becomes Q4_1") {
    const auto s = spec_of(kLlama32_1B);
    CHECK(layers_with(plan(s, "Q4_0", true), "blk.{i}.ffn_down.weight", "Q4_1") == std::set<uint32_t>{0, 1});
    CHECK(layers_with(plan(s, "Q4_0", false), "blk.{i}.ffn_down.weight", "Q4_1").empty());
  }
  SECTION("DeepSeek-V3: MTP and nothing of it; MLA kv_b split; 671.026 B parameters") {
    const auto p = plan(fixture("deepseek-ai__DeepSeek-V3"), "Q4_K_M");
    CHECK(p.elements == 671026419200);  // ik_llama.cpp#485 log: "model params = 671.026 B"
    CHECK(tensors_of_type(p, "F32") == 361);  // same log: "type f32: 361 tensors"
    CHECK(p.find("blk.{i}.attn_k_b.weight"));
    CHECK(p.find("blk.{i}.attn_v_b.weight"));
    CHECK(p.find("blk.{i}.ffn_down.weight")->count() == 3);
    CHECK(p.find("blk.{i}.ffn_down_exps.weight")->count() == 58);
  }
  SECTION("vision towers go to the mmproj file") {
    const auto p = plan(fixture("google__gemma-3-4b-it"), "Q4_K_M");
    for (const auto& t : p.tensors) CHECK(t.source.find("vision") == std::string::npos);
    CHECK(p.tied_output);
  }
}

TEST_CASE("GGUF metadata per token, derived from files whose exact size is published", "[gguf]") {
  // file bytes - (tensor data + padding + tensor infos + 24-byte header) = the key-value section (+ up to 31
  // bytes of alignment). These files set the constants in gguf_quant.cpp; the test repeats the arithmetic.
  struct exact { const char* what; model_spec spec; const char* ftype; bool imatrix; uint64_t bytes; };
  const exact files[] = {
      {"bartowski Llama-3.2-1B-Instruct-Q4_0.gguf", spec_of(kLlama32_1B), "Q4_0", true, 773025920},
      {"bartowski Llama-3.2-3B-Instruct-Q4_0.gguf", spec_of(kLlama32_3B), "Q4_0", true, 1921909280},
      {"Qwen qwen2.5-coder-7b-instruct-q4_0.gguf", fixture("Qwen__Qwen2.5-7B"), "Q4_0", false, 4431390720},
      {"mistral-7b-instruct-v0.1.Q4_0.gguf", fixture("mistralai__Mistral-7B-v0.1"), "Q4_0", false, 4108916384},
  };
  for (const auto& f : files) {
    const auto p = plan(f.spec, f.ftype, f.imatrix);
    const uint64_t kv = f.bytes - p.tensor_bytes - p.padding_bytes - p.tensor_info_bytes - 24;
    std::cout << f.what << ": " << f.bytes << " - " << p.tensor_bytes << " data - " << p.tensor_info_bytes
              << " tensor infos - 24 = " << kv << " bytes of key-values, " << kv * 1000 / f.spec.vocab_size
              << " millibytes per vocabulary entry; predicted file " << p.file_bytes << " (" << pct(p.file_bytes, f.bytes) << "%)\n";
    CHECK(std::abs(pct(static_cast<double>(p.file_bytes), static_cast<double>(f.bytes))) < 0.01);
  }
}

TEST_CASE("predicted GGUF file sizes against published exact byte counts", "[gguf]") {
  // Files not used to set the metadata constants. Sources: gguf-sizes.json (GPT4All models3.json) and
  // gguf-sizes-quantize-logs.json (ollama phi4 blob size).
  struct exact { const char* what; model_spec spec; const char* ftype; bool imatrix; uint64_t bytes; double tolerance_pct; };
  const exact files[] = {
      {"GPT4All-Community Meta-Llama-3.1-8B-Instruct-128k-Q4_0", fixture("meta-llama__Meta-Llama-3.1-8B"), "Q4_0", false, 4661212096, 0.5},
      // An older conversion that still wrote tokenizer scores (+0.5 MB of metadata).
      {"gpt4all Meta-Llama-3-8B-Instruct.Q4_0", spec_of(kLlama3_8B), "Q4_0", false, 4661724384, 0.5},
      // ollama's phi4 (Jan 2025): made before llama-quantize treated attn_qkv like attn_v; then attn_qkv was
      // Q5_K in every layer (6,144,000 bytes less than today's Q6_K/Q4_K half and half).
      {"ollama phi4:latest Q4_K_M blob", fixture("microsoft__phi-4"), "Q4_K_M", false, 9053114464, 0.5},
  };
  for (const auto& f : files) {
    const auto p = plan(f.spec, f.ftype, f.imatrix);
    const double err = pct(static_cast<double>(p.file_bytes), static_cast<double>(f.bytes));
    report(std::string(f.what) + " (bytes/1e9)", p.file_bytes / 1e9, f.bytes / 1e9, "GB ", err);
    CHECK(std::abs(err) <= f.tolerance_pct);
  }
}

TEST_CASE("predicted tensor data against llama.cpp's printed file size (GiB, 2 decimals)", "[gguf]") {
  // llama_model_loader prints "file size = X GiB (Y BPW)": the sum of ggml_nbytes over the tensors, which is
  // what plan.tensor_bytes computes. Rounded to 0.01 GiB, so up to +-0.005 GiB of the difference is rounding.
  struct logged { const char* what; model_spec spec; const char* ftype; double gib; double bpw; };
  const logged logs[] = {
      {"Meta Llama 3.1 8B Instruct Q4_K_M", fixture("meta-llama__Meta-Llama-3.1-8B"), "Q4_K_M", 4.58, 4.89},
      {"llama-3-Korean-Bllossom-8B Q4_K_M (Llama-3-8B)", spec_of(kLlama3_8B), "Q4_K_M", 4.58, 4.89},
      {"LLaMA v2 7B Q4_K_M", fixture("meta-llama__Llama-2-7b-hf"), "Q4_K_M", 3.80, 4.84},
      {"mistral-7b-instruct-v0.1 Q4_K_M", fixture("mistralai__Mistral-7B-v0.1"), "Q4_K_M", 4.07, 4.83},
      {"DeepSeek R1 Distill Qwen 7B Q4_K_M (Qwen2.5-7B)", fixture("Qwen__Qwen2.5-7B"), "Q4_K_M", 4.36, 4.91},
      {"Phi 4 Q4_K_M", fixture("microsoft__phi-4"), "Q4_K_M", 8.43, 4.94},
      {"Llama 3.1 70B Instruct 2024 12 Q3_K_M", spec_of(kLlama33_70B), "Q3_K_M", 31.91, 3.88},
      {"Llama 3.x 70B Q4_0 (70.55 B params; BPW not in the excerpt)", spec_of(kLlama33_70B), "Q4_0", 37.22, 0},
  };
  for (const auto& l : logs) {
    const auto p = plan(l.spec, l.ftype);
    const double gib = p.tensor_bytes / GiB;
    const double err = pct(gib, l.gib);
    report(std::string(l.what) + " tensor data", gib, l.gib, "GiB", err);
    CHECK(std::abs(err) <= 0.5);
    CHECK(std::abs(gib - l.gib) <= 0.0051);  // the same number once printed with 2 decimals
    if (l.bpw > 0) CHECK(std::abs(p.bpw_milli() / 1000.0 - l.bpw) <= 0.0051 + 0.001);
  }
  // The same R1-Distill log also gives the two model buffers: SYCL0 4168.09 MiB + CPU_Mapped 292.36 MiB =
  // 4460.45 MiB, which is the tensor data to the byte within the 0.01 MiB print.
  const auto q = plan(fixture("Qwen__Qwen2.5-7B"), "Q4_K_M");
  CHECK(std::abs(q.tensor_bytes / 1048576.0 - 4460.45) < 0.01);
}

TEST_CASE("predicted sizes against llama-quantize's own table for Llama-3-8B (GiB)", "[gguf]") {
  // tools/quantize/quantize.cpp QUANT_OPTIONS: "Q4_0 4.34G, +0.4685 ppl @ Llama-3-8B", ... (G = GiB of the file;
  // Q2_K_S is printed with Q2_K's size and is left out).
  const auto s = spec_of(kLlama3_8B);
  const std::pair<const char*, double> table[] = {
      {"Q4_0", 4.34}, {"Q4_1", 4.78}, {"Q5_0", 5.21}, {"Q5_1", 5.65}, {"Q2_K", 2.96}, {"Q3_K_S", 3.41}, {"Q3_K_M", 3.74},
      {"Q3_K_L", 4.03}, {"Q4_K_S", 4.37}, {"Q4_K_M", 4.58}, {"Q5_K_S", 5.21}, {"Q5_K_M", 5.33}, {"Q6_K", 6.14}, {"Q8_0", 7.96},
  };
  for (const auto& [ftype, gib] : table) {
    const auto p = plan(s, ftype);
    const double err = pct(p.file_bytes / GiB, gib);
    report(std::string("Llama-3-8B ") + ftype + " file (QUANT_OPTIONS)", p.file_bytes / GiB, gib, "GiB", err);
    CHECK(std::abs(err) <= 0.5);
  }
}

TEST_CASE("predicted sizes against Hugging Face file listings (decimal GB, 3 significant digits)", "[gguf]") {
  // tests/fixtures/published/gguf-sizes.json. bartowski and lmstudio-community quantize with an imatrix.
  struct listed { const char* what; model_spec spec; const char* ftype; bool imatrix; double gb; };
  const auto llama = fixture("meta-llama__Meta-Llama-3.1-8B");
  const auto qwen = fixture("Qwen__Qwen2.5-7B");
  const listed files[] = {
      {"bartowski Meta-Llama-3.1-8B-Instruct IQ2_M", llama, "IQ2_M", true, 2.95},
      {"bartowski Meta-Llama-3.1-8B-Instruct IQ3_M", llama, "IQ3_M", true, 3.78},
      {"bartowski Meta-Llama-3.1-8B-Instruct IQ3_XS", llama, "IQ3_XS", true, 3.52},
      {"bartowski Meta-Llama-3.1-8B-Instruct IQ4_XS", llama, "IQ4_XS", true, 4.45},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q2_K", llama, "Q2_K", true, 3.18},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q3_K_L", llama, "Q3_K_L", true, 4.32},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q3_K_M", llama, "Q3_K_M", true, 4.02},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q4_K_M", llama, "Q4_K_M", true, 4.92},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q4_K_S", llama, "Q4_K_S", true, 4.69},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q5_K_M", llama, "Q5_K_M", true, 5.73},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q5_K_S", llama, "Q5_K_S", true, 5.60},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q6_K", llama, "Q6_K", true, 6.60},
      {"bartowski Meta-Llama-3.1-8B-Instruct Q8_0", llama, "Q8_0", true, 8.54},
      {"bartowski Meta-Llama-3.1-8B-Instruct bf16", llama, "BF16", false, 16.1},
      {"QuantFactory Qwen2.5-7B-Instruct Q4_0", qwen, "Q4_0", false, 4.43},
      {"QuantFactory Qwen2.5-7B-Instruct Q4_1", qwen, "Q4_1", false, 4.87},
      {"QuantFactory Qwen2.5-7B-Instruct Q4_K_M", qwen, "Q4_K_M", false, 4.68},
      {"QuantFactory Qwen2.5-7B-Instruct Q5_K_M", qwen, "Q5_K_M", false, 5.44},
      {"QuantFactory Qwen2.5-7B-Instruct Q6_K", qwen, "Q6_K", false, 6.25},
      {"QuantFactory Qwen2.5-7B-Instruct Q8_0", qwen, "Q8_0", false, 8.10},
      {"lmstudio-community Qwen2.5-7B-Instruct Q3_K_L", qwen, "Q3_K_L", true, 4.09},
  };
  for (const auto& f : files) {
    const auto p = plan(f.spec, f.ftype, f.imatrix);
    const double gb = p.file_bytes / 1e9;
    const double err = pct(gb, f.gb);
    report(f.what, gb, f.gb, "GB ", err);
    CHECK(std::abs(err) <= 0.5);
  }
}

TEST_CASE("every file type plans every fixture without a zero-sized or unsized tensor", "[gguf]") {
  const char* names[] = {"meta-llama__Meta-Llama-3.1-8B", "mistralai__Mixtral-8x7B-v0.1", "deepseek-ai__DeepSeek-V3", "openai__gpt-oss-20b",
                         "state-spaces__mamba-2.8b-hf", "tiiuae__falcon-7b-instruct", "microsoft__phi-2", "openai-community__gpt2",
                         "google__gemma-3-4b-it", "xiaoluo333__internlm2-chat-1_8b-xtuner", "bigscience__bloom", "EleutherAI__pythia-1b"};
  for (const char* n : names) {
    const auto s = fixture(n);
    const auto inv = build_inventory(s);
    for (const auto& f : gguf_file_types()) {
      const auto p = plan_gguf(s, inv, f);
      INFO(n << " " << f.name);
      CHECK(p.tensor_bytes > 0);
      CHECK(p.file_bytes > p.tensor_bytes);
      for (const auto& t : p.tensors) {
        CHECK(t.bytes > 0);
        CHECK(t.layer_type.size() == t.count());
        for (uint32_t ty : t.layer_type) CHECK(gguf_row_bytes(ty, t.ne[0]) > 0);
      }
    }
  }
}

TEST_CASE("hybrid stacks: every blk gets llama-quantize's type, whatever its block kind", "[gguf]") {
  // Layers of several kinds (Gated DeltaNet / attention x dense / MoE; Nemotron-H's M / * / - / E) are
  // separate inventory groups that share tensor names (the pre-norms, the MLPs): each blk must be planned
  // once, at its own index, so no quantizable matrix is left at the converter's BF16.
  for (const char* name : {"Qwen__Qwen3.5-27B", "Qwen__Qwen3.5-35B-A3B", "nvidia__NVIDIA-Nemotron-3-Nano-30B-A3B-BF16"}) {
    INFO(name);
    const model_spec s = fixture(name);
    const gguf_plan p = plan(s, "Q4_K_M");
    for (const auto& t : p.tensors) {
      INFO(t.name);
      std::set<uint32_t> seen(t.layer_index.begin(), t.layer_index.end());
      CHECK(seen.size() == t.layer_index.size());  // no blk twice
      if (t.quantizable)
        for (uint32_t type : t.layer_type) CHECK(type != 30);  // GGML_TYPE_BF16
    }
  }
}
