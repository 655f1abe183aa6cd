#!/usr/bin/env node
// Expert offload on a real llama.cpp (issue #16): writes OLMoE-1B-7B's exact llama.cpp layout (64 experts x 16
// layers, llama-quantize's Q4_0 mix, zeroed sparse weights), loads it with a llama.cpp build's common arguments
// (--n-cpu-moe N, -ot REGEX=CPU) and records every model buffer it prints, per variant. On a GPU build the experts
// those name move from the GPU's buffer to CPU_Mapped: the host / device partition of core/runtimes/llama_cpp.cpp.
// A CPU-only build cannot show it: llama.cpp resolves an override to CPU to the CPU device's first buffer type,
// CPU_REPACK for Q4_0 ("buffer type overridden to CPU_REPACK"), where those experts were already, so every variant
// prints the same buffers (measured at llama.cpp de3ff81, CPU build with AVX2, AVX512 and AMX: AMX 224.60 MiB,
// CPU_Mapped 3663.77 MiB, CPU_REPACK 3456.00 MiB with and without --n-cpu-moe 4).
//
//   node tests/llamacpp/moe-offload.mjs --bin PATH/TO/llama-embedding [--out FILE] [--tmp DIR]
//
// node-llama-cpp (the suite's llama.cpp) has no tensor overrides, so this runs a llama.cpp built from source.
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
const bin = opt('--bin', process.env.LLAMA_CPP_BIN);
if (!bin) throw new Error('give --bin PATH/TO/llama-embedding (a llama.cpp CPU build)');
const out = path.resolve(opt('--out', path.join(os.tmpdir(), 'moe-offload.json')));
const tmp = fs.mkdtempSync(path.join(opt('--tmp', os.tmpdir()), 'moe-offload-'));

const VARIANTS = [
  [],
  ['--n-cpu-moe', '1'],
  ['--n-cpu-moe', '4'],
  ['--n-cpu-moe', '16'],
  ['-ot', 'exps=CPU'],
  ['-ot', 'blk\\.(1|3)\\.ffn_(up|down)_exps=CPU'],
];

const layout = buildLayout(readConfig(LAYOUTS['olmoe-1b-7b']), { weights: 'Q4_0', name: 'olmoe-1b-7b' });
const file = path.join(tmp, 'olmoe-1b-7b-Q4_0.gguf');
const written = writeGguf(file, layout);
const runs = [];
try {
  for (const extra of VARIANTS) {
    const argv = ['-m', file, '-p', 'hello', '-c', '256', '-t', '2', '--no-warmup', '-ngl', '99', '-v', ...extra];
    const r = spawnSync(bin, argv, { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
    const log = `${r.stdout ?? ''}${r.stderr ?? ''}`;
    const buffers = {};
    for (const m of log.matchAll(/load_tensors:\s+(\S+) model buffer size =\s+([\d.]+) MiB/g)) buffers[m[1]] = Number(m[2]);
    if (!Object.keys(buffers).length) throw new Error(`no model buffer line for ${extra.join(' ') || 'the default'}:\n${log.slice(-3000)}`);
    runs.push({ args: extra, buffers_mib: buffers, log: log.split('\n').filter((l) => /load_tensors|overriding|CPU_REPACK|repack/.test(l)).slice(0, 40) });
    console.log(`${(extra.join(' ') || '(default)').padEnd(40)} ${JSON.stringify(buffers)}`);
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
fs.writeFileSync(out, `${JSON.stringify({
  description: 'llama.cpp model buffers of OLMoE-1B-7B (llama-quantize Q4_0 mix, zeroed weights) under --n-cpu-moe and -ot on a CPU build: tests/llamacpp/moe-offload.mjs',
  llama_cpp: `${version.stdout ?? ''}${version.stderr ?? ''}`.trim().split('\n').filter((l) => /version|built/.test(l)).join('; '),
  cpu: fs.readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? '',
  layout: 'olmoe-1b-7b',
  config: LAYOUTS['olmoe-1b-7b'],
  weights: 'Q4_0',
  file_bytes: written.fileBytes,
  runs,
}, null, 2)}\n`);
console.log(`wrote ${path.relative(repoRoot, out)}`);
