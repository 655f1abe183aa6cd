// Benchmark (not a test): the median time of one estimate in the wasm module under Node, for the
// Llama-3.1-8B fixture, measured as tests/bench/bench_estimate.cpp measures the native build (median of
// 31 rounds of 200 calls, after a warm-up), plus the median of single timed calls.
// The core step alone (a parsed config and its tensor inventory reused, as the report's solvers and the
// what-fits table reuse them) is timed inside WebAssembly by the benchmark module tests/bench/wasm/, built
// with the shipped flags but not shipped: `cmake --build build-wasm --target neuro-shrink-bench` first.
// Run after scripts/build.sh: node tests/bench/estimate-wasm.mjs
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

import { loadEstimator } from '../../dist/estimator.js';

const mod = await loadEstimator({ wasmBinary: fs.readFileSync(new URL('../../dist/neuro-shrink-core.wasm', import.meta.url)) });
const config = fs.readFileSync(new URL('../fixtures/configs/meta-llama__Meta-Llama-3.1-8B.json', import.meta.url), 'utf8');
const requestObject = { config, quantization: 'int4', context_tokens: 4096 };
const request = JSON.stringify(requestObject);

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function medianOfRounds(fn, rounds = 31, perRound = 200) {
  for (let i = 0; i < 5 * perRound; ++i) fn();  // warm-up: let V8 tier up the glue
  const times = [];
  for (let r = 0; r < rounds; ++r) {
    const t0 = performance.now();
    for (let i = 0; i < perRound; ++i) fn();
    times.push(((performance.now() - t0) * 1000) / perRound);
  }
  return median(times);
}

function medianOfCalls(fn, calls = 5000) {
  for (let i = 0; i < 1000; ++i) fn();
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; ++i) {
    const t0 = performance.now();
    fn();
    times[i] = (performance.now() - t0) * 1000;
  }
  return median(Array.from(times));
}

let sink = 0;
const full = medianOfRounds(() => { sink += mod.estimate(request).length; });
const single = medianOfCalls(() => { sink += mod.estimate(request).length; });
const roundTrip = medianOfRounds(() => { sink += JSON.parse(mod.estimate(JSON.stringify(requestObject))).memory.total_bytes; });
console.log(`wasm    estimate (request JSON -> report JSON), Llama-3.1-8B int4 4096 tokens: median ${full.toFixed(2)} us`);
console.log(`wasm    the same, each call timed alone (5000 calls):                          median ${single.toFixed(2)} us`);
console.log(`wasm    JSON.stringify(request) + estimate + JSON.parse(report), as the page:  median ${roundTrip.toFixed(2)} us`);
// The what-fits grid: every weight format x 8 contexts (1K..128K) x the GPU catalogue, one config parse.
const tableRequest = JSON.stringify({ config: requestObject.config });
const grid = JSON.parse(mod.table(tableRequest));
const cells = grid.quantizations.length * grid.contexts.length;
const tableUs = medianOfRounds(() => { sink += mod.table(tableRequest).length; }, 31, 20);
console.log(`wasm    table (${grid.quantizations.length} formats x ${grid.contexts.length} contexts x ${grid.gpus.length} GPUs = ${cells * grid.gpus.length} fits):    median ${(tableUs / 1000).toFixed(3)} ms`);
const benchJs = new URL('../../build-wasm/bench/neuro-shrink-bench.js', import.meta.url);
if (fs.existsSync(benchJs)) {
  const { default: initBench } = await import(benchJs);
  const bench = await initBench({ wasmBinary: fs.readFileSync(new URL('../../build-wasm/bench/neuro-shrink-bench.wasm', import.meta.url)) });
  const step = bench.coreStepUs(config, 'int4', 4096, false, true, 31, 200);
  const numbers = bench.coreStepUs(config, 'int4', 4096, false, false, 31, 200);
  const withInventory = bench.coreStepUs(config, 'int4', 4096, true, true, 31, 200);
  console.log(`wasm    core step, from a parsed config and its tensor inventory (timed in wasm):    median ${step.toFixed(2)} us`);
  console.log(`wasm    the same without the formula texts (the solvers' and the table's step):     median ${numbers.toFixed(2)} us`);
  console.log(`wasm    core step, building the tensor inventory each call (timed in wasm):      median ${withInventory.toFixed(2)} us`);
} else {
  console.log('wasm    core step: not measured (build it: cmake --build build-wasm --target neuro-shrink-bench)');
}
console.log(`node    ${process.version}; sink ${sink > 0 ? 'ok' : 'empty'}`);
