#!/usr/bin/env bash
# The second README command: install what is missing, build, and run every test under ctest: the Catch2
# unit tests of the core, the Node tests (wasm, CLI) and the Playwright specs in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
cd build
ctest --output-on-failure --timeout 1500 "$@"
