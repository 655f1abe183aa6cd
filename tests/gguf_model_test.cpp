// A full estimate from a GGUF alone (core/gguf_model.cpp, issue #15) on every fixture whose GGUF architecture the
// reader knows: the test writes the GGUF header llama.cpp's converter and llama-quantize would write for the real
// config.json (the metadata of convert_hf_to_gguf.py's set_gguf_parameters, the tensors of the core's GGUF plan:
// names, shapes and each tensor's type, at aligned offsets), reads it back through estimate_file_json and holds
// the report against the config-based llama.cpp estimate of the same file type: weights, KV cache, compute buffers
// and the verdict, byte for byte. Dense, MoE (routed and shared experts), MLA, sliding-window, SSM and hybrid
// layouts are all among the fixtures.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <dirent.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "architectures.h"
#include "estimate.h"
#include "fixture.h"
#include "gguf_model.h"
#include "gguf_quant.h"
#include "gguf_writer.h"
#include "inventory.h"
#include "report.h"

using namespace neuroshrink;
using json = nlohmann::json;

namespace {

// The metadata convert_hf_to_gguf.py writes (TextModel.set_gguf_parameters and each model class's additions;
// gguf-py/gguf/constants.py Keys), from the config's values as its family rule reads them.
struct meta_writer {
  gguf_writer& w;
  std::string arch;
  uint64_t count = 0;
  void u32(const std::string& key, uint64_t v) { w.kv_u32(arch + "." + key, static_cast<uint32_t>(v)); ++count; }
  void f32(const std::string& key, double v) { w.kv_f32(arch + "." + key, static_cast<float>(v)); ++count; }
  void per_layer(const std::string& key, const std::vector<int32_t>& v) { w.kv_i32_array(arch + "." + key, v); ++count; }
};

void write_metadata(meta_writer& m, const model_spec& s, const json& cfg, const gguf_file_type& ft, llama_window runs_window) {
  const std::string& a = m.arch;
  m.w.kv_str("general.architecture", a);
  m.w.kv_u32("general.file_type", ft.ftype);
  m.count += 2;
  m.u32("block_count", s.num_hidden_layers);
  if (s.max_position_embeddings) m.u32("context_length", s.max_position_embeddings);
  m.u32("embedding_length", s.hidden_size);
  m.f32("attention.layer_norm_rms_epsilon", cfg.value("rms_norm_eps", 1e-6));
  m.f32("rope.freq_base", cfg.contains("rope_theta") && cfg["rope_theta"].is_number() ? cfg["rope_theta"].get<double>() : 10000.0);
  if (a == "mamba" || a == "mamba2") {  // MambaModel / Mamba2Model.set_gguf_parameters
    m.u32("ssm.conv_kernel", s.dim("d_conv"));
    m.u32("ssm.inner_size", s.dim("d_inner"));
    m.u32("ssm.state_size", s.dim("d_state"));
    m.u32("ssm.time_step_rank", a == "mamba2" ? s.dim("ssm_heads") : s.dim("dt_rank"));
    if (a == "mamba2") m.u32("ssm.group_count", s.dim("n_groups"));
    return;
  }
  if (s.intermediate_size) m.u32("feed_forward_length", s.intermediate_size);
  if (a == "lfm2") {  // LFM2Model: per-layer KV heads (0 for the short-conv layers) and the conv's L_cache
    std::vector<int32_t> kv;
    for (const auto& l : s.layers) kv.push_back(l.attention == attention_kind::none ? 0 : static_cast<int32_t>(s.num_key_value_heads));
    m.u32("attention.head_count", s.num_attention_heads);
    m.per_layer("attention.head_count_kv", kv);
    m.u32("shortconv.l_cache", s.dim("conv_L_cache"));
    return;
  }
  m.u32("attention.head_count", s.num_attention_heads);
  m.u32("attention.head_count_kv", s.num_key_value_heads);
  if (cfg.contains("head_dim") && a != "deepseek2") {
    m.u32("attention.key_length", s.head_dim);
    m.u32("attention.value_length", s.head_dim);
  }
  uint64_t window = 0;
  for (const auto& l : s.layers)
    if (l.attention == attention_kind::sliding) window = l.window;
  if (window && runs_window != llama_window::none) m.u32("attention.sliding_window", window);  // (LlamaModel writes none)
  if (s.num_experts) {
    m.u32("expert_count", s.num_experts);
    m.u32("expert_used_count", s.experts_per_token);
    if (s.moe_intermediate_size) m.u32("expert_feed_forward_length", s.moe_intermediate_size);
  }
  if (a == "qwen2moe" && s.dim("shared_expert_intermediate_size")) m.u32("expert_shared_feed_forward_length", s.dim("shared_expert_intermediate_size"));
  if (a == "deepseek2") {  // DeepseekV2Model.set_gguf_parameters: MLA as llama.cpp absorbs it
    uint64_t dense = 0;
    while (dense < s.layers.size() && !s.layers[dense].moe) ++dense;
    const uint64_t kv_lora = s.dim("kv_lora_rank"), rope = s.dim("qk_rope_head_dim");
    m.u32("leading_dense_block_count", dense);
    if (s.dim("q_lora_rank")) m.u32("attention.q_lora_rank", s.dim("q_lora_rank"));
    m.u32("attention.kv_lora_rank", kv_lora);
    m.u32("attention.key_length", kv_lora + rope);
    m.u32("attention.value_length", kv_lora);
    m.u32("attention.key_length_mla", s.dim("qk_nope_head_dim") + rope);
    m.u32("attention.value_length_mla", s.dim("v_head_dim"));
    m.u32("rope.dimension_count", rope);
    if (s.num_shared_experts) m.u32("expert_shared_count", s.num_shared_experts);
  }
}

// The GGUF of `s` in file type `ft`: metadata, then every tensor of the plan (each layer's own type), 32-aligned.
std::vector<uint8_t> gguf_of(const model_spec& s, const json& cfg, const architecture& arch, const gguf_file_type& ft, uint64_t& file_size) {
  const gguf_plan plan = plan_gguf(s, build_inventory(s), ft);
  struct info { std::string name; std::vector<uint64_t> ne; uint32_t type; uint64_t bytes; };
  std::vector<info> tensors;
  for (const auto& t : plan.tensors) {
    const std::vector<uint64_t> ne(t.ne.begin(), t.ne.begin() + t.n_dims);
    const uint64_t rows = t.elements_each() / t.ne[0];
    if (t.layer_index.empty()) {
      tensors.push_back({t.name, ne, t.layer_type[0], gguf_row_bytes(t.layer_type[0], t.ne[0]) * rows});
      continue;
    }
    for (size_t k = 0; k < t.layer_index.size(); ++k) {
      std::string name = t.name;
      const size_t at = name.find("{i}");
      REQUIRE(at != std::string::npos);
      name.replace(at, 3, std::to_string(t.layer_index[k]));
      tensors.push_back({name, ne, t.layer_type[k], gguf_row_bytes(t.layer_type[k], t.ne[0]) * rows});
    }
  }
  gguf_writer meta_bytes;
  meta_writer m{meta_bytes, std::string(arch.gguf_arch)};
  write_metadata(m, s, cfg, ft, arch.window);
  gguf_writer w;
  w.header(3, tensors.size(), m.count);
  w.b.insert(w.b.end(), meta_bytes.b.begin(), meta_bytes.b.end());
  uint64_t at = 0;
  for (const auto& t : tensors) {
    w.tensor(t.name, t.ne, t.type, at);
    at += (t.bytes + 31) / 32 * 32;
  }
  w.pad();
  file_size = w.b.size() + at;
  return w.b;
}

std::vector<std::string> fixture_names() {
  std::vector<std::string> out;
  if (DIR* d = opendir((std::string(FIXTURES_DIR) + "/configs").c_str())) {
    while (const dirent* e = readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 5 && n.ends_with(".json")) out.push_back(n.substr(0, n.size() - 5));
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("a GGUF alone gives the config's llama.cpp estimate on every fixture whose architecture it reads", "[gguf_model]") {
  const auto readable = gguf_architectures_read();
  uint64_t checked = 0;
  std::vector<std::string> archs;
  for (const std::string& name : fixture_names()) {
    const auto parsed = parse_config(fixture_text(name));
    if (!parsed.ok()) continue;
    const model_spec& s = parsed.spec;
    const architecture* a = find_architecture(s.model_type);
    if (!a || std::find(readable.begin(), readable.end(), a->gguf_arch) == readable.end() || s.family == "generic" || !s.text_family.empty()) continue;
    // (Python writes Infinity and NaN, which nlohmann does not read; the metadata needs neither)
    std::string text = fixture_text(name);
    for (const char* word : {"-Infinity", "Infinity", "NaN"})
      for (size_t at; (at = text.find(word)) != std::string::npos;) text.replace(at, std::strlen(word), "0");
    const json cfg = json::parse(text, nullptr, false);
    REQUIRE_FALSE(cfg.is_discarded());
    for (const char* type : {"Q4_K_M", "Q8_0"}) {
      INFO(name << " " << type << " (" << a->gguf_arch << ")");
      const gguf_file_type* ft = find_gguf_file_type(type);
      REQUIRE(ft);
      uint64_t size = 0;
      const auto bytes = gguf_of(s, cfg, *a, *ft, size);
      for (const json settings : {json{{"context_tokens", 8192}}, json{{"context_tokens", 32768}, {"gpu", "RTX 4090"}, {"batch_size", 2}}}) {
        INFO(settings.dump());
        json from_config = settings;
        from_config["config"] = fixture_text(name);
        from_config["runtime"] = "llama.cpp";
        from_config["quantization"] = type;
        const std::string c_text = estimate_json(from_config.dump()), f_text = estimate_file_json(bytes, size, settings.dump());
        const json c = json::parse(c_text, nullptr, false), f = json::parse(f_text, nullptr, false);
        INFO(f_text.substr(0, 2000));
        REQUIRE_FALSE(c.is_discarded());
        REQUIRE_FALSE(f.is_discarded());
        REQUIRE(f["issues"].is_array());
        for (const auto& i : f["issues"]) {
          INFO(i.dump());
          CHECK(i["level"] != "error");
        }
        if (!f.contains("memory")) continue;
        CHECK(f["file"]["architecture"] == a->gguf_arch);
        INFO("file " << f["parameters"].dump() << "\nconfig " << c["parameters"].dump());
        INFO("file kv " << f["kv_cache"]["layers"].dump() << "\nconfig kv " << c["kv_cache"]["layers"].dump());
        CHECK(f["parameters"]["total"] == c["parameters"]["total"]);
        CHECK(f["memory"] == c["memory"]);
        CHECK(f["kv_cache"]["layers"] == c["kv_cache"]["layers"]);
        CHECK(f["components"] == c["components"]);
        CHECK(f["verdict"] == c["verdict"]);
      }
    }
    ++checked;
    if (std::find(archs.begin(), archs.end(), std::string(a->gguf_arch)) == archs.end()) archs.emplace_back(a->gguf_arch);
  }
  std::string list;
  for (const auto& x : archs) list += x + " ";
  std::cout << "GGUF alone == config.json under llama.cpp: " << checked << " fixtures, architectures " << list << "\n";
  CHECK(checked >= 15);
  CHECK(archs.size() >= 10);
}
