// Benchmark (not a test): how parsing time grows with the size of hostile or huge inputs (issue #12): a
// config.json with 10k / 40k / 200k extra keys through a whole estimate, and a safetensors header with 10k /
// 40k / 200k tensors through fileHeader(), in the shipped wasm module and in the native driver. Linear (or
// n log n) growth is the goal: before the indexed object type, 40k keys took 88.6 s in wasm and a 200k-tensor
// header did not finish.
// Run after scripts/build.sh: node tests/bench/parse-scaling.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

import { estimateReport, fileHeader, loadEstimator } from '../../dist/shared/estimator.js';

const root = new URL('../../', import.meta.url);
const native = new URL('build/native/neuro-shrink-native', root).pathname;
await loadEstimator({ wasmBinary: fs.readFileSync(new URL('dist/neuro-shrink-core.wasm', root)) });
const base = JSON.parse(fs.readFileSync(new URL('tests/fixtures/configs/meta-llama__Meta-Llama-3.1-8B.json', root), 'utf8'));

function configWithKeys(n) {
  const c = { ...base };
  for (let i = 0; i < n; ++i) c[`extra_${i}`] = i;
  return JSON.stringify(c);
}

function safetensorsWithTensors(n) {
  const header = {};
  for (let i = 0; i < n; ++i) header[`model.layers.${i >> 7}.mlp.experts.${i & 127}.down_proj.weight`] = { dtype: 'BF16', shape: [16, 8], data_offsets: [i * 256, i * 256 + 256] };
  const text = Buffer.from(JSON.stringify(header));
  const bytes = Buffer.alloc(8 + text.length);
  bytes.writeBigUInt64LE(BigInt(text.length), 0);
  text.copy(bytes, 8);
  return bytes;
}

async function time(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function nativeTime(args, input) {
  if (!fs.existsSync(native)) return NaN;
  const t0 = performance.now();
  const r = spawnSync(native, args, { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`native driver failed: ${r.stderr}`);
  return performance.now() - t0;
}

const fmt = (ms) => (Number.isNaN(ms) ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
console.log('input                          bytes        wasm      native (process)');
for (const n of [10_000, 40_000, 200_000]) {
  const config = configWithKeys(n);
  const request = { config, context_tokens: 4096 };
  const wasm = await time(async () => {
    const r = await estimateReport(request);
    if (r.issues.some((i) => i.level === 'error')) throw new Error(r.issues[0].message);
  });
  const nat = nativeTime([], JSON.stringify(request));
  console.log(`config.json + ${String(n).padStart(7)} keys   ${String(config.length).padStart(9)}   ${fmt(wasm).padStart(9)}   ${fmt(nat).padStart(9)}`);
}
for (const n of [10_000, 40_000, 200_000]) {
  const bytes = safetensorsWithTensors(n);
  const fileSize = bytes.length + n * 256;  // the header, then the tensor data it describes
  const wasm = await time(async () => {
    const h = await fileHeader(new Uint8Array(bytes), fileSize);
    if (h.status !== 'ok' || h.tensor_count !== n) throw new Error(`header: ${h.status}`);
  });
  const nat = nativeTime(['--header', String(fileSize)], bytes);
  console.log(`safetensors ${String(n).padStart(7)} tensors   ${String(bytes.length).padStart(9)}   ${fmt(wasm).padStart(9)}   ${fmt(nat).padStart(9)}`);
}
