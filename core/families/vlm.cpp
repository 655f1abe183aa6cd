// Vision-language models: a vision tower and a projector beside a text decoder read from text_config
// with the text family's own rule. Each part is counted as its own component.
#include <array>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "family.h"
#include "vlm_rules.h"

namespace neuroshrink {
namespace {

using group = inventory_builder::group;

// Reads the text decoder with its own rule: from text_config when the config nests one, else from the
// top level (older Qwen2-VL configs).
bool read_text(config_reader& r, model_spec& s, std::string_view default_type) {
  const bool nested = r.has_object("text_config");
  config_reader text = nested ? r.sub("text_config") : r;
  std::string type = nested ? text.text({"model_type"}) : std::string(default_type);
  // The text halves of Qwen2-VL and Qwen2.5-VL carry their own model_type in newer configs but are
  // Qwen2 decoders (modeling_qwen2_vl.py Qwen2VLTextModel).
  if (type.empty() || type == "qwen2_vl_text" || type == "qwen2_5_vl_text" || type == "qwen3_vl_text" || type == "qwen3_vl_moe_text" ||
      type == "glm4v_text" || type == "glm4v_moe_text")  // GLM-4.1V / 4.5V: GLM-4 and GLM-4.5 decoders (modeling_glm4v*.py)
    type = std::string(default_type);
  const family_rule* rule = find_family(type);
  if (!rule || rule->read == nullptr || type == s.model_type) {
    r.error("unknown_text_model", text.field_name("model_type"),
            "The text model \"" + type + "\" of this " + s.model_type + " checkpoint is not an architecture this estimate knows.");
    return false;
  }
  s.text_family = type;
  s.defaults_source += "; text_config: " + std::string(rule->source);
  rule->read(text, s);
  return true;
}

// A ViT encoder layer stack as CLIP and SigLIP build it (modeling_clip.py CLIPEncoderLayer,
// modeling_siglip.py SiglipEncoderLayer): biased q/k/v/out_proj, two LayerNorms, fc1/fc2 with biases.
void vit_layers(inventory_builder& b, const std::string& p, uint64_t layers, uint64_t h, uint64_t i) {
  const group g{"vision_layer", layers, "vision"};
  for (const char* n : {"k_proj", "v_proj", "q_proj", "out_proj"})
    b.linear(g, p + ".encoder.layers.{i}.self_attn." + n, h, h, tensor_role::vision, true);
  b.norm(g, p + ".encoder.layers.{i}.layer_norm1", h, true);
  b.linear(g, p + ".encoder.layers.{i}.mlp.fc1", i, h, tensor_role::vision, true);
  b.linear(g, p + ".encoder.layers.{i}.mlp.fc2", h, i, tensor_role::vision, true);
  b.norm(g, p + ".encoder.layers.{i}.layer_norm2", h, true);
}

void read_vit(config_reader& v, model_spec& s, uint64_t hidden, uint64_t inter, uint64_t layers, uint64_t image, uint64_t patch) {
  s.set_dim("vision_hidden_size", v.count({"hidden_size"}, hidden, limits::hidden));
  s.set_dim("vision_intermediate_size", v.count({"intermediate_size"}, inter, limits::intermediate));
  s.set_dim("vision_num_hidden_layers", v.count({"num_hidden_layers"}, layers, limits::layers));
  s.set_dim("vision_image_size", v.count({"image_size"}, image, 1 << 16));
  s.set_dim("vision_patch_size", v.count({"patch_size"}, patch, 1 << 12));
  s.set_dim("vision_num_channels", v.count({"num_channels"}, 3, 64));
  s.set_dim("vision_attention_heads", v.count({"num_attention_heads"}, 12, limits::heads));  // (the encoder's activations: core/images.cpp)
}

// SigLIP (configuration_siglip.py SiglipVisionConfig defaults: 768 hidden, 3072 inner, 12 layers,
// 224 px, patch 16). SiglipVisionTransformer adds its attention-pooling head unless the config says
// vision_use_head false: `True if not hasattr(config, "vision_use_head") else config.vision_use_head`.
void read_siglip(config_reader& v, model_spec& s) {
  read_vit(v, s, 768, 3072, 12, 224, 16);
  s.set_dim("vision_siglip", 1);  // else a CLIP tower (build_vision_tower)
  s.set_dim("vision_use_head", v.flag("vision_use_head", true, false));
}

// SiglipMultiheadAttentionPoolingHead (SigLIP and SigLIP2): a probe token, nn.MultiheadAttention (packed in_proj,
// out_proj), a LayerNorm and a SiglipMLP.
void siglip_head(inventory_builder& b, const std::string& t, uint64_t h, uint64_t i) {
  b.tensor(t + ".head.probe", {1, 1, h}, tensor_role::vision, "vision");
  b.tensor(t + ".head.attention.in_proj_weight", {3 * h, h}, tensor_role::vision, "vision");
  b.tensor(t + ".head.attention.in_proj_bias", {3 * h}, tensor_role::vision, "vision");
  b.linear_outside(t + ".head.attention.out_proj", h, h, tensor_role::vision, true, "vision");
  b.norm_outside(t + ".head.layernorm", h, true, "vision");
  b.linear_outside(t + ".head.mlp.fc1", i, h, tensor_role::vision, true, "vision");
  b.linear_outside(t + ".head.mlp.fc2", h, i, tensor_role::vision, true, "vision");
}

// The ViT that AutoModel.from_config(vision_config) loads under `t` (e.g. "vision_tower.vision_model"):
// modeling_siglip.py SiglipVisionTransformer when vision_siglip is set, else modeling_clip.py
// CLIPVisionTransformer.
void build_vision_tower(const model_spec& s, inventory_builder& b, const std::string& t) {
  const uint64_t h = s.dim("vision_hidden_size"), i = s.dim("vision_intermediate_size");
  const uint64_t p = s.dim("vision_patch_size"), c = s.dim("vision_num_channels");
  const uint64_t side = s.dim("vision_image_size") / p;
  if (s.dim("vision_siglip")) {
    // SiglipVisionEmbeddings: a biased patch Conv2d, positions for the patches only (no class token).
    b.tensor(t + ".embeddings.patch_embedding.weight", {h, c, p, p}, tensor_role::vision, "vision");
    b.tensor(t + ".embeddings.patch_embedding.bias", {h}, tensor_role::vision, "vision");
    b.tensor(t + ".embeddings.position_embedding.weight", {side * side, h}, tensor_role::vision, "vision");
    vit_layers(b, t, s.dim("vision_num_hidden_layers"), h, i);
    b.norm_outside(t + ".post_layernorm", h, true, "vision");
    if (s.dim("vision_use_head")) siglip_head(b, t, h, i);
    return;
  }
  // CLIPVisionEmbeddings: a class token, a bias-free patch Conv2d, positions for (image / patch)^2 + 1
  // tokens; CLIPVisionTransformer: pre_layrnorm (sic), the encoder, post_layernorm.
  b.tensor(t + ".embeddings.class_embedding", {h}, tensor_role::vision, "vision");
  b.tensor(t + ".embeddings.patch_embedding.weight", {h, c, p, p}, tensor_role::vision, "vision");
  b.tensor(t + ".embeddings.position_embedding.weight", {side * side + 1, h}, tensor_role::vision, "vision");
  b.norm_outside(t + ".pre_layrnorm", h, true, "vision");
  vit_layers(b, t, s.dim("vision_num_hidden_layers"), h, i);
  b.norm_outside(t + ".post_layernorm", h, true, "vision");
}

// ---- Llava (1.5 and compatible): configuration_llava.py / modeling_llava.py. The vision tower is
// AutoModel.from_config(vision_config): vision_config.model_type defaults to "clip_vision_model"
// (configuration_clip.py CLIPVisionConfig defaults: 768 hidden, 3072 inner, 12 layers, 224 px, patch 32;
// with no vision_config at all, LlavaConfig builds CLIP ViT-L/14-336: 1024 hidden, 4096 inner, 24 layers,
// 336 px, patch 14); "siglip_vision_model" (llava-interleave, llava-onevision-style checkpoints) gives a
// SigLIP tower. The projector LlavaMultiModalProjector: linear_1 [text_h, vision_h x feature layers] and
// linear_2 [text_h, text_h], biased unless multimodal_projector_bias is false.
void read_llava(config_reader& r, model_spec& s) {
  if (!read_text(r, s, "llama")) return;
  config_reader v = r.sub("vision_config");
  const std::string type = v.text({"model_type"});
  if (type == "siglip_vision_model") {
    read_siglip(v, s);
  } else {
    if (!type.empty() && type != "clip_vision_model")
      r.warn("unknown_vision_model", v.field_name("model_type"),
             "The vision tower \"" + type + "\" is not one this estimate knows; it is sized as a CLIP ViT with the config's dimensions.");
    if (r.has_object("vision_config")) read_vit(v, s, 768, 3072, 12, 224, 32);
    else read_vit(v, s, 1024, 4096, 24, 336, 14);
    s.set_dim("vision_siglip", 0);
  }
  uint64_t feature_layers = 1;
  if (const config_json* f = r.find({"vision_feature_layer"}); f && f->is_array()) feature_layers = std::max<size_t>(f->size(), 1);
  s.set_dim("vision_feature_layers", feature_layers);
  s.set_dim("projector_bias", r.flag("multimodal_projector_bias", true, false));
}

void build_llava(const model_spec& s, inventory_builder& b) {
  b.set_prefix("language_model.");
  find_family(s.text_family)->build(s, b);
  b.set_prefix("");
  const uint64_t h = s.dim("vision_hidden_size");
  build_vision_tower(s, b, "vision_tower.vision_model");
  const bool bias = s.dim("projector_bias") != 0;
  b.linear_outside("multi_modal_projector.linear_1", s.hidden_size, h * s.dim("vision_feature_layers"), tensor_role::projector, bias, "projector");
  b.linear_outside("multi_modal_projector.linear_2", s.hidden_size, s.hidden_size, tensor_role::projector, bias, "projector");
}

// ---- LLaVA-NeXT (1.6): configuration_llava_next.py / modeling_llava_next.py. LLaVA's tower and projector, plus
// image_newline [text hidden], a top-level parameter created whatever use_image_newline_parameter says.
// Its "anyres" tiling (core/images.cpp) reads image_grid_pinpoints, [height, width] canvases (LlavaNextConfig's
// default: 336 x 672, 672 x 336, 672 x 672, 1008 x 336, 336 x 1008), at most 64 of them.
void read_llava_next(config_reader& r, model_spec& s) {
  read_llava(r, s);
  std::vector<std::pair<uint64_t, uint64_t>> pins = {{336, 672}, {672, 336}, {672, 672}, {1008, 336}, {336, 1008}};
  if (const config_json* g = r.find({"image_grid_pinpoints"}); g && g->is_array() && !g->empty() && g->size() <= 64) {
    pins.clear();
    auto side = [](const config_json& v) { return v.is_number_unsigned() && v.get<uint64_t>() >= 1 && v.get<uint64_t>() <= 16384; };
    for (const config_json& e : *g) {
      if (!e.is_array() || e.size() != 2 || !side(e[0]) || !side(e[1])) {
        r.warn("invalid_grid_pinpoints", r.field_name("image_grid_pinpoints"), "image_grid_pinpoints holds something other than [height, width] pairs of 1 to 16384 pixels; the image tiling is unknown.");
        pins.clear();
        break;
      }
      pins.emplace_back(e[0].get<uint64_t>(), e[1].get<uint64_t>());
    }
  }
  s.set_dim("image_pinpoints", pins.size());
  for (size_t k = 0; k < pins.size(); ++k) s.set_dim("image_pinpoint_h" + std::to_string(k), pins[k].first), s.set_dim("image_pinpoint_w" + std::to_string(k), pins[k].second);
  s.set_dim("image_keep_cls", r.text({"vision_feature_select_strategy"}) == "full");
}

void build_llava_next(const model_spec& s, inventory_builder& b) {
  build_llava(s, b);
  b.tensor("image_newline", {s.hidden_size}, tensor_role::projector, "projector");
}

// ---- InternVL 2 / 2.5 / 3 (internvl_chat): configuration_internvl_chat.py / modeling_internvl_chat.py and
// modeling_intern_vit.py shipped with the checkpoints (remote code). The text model from llm_config (InternLM2 by
// default; Qwen2, Llama, Phi-3) under language_model.; InternViT under vision_model. (class_embedding, a biased
// patch Conv2d, position_embedding over (image / patch)^2 + 1, and blocks of norm1, a fused attn.qkv biased with
// qkv_bias, q_norm / k_norm with qk_normalization, attn.proj, layer-scale ls1 / ls2, norm2 and a biased fc1 / fc2
// MLP; LayerNorms with biases for norm_type layer_norm, else RMSNorms); and mlp1, a LayerNorm over the vision width
// x (1 / downsample_ratio)^2 and two biased Linears up to the text width. InternVisionConfig's defaults are the 6B
// tower's (3200 wide, 48 layers, no qkv bias, q/k norms, RMSNorm).
void read_internvl_chat(config_reader& r, model_spec& s) {
  config_reader text = r.sub("llm_config");
  std::string type = text.text({"model_type"});
  if (type.empty()) type = "internlm2";  // InternVLChatConfig's default llm_config: InternLM2ForCausalLM
  const family_rule* rule = find_family(type);
  if (!rule || rule->read == nullptr || type == s.model_type) {
    r.error("unknown_text_model", text.field_name("model_type"), "The text model \"" + type + "\" of this internvl_chat checkpoint is not an architecture this estimate knows.");
    return;
  }
  s.text_family = type;
  rule->read(text, s);
  config_reader v = r.sub("vision_config");
  read_vit(v, s, 3200, 12800, 48, 224, 14);
  s.set_dim("vision_qkv_bias", v.flag("qkv_bias", false, false));
  s.set_dim("vision_qk_norm", v.flag("qk_normalization", true, false));
  s.set_dim("vision_layer_norm", v.text({"norm_type"}) == "layer_norm");
  const double ratio = r.number("downsample_ratio", 0.5);
  const uint64_t fold = ratio > 0 && ratio <= 1 ? static_cast<uint64_t>(1.0 / ratio + 0.5) : 2;
  s.set_dim("projector_in", s.dim("vision_hidden_size") * fold * fold);
  // The image tiling (core/images.cpp): dynamic_preprocess over min_dynamic_patch..max_dynamic_patch tiles, a
  // thumbnail beside several.
  s.set_dim("image_fold", fold);
  s.set_dim("image_min_tiles", r.count_or({"min_dynamic_patch"}, 1, 64));
  s.set_dim("image_max_tiles", r.count_or({"max_dynamic_patch"}, 12, 64));
  s.set_dim("image_thumbnail", r.flag("use_thumbnail", true, false));
}

void build_internvl_chat(const model_spec& s, inventory_builder& b) {
  b.set_prefix("language_model.");
  find_family(s.text_family)->build(s, b);
  b.set_prefix("");
  const uint64_t h = s.dim("vision_hidden_size"), i = s.dim("vision_intermediate_size"), p = s.dim("vision_patch_size");
  const uint64_t side = s.dim("vision_image_size") / p, in = s.dim("projector_in");
  const bool ln = s.dim("vision_layer_norm") != 0, qkv_bias = s.dim("vision_qkv_bias") != 0;
  b.tensor("vision_model.embeddings.class_embedding", {1, 1, h}, tensor_role::vision, "vision");
  b.tensor("vision_model.embeddings.patch_embedding.weight", {h, 3, p, p}, tensor_role::vision, "vision");
  b.tensor("vision_model.embeddings.patch_embedding.bias", {h}, tensor_role::vision, "vision");
  b.tensor("vision_model.embeddings.position_embedding", {1, side * side + 1, h}, tensor_role::vision, "vision");
  const inventory_builder::group g{"vision_block", s.dim("vision_num_hidden_layers"), "vision"};
  const std::string t = "vision_model.encoder.layers.{i}.";
  b.norm(g, t + "norm1", h, ln);
  b.linear(g, t + "attn.qkv", 3 * h, h, tensor_role::vision, qkv_bias);
  if (s.dim("vision_qk_norm")) {
    b.norm(g, t + "attn.q_norm", h);
    b.norm(g, t + "attn.k_norm", h);
  }
  b.linear(g, t + "attn.proj", h, h, tensor_role::vision, true);
  b.layer(g, t + "ls1", {h}, tensor_role::vision);
  b.layer(g, t + "ls2", {h}, tensor_role::vision);
  b.norm(g, t + "norm2", h, ln);
  b.linear(g, t + "mlp.fc1", i, h, tensor_role::vision, true);
  b.linear(g, t + "mlp.fc2", h, i, tensor_role::vision, true);
  b.norm_outside("mlp1.0", in, true, "projector");
  b.linear_outside("mlp1.1", s.hidden_size, in, tensor_role::projector, true, "projector");
  b.linear_outside("mlp1.3", s.hidden_size, s.hidden_size, tensor_role::projector, true, "projector");
}

// ---- GLM-4.1V / 4.6V-Flash (glm4v) and GLM-4.5V / 4.6V (glm4v_moe): modeling_glm4v.py, modeling_glm4v_moe.py.
// The text model is GLM-4 (4 RMSNorms, fused gate_up, biased q/k/v) or GLM-4.5's MoE; the vision tower
// (Glm4vVisionModel, the same in both): a biased Conv3d patch embedding, post_conv_layernorm, a
// (image_size / patch)^2 position table, `depth` blocks whose RMSNorms, qkv (biased when attention_bias), proj
// and SwiGLU MLP of out_hidden_size width (not intermediate_size), post_layernorm, a biased Conv2d downsample
// over spatial_merge_size^2 patches, and the merger: proj [out, out], a LayerNorm and a SwiGLU of
// intermediate_size. Checked: GLM-4.1V-9B-Thinking 10,292,777,472 and GLM-4.5V 107,710,933,120 (Hub totals).
void read_glm4v_vision(config_reader& r, model_spec& s) {
  config_reader v = r.sub("vision_config");
  s.set_dim("vision_hidden_size", v.count({"hidden_size"}, 1536, limits::hidden));
  s.set_dim("vision_intermediate_size", v.count({"intermediate_size"}, 13696, limits::intermediate));
  s.set_dim("vision_out_hidden_size", v.count({"out_hidden_size"}, 4096, limits::hidden));
  s.set_dim("vision_depth", v.count({"depth"}, 24, limits::layers));
  s.set_dim("vision_patch_size", v.count({"patch_size"}, 14, 1 << 12));
  s.set_dim("vision_image_size", v.count({"image_size"}, 336, 1 << 16));
  s.set_dim("vision_temporal_patch_size", v.count({"temporal_patch_size"}, 2, 64));
  s.set_dim("vision_in_channels", v.count({"in_channels"}, 3, 64));
  s.set_dim("vision_spatial_merge_size", v.count({"spatial_merge_size"}, 2, 64));
  s.set_dim("vision_qkv_bias", v.flag("attention_bias", false, false));
}

void read_glm4v(config_reader& r, model_spec& s) {
  if (!read_text(r, s, "glm4")) return;
  s.qkv_bias = true;  // Glm4vTextAttention: q/k/v biased whatever attention_bias says
  read_glm4v_vision(r, s);
}

void read_glm4v_moe(config_reader& r, model_spec& s) {
  if (!read_text(r, s, "glm4_moe")) return;
  read_glm4v_vision(r, s);
}

void build_glm4v(const model_spec& s, inventory_builder& b) {
  find_family(s.text_family)->build(s, b);
  const uint64_t h = s.dim("vision_hidden_size"), o = s.dim("vision_out_hidden_size"), i = s.dim("vision_intermediate_size");
  const uint64_t p = s.dim("vision_patch_size"), m = s.dim("vision_spatial_merge_size"), side = s.dim("vision_image_size") / p;
  const group g{"vision_block", s.dim("vision_depth"), "vision"};
  b.tensor("visual.patch_embed.proj.weight", {h, s.dim("vision_in_channels"), s.dim("vision_temporal_patch_size"), p * p}, tensor_role::vision, "vision");
  b.tensor("visual.patch_embed.proj.bias", {h}, tensor_role::vision, "vision");
  b.norm_outside("visual.post_conv_layernorm", h, false, "vision");
  b.tensor("visual.embeddings.position_embedding.weight", {side * side, h}, tensor_role::vision, "vision");
  b.norm(g, "visual.blocks.{i}.norm1", h);
  b.norm(g, "visual.blocks.{i}.norm2", h);
  b.linear(g, "visual.blocks.{i}.attn.qkv", 3 * h, h, tensor_role::vision, s.dim("vision_qkv_bias") != 0);
  b.linear(g, "visual.blocks.{i}.attn.proj", h, h, tensor_role::vision, false);
  b.gated_mlp(g, "visual.blocks.{i}.mlp", h, o, false, tensor_role::vision);
  b.norm_outside("visual.post_layernorm", h, false, "vision");
  b.tensor("visual.downsample.weight", {o, h, m, m}, tensor_role::vision, "vision");
  b.tensor("visual.downsample.bias", {o}, tensor_role::vision, "vision");
  b.linear_outside("visual.merger.proj", o, o, tensor_role::projector, false, "projector");
  b.norm_outside("visual.merger.post_projection_norm", o, true, "projector");
  b.linear_outside("visual.merger.gate_proj", i, o, tensor_role::projector, false, "projector");
  b.linear_outside("visual.merger.up_proj", i, o, tensor_role::projector, false, "projector");
  b.linear_outside("visual.merger.down_proj", o, i, tensor_role::projector, false, "projector");
}

// ---- LFM2-VL (lfm2_vl; Liquid's remote code names it lfm2-vl): modeling_lfm2_vl.py. An LFM2 text model, a
// SigLIP2 NaFlex tower (siglip2: a biased Linear patch embedding over C x P x P values, num_patches positions,
// the ViT layers, post_layernorm) cut after vision_feature_layer (-1: every layer; Liquid's code, vLLM and
// llama.cpp keep layers[:vision_feature_layer + 1]), and a projector over the pixel-unshuffled features
// (downsample_factor^2 x D): an optional LayerNorm, linear_1 [projector_hidden_size, in], linear_2 [text h, ...],
// biased unless projector_bias is false. Checked: LFM2-VL-450M 450,822,656 (the Hub total).
void read_lfm2_vl(config_reader& r, model_spec& s) {
  if (!read_text(r, s, "lfm2")) return;
  config_reader v = r.sub("vision_config");
  s.set_dim("vision_hidden_size", v.count({"hidden_size"}, 768, limits::hidden));
  s.set_dim("vision_intermediate_size", v.count({"intermediate_size"}, 3072, limits::intermediate));
  s.set_dim("vision_patch_size", v.count({"patch_size"}, 16, 1 << 12));
  s.set_dim("vision_num_channels", v.count({"num_channels"}, 3, 64));
  s.set_dim("vision_num_patches", v.count({"num_patches"}, 256, 1 << 20));
  s.set_dim("vision_use_head", v.flag("vision_use_head", true, false));
  const uint64_t layers = v.count({"num_hidden_layers"}, 12, limits::layers);
  const double asked = r.number("vision_feature_layer", -1);
  const bool fits = std::isfinite(asked) && asked == std::floor(asked) && asked >= -static_cast<double>(layers) && asked < static_cast<double>(layers);
  if (!fits) r.warn("vision_feature_layer_ignored", r.field_name("vision_feature_layer"), "vision_feature_layer is not a layer of the vision tower; every layer is counted.");
  const int64_t feature = fits ? static_cast<int64_t>(asked) : -1;
  s.set_dim("vision_num_hidden_layers", feature < 0 ? layers + 1 - static_cast<uint64_t>(-feature) : static_cast<uint64_t>(feature) + 1);
  const uint64_t f = r.count({"downsample_factor"}, 2, 64);
  s.set_dim("projector_in", s.dim("vision_hidden_size") * f * f);
  s.set_dim("projector_hidden_size", r.count({"projector_hidden_size"}, 2560, limits::hidden));
  s.set_dim("projector_bias", r.flag("projector_bias", true, false));
  s.set_dim("projector_layer_norm", r.flag("projector_use_layernorm", true, false));
}

void build_lfm2_vl(const model_spec& s, inventory_builder& b) {
  find_family(s.text_family)->build(s, b);
  const std::string t = "model.vision_tower.vision_model";
  const uint64_t h = s.dim("vision_hidden_size"), i = s.dim("vision_intermediate_size"), p = s.dim("vision_patch_size");
  b.linear_outside(t + ".embeddings.patch_embedding", h, s.dim("vision_num_channels") * p * p, tensor_role::vision, true, "vision");
  b.tensor(t + ".embeddings.position_embedding.weight", {s.dim("vision_num_patches"), h}, tensor_role::vision, "vision");
  vit_layers(b, t, s.dim("vision_num_hidden_layers"), h, i);
  b.norm_outside(t + ".post_layernorm", h, true, "vision");
  if (s.dim("vision_use_head")) siglip_head(b, t, h, i);  // Siglip2MultiheadAttentionPoolingHead, as SigLIP's
  const uint64_t in = s.dim("projector_in"), ph = s.dim("projector_hidden_size");
  const bool bias = s.dim("projector_bias") != 0;
  if (s.dim("projector_layer_norm")) b.norm_outside("model.multi_modal_projector.layer_norm", in, true, "projector");
  b.linear_outside("model.multi_modal_projector.linear_1", ph, in, tensor_role::projector, bias, "projector");
  b.linear_outside("model.multi_modal_projector.linear_2", s.hidden_size, ph, tensor_role::projector, bias, "projector");
}

// ---- Molmo (molmo: allenai Molmo-7B-D/O-0924, 72B; remote code config_molmo.py / modeling_molmo.py). An OLMo-style
// decoder under its own names: wte.embedding [embedding_size, d] beside wte.new_embedding [128, d] (the hard-coded
// additional vocabulary), per block a fused att_proj [d + 2 kv hd, d] (biased with qkv_bias), attn_out, ff_proj
// [intermediate_size, d] (gate and up fused: the MLP is intermediate_size / 2 wide), ff_out, two RMSNorms (and
// q/k norms with attention_layer_norm), ln_f and an untied ff_out head (MolmoForCausalLM forces weight_tying off).
// The vision side is hard-coded in MolmoForCausalLM.__init__, not read from config.json: CLIP ViT-L/14-336 with
// 23 of its 24 layers (vit_layers -2 and -9 are read), no post-LayerNorm; an attention pooling over the two
// feature layers; a SwiGLU projector of intermediate_size / 2; pad_embed [2, 2 x 1024]. Checked: Molmo-7B-D-0924
// 8,021,025,280 (the Hub total, and its model.safetensors.index.json total_parameters).
void read_molmo(config_reader& r, model_spec& s) {
  read_decoder(r, s, {.vocab_size = 50304, .hidden_size = 4096, .intermediate_size = 22016, .num_hidden_layers = 32,
                      .num_attention_heads = 32, .max_position_embeddings = 2048});
  s.vocab_size = r.count({"embedding_size", "vocab_size"}, s.vocab_size, limits::vocab);
  s.qkv_bias = r.flag("qkv_bias", false, false);
  s.qk_norm = r.flag("attention_layer_norm", false, false);
  s.intermediate_size = std::max<uint64_t>(1, s.intermediate_size / 2);  // ff_proj holds gate and up
  s.tie_word_embeddings = false;
}

void build_molmo(const model_spec& s, inventory_builder& b) {
  const uint64_t d = s.hidden_size, kv = s.num_key_value_heads * s.head_dim, ff = s.intermediate_size;
  const std::string t = "model.transformer";
  b.tensor(t + ".wte.embedding", {s.vocab_size, d}, tensor_role::embedding);
  b.tensor(t + ".wte.new_embedding", {128, d}, tensor_role::embedding);
  const group g{"decoder", s.num_hidden_layers};
  b.norm(g, t + ".blocks.{i}.attn_norm", d);
  b.linear(g, t + ".blocks.{i}.att_proj", s.num_attention_heads * s.head_dim + 2 * kv, d, tensor_role::attention, s.qkv_bias);
  if (s.qk_norm) {
    b.norm(g, t + ".blocks.{i}.q_norm", d);
    b.norm(g, t + ".blocks.{i}.k_norm", kv);
  }
  b.linear(g, t + ".blocks.{i}.attn_out", d, s.num_attention_heads * s.head_dim, tensor_role::attention, false);
  b.norm(g, t + ".blocks.{i}.ff_norm", d);
  b.linear(g, t + ".blocks.{i}.ff_proj", 2 * ff, d, tensor_role::mlp, false);
  b.linear(g, t + ".blocks.{i}.ff_out", d, ff, tensor_role::mlp, false);
  b.norm_outside(t + ".ln_f", d);
  b.linear_outside(t + ".ff_out", s.vocab_size, d, tensor_role::lm_head, false);
  // The vision backbone of MolmoForCausalLM.__init__ (its constants, not config fields).
  constexpr uint64_t E = 1024, P = 14, kPositions = 577, kMlp = 4096, kLayers = 23, kFeatures = 2;
  const std::string v = "model.vision_backbone";
  b.tensor(v + ".image_vit.class_embedding", {E}, tensor_role::vision, "vision");
  b.tensor(v + ".image_vit.positional_embedding", {kPositions, E}, tensor_role::vision, "vision");
  b.tensor(v + ".image_vit.patch_embedding.weight", {E, P * P * 3}, tensor_role::vision, "vision");
  b.norm_outside(v + ".image_vit.pre_ln", E, true, "vision");
  const group vg{"vision_block", kLayers, "vision"};
  for (const char* n : {"wq", "wk", "wv", "wo"}) b.linear(vg, v + ".image_vit.transformer.resblocks.{i}.attention." + n, E, E, tensor_role::vision, true);
  b.norm(vg, v + ".image_vit.transformer.resblocks.{i}.attention_norm", E, true);
  b.norm(vg, v + ".image_vit.transformer.resblocks.{i}.ffn_norm", E, true);
  b.linear(vg, v + ".image_vit.transformer.resblocks.{i}.feed_forward.w1", kMlp, E, tensor_role::vision, true);
  b.linear(vg, v + ".image_vit.transformer.resblocks.{i}.feed_forward.w2", E, kMlp, tensor_role::vision, true);
  for (const char* n : {"wq", "wk", "wv"}) b.linear_outside(v + ".image_pooling_2d." + n, E, kFeatures * E, tensor_role::projector, true, "projector");
  b.linear_outside(v + ".image_pooling_2d.wo", E, E, tensor_role::projector, true, "projector");
  b.linear_outside(v + ".image_projector.w1", ff, E, tensor_role::projector, false, "projector");
  b.linear_outside(v + ".image_projector.w3", ff, E, tensor_role::projector, false, "projector");
  b.linear_outside(v + ".image_projector.w2", d, ff, tensor_role::projector, false, "projector");
  b.tensor(v + ".pad_embed", {2, kFeatures * E}, tensor_role::projector, "projector");
}

// ---- Phi-3-vision / Phi-3.5-vision (phi3_v; remote code configuration_phi3_v.py, modeling_phi3_v.py,
// image_embedding_phi3_v.py): the Phi-3 decoder of the top-level fields, and a CLIP ViT-L/14-336 the remote code
// hard-codes (CLIP_VIT_LARGE_PATCH14_336_CONFIG: 1024 wide, 4096 inner, all 24 layers stored) under
// model.vision_embed_tokens; the projector (embd_layer.projection_cls "mlp": 4 x 1024 in with the HD transform, a
// GELU MLP to the text width, biased) and, with_learnable_separator, glb_GN [1, 1, 4 x 1024] and sub_GN
// [1, 1, 1, 4 x 1024]. Checked: Phi-3.5-vision-instruct 4,146,621,440 (the Hub total, as NVIDIA's NIM page gives it).
void read_phi3_v(config_reader& r, model_spec& s) {
  const family_rule* text = find_family("phi3");
  s.text_family = "phi3";
  text->read(r, s);
  s.set_dim("vision_hidden_size", 1024);
  s.set_dim("vision_intermediate_size", 4096);
  s.set_dim("vision_num_hidden_layers", 24);
  s.set_dim("vision_image_size", 336);
  s.set_dim("vision_patch_size", 14);
  s.set_dim("vision_num_channels", 3);
  config_reader ip = r.sub("img_processor");
  const uint64_t out = ip.count({"image_dim_out"}, 1024, limits::hidden);
  config_reader e = r.sub("embd_layer");
  const bool hd = e.flag("use_hd_transform", false, false);
  s.set_dim("projector_in", hd ? 4 * out : out);
  s.set_dim("projector_mlp", e.text({"projection_cls"}) == "mlp");
  s.set_dim("projector_separators", e.flag("with_learnable_separator", false, false) ? 4 * out : 0);
}

void build_phi3_v(const model_spec& s, inventory_builder& b) {
  find_family("phi3")->build(s, b);
  build_vision_tower(s, b, "model.vision_embed_tokens.img_processor.vision_model");
  const std::string p = "model.vision_embed_tokens.";
  const uint64_t in = s.dim("projector_in"), h = s.hidden_size, sep = s.dim("projector_separators");
  if (s.dim("projector_mlp")) {
    b.linear_outside(p + "img_projection.0", h, in, tensor_role::projector, true, "projector");
    b.linear_outside(p + "img_projection.2", h, h, tensor_role::projector, true, "projector");
  } else {
    b.linear_outside(p + "img_projection", h, in, tensor_role::projector, true, "projector");
  }
  if (sep) {
    b.tensor(p + "glb_GN", {1, 1, sep}, tensor_role::projector, "projector");
    b.tensor(p + "sub_GN", {1, 1, 1, sep}, tensor_role::projector, "projector");
  }
}

// ---- Qwen2-Audio (qwen2_audio: configuration_qwen2_audio.py, modeling_qwen2_audio.py). A Qwen2 text model from
// text_config under language_model.*; audio_tower.* a Whisper encoder (Qwen2AudioEncoder: two biased Conv1d of
// kernel 3 over num_mel_bins, embed_positions [max_source_positions, d_model] stored though frozen, layers with
// biased q/v/out and a bias-free k_proj, two LayerNorms, fc1/fc2, a final LayerNorm; the AvgPool1d has no
// weights); multi_modal_projector.linear from d_model to the text width, biased. Checked: Qwen2-Audio-7B
// 8,397,094,912 (the Hub total).
void read_qwen2_audio(config_reader& r, model_spec& s) {
  if (!read_text(r, s, "qwen2")) return;
  config_reader a = r.sub("audio_config");  // Qwen2AudioEncoderConfig defaults
  s.set_dim("audio_hidden_size", a.count({"d_model"}, 1280, limits::hidden));
  s.set_dim("audio_layers", a.count({"encoder_layers"}, 32, limits::layers));
  s.set_dim("audio_ffn", a.count({"encoder_ffn_dim"}, 5120, limits::intermediate));
  s.set_dim("audio_mel_bins", a.count({"num_mel_bins"}, 128, 1 << 12));
  s.set_dim("audio_positions", a.count({"max_source_positions"}, 1500, limits::positions));
}

void build_qwen2_audio(const model_spec& s, inventory_builder& b) {
  b.set_prefix("language_model.");
  find_family(s.text_family)->build(s, b);
  b.set_prefix("");
  const uint64_t d = s.dim("audio_hidden_size"), f = s.dim("audio_ffn");
  const std::string t = "audio_tower.";
  b.tensor(t + "conv1.weight", {d, s.dim("audio_mel_bins"), 3}, tensor_role::vision, "audio");
  b.tensor(t + "conv1.bias", {d}, tensor_role::vision, "audio");
  b.tensor(t + "conv2.weight", {d, d, 3}, tensor_role::vision, "audio");
  b.tensor(t + "conv2.bias", {d}, tensor_role::vision, "audio");
  b.tensor(t + "embed_positions.weight", {s.dim("audio_positions"), d}, tensor_role::vision, "audio");
  const group g{"audio_layer", s.dim("audio_layers"), "audio"};
  for (const char* n : {"q_proj", "v_proj", "out_proj"}) b.linear(g, t + "layers.{i}.self_attn." + n, d, d, tensor_role::vision, true);
  b.linear(g, t + "layers.{i}.self_attn.k_proj", d, d, tensor_role::vision, false);
  b.norm(g, t + "layers.{i}.self_attn_layer_norm", d, true);
  b.linear(g, t + "layers.{i}.fc1", f, d, tensor_role::vision, true);
  b.linear(g, t + "layers.{i}.fc2", d, f, tensor_role::vision, true);
  b.norm(g, t + "layers.{i}.final_layer_norm", d, true);
  b.norm_outside(t + "layer_norm", d, true, "audio");
  b.linear_outside("multi_modal_projector.linear", s.hidden_size, d, tensor_role::projector, true, "projector");
}

// ---- MiniCPM-V 2.5 / 2.6 / 4 / 4.5 (minicpmv; remote code configuration_minicpm.py, modeling_minicpmv.py,
// modeling_navit_siglip.py, resampler.py). The text model is a transformers decoder on the top-level fields,
// chosen by "version" as vLLM's get_version_by_config and the remote code do: none or 2.5 Llama-3, 2.6 Qwen2,
// 4.0 Llama (MiniCPM4), 4.5 Qwen3; stored under llm.*. The vision tower vpm.* is the NaViT SigLIP of
// vision_config (MiniCPMVConfig's default 1152 / 4304 / 27 layers / 980 px / patch 14), no pooling head, its last
// layer removed when drop_vision_last_layer (the class default true; the released configs say false). The
// Resampler: query_num learned queries of the text width, kv_proj from the vision width (bias-free, Identity when
// the widths agree), an nn.MultiheadAttention, ln_q / ln_kv / ln_post and a proj matrix; its 2-D sin-cos
// positions are a buffer. Checked: MiniCPM-V-2_6 8,099,175,152, MiniCPM-V-4 4,059,533,040, MiniCPM-V-4_5
// 8,695,895,280, MiniCPM-Llama3-V-2_5 8,537,092,336 (the Hub totals).
std::string minicpmv_text(config_reader& r) {
  const config_json* v = r.find({"version"});
  std::string version = "2.5";
  if (v && v->is_number()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v->get<double>());
    version = buf;
  } else if (v && v->is_string()) {
    version = v->get<std::string>();
  } else if (r.count_or({"hidden_size"}, 0, limits::hidden) == 2304 && r.count_or({"query_num"}, 64, 1 << 16) == 64) {
    version = "2.0";  // get_version_by_config: an old config without version, MiniCPM-V 2.0's shape
  }
  if (version == "2.5") return "llama";
  if (version == "2.6") return "qwen2";
  if (version == "4" || version == "4.0") return "llama";
  if (version == "4.5") return "qwen3";
  r.error("unknown_version", r.field_name("version"),
          "MiniCPM-V version " + version + " is not one this estimate knows (2.5, 2.6, 4.0 and 4.5 are; 2.0's MiniCPM-2.4B with a timm ViT is not): give the model's safetensors headers for an exact count.");
  return "";
}

void read_minicpmv(config_reader& r, model_spec& s) {
  const std::string text = minicpmv_text(r);
  if (text.empty()) return;
  s.text_family = text;
  const family_rule* rule = find_family(text);
  s.defaults_source += "; text model: " + std::string(rule->source);
  rule->read(r, s);
  config_reader v = r.sub("vision_config");
  read_vit(v, s, 1152, 4304, 27, 980, 14);
  s.set_dim("vision_siglip", 1);
  s.set_dim("vision_use_head", 0);
  const uint64_t layers = s.dim("vision_num_hidden_layers");
  if (r.flag("drop_vision_last_layer", true) && layers > 0) s.set_dim("vision_num_hidden_layers", layers - 1);
  s.set_dim("resampler_queries", r.count({"query_num"}, 64, 1 << 16));
}

void build_minicpmv(const model_spec& s, inventory_builder& b) {
  b.set_prefix("llm.");
  find_family(s.text_family)->build(s, b);
  b.set_prefix("");
  build_vision_tower(s, b, "vpm");
  const uint64_t d = s.hidden_size, kv = s.dim("vision_hidden_size");
  const std::string p = "resampler.";
  b.tensor(p + "query", {s.dim("resampler_queries"), d}, tensor_role::projector, "projector");
  if (kv != d) b.linear_outside(p + "kv_proj", d, kv, tensor_role::projector, false, "projector");
  b.tensor(p + "attn.in_proj_weight", {3 * d, d}, tensor_role::projector, "projector");
  b.tensor(p + "attn.in_proj_bias", {3 * d}, tensor_role::projector, "projector");
  b.linear_outside(p + "attn.out_proj", d, d, tensor_role::projector, true, "projector");
  for (const char* n : {"ln_q", "ln_kv", "ln_post"}) b.norm_outside(p + n, d, true, "projector");
  b.tensor(p + "proj", {d, d}, tensor_role::projector, "projector");
}

// ---- Gemma 3 multimodal: configuration_gemma3.py / modeling_gemma3.py. A SigLIP vision tower (every
// released Gemma 3 config says vision_use_head false) and Gemma3MultiModalProjector:
// mm_input_projection_weight [vision_h, text_h] and mm_soft_emb_norm [vision_h] (a Gemma3RMSNorm).
void read_gemma3(config_reader& r, model_spec& s) {
  if (!read_text(r, s, "gemma3_text")) return;
  config_reader v = r.sub("vision_config");
  read_siglip(v, s);
}

void build_gemma3(const model_spec& s, inventory_builder& b) {
  b.set_prefix("language_model.");
  find_family(s.text_family)->build(s, b);
  b.set_prefix("");
  const uint64_t h = s.dim("vision_hidden_size");
  build_vision_tower(s, b, "vision_tower.vision_model");
  // A bare nn.Parameter multiplied with torch.matmul, not an nn.Linear: weight-only quantizers leave it as is.
  b.tensor("multi_modal_projector.mm_input_projection_weight", {h, s.hidden_size}, tensor_role::projector, "projector");
  b.norm_outside("multi_modal_projector.mm_soft_emb_norm", h, false, "projector");
}

// ---- Qwen2-VL and Qwen2.5-VL: configuration_qwen2_vl.py / configuration_qwen2_5_vl.py and their
// modeling files. A ViT over 3-D patches (temporal_patch_size x patch x patch, no bias), blocks with a
// fused biased qkv and proj, a PatchMerger that folds spatial_merge_size^2 patches (ln_q, then two
// biased Linears up to the text hidden size). Qwen2-VL: LayerNorm and an fc1/fc2 MLP of mlp_ratio x
// embed_dim; Qwen2.5-VL: RMSNorm and a gated MLP of intermediate_size.
void read_qwen_vl(config_reader& r, model_spec& s, bool v25) {
  if (!read_text(r, s, "qwen2")) return;
  config_reader v = r.sub("vision_config");
  // Qwen2-VL names the ViT width embed_dim and its output hidden_size; Qwen2.5-VL names them
  // hidden_size and out_hidden_size.
  const uint64_t ed = v.count({v25 ? "hidden_size" : "embed_dim"}, 1280, limits::hidden);
  s.set_dim("vision_hidden_size", ed);
  s.set_dim("vision_depth", v.count({"depth"}, 32, limits::layers));
  s.set_dim("vision_intermediate_size", v25 ? v.count({"intermediate_size"}, 3420, limits::intermediate)
                                            : v.count({"mlp_ratio"}, 4, 64) * ed);
  s.set_dim("vision_patch_size", v.count({"patch_size"}, 14, 1 << 12));
  s.set_dim("vision_temporal_patch_size", v.count({"temporal_patch_size"}, 2, 64));
  s.set_dim("vision_in_channels", v.count({"in_channels", "in_chans"}, 3, 64));
  s.set_dim("vision_spatial_merge_size", v.count({"spatial_merge_size"}, 2, 64));
  s.set_dim("vision_attention_heads", v.count({"num_heads"}, 16, limits::heads));
  s.set_dim("vision_out_hidden_size", v.count({v25 ? "out_hidden_size" : "hidden_size"}, s.hidden_size, limits::hidden));
  s.set_dim("vision_gated_mlp", v25);
}

void read_qwen2_vl(config_reader& r, model_spec& s) { read_qwen_vl(r, s, false); }
void read_qwen2_5_vl(config_reader& r, model_spec& s) { read_qwen_vl(r, s, true); }

void build_qwen_vl(const model_spec& s, inventory_builder& b) {
  find_family(s.text_family)->build(s, b);
  const uint64_t ed = s.dim("vision_hidden_size"), i = s.dim("vision_intermediate_size"), p = s.dim("vision_patch_size");
  const uint64_t merged = ed * s.dim("vision_spatial_merge_size") * s.dim("vision_spatial_merge_size");
  const bool v25 = s.dim("vision_gated_mlp") != 0;
  const group g{"vision_block", s.dim("vision_depth"), "vision"};
  b.tensor("visual.patch_embed.proj.weight", {ed, s.dim("vision_in_channels"), s.dim("vision_temporal_patch_size"), p * p},
           tensor_role::vision, "vision");
  b.norm(g, "visual.blocks.{i}.norm1", ed, !v25);
  b.norm(g, "visual.blocks.{i}.norm2", ed, !v25);
  b.linear(g, "visual.blocks.{i}.attn.qkv", 3 * ed, ed, tensor_role::vision, true);
  b.linear(g, "visual.blocks.{i}.attn.proj", ed, ed, tensor_role::vision, true);
  if (v25) {
    b.linear(g, "visual.blocks.{i}.mlp.gate_proj", i, ed, tensor_role::vision, true);
    b.linear(g, "visual.blocks.{i}.mlp.up_proj", i, ed, tensor_role::vision, true);
    b.linear(g, "visual.blocks.{i}.mlp.down_proj", ed, i, tensor_role::vision, true);
  } else {
    b.linear(g, "visual.blocks.{i}.mlp.fc1", i, ed, tensor_role::vision, true);
    b.linear(g, "visual.blocks.{i}.mlp.fc2", ed, i, tensor_role::vision, true);
  }
  b.norm_outside("visual.merger.ln_q", ed, !v25, "projector");
  b.linear_outside("visual.merger.mlp.0", merged, merged, tensor_role::projector, true, "projector");
  b.linear_outside("visual.merger.mlp.2", s.dim("vision_out_hidden_size"), merged, tensor_role::projector, true, "projector");
}

// ---- Mllama (Llama-3.2-Vision): configuration_mllama.py / modeling_mllama.py. The text model
// interleaves cross-attention layers (cross_attention_layers) among Llama layers; those attend to the
// image's tokens, so they cache one image's K and V (max_num_tiles x (patches + 1) tokens) rather than
// the text's, and carry tanh gates and q/k norms. embed_tokens has vocab_size + 8 rows. The vision
// model: patch conv, class token, gated positional and tile embeddings, a 32-layer local transformer and
// an 8-layer gated global one; the projector maps hidden x (intermediate layers + 1) to the text width.
void read_mllama(config_reader& r, model_spec& s) {
  config_reader t = r.sub("text_config");
  s.text_family = "mllama_text";
  read_decoder(t, s, {.vocab_size = 128256, .hidden_size = 4096, .intermediate_size = 14336, .num_hidden_layers = 40,
                      .num_attention_heads = 32, .num_key_value_heads = 8, .max_position_embeddings = 131072});
  config_reader v = r.sub("vision_config");
  const uint64_t vh = v.count({"hidden_size"}, 1280, limits::hidden);
  const uint64_t image = v.count({"image_size"}, 448, 1 << 16), patch = v.count({"patch_size"}, 14, 1 << 12);
  const uint64_t tiles = v.count({"max_num_tiles"}, 4, 64);
  uint64_t intermediate_layers = 5;  // [3, 7, 15, 23, 30]
  if (const config_json* il = v.find({"intermediate_layers_indices"}); il && il->is_array()) intermediate_layers = il->size();
  uint64_t ratios = 8;  // supported_aspect_ratios: 8 tile layouts for 4 tiles
  if (const config_json* ar = v.find({"supported_aspect_ratios"}); ar && ar->is_array()) ratios = ar->size();
  s.set_dim("vision_hidden_size", vh);
  s.set_dim("vision_intermediate_size", v.count({"intermediate_size"}, 5120, limits::intermediate));
  s.set_dim("vision_num_hidden_layers", v.count({"num_hidden_layers"}, 32, limits::layers));
  s.set_dim("vision_num_global_layers", v.count({"num_global_layers"}, 8, limits::layers));
  s.set_dim("vision_patch_size", patch);
  s.set_dim("vision_num_channels", v.count({"num_channels"}, 3, 64));
  s.set_dim("vision_patches", (image / patch) * (image / patch) + 1);
  s.set_dim("vision_max_num_tiles", tiles);
  s.set_dim("vision_aspect_ratio_ids", ratios + 1);
  s.set_dim("vision_output_dim", v.count_or({"vision_output_dim"}, vh * (intermediate_layers + 1), limits::hidden));
  std::vector<bool> cross(s.layers.size(), false);
  if (const config_json* c = t.find({"cross_attention_layers"}); c && c->is_array()) {
    for (const auto& x : *c)
      if (x.is_number_unsigned() && x.get<uint64_t>() < cross.size()) cross[x.get<uint64_t>()] = true;
  } else {
    for (uint64_t i : {3, 8, 13, 18, 23, 28, 33, 38})
      if (i < cross.size()) cross[i] = true;
  }
  const uint64_t image_tokens = tiles * s.dim("vision_patches");
  for (size_t i = 0; i < s.layers.size(); ++i)
    if (cross[i]) {
      auto& l = s.layers[i];
      l.cross_attention = true;
      l.attention = attention_kind::none;
      l.k_elements = l.v_elements = 0;
      l.state_elements = 2 * s.num_key_value_heads * s.head_dim * image_tokens;  // one image's K and V
    }
}

void build_mllama(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, hd = s.head_dim, i = s.intermediate_size;
  uint64_t n_cross = 0;
  for (const auto& l : s.layers) n_cross += l.cross_attention;
  const group self{"decoder", s.num_hidden_layers - n_cross};
  const group cross{"cross_attention_decoder", n_cross};
  const std::string m = "language_model.model";
  b.tensor(m + ".embed_tokens.weight", {s.vocab_size + 8, h}, tensor_role::embedding);
  b.norm(self, m + ".layers.{i}.input_layernorm", h);
  b.attention(self, m + ".layers.{i}.self_attn", s, false, false);
  b.norm(cross, m + ".layers.{i}.input_layernorm", h);
  b.attention(cross, m + ".layers.{i}.cross_attn", s, false, false);
  b.norm(cross, m + ".layers.{i}.cross_attn.q_norm", hd);
  b.norm(cross, m + ".layers.{i}.cross_attn.k_norm", hd);
  b.layer(cross, m + ".layers.{i}.cross_attn_attn_gate", {1}, tensor_role::attention);
  b.layer(cross, m + ".layers.{i}.cross_attn_mlp_gate", {1}, tensor_role::mlp);
  for (const group* g : {&self, &cross}) {
    b.norm(*g, m + ".layers.{i}.post_attention_layernorm", h);
    b.linear(*g, m + ".layers.{i}.mlp.gate_proj", i, h, tensor_role::mlp, false);
    b.linear(*g, m + ".layers.{i}.mlp.up_proj", i, h, tensor_role::mlp, false);
    b.linear(*g, m + ".layers.{i}.mlp.down_proj", h, i, tensor_role::mlp, false);
  }
  b.norm_outside(m + ".norm", h);
  b.linear_outside("language_model.lm_head", s.vocab_size, h, tensor_role::lm_head, false);

  const uint64_t vh = s.dim("vision_hidden_size"), vi = s.dim("vision_intermediate_size"), p = s.dim("vision_patch_size");
  const uint64_t patches = s.dim("vision_patches"), tiles = s.dim("vision_max_num_tiles"), ids = s.dim("vision_aspect_ratio_ids");
  const std::string v = "vision_model";
  b.tensor(v + ".patch_embedding.weight", {vh, s.dim("vision_num_channels"), p, p}, tensor_role::vision, "vision");
  b.tensor(v + ".class_embedding", {vh}, tensor_role::vision, "vision");
  b.tensor(v + ".gated_positional_embedding.embedding", {patches, vh}, tensor_role::vision, "vision");
  b.tensor(v + ".gated_positional_embedding.gate", {1}, tensor_role::vision, "vision");
  b.tensor(v + ".gated_positional_embedding.tile_embedding.weight", {ids, tiles * patches * vh}, tensor_role::vision, "vision");
  for (const char* t : {"pre_tile_positional_embedding", "post_tile_positional_embedding"}) {
    b.tensor(v + "." + t + ".embedding.weight", {ids, tiles * vh}, tensor_role::vision, "vision");
    b.tensor(v + "." + t + ".gate", {1}, tensor_role::vision, "vision");
  }
  b.norm_outside(v + ".layernorm_pre", vh, true, "vision");
  b.norm_outside(v + ".layernorm_post", vh, true, "vision");
  const group local{"vision_layer", s.dim("vision_num_hidden_layers"), "vision"};
  const group global{"vision_global_layer", s.dim("vision_num_global_layers"), "vision"};
  for (const auto& [g, prefix] : {std::pair{&local, v + ".transformer"}, std::pair{&global, v + ".global_transformer"}}) {
    for (const char* n : {"q_proj", "k_proj", "v_proj", "o_proj"})
      b.linear(*g, prefix + ".layers.{i}.self_attn." + n, vh, vh, tensor_role::vision, false);
    b.linear(*g, prefix + ".layers.{i}.mlp.fc1", vi, vh, tensor_role::vision, true);
    b.linear(*g, prefix + ".layers.{i}.mlp.fc2", vh, vi, tensor_role::vision, true);
    b.norm(*g, prefix + ".layers.{i}.input_layernorm", vh, true);
    b.norm(*g, prefix + ".layers.{i}.post_attention_layernorm", vh, true);
  }
  b.layer(global, v + ".global_transformer.layers.{i}.gate_attn", {1}, tensor_role::vision);
  b.layer(global, v + ".global_transformer.layers.{i}.gate_ffn", {1}, tensor_role::vision);
  b.linear_outside("multi_modal_projector", h, s.dim("vision_output_dim"), tensor_role::projector, true, "projector");
}

// ---- Llama 4 (Scout, Maverick): configuration_llama4.py / modeling_llama4.py. The text model is the
// llama4_text rule; the vision model (Llama4VisionModel): an unfold-and-Linear patch embedding without
// bias, a class token, learned positions for (image / patch)^2 + 1 tokens, pre/post LayerNorms, a ViT
// with biased attention and fc1/fc2, and a pixel-shuffle adapter (fc1 [projector_input_dim,
// intermediate_size], fc2 [projector_output_dim, projector_output_dim], no biases); the projector is one
// bias-free Linear from vision_output_dim to the text width. Llama4VisionConfig defaults: 768 hidden,
// 34 layers, 5632 inner, 448 px, patch 14, vision_output_dim 7680, projector dims 4096.
void read_llama4(config_reader& r, model_spec& s) {
  if (!read_text(r, s, "llama4_text")) return;
  config_reader v = r.sub("vision_config");
  read_vit(v, s, 768, 5632, 34, 448, 14);
  s.set_dim("vision_output_dim", v.count({"vision_output_dim"}, 7680, limits::hidden));
  s.set_dim("vision_projector_input_dim", v.count({"projector_input_dim"}, 4096, limits::hidden));
  s.set_dim("vision_projector_output_dim", v.count({"projector_output_dim"}, 4096, limits::hidden));
  const double shuffle = v.number("pixel_shuffle_ratio", 0.5);  // (image tokens per tile: core/images.cpp)
  s.set_dim("image_fold", shuffle > 0 && shuffle <= 1 ? static_cast<uint64_t>(1.0 / shuffle + 0.5) : 2);
}

void build_llama4(const model_spec& s, inventory_builder& b) {
  b.set_prefix("language_model.");
  find_family(s.text_family)->build(s, b);
  b.set_prefix("");
  const uint64_t h = s.dim("vision_hidden_size"), i = s.dim("vision_intermediate_size"), p = s.dim("vision_patch_size");
  const uint64_t side = s.dim("vision_image_size") / p;
  const std::string v = "vision_model";
  b.linear_outside(v + ".patch_embedding.linear", h, s.dim("vision_num_channels") * p * p, tensor_role::vision, false, "vision");
  b.tensor(v + ".class_embedding", {h}, tensor_role::vision, "vision");
  b.tensor(v + ".positional_embedding_vlm", {side * side + 1, h}, tensor_role::vision, "vision");
  b.norm_outside(v + ".layernorm_pre", h, true, "vision");
  b.norm_outside(v + ".layernorm_post", h, true, "vision");
  const group g{"vision_layer", s.dim("vision_num_hidden_layers"), "vision"};
  for (const char* n : {"q_proj", "k_proj", "v_proj", "o_proj"})
    b.linear(g, v + ".model.layers.{i}.self_attn." + n, h, h, tensor_role::vision, true);
  b.linear(g, v + ".model.layers.{i}.mlp.fc1", i, h, tensor_role::vision, true);
  b.linear(g, v + ".model.layers.{i}.mlp.fc2", h, i, tensor_role::vision, true);
  b.norm(g, v + ".model.layers.{i}.input_layernorm", h, true);
  b.norm(g, v + ".model.layers.{i}.post_attention_layernorm", h, true);
  const uint64_t pin = s.dim("vision_projector_input_dim"), pout = s.dim("vision_projector_output_dim");
  b.linear_outside(v + ".vision_adapter.mlp.fc1", pin, i, tensor_role::vision, false, "vision");
  b.linear_outside(v + ".vision_adapter.mlp.fc2", pout, pout, tensor_role::vision, false, "vision");
  b.linear_outside("multi_modal_projector.linear_1", s.hidden_size, s.dim("vision_output_dim"), tensor_role::projector, false, "projector");
}

// ---- Qwen3.5 and Qwen3.5-MoE: configuration_qwen3_5.py / modeling_qwen3_5.py (and the _moe twins). The
// text model is the Gated DeltaNet rule of families/ssm.cpp (text_config, model_type qwen3_5_text /
// qwen3_5_moe_text), its tensors under model.language_model.; lm_head ties to its embedding when the
// top-level tie_word_embeddings says so. The vision tower (Qwen3_5VisionModel): a Conv3d patch embedding with
// bias, a learned position table of num_position_embeddings, blocks of LayerNorm (with bias), a fused biased
// qkv, proj, linear_fc1 / linear_fc2 with biases; one merger (LayerNorm over hidden_size, then two biased
// Linears over hidden_size x spatial_merge_size^2 to out_hidden_size) and, unlike Qwen3-VL, no deepstack
// mergers. Qwen3_5VisionConfig defaults: depth 27, hidden 1152, intermediate 4304, patch 16, temporal patch 2,
// spatial merge 2, out_hidden_size 3584, 2304 positions.
void read_qwen3_vision(config_reader& r, model_spec& s) {
  config_reader v = r.sub("vision_config");
  s.set_dim("vision_depth", v.count({"depth"}, 27, limits::layers));
  s.set_dim("vision_hidden_size", v.count({"hidden_size"}, 1152, limits::hidden));
  s.set_dim("vision_intermediate_size", v.count({"intermediate_size"}, 4304, limits::intermediate));
  s.set_dim("vision_in_channels", v.count({"in_channels"}, 3, 64));
  s.set_dim("vision_patch_size", v.count({"patch_size"}, 16, 1 << 12));
  s.set_dim("vision_temporal_patch_size", v.count({"temporal_patch_size"}, 2, 64));
  s.set_dim("vision_spatial_merge_size", v.count({"spatial_merge_size"}, 2, 64));
  s.set_dim("vision_attention_heads", v.count({"num_heads"}, 16, limits::heads));
  s.set_dim("vision_out_hidden_size", v.count({"out_hidden_size"}, 3584, limits::hidden));
  s.set_dim("vision_positions", v.count({"num_position_embeddings"}, 2304, limits::positions));
}

void read_qwen3_5_vlm(config_reader& r, model_spec& s, std::string_view text_type) {
  if (!read_text(r, s, text_type)) return;
  if (r.has({"tie_word_embeddings"})) s.tie_word_embeddings = r.flag("tie_word_embeddings", false, false);
  read_qwen3_vision(r, s);
}

void read_qwen3_5(config_reader& r, model_spec& s) { read_qwen3_5_vlm(r, s, "qwen3_5_text"); }
void read_qwen3_5_moe(config_reader& r, model_spec& s) { read_qwen3_5_vlm(r, s, "qwen3_5_moe_text"); }

// ---- Qwen3-VL and Qwen3-VL-MoE: configuration_qwen3_vl.py / modeling_qwen3_vl.py (and the _moe twins). The
// text model is exactly Qwen3's (qwen3_vl) or Qwen3-MoE's (qwen3_vl_moe); lm_head ties only when the top-level
// tie_word_embeddings says so (default false: the MoE checkpoints store a head though their text_config
// defaults to tied). The vision tower is Qwen3.5's plus DeepStack: one more merger per entry of
// deepstack_visual_indexes (default [8, 16, 24]), whose LayerNorm is over hidden_size x spatial_merge_size^2.
void read_qwen3_vl_like(config_reader& r, model_spec& s, std::string_view text_type) {
  if (!read_text(r, s, text_type)) return;
  s.tie_word_embeddings = r.flag("tie_word_embeddings", false, false);
  read_qwen3_vision(r, s);
  uint64_t deepstack = 3;
  if (const config_json* d = r.sub("vision_config").find({"deepstack_visual_indexes"}); d && d->is_array()) deepstack = d->size();
  s.set_dim("vision_deepstack_mergers", deepstack);
}

void read_qwen3_vl(config_reader& r, model_spec& s) { read_qwen3_vl_like(r, s, "qwen3"); }
void read_qwen3_vl_moe(config_reader& r, model_spec& s) { read_qwen3_vl_like(r, s, "qwen3_moe"); }

// ---- Gemma 4 (26B-A4B, 31B): configuration_gemma4.py / modeling_gemma4.py (transformers
// 0246b4f3335464614ef1de66531f9131a44ec801). text_config: sliding layers attend with head_dim and
// num_key_value_heads, full layers with global_head_dim and, under attention_k_eq_v, num_global_key_value_heads
// and no v_proj (V is the k_proj output, normed apart; transformers caches both). Every layer has q/k norms,
// four sandwich norms and the dense gated MLP; with enable_moe_block a routed MoE runs beside it (router: a
// scale [h], proj [experts, h], per_expert_scale [experts]; experts of moe_intermediate_size, top_k_experts of
// them per token; three more norms). layer_scalar is a buffer. The vision tower is a Gemma-style ViT
// (bias-free patch projection, x and y position tables [2, position_embedding_size, h], q/k/v/o with q/k norms,
// a gated MLP, four norms per layer; its std_bias / std_scale are buffers); embed_vision projects it to the text
// width. The small E2B / E4B models (per-layer input embeddings, KV-shared layers, an audio tower) are not
// modelled yet: they get an error with that reason rather than a number.
enum gemma4_bits : uint8_t { kGemma4Full = 1 };

void read_gemma4(config_reader& r, model_spec& s) {
  config_reader t = r.sub("text_config");
  if (t.whole_or({"hidden_size_per_layer_input"}, 0, limits::hidden) || t.whole_or({"num_kv_shared_layers"}, 0, limits::layers) ||
      (r.find({"audio_config"}) && r.find({"audio_config"})->is_object())) {
    r.error("not_modelled", t.field_name("hidden_size_per_layer_input"),
            "This Gemma 4 has per-layer input embeddings, KV-shared layers or an audio tower (the E2B / E4B models), which this estimate does not size yet.");
    return;
  }
  read_decoder(t, s, {});
  s.qkv_bias = s.o_bias = t.flag("attention_bias", false, false);
  if (r.has({"tie_word_embeddings"})) s.tie_word_embeddings = r.flag("tie_word_embeddings", true, false);
  // layer_types, else (Gemma4TextConfig) every 6th layer full and the last one full too.
  read_sliding_layers(t, s, 0, [](uint64_t i, uint64_t period) { return (i + 1) % period != 0; }, 6);
  if (!t.has({"layer_types"}) && !s.layers.empty()) {
    s.layers.back().attention = attention_kind::full;
    s.layers.back().window = 0;
  }
  const uint64_t ghd = t.count_or({"global_head_dim"}, s.head_dim, limits::head_dim);
  const bool k_eq_v = t.flag("attention_k_eq_v", false, false);
  const uint64_t gkv = k_eq_v ? t.count_or({"num_global_key_value_heads"}, s.num_key_value_heads, limits::heads) : s.num_key_value_heads;
  s.set_dim("global_head_dim", ghd);
  s.set_dim("global_kv_heads", gkv);
  s.set_dim("k_eq_v", k_eq_v);
  const bool moe = t.flag("enable_moe_block", false, false);
  if (moe) {
    s.num_experts = t.count({"num_experts"}, 0, limits::experts);
    s.experts_per_token = t.count({"top_k_experts"}, 0, limits::experts);
    s.moe_intermediate_size = t.count({"moe_intermediate_size"}, 0, limits::intermediate);
  }
  for (auto& l : s.layers) {
    l.moe = moe;
    if (l.attention == attention_kind::full) {
      l.variant = kGemma4Full;
      l.k_elements = l.v_elements = gkv * ghd;
    }
    l.block = l.variant ? "full_decoder" : "sliding_decoder";
  }
  // Gemma4VisionConfig's defaults (configuration_gemma4.py): 768 wide, 16 layers, 12 heads of 64, MLP 3072,
  // patch 16, 10240 positions; KV heads absent = the query heads.
  config_reader v = r.sub("vision_config");
  s.set_dim("vision_hidden_size", v.count({"hidden_size"}, 768, limits::hidden));
  s.set_dim("vision_num_hidden_layers", v.count({"num_hidden_layers"}, 16, limits::layers));
  s.set_dim("vision_heads", v.count({"num_attention_heads"}, 12, limits::heads));
  s.set_dim("vision_kv_heads", v.count_or({"num_key_value_heads"}, s.dim("vision_heads"), limits::heads));
  s.set_dim("vision_head_dim", v.count({"head_dim"}, 64, limits::head_dim));
  s.set_dim("vision_intermediate_size", v.count({"intermediate_size"}, 3072, limits::intermediate));
  s.set_dim("vision_patch_size", v.count({"patch_size"}, 16, 1 << 12));
  s.set_dim("vision_positions", v.count({"position_embedding_size"}, 10240, limits::positions));
}

void build_gemma4(const model_spec& s, inventory_builder& b) {
  const uint64_t h = s.hidden_size, hd = s.head_dim, ghd = s.dim("global_head_dim");
  uint64_t full = 0;
  for (const auto& l : s.layers) full += (l.variant & kGemma4Full) != 0;
  const std::string m = "model.language_model";
  b.tensor(m + ".embed_tokens.weight", {s.vocab_size, h}, tensor_role::embedding);
  for (int is_full = 0; is_full < 2; ++is_full) {
    const group g{is_full ? "full_decoder" : "sliding_decoder", is_full ? full : s.num_hidden_layers - full};
    if (!g.layers) continue;
    const uint64_t d = is_full ? ghd : hd, kv = (is_full ? s.dim("global_kv_heads") : s.num_key_value_heads) * d;
    const std::string p = m + ".layers.{i}";
    b.linear(g, p + ".self_attn.q_proj", s.num_attention_heads * d, h, tensor_role::attention, s.qkv_bias);
    b.linear(g, p + ".self_attn.k_proj", kv, h, tensor_role::attention, s.qkv_bias);
    if (!(is_full && s.dim("k_eq_v"))) b.linear(g, p + ".self_attn.v_proj", kv, h, tensor_role::attention, s.qkv_bias);
    b.linear(g, p + ".self_attn.o_proj", h, s.num_attention_heads * d, tensor_role::attention, s.o_bias);
    b.norm(g, p + ".self_attn.q_norm", d);
    b.norm(g, p + ".self_attn.k_norm", d);
    for (const char* n : {"input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm", "post_feedforward_layernorm"})
      b.norm(g, p + "." + n, h);
    b.gated_mlp(g, p + ".mlp", h, s.intermediate_size, false);
    if (s.num_experts) {
      b.layer(g, p + ".router.scale", {h}, tensor_role::router);
      b.linear(g, p + ".router.proj", s.num_experts, h, tensor_role::router, false);
      b.layer(g, p + ".router.per_expert_scale", {s.num_experts}, tensor_role::router);
      b.gated_mlp(g, p + ".experts.{e}", h, s.moe_intermediate_size, false, tensor_role::expert, s.num_experts, s.experts_per_token);
      for (const char* n : {"post_feedforward_layernorm_1", "post_feedforward_layernorm_2", "pre_feedforward_layernorm_2"}) b.norm(g, p + "." + n, h);
    }
  }
  b.norm_outside(m + ".norm", h);
  if (!s.tie_word_embeddings) b.linear_outside("lm_head", s.vocab_size, h, tensor_role::lm_head, false);

  const uint64_t vh = s.dim("vision_hidden_size"), vd = s.dim("vision_head_dim"), ps = s.dim("vision_patch_size");
  const uint64_t vq = s.dim("vision_heads") * vd, vkv = s.dim("vision_kv_heads") * vd;
  const std::string v = "model.vision_tower";
  b.linear_outside(v + ".patch_embedder.input_proj", vh, 3 * ps * ps, tensor_role::vision, false, "vision");
  b.tensor(v + ".patch_embedder.position_embedding_table", {2, s.dim("vision_positions"), vh}, tensor_role::vision, "vision");
  const group vg{"vision_layer", s.dim("vision_num_hidden_layers"), "vision"};
  b.linear(vg, v + ".encoder.layers.{i}.self_attn.q_proj", vq, vh, tensor_role::vision, false);
  b.linear(vg, v + ".encoder.layers.{i}.self_attn.k_proj", vkv, vh, tensor_role::vision, false);
  b.linear(vg, v + ".encoder.layers.{i}.self_attn.v_proj", vkv, vh, tensor_role::vision, false);
  b.linear(vg, v + ".encoder.layers.{i}.self_attn.o_proj", vh, vq, tensor_role::vision, false);
  b.norm(vg, v + ".encoder.layers.{i}.self_attn.q_norm", vd);
  b.norm(vg, v + ".encoder.layers.{i}.self_attn.k_norm", vd);
  for (const char* n : {"gate_proj", "up_proj"}) b.linear(vg, v + ".encoder.layers.{i}.mlp." + std::string(n), s.dim("vision_intermediate_size"), vh, tensor_role::vision, false);
  b.linear(vg, v + ".encoder.layers.{i}.mlp.down_proj", vh, s.dim("vision_intermediate_size"), tensor_role::vision, false);
  for (const char* n : {"input_layernorm", "post_attention_layernorm", "pre_feedforward_layernorm", "post_feedforward_layernorm"})
    b.norm(vg, v + ".encoder.layers.{i}." + n, vh);
  b.linear_outside("model.embed_vision.embedding_projection", h, vh, tensor_role::projector, false, "projector");
}

// The Qwen3.5 / Qwen3-VL vision tower and its merger(s), under model.visual.
void qwen3_vision(const model_spec& s, inventory_builder& b) {
  const uint64_t vh = s.dim("vision_hidden_size"), vi = s.dim("vision_intermediate_size"), p = s.dim("vision_patch_size");
  const uint64_t merged = vh * s.dim("vision_spatial_merge_size") * s.dim("vision_spatial_merge_size");
  const std::string v = "model.visual";
  const group g{"vision_block", s.dim("vision_depth"), "vision"};
  b.tensor(v + ".patch_embed.proj.weight", {vh, s.dim("vision_in_channels"), s.dim("vision_temporal_patch_size"), p * p},
           tensor_role::vision, "vision");
  b.tensor(v + ".patch_embed.proj.bias", {vh}, tensor_role::vision, "vision");
  b.tensor(v + ".pos_embed.weight", {s.dim("vision_positions"), vh}, tensor_role::vision, "vision");
  b.norm(g, v + ".blocks.{i}.norm1", vh, true);
  b.norm(g, v + ".blocks.{i}.norm2", vh, true);
  b.linear(g, v + ".blocks.{i}.attn.qkv", 3 * vh, vh, tensor_role::vision, true);
  b.linear(g, v + ".blocks.{i}.attn.proj", vh, vh, tensor_role::vision, true);
  b.linear(g, v + ".blocks.{i}.mlp.linear_fc1", vi, vh, tensor_role::vision, true);
  b.linear(g, v + ".blocks.{i}.mlp.linear_fc2", vh, vi, tensor_role::vision, true);
  b.norm_outside(v + ".merger.norm", vh, true, "projector");
  b.linear_outside(v + ".merger.linear_fc1", merged, merged, tensor_role::projector, true, "projector");
  b.linear_outside(v + ".merger.linear_fc2", s.dim("vision_out_hidden_size"), merged, tensor_role::projector, true, "projector");
  if (const uint64_t n = s.dim("vision_deepstack_mergers")) {
    const group ds{"deepstack_merger", n, "projector"};
    b.norm(ds, v + ".deepstack_merger_list.{i}.norm", merged, true);
    b.linear(ds, v + ".deepstack_merger_list.{i}.linear_fc1", merged, merged, tensor_role::projector, true);
    b.linear(ds, v + ".deepstack_merger_list.{i}.linear_fc2", s.dim("vision_out_hidden_size"), merged, tensor_role::projector, true);
  }
}

void build_qwen3_5(const model_spec& s, inventory_builder& b) {
  build_gdn_text(s, b, "model.language_model.");
  qwen3_vision(s, b);
}

void build_qwen3_vl(const model_spec& s, inventory_builder& b) {
  find_family(s.text_family)->build(s, b);
  qwen3_vision(s, b);
}

// ---- Mistral 3 (Mistral Small 3.1 / 3.2, Devstral and Magistral with vision): configuration_mistral3.py /
// modeling_mistral3.py with configuration_pixtral.py / modeling_pixtral.py. A Mistral text decoder, a Pixtral
// vision tower (a bias-free patch Conv2d, ln_pre, and RMSNorm blocks of bias-free q/k/v/o_proj and a gated
// feed_forward; 2-D RoPE, no position table) and Mistral3MultiModalProjector: an RMSNorm over the vision width, a
// patch_merger whose merging_layer [vh, vh x spatial_merge_size^2] never has a bias, then linear_1 [h, vh x feature
// layers] and linear_2 [h, h], biased when multimodal_projector_bias. PixtralVisionConfig defaults: 1024 hidden,
// 4096 inner, 24 layers, 3 channels, patch 16; Mistral3Config: spatial_merge_size 2, projector bias false.
void read_mistral3(config_reader& r, model_spec& s) {
  if (!read_text(r, s, "mistral")) return;
  config_reader v = r.sub("vision_config");
  read_vit(v, s, 1024, 4096, 24, 1024, 16);
  s.set_dim("spatial_merge_size", r.count_or({"spatial_merge_size"}, 2, 16));
  uint64_t feature_layers = 1;
  if (const config_json* f = r.find({"vision_feature_layer"}); f && f->is_array()) feature_layers = std::max<size_t>(f->size(), 1);
  s.set_dim("vision_feature_layers", feature_layers);
  s.set_dim("projector_bias", r.flag("multimodal_projector_bias", false, false));
}

void build_mistral3(const model_spec& s, inventory_builder& b) {
  b.set_prefix("language_model.");
  find_family(s.text_family)->build(s, b);
  b.set_prefix("");
  const uint64_t vh = s.dim("vision_hidden_size"), vi = s.dim("vision_intermediate_size"), p = s.dim("vision_patch_size");
  const uint64_t m = s.dim("spatial_merge_size");
  b.tensor("vision_tower.patch_conv.weight", {vh, s.dim("vision_num_channels"), p, p}, tensor_role::vision, "vision");
  b.norm_outside("vision_tower.ln_pre", vh, false, "vision");
  const inventory_builder::group g{"vision_block", s.dim("vision_num_hidden_layers"), "vision"};
  const std::string t = "vision_tower.transformer.layers.{i}.";
  for (const char* proj : {"q_proj", "k_proj", "v_proj", "o_proj"}) b.linear(g, t + "attention." + proj, vh, vh, tensor_role::vision, false);
  b.norm(g, t + "attention_norm", vh);
  b.linear(g, t + "feed_forward.gate_proj", vi, vh, tensor_role::vision, false);
  b.linear(g, t + "feed_forward.up_proj", vi, vh, tensor_role::vision, false);
  b.linear(g, t + "feed_forward.down_proj", vh, vi, tensor_role::vision, false);
  b.norm(g, t + "ffn_norm", vh);
  const bool bias = s.dim("projector_bias") != 0;
  b.norm_outside("multi_modal_projector.norm", vh, false, "projector");
  b.linear_outside("multi_modal_projector.patch_merger.merging_layer", vh, vh * m * m, tensor_role::projector, false, "projector");
  b.linear_outside("multi_modal_projector.linear_1", s.hidden_size, vh * s.dim("vision_feature_layers"), tensor_role::projector, bias, "projector");
  b.linear_outside("multi_modal_projector.linear_2", s.hidden_size, s.hidden_size, tensor_role::projector, bias, "projector");
}

#define NEURO_SHRINK_RULE(types, source, read, build) family_rule{types, source, read, build},
constexpr family_rule kVlm[] = {NEURO_SHRINK_VLM_RULES(NEURO_SHRINK_RULE)};
#undef NEURO_SHRINK_RULE

}  // namespace

std::span<const family_rule> vlm_families() { return kVlm; }

}  // namespace neuroshrink
