// Benchmark (not a test): the median time of one estimate in the wasm module under Node, for the
// Llama-3.1-8B fixture. Run after scripts/build.sh: node tests/bench/estimate-wasm.mjs
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

import { loadEstimator } from '../../dist/estimator.js';

const mod = await loadEstimator({ wasmBinary: fs.readFileSync(new URL('../../dist/neuro-shrink-core.wasm', import.meta.url)) });
const config = fs.readFileSync(new URL('../fixtures/configs/meta-llama__Meta-Llama-3.1-8B.json', import.meta.url), 'utf8');
const request = JSON.stringify({ config, quantization: 'int4', context_tokens: 4096 });

function median(fn, rounds = 31, perRound = 200) {
  for (let i = 0; i < perRound; ++i) fn();  // warm-up
  const times = [];
  for (let r = 0; r < rounds; ++r) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; ++i) fn();
    times.push(((performance.now() - t0) * 1000) / perRound);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

let sink = 0;
const full = median(() => { sink += mod.estimate(request).length; });
const parsed = median(() => { sink += JSON.parse(mod.estimate(request)).memory.total_bytes; });
console.log(`wasm    estimate (request JSON -> report JSON), Llama-3.1-8B int4 4096 tokens: median ${full.toFixed(2)} us`);
console.log(`wasm    estimate + JSON.parse of the report in JS:                             median ${parsed.toFixed(2)} us`);
if (!sink) console.log('');
