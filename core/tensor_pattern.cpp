#include "tensor_pattern.h"

#include <memory>

#include "text.h"

namespace neuroshrink {
namespace {

constexpr size_t kMaxPattern = 256;    // characters; llama.cpp's patterns are tens
constexpr size_t kMaxStates = 4096;    // after {m,n} copies
constexpr int kMaxDepth = 32;          // nested groups
constexpr uint32_t kMaxRepeat = 64;    // {m,n} bounds

struct node {
  enum kind_t { chars, cat, alt, repeat, bol, eol, empty } kind = empty;
  uint64_t set[4] = {0, 0, 0, 0};
  std::vector<std::unique_ptr<node>> kids;
  uint32_t min = 0, max = 0;  // repeat; max UINT32_MAX = unbounded
};

void add(uint64_t* set, unsigned char c) { set[c >> 6] |= uint64_t{1} << (c & 63); }
void add_range(uint64_t* set, unsigned char a, unsigned char b) {
  for (unsigned c = a; c <= b; ++c) add(set, static_cast<unsigned char>(c));
}
// \d \w \s and their complements.
bool add_class_escape(uint64_t* set, char e) {
  uint64_t s[4] = {0, 0, 0, 0};
  const char lower = static_cast<char>(e | 0x20);
  if (lower == 'd') add_range(s, '0', '9');
  else if (lower == 'w') add_range(s, '0', '9'), add_range(s, 'a', 'z'), add_range(s, 'A', 'Z'), add(s, '_');
  else if (lower == 's') for (const char c : std::string_view(" \t\n\r\f\v")) add(s, static_cast<unsigned char>(c));
  else return false;
  for (int i = 0; i < 4; ++i) set[i] |= e == lower ? s[i] : ~s[i];
  return true;
}

}  // namespace

struct pattern_compiler {
  std::string_view text;
  size_t at = 0;
  int depth = 0;
  std::string error;

  bool fail(const std::string& why) {
    if (error.empty()) error = why + " (at character " + text_of(static_cast<uint64_t>(at + 1)) + ")";
    return false;
  }
  bool more() const { return at < text.size(); }
  char peek() const { return text[at]; }

  std::unique_ptr<node> alternation() {
    auto first = sequence();
    if (!first || !more() || peek() != '|') return first;
    auto a = std::make_unique<node>();
    a->kind = node::alt;
    a->kids.push_back(std::move(first));
    while (more() && peek() == '|') {
      ++at;
      auto next = sequence();
      if (!next) return nullptr;
      a->kids.push_back(std::move(next));
    }
    return a;
  }

  std::unique_ptr<node> sequence() {
    auto c = std::make_unique<node>();
    c->kind = node::cat;
    while (more() && peek() != '|' && peek() != ')') {
      auto a = quantified();
      if (!a) return nullptr;
      c->kids.push_back(std::move(a));
    }
    return c;
  }

  bool number(uint32_t& out) {
    const size_t from = at;
    out = 0;
    while (more() && peek() >= '0' && peek() <= '9' && out <= kMaxRepeat) out = out * 10 + static_cast<uint32_t>(peek() - '0'), ++at;
    if (at == from) return fail("a number was expected in {m,n}");
    if (out > kMaxRepeat) return fail("a repeat count above " + text_of(uint64_t{kMaxRepeat}));
    return true;
  }

  std::unique_ptr<node> quantified() {
    auto a = atom();
    if (!a) return nullptr;
    while (more() && (peek() == '*' || peek() == '+' || peek() == '?' || peek() == '{')) {
      auto r = std::make_unique<node>();
      r->kind = node::repeat;
      const char q = text[at++];
      if (q == '*') r->min = 0, r->max = UINT32_MAX;
      else if (q == '+') r->min = 1, r->max = UINT32_MAX;
      else if (q == '?') r->min = 0, r->max = 1;
      else {
        if (!number(r->min)) return nullptr;
        r->max = r->min;
        if (more() && peek() == ',') {
          ++at;
          r->max = UINT32_MAX;
          if (more() && peek() != '}' && !number(r->max)) return nullptr;
        }
        if (!more() || peek() != '}') return fail("{m,n} is not closed"), nullptr;
        ++at;
        if (r->max < r->min) return fail("{m,n} with n below m"), nullptr;
      }
      if (more() && peek() == '?') ++at;  // lazy: the same names match
      if (a->kind == node::bol || a->kind == node::eol) return fail("a quantifier after an anchor"), nullptr;
      r->kids.push_back(std::move(a));
      a = std::move(r);
    }
    return a;
  }

  bool class_item(uint64_t* set) {
    if (!more()) return fail("[ is not closed");
    unsigned char c = static_cast<unsigned char>(text[at++]);
    if (c == '\\') {
      if (!more()) return fail("a \\ ends the pattern");
      const char e = text[at++];
      if (add_class_escape(set, e)) return true;
      c = static_cast<unsigned char>(e);
    }
    if (more() && peek() == '-' && at + 1 < text.size() && text[at + 1] != ']') {
      ++at;
      unsigned char hi = static_cast<unsigned char>(text[at++]);
      if (hi == '\\') {
        if (!more()) return fail("a \\ ends the pattern");
        hi = static_cast<unsigned char>(text[at++]);
      }
      if (hi < c) return fail("a range [b-a] runs backwards");
      add_range(set, c, hi);
      return true;
    }
    add(set, c);
    return true;
  }

  std::unique_ptr<node> atom() {
    auto a = std::make_unique<node>();
    const char c = text[at++];
    switch (c) {
      case '(': {
        if (++depth > kMaxDepth) return fail("groups nested more than " + text_of(static_cast<uint64_t>(kMaxDepth)) + " deep"), nullptr;
        if (more() && peek() == '?') {
          if (at + 1 < text.size() && text[at + 1] == ':') at += 2;
          else return fail("lookarounds and named groups are not supported"), nullptr;
        }
        auto inner = alternation();
        if (!inner) return nullptr;
        if (!more() || peek() != ')') return fail("( is not closed"), nullptr;
        ++at;
        --depth;
        return inner;
      }
      case ')': return fail("a ) without its ("), nullptr;
      case '*': case '+': case '?': case '{': return fail(std::string("nothing to repeat before ") + c), nullptr;
      case '^': a->kind = node::bol; return a;
      case '$': a->kind = node::eol; return a;
      case '.':
        a->kind = node::chars;
        for (auto& w : a->set) w = ~uint64_t{0};
        a->set[0] &= ~(uint64_t{1} << '\n');
        return a;
      case '[': {
        a->kind = node::chars;
        const bool negate = more() && peek() == '^';
        if (negate) ++at;
        bool first = true;
        while (!more() || peek() != ']' || first) {
          if (!class_item(a->set)) return nullptr;
          first = false;
        }
        ++at;
        if (negate)
          for (auto& w : a->set) w = ~w;
        return a;
      }
      case '\\': {
        if (!more()) return fail("a \\ ends the pattern"), nullptr;
        const char e = text[at++];
        a->kind = node::chars;
        if (add_class_escape(a->set, e)) return a;
        if (e >= '1' && e <= '9') return fail("backreferences are not supported"), nullptr;
        if (e == 'b' || e == 'B') return fail("word boundaries are not supported"), nullptr;
        add(a->set, static_cast<unsigned char>(e == 'n' ? '\n' : e == 't' ? '\t' : e));
        return a;
      }
      default:
        a->kind = node::chars;
        add(a->set, static_cast<unsigned char>(c));
        return a;
    }
  }

  // Thompson construction: a fragment's start and its dangling exits (state index, whether its `alt`).
  struct fragment {
    uint32_t start;
    std::vector<std::pair<uint32_t, bool>> out;
  };
  std::vector<tensor_pattern::state>* states = nullptr;

  uint32_t make(tensor_pattern::state s) {
    states->push_back(s);
    return static_cast<uint32_t>(states->size() - 1);
  }
  void patch(const fragment& f, uint32_t to) {
    for (const auto& [s, alt] : f.out) (alt ? (*states)[s].alt : (*states)[s].next) = to;
  }

  bool emit(const node& n, fragment& f) {
    if (states->size() > kMaxStates) return fail("the pattern is too large once its repeats are written out");
    using S = tensor_pattern::state;
    switch (n.kind) {
      case node::chars: {
        S s;
        s.kind = S::chars;
        for (int i = 0; i < 4; ++i) s.set[i] = n.set[i];
        f.start = make(s);
        f.out = {{f.start, false}};
        return true;
      }
      case node::bol: case node::eol: case node::empty: {
        S s;
        s.kind = n.kind == node::bol ? S::bol : n.kind == node::eol ? S::eol : S::jump;
        f.start = make(s);
        f.out = {{f.start, false}};
        return true;
      }
      case node::cat: {
        if (n.kids.empty()) return emit(node{}, f);
        if (!emit(*n.kids[0], f)) return false;
        for (size_t i = 1; i < n.kids.size(); ++i) {
          fragment g;
          if (!emit(*n.kids[i], g)) return false;
          patch(f, g.start);
          f.out = std::move(g.out);
        }
        return true;
      }
      case node::alt: {
        fragment first;
        if (!emit(*n.kids[0], first)) return false;
        f = first;
        for (size_t i = 1; i < n.kids.size(); ++i) {
          fragment g;
          if (!emit(*n.kids[i], g)) return false;
          S s;
          s.kind = S::split;
          s.next = f.start;
          s.alt = g.start;
          f.start = make(s);
          f.out.insert(f.out.end(), g.out.begin(), g.out.end());
        }
        return true;
      }
      case node::repeat: {
        const node& kid = *n.kids[0];
        fragment acc;
        bool have = false;
        auto append = [&](fragment g) {
          if (have) patch(acc, g.start), acc.out = std::move(g.out);
          else acc = std::move(g), have = true;
        };
        for (uint32_t i = 0; i < n.min; ++i) {
          fragment g;
          if (!emit(kid, g)) return false;
          append(std::move(g));
        }
        if (n.max == UINT32_MAX) {  // a loop: split -> kid -> back to the split
          fragment g;
          if (!emit(kid, g)) return false;
          S s;
          s.kind = S::split;
          s.next = g.start;
          const uint32_t loop = make(s);
          patch(g, loop);
          append({loop, {{loop, true}}});
        } else {
          for (uint32_t i = n.min; i < n.max; ++i) {  // optional copies
            fragment g;
            if (!emit(kid, g)) return false;
            S s;
            s.kind = S::split;
            s.next = g.start;
            const uint32_t opt = make(s);
            g.out.push_back({opt, true});
            append({opt, std::move(g.out)});
          }
        }
        if (!have) return emit(node{}, f);
        f = std::move(acc);
        return true;
      }
    }
    return false;
  }
};

tensor_pattern::tensor_pattern(std::string_view text) {
  pattern_compiler c{text, 0, 0, {}};
  c.states = &states_;
  if (text.size() > kMaxPattern) {
    error_ = "the pattern is longer than " + text_of(static_cast<uint64_t>(kMaxPattern)) + " characters";
    return;
  }
  auto tree = c.alternation();
  if (tree && c.more()) c.fail("a ) without its (");
  pattern_compiler::fragment f{};
  if (tree && c.error.empty() && c.emit(*tree, f)) {
    state m;
    m.kind = state::match;
    c.patch(f, c.make(m));
    start_ = f.start;
  }
  error_ = c.error;
  if (!error_.empty()) states_.clear();
}

bool tensor_pattern::search(std::string_view name) const {
  if (!ok() || states_.empty()) return false;
  std::vector<uint32_t> now, next, stack;
  std::vector<size_t> seen(states_.size(), SIZE_MAX);
  // Adds s and what it reaches without a character at position `pos`; true when that includes the match.
  auto close = [&](std::vector<uint32_t>& list, uint32_t s, size_t pos) {
    stack.assign(1, s);
    bool matched = false;
    while (!stack.empty()) {
      const uint32_t x = stack.back();
      stack.pop_back();
      if (seen[x] == pos) continue;
      seen[x] = pos;
      const state& st = states_[x];
      switch (st.kind) {
        case state::match: matched = true; break;
        case state::chars: list.push_back(x); break;
        case state::jump: stack.push_back(st.next); break;
        case state::split: stack.push_back(st.alt), stack.push_back(st.next); break;
        case state::bol: if (pos == 0) stack.push_back(st.next); break;
        case state::eol: if (pos == name.size()) stack.push_back(st.next); break;
      }
    }
    return matched;
  };
  for (size_t pos = 0;; ++pos) {
    if (close(now, start_, pos)) return true;  // regex_search: a match may start anywhere
    if (pos == name.size()) return false;
    const unsigned char c = static_cast<unsigned char>(name[pos]);
    next.clear();
    bool matched = false;
    for (const uint32_t x : now)
      if (states_[x].set[c >> 6] >> (c & 63) & 1) matched = close(next, states_[x].next, pos + 1) || matched;
    if (matched) return true;
    now.swap(next);
  }
}

}  // namespace neuroshrink
