// Benchmark (not a test): the bytes the page fetches before its first estimate, gzipped at level 9 as a
// static server would send them. Budget: 100,000 bytes. Run after scripts/build.sh: node tests/bench/payload.mjs
// The list is what index.html and app.js (with the page/ and shared/ modules it imports) load up to the first answer (e2e/calculator.spec.mjs checks it
// against the page's real requests): the page, its modules, the first-estimate wasm build and the
// embedded default config. The Hub client (shared/hub-fetch.js) loads after it. The full estimator
// (neuro-shrink-core.{js,wasm}) is fetched after the first answer and is printed apart.
// Another build: NEURO_SHRINK_DIST=<folder> node tests/bench/payload.mjs
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const dist = process.env.NEURO_SHRINK_DIST ? pathToFileURL(path.resolve(process.env.NEURO_SHRINK_DIST) + '/') : new URL('../../dist/', import.meta.url);
const gz = (f) => zlib.gzipSync(fs.readFileSync(new URL(f, dist)), { level: 9 }).length;
const { DEFAULT_MODEL } = await import(new URL('shared/models.js', dist).href);
const first = ['index.html', 'style.css', 'app.js', 'page/store.js', 'page/render.js', 'page/url.js', 'shared/estimator.js',
  'shared/format.js', 'shared/models.js', 'shared/params.js', 'shared/verdict.js', 'neuro-shrink-first.js', 'neuro-shrink-first.wasm', DEFAULT_MODEL.file];
let total = 0;
for (const f of first) {
  const n = gz(f);
  total += n;
  console.log(`${f.padEnd(46)} ${String(n).padStart(7)} bytes gzipped`);
}
console.log(`${'before the first estimate'.padEnd(46)} ${String(total).padStart(7)} bytes gzipped (budget 100000)`);
const later = ['shared/hub-fetch.js', 'neuro-shrink-core.js', 'neuro-shrink-core.wasm'];
for (const f of later) console.log(`${f.padEnd(46)} ${String(gz(f)).padStart(7)} bytes gzipped`);
console.log(`${'after it: the Hub client and full estimator'.padEnd(46)} ${String(later.reduce((a, f) => a + gz(f), 0)).padStart(7)} bytes gzipped`);
