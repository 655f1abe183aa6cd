// Reads one estimate request (JSON) from stdin and prints the report; `--table` prints the what-fits grid
// for the request instead, `--catalogue` the core's tables.
#include <iostream>
#include <iterator>
#include <string>
#include <string_view>

#include "report.h"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "--catalogue") {
    std::cout << neuroshrink::catalogue_json();
    return 0;
  }
  const std::string request((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (argc > 1 && std::string_view(argv[1]) == "--table") {
    std::cout << neuroshrink::table_json(request);
    return 0;
  }
  std::cout << neuroshrink::estimate_json(request);
  return 0;
}
