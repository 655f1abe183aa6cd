// The speed phase of an estimate (core/speed.cpp).
#pragma once
#include "plan.h"

namespace neuroshrink {

// r.decode_step_bytes, and on a chosen GPU r.speed (decode and prefill tokens/s, the bound, the formula).
void estimate_speed(plan& p);

}  // namespace neuroshrink
