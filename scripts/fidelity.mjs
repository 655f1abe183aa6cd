#!/usr/bin/env node
// The fidelity report (issue #18): every committed log and live measurement run through the same reconciliation
// a user gets (neuro-shrink reconcile), and the training measurements through the estimate, summarised per
// runtime and architecture against the project's targets.
//   node scripts/fidelity.mjs --write   writes FIDELITY.md and tests/fixtures/fidelity-baseline.json
//   node scripts/fidelity.mjs --check   fails when a figure misses a target it met, or moves past its baseline
// It runs the native driver (build/native/neuro-shrink-native, or $NEURO_SHRINK_NATIVE): the same core as the wasm.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { benchFamily, benchRequest } from './bench-rows.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const native = process.env.NEURO_SHRINK_NATIVE ?? path.join(root, 'build/native/neuro-shrink-native');
const readJson = (p) => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8'));

function core(flag, request) {
  const r = spawnSync(native, flag ? [flag] : [], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`${native} ${flag ?? ''} failed: ${r.stderr || r.error}`);
  return JSON.parse(r.stdout);
}

// The targets (README "Targets", and issue #18's for the compute buffers): KV exact (llama.cpp prints MiB with two decimals: within 0.01 MiB), the model
// buffer within 0.5 %, the llama.cpp total within 2 % median and 5 % worst, vLLM's KV within 5 %, training within 10 %.
const TARGETS = {
  'llama.cpp kv': { worst_mib: 0.01, text: 'exact (within the 0.01 MiB llama.cpp prints)' },
  'llama.cpp model': { worst: 0.5, text: 'within 0.5 %' },
  'llama.cpp total': { median: 2, worst: 5, text: 'within 2 % median, 5 % worst' },
  // issue #18: every compute buffer within 5 % (on the CPU build each is now exact: the graph is replayed)
  'llama.cpp compute': { worst: 5, text: 'within 5 %' },
  'vllm kv_cache': { worst: 5, text: 'within 5 %' },
  training: { worst: 10, text: 'within 10 %' },
};

const rows = [];  // { group, source, case, buffer, predicted, measured, pct, mib }
function addRows(group, source, label, reply, anomaly = '') {
  const errors = reply.issues.filter((i) => i.level === 'error');
  if (errors.length) throw new Error(`${label}: ${errors[0].message}`);
  for (const b of reply.buffers) {
    if (b.predicted_bytes == null || b.measured_bytes == null) continue;
    rows.push({ group, source, case: label, buffer: b.buffer, device: b.device, unit: b.unit ?? 'bytes', predicted: b.predicted_bytes, measured: b.measured_bytes,
      pct: b.difference_percent ?? 0, mib: (b.predicted_bytes - b.measured_bytes) / 1048576, reason: anomaly || b.reason, anomaly: Boolean(anomaly) });
  }
  const t = reply.total;
  if (t && t.measured_bytes) rows.push({ group, source, case: label, buffer: 'total', device: 'all', unit: 'bytes', predicted: t.predicted_bytes, measured: t.measured_bytes, pct: t.difference_percent, mib: (t.predicted_bytes - t.measured_bytes) / 1048576, reason: anomaly, anomaly: Boolean(anomaly) });
}

// 1. The live llama.cpp runs (CPU build): the model's load log and the context's log, with its config. The Mistral
// file was measured on a CPU with AMX, whose model buffers (an AMX copy) are that machine's: its context buffers only.
for (const [file, skipModel] of [['tests/fixtures/llamacpp/measurements.json', false], ['tests/fixtures/llamacpp/measurements-mistral.json', true]]) {
  const live = readJson(file);
  for (const rec of live.records.filter((r) => r.ok)) {
    const model = live.models.find((m) => m.layout === rec.layout && m.weights === rec.weights);
    const log = `${model.log.join('\n')}\n${rec.log.join('\n')}`;
    const reply = core('--reconcile', { log, config: fs.readFileSync(path.join(root, model.config), 'utf8') });
    if (skipModel) reply.buffers = reply.buffers.filter((b) => b.buffer !== 'model'), delete reply.total;
    addRows(`llama.cpp CPU build, ${rec.layout.startsWith('mistral') ? 'mistral (arch llama)' : rec.arch}`, `live: ${file} (llama.cpp ${live.versions.llama_cpp_release.release}, ${live.versions.llama_cpp_commit})`,
      `${rec.layout} ${rec.weights} n_ctx ${rec.inputs.n_ctx} ub ${rec.inputs.n_ubatch} fa ${rec.inputs.flash_attention ? 1 : 0} ${rec.inputs.type_k}/${rec.inputs.type_v} seq ${rec.inputs.n_seq}`, reply);
  }
}

// The runs of context-probe on a llama.cpp built from source (tests/llamacpp/swa-cells.mjs): Gemma 3 1B's
// sliding-window caches (kv_unified, which node-llama-cpp cannot set) and Phi-4's layout (no repacked copies): their
// logs, context buffers only (an AMX machine; Phi-4's weights kept out of the repack).
for (const [file, group] of [['tests/fixtures/llamacpp/swa-cells.json', 'gemma3 (sliding window)'], ['tests/fixtures/llamacpp/probe-phi-4.json', 'phi3 (fused qkv and gate_up)'],
  ['tests/fixtures/llamacpp/probe-deepseek-v2-lite.json', 'deepseek2 (MLA, MoE)'], ['tests/fixtures/llamacpp/probe-olmoe-1b-7b.json', 'olmoe (MoE, whole-width q/k norms)'],
  ['tests/fixtures/llamacpp/probe-gpt-oss-20b-4-layers.json', 'gpt-oss (sinks, biased experts, sliding window 128; first 4 layers)'],
  ['tests/fixtures/llamacpp/probe-command-r-35b-4-layers.json', 'command-r (LayerNorm, attention and FFN in parallel; first 4 layers)']]) {
  const swa = readJson(file);
  for (const run of swa.runs) {
    const reply = core('--reconcile', { log: run.log.join('\n'), config: fs.readFileSync(path.join(root, swa.config), 'utf8') });
    reply.buffers = reply.buffers.filter((b) => b.buffer !== 'model');
    delete reply.total;
    const i = run.inputs;
    addRows(`llama.cpp CPU build, ${group}`, `live: ${file} (llama.cpp ${swa.llama_cpp})`,
      `${swa.layout} n_ctx ${i.nCtx} ub ${i.ub} seqs ${i.seqs}${i.unified ? ' unified' : ''} fa ${i.fa === false ? 0 : 1}`, reply);
  }
}

// 2. Published logs with what their excerpts leave out (tests/fixtures/published/*.json "reconcile").
for (const [file, runtime] of [['tests/fixtures/published/llamacpp-logs.json', 'llama.cpp GPU builds, published (CUDA, ROCm, Metal)'], ['tests/fixtures/published/vllm-logs.json', 'vLLM (published)']]) {
  for (const e of readJson(file).entries) {
    if (!e.reconcile) continue;
    const reply = core('--reconcile', { ...e.reconcile.options, log: e.log, config: e.reconcile.config });
    addRows(runtime, e.source, e.id, reply, e.reconcile.anomaly);
  }
}

// 3. Training: every single-GPU LoRA row of the Qwen README's profile (A100, FlashAttention 2, rank 64, all linear
// layers, full checkpointing), as tests/training_test.cpp estimates it.
const qwen = (hidden, ffn, layers, heads, vocab) => JSON.stringify({ architectures: ['Qwen2ForCausalLM'], model_type: 'qwen2', hidden_size: hidden, intermediate_size: ffn,
  num_hidden_layers: layers, num_attention_heads: heads, num_key_value_heads: heads, vocab_size: vocab, tie_word_embeddings: false, torch_dtype: 'bfloat16' });
const qwenConfigs = { '1.8B': qwen(2048, 5504, 24, 16, 151936), '7B': qwen(4096, 11008, 32, 32, 151936), '14B': qwen(5120, 13696, 40, 40, 152064) };
const training = readJson('tests/fixtures/published/training-memory.json');
const profile = training.entries[0];
for (const row of profile.rows) {
  if (row.method !== 'LoRA' || row.total_gpus !== 1 || !qwenConfigs[row.model_size]) continue;
  for (const cell of row.cells) {
    if (typeof cell.memory !== 'string') continue;
    const report = core(null, { config: qwenConfigs[row.model_size], mode: 'train',
      training: { method: 'lora', lora_rank: 64, lora_targets: 'all-linear', checkpointing: 'full', seq_len: cell.seq_len } });
    const measured = parseFloat(cell.memory) * 1e9;
    const predicted = report.memory.total_bytes;
    rows.push({ group: 'training (LoRA, one GPU)', source: profile.source.url, case: `Qwen-${row.model_size} ${cell.seq_len} tokens`, buffer: 'training', device: 'GPU 0', unit: 'bytes',
      predicted, measured, pct: (predicted - measured) / measured * 100, mib: (predicted - measured) / 1048576, reason: '' });
  }
}

// 4. Speed (issue #20): every published llama-bench row whose model the fixtures hold and whose hardware the
// catalogue holds, its decode (tg) or prefill (pp) tokens/s against the estimate's, summarised per test and family.
const bench = readJson('tests/fixtures/published/llama-bench.json');
const gpuNames = core('--catalogue', {}).gpus.map((g) => g.name);
const configText = (id) => fs.readFileSync(path.join(root, 'tests/fixtures/configs', `${id}.json`), 'utf8');
const skipped = new Map();
for (const row of bench.rows) {
  const b = benchRequest(row, gpuNames, configText);
  if (b.skip) { skipped.set(b.skip, (skipped.get(b.skip) ?? 0) + 1); continue; }
  const report = core(null, b.request);
  const predicted = b.kind === 'decode' ? report.speed?.decode_tokens_per_s : report.speed?.prefill_tokens_per_s;
  const source = bench.sources.find((x) => x.id === row.source)?.url ?? row.source;
  const test = row.test.replace(/\d+$/, '');
  const label = `${row.hardware} ${row.model} ${row.file_type} ${row.test}${row.flash_attn === 1 ? ' fa' : ''} (${row.source})`;
  if (!(predicted > 0)) {
    rows.push({ group: `speed ${test}, ${benchFamily(row)}`, source, case: label, buffer: `${test} unknown`, device: b.request.gpu, unit: 't/s', predicted: 0, measured: row.t_s, pct: 0, mib: 0,
      reason: report.speed?.reason ?? 'no speed', unknown: true });
    continue;
  }
  rows.push({ group: `speed ${test}, ${benchFamily(row)}`, source, case: label, buffer: test, device: `${b.request.gpus > 1 ? `${b.request.gpus} x ` : ''}${b.request.gpu}`, unit: 't/s',
    predicted: Math.round(predicted * 100) / 100, measured: row.t_s, pct: (predicted - row.t_s) / row.t_s * 100, mib: 0, reason: '', bench: row });
}

// Summaries per group and buffer: median and worst |error|.
function summarise() {
  const by = new Map();
  for (const r of rows.filter((x) => !x.anomaly)) {
    const key = `${r.group} | ${r.buffer}`;
    if (!by.has(key)) by.set(key, { group: r.group, buffer: r.buffer, unit: r.unit, pcts: [], mibs: [], sources: new Set() });
    const s = by.get(key);
    s.pcts.push(Math.abs(r.pct));
    s.mibs.push(Math.abs(r.mib));
    s.sources.add(r.source);
  }
  const out = [];
  for (const s of by.values()) {
    s.pcts.sort((a, b) => a - b);
    s.mibs.sort((a, b) => a - b);
    const target = targetOf(s.group, s.buffer);
    const median = s.pcts[Math.floor(s.pcts.length / 2)], worst = s.pcts.at(-1), worstMib = s.mibs.at(-1);
    const meets = target ? (target.worst_mib == null || worstMib <= target.worst_mib) && (target.worst == null || worst <= target.worst) && (target.median == null || median <= target.median) : null;
    out.push({ group: s.group, buffer: s.buffer, unit: s.unit, n: s.pcts.length, median, worst, worst_mib: worstMib, target: target?.text ?? '', meets, sources: [...s.sources] });
  }
  return out;
}

function targetOf(group, buffer) {
  if (group.startsWith('llama.cpp')) return TARGETS[`llama.cpp ${buffer}`];
  if (group.startsWith('vLLM')) return TARGETS[`vllm ${buffer}`];
  if (group.startsWith('training')) return TARGETS.training;
  return undefined;
}

const fmt = (x) => (x < 0.005 ? '0.00' : x.toFixed(2));

function markdown(summary) {
  const lines = ['# Fidelity', '',
    'How close the estimate comes to what runtimes really allocate: every committed log and live measurement, run through the',
    'same reconciliation a user gets (`neuro-shrink reconcile LOG`), and the published training measurements through the estimate.',
    'Regenerate with `bash scripts/fidelity.sh` (it builds nothing; `bash scripts/build.sh` first). ctest runs',
    '`node scripts/fidelity.mjs --check`, which fails when a figure misses a target it met or moves past its baseline',
    '(tests/fixtures/fidelity-baseline.json). Errors are (predicted - measured) / measured; |error| below. A log whose',
    'fixture marks it an anomaly (a runtime\'s bug, not a rule) is listed under the misses and kept out of the summary.',
    'Speed: every published llama-bench row (tests/fixtures/published/llama-bench.json) whose model the fixtures hold and',
    'whose hardware the catalogue holds, its tokens/s against the estimate\'s decode (tg) or prefill (pp); "pp unknown"',
    'counts the rows whose GPU has no dense fp16 throughput in the catalogue (prefill unknown, said in the report).', '',
    '| runtime / architecture | buffer | cases | median \\|error\\| | worst \\|error\\| | worst (MiB) | target | meets |', '| --- | --- | ---: | ---: | ---: | ---: | --- | --- |'];
  const pct = (s, x) => (s.buffer.endsWith('unknown') ? '-' : `${fmt(x)} %`);
  for (const s of summary) lines.push(`| ${s.group} | ${s.buffer}${s.unit !== 'bytes' ? ` (${s.unit})` : ''} | ${s.n} | ${pct(s, s.median)} | ${pct(s, s.worst)} | ${s.unit === 'bytes' ? s.worst_mib.toFixed(2) : '-'} | ${s.target || '-'} | ${s.meets == null ? '-' : s.meets ? 'yes' : '**no**'} |`);
  lines.push('', '## Where it misses, and why', '');
  // (speed rows: past 25 %, the published runs' own spread between builds being about 10 %)
  const misses = rows.filter((r) => r.anomaly || Math.abs(r.pct) >= (r.unit === 't/s' ? 25 : 5) || (r.reason && r.unit !== 't/s' && Math.abs(r.pct) >= 1));
  if (!misses.length) lines.push('Nothing above 5 %.');
  else {
    lines.push('| case | buffer | device | predicted (MiB) | measured (MiB) | error | reason |', '| --- | --- | --- | ---: | ---: | ---: | --- |');
    for (const r of misses) {
      const v = (b) => (r.unit === 'bytes' ? (b / 1048576).toFixed(2) : String(b));
      lines.push(`| ${r.case} | ${r.buffer}${r.unit !== 'bytes' ? ` (${r.unit})` : ''} | ${r.device} | ${v(r.predicted)} | ${v(r.measured)} | ${r.pct >= 0 ? '+' : ''}${r.pct.toFixed(2)} % | ${r.reason || 'not yet explained'} |`);
    }
  }
  if (skipped.size) {
    lines.push('', 'Published speed rows not compared, and why:', '');
    for (const [why, n] of skipped) lines.push(`- ${n} row${n > 1 ? 's' : ''}: ${why}`);
  }
  lines.push(...speedBySource());
  lines.push('', '## Sources', '');
  for (const src of [...new Set(rows.map((r) => r.source))]) lines.push(`- ${src}`);
  lines.push('', 'Each source, with how it was found, is in tests/fixtures/SOURCES.md and the fixture files themselves.', '');
  return lines.join('\n');
}

// Every compared speed row, per source, with each source's and each llama-bench test's median and worst |error|
// (issue #20 holds tg128 and pp512 to targets: 15 % / 35 % and 25 % medians).
function speedBySource() {
  const speed = rows.filter((r) => r.bench);
  const stats = (list) => {
    const e = list.map((r) => Math.abs(r.pct)).sort((a, b) => a - b);
    return e.length ? `${e.length} rows, median ${fmt(e[(e.length - 1) >> 1] / 2 + e[e.length >> 1] / 2)} %, worst ${fmt(e[e.length - 1])} %` : 'no rows';
  };
  const lines = ['', '## Speed: every published row compared, per source', ''];
  for (const test of [...new Set(speed.map((r) => r.bench.test))].sort()) lines.push(`- ${test}: ${stats(speed.filter((r) => r.bench.test === test))}`);
  for (const src of [...new Set(speed.map((r) => r.bench.source))]) {
    const list = speed.filter((r) => r.bench.source === src);
    lines.push('', `### ${src} (${list[0].source})`, '', `tg: ${stats(list.filter((r) => r.buffer === 'tg'))}; pp: ${stats(list.filter((r) => r.buffer === 'pp'))}`, '',
      '| hardware | as | model | file type | test | measured t/s | predicted t/s | error |', '| --- | --- | --- | --- | --- | ---: | ---: | ---: |');
    for (const r of list) lines.push(`| ${r.bench.hardware} | ${r.device} | ${r.bench.model} | ${r.bench.file_type} | ${r.bench.test}${r.bench.flash_attn === 1 ? ' fa' : ''} | ${r.measured} | ${r.predicted} | ${r.pct >= 0 ? '+' : ''}${r.pct.toFixed(1)} % |`);
  }
  return lines;
}

const summary = summarise();
const baselinePath = path.join(root, 'tests/fixtures/fidelity-baseline.json');
const mode = process.argv[2] ?? '--print';
if (mode === '--write') {
  fs.writeFileSync(path.join(root, 'FIDELITY.md'), markdown(summary));
  fs.writeFileSync(baselinePath, `${JSON.stringify(summary.map(({ sources, ...s }) => s), null, 1)}\n`);
  process.stdout.write(`FIDELITY.md: ${rows.length} comparisons in ${summary.length} groups\n`);
} else if (mode === '--check') {
  const baseline = JSON.parse(fs.readFileSync(baselinePath, 'utf8'));
  const failures = [];
  for (const b of baseline) {
    const now = summary.find((s) => s.group === b.group && s.buffer === b.buffer);
    if (!now) { failures.push(`${b.group} | ${b.buffer}: no longer measured`); continue; }
    if (b.meets && !now.meets) failures.push(`${b.group} | ${b.buffer}: met "${b.target}", now misses it (median ${fmt(now.median)} %, worst ${fmt(now.worst)} %)`);
    if (now.worst > b.worst + 0.25 || now.median > b.median + 0.25) failures.push(`${b.group} | ${b.buffer}: worse than its baseline (median ${fmt(b.median)} -> ${fmt(now.median)} %, worst ${fmt(b.worst)} -> ${fmt(now.worst)} %)`);
  }
  for (const s of summary) process.stdout.write(`${s.group} | ${s.buffer}: n ${s.n}, median ${fmt(s.median)} %, worst ${fmt(s.worst)} %${s.target ? `, target ${s.target}: ${s.meets ? 'met' : 'MISSED'}` : ''}\n`);
  if (failures.length) {
    process.stderr.write(`fidelity regressed:\n  ${failures.join('\n  ')}\n(An improvement is kept with: bash scripts/fidelity.sh)\n`);
    process.exit(1);
  }
  process.stdout.write(`fidelity: ${rows.length} comparisons, none regressed\n`);
} else {
  process.stdout.write(markdown(summary));
}
