#!/usr/bin/env bash
# Builds the header readers' libFuzzer targets with clang (address, undefined and leak sanitizers) and runs
# each on its seed corpus (tests/fuzz/corpus/, written by tests/file_headers_test.cpp).
# Usage: tests/fuzz/run.sh [SECONDS per target, default 600]. Needs clang and libclang-rt-14-dev (Debian).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
out=build/fuzz
mkdir -p "$out"
sources=$(ls core/*.cpp core/families/*.cpp)
for target in gguf safetensors; do
  clang++ -std=c++20 -O1 -g -fno-exceptions -DJSON_NOEXCEPTION -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Icore tests/fuzz/fuzz_$target.cpp $sources -o "$out/fuzz_$target"
done
for target in gguf safetensors; do
  mkdir -p "$out/corpus_$target"
  cp tests/fuzz/corpus/$target/* "$out/corpus_$target/" 2>/dev/null || true
  "$out/fuzz_$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    "$out/corpus_$target" > "$out/fuzz_$target.log" 2>&1 &
done
wait
for target in gguf safetensors; do
  echo "== $target"; grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|Done" "$out/fuzz_$target.log" || true
done
