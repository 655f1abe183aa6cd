// Images in the context (issue #17): tokens per image by each family's preprocessing, as transformers / vLLM and
// as llama.cpp's mtmd run it, their share of the context, and the projector buffer they size in llama.cpp.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "estimate.h"
#include "images.h"
#include "report.h"

using namespace neuroshrink;
using json = nlohmann::json;

namespace {

std::string text(const std::string& name) {
  std::ifstream in(std::string(FIXTURES_DIR) + "/configs/" + name + ".json");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

model_spec spec(const std::string& name) {
  const auto parsed = parse_config(text(name));
  REQUIRE(parsed.ok());
  return parsed.spec;
}

}  // namespace

TEST_CASE("image tokens: Qwen2.5-VL and Qwen3-VL smart_resize, Gemma 3 and LLaVA fixed", "[images]") {
  const model_spec q25 = spec("Qwen__Qwen2.5-VL-7B-Instruct"), q3 = spec("Qwen__Qwen3-VL-8B-Instruct");
  // 1024 x 1024: to 1036 x 1036 (37 x 37 merged tokens of 28 px) + <|vision_start|> and <|vision_end|>.
  CHECK(tokens_of_image(q25, 1024, 1024, false).tokens == 37 * 37 + 2);
  CHECK(tokens_of_image(q25, 1024, 1024, true).tokens == 37 * 37 + 2);
  CHECK(tokens_of_image(q25, 1024, 1024, false).patches == 74 * 74);
  // Qwen3-VL's 32 px cells: 32 x 32.
  CHECK(tokens_of_image(q3, 1024, 1024, false).tokens == 32 * 32 + 2);
  // A 4000 x 3000 photo: transformers keeps up to 16384 tokens (12,845,056 pixels) and rounds it to 4004 x 2996
  // (143 x 107 = 15301 tokens); llama.cpp caps at 4096 tokens (set_limit_image_tokens(8, 4096)).
  const image_tokens big = tokens_of_image(q25, 4000, 3000, false), big_cpp = tokens_of_image(q25, 4000, 3000, true);
  CHECK(big.width == 4004);
  CHECK(big.height == 2996);
  CHECK(big.tokens == 143 * 107 + 2);
  CHECK(big_cpp.tokens - 2 <= 4096);
  CHECK(big_cpp.tokens - 2 > 3900);
  // Python's round is half to even, llama.cpp's std::round half up: 1022 / 28 = 36.5.
  CHECK(tokens_of_image(q25, 1022, 28 * 20, false).width == 36 * 28);
  CHECK(tokens_of_image(q25, 1022, 28 * 20, true).width == 37 * 28);
  // Gemma 3: every image 896 x 896, 256 tokens (+ <start_of_image>, <end_of_image>; transformers adds "\n\n" twice).
  const model_spec g3 = spec("google__gemma-3-4b-it");
  CHECK(tokens_of_image(g3, 3000, 2000, false).tokens == 260);
  CHECK(tokens_of_image(g3, 3000, 2000, true).tokens == 258);
  CHECK(tokens_of_image(g3, 3000, 2000, true).patches == 4096);
  // LLaVA-1.5: (336 / 14)^2.
  CHECK(tokens_of_image(spec("llava-hf__llava-1.5-7b-hf"), 1024, 768, false).tokens == 576);
  // InternVL2: 1024 x 1024 on a 3 x 3 grid of 448 px tiles (the larger of the equally square grids, the image
  // covering half of it) + a thumbnail, 256 tokens each (448 / 14 / 2)^2, + <img> and </img>; llama.cpp's
  // select_best_resolution picks the same for a square image.
  const model_spec ivl = spec("OpenGVLab__InternVL2-2B");
  CHECK(tokens_of_image(ivl, 1024, 1024, false).tokens == 10 * 256 + 2);
  CHECK(tokens_of_image(ivl, 1024, 1024, true).tokens == 10 * 256 + 2);
  CHECK(tokens_of_image(ivl, 448, 448, false).tokens == 256 + 2);  // one tile, no thumbnail
  // A wide 1600 x 400 image: transformers takes the closest aspect ratio, 4 x 1 (+ thumbnail).
  CHECK(tokens_of_image(ivl, 1600, 400, false).width == 4 * 448);
  CHECK(tokens_of_image(ivl, 1600, 400, false).tokens == 5 * 256 + 2);
  // Llama 4: 1024 x 1024 upscales least on the 4 x 4 canvas (1344 px): 16 tiles + a global one, 144 tokens each,
  // 16 separators and 3 markers; llama.cpp's own slicing is said to be unknown.
  const model_spec l4 = spec("meta-llama__Llama-4-Scout-17B-16E-Instruct");
  CHECK(tokens_of_image(l4, 1024, 1024, false).tokens == 17 * 144 + 16 + 3);
  CHECK(tokens_of_image(l4, 300, 300, false).tokens == 144 + 3);
  CHECK_FALSE(tokens_of_image(l4, 1024, 1024, true).known);
  // A family whose preprocessing is not modelled says so; a text model has no encoder.
  CHECK_FALSE(tokens_of_image(spec("meta-llama__Llama-3.2-11B-Vision-Instruct"), 1024, 1024, false).known);
  CHECK_FALSE(tokens_of_image(spec("meta-llama__Meta-Llama-3.1-8B"), 1024, 1024, false).known);
}

TEST_CASE("images in a request: their tokens inside the context, llama.cpp's projector buffer for the largest", "[images]") {
  const json base = {{"config", text("Qwen__Qwen2.5-VL-7B-Instruct")}, {"runtime", "llama.cpp"}, {"quantization", "Q4_K_M"}, {"mmproj", true},
                     {"context_tokens", 8192}};
  json four = base;
  four["images"] = 4;
  four["image_size"] = "1024x1024";
  const json r = json::parse(estimate_json(four.dump()));
  REQUIRE(r["images"].is_object());
  CHECK(r["images"]["tokens"] == 4 * (37 * 37 + 2));
  // The warmup image (46 x 46 merged tokens = 8464 positions) is larger than one 1024 x 1024 image (5476): the
  // buffer is the warmup's, the same as without images.
  const json none = json::parse(estimate_json(base.dump()));
  uint64_t with_c = 0, without_c = 0;
  for (const auto& c : r["components"]) if (c["key"] == "vision_compute") with_c = c["bytes"];
  for (const auto& c : none["components"]) if (c["key"] == "vision_compute") without_c = c["bytes"];
  CHECK(with_c == without_c);
  CHECK(with_c == 8464ull * (3420 + 3 * 1280) * 4 + 8464ull * 8464 * 6);
  // A 2048 x 2048 image passes the warmup: 74 x 2 ... its own positions size the buffer.
  json large = four;
  large["images"] = 1;
  large["image_size"] = "2048x2048";
  const json l = json::parse(estimate_json(large.dump()));
  uint64_t large_c = 0;
  for (const auto& c : l["components"]) if (c["key"] == "vision_compute") large_c = c["bytes"];
  CHECK(large_c > with_c);
  // Too many for the context: an error naming images; a size that does not read: an error naming image_size.
  json many = four;
  many["images"] = 8;
  const json m = json::parse(estimate_json(many.dump()));
  REQUIRE_FALSE(m["issues"].empty());
  CHECK(m["issues"].back()["code"] == "images_exceed_context");
  CHECK(m["issues"].back()["field"] == "images");
  json bad = four;
  bad["image_size"] = "1024 by 768";
  const json b = json::parse(estimate_json(bad.dump()));
  CHECK(b["issues"].back()["field"] == "image_size");
  // Gemma 3 decodes an image in one ubatch in llama.cpp: ubatch 128 cannot hold its 256 tokens.
  json gemma = {{"config", text("google__gemma-3-4b-it")}, {"runtime", "llama.cpp"}, {"images", 1}, {"ubatch", 128}};
  CHECK(json::parse(estimate_json(gemma.dump()))["issues"].back()["code"] == "ubatch_below_image");
}
