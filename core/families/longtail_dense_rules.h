// The long tail of architectures people run (dense decoders), one
// X(model_types, source, read, build) each; families/longtail_dense.cpp expands them into longtail_dense_families()
// (the full module's), family.cpp, in the first-estimate build, into the model_type names alone (handed over to
// the full module, as the large decoders are).
#pragma once

#define NEURO_SHRINK_LONGTAIL_DENSE_RULES(X)
