// A GGUF writer for the tests (gguf.h layout, little-endian): the header, metadata and tensor infos of files the
// tests write themselves (tests/file_headers_test.cpp, tests/gguf_model_test.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace neuroshrink {

struct gguf_writer {
  std::vector<uint8_t> b;
  template <typename T>
  void put(T v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    b.insert(b.end(), p, p + sizeof(T));
  }
  void str(const std::string& s) {
    put<uint64_t>(s.size());
    b.insert(b.end(), s.begin(), s.end());
  }
  void header(uint32_t version, uint64_t tensors, uint64_t kvs) {
    b.insert(b.end(), {'G', 'G', 'U', 'F'});
    put(version);
    put(tensors);
    put(kvs);
  }
  void kv_u32(const std::string& k, uint32_t v) { str(k); put<uint32_t>(4); put(v); }
  void kv_str(const std::string& k, const std::string& v) { str(k); put<uint32_t>(8); str(v); }
  void kv_f32(const std::string& k, float v) { str(k); put<uint32_t>(6); put(v); }
  void kv_bool(const std::string& k, bool v) { str(k); put<uint32_t>(7); put<uint8_t>(v); }
  void kv_i32_array(const std::string& k, const std::vector<int32_t>& v) {
    str(k);
    put<uint32_t>(9);
    put<uint32_t>(5);
    put<uint64_t>(v.size());
    for (auto x : v) put(x);
  }
  void tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type, uint64_t offset) {
    str(name);
    put<uint32_t>(static_cast<uint32_t>(ne.size()));
    for (auto d : ne) put(d);
    put(type);
    put(offset);
  }
  void pad(uint64_t align = 32) { while (b.size() % align) b.push_back(0); }
};

}  // namespace neuroshrink
