// Overflow-checked uint64 arithmetic: sizes never wrap silently; an overflow is reported instead.
#pragma once
#include <cstdint>
#include <initializer_list>

namespace neuroshrink {

// Accumulates products and sums; `overflow` turns true and stays true if any step wrapped.
struct checked_u64 {
  uint64_t value = 0;
  bool overflow = false;

  static checked_u64 product(std::initializer_list<uint64_t> factors) {
    checked_u64 r{1, false};
    for (uint64_t f : factors) r.mul(f);
    return r;
  }
  // value *= f, wrapping, with overflow noted. Both factors under 2^32 cannot overflow: that common case
  // skips __builtin_mul_overflow, which wasm32 lowers to a 128-bit multiply call (__multi3).
  checked_u64& mul(uint64_t f) {
    if (((value | f) >> 32) != 0 && f != 0 && value > UINT64_MAX / f) overflow = true;
    value *= f;
    return *this;
  }
  checked_u64& add(uint64_t a) {
    if (__builtin_add_overflow(value, a, &value)) overflow = true;
    return *this;
  }
  checked_u64& add(const checked_u64& o) {
    add(o.value);
    overflow = overflow || o.overflow;
    return *this;
  }
};

// One division (wasm has no combined quotient and remainder).
inline uint64_t ceil_div(uint64_t a, uint64_t b) {
  const uint64_t q = a / b;
  return q + (q * b != a);
}

}  // namespace neuroshrink
