#!/usr/bin/env bash
# Regenerates FIDELITY.md (and its baseline, tests/fixtures/fidelity-baseline.json) from every committed log and
# live measurement: scripts/fidelity.mjs. Needs the native driver: bash scripts/build.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node scripts/fidelity.mjs --write
