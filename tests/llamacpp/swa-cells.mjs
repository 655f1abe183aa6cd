#!/usr/bin/env node
// Sliding-window caches on a real llama.cpp (issue #18): writes Gemma 3 1B's exact llama.cpp layout (26 layers, every
// 6th global, window 512; zeroed sparse F16 weights), creates contexts at ubatch 512 and 2048, one and four
// sequences, with and without kv_unified, as llama-server would (swa_full off), and records the cells of each cache
// it prints ("llama_kv_cache_iswa: creating non-SWA / SWA KV cache, size = N cells"), the KV and compute buffers.
//
//   node tests/llamacpp/swa-cells.mjs --probe PATH/TO/context-probe [--out FILE] [--tmp DIR]
//   node tests/llamacpp/swa-cells.mjs --probe ... --layout phi-4 --weights Q4_0 --grid compute --no-repack
//     (any layout: n_ctx 4096 / 8192 x ubatch 512 / 2048 x flash attention on / off, one sequence; --no-repack keeps
//     the weights out of AMX / CPU_REPACK copies so that a large layout fits in memory: the context's buffers do not
//     depend on it)
//
// node-llama-cpp (the suite's llama.cpp) fixes kv_unified to false, and llama-server / llama-embedding decode or
// change the batch, so this runs context-probe.cpp (beside this file) built against a llama.cpp build: it creates
// the context with exactly these settings and exits.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGguf } from './gguf-writer.mjs';
import { LAYOUTS, buildLayout, readConfig, repoRoot } from './layouts.mjs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const bin = opt('--probe', process.env.LLAMA_CONTEXT_PROBE);
if (!bin) throw new Error('give --probe PATH/TO/context-probe (tests/llamacpp/context-probe.cpp built against llama.cpp)');
const out = path.resolve(opt('--out', path.join(os.tmpdir(), 'swa-cells.json')));
const tmp = fs.mkdtempSync(path.join(opt('--tmp', os.tmpdir()), 'swa-cells-'));

const GRID = [];
const gridKind = opt('--grid', 'swa');
if (gridKind === 'swa') {
  for (const ub of [512, 2048])
    for (const seqs of [1, 4])
      for (const unified of seqs > 1 ? [false, true] : [false]) GRID.push({ nCtx: 8192, ub, seqs, unified, fa: true });
} else {
  for (const nCtx of [4096, 8192])
    for (const ub of [512, 2048])
      for (const fa of [true, false]) GRID.push({ nCtx, ub, seqs: 1, unified: false, fa });
}

const id = opt('--layout', 'gemma-3-1b');
const weights = opt('--weights', 'F16');
const layout = buildLayout(readConfig(LAYOUTS[id]), { weights, name: id });
const file = path.join(tmp, `${id}-${weights}.gguf`);
writeGguf(file, layout);
const runs = [];
try {
  for (const g of GRID) {
    const argv = [file, String(g.nCtx), String(g.ub), String(g.ub), String(g.seqs), g.unified ? '1' : '0', g.fa ? '1' : '0'];
    const env = { ...process.env, ...(args.includes('--no-repack') ? { NO_REPACK: '1' } : {}) };
    const r = spawnSync(bin, argv, { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20, env });
    const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const cells = {};
    for (const m of log.matchAll(/creating\s+(non-SWA|SWA) KV cache, size = (\d+) cells/g)) cells[m[1]] = Number(m[2]);
    const kv = [...log.matchAll(/(\S+) KV buffer size =\s+([\d.]+) MiB/g)].map((m) => ({ buffer: m[1], mib: Number(m[2]) }));
    const compute = Number(log.match(/compute buffer size is ([\d.]+) MiB/)?.[1] ?? log.match(/CPU compute buffer size =\s+([\d.]+) MiB/)?.[1]);
    const params = {};
    for (const m of log.matchAll(/llama_context: (n_seq_max|n_ctx|n_ctx_seq|n_batch|n_ubatch|kv_unified)\s+= (\S+)/g)) params[m[1]] = m[2];
    if (gridKind === 'swa' && !cells.SWA) throw new Error(`no SWA cache line for ${JSON.stringify(g)}:\n${log.slice(-3000)}`);
    // the log as a user would paste it (scripts/fidelity.mjs reconciles it): llama.cpp's own lines, not the graph dump
    const lines = log.split('\n').filter((l) => /^(llama_model_loader: (loaded|- type)|print_info|load_tensors: .*buffer|llama_context|llama_kv_cache|sched_reserve: .*buffer)/.test(l));
    runs.push({ inputs: g, params, cells, kv_buffers: kv, compute_mib: compute, log: lines });
    console.log(`${JSON.stringify(g).padEnd(60)} ${JSON.stringify(cells)} ${JSON.stringify(kv)}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
fs.writeFileSync(out, `${JSON.stringify({
  description: gridKind === 'swa'
    ? 'llama.cpp sliding-window and full caches of Gemma 3 1B (window 512, every 6th layer global; zeroed F16 weights) by ubatch, sequences and --kv-unified: tests/llamacpp/swa-cells.mjs'
    : `llama.cpp's context buffers for ${id} (${weights}, zeroed weights${args.includes('--no-repack') ? ', no repacked copies' : ''}) by n_ctx, ubatch and flash attention: tests/llamacpp/swa-cells.mjs --grid compute`,
  weights,
  no_repack: args.includes('--no-repack'),
  llama_cpp: opt('--llama', 'the llama.cpp context-probe was built against (give --llama "<commit>")'),
  layout: id,
  config: LAYOUTS[id],
  runs,
}, null, 1)}\n`);
console.log(`wrote ${path.relative(repoRoot, out)}`);
