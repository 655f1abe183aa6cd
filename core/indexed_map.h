// The object type of the core's JSON values: nlohmann's ordered_map keeps keys in file order (reports list
// fields as config.json has them) but finds a key by a linear scan, so parsing an object of n keys took
// O(n^2) (40k keys: 88 s in wasm; a 200k-tensor safetensors header did not finish). This map keeps the same
// order and the same interface, and finds keys through a sorted index once an object outgrows a few keys:
// O(n log n) for any input (a tree, not a hash, so no crafted set of keys can make it quadratic).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <string_view>
#include <utility>
#include <vector>

namespace neuroshrink {

template <class Key, class T, class IgnoredLess = std::less<Key>, class Allocator = std::allocator<std::pair<const Key, T>>>
struct indexed_map : std::vector<std::pair<const Key, T>, Allocator> {
  using key_type = Key;
  using mapped_type = T;
  using Container = std::vector<std::pair<const Key, T>, Allocator>;
  using iterator = typename Container::iterator;
  using const_iterator = typename Container::const_iterator;
  using size_type = typename Container::size_type;
  using value_type = typename Container::value_type;
  using key_compare = std::equal_to<>;

  // Objects up to this size are scanned (no allocation, as fast as ordered_map); larger ones get the index.
  static constexpr size_type kScanLimit = 24;

  indexed_map() = default;
  explicit indexed_map(const Allocator& alloc) : Container{alloc} {}
  template <class It>
  indexed_map(It first, It last, const Allocator& alloc = Allocator()) : Container{alloc} { insert(first, last); }
  indexed_map(std::initializer_list<value_type> init, const Allocator& alloc = Allocator()) : Container{alloc} { insert(init.begin(), init.end()); }

  iterator find(std::string_view key) { return this->begin() + static_cast<std::ptrdiff_t>(position(key)); }
  const_iterator find(std::string_view key) const { return this->begin() + static_cast<std::ptrdiff_t>(position(key)); }
  size_type count(std::string_view key) const { return position(key) != this->size(); }

  template <class K>
  std::pair<iterator, bool> emplace(K&& key, T&& t) {
    const size_type at = position(std::string_view(key));
    if (at != this->size()) return {this->begin() + static_cast<std::ptrdiff_t>(at), false};
    Container::emplace_back(std::forward<K>(key), std::forward<T>(t));
    index_.added(*this);
    return {std::prev(this->end()), true};
  }
  T& operator[](const Key& key) { return emplace(key, T{}).first->second; }
  T& operator[](Key&& key) { return emplace(std::move(key), T{}).first->second; }
  template <class K>
    requires std::is_convertible_v<const K&, std::string_view>
  T& operator[](K&& key) { return emplace(Key(std::forward<K>(key)), T{}).first->second; }
  const T& operator[](std::string_view key) const { return at(key); }

  T& at(std::string_view key) { return checked(find(key))->second; }
  const T& at(std::string_view key) const { return checked(find(key))->second; }

  std::pair<iterator, bool> insert(value_type&& v) { return emplace(v.first, std::move(v.second)); }
  std::pair<iterator, bool> insert(const value_type& v) { return emplace(v.first, T(v.second)); }
  template <class It>
  void insert(It first, It last) {
    for (; first != last; ++first) insert(*first);
  }

  size_type erase(std::string_view key) {
    const auto it = find(key);
    if (it == this->end()) return 0;
    erase(it);
    return 1;
  }
  iterator erase(iterator pos) { return erase(pos, std::next(pos)); }
  iterator erase(iterator first, iterator last) {
    // The pairs hold const keys, so the tail is rebuilt in place (as ordered_map does); the index is dropped.
    const auto gap = std::distance(first, last);
    const auto offset = std::distance(this->begin(), first);
    if (gap == 0) return first;
    for (auto it = first; std::next(it, gap) != this->end(); ++it) {
      it->~value_type();
      new (&*it) value_type{std::move(*std::next(it, gap))};
    }
    Container::resize(this->size() - static_cast<size_type>(gap));
    index_.clear();
    return this->begin() + offset;
  }
  void clear() noexcept {
    Container::clear();
    index_.clear();
  }

 private:
  // Index of `key` in the vector, or size() when absent.
  size_type position(std::string_view key) const {
    if (this->size() <= kScanLimit) {
      const Container& c = *this;
      for (size_type i = 0; i < c.size(); ++i)
        if (std::string_view(c[i].first) == key) return i;
      return this->size();
    }
    return index_.position(*this, key);
  }
  iterator checked(iterator it) {
    if (it == this->end()) fail();
    return it;
  }
  const_iterator checked(const_iterator it) const {
    if (it == this->end()) fail();
    return it;
  }
  [[noreturn]] static void fail() {
#if defined(__cpp_exceptions)
    throw std::out_of_range("key not found");
#else
    std::abort();
#endif
  }

  // Positions ordered by key. Built on the first lookup past kScanLimit and kept up to date by emplace; a
  // copy or a move starts without one (the comparator points at its own map) and builds it when asked.
  class sorted_index {
   public:
    sorted_index() = default;
    sorted_index(const sorted_index&) {}
    sorted_index(sorted_index&&) noexcept {}
    sorted_index& operator=(const sorted_index&) { clear(); return *this; }
    sorted_index& operator=(sorted_index&&) noexcept { clear(); return *this; }

    size_type position(const Container& c, std::string_view key) {
      if (!set_ || covered_ != c.size()) build(c);
      const auto it = set_->find(key);
      return it == set_->end() ? c.size() : *it;
    }
    void added(const Container& c) {
      if (set_ && covered_ + 1 == c.size()) {
        set_->insert(static_cast<size_type>(covered_));
        ++covered_;
      }
    }
    void clear() noexcept { set_.reset(); covered_ = 0; }

   private:
    struct by_key {
      using is_transparent = void;
      const Container* c;
      std::string_view at(size_type i) const { return (*c)[i].first; }
      bool operator()(size_type a, size_type b) const { return at(a) < at(b); }
      bool operator()(size_type a, std::string_view b) const { return at(a) < b; }
      bool operator()(std::string_view a, size_type b) const { return a < at(b); }
    };
    void build(const Container& c) {
      set_.emplace(by_key{&c});
      for (size_type i = 0; i < c.size(); ++i) set_->insert(i);
      covered_ = c.size();
    }
    std::optional<std::set<size_type, by_key>> set_;
    size_type covered_ = 0;
  };
  mutable sorted_index index_;
};

}  // namespace neuroshrink
