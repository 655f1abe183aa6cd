// A tensor-name pattern as llama.cpp's --override-tensor takes it (std::regex, ECMAScript, regex_search), matched in
// time linear in the name whatever the pattern (a Thompson NFA, no backtracking): a hostile pattern cannot hang
// the estimate. The syntax people use: literals and escapes (\. \d \w \s), ., [classes] with ranges and ^,
// groups ( ) and (?: ), |, the quantifiers * + ? {m} {m,} {m,n} (lazy forms match the same names), ^ and $.
// Backreferences and lookarounds are refused with the reason.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neuroshrink {

class tensor_pattern {
 public:
  // Compiles `text`; on failure error() says what and where.
  explicit tensor_pattern(std::string_view text);
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // regex_search: whether the pattern matches anywhere in `name`.
  bool search(std::string_view name) const;

  struct state {
    enum kind_t : uint8_t { chars, split, jump, bol, eol, match } kind = match;
    uint32_t next = 0, alt = 0;  // split: next and alt; jump: next
    uint64_t set[4] = {0, 0, 0, 0};  // chars: the bytes it takes
  };

 private:
  std::vector<state> states_;
  uint32_t start_ = 0;
  std::string error_;
  friend struct pattern_compiler;
};

}  // namespace neuroshrink
