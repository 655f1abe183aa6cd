// The report's JSON Schema (api/report.schema.json, issue #19) against what the JS API returns: the estimate of every
// fixture config under every runtime (with and without a catalogue GPU), as a GGUF file type and as training; error
// reports; table(), catalogue() and reconcile() of every log the fidelity report reconciles (scripts/fidelity.mjs)
// against their $defs. A mutated report must fail, so that the schema cannot pass everything.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';

import Ajv2020 from 'ajv/dist/2020.js';

import { catalogue, estimateReport, readFileHeader, reconcile, table } from '../../api/node.mjs';
import { writeGguf } from '../llamacpp/gguf-writer.mjs';
import { LAYOUTS, buildLayout, readConfig } from '../llamacpp/layouts.mjs';

const ROOT = new URL('../../', import.meta.url);
const read = (rel) => fs.readFileSync(new URL(rel, ROOT), 'utf8');
const readJson = (rel) => JSON.parse(read(rel));

const schema = readJson('api/report.schema.json');
// Strict: every keyword known, every required key declared; union types ("type": ["integer", "null"]) allowed.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
ajv.addSchema(schema);
const validator = (def) => ajv.getSchema(def ? `${schema.$id}#/$defs/${def}` : schema.$id);
const validateReport = validator();

const CONFIGS = fs.readdirSync(new URL('tests/fixtures/configs/', ROOT)).filter((f) => f.endsWith('.json')).sort();
const config = (file) => read(`tests/fixtures/configs/${file}`);
const modelId = (file) => file.replace(/\.json$/, '').replace('__', '/');

// Validates `reply` against `validate`, failing with what was asked and the first errors.
function check(validate, reply, label) {
  if (validate(reply)) return;
  const errors = validate.errors.slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
  assert.fail(`${label}: the reply does not match the schema:\n  ${errors.join('\n  ')}`);
}

// The contract beyond the schema's reach (README "The report (contract)"): the estimate is there exactly when no issue
// is an error, and the expanded fits follow their headroom.
function checkContract(report, label) {
  const error = report.issues.some((i) => i.level === 'error');
  assert.equal('memory' in report, !error, `${label}: the estimate fields must be present exactly when no issue is an error`);
  for (const f of report.fits ?? []) assert.equal(f.fits, f.headroom_bytes >= 0, `${label}: fits of ${f.name} against its headroom`);
}

const counted = { estimate: 0, error: 0, table: 0, catalogue: 0, reconcile: 0 };
process.on('exit', () => {
  process.stdout.write(`report-schema: validated ${counted.estimate} estimate reports, ${counted.error} error reports, ${counted.table} table replies, ` +
    `${counted.catalogue} catalogue, ${counted.reconcile} reconcile replies\n`);
});

async function validEstimate(request, label) {
  return validEstimateOf(() => estimateReport(request), label);
}

async function validEstimateOf(ask, label) {
  const report = await ask();
  check(validateReport, report, label);
  checkContract(report, label);
  counted[report.issues.some((i) => i.level === 'error') ? 'error' : 'estimate']++;
  return report;
}

const cat = await catalogue();
const RUNTIMES = cat.runtimes.map((r) => r.name);

describe('api/report.schema.json', () => {
  test('compiles in strict mode, with TableReply, ReconcileReply and CatalogueReply', () => {
    assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
    for (const def of ['Report', 'TableReply', 'ReconcileReply', 'CatalogueReply']) assert.equal(typeof validator(def), 'function', def);
  });

  test('keeps to the subset scripts/types.mjs reads: every property described, $refs to PascalCase $defs', () => {
    const KEYWORDS = new Set(['$schema', '$id', 'title', 'description', '$ref', '$defs', 'type', 'properties', 'required', 'items', 'enum', 'const',
      'additionalProperties', 'minimum', 'maximum', 'oneOf', 'if', 'then', 'else']);
    const TYPES = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean', 'null']);
    for (const name of Object.keys(schema.$defs)) assert.match(name, /^[A-Z][A-Za-z0-9]*$/, `$defs name ${name}`);
    const walk = (s, at) => {
      if (s === true) return;
      assert.equal(typeof s, 'object', at);
      for (const k of Object.keys(s)) assert.ok(KEYWORDS.has(k), `${at}: keyword ${k} is outside the subset`);
      if (s.$ref) assert.ok(/^#\/\$defs\/\w+$/.test(s.$ref) && schema.$defs[s.$ref.slice(8)], `${at}: $ref ${s.$ref}`);
      for (const t of [s.type ?? []].flat()) assert.ok(TYPES.has(t), `${at}: type ${t}`);
      for (const [k, p] of Object.entries(s.properties ?? {})) {
        assert.ok(typeof p.description === 'string' && p.description.length > 0, `${at}.${k} has no description`);
        walk(p, `${at}.${k}`);
      }
      for (const k of ['items', 'additionalProperties', 'if', 'then', 'else']) if (s[k] !== undefined) walk(s[k], `${at}/${k}`);
      for (const [i, x] of (s.oneOf ?? []).entries()) walk(x, `${at}/oneOf/${i}`);
      for (const [k, x] of Object.entries(s.$defs ?? {})) walk(x, k);
    };
    walk(schema, '#');
  });

  test('catalogue() matches CatalogueReply', () => {
    check(validator('CatalogueReply'), cat, 'catalogue()');
    assert.ok(RUNTIMES.length >= 7 && cat.gpus.length > 100);
    counted.catalogue++;
  });

  test('every fixture config under every runtime, with and without a GPU, as Q4_K_M and in training', async () => {
    let estimates = 0;
    for (const file of CONFIGS) {
      const base = { config: config(file), model_id: modelId(file) };
      for (const runtime of RUNTIMES) {
        for (const gpu of [undefined, 'RTX 4090']) {
          const r = await validEstimate({ ...base, runtime, gpu, context_tokens: 8192 }, `${file} ${runtime} ${gpu ?? 'no GPU'}`);
          estimates += 'memory' in r;
        }
      }
      await validEstimate({ ...base, runtime: 'llama.cpp', quantization: 'Q4_K_M', gpu: 'RTX 4090' }, `${file} llama.cpp Q4_K_M`);
      await validEstimate({ ...base, mode: 'train', training: { method: 'lora' } }, `${file} LoRA`);
      await validEstimate({ ...base, mode: 'train', training: { method: 'lora' }, gpu: 'RTX 4090' }, `${file} LoRA on RTX 4090`);
    }
    // Most of them are estimates (a few pre-quantized checkpoints are refused by llama.cpp and MLX, SSMs in training).
    assert.ok(estimates > CONFIGS.length * RUNTIMES.length * 2 * 0.9, `${estimates} estimates`);
  });

  test('the optional parts: several GPUs and machines, offload, images, drafts, MTP, the Hub check, weight files', async () => {
    const L8 = config('meta-llama__Meta-Llama-3.1-8B.json');
    const L70 = config('meta-llama__Llama-3.3-70B-Instruct.json');
    const QVL = config('Qwen__Qwen2.5-VL-7B-Instruct.json');
    const MOE = config('Qwen__Qwen3-30B-A3B.json');
    const Q06 = config('Qwen__Qwen3-0.6B.json');
    const cases = {
      'vLLM over 4 GPUs (layouts)': { config: L70, runtime: 'vllm', gpu: 'H100', gpus: 4 },
      'vLLM over 2 machines': { config: L70, runtime: 'vllm', gpu: 'H100', gpus: 8, nodes: 2, interconnect: 'infiniband-ndr' },
      'vLLM MoE, expert parallel': { config: MOE, runtime: 'vllm', gpu: 'H100', gpus: 4, expert_parallel: true },
      'SGLang over 2 GPUs': { config: L70, runtime: 'sglang', gpu: 'H100', gpus: 2 },
      'llama.cpp on two GPUs': { config: L70, runtime: 'llama.cpp', quantization: 'Q4_K_M', gpu: ['RTX 3090', 'RTX 3060'] },
      'llama.cpp offload': { config: L70, runtime: 'llama.cpp', quantization: 'Q4_K_M', gpu: 'RTX 4090' },
      'llama.cpp MoE experts offload': { config: MOE, runtime: 'llama.cpp', quantization: 'Q8_0', gpu: 'RTX 4060' },
      'llama.cpp with system RAM given': { config: L70, runtime: 'llama.cpp', quantization: 'Q4_K_M', gpu: 'RTX 4090', host_memory_bytes: 16e9, gpu_layers: 40 },
      'llama.cpp with a draft': { config: L70, runtime: 'llama.cpp', quantization: 'Q4_K_M', gpu: 'H100', draft_model: 'meta-llama/Llama-3.2-1B',
        draft_config: config('meta-llama__Llama-3.2-1B.json') },
      'llama.cpp with mmproj': { config: QVL, runtime: 'llama.cpp', quantization: 'Q4_K_M', mmproj: true, gpu: 'RTX 4090' },
      'images': { config: QVL, images: 2, image_size: '640x480', gpu: 'RTX 4090' },
      'MTP': { config: config('XiaomiMiMo__MiMo-7B-Base.json'), runtime: 'vllm', gpu: 'H100', mtp: true },
      'Hub check': { config: L8, hub: { parameters_total: 8030261248, safetensors_total_bytes: 16060522496 } },
      'Hub mismatch': { config: L8, hub: { parameters_total: 7030261248 } },
      // Qwen3-0.6B's Hub total counts the tied lm_head stored beside the embedding (tests/node/hub-server.mjs HUB_TOTALS).
      'Hub check explained': { config: Q06, hub: { parameters_total: 751632384 } },
      'a GPU given by its memory': { config: L8, gpu_memory_bytes: 12e9 },
      'unified memory': { config: L70, runtime: 'mlx', gpu: 'M4 Max 128GB' },
      'LoRA adapters served': { config: L8, runtime: 'vllm', gpu: 'H100', adapter_rank: 16, max_adapters: 4 },
      'ollama': { config: L8, runtime: 'ollama', gpu: 'RTX 3060' },
      'ZeRO-3 with the optimizer offloaded': { config: L8, mode: 'train', training: { method: 'full', zero: 3, offload: 'optimizer' }, gpu: 'H100', gpus: 4 },
      'QLoRA': { config: L8, mode: 'train', training: { method: 'qlora', checkpointing: 'full' }, gpu: 'RTX 4090' },
    };
    for (const [label, request] of Object.entries(cases)) {
      const r = await validEstimate(request, label);
      assert.ok('memory' in r, `${label}: ${r.issues.map((i) => i.message).join(' ')}`);
    }

    // The checkpoint's safetensors header, as the page and the CLI give it (readFileHeader's `weights` digest).
    const base = await estimateReport({ config: Q06 });
    const header = { __metadata__: { format: 'pt' } };
    let at = 0;
    for (const t of base.tensors) {
      for (let i = 0; i < t.layers; i++) {
        const n = t.shape.reduce((a, x) => a * x, 2);
        header[t.name.replace('{i}', String(i))] = { dtype: 'BF16', shape: t.shape, data_offsets: [at, at + n] };
        at += n;
      }
    }
    const json = Buffer.from(JSON.stringify(header));
    const bytes = Buffer.concat([Buffer.alloc(8), json]);
    bytes.writeBigUInt64LE(BigInt(json.length));
    const size = bytes.length + at;  // the tensor data after the header: zeros, never read
    const slice = async (end) => {
      const out = new Uint8Array(Math.min(end, size));
      out.set(bytes.subarray(0, out.length));
      return { bytes: out, size };
    };
    const { header: digest } = await readFileHeader(slice);
    assert.equal(digest.status, 'ok');
    const files = await validEstimate({ config: Q06, weights: [digest.weights] }, 'weight files');
    assert.ok(files.weight_files, 'weight_files');
  });

  test('a GGUF alone (estimateFile, as the page and the CLI ask it), and one cut short', async () => {
    // The page's estimateFile (not in the package API) on the same wasm module: a Qwen3-0.6B GGUF written by the
    // llama.cpp harness's writer (sparse zero data), read through its header.
    const { estimateFile } = await import(new URL('dist/shared/file-header.js', ROOT).href);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-report-schema-'));
    const file = path.join(tmp, 'qwen3-0.6b.gguf');
    let size, got;
    try {
      writeGguf(file, buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'Q4_K_M', name: 'qwen3-0.6b' }));
      size = fs.statSync(file).size;
      got = await readFileHeader(async (end) => {
        const out = Buffer.alloc(Math.min(end, size));
        const fd = fs.openSync(file, 'r');
        fs.readSync(fd, out, 0, out.length, 0);
        fs.closeSync(fd);
        return { bytes: new Uint8Array(out.buffer, out.byteOffset, out.length), size };
      });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    const { header, bytes } = got;
    assert.equal(header.status, 'ok');
    for (const request of [{ context_tokens: 8192 }, { gpu: 'RTX 4090', context_tokens: 32768 }]) {
      const report = await validEstimateOf(() => estimateFile(bytes, size, request), `GGUF alone ${JSON.stringify(request)}`);
      assert.ok(report.file && 'memory' in report, JSON.stringify(report.issues));
    }
    const short = await validEstimateOf(() => estimateFile(bytes.subarray(0, 64), size, {}), 'GGUF cut short');
    assert.equal(short.file?.status, 'need_more');
  });

  test('error reports', async () => {
    const L8 = config('meta-llama__Meta-Llama-3.1-8B.json');
    const cases = {
      'config that is not JSON': { config: 'not json' },
      'model_type that is not a string': { config: '{"model_type": 7}' },
      'no config': { context_tokens: 4096 },
      'an absurd context': { config: L8, context_tokens: 1e15 },
      'a negative batch': { config: L8, batch_size: -1 },
      'an unknown runtime': { config: L8, runtime: 'no-such-runtime' },
      'an unknown GPU': { config: L8, gpu: 'no such GPU' },
      'two names of one field': { config: L8, context: 4096, context_tokens: 8192 },
      'a format the runtime does not load': { config: L8, runtime: 'mlx', quantization: 'Q4_K_M' },
      'training a state-space model': { config: config('state-spaces__mamba-2.8b-hf.json'), mode: 'train' },
      'a config past the size limit': { config: `{"model_type": "llama", "pad": "${'x'.repeat(cat.limits.config_bytes)}"}` },
    };
    for (const [label, request] of Object.entries(cases)) {
      const r = await validEstimate(request, label);
      assert.ok(r.issues.some((i) => i.level === 'error'), `${label}: an error was expected`);
    }
    const notObject = await estimateReport('a string');
    check(validateReport, notObject, 'a request that is not an object');
    checkContract(notObject, 'a request that is not an object');
    counted.error++;
  });

  test('table() matches TableReply', async () => {
    const validate = validator('TableReply');
    const files = ['meta-llama__Meta-Llama-3.1-8B.json', 'Qwen__Qwen3-30B-A3B.json', 'google__gemma-3-4b-it.json', 'AntonV__mamba2-130m-hf.json', 'deepseek-ai__DeepSeek-V3.json'];
    for (const file of files) {
      for (const request of [{}, { contexts: [4096, 32768], runtime: 'llama.cpp', gpu: 'RTX 4090', context_tokens: 4096 }, { runtime: 'vllm', gpu: 'H100', batch_size: 4 }]) {
        const reply = await table({ config: config(file), ...request });
        check(validate, reply, `table ${file} ${JSON.stringify(request)}`);
        assert.ok(!reply.issues.some((i) => i.level === 'error'), `${file}: ${JSON.stringify(reply.issues)}`);
        counted.table++;
      }
    }
    for (const request of [{ config: 'not json' }, { config: config(files[0]), contexts: [] }]) {
      const reply = await table(request);
      check(validate, reply, `table error ${JSON.stringify(request).slice(0, 40)}`);
      assert.ok(reply.issues.some((i) => i.level === 'error'));
      counted.table++;
    }
  });

  test('reconcile() of every log the fidelity report reconciles matches ReconcileReply', async () => {
    const validate = validator('ReconcileReply');
    const requests = [];
    // scripts/fidelity.mjs's sources: the live llama.cpp runs, the source-built llama.cpp probes, and the published logs.
    for (const file of ['tests/fixtures/llamacpp/measurements.json', 'tests/fixtures/llamacpp/measurements-mistral.json']) {
      const live = readJson(file);
      for (const rec of live.records.filter((r) => r.ok)) {
        const model = live.models.find((m) => m.layout === rec.layout && m.weights === rec.weights);
        requests.push([`${file} ${rec.layout} ${rec.weights}`, { log: `${model.log.join('\n')}\n${rec.log.join('\n')}`, config: read(model.config) }]);
      }
    }
    for (const file of ['tests/fixtures/llamacpp/swa-cells.json', 'tests/fixtures/llamacpp/probe-phi-4.json']) {
      const probe = readJson(file);
      for (const run of probe.runs) requests.push([file, { log: run.log.join('\n'), config: read(probe.config) }]);
    }
    let published = 0;
    for (const file of fs.readdirSync(new URL('tests/fixtures/published/', ROOT)).filter((f) => f.endsWith('.json'))) {
      for (const e of readJson(`tests/fixtures/published/${file}`).entries ?? []) {
        if (!e.reconcile) continue;
        requests.push([`${file} ${e.id}`, { ...e.reconcile.options, log: e.log, config: e.reconcile.config }]);
        published++;
      }
    }
    assert.ok(published >= 9, `${published} published logs with a reconcile entry`);
    // The GPUs a log names ("using device CUDA0 (...) - N MiB free"), which none of the published excerpts keeps.
    const cuda = requests.find(([, r]) => /CUDA0/.test(r.log));
    requests.push(['a log naming its GPU', { ...cuda[1], log: `llama_model_load_from_file_impl: using device CUDA0 (NVIDIA GeForce RTX 4090) (0000:01:00.0) - 23008 MiB free\n${cuda[1].log}` }]);
    // SGLang's start-up lines (sglang PR 11716's log, as tests/reconcile_test.cpp reads it): no published fixture yet.
    const sglangLog = '[2025-10-16 09:00:00 TP0] KV Cache is allocated. #tokens: 2795207\n' +
      '[2025-10-16 09:00:05 TP0] max_total_num_tokens=2795207, chunked_prefill_size=16384, max_prefill_tokens=16384, max_running_requests=4096, context_len=131072, available_gpu_mem=21.24 GB\n';
    const L70 = config('meta-llama__Llama-3.3-70B-Instruct.json');
    requests.push(['SGLang', { log: sglangLog, config: L70, gpu: 'H200', gpus: 8, gpu_memory_bytes: 143771 * 2 ** 20 }]);
    for (const [label, request] of requests) {
      const reply = await reconcile(request);
      check(validate, reply, `reconcile ${label}`);
      assert.ok(!reply.issues.some((i) => i.level === 'error'), `${label}: ${JSON.stringify(reply.issues)}`);
      assert.ok(reply.buffers.length > 0, label);
      counted.reconcile++;
    }
    // Errors: no log, a log without buffers, a serving log without its GPU.
    for (const [label, request] of [['no log', {}], ['no buffers', { log: 'hello' }], ['SGLang without a GPU', { log: sglangLog, config: L70 }]]) {
      const reply = await reconcile(request);
      check(validate, reply, `reconcile ${label}`);
      assert.ok(reply.issues.some((i) => i.level === 'error'), label);
      counted.reconcile++;
    }
  });

  test('a report with a mutated field fails', async () => {
    const report = await estimateReport({ config: config('meta-llama__Meta-Llama-3.1-8B.json'), runtime: 'llama.cpp', quantization: 'Q4_K_M', gpu: 'RTX 4090' });
    check(validateReport, report, 'the unmutated report');
    const mutations = {
      'memory.total_bytes as a string': (r) => { r.memory.total_bytes = String(r.memory.total_bytes); },
      'a negative byte count': (r) => { r.memory.kv_cache_bytes = -1; },
      'a fractional byte count': (r) => { r.components[0].bytes += 0.5; },
      'an issue level "fatal"': (r) => { r.issues.push({ code: 'x', field: '', message: 'x', level: 'fatal' }); },
      'an error issue beside the estimate': (r) => { r.issues.push({ code: 'x', field: '', message: 'x', level: 'error' }); },
      'a verdict fit "maybe"': (r) => { r.verdict.fit = 'maybe'; },
      'a chosen-GPU verdict without its changes': (r) => { delete r.verdict.changes; },
      'no parameters': (r) => { delete r.parameters; },
      'parameters.total null (a NaN)': (r) => { r.parameters.total = null; },
      'a component on the "cpu"': (r) => { r.components[0].device = 'cpu'; },
      'an inference report without its KV cache': (r) => { delete r.kv_cache; },
      'the compact fits': (r) => { r.fits = { headroom_bytes: r.fits.map((f) => f.headroom_bytes) }; },
      'schema_version 0': (r) => { r.schema_version = 0; },
    };
    for (const [label, mutate] of Object.entries(mutations)) {
      const mutated = structuredClone(report);
      mutate(mutated);
      assert.equal(validateReport(mutated), false, `${label}: the schema should refuse it`);
    }
    const training = await estimateReport({ config: config('meta-llama__Meta-Llama-3.1-8B.json'), mode: 'train', training: { method: 'lora' } });
    check(validateReport, training, 'the unmutated training report');
    delete training.memory.optimizer_bytes;
    assert.equal(validateReport(training), false, 'a training report without memory.optimizer_bytes');
    const tableReply = await table({ config: config('meta-llama__Meta-Llama-3.1-8B.json'), contexts: [4096] });
    tableReply.total_bytes[0][0] = 1.5;
    assert.equal(validator('TableReply')(tableReply), false, 'a fractional table total');
    const catalogueCopy = structuredClone(cat);
    catalogueCopy.options[0].type = 'float';
    assert.equal(validator('CatalogueReply')(catalogueCopy), false, 'an option of type "float"');
  });
});
