// The long tail of architectures people run (mixture-of-experts and other non-dense decoders), one
// X(model_types, source, read, build) each; families/longtail_moe.cpp expands them into longtail_moe_families()
// (the full module's), family.cpp, in the first-estimate build, into the model_type names alone (handed over to
// the full module, as the large decoders are).
#pragma once

#define NEURO_SHRINK_LONGTAIL_MOE_RULES(X)
