// Prints, for every context real llama.cpp created in tests/fixtures/llamacpp/measurements.json, what it allocated
// beside two estimates of the same settings: from the model's config.json, and from the GGUF file alone (the file
// measure.mjs loaded, written again here by layouts.mjs; only its header is read, as the page and the CLI read it).
// A measurement table, not a test: tests/node/gguf-only.test.mjs asserts that the two estimates agree.
//   node tests/llamacpp/gguf-only-table.mjs            (after bash scripts/build.sh)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { writeGguf } from './gguf-writer.mjs';
import { buildLayout, readConfig, repoRoot } from './layouts.mjs';

const dist = path.join(repoRoot, 'dist');
const { estimateReport, loadEstimator } = await import(path.join(dist, 'shared/estimator.js'));
const { estimateFile, readFileHeader } = await import(path.join(dist, 'shared/file-header.js'));
await loadEstimator({ wasmBinary: fs.readFileSync(path.join(dist, 'neuro-shrink-core.wasm')) });

const measured = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tests/fixtures/llamacpp/measurements.json'), 'utf8'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-gguf-table-'));
const MIB = 2 ** 20;
const KV = { f16: 'fp16', q8_0: 'q8_0', q4_0: 'q4_0', bf16: 'bf16', f32: 'fp32' };

// The buffers of a report by kind (the CPU build holds everything on the host: gpu_layers 0).
function buffers(report) {
  const sum = (key) => report.components.filter((c) => c.key.startsWith(key)).reduce((a, c) => a + c.bytes, 0);
  return { model: sum('model_buffer'), kv: sum('kv_buffer'), compute: sum('compute_buffer') };
}
const pct = (a, b) => (b ? `${(((a - b) / b) * 100).toFixed(2)} %` : '—');

// One GGUF per layout and weights, its header read back through the front ends' reader.
const headers = new Map();
async function header(model) {
  const key = `${model.layout} ${model.weights}`;
  if (!headers.has(key)) {
    const file = path.join(tmp, `${model.layout}.${model.weights}.gguf`);
    writeGguf(file, buildLayout(readConfig(model.config), { weights: model.weights, name: model.layout }));
    const slice = async (end) => {
      const fd = fs.openSync(file, 'r');
      const size = fs.fstatSync(fd).size;
      const bytes = Buffer.alloc(Math.min(end, size));
      fs.readSync(fd, bytes, 0, bytes.length, 0);
      fs.closeSync(fd);
      return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), size };
    };
    headers.set(key, await readFileHeader(slice));
    fs.rmSync(file);
  }
  return headers.get(key);
}

const rows = [];
const worst = { config: 0, file: 0 };
for (const rec of measured.records.filter((r) => r.ok)) {
  const model = measured.models.find((m) => m.layout === rec.layout && m.weights === rec.weights);
  const inp = rec.inputs;
  const settings = {
    runtime: 'llama.cpp', batch_size: inp.n_seq, context_tokens: inp.n_ctx / inp.n_seq, ubatch: rec.llama_params.n_ubatch,
    flash_attention: inp.flash_attention, kv_cache_dtype_k: KV[inp.type_k], kv_cache_dtype_v: KV[inp.type_v], gpu_layers: 0,
  };
  const fromConfig = await estimateReport({ ...settings, config: fs.readFileSync(path.join(repoRoot, model.config), 'utf8'), quantization: rec.weights });
  const read = await header(model);
  const fromFile = await estimateFile(read.bytes, read.size, settings);
  const real = { model: rec.sizes_bytes.model, kv: rec.sizes_bytes.kv, compute: rec.sizes_bytes.compute };
  const c = buffers(fromConfig);
  const f = buffers(fromFile);
  const total = (x) => x.model + x.kv + x.compute;
  worst.config = Math.max(worst.config, Math.abs(total(c) - total(real)) / total(real));
  worst.file = Math.max(worst.file, Math.abs(total(f) - total(real)) / total(real));
  rows.push(`| ${rec.layout} | ${rec.weights} | ${inp.n_ctx} | ${rec.llama_params.n_ubatch} | ${inp.flash_attention ? 'on' : 'off'} | ${inp.type_k}/${inp.type_v} | ${inp.n_seq} | ` +
    ['model', 'kv', 'compute'].map((k) => `${(real[k] / MIB).toFixed(2)} / ${(c[k] / MIB).toFixed(2)} / ${(f[k] / MIB).toFixed(2)}`).join(' | ') +
    ` | ${pct(total(c), total(real))} | ${pct(total(f), total(real))} |`);
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log('| layout | weights | n_ctx | ubatch | FA | K/V | seq | model MiB real / config / GGUF | KV MiB real / config / GGUF | compute MiB real / config / GGUF | total: config vs real | GGUF vs real |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\n${rows.length} contexts; worst total error: config ${(worst.config * 100).toFixed(2)} %, GGUF alone ${(worst.file * 100).toFixed(2)} %`);
