#!/usr/bin/env bash
# The first README command: install what is missing, build, and serve the app at http://127.0.0.1:8080
# (PORT=... to change it). Any static server can serve dist/; this one is Python's, on every machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
port="${PORT:-8080}"
echo "== serving dist/ at http://127.0.0.1:${port}/ (Ctrl-C to stop)"
exec python3 -m http.server "$port" --bind 127.0.0.1 -d dist
