// Profile (not a test): where a whole estimate (or a what-fits table) spends its time inside the wasm module,
// by function, from V8's sampling profiler. Needs a module linked with function names:
//   emcmake cmake -S . -B build-wasm-prof -DCMAKE_BUILD_TYPE=MinSizeRel "-DNEURO_SHRINK_FULL_OPT=-O3;--profiling-funcs"
//   cmake --build build-wasm-prof --target neuro-shrink-core
// then: node tests/bench/profile-wasm.mjs build-wasm-prof/out [estimate|table] [config fixture name]
// Prints the functions with the most self time, the inclusive time of the stages (JSON parsing, the core
// estimate, the report writer) and the self time by kind (JS glue, malloc, libc++ strings). Sampled every
// 50 us over 4 s of calls; the per-call figures are wall time, so profile on a quiet machine.
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir = 'build-wasm/out', what = 'estimate', fixtureName = 'meta-llama__Meta-Llama-3.1-8B'] = process.argv.slice(2);
const out = pathToFileURL(path.resolve(dir) + '/');
const root = new URL('../../', import.meta.url);
const { default: createModule } = await import(new URL('neuro-shrink-core.js', out));
const mod = await createModule({ wasmBinary: fs.readFileSync(new URL('neuro-shrink-core.wasm', out)) });
const config = fs.readFileSync(new URL(`tests/fixtures/configs/${fixtureName}.json`, root), 'utf8');
const request = JSON.stringify(what === 'table' ? { config } : { config, quantization: 'int4', context_tokens: 4096 });
const call = what === 'table' ? () => mod.table(request).length : () => mod.estimate(request).length;

let sink = 0;
for (const until = performance.now() + 2000; performance.now() < until;) sink += call();  // warm-up: TurboFan tiers up
const session = new inspector.Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 50 });
await session.post('Profiler.start');
let calls = 0;
for (const until = performance.now() + 4000; performance.now() < until; ++calls) sink += call();
const { profile } = await session.post('Profiler.stop');

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const hits = new Map();
for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
const total = profile.samples.length;
const name = (n) => n.callFrame.functionName || `(${n.callFrame.url ? path.basename(n.callFrame.url) : 'program'})`;
const self = new Map();
for (const [id, h] of hits) self.set(name(byId.get(id)), (self.get(name(byId.get(id))) ?? 0) + h);
const us = (h) => ((h / total) * (4000 * 1000)) / calls;
console.log(`${what} of ${fixtureName}: ${calls} calls in 4 s, ${total} samples; us per call (share)`);
console.log('self time, top 30:');
for (const [f, h] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30))
  console.log(`  ${us(h).toFixed(2).padStart(8)}  ${((100 * h) / total).toFixed(1).padStart(5)}%  ${f.slice(0, 110)}`);
// Inclusive time of stages: a sample counts for a stage when a frame on its stack is one of its functions.
const stages = [
  ['nlohmann JSON (the request and config parses)', /^nlohmann::/],
  ['  of which neuroshrink::parse_config', /^neuroshrink::parse_config/],
  ['neuroshrink::tensors_of', /^neuroshrink::tensors_of/],
  ['neuroshrink::estimate (core step)', /^neuroshrink::estimate\(/],
  ['neuroshrink::solve', /^neuroshrink::solve/],
  ['neuroshrink::json_writer (writing the report)', /^neuroshrink::json_writer::/],
];
const stackHas = (id, re) => {
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (re.test(name(byId.get(cur)))) return true;
  return false;
};
console.log('inclusive time:');
for (const [label, re] of stages) {
  let h = 0;
  for (const [id, count] of hits) if (stackHas(id, re)) h += count;
  console.log(`  ${us(h).toFixed(2).padStart(8)}  ${((100 * h) / total).toFixed(1).padStart(5)}%  ${label}`);
}
// Self time by kind of leaf function.
const kinds = [
  ['JS: the Embind glue (string marshalling, UTF8ToString) and the benchmark loop', (n) => !n.callFrame.url.startsWith('wasm:') && n.callFrame.url !== ''],
  ['V8: garbage collector, program, idle', (n) => n.callFrame.url === ''],
  ['wasm: malloc / free', (n) => /^(malloc|free|realloc|dlmalloc|dlfree|emmalloc|operator new|operator delete|sbrk)/.test(name(n))],
  ['wasm: memcpy / memset / memmove / strlen', (n) => /^(__memcpy|memcpy|memset|memmove|strlen)/.test(name(n))],
  ['wasm: std::string / vector members (libc++)', (n) => /^(std::__2::basic_string|std::__2::vector|std::__2::__vector_base|std::__2::char_traits|std::__2::__compressed_pair|std::__2::_MetaBase|std::__2::basic_string_view|char\* std::__2::|std::__2::allocator)/.test(name(n))],
  ['wasm: other', () => true],
];
const kindHits = kinds.map(() => 0);
for (const [id, count] of hits) kindHits[kinds.findIndex(([, test]) => test(byId.get(id)))] += count;
console.log('self time by kind:');
kinds.forEach(([label], i) => console.log(`  ${us(kindHits[i]).toFixed(2).padStart(8)}  ${((100 * kindHits[i]) / total).toFixed(1).padStart(5)}%  ${label}`));
console.log(`sink ${sink > 0 ? 'ok' : 'empty'}`);
