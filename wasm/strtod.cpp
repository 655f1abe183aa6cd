// Size shim for the wasm build only: nlohmann/json's lexer turns a JSON number's text into a double with
// std::strtod (detail/input/lexer.hpp strtof). musl's strtod goes through __floatscan and its decimal
// conversion in long double, which wasm emulates in software (__multf3, __divtf3, ... ~8 KB of code).
// The lexer has already checked the text against the JSON number grammar, so this reads exactly
// -?digits[.digits][(e|E)[+-]digits], nothing else (no hex, inf or nan, which JSON has not).
//
// Rounding: up to 19 significant digits are kept in an integer m; the value is m x 10^e. When m < 2^53 and
// |e| <= 22, m and 10^|e| are exact doubles and one IEEE multiplication or division rounds correctly
// (Clinger, "How to read floating point numbers accurately", PLDI 1990, the fast path). Every config.json
// number seen (1e-05, 0.02, 500000.0, 0.0625, ...) takes that path. Other values use double-double
// arithmetic (Dekker 1971: products and quotients with their exact rounding errors), about 100 bits
// before the final rounding: correct but for inputs within 2^-100 of a halfway point.
// tests/node/wasm.test.mjs checks every fixture's report against the native build (glibc's strtod).
#include <cerrno>
#include <cstdint>

namespace {

struct dd { double hi, lo; };

// Dekker's split and product: a * b = p + e exactly (no fused multiply-add: built with -ffp-contract=off).
void split(double a, double& hi, double& lo) {
  const double c = 134217729.0 * a;  // 2^27 + 1
  hi = c - (c - a);
  lo = a - hi;
}
dd two_prod(double a, double b) {
  const double p = a * b;
  double ah, al, bh, bl;
  split(a, ah, al);
  split(b, bh, bl);
  return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}
dd two_sum(double a, double b) {
  const double s = a + b, v = s - a;
  return {s, (a - (s - v)) + (b - v)};
}
dd mul(dd x, double y) {
  dd p = two_prod(x.hi, y);
  p.lo += x.lo * y;
  return two_sum(p.hi, p.lo);
}
dd div(dd x, double y) {
  const double q1 = x.hi / y;
  const dd p = two_prod(q1, y);
  const double r = ((x.hi - p.hi) - p.lo) + x.lo;
  return two_sum(q1, r / y);
}

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

}  // namespace

extern "C" double strtod(const char* s, char** end) {
  const char* p = s;
  const bool negative = *p == '-';
  if (*p == '-' || *p == '+') ++p;
  uint64_t m = 0;
  int digits = 0, exp10 = 0;
  bool any = false;
  for (; *p >= '0' && *p <= '9'; ++p, any = true) {
    if (digits < 19) { m = m * 10 + static_cast<uint64_t>(*p - '0'); digits += m != 0; }
    else ++exp10;  // a digit past the 19th: its place counts, its value is below the kept precision
  }
  if (*p == '.') {
    for (++p; *p >= '0' && *p <= '9'; ++p, any = true) {
      if (digits < 19) { m = m * 10 + static_cast<uint64_t>(*p - '0'); digits += m != 0; --exp10; }
    }
  }
  if (!any) {
    if (end) *end = const_cast<char*>(s);
    return 0;
  }
  if (*p == 'e' || *p == 'E') {
    const char* q = p + 1;
    const bool eneg = *q == '-';
    if (*q == '-' || *q == '+') ++q;
    if (*q >= '0' && *q <= '9') {
      int e = 0;
      for (; *q >= '0' && *q <= '9'; ++q)
        if (e < 100000) e = e * 10 + (*q - '0');
      exp10 += eneg ? -e : e;
      p = q;
    }
  }
  if (end) *end = const_cast<char*>(p);

  double v;
  if (m == 0) {
    v = 0;
  } else if (m < (uint64_t{1} << 53) && exp10 >= -22 && exp10 <= 22) {
    v = exp10 >= 0 ? static_cast<double>(m) * kPow10[exp10] : static_cast<double>(m) / kPow10[-exp10];
  } else {
    // m exactly as two doubles: its top bits and the 11 low bits a double cannot hold beside them.
    dd x = two_sum(static_cast<double>(m >> 11 << 11), static_cast<double>(m & 2047));
    int e = exp10;
    const int magnitude = exp10 + 19;           // m < 10^19: the value is below 10^magnitude
    if (magnitude > 330) {
      v = 1e300 * 1e300;                        // beyond the range: infinity
    } else if (magnitude < -330) {
      v = 0;                                    // below the smallest subnormal (4.9e-324)
    } else {
      // Exact powers of two keep the running value inside Dekker's range (no overflow in the 2^27+1 split, no
      // subnormals): scaled by 2^-512 before it passes 1e280, by 2^512 before it falls below 1e-280, and scaled
      // back once at the end, so values near the top (1.7976931348623157e308) come out right. A subnormal result
      // (below 2.2e-308) is rounded twice and may differ from glibc's by an ulp: no config holds one.
      int scale = 0;  // the value is x x 2^(512 x scale)
      while (e > 0) {
        if (x.hi > 1e280) { x.hi *= 0x1p-512; x.lo *= 0x1p-512; ++scale; }
        const int k = e > 22 ? 22 : e;
        x = mul(x, kPow10[k]);
        e -= k;
      }
      while (e < 0) {
        if (x.hi < 1e-280) { x.hi *= 0x1p512; x.lo *= 0x1p512; --scale; }
        const int k = -e > 22 ? 22 : -e;
        x = div(x, kPow10[k]);
        e += k;
      }
      v = x.hi + x.lo;
      for (; scale > 0; --scale) v *= 0x1p512;
      for (; scale < 0; ++scale) v *= 0x1p-512;
    }
    if (v - v != 0 || v == 0) errno = ERANGE;
  }
  return negative ? -v : v;
}

// musl defines the three in one object (src/stdlib/strtod.c): whatever pulls one in pulls all of them, so
// the shim replaces the other two as well (libc++ refers to them; nothing in the core calls them).
extern "C" float strtof(const char* s, char** end) { return static_cast<float>(strtod(s, end)); }
extern "C" long double strtold(const char* s, char** end) { return strtod(s, end); }
