// Size shim for the wasm build only: the one snprintf call left in the module is nlohmann/json's lexer
// spelling a control character in a parse-error message ("<U+%.4X>", detail/input/lexer.hpp
// get_token_string). musl's snprintf brings printf_core with floating-point and long-double formatting
// (~10 KB of wasm); this version handles what that call needs (%d %u %x %X %s %c %%, a width, a
// precision, the 0 flag) and prints '?' for any other conversion.
#include <cstdarg>
#include <cstddef>

extern "C" int snprintf(char* out, size_t size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  size_t n = 0;
  auto put = [&](char c) {
    if (n + 1 < size) out[n] = c;
    ++n;
  };
  for (const char* p = fmt; *p; ++p) {
    if (*p != '%') { put(*p); continue; }
    ++p;
    bool zero = false;
    int width = 0, precision = -1;
    if (*p == '0') { zero = true; ++p; }
    while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
    if (*p == '.') {
      precision = 0;
      ++p;
      if (*p == '*') { precision = va_arg(args, int); ++p; }
      while (*p >= '0' && *p <= '9') precision = precision * 10 + (*p++ - '0');
    }
    while (*p == 'l' || *p == 'h' || *p == 'z') ++p;
    char digits[24];
    int len = 0;
    switch (*p) {
      case '%': put('%'); continue;
      case 'c': put(static_cast<char>(va_arg(args, int))); continue;
      case 's': for (const char* s = va_arg(args, const char*); s && *s; ++s) put(*s); continue;
      case 'd': case 'i': case 'u': case 'x': case 'X': {
        const bool hex = *p == 'x' || *p == 'X';
        long long v = *p == 'd' || *p == 'i' ? va_arg(args, int) : static_cast<long long>(va_arg(args, unsigned));
        const bool negative = v < 0;
        unsigned long long u = negative ? static_cast<unsigned long long>(-v) : static_cast<unsigned long long>(v);
        const char* alphabet = *p == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        do digits[len++] = alphabet[u % (hex ? 16 : 10)]; while (u /= (hex ? 16 : 10));
        const int min_digits = precision > len ? precision : len;
        if (negative) put('-');
        for (int pad = min_digits + (negative ? 1 : 0); pad < width; ++pad) put(zero ? '0' : ' ');
        for (int i = len; i < min_digits; ++i) put('0');
        while (len) put(digits[--len]);
        continue;
      }
      case '\0': --p; continue;
      default: put('?'); continue;
    }
  }
  if (size) out[n < size ? n : size - 1] = '\0';
  va_end(args);
  return static_cast<int>(n);
}
