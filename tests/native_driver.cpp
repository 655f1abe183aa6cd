// Reads one estimate request (JSON) from stdin and prints the report; `--catalogue` prints the tables.
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
  std::cout << neuroshrink::estimate_json(request);
  return 0;
}
