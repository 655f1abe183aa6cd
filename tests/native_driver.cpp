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
    std::ifstream in(argv[2], std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::cout << neuroshrink::estimate_file_json(bytes, bytes.size(), request.empty() ? "{}" : request);
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
