#!/usr/bin/env bash
# Builds the native core, its tests and benchmark (build/), the wasm module (build-wasm/), and assembles
# the static site in dist/: the web/ sources plus neuro-shrink-core.{js,wasm} (the full estimator) and
# neuro-shrink-first.{js,wasm} (the first-estimate build, see wasm/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

# Debian's emscripten runs tools/acorn-optimizer.js, which needs Debian's node-acorn on NODE_PATH.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

echo "== native build (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"

echo "== wasm build (build-wasm/)"
emcmake cmake -S . -B build-wasm -DCMAKE_BUILD_TYPE=MinSizeRel >/dev/null
cmake --build build-wasm -j"$jobs"

echo "== static site (dist/)"
rm -rf dist
mkdir -p dist/models
cp -R web/. dist/
cp build-wasm/out/neuro-shrink-core.js build-wasm/out/neuro-shrink-core.wasm build-wasm/out/neuro-shrink-first.js build-wasm/out/neuro-shrink-first.wasm dist/
# Minify the ES modules in place (terser, from package.json): the page's first-estimate payload has a
# 100 KB gzipped budget. web/ keeps the readable sources.
if [ -x node_modules/.bin/terser ]; then
  while IFS= read -r -d '' js; do
    node_modules/.bin/terser "$js" --module --compress passes=2 --mangle --output "$js.min" && mv "$js.min" "$js"
  done < <(find dist -name '*.js' -print0)
else
  echo "note: node_modules/.bin/terser is missing (run scripts/setup.sh); dist/ is not minified"
fi
# The popular models the page ships (scripts/shipped-models.tsv): their real config.json from the test
# fixtures, and an index for the page.
printf '{"models":[' > dist/models/index.json
first=1
while IFS=$'\t' read -r id fixture; do
  case "$id" in ''|'#'*) continue ;; esac
  file="models/${id//\//__}.json"
  cp "tests/fixtures/configs/$fixture.json" "dist/$file"
  [ $first -eq 1 ] || printf ',' >> dist/models/index.json
  printf '{"id":"%s","file":"%s"}' "$id" "$file" >> dist/models/index.json
  first=0
done < scripts/shipped-models.tsv
printf ']}\n' >> dist/models/index.json
node scripts/minify-static.mjs $(find dist -name '*.css' -o -name '*.html')
# The default model, named once (web/shared/models.js): index.html's model field and its config's preload.
default_model=$(node --input-type=module -e "const { DEFAULT_MODEL: m } = await import('./web/shared/models.js'); console.log(m.id + '\t' + m.file)")
default_id=${default_model%%$'\t'*}
default_file=${default_model#*$'\t'}
[ -f "dist/$default_file" ] || { echo "build: the default model's config ($default_file) is not one the site ships" >&2; exit 1; }
sed -i -e "s#__DEFAULT_MODEL_ID__#$default_id#g" -e "s#__DEFAULT_MODEL_FILE__#$default_file#g" dist/index.html
# The service worker precaches every file the site ships (terser may have turned the placeholder's quotes
# into double quotes).
precache=$(cd dist && find . -type f ! -name sw.js | sed 's#^\./##' | LC_ALL=C sort | sed 's/.*/"&"/' | paste -sd, -)
sed -i -E "s#[\"']__PRECACHE__[\"']#$precache#" dist/sw.js
grep -q __PRECACHE__ dist/sw.js && { echo "build: the service worker's precache list was not filled in" >&2; exit 1; }

# The service worker's cache version: a hash of everything it precaches, so a new build is a new version.
version=$(cd dist && find . -type f ! -name sw.js -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
sed -i "s/__BUILD_VERSION__/$version/" dist/sw.js
echo "dist/ ready: $(find dist -type f | wc -l) files (service worker version $version)"
