#!/usr/bin/env bash
# The second README command: install what is missing, build, and run every test under ctest: the Catch2
# unit tests of the core (also built with ASan and UBSan), the Node tests (wasm, CLI), the Playwright specs
# in Debian's Chromium and a short run of the fuzz targets (tests/fuzz/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
# The unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer (ctest's core_tests_asan):
# only the core and core_tests, in build-asan/.
echo "== sanitizer build (build-asan/)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNEURO_SHRINK_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc 2>/dev/null || echo 2)" --target core_tests
cd build
ctest --output-on-failure --timeout 1500 "$@"
