// The wasm module gives byte-identical reports to the native build of the same core.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, test } from 'node:test';

const NATIVE = process.env.NEURO_SHRINK_NATIVE ?? new URL('../../build/native/neuro-shrink-native', import.meta.url).pathname;
const WASM = new URL('../../dist/neuro-shrink-core.wasm', import.meta.url);
const FIRST_WASM = new URL('../../dist/neuro-shrink-first.wasm', import.meta.url);
const FIXTURES = new URL('../fixtures/configs/', import.meta.url);

for (const [file, what] of [[NATIVE, 'the native driver'], [WASM.pathname, 'the wasm module']]) {
  if (!fs.existsSync(file)) throw new Error(`${what} is not built (${file} is missing). Run "bash scripts/build.sh" first.`);
}
const { catalogue, estimateReport, loadEstimator } = await import('../../dist/shared/estimator.js');
const wasm = await loadEstimator({ wasmBinary: fs.readFileSync(WASM) });

// Requests beyond the defaults: each quantization, long and short contexts, batches, a KV dtype.
const VARIANTS = [
  {},
  { quantization: 'int4' },
  { quantization: 'int4', context_tokens: 32768, batch_size: 4 },
  { quantization: 'int8', context_tokens: 1_048_576 },
  { quantization: 'fp16', context_tokens: 1, batch_size: 64 },
  { quantization: 'bf16', context_tokens: 8192, kv_cache_dtype: 'fp8' },
  { quantization: 'fp32', context_tokens: 2048 },
  { runtime: 'llama.cpp', quantization: 'Q4_K_M', context_tokens: 8192, gpu: 'RTX 4090' },
  { runtime: 'llama.cpp', quantization: 'IQ2_XXS', gpu_layers: 10, kv_cache_dtype: 'q8_0' },
  { runtime: 'vllm', quantization: 'fp8', gpu: 'H100 SXM' },
  { mode: 'train', training: { method: 'lora', seq_len: 2048, checkpointing: 'full' } },
  { mode: 'train', gpus: 8, training: { zero: 3, optimizer: 'adamw-8bit', offload: 'optimizer' } },
];

describe('wasm and native reports', () => {
  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort()) {
    test(`are byte-identical for ${file}`, () => {
      const config = fs.readFileSync(new URL(file, FIXTURES), 'utf8');
      const model_id = file.replace('__', '/').replace(/\.json$/, '');
      for (const variant of VARIANTS) {
        const request = JSON.stringify({ config, model_id, ...variant });
        assertSameBytes(wasm.estimate(request), native(request), JSON.stringify(variant));
      }
    });
  }

  test('are byte-identical for the Hub cross-check', () => {
    const config = fs.readFileSync(new URL('meta-llama__Llama-2-7b-hf.json', FIXTURES), 'utf8');
    const hub = { parameters_total: 6_738_417_664, safetensors_total_bytes: 13_476_835_328 };
    const request = JSON.stringify({ config, model_id: 'meta-llama/Llama-2-7b-hf', hub });
    assertSameBytes(wasm.estimate(request), native(request), 'hub');
  });

  test('are byte-identical for bad input', () => {
    const requests = ['not json', '[]', '{}', JSON.stringify({ config: '{oops' }), JSON.stringify({ config: '{}', context_tokens: -1 }),
      JSON.stringify({ config: '{"model_type":"llama"}', quantization: 'q9' })];
    for (const request of requests) assertSameBytes(wasm.estimate(request), native(request), request);
  });

  test('have the same catalogue', () => {
    const r = spawnSync(NATIVE, ['--catalogue'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assertSameBytes(wasm.catalogue(), r.stdout, 'catalogue');
  });
});

// The families whose rules the first module does not link: the model_types of core/families/decoders_rules.h,
// ssm_rules.h and vlm_rules.h (the first string of each X(...) entry), read from the headers so that the list has one home.
const HANDED_OVER = new Set(['decoders_rules.h', 'ssm_rules.h', 'vlm_rules.h', 'longtail_dense_rules.h', 'longtail_moe_rules.h'].flatMap((h) =>
  [...fs.readFileSync(new URL(`../../core/families/${h}`, import.meta.url), 'utf8').matchAll(/^\s*X\("([^"]+)"/gm)]
    .flatMap((m) => m[1].split(' '))));

// The page's first-estimate module (the same core without the GGUF planner): the same bytes as the full
// module for everything it answers, and a hand-over issue for what it does not.
describe('the first-estimate module', async () => {
  const { default: createFirst } = await import('../../dist/neuro-shrink-first.js');
  const first = await createFirst({ wasmBinary: fs.readFileSync(FIRST_WASM) });

  test('gives the full module\'s bytes for every fixture, or hands the request over', () => {
    for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort()) {
      const config = fs.readFileSync(new URL(file, FIXTURES), 'utf8');
      for (const variant of VARIANTS) {
        const request = JSON.stringify({ config, ...variant });
        const answer = first.estimate(request);
        const full = wasm.estimate(request);
        // The first module hands over GGUF file types, training, a chosen GPU and model_types it has no rule
        // for (the full module's fallbacks: architectures class, text_config, MoE fields, generic decoder).
        const fullReport = JSON.parse(full);
        const fallback = fullReport.issues.some((i) => i.code === 'unknown_architecture' || i.code === 'model_type_from_architecture') ||
            HANDED_OVER.has(fullReport.model?.family);
        if (/^(Q|IQ)/.test(variant.quantization ?? '') || variant.mode === 'train' || variant.gpu || fallback) {
          assert.ok(JSON.parse(answer).issues.some((i) => i.code === 'needs_full_estimator'), `${file} ${JSON.stringify(variant)}`);
        } else {
          // The same report but for the formulas' prose: the first module leaves the formats' descriptions and the
          // sources to the full one (core/variant_text.h), whose answer replaces it on the page.
          // (The full module adds what other tools would say, `others`: core/others.cpp, left out of the first.)
          const plainWeights = (text) => JSON.parse(text, (k, v) => (k === 'others' ? undefined : k === 'formulas' && Array.isArray(v) ? v.map((f) => f.component)
            : k === 'defaults_source' ? undefined : k === 'message' && /^Fields absent from config\.json/.test(v) ? v.replace(/taken from the .* defaults:/, 'taken from the defaults:') : v));
          assert.deepStrictEqual(plainWeights(answer), plainWeights(full), `${file} ${JSON.stringify(variant)} (first vs full)`);
        }
      }
    }
    // The same tables, without the prose the first module leaves to the full one (core/variant_text.h).
    const PROSE = new Set(['doc', 'accepts', 'source', 'description', 'default_text', 'metavar', 'unit']);
    const plain = (text) => JSON.parse(text, (k, v) => (PROSE.has(k) && typeof v === 'string' ? undefined : v));
    // ... and without the links a cluster names (interconnect's values): the first module hands clusters over.
    // ... and the model_types: the first module lists the rules it links (it hands every other one over).
    // ... and without the speed figures (bandwidth, throughput, the speed families and bands): the full module's.
    const SPEED = ['bandwidth_bytes_per_s', 'fp16_flops_per_s', 'hbm', 'speed_family', 'fp16_unknown_reason'];
    const noSpeed = (g) => Object.fromEntries(Object.entries(g).filter(([k]) => !SPEED.includes(k)));
    const noLinks = (c) => ({ ...c, model_types: undefined, speed_bands: undefined, gpus: c.gpus.map(noSpeed),
      options: c.options.map((o) => (o.name === 'interconnect' ? { ...o, values: undefined } : o)) });
    assert.deepStrictEqual(noLinks(plain(first.catalogue())), noLinks(plain(wasm.catalogue())), 'catalogue (first vs full)');
    const fullTypes = new Set(JSON.parse(wasm.catalogue()).model_types);
    const firstTypes = JSON.parse(first.catalogue()).model_types;
    assert.ok(firstTypes.length > 20 && firstTypes.every((t) => fullTypes.has(t) && !HANDED_OVER.has(t)), 'the first module lists the rules it links');
    assert.ok([...HANDED_OVER].every((t) => fullTypes.has(t)), 'the full module lists every rule');
    assert.deepStrictEqual(JSON.parse(first.catalogue()).options.find((o) => o.name === 'interconnect').values, []);
    const c = JSON.parse(first.catalogue());
    const prose = [...c.options.map((o) => o.doc), ...c.gpus.map((g) => g.source), ...c.gguf_file_types.map((t) => t.description), ...c.runtimes.map((r) => r.source),
      ...c.quantizations.flatMap((q) => [q.description ?? '', q.source ?? ''])];
    assert.ok(prose.every((v) => v === ''), 'the first module carries no option docs, GPU sources or format descriptions');
  });

  test('hands a GGUF file type over to the full module through estimator.js', async () => {
    const config = fs.readFileSync(new URL('meta-llama__Meta-Llama-3.1-8B.json', FIXTURES), 'utf8');
    const report = await estimateReport({ config, runtime: 'llama.cpp', quantization: 'Q4_K_M' });
    assert.equal(report.gguf.file_type, 'Q4_K_M');
    // token_embd 128256 x 4096 in Q4_K (144 bytes per 256) on the host, as llama.cpp's CPU_Mapped buffer.
    assert.equal(report.components.find((c) => c.key === 'model_buffer_host').bytes, 128256 * 4096 / 256 * 144);
  });
});

describe('the wasm estimator', () => {
  test('answers bad input with issues instead of aborting', async () => {
    const report = await estimateReport({ config: '{"model_type": "llama", "hidden_size": "huge"}' });
    assert.equal(report.issues[0].code, 'invalid_field');
    assert.equal(report.issues[0].field, 'hidden_size');
    // The module still works afterwards.
    const ok = await estimateReport({ config: fs.readFileSync(new URL('Qwen__Qwen3-0.6B.json', FIXTURES), 'utf8') });
    assert.equal(ok.parameters.total, 596_049_920);
  });

  test('lists its quantizations and GPUs', async () => {
    const c = await catalogue();
    assert.deepEqual(c.quantizations.map((q) => q.name).slice(0, 5), ['fp32', 'fp16', 'bf16', 'int8', 'int4']);
    assert.ok(c.gpus.length >= 60);
  });
});

describe('the what-fits table', () => {
  test('is byte-identical between wasm and native for every fixture', () => {
    for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort()) {
      const request = JSON.stringify({ config: fs.readFileSync(new URL(file, FIXTURES), 'utf8') });
      const r = spawnSync(NATIVE, ['--table'], { input: request, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assertSameBytes(wasm.table(request), r.stdout, `the table of ${file}`);
    }
  });

  test('grows with the context and shrinks with the weight format', async () => {
    const { table } = await import('../../dist/shared/estimator.js');
    const t = await table({ config: fs.readFileSync(new URL('meta-llama__Meta-Llama-3.1-8B.json', FIXTURES), 'utf8'), contexts: [4096, 32768] });
    assert.deepEqual(t.contexts, [4096, 32768]);
    const q = (name) => t.quantizations.indexOf(name);
    assert.ok(t.total_bytes[q('int4')][0] < t.total_bytes[q('bf16')][0]);
    assert.ok(t.total_bytes[q('bf16')][0] < t.total_bytes[q('bf16')][1]);
    assert.ok(t.fits[q('int4')][0] >= t.fits[q('bf16')][0]);
    assert.equal(t.issues.length, 0);
  });
});

// --- helpers ---

function native(request) {
  const r = spawnSync(NATIVE, [], { input: request, encoding: 'utf8' });
  assert.equal(r.error, undefined, `cannot run ${NATIVE}: ${r.error?.message}`);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

// Equal strings, or a short message at the first differing byte (the reports are a few KB each).
function assertSameBytes(fromWasm, fromNative, what) {
  if (fromWasm === fromNative) return;
  let i = 0;
  while (i < fromWasm.length && fromWasm[i] === fromNative[i]) ++i;
  const around = (s) => JSON.stringify(s.slice(Math.max(0, i - 60), i + 60));
  assert.fail(`wasm and native differ for ${what} at byte ${i} (lengths ${fromWasm.length} and ${fromNative.length}); ` +
    `rebuild both with scripts/build.sh if one is stale.\n  wasm:   ${around(fromWasm)}\n  native: ${around(fromNative)}`);
}
