// Image tokens per family. Sources: transformers' image processors and processors (cited per rule), vLLM's
// processing info (the same arithmetic), llama.cpp tools/mtmd (clip.cpp load_hparams, mtmd-image.cpp). The
// released preprocessor_config.json defaults are constants here, since a config.json does not carry them.
#include "text.h"
#include "images.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <vector>

#include "checked.h"
#include "plan.h"
#include "runtimes/profile.h"

namespace neuroshrink {
namespace {

// Qwen2-VL's smart_resize (transformers image_processing_qwen2_vl.py; vLLM and llama.cpp's
// calc_size_preserved_ratio do the same): sides rounded to a multiple of `factor` (Python's round, half to
// even; llama.cpp's std::round, half up), then scaled into [min_pixels, max_pixels].
void smart_resize(uint64_t H, uint64_t W, uint64_t factor, uint64_t min_px, uint64_t max_px, bool half_up, uint64_t& h, uint64_t& w) {
  const double f = static_cast<double>(factor);
  auto round_to = [&](double x) { return half_up ? std::round(x) : std::nearbyint(x); };
  h = std::max<uint64_t>(factor, static_cast<uint64_t>(round_to(static_cast<double>(H) / f)) * factor);
  w = std::max<uint64_t>(factor, static_cast<uint64_t>(round_to(static_cast<double>(W) / f)) * factor);
  const double area = static_cast<double>(H) * static_cast<double>(W);
  if (static_cast<double>(h) * static_cast<double>(w) > static_cast<double>(max_px)) {
    const double beta = std::sqrt(area / static_cast<double>(max_px));
    h = std::max<uint64_t>(factor, static_cast<uint64_t>(std::floor(static_cast<double>(H) / beta / f)) * factor);
    w = std::max<uint64_t>(factor, static_cast<uint64_t>(std::floor(static_cast<double>(W) / beta / f)) * factor);
  } else if (static_cast<double>(h) * static_cast<double>(w) < static_cast<double>(min_px)) {
    const double beta = std::sqrt(static_cast<double>(min_px) / area);
    h = static_cast<uint64_t>(std::ceil(static_cast<double>(H) * beta / f)) * factor;
    w = static_cast<uint64_t>(std::ceil(static_cast<double>(W) * beta / f)) * factor;
  }
}

// Qwen2-VL, Qwen2.5-VL (factor 28) and Qwen3-VL (factor 32): (h / factor) x (w / factor) merged tokens plus
// <|vision_start|> and <|vision_end|>. Pixel bounds: the released preprocessor_config.json (Qwen2/2.5-VL 3136 to
// 12,845,056; Qwen3-VL 65,536 to 16,777,216, both 16,384 tokens at most); llama.cpp's own 8 to 4096 tokens
// (clip.cpp load_hparams: set_limit_image_tokens(8, 4096)).
image_tokens qwen_vl(const model_spec& s, uint64_t W, uint64_t H, bool llama_cpp, bool qwen3) {
  image_tokens t;
  const uint64_t patch = s.dim("vision_patch_size"), merge = std::max<uint64_t>(1, s.dim("vision_spatial_merge_size")), factor = patch * merge;
  const uint64_t min_px = llama_cpp ? 8 * factor * factor : qwen3 ? 65536 : 3136;
  const uint64_t max_px = llama_cpp ? 4096 * factor * factor : qwen3 ? 16777216 : 12845056;
  smart_resize(H, W, factor, min_px, max_px, llama_cpp, t.height, t.width);
  const uint64_t merged = (t.height / factor) * (t.width / factor);
  t.tokens = merged + 2;
  t.patches = merged * merge * merge;
  t.rule = text_of(W) + "x" + text_of(H) + " resized to " + text_of(t.width) + "x" + text_of(t.height) + " (multiples of " + text_of(factor) + ", " +
           text_of(min_px) + " to " + text_of(max_px) + " pixels): " + text_of(t.height / factor) + " x " + text_of(t.width / factor) + " tokens + 2";
  t.source = llama_cpp ? "llama.cpp tools/mtmd/clip.cpp (set_limit_image_tokens(8, 4096)), mtmd-image.cpp calc_size_preserved_ratio"
                       : "transformers image_processing_qwen2_vl.py smart_resize with the released preprocessor_config.json min/max pixels; vLLM qwen2_vl.py";
  t.known = true;
  return t;
}

// Gemma 3: every image resized to image_size (896) and pooled to 256 soft tokens (mm_tokens_per_image), wrapped
// in <start_of_image> ... <end_of_image> ("\n\n" around them too in transformers' prompt); pan-and-scan off (its default).
image_tokens gemma3(const model_spec& s, bool llama_cpp) {
  image_tokens t;
  const uint64_t side = s.dim("vision_image_size") / std::max<uint64_t>(1, s.dim("vision_patch_size"));
  t.width = t.height = s.dim("vision_image_size");
  t.patches = side * side;
  t.tokens = 256 + (llama_cpp ? 2 : 4);
  t.rule = "resized to " + text_of(t.width) + "x" + text_of(t.height) + ", " + text_of(t.patches) + " patches pooled to 256 tokens + " + (llama_cpp ? "2" : "4");
  t.source = "transformers processing_gemma3.py (image_seq_length 256, do_pan_and_scan False); llama.cpp clip.cpp PROJECTOR_TYPE_GEMMA3";
  t.known = true;
  return t;
}

// LLaVA-1.5: one image_size square, (image_size / patch)^2 tokens (the CLS position dropped by the "default"
// feature strategy).
image_tokens llava(const model_spec& s) {
  image_tokens t;
  const uint64_t side = s.dim("vision_image_size") / std::max<uint64_t>(1, s.dim("vision_patch_size"));
  t.width = t.height = s.dim("vision_image_size");
  t.tokens = side * side;
  t.patches = side * side + 1;
  t.rule = "resized to " + text_of(t.width) + "x" + text_of(t.height) + ": (" + text_of(t.width) + " / " + text_of(s.dim("vision_patch_size")) + ")^2 tokens";
  t.source = "transformers processing_llava.py (num_additional_image_tokens 1, vision_feature_select_strategy default)";
  t.known = true;
  return t;
}

// select_best_resolution (transformers image_processing_utils.py; llama.cpp clip.cpp the same): of the candidate
// canvases (width, height), the one that keeps most of the image scaled into it, then wastes least. Its index.
size_t select_best_resolution(uint64_t W, uint64_t H, const std::vector<std::pair<uint64_t, uint64_t>>& canvases) {
  double best_effective = -1, best_waste = 0;
  size_t best = 0;
  const double area = static_cast<double>(W) * static_cast<double>(H);
  for (size_t k = 0; k < canvases.size(); ++k) {
    const double cw = static_cast<double>(canvases[k].first), ch = static_cast<double>(canvases[k].second);
    const double scale = std::min(cw / static_cast<double>(W), ch / static_cast<double>(H));
    const double effective = std::min(std::floor(static_cast<double>(W) * scale) * std::floor(static_cast<double>(H) * scale), area), waste = cw * ch - effective;
    if (effective > best_effective || (effective == best_effective && waste < best_waste)) best_effective = effective, best_waste = waste, best = k;
  }
  return best;
}

// LLaVA-NeXT "anyres" (transformers processing_llava_next.py _get_number_of_features; vLLM llava_next.py the
// same): the pinpoint canvas by select_best_resolution (most of the image kept, then least waste), its tiles'
// patch grid with the padding rows or columns dropped (_get_unpadded_features), a newline token per row, plus
// the base image's (image_size / patch)^2 (+1 for the "full" feature strategy). llama.cpp: not modelled.
image_tokens llava_next(const model_spec& s, uint64_t W, uint64_t H, bool llama_cpp) {
  image_tokens t;
  const uint64_t pins = s.dim("image_pinpoints"), tile = s.dim("vision_image_size"), patch = std::max<uint64_t>(1, s.dim("vision_patch_size"));
  if (llama_cpp || !pins || !tile) {
    t.reason = llama_cpp ? "llama.cpp slices LLaVA-NeXT images its own way (llava-uhd), which is not modelled yet: its image tokens are unknown"
                         : "this llava_next config has no usable image_grid_pinpoints: its image tokens are unknown";
    return t;
  }
  std::vector<std::pair<uint64_t, uint64_t>> canvases;  // (width, height); the config lists [height, width]
  for (uint64_t k = 0; k < pins; ++k) canvases.emplace_back(s.dim("image_pinpoint_w" + text_of(k)), s.dim("image_pinpoint_h" + text_of(k)));
  const auto [cw, ch] = canvases[select_best_resolution(W, H, canvases)];
  const uint64_t side = tile / patch;
  uint64_t rows = side * (ch / tile), cols = side * (cw / tile);
  // (Python: int(round(x, 7)); the aspect test compares W / H with cols / rows)
  if (static_cast<double>(W) / static_cast<double>(H) > static_cast<double>(cols) / static_cast<double>(rows)) {
    const auto kept = static_cast<uint64_t>(std::round(static_cast<double>(H) * static_cast<double>(cols) / static_cast<double>(W) * 1e7) / 1e7);
    rows -= (rows - std::min(rows, kept)) / 2 * 2;
  } else {
    const auto kept = static_cast<uint64_t>(std::round(static_cast<double>(W) * static_cast<double>(rows) / static_cast<double>(H) * 1e7) / 1e7);
    cols -= (cols - std::min(cols, kept)) / 2 * 2;
  }
  const uint64_t base = side * side + (s.dim("image_keep_cls") ? 1 : 0);
  t.width = cw, t.height = ch;
  t.tokens = rows * cols + rows + base;
  t.patches = side * side + 1;
  t.rule = text_of(W) + "x" + text_of(H) + ": the " + text_of(cw) + "x" + text_of(ch) + " canvas, " + text_of(rows) + " x " + text_of(cols) +
           " unpadded features + " + text_of(rows) + " newlines + " + text_of(base) + " of the base image";
  t.source = "transformers processing_llava_next.py _get_number_of_features, image_processing_utils.py select_best_resolution; vLLM llava_next.py";
  t.known = true;
  return t;
}

// Mistral 3 / Pixtral: the longest side brought to image_size when larger, each side to a multiple of the patch;
// rows x (columns + 1) tokens ([IMG_BREAK] after each row, the last one [IMG_END]) over patch x spatial_merge_size
// cells. llama.cpp: smart-resized to at most 1024 merged tokens (clip.cpp PROJECTOR_TYPE_PIXTRAL).
image_tokens mistral3(const model_spec& s, uint64_t W, uint64_t H, bool llama_cpp) {
  image_tokens t;
  const uint64_t patch = std::max<uint64_t>(1, s.dim("vision_patch_size")), merge = std::max<uint64_t>(1, s.dim("spatial_merge_size"));
  const uint64_t cell = patch * merge;
  if (llama_cpp) {
    smart_resize(H, W, cell, 8 * cell * cell, 1024 * cell * cell, true, t.height, t.width);
  } else {
    const uint64_t longest = s.dim("vision_image_size");
    const double ratio = std::max(static_cast<double>(H), static_cast<double>(W)) / static_cast<double>(std::max<uint64_t>(1, longest));
    uint64_t h = H, w = W;
    if (ratio > 1) h = static_cast<uint64_t>(std::floor(static_cast<double>(H) / ratio)), w = static_cast<uint64_t>(std::floor(static_cast<double>(W) / ratio));
    t.height = ceil_div(std::max<uint64_t>(1, h), patch) * patch;
    t.width = ceil_div(std::max<uint64_t>(1, w), patch) * patch;
  }
  const uint64_t rows = t.height / cell, cols = t.width / cell;
  t.tokens = rows * (cols + 1);
  t.patches = (t.height / patch) * (t.width / patch);
  t.rule = text_of(W) + "x" + text_of(H) + " resized to " + text_of(t.width) + "x" + text_of(t.height) + ": " + text_of(rows) + " rows x (" + text_of(cols) + " + 1) tokens";
  t.source = llama_cpp ? "llama.cpp tools/mtmd/clip.cpp PROJECTOR_TYPE_PIXTRAL (set_limit_image_tokens(8, 1024)); clip_n_output_tokens"
                       : "transformers image_processing_pixtral.py get_resize_output_image_size, processing_mistral3.py (rows x (cols + 1))";
  t.known = true;
  return t;
}

// InternVL (dynamic_preprocess in its processor; vLLM internvl.py): tiles of image_size, a grid (c, r) with
// min_tiles <= c x r <= max_tiles. transformers / vLLM take the grid closest to the image's aspect ratio (ties: the
// larger grid when the image covers half of it); llama.cpp's clip.cpp takes LLaVA-NeXT's select_best_resolution (the
// most effective resolution, then the least waste). A thumbnail joins several tiles; each tile is
// (image_size / patch / fold)^2 tokens (256), wrapped in <img> ... </img>.
image_tokens internvl(const model_spec& s, uint64_t W, uint64_t H, bool llama_cpp) {
  image_tokens t;
  const uint64_t tile = s.dim("vision_image_size"), patch = std::max<uint64_t>(1, s.dim("vision_patch_size")), fold = std::max<uint64_t>(1, s.dim("image_fold"));
  const uint64_t lo = std::max<uint64_t>(1, s.dim("image_min_tiles")), hi = std::max(lo, s.dim("image_max_tiles"));
  std::vector<std::pair<uint64_t, uint64_t>> grids;  // (columns, rows), by tile count
  for (uint64_t n = lo; n <= hi; ++n)
    for (uint64_t c = 1; c <= n; ++c)
      if (n % c == 0) grids.emplace_back(c, n / c);
  uint64_t cols = 1, rows = 1;
  const double aspect = static_cast<double>(W) / static_cast<double>(H), area = static_cast<double>(W) * static_cast<double>(H);
  if (!llama_cpp) {
    double best = 1e300;
    for (const auto& [c, r] : grids) {
      const double diff = std::fabs(aspect - static_cast<double>(c) / static_cast<double>(r));
      if (diff < best) best = diff, cols = c, rows = r;
      else if (diff == best && area > 0.5 * static_cast<double>(tile * tile * c * r)) cols = c, rows = r;
    }
  } else {
    std::vector<std::pair<uint64_t, uint64_t>> canvases;
    for (const auto& [c, r] : grids) canvases.emplace_back(c * tile, r * tile);
    std::tie(cols, rows) = grids[select_best_resolution(W, H, canvases)];
  }
  const uint64_t tiles = cols * rows + (cols * rows > 1 && s.dim("image_thumbnail") ? 1 : 0);
  const uint64_t side = tile / patch / fold;
  t.width = cols * tile, t.height = rows * tile;
  t.tokens = tiles * side * side + 2;
  t.patches = (tile / patch) * (tile / patch) + 1;
  t.rule = text_of(W) + "x" + text_of(H) + ": " + text_of(cols) + " x " + text_of(rows) + " tiles of " + text_of(tile) + " px" +
           (tiles > cols * rows ? " + a thumbnail" : "") + ", " + text_of(side * side) + " tokens each + 2";
  t.source = llama_cpp ? "llama.cpp tools/mtmd/clip.cpp PROJECTOR_TYPE_INTERNVL (min 1, max 12 tiles; select_best_resolution)"
                       : "InternVL's processor dynamic_preprocess / find_closest_aspect_ratio; vLLM internvl.py";
  t.known = true;
  return t;
}

// Llama 4 (transformers image_processing_llama4.py get_best_fit; vLLM mllama4.py): tiles of image_size on the
// canvas of at most 16 tiles that upscales least (else downscales least; ties the smaller canvas), each
// (image_size / patch / fold)^2 tokens (144), a global tile beside several, a separator after each tile
// (<|tile_x_separator|> between columns, <|tile_y_separator|> after a row) and <|image_start|>, <|image|>,
// <|image_end|>. llama.cpp slices Llama 4 its own way (at most 3 x 3 tiles): not modelled, so said.
image_tokens llama4(const model_spec& s, uint64_t W, uint64_t H, bool llama_cpp) {
  image_tokens t;
  if (llama_cpp) {
    t.reason = "llama.cpp slices Llama 4 images its own way (at most 3 x 3 tiles, llava-uhd), which is not modelled yet: its image tokens are unknown";
    return t;
  }
  const uint64_t tile = s.dim("vision_image_size"), patch = std::max<uint64_t>(1, s.dim("vision_patch_size")), fold = std::max<uint64_t>(1, s.dim("image_fold"));
  constexpr uint64_t kMaxTiles = 16;  // Llama4ImageProcessor max_patches
  double up = 1e300, down = -1;
  uint64_t up_area = 0, down_area = 0, uc = 0, ur = 0, dc = 0, dr = 0;
  for (uint64_t r = 1; r <= kMaxTiles; ++r)
    for (uint64_t c = 1; c * r <= kMaxTiles; ++c) {
      const double scale = std::min(static_cast<double>(c * tile) / static_cast<double>(W), static_cast<double>(r * tile) / static_cast<double>(H));
      const uint64_t a = c * r;
      if (scale >= 1 && (scale < up || (scale == up && a < up_area))) up = scale, up_area = a, uc = c, ur = r;
      if (scale < 1 && (scale > down || (scale == down && a < down_area))) down = scale, down_area = a, dc = c, dr = r;
    }
  const uint64_t cols = uc ? uc : dc, rows = uc ? ur : dr;
  const uint64_t per = (tile / patch / fold) * (tile / patch / fold), tiles = cols * rows;
  t.width = cols * tile, t.height = rows * tile;
  t.tokens = tiles > 1 ? tiles * per + per + tiles + 3 : per + 3;
  t.patches = (tile / patch) * (tile / patch) + 1;
  t.rule = text_of(W) + "x" + text_of(H) + ": " + text_of(cols) + " x " + text_of(rows) + " tiles of " + text_of(tile) + " px" + (tiles > 1 ? " + a global tile" : "") +
           ", " + text_of(per) + " tokens each" + (tiles > 1 ? " + " + text_of(tiles) + " separators" : std::string()) + " + 3";
  t.source = "transformers image_processing_llama4.py get_best_fit, processing_llama4.py _prompt_split_image; vLLM mllama4.py";
  t.known = true;
  return t;
}

}  // namespace

image_tokens tokens_of_image(const model_spec& s, uint64_t width, uint64_t height, bool llama_cpp) {
  const std::string& f = s.family;
  if (f == "qwen2_vl" || f == "qwen2_5_vl") return qwen_vl(s, width, height, llama_cpp, false);
  if (f == "qwen3_vl" || f == "qwen3_vl_moe") return qwen_vl(s, width, height, llama_cpp, true);
  if (f == "gemma3") return gemma3(s, llama_cpp);
  if (f == "llava") return llava(s);
  if (f == "llava_next") return llava_next(s, width, height, llama_cpp);
  if (f == "mistral3") return mistral3(s, width, height, llama_cpp);
  if (f == "internvl_chat") return internvl(s, width, height, llama_cpp);
  if (f == "llama4") return llama4(s, width, height, llama_cpp);
  image_tokens t;
  t.reason = s.dim("vision_patch_size") || s.dim("vision_hidden_size")
                 ? "the image preprocessing of " + f + " (tiling, slicing or its own resizing) is not modelled yet: its image tokens are unknown"
                 : f + " has no vision encoder in its config.json";
  return t;
}

// clip.cpp's warmup (clip_model_loader::warmup): Qwen2/2.5/3-VL reserve for 46 x 46 merged tokens
// (set_warmup_n_tokens), the fixed-size towers for their image_size.
uint64_t clip_warmup_patches(const model_spec& s) {
  const std::string& f = s.family;
  const uint64_t merge = std::max<uint64_t>(1, s.dim("vision_spatial_merge_size"));
  if (f == "qwen2_vl" || f == "qwen2_5_vl" || f == "qwen3_vl" || f == "qwen3_vl_moe") return 46 * 46 * merge * merge;
  if (f == "gemma3" || f == "llava") {
    const uint64_t side = s.dim("vision_image_size") / std::max<uint64_t>(1, s.dim("vision_patch_size"));
    return side * side + (f == "llava" ? 1 : 0);
  }
  return 0;
}

namespace {

// "1024x768" (x, X or *), each side 1 to 16384 pixels.
bool read_image_size(std::string_view text, uint64_t& w, uint64_t& h) {
  if (text.empty()) return w = h = 1024, true;
  const size_t x = text.find_first_of("xX*");
  if (x == std::string_view::npos) return false;
  auto number = [](std::string_view t, uint64_t& out) {
    if (t.empty() || t.size() > 5) return false;
    out = 0;
    for (const char c : t) {
      if (c < '0' || c > '9') return false;
      out = out * 10 + static_cast<uint64_t>(c - '0');
    }
    return out >= 1 && out <= 16384;
  };
  return number(text.substr(0, x), w) && number(text.substr(x + 1), h);
}

}  // namespace

bool size_images(plan& p) {
  const estimate_options& o = p.o;
  estimate_result& r = p.r;
  if (!o.images) return true;
  uint64_t w = 0, h = 0;
  if (!read_image_size(o.image_size, w, h)) {
    r.issues.push_back({"invalid_image_size", "image_size", "image_size \"" + o.image_size + "\" is not WIDTHxHEIGHT in pixels, each 1 to 16384 (e.g. 1024x768).", severity::error});
    return false;
  }
  const bool llama = p.rt.info.kind == runtime_kind::llama_cpp;
  const image_tokens t = tokens_of_image(p.s, w, h, llama);
  if (!t.known) {
    r.issues.push_back({"image_tokens_unknown", "images", "The images are not counted: " + t.reason + ".", severity::warning});
    return true;
  }
  images_estimate e{o.images, w, h, t.width, t.height, t.tokens, t.tokens * o.images, t.patches, t.rule, t.source};
  if (e.tokens >= o.context_tokens) {
    r.issues.push_back({"images_exceed_context", "images", text_of(o.images) + " image" + (o.images == 1 ? "" : "s") + " of " + text_of(w) + "x" + text_of(h) + " take " +
        text_of(e.tokens) + " tokens (" + text_of(t.tokens) + " each: " + t.rule + "), not fewer than the " + text_of(o.context_tokens) +
        "-token context. Raise context_tokens, or send fewer or smaller images.", severity::error});
    return false;
  }
  // llama.cpp decodes a non-causal image (Gemma 3) in one ubatch: "non-causal attention requires n_ubatch >= n_tokens".
  if (llama && p.s.family == "gemma3" && r.n_ubatch < t.tokens - 2) {
    r.issues.push_back({"ubatch_below_image", "ubatch", "llama.cpp decodes a Gemma 3 image in one ubatch (non-causal attention requires n_ubatch >= n_tokens): " +
        text_of(t.tokens - 2) + " tokens, more than ubatch " + text_of(r.n_ubatch) + ". Raise ubatch.", severity::error});
    return false;
  }
  p.image_patches = t.patches;
  r.images = std::move(e);
  return true;
}

}  // namespace neuroshrink
