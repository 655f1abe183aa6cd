// Whole numbers as decimal text without printf: std::to_string goes through snprintf in Emscripten's libc++,
// which pulls printf's floating-point formatting (and long-double arithmetic) into the wasm module.
#pragma once
#include <cstdint>
#include <string>
#include <type_traits>

namespace neuroshrink {

template <class T>
  requires std::is_integral_v<T>
std::string text_of(T value) {
  const bool negative = std::is_signed_v<T> && value < 0;
  uint64_t v = negative ? ~static_cast<uint64_t>(value) + 1 : static_cast<uint64_t>(value);
  char buf[21];
  int i = 21;
  do buf[--i] = static_cast<char>('0' + v % 10); while (v /= 10);
  std::string s = negative ? "-" : "";
  s.append(buf + i, buf + 21);
  return s;
}

}  // namespace neuroshrink
