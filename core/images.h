// Images in the context (issue #17): how many tokens an image of W x H pixels becomes in a vision-language
// model's sequence, by each family's preprocessing as the runtime runs it, and how many patches its vision
// encoder sees (what sizes the encoder's activations).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "model_spec.h"

namespace neuroshrink {

struct image_tokens {
  bool known = false;
  std::string reason;            // why not, when unknown
  uint64_t width = 0, height = 0;  // the size the preprocessing resizes it to
  uint64_t tokens = 0;           // in the language model's sequence, the wrappers (<|vision_start|>, ...) included
  uint64_t patches = 0;          // the vision encoder's sequence for it (its largest tile when tiled)
  std::string rule;              // the arithmetic, with this image's numbers
  std::string_view source;
};

// `llama_cpp`: llama.cpp's mtmd rules (its own token limits and rounding) rather than transformers' / vLLM's.
image_tokens tokens_of_image(const model_spec& s, uint64_t width, uint64_t height, bool llama_cpp);

struct plan;
// Images in the context (o.images of o.image_size): r.images and p.image_patches; false after an error (a size
// that does not read, images that do not fit the context, a llama.cpp ubatch too small for a non-causal image).
bool size_images(plan& p);

// The patches llama.cpp's clip.cpp reserves its compute buffer for at load (its warmup image), 0 when unknown.
uint64_t clip_warmup_patches(const model_spec& s);

}  // namespace neuroshrink
