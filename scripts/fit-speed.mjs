#!/usr/bin/env node
// Fits llama.cpp's single-stream decode model to the published llama-bench tg rows
// (tests/fixtures/published/llama-bench.json) and prints the constants core/speed.cpp holds (issue #20):
//   step time = bytes read per token / (bandwidth x efficiency[family, weight width]) + layers x per-layer time
//               + (GPUs - 1) x per-boundary time (layer split)
// The per-layer time is the part of a step no bandwidth explains: a kernel's launch and its ramp and tail, the
// same on every card of a family. For each candidate per-layer time the efficiencies are the median over the
// rows of that width; the per-layer time kept is the one of least mean |log error|. Then the boundary time from
// the multi-GPU rows. Run: node scripts/fit-speed.mjs [--rows | --json] (needs build/native/neuro-shrink-native);
// tests/node/fit-speed.test.mjs holds core/speed.cpp's constants to what it prints.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { benchRequest } from './bench-rows.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const native = process.env.NEURO_SHRINK_NATIVE ?? path.join(root, 'build/native/neuro-shrink-native');
const core = (flag, request) => JSON.parse(spawnSync(native, flag ? [flag] : [], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20 }).stdout);
const bench = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/published/llama-bench.json'), 'utf8'));
const catalogue = core('--catalogue', {}).gpus;
const configText = (id) => fs.readFileSync(path.join(root, 'tests/fixtures/configs', `${id}.json`), 'utf8');
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const width = (bits) => (bits >= 12 ? 'wide' : bits >= 6.5 ? 'eight_bit' : 'narrow');

const rows = [];
const prefill = [];  // single-GPU pp rows whose GPU has a dense fp16 figure
for (const row of bench.rows) {
  const b = benchRequest(row, catalogue.map((g) => g.name), configText);
  if (b.skip) continue;
  const report = core(null, b.request);
  const gpu = catalogue.find((g) => g.name === b.request.gpu);
  if (b.kind === 'prefill') {
    if (gpu.fp16_flops_per_s && b.request.gpus === 1) prefill.push({ row, cls: `${report.speed.prefill_class} ${report.speed.backend}`, util: row.t_s * report.speed.flops_per_token / gpu.fp16_flops_per_s });
    continue;
  }
  const bits = report.memory.stored_weights_bytes * 8 / report.parameters.total;
  rows.push({ row, family: `${report.speed.family} ${report.speed.backend}`, width: width(bits), gpus: b.request.gpus, layers: report.model.num_hidden_layers,
    read_s: report.speed.bytes_per_token / gpu.bandwidth_bytes_per_s, measured_s: 1 / row.t_s });
}

function fit(list) {
  let best = null;
  const fewRows = list.filter((r) => r.gpus === 1).length < 6;  // too few to tell a per-layer time from an efficiency
  for (let us = 0; us <= (fewRows ? 0 : 400); us += 1) {
    const c = us * 1e-6;
    const eff = {};
    for (const w of ['wide', 'eight_bit', 'narrow']) {
      const of = list.filter((r) => r.width === w && r.gpus === 1 && r.measured_s > r.layers * c);
      if (of.length) eff[w] = Math.min(1, median(of.map((r) => r.read_s / (r.measured_s - r.layers * c))));
    }
    const e = (r) => eff[r.width] ?? median(Object.values(eff));
    const single = list.filter((r) => r.gpus === 1);
    const loss = single.reduce((s, r) => s + Math.abs(Math.log((r.read_s / e(r) + r.layers * c) / r.measured_s)), 0) / single.length;
    if (!best || loss < best.loss) best = { c, eff, loss, e };
  }
  const multi = list.filter((r) => r.gpus > 1);
  best.boundary = multi.length ? median(multi.map((r) => (r.measured_s - r.read_s / best.e(r) - r.layers * best.c) / (r.gpus - 1))) : null;
  return best;
}

const json = process.argv.includes('--json');
const out = { decode: {}, prefill: {} };
const log = (line) => { if (!json) console.log(line); };
const pooled = [];  // measured / predicted over every family's rows: the range of a family of fewer than 10 rows
for (const family of [...new Set(rows.map((r) => r.family))].sort()) {
  const list = rows.filter((r) => r.family === family);
  const f = fit(list);
  const errs = list.map((r) => { const p = 1 / (r.read_s / f.e(r) + r.layers * f.c + (r.gpus - 1) * Math.max(0, f.boundary ?? 0)); return (p - r.row.t_s) / r.row.t_s * 100; });
  const ratios = list.map((r, i) => 1 / (1 + errs[i] / 100)).sort((a, b) => a - b);
  pooled.push(...ratios);
  const q = (x) => ratios[Math.min(ratios.length - 1, Math.floor(x * ratios.length))];
  const eff = Object.fromEntries(Object.entries(f.eff).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
  out.decode[family] = { rows: list.length, efficiency: eff, layer_us: Math.round(f.c * 1e6), boundary_us: f.boundary == null ? null : Math.round(Math.max(0, f.boundary) * 1e6) };
  log(`${family.padEnd(18)} rows ${String(list.length).padStart(3)}  efficiency ${JSON.stringify(eff)}  per layer ${(f.c * 1e6).toFixed(0)} us` +
    `  per boundary ${f.boundary == null ? '-' : (Math.max(0, f.boundary) * 1e6).toFixed(0) + ' us'}  |error| median ${median(errs.map(Math.abs)).toFixed(1)} % worst ${Math.max(...errs.map(Math.abs)).toFixed(1)} %  measured/predicted p10 ${q(0.1).toFixed(2)} p90 ${q(0.9).toFixed(2)}`);
  if (!json && process.argv.includes('--rows')) for (const [i, r] of list.entries()) console.log(`   ${r.row.hardware.slice(0, 30).padEnd(30)} x${r.gpus} ${r.row.model.slice(0, 20).padEnd(20)} ${r.row.test.padEnd(6)} ${r.row.t_s.toFixed(1).padStart(7)} ${errs[i].toFixed(1).padStart(7)} %`);
}

pooled.sort((a, b) => a - b);
log(`pooled             rows ${String(pooled.length).padStart(3)}  measured/predicted p10 ${pooled[Math.floor(0.1 * pooled.length)].toFixed(2)} p90 ${pooled[Math.floor(0.9 * pooled.length)].toFixed(2)}`);

// Prefill: per class, measured pp tokens/s x FLOPs per token / the catalogue's dense fp16 figure.
for (const cls of [...new Set(prefill.map((r) => r.cls))].sort()) {
  const utils = prefill.filter((r) => r.cls === cls).map((r) => r.util);
  out.prefill[cls] = { rows: utils.length, efficiency: Math.round(median(utils) * 1000) / 1000 };
  log(`prefill ${cls.padEnd(18)} rows ${String(utils.length).padStart(3)}  efficiency (median) ${median(utils).toFixed(3)}  range ${Math.min(...utils).toFixed(2)} to ${Math.max(...utils).toFixed(2)}`);
}
if (json) console.log(JSON.stringify(out, null, 1));
