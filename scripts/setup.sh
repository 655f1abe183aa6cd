#!/usr/bin/env bash
# Installs what the build and the tests need and is missing: Debian packages, then the npm packages
# pinned by package-lock.json. Safe to run again: it installs nothing that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian 12 package -> a file it installs, to tell whether it is there.
declare -A wanted=(
  [cmake]=/usr/bin/cmake
  [g++]=/usr/bin/g++
  [make]=/usr/bin/make
  [emscripten]=/usr/bin/emcc
  [nlohmann-json3-dev]=/usr/include/nlohmann/json.hpp
  [catch2]=/usr/include/catch2/catch.hpp
  [chromium]=/usr/bin/chromium
  [python3]=/usr/bin/python3
  [clang]=/usr/bin/clang++
)
missing=()
for pkg in "${!wanted[@]}"; do
  [ -e "${wanted[$pkg]}" ] || missing+=("$pkg")
done
# Node.js and npm: any install will do (Debian's nodejs + npm when there is none).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
# libFuzzer and clang's sanitizer runtimes, for the fuzz targets (tests/fuzz/run.sh; ctest skips them without).
compgen -G '/usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a' >/dev/null || missing+=(libclang-rt-14-dev)

if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm packages (Playwright's test runner; it uses Debian's Chromium and downloads no browser).
if [ ! -d node_modules/@playwright/test ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== installing npm packages"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi

# The llama.cpp CPU build for the suite's real-runtime check (tests/llamacpp/README.md): its own
# package.json, installed with `npm install` (not `npm ci`: the registry lacks some of node-llama-cpp's
# optional platform packages, which `npm ci` then refuses), without the CUDA/Vulkan builds.
if [ ! -d tests/llamacpp/node_modules/node-llama-cpp ] || [ tests/llamacpp/package-lock.json -nt tests/llamacpp/node_modules/.package-lock.json ]; then
  echo "== installing node-llama-cpp (tests/llamacpp)"
  npm install --prefix tests/llamacpp --omit=optional --no-audit --no-fund
fi
