// A small streaming JSON writer for reports: keys in the order written, integers exact, strings escaped
// (RFC 8259 section 7). Cheaper in code size and time than building a DOM only to print it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace neuroshrink {

class json_writer {
 public:
  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }

  json_writer& key(std::string_view k) {
    comma();
    quote(k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  json_writer& value(std::string_view v) { comma(); quote(v); return *this; }
  json_writer& value(const char* v) { return value(std::string_view(v)); }
  json_writer& value(const std::string& v) { return value(std::string_view(v)); }
  json_writer& value(bool v) { comma(); out_ += v ? "true" : "false"; return *this; }
  json_writer& value(uint64_t v) { comma(); digits(v, false); return *this; }
  json_writer& value(int64_t v) {
    comma();
    digits(v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v), v < 0);
    return *this;
  }
  json_writer& value(int v) { return value(static_cast<int64_t>(v)); }
  json_writer& value(uint32_t v) { return value(static_cast<uint64_t>(v)); }
  // A ratio or a rate, to three decimals (no printf: keeps the wasm small); null when not finite.
  json_writer& value(double v) {
    if (!(v == v) || v > 9e15 || v < -9e15) { comma(); out_ += "null"; return *this; }
    const bool negative = v < 0;
    const uint64_t milli = static_cast<uint64_t>((negative ? -v : v) * 1000 + 0.5);
    comma();
    digits(milli / 1000, negative && milli > 0);
    if (uint64_t frac = milli % 1000) {
      out_ += '.';
      char d[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10), static_cast<char>('0' + frac % 10)};
      int len = 3;
      while (len > 0 && d[len - 1] == '0') --len;
      out_.append(d, static_cast<size_t>(len));
    }
    return *this;
  }

  // A value already written as JSON by another writer.
  json_writer& raw(std::string_view json) {
    comma();
    out_ += json;
    return *this;
  }

  template <class T>
  json_writer& field(std::string_view k, const T& v) { key(k); return value(v); }

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  json_writer& open(char c) {
    comma();
    out_ += c;
    first_ = true;
    return *this;
  }
  json_writer& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  void comma() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_ && !out_.empty()) out_ += ',';
    first_ = false;
  }
  void digits(uint64_t v, bool negative) {
    char buf[21];
    int i = 21;
    do buf[--i] = static_cast<char>('0' + v % 10); while (v /= 10);
    if (negative) out_ += '-';
    out_.append(buf + i, buf + 21);
  }
  void quote(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out_ += '"';
    size_t run = 0;  // start of the current run of characters that need no escape
    for (size_t i = 0; i < s.size(); ++i) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      out_.append(s.data() + run, i - run);
      run = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 15];
      }
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

  std::string out_;
  bool first_ = true;
  bool after_key_ = false;
};

// A number as text, to three decimals without trailing zeros (0.9 -> "0.9"), without printf.
inline std::string decimal_text(double v) {
  json_writer w;
  w.value(v);
  return w.take();
}

}  // namespace neuroshrink
