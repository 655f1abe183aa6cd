// Speculative decoding (issue #17): a draft model estimated with the target's settings, or the model's own MTP
// layers; their allocations as components of the target's estimate, and the decode speed-up they may give, as a range.
#pragma once
#include <optional>

#include "plan.h"

namespace neuroshrink {

// The draft's own estimate (o.draft_spec), with its issues carried into the target's under the field
// draft_config; false after an error. Sets p.draft.
bool size_draft(plan& p, std::optional<estimate_result>& draft);

// Its components (draft_weights, draft_kv_cache, and in a runtime that gives it its own context draft_compute and
// draft_output), added to the plan's sums; and r.draft.
void add_draft_components(plan& p);

// r.draft's decode range, from the target's and the draft's speeds on the chosen GPU(s).
void draft_speed(plan& p);


// MTP speculation (o.mtp): the model's multi-token-prediction layers sized before the runtime's components (their
// weights and cache per token in p, which vLLM's and SGLang's pools count), false after an error; then their
// components (mtp_weights, mtp_kv_cache) and r.mtp, and its decode range.
bool size_mtp(plan& p);
void add_mtp_components(plan& p);
void mtp_speed(plan& p);

}  // namespace neuroshrink
