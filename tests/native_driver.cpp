// Reads one estimate request (JSON) from stdin and prints the report; `--table` prints the what-fits grid
// for the request instead, `--catalogue` the core's tables, `--header [SIZE]` the header of the weight file
// read from stdin (SIZE: the file's declared size), `--reconcile` a log held against the estimate.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include <cstdint>
#include <vector>

#include "file_headers.h"
#include "report.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--catalogue") {
    std::cout << neuroshrink::catalogue_json();
    return 0;
  }
  const std::string request((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (argc > 1 && std::string_view(argv[1]) == "--header") {
    const std::vector<uint8_t> bytes(request.begin(), request.end());
    std::cout << neuroshrink::file_header_json(bytes, argc > 2 ? std::stoull(argv[2]) : 0);
    return 0;
  }
  if (argc > 2 && std::string_view(argv[1]) == "--gguf") {  // --gguf FILE < request: the GGUF-only estimate
    // (its first 64 MiB: a header is never larger here; the file's size as declared)
    std::ifstream in(argv[2], std::ios::binary | std::ios::ate);
    const uint64_t size = static_cast<uint64_t>(in.tellg());
    std::vector<uint8_t> bytes(std::min<uint64_t>(size, 64u << 20));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    std::cout << neuroshrink::estimate_file_json(bytes, size, request.empty() ? "{}" : request);
    return 0;
  }
  if (argc > 1 && std::string_view(argv[1]) == "--reconcile") {
    std::cout << neuroshrink::reconcile_json(request);
    return 0;
  }
  if (argc > 1 && std::string_view(argv[1]) == "--table") {
    std::cout << neuroshrink::table_json(request);
    return 0;
  }
  std::cout << neuroshrink::estimate_json(request);
  return 0;
}
