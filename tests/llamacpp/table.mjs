#!/usr/bin/env node
// Prints tests/fixtures/llamacpp/measurements.json (or the file given) as a Markdown table.
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './layouts.mjs';

const file = process.argv[2] ?? path.join(repoRoot, 'tests/fixtures/llamacpp/measurements.json');
const { records } = JSON.parse(fs.readFileSync(file, 'utf8'));
const head = ['layout', 'weights', 'tag', 'n_ctx', 'ubatch', 'FA', 'K/V', 'seq', 'model MiB', 'KV MiB', 'compute MiB', 'output MiB', 'KV cells × layers'];
const rows = records.map((r) => {
  const i = r.inputs;
  const s = r.sizes_mib;
  return [
    r.layout, r.weights, r.tag, i.n_ctx, i.n_ubatch, i.flash_attention ? 'on' : 'off', `${i.type_k}/${i.type_v}`, i.n_seq,
    ...(r.ok
      ? [s.model.toFixed(2), s.kv.toFixed(2), s.compute.toFixed(2), s.output.toFixed(2),
         r.kv_caches.map((c) => `${c.kind} ${c.cells}×${c.layers}${c.streams > 1 ? `×${c.streams}str` : ''}`).join(', ')]
      : ['—', '—', '—', '—', `refused: ${r.log.find((l) => /requires|error/i.test(l)) ?? r.error}`]),
  ];
});
console.log(`| ${head.join(' | ')} |\n|${head.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
