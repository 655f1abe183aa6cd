#!/usr/bin/env bash
# The real-runtime check of the suite (ctest: llamacpp_live): writes GGUFs with the exact tensor layouts of
# four architectures (Qwen3-0.6B: q/k norms, tied; Gemma-2-2B: sliding window; Qwen2.5-7B: q/k/v biases;
# each in F16 and Q4_K_M), loads them in the llama.cpp CPU build inside node-llama-cpp, creates 72 contexts
# (context, ubatch, flash attention on/off, f16/q8_0 K and V, sequences) and checks the llama.cpp profile of
# the core against what that llama.cpp printed: n_ctx and KV exact, output exact, model within 0.01 %,
# compute within 5 %. ~2 minutes on 2 cores; the sparse GGUFs take a few MB of disk.
# Usage: tests/llamacpp/live.sh PATH/TO/core_tests
set -euo pipefail
cd "$(dirname "$0")/../.."
core_tests=${1:?usage: tests/llamacpp/live.sh PATH/TO/core_tests}
if [ ! -d tests/llamacpp/node_modules/node-llama-cpp ]; then
  echo "node-llama-cpp is not installed in tests/llamacpp (scripts/setup.sh installs it)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node tests/llamacpp/measure.mjs --layouts qwen3-0.6b,gemma-2-2b,qwen2.5-7b --weights F16,Q4_K_M --out "$work/measured.json" --tmp "$work"
NEURO_SHRINK_LLAMACPP_MEASUREMENTS="$work/measured.json" "$core_tests" "llama.cpp profile*"
