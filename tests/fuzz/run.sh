#!/usr/bin/env bash
# The libFuzzer targets, built with clang (libFuzzer, address and undefined-behaviour sanitizers, leaks; a UB
# report aborts) by tests/fuzz/CMakeLists.txt into build/fuzz, and run on their corpora:
#   fuzz_gguf, fuzz_safetensors  the header readers (core/file_headers.cpp) on any bytes; seeds in
#                                tests/fuzz/corpus/{gguf,safetensors}/ (written by tests/file_headers_test.cpp)
#   fuzz_config                  parse_config (core/config.cpp, the family rules) on any bytes; seeds: every
#                                tests/fixtures/configs/*.json
#   fuzz_request                 estimate_json and table_json (core/report.h) on any bytes; seeds: requests
#                                around every fixture with each runtime, weight format, GPU, training method
#   fuzz_log                     read_runtime_log and reconcile_json (core/runtime_log.h, report.h) on any bytes
#                                as a log; seeds in tests/fuzz/corpus/log/ (llama.cpp, Ollama and vLLM logs)
# make-seeds.py writes the config and request seeds into build/fuzz/corpus_{config,request}/, beside what
# earlier runs added; config.dict is their dictionary. tests/fuzz/corpus/<target>/ holds hand-made seeds and
# crash reproducers: every run replays them first, so a fixed crash stays fixed.
#
# Usage: tests/fuzz/run.sh [SECONDS per target, default 600] [TARGET...]   (targets: gguf safetensors config request log)
#   tests/fuzz/run.sh 600       the long run: 10 minutes a target, two at a time (about 21 minutes on 2 cores)
#   tests/fuzz/run.sh 40        what ctest's `fuzz_short` runs (about 3 minutes with the build on 2 cores)
#   tests/fuzz/run.sh 300 request
# Environment: FUZZ_JOBS targets at a time (default 2), FUZZ_TIMEOUT seconds one input may take (default 10),
#   FUZZ_OUT the output folder (default build/fuzz), CXX_FUZZ the clang++ to use.
# Prints per target: executions, seconds, crashes, coverage (libFuzzer's cov: edges, ft: features), corpus.
# Exit status: 0 clean; 1 when a target crashed, a sanitizer reported, an input ran past FUZZ_TIMEOUT seconds,
# leaked or ran out of memory: the input is in build/fuzz/artifacts/<target>/ (reproduce it with
# `build/fuzz/fuzz_<target> FILE`; keep it as tests/fuzz/corpus/<target>/<name>); 77 (ctest: skipped) when
# clang++ or the fuzzing runtime is missing (Debian: apt-get install -y clang libclang-rt-14-dev, which
# scripts/setup.sh does).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gguf safetensors config request log)
jobs=${FUZZ_JOBS:-2}
timeout=${FUZZ_TIMEOUT:-10}
out=${FUZZ_OUT:-build/fuzz}
case "$seconds" in ''|*[!0-9]*) echo "usage: tests/fuzz/run.sh [SECONDS] [TARGET...]" >&2; exit 2 ;; esac
mkdir -p "$out"

skip() { echo "fuzz: SKIPPED: $1"; exit 77; }
cxx=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14 || true)}
[ -n "$cxx" ] || skip "no clang++ (Debian: apt-get install -y clang libclang-rt-14-dev; scripts/setup.sh installs both)"
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' > "$out/probe.cpp"
"$cxx" -fsanitize=fuzzer,address,undefined "$out/probe.cpp" -o "$out/probe" > "$out/probe.log" 2>&1 ||
  skip "$cxx cannot link a libFuzzer target with the sanitizers (the fuzzing runtime is missing: apt-get install -y libclang-rt-14-dev; scripts/setup.sh installs it). $(grep -m1 -E 'cannot find|error' "$out/probe.log" || true)"

echo "== building the fuzz targets with $cxx in $out"
start=$SECONDS
cmake -S tests/fuzz -B "$out" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE= > "$out/cmake.log" 2>&1 || { cat "$out/cmake.log"; exit 1; }
cmake --build "$out" -j"$(nproc 2>/dev/null || echo 2)" --target "${targets[@]/#/fuzz_}" > "$out/build.log" 2>&1 ||
  { grep -E -B2 -A8 'error' "$out/build.log" | head -80; echo "fuzz: the build failed (log: $out/build.log)"; exit 1; }
echo "   built in $((SECONDS - start)) s"
python3 tests/fuzz/make-seeds.py "$out"
for target in gguf safetensors log; do
  mkdir -p "$out/corpus_$target"
  cp tests/fuzz/corpus/$target/* "$out/corpus_$target/" 2>/dev/null || true
done

# One target: libFuzzer until SECONDS have passed or the first failure; its summary in $out/fuzz_T.summary.
run_one() {
  local t=$1 log=$out/fuzz_$1.log artifacts=$out/artifacts/$1 dict=() rc=0
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  case $t in config|request) dict=(-dict=tests/fuzz/config.dict) ;; esac
  local t0=$SECONDS
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} "$out/fuzz_$t" "$out/corpus_$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout="$timeout" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" > "$log" 2>&1 || rc=$?
  local wall=$((SECONDS - t0))
  local execs cov corp crashes status=ok
  execs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  corp=$(grep -oE 'corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 || true)
  crashes=$(find "$artifacts" -type f | wc -l)
  local rate rss
  rate=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  rss=$(grep -oE 'stat::peak_rss_mb: +[0-9]+' "$log" | grep -oE '[0-9]+$' || true)
  if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ] || grep -qE '^==[0-9]+==ERROR|runtime error:|ALARM: working on the last Unit|out-of-memory' "$log"; then
    status="FAILED (exit $rc)"
  fi
  echo "fuzz_$t: ${execs:-0} executions in $wall s (${rate:-?}/s), $crashes crash(es), ${cov:-cov: ? ft: ?}, ${corp:-corp: ?}, peak ${rss:-?} MB: $status" > "$out/fuzz_$t.summary"
  if [ "$status" != ok ]; then
    {
      echo "---- fuzz_$t report (full log: $log)"
      # the report, up to its SUMMARY line (at most 40 lines)
      awk '/^==[0-9]+==ERROR|runtime error:|ALARM: working on the last Unit|out-of-memory|deadly signal/ { on = 1 }
           on && n++ < 40 { print } on && /^SUMMARY/ { exit }' "$log"
      for f in "$artifacts"/*; do [ -f "$f" ] && echo "input: $f ($(wc -c < "$f") bytes): $(head -c 300 "$f" | tr -c '[:print:]' '.')"; done
    } >> "$out/fuzz_$t.summary"
    return 1
  fi
}

echo "== fuzzing ${targets[*]} for $seconds s each, $jobs at a time (input timeout $timeout s)"
for t in "${targets[@]}"; do
  rm -f "$out/fuzz_$t.summary"
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_one "$t" &
done
wait || true
failed=0
for t in "${targets[@]}"; do
  [ -f "$out/fuzz_$t.summary" ] || echo "fuzz_$t: no summary (killed?): FAILED" > "$out/fuzz_$t.summary"
  cat "$out/fuzz_$t.summary"
  head -1 "$out/fuzz_$t.summary" | grep -q ': ok$' || failed=1
done
[ $failed -eq 0 ] || { echo "fuzz: FAILED (inputs under $out/artifacts/)"; exit 1; }
echo "fuzz: all ${#targets[@]} targets clean"
