// The estimate of a GGUF file alone (issue #15): GGUF files written by the llama.cpp harness's writer from real
// configs (tests/llamacpp/layouts.mjs: the exact llama.cpp tensor layout, sparse zero data), read through their
// first bytes only, estimated by the wasm core's estimateFile, and held against the config-based llama.cpp
// estimate of the same model and file type: every byte figure equal.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { startHub } from './hub-server.mjs';
import { runCli } from './run-cli.mjs';

import * as writerKv from '../llamacpp/gguf-writer.mjs';
import { writeGguf } from '../llamacpp/gguf-writer.mjs';
import { LAYOUTS, buildLayout, readConfig } from '../llamacpp/layouts.mjs';

const dist = new URL('../../dist/', import.meta.url);
const { estimateReport, loadEstimator } = await import(new URL('shared/estimator.js', dist).href);
const { estimateFile, readFileHeader } = await import(new URL('shared/file-header.js', dist).href);
await loadEstimator({ wasmBinary: fs.readFileSync(new URL('neuro-shrink-core.wasm', dist)) });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-gguf-only-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// The first `end` bytes of a file, as the page's File.slice() and the CLI read them.
const sliceOf = (file) => async (end) => {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const bytes = Buffer.alloc(Math.min(end, size));
    fs.readSync(fd, bytes, 0, bytes.length, 0);
    return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), size };
  } finally {
    fs.closeSync(fd);
  }
};

const SETTINGS = [{ context_tokens: 8192 }, { context_tokens: 32768, gpu: 'RTX 4090' }, { context_tokens: 4096, batch_size: 4, kv_cache_dtype: 'q8_0' }];

describe('a GGUF alone gives the config-based llama.cpp estimate of the same model and file type', () => {
  for (const [id, rel] of Object.entries(LAYOUTS)) {
    // The harness writes llama-quantize's Q4_K_M mix of the dense decoders it was built for; Phi-4's fused qkv,
    // Gemma 3's row widths (1152: Q6_K falls back) and DeepSeek-V2's MLA and experts (attn_k_b's 128-wide rows fall
    // back; the MoE rules) and gpt-oss's 2880-wide rows (no multiple of Q4_K's 256) take types it does not model, so
    // those layouts go in F16 here.
    const f16Only = ['phi-4', 'gemma-3-1b', 'deepseek-v2-lite', 'gpt-oss-20b', 'gpt-oss-20b-4-layers'];
    for (const weights of f16Only.includes(id) ? ['F16'] : ['F16', 'Q4_K_M']) {
      test(`${id} ${weights}`, async () => {
        const file = path.join(tmp, `${id}-${weights}.gguf`);
        writeGguf(file, buildLayout(readConfig(rel), { weights, name: id }));
        const read = await readFileHeader(sliceOf(file));
        assert.equal(read.header.status, 'ok');
        // only the header is read: slices grow fourfold, so at most four times it
        assert.ok(read.read <= Math.max(65536, 4 * read.header.header_bytes), `read ${read.read} bytes for a ${read.header.header_bytes}-byte header`);
        for (const settings of SETTINGS) {
          const fromFile = await estimateFile(read.bytes, read.size, settings);
          assert.deepEqual(fromFile.issues.filter((i) => i.level === 'error'), [], JSON.stringify(settings));
          const fromConfig = await estimateReport({ config: fs.readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8'), runtime: 'llama.cpp', quantization: weights, ...settings });
          assert.equal(fromFile.file.file_type, weights);
          assert.equal(fromFile.parameters.total, fromConfig.parameters.total);
          // The weights are the file's tensor data; a config's F16 estimate leaves out the GGUF-only tensors
          // (rope_freqs: llama3 rope's 64 F32 factors), which the file holds. Everything else is the same.
          const extra = fromFile.file.tensor_bytes - fromConfig.memory.stored_weights_bytes;
          assert.ok(extra === 0 || (weights === 'F16' && extra === 256 && id === 'llama-3.1-8b'), `${id} ${weights}: ${extra} bytes`);
          const less = (m) => ({ ...m, weights_bytes: m.weights_bytes - extra, total_bytes: m.total_bytes - extra, stored_weights_bytes: m.stored_weights_bytes - extra,
            gpu_bytes: m.gpu_bytes - (m.gpu_bytes ? extra : 0) });
          assert.deepEqual(less(fromFile.memory), fromConfig.memory, `${id} ${weights} ${JSON.stringify(settings)}`);
          if (!extra) assert.deepEqual(fromFile.components, fromConfig.components);
          assert.deepEqual(fromFile.kv_cache.layers, fromConfig.kv_cache.layers);
          if (!extra) assert.deepEqual(fromFile.verdict, fromConfig.verdict);
          // the file's weights are its own tensor data, to the byte
          assert.equal(fromFile.gguf.tensor_bytes, fromFile.file.tensor_bytes);
          assert.equal(fromFile.memory.stored_weights_bytes, fromFile.file.tensor_bytes);
        }
        fs.rmSync(file);
      });
    }
  }
});

describe('what a GGUF alone cannot say, it says', () => {
  test('an architecture the estimate does not read: the weights exact, the KV cache from the standard keys, the rest said approximate', async () => {
    // Qwen3-0.6B's layout under an architecture name no rule knows (its keys renamed with it): the file's tensors
    // are the weights, block_count / head_count_kv / key_length the cache, exactly as for the known architecture.
    const known = buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'F16', name: 'x' });
    const layout = { ...known, metadata: known.metadata.map((m) => (m.key === 'general.architecture' ? { ...m, value: 'newarch' }
      : m.key.startsWith('qwen3.') ? { ...m, key: m.key.replace(/^qwen3\./, 'newarch.') } : m)) };
    const file = path.join(tmp, 'unknown.gguf');
    writeGguf(file, layout);
    const read = await readFileHeader(sliceOf(file));
    const report = await estimateFile(read.bytes, read.size, { context_tokens: 8192 });
    const said = report.issues.find((i) => i.code === 'gguf_architecture_unknown');
    assert.equal(said.level, 'warning');
    assert.match(said.message, /"newarch"/);
    assert.deepEqual(report.issues.filter((i) => i.level === 'error'), []);
    writeGguf(path.join(tmp, 'known.gguf'), known);
    const reference = await estimateFile((await readFileHeader(sliceOf(path.join(tmp, 'known.gguf')))).bytes, read.size, { context_tokens: 8192 });
    assert.equal(report.memory.weights_bytes, reference.memory.weights_bytes);
    assert.equal(report.memory.kv_cache_bytes, reference.memory.kv_cache_bytes);
    assert.equal(report.parameters.total, reference.parameters.total);
    // Without the standard attention keys nothing but the weights can be said: an error naming them.
    const bare = { ...layout, metadata: layout.metadata.filter((m) => !m.key.startsWith('newarch.attention.head_count')) };
    writeGguf(file, bare);
    const refused = await estimateFile((await readFileHeader(sliceOf(file))).bytes, read.size, {});
    assert.equal(refused.issues[0].code, 'gguf_architecture_unknown');
    assert.match(refused.issues[0].message, /lacks the standard attention keys/);
    assert.ok(!refused.memory);
  });

  test('an absurd layer count is refused at once, naming the key (it looped and held 7.8 GB before)', async () => {
    const file = path.join(tmp, 'absurd.gguf');
    const { kv } = writerKv;
    writeGguf(file, { metadata: [kv.str('general.architecture', 'gemma3'), kv.u32('gemma3.block_count', 4_000_000_000),
      kv.u32('gemma3.embedding_length', 64), kv.u32('gemma3.attention.head_count', 4)], tensors: [] });
    const read = await readFileHeader(sliceOf(file));
    const report = await estimateFile(read.bytes, read.size, {});
    assert.equal(report.issues[0].code, 'gguf_absurd_value');
    assert.match(report.issues[0].message, /gemma3\.block_count is 4000000000/);
  });

  test('a header cut short asks for the bytes it needs', async () => {
    const file = path.join(tmp, 'short.gguf');
    writeGguf(file, buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'F16', name: 'x' }));
    const { bytes, size } = await sliceOf(file)(4096);
    const report = await estimateFile(bytes, size, {});
    assert.equal(report.file.status, 'need_more');
    assert.ok(report.file.needed_bytes > 4096);
    assert.equal(report.issues.at(-1).code, 'needs_more_bytes');
  });
});

describe('GGUF-only models in the CLI', () => {
  const cli = runCli;

  test('--model of a repository with no config.json estimates its Q4_K_M file from the header, read by Range', async () => {
    const file = path.join(tmp, 'Qwen3-0.6B-Q4_K_M.gguf');
    const written = writeGguf(file, buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'Q4_K_M', name: 'qwen3-0.6b' }));
    const hub = await startHub({ ggufRepos: { 'someone/Qwen3-0.6B-GGUF': { files: { 'Qwen3-0.6B-Q4_K_M.gguf': file }, siblings: ['Qwen3-0.6B-Q8_0.gguf', 'mmproj-F16.gguf'] } } });
    try {
      const r = await cli(['--model', 'someone/Qwen3-0.6B-GGUF:Q4_K_M', '--gpu', 'RTX 3060'], { HF_ENDPOINT: hub.endpoint });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Model Size: 596.05M parameters/);
      assert.match(r.stdout, /Verdict: Fits on RTX 3060: \d+\.\d\d GiB to spare\./);
      assert.match(r.stdout, /llama-server -hf someone\/Qwen3-0.6B-GGUF:Q4_K_M/);
      assert.match(r.stderr, /Estimated from the GGUF file alone: qwen3, Q4_K_M/);
      const ranges = hub.requests.filter((q) => q.headers.range).map((q) => Number(/-(\d+)$/.exec(q.headers.range)[1]) + 1);
      assert.ok(ranges.length && Math.max(...ranges) <= 4 * written.dataOffset, `${ranges}`);
      assert.ok(!hub.requests.some((q) => q.url.includes('mmproj')));
      // the same file given with --file: the same estimate
      const local = await cli(['--file', file, '--gpu', 'RTX 3060']);
      assert.equal(local.status, 0, local.stderr);
      assert.match(local.stdout, /Verdict: Fits on RTX 3060: /);
      assert.equal(/Verdict: .*/.exec(local.stdout)[0], /Verdict: .*/.exec(r.stdout)[0]);
      // a type the repository lacks as a file is not invented: Q8_0 is listed but not served here
      const missing = await cli(['--model', 'someone/Qwen3-0.6B-GGUF', '--quantization', 'Q8_0'], { HF_ENDPOINT: hub.endpoint });
      assert.notEqual(missing.status, 0);
      assert.match(missing.stderr, /Qwen3-0\.6B-Q8_0\.gguf/);
    } finally {
      await hub.close();
    }
  });
});

describe('a GGUF-only repository with projector files (mmproj)', () => {
  // An mmproj GGUF as convert_hf_to_gguf.py --mmproj lays one out (general.architecture "clip"): a few vision blocks.
  const mmproj = (file, type) => writeGguf(file, {
    metadata: [writerKv.kv.str('general.architecture', 'clip'), writerKv.kv.bool('clip.has_vision_encoder', true),
      writerKv.kv.str('clip.projector_type', 'qwen3vl_merger'), writerKv.kv.u32('clip.vision.block_count', 2)],
    tensors: [0, 1].flatMap((b) => [
      { name: `v.blk.${b}.attn_qkv.weight`, type, dims: [1024, 3072] }, { name: `v.blk.${b}.ffn_up.weight`, type, dims: [1024, 4096] },
      { name: `v.blk.${b}.ln1.weight`, type: 'F32', dims: [1024] }]),
  });

  test('--mmproj counts the projector llama-server -hf would load (the closest bits: Q8_0 for a Q4_K_M model), its header read by Range', async () => {
    const file = path.join(tmp, 'Qwen3-0.6B-Q4_K_M-mm.gguf');
    writeGguf(file, buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'Q4_K_M', name: 'qwen3-0.6b' }));
    const q8 = mmproj(path.join(tmp, 'mmproj-Q8_0.gguf'), 'Q8_0');
    const f16 = mmproj(path.join(tmp, 'mmproj-F16.gguf'), 'F16');
    const hub = await startHub({ ggufRepos: { 'someone/VL-GGUF': { files: { 'VL-Q4_K_M.gguf': file, 'mmproj-F16.gguf': f16.path, 'mmproj-Q8_0.gguf': q8.path } } } });
    try {
      const r = await runCli(['--model', 'someone/VL-GGUF:Q4_K_M', '--mmproj', '--gpu', 'RTX 3060', '--json'], { HF_ENDPOINT: hub.endpoint });
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      const encoder = report.components.find((c) => c.key === 'vision_encoder');
      assert.equal(encoder.bytes, q8.dataBytes);
      assert.ok(!encoder.host);
      assert.match(encoder.label, /Q8_0, projector qwen3vl_merger/);
      assert.ok(report.issues.some((i) => i.code === 'mmproj_compute_not_counted'));
      assert.match(r.stderr, /Projector: mmproj-Q8_0\.gguf/);
      const mm = hub.requests.filter((q) => q.url.includes('mmproj'));
      assert.ok(mm.length && mm.every((q) => q.url.includes('mmproj-Q8_0') && q.headers.range), JSON.stringify(mm.map((q) => q.url)));
      assert.ok(mm.every((q) => Number(/-(\d+)$/.exec(q.headers.range)[1]) < 4 * q8.dataOffset + 65536));
      // without --mmproj nothing of it is read or counted
      const plain = await runCli(['--model', 'someone/VL-GGUF:Q4_K_M', '--gpu', 'RTX 3060', '--json'], { HF_ENDPOINT: hub.endpoint });
      assert.equal(plain.status, 0, plain.stderr);
      const base = JSON.parse(plain.stdout);
      assert.ok(!base.components.some((c) => c.key === 'vision_encoder'));
      assert.equal(report.memory.total_bytes - base.memory.total_bytes, q8.dataBytes);
    } finally {
      await hub.close();
    }
  });

  test('a repository without one says so; a digest that is not one is refused by its field', async () => {
    const file = path.join(tmp, 'Qwen3-0.6B-Q4_K_M-nomm.gguf');
    writeGguf(file, buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'Q4_K_M', name: 'qwen3-0.6b' }));
    const hub = await startHub({ ggufRepos: { 'someone/Text-GGUF': { files: { 'Text-Q4_K_M.gguf': file } } } });
    try {
      const r = await runCli(['--model', 'someone/Text-GGUF', '--mmproj'], { HF_ENDPOINT: hub.endpoint });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /has no mmproj file: the projector is not counted/);
      assert.match(r.stderr, /no vision or audio encoder/);
    } finally {
      await hub.close();
    }
    const bad = await estimateReport({ config: fs.readFileSync(new URL('../fixtures/configs/Qwen__Qwen3-VL-8B-Instruct.json', import.meta.url), 'utf8'),
      runtime: 'llama.cpp', mmproj: true, mmproj_file: { tensor_bytes: -1, tensors: 3 } });
    assert.deepEqual(bad.issues.filter((i) => i.level === 'error').map((i) => i.field), ['mmproj_file.tensor_bytes']);
    const fromConfig = await estimateReport({ config: fs.readFileSync(new URL('../fixtures/configs/Qwen__Qwen3-VL-8B-Instruct.json', import.meta.url), 'utf8'),
      runtime: 'llama.cpp', mmproj: true });
    assert.ok(fromConfig.components.find((c) => c.key === 'vision_encoder').bytes > 1e9);
  });
});

describe('a split GGUF (llama.cpp gguf-split)', () => {
  // Qwen3-0.6B Q4_K_M in two parts, as gguf-split writes them: part 1 the metadata and the first tensors, part 2
  // the rest; split.no / split.count / split.tensors.count in both.
  const { kv } = writerKv;
  const layout = buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'Q4_K_M', name: 'qwen3-0.6b' });
  const half = Math.ceil(layout.tensors.length / 2);
  const split = (no) => [kv.u16('split.no', no), kv.u16('split.count', 2), kv.i32('split.tensors.count', layout.tensors.length)];
  const files = [path.join(tmp, 'q-00001-of-00002.gguf'), path.join(tmp, 'q-00002-of-00002.gguf'), path.join(tmp, 'q.gguf')];

  test('is estimated from every part\'s header as the one file is', async () => {
    writeGguf(files[0], { metadata: [...layout.metadata, ...split(0)], tensors: layout.tensors.slice(0, half) });
    writeGguf(files[1], { metadata: split(1), tensors: layout.tensors.slice(half) });
    writeGguf(files[2], layout);
    const reads = await Promise.all(files.map((f) => readFileHeader(sliceOf(f))));
    const bytes = new Uint8Array(reads[0].bytes.length + reads[1].bytes.length);
    bytes.set(reads[0].bytes, 0);
    bytes.set(reads[1].bytes, reads[0].bytes.length);
    const parts = [{ bytes: reads[0].bytes.length, size: reads[0].size }, { bytes: reads[1].bytes.length, size: reads[1].size }];
    const joined = await estimateFile({ bytes, size: reads[0].size, parts }, 0, { context_tokens: 8192 });
    const whole = await estimateFile(reads[2].bytes, reads[2].size, { context_tokens: 8192 });
    assert.deepEqual(joined.issues.filter((i) => i.level === 'error'), []);
    assert.deepEqual(joined.memory, whole.memory);
    assert.equal(joined.file.tensors, whole.file.tensors);
    assert.equal(joined.file.file_bytes, reads[0].size + reads[1].size);
    // one part alone says what is missing
    const alone = await estimateFile(reads[0].bytes, reads[0].size, {});
    assert.equal(alone.issues[0].code, 'split_parts_missing');
    assert.match(alone.issues[0].message, /part 1 of 2 parts/);
    const second = await estimateFile(reads[1].bytes, reads[1].size, {});
    assert.equal(second.issues[0].code, 'split_parts_missing');
  });

  test('in a Hub repository: every part\'s header by Range, the same estimate (CLI)', async () => {
    const hub = await startHub({ ggufRepos: { 'someone/Split-GGUF': { files: { 'Q-Q4_K_M-00001-of-00002.gguf': files[0], 'Q-Q4_K_M-00002-of-00002.gguf': files[1] } } } });
    try {
      const r = await runCli(['--model', 'someone/Split-GGUF', '--json'], { HF_ENDPOINT: hub.endpoint });
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      const read = await readFileHeader(sliceOf(files[2]));
      const whole = await estimateFile(read.bytes, read.size, {});
      assert.deepEqual(report.memory, whole.memory);
      assert.match(r.stderr, /in 2 parts/);
      assert.ok(hub.requests.some((q) => q.url.endsWith('00002-of-00002.gguf') && q.headers.range));
    } finally {
      await hub.close();
    }
  });
});
