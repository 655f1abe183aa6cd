// core/tensor_pattern against std::regex (ECMAScript, regex_search, as llama.cpp's --override-tensor uses it) on
// the patterns people pass and the GGUF tensor names they meet, and on hostile patterns that would make a
// backtracking engine hang.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <string>

#include "tensor_pattern.h"

using namespace neuroshrink;

TEST_CASE("tensor patterns match exactly what std::regex_search matches", "[tensor_pattern]") {
  // From llama.cpp's docs and issues (-ot / --override-tensor), unsloth's and people's guides.
  const char* patterns[] = {
      ".ffn_.*_exps.", "exps", "\\.ffn_(up|down|gate)_exps\\.", "blk\\.(0|1|2|3)\\.ffn_.*_exps\\.weight",
      "blk\\.([0-9]|1[0-9])\\.ffn_.*_exps", "blk\\.[2-4][0-9]\\.ffn_", "^token_embd", "output\\.weight$", "blk\\.\\d+\\.attn",
      "ffn_(up|gate)_exps", "blk\\.(1[0-5]|[0-9])\\.", "[^.]+_exps", "(?:up|down)_exps", "blk\\.\\d{1,2}\\.ffn_down", "ffn_.*?_exps",
      "a{2,3}", "x?y*z+", "blk\\.3[0-9]?\\.", "^$", "attn_[qkv]\\.", "\\w+_norm", "[a-c-]", "(blk)\\.(7)\\."};
  const char* names[] = {
      "token_embd.weight", "output.weight", "output_norm.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.3.ffn_up_exps.weight",
      "blk.17.ffn_down_exps.weight", "blk.29.ffn_gate_exps.weight", "blk.30.ffn_gate_inp.weight", "blk.45.ffn_down_shexp.weight",
      "blk.7.attn_norm.weight", "blk.10.ffn_gate_up_exps.weight", "", "aaa", "xyzz", "zz-", "blk.31.ffn_up_exps.bias"};
  for (const char* p : patterns) {
    const tensor_pattern mine(p);
    INFO(p << ": " << mine.error());
    REQUIRE(mine.ok());
    const std::regex theirs(p);
    for (const char* n : names) {
      INFO(n);
      CHECK(mine.search(n) == std::regex_search(n, theirs));
    }
  }
}

TEST_CASE("a pattern it cannot read is refused with the reason and where", "[tensor_pattern]") {
  for (const char* bad : {"(exps", "exps)", "*exps", "[abc", "a{3,1}", "\\1", "(?=x)", "a{999}", "x\\"}) {
    const tensor_pattern p(bad);
    INFO(bad);
    CHECK_FALSE(p.ok());
    CHECK(p.error().find("at character") != std::string::npos);
    CHECK_FALSE(p.search("blk.0.ffn_up_exps.weight"));
  }
  CHECK_FALSE(tensor_pattern(std::string(300, 'a')).ok());
  CHECK_FALSE(tensor_pattern("((((((((((((((((((((((((((((((((((a))))))))))))))))))))))))))))))))))").ok());
  CHECK_FALSE(tensor_pattern("((a{64}){64}){2}").ok());  // 8192 copies: past the state limit
}

TEST_CASE("hostile patterns cost time linear in the name: no catastrophic backtracking", "[tensor_pattern]") {
  const std::string name = std::string(200, 'a') + "!";
  const auto start = std::chrono::steady_clock::now();
  for (const char* p : {"(a*)*b", "(a|a)*b", "(a|aa)+$", "(.*a){20}b", "(a+)+b"}) {
    const tensor_pattern t(p);
    REQUIRE(t.ok());
    CHECK_FALSE(t.search(name));
  }
  // std::regex would take longer than the universe on these; this takes microseconds (printed, not asserted).
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  std::printf("hostile tensor patterns on a 201-character name: %.3f ms\n", ms);
}
