// The KV cache phase of an estimate (core/kv_cache.cpp).
#pragma once
#include "plan.h"

namespace neuroshrink {

// p.kv_cache, p.per_token, p.kv_cells_max and r.kv_layers, layer by layer, by the runtime's rules.
void size_kv_cache(plan& p);
// An info note when the runtime caches MLA's expanded K and V instead of the latent.
void note_expanded_mla(plan& p);
// The KV formula text.
void explain_kv_cache(plan& p);

}  // namespace neuroshrink
