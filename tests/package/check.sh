#!/usr/bin/env bash
# The npm package as a user gets it (issue #19): `npm pack` of this repo, installed offline into an empty
# project (the package has no dependencies, so no registry is needed: npm's registry is pointed at a dead
# loopback port and its cache is a fresh empty folder), then used three ways:
#   1. the CLI, through npx, on a fixture config (--json, --version);
#   2. `import { estimate, catalogue } from 'neuro-shrink'` in a Node ESM script of that project;
#   3. the installed folder served as a CDN serves it (a second origin), the <neuro-shrink> element on a host
#      page of a first origin, in Chromium, with and without a strict Content-Security-Policy
#      (e2e/package-cdn.spec.mjs, run by tests/package/playwright.config.mjs).
# Before the install: the tarball's size and file count, and what it must not hold (tests/, e2e/, fixtures
# other than the configs dist/models/ ships) or weigh (over 2 MB compressed).
#
#   tests/package/check.sh                      all of it (ctest: package_check)
#   tests/package/check.sh --install-only DIR   pack, check and install into DIR (an empty or missing folder),
#                                               print the installed package's folder last; used by the spec
#                                               when it runs alone
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
here=$repo/tests/package
MAX_BYTES=$((2 * 1024 * 1024))
FIXTURE=$repo/tests/fixtures/configs/meta-llama__Meta-Llama-3.1-8B.json

if [ "${1:-}" = --install-only ]; then
  [ $# -eq 2 ] || { echo "usage: $0 --install-only DIR" >&2; exit 2; }
  mode=install
  mkdir -p "$2"
  work=$(cd "$2" && pwd)
else
  mode=all
  work=$(mktemp -d "${TMPDIR:-/tmp}/neuro-shrink-package.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
[ -f dist/neuro-shrink-core.wasm ] || { echo "check.sh: dist/ is not built (scripts/build.sh)" >&2; exit 1; }

# No registry, no shared cache: anything that would need one fails instead of passing by luck.
export npm_config_registry=http://127.0.0.1:9/
export npm_config_cache=$work/npm-cache
export npm_config_update_notifier=false
export npm_config_audit=false
export npm_config_fund=false

log() { echo "== $*" >&2; }

log "npm pack"
mkdir -p "$work/pack"
npm pack --json --pack-destination "$work/pack" > "$work/pack.json" 2> "$work/pack.err" || { cat "$work/pack.err" >&2; exit 1; }
# The size, the file count and the policy on what the tarball holds (tests/package/tarball.mjs).
node "$here/tarball.mjs" "$work/pack.json" "$work/pack" "$MAX_BYTES" >&2
tarball=$(node -e 'const [p] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(p.filename)' "$work/pack.json")
tarball=$work/pack/$tarball
version=$(node -p 'require("./package.json").version')

log "npm install --offline (an empty project, no registry)"
mkdir -p "$work/project"
(cd "$work/project" && npm init -y >/dev/null && npm install --offline --no-audit --no-fund "$tarball" >&2)
pkg=$work/project/node_modules/neuro-shrink
[ -f "$pkg/package.json" ] || { echo "check.sh: the install left no node_modules/neuro-shrink" >&2; exit 1; }
[ "$(node -p 'require(process.argv[1]).version' "$pkg/package.json")" = "$version" ] || { echo "check.sh: installed version differs" >&2; exit 1; }

if [ "$mode" = install ]; then
  echo "$pkg"
  exit 0
fi

log "1. the CLI: npx --offline neuro-shrink"
cli_version=$(cd "$work/project" && npx --offline --no-install neuro-shrink --version)
echo "neuro-shrink --version: $cli_version" >&2
case "$cli_version" in *"$version"*) ;; *) echo "check.sh: --version says '$cli_version', not $version" >&2; exit 1 ;; esac
(cd "$work/project" && npx --offline --no-install neuro-shrink --config "$FIXTURE" --json) > "$work/cli.json"
# shellcheck disable=SC2016  # JavaScript, not shell
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const total = r.memory?.total_bytes;
  if (!(Number.isFinite(total) && total > 0)) { console.error("check.sh: the CLI JSON has no memory.total_bytes"); process.exit(1); }
  console.error(`neuro-shrink --config ${require("path").basename(process.argv[2])} --json: memory.total_bytes = ${total}`);
' "$work/cli.json" "$FIXTURE"

log "2. import { estimate, catalogue } from 'neuro-shrink' (Node ESM, in the project)"
cp "$here/esm-check.mjs" "$work/project/esm-check.mjs"
(cd "$work/project" && node esm-check.mjs "$FIXTURE") >&2

log "3. the installed package from a CDN-like second origin, the element on a host page (Chromium)"
NEURO_SHRINK_PACKAGE_DIR=$pkg "$repo/node_modules/.bin/playwright" test -c tests/package/playwright.config.mjs >&2

log "package check passed"
