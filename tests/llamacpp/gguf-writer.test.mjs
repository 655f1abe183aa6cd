// Unit tests of the GGUF writer and the layouts (no model is loaded): node --test tests/llamacpp/
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGguf, readGgufHeader, tensorBytes, planTensors, kv } from './gguf-writer.mjs';
import { LAYOUTS, buildLayout, readConfig } from './layouts.mjs';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gguf-writer-test-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('tensor sizes follow the ggml block sizes', () => {
  assert.equal(tensorBytes('F32', [4096]), 16384);
  assert.equal(tensorBytes('F16', [4096, 2]), 16384);
  assert.equal(tensorBytes('BF16', [64, 3]), 384);
  assert.equal(tensorBytes('Q8_0', [64, 2]), 2 * 2 * 34);
  assert.equal(tensorBytes('Q4_0', [64]), 2 * 18);
  assert.equal(tensorBytes('Q4_K', [512, 3]), 3 * 2 * 144);
  assert.equal(tensorBytes('Q5_K', [256]), 176);
  assert.equal(tensorBytes('Q6_K', [256, 10]), 2100);
  assert.throws(() => tensorBytes('Q4_K', [100]), /multiple/);
});

test('tensor offsets are aligned', () => {
  const plan = planTensors([
    { name: 'a', type: 'F32', dims: [3] },
    { name: 'b', type: 'F16', dims: [5] },
    { name: 'c', type: 'Q8_0', dims: [32] },
  ]);
  assert.deepEqual(plan.tensors.map((t) => t.offset), [0, 32, 64]);
  assert.equal(plan.dataBytes, 128);
});

test('every metadata type round-trips and the data is a hole', () => {
  const file = path.join(tmp, 'rt.gguf');
  const metadata = [
    kv.u8('t.u8', 200), kv.i8('t.i8', -5), kv.u16('t.u16', 60000), kv.i16('t.i16', -300),
    kv.u32('t.u32', 4e9), kv.i32('t.i32', -2e9), kv.f32('t.f32', 0.5), kv.bool('t.bool', true),
    kv.str('t.str', 'héllo'), kv.u64('t.u64', 2n ** 40n), kv.i64('t.i64', -(2n ** 40n)), kv.f64('t.f64', 1e-300),
    kv.arr('t.arr_str', 'string', ['a', 'bc']), kv.arr('t.arr_i32', 'i32', [1, -2, 3]), kv.arr('t.arr_f32', 'f32', [0.25]),
  ];
  const tensors = [
    { name: 'w', type: 'F16', dims: [1024, 1024] },
    { name: 'q', type: 'Q4_K', dims: [256, 4] },
  ];
  const info = writeGguf(file, { metadata, tensors });
  const h = readGgufHeader(file);
  assert.equal(h.version, 3);
  assert.equal(h.metadata['t.u8'], 200);
  assert.equal(h.metadata['t.i8'], -5);
  assert.equal(h.metadata['t.u16'], 60000);
  assert.equal(h.metadata['t.i16'], -300);
  assert.equal(h.metadata['t.u32'], 4e9);
  assert.equal(h.metadata['t.i32'], -2e9);
  assert.equal(h.metadata['t.f32'], 0.5);
  assert.equal(h.metadata['t.bool'], true);
  assert.equal(h.metadata['t.str'], 'héllo');
  assert.equal(h.metadata['t.u64'], 2n ** 40n);
  assert.equal(h.metadata['t.i64'], -(2n ** 40n));
  assert.equal(h.metadata['t.f64'], 1e-300);
  assert.deepEqual(h.metadata['t.arr_str'], ['a', 'bc']);
  assert.deepEqual(h.metadata['t.arr_i32'], [1, -2, 3]);
  assert.deepEqual(h.metadata['t.arr_f32'], [0.25]);
  assert.deepEqual(h.tensors.map((t) => [t.name, t.type, t.dims, t.offset]), [
    ['w', 'F16', [1024, 1024], 0],
    ['q', 'Q4_K', [256, 4], 2 * 1024 * 1024],
  ]);
  assert.equal(h.dataOffset, info.dataOffset);
  const st = fs.statSync(file);
  assert.equal(st.size, info.fileBytes);
  assert.ok(st.blocks * 512 < 64 * 1024, `sparse: ${st.blocks * 512} bytes on disk for ${st.size}`);
});

test('layouts carry llama.cpp names, shapes and exact parameter counts', () => {
  const counts = {};
  for (const [id, cfgPath] of Object.entries(LAYOUTS)) {
    const l = buildLayout(readConfig(cfgPath), { name: id });
    const names = new Set(l.tensors.map((t) => t.name));
    assert.ok(names.has('token_embd.weight') && (names.has('blk.0.attn_q.weight') || names.has('blk.0.attn_qkv.weight')) && names.has('output_norm.weight'));
    counts[id] = l.tensors.reduce((s, t) => s + t.dims.reduce((a, b) => a * b, 1), 0);
    const tok = l.metadata.find((e) => e.key === 'tokenizer.ggml.tokens').value;
    assert.equal(tok.length, l.hparams.nVocab);
    assert.equal(tok[3], '<0x00>');
    assert.equal(tok[258], '<0xFF>');
  }
  // published counts (tests/fixtures/params.tsv and the model cards); llama adds rope_freqs (64 values)
  assert.equal(counts['llama-3.1-8b'], 8030261248 + 64);
  assert.equal(counts['qwen2.5-7b'], 7615616512);
  assert.equal(counts['qwen3-0.6b'], 596049920);
  assert.equal(counts['gemma-2-2b'], 2614341888);
  assert.equal(counts['olmoe-1b-7b'], 6919161856);
  assert.equal(counts['mistral-7b-v0.1'], 7241732096);
  assert.equal(counts['gemma-3-1b'], 999885952);
  assert.equal(counts['phi-4'], 14659507200);
  assert.equal(counts['gpt-oss-20b'], 20914757184);  // (its 4-layer cut is the same layers, fewer)
  assert.equal(counts['command-r-35b'], 32296476672);  // (no published count: the estimator's, from the same config)
});

test('Q4_K_M mix: Q6_K output and bumped attn_v / ffn_down layers', () => {
  const l = buildLayout(readConfig(LAYOUTS['llama-3.1-8b']), { weights: 'Q4_K_M' });
  const type = (n) => l.tensors.find((t) => t.name === n).type;
  assert.equal(type('output.weight'), 'Q6_K');
  assert.equal(type('token_embd.weight'), 'Q4_K');
  assert.equal(type('blk.0.attn_v.weight'), 'Q6_K');
  assert.equal(type('blk.4.ffn_down.weight'), 'Q4_K');
  assert.equal(type('blk.6.ffn_down.weight'), 'Q6_K');
  assert.equal(type('blk.0.attn_norm.weight'), 'F32');
  const tied = buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'Q4_K_M' });
  assert.equal(tied.tensors.find((t) => t.name === 'token_embd.weight').type, 'Q6_K');
});

test('node-llama-cpp reads the written GGUF', async (t) => {
  let readGgufFileInfo;
  try {
    ({ readGgufFileInfo } = await import('node-llama-cpp'));
  } catch {
    t.skip('node-llama-cpp is not installed');
    return;
  }
  const l = buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { name: 'qwen3-0.6b' });
  const file = path.join(tmp, 'qwen3.gguf');
  writeGguf(file, l);
  const info = await readGgufFileInfo(file);
  assert.equal(info.version, 3);
  assert.equal(info.metadata.general.architecture, 'qwen3');
  assert.equal(info.tensorInfo.length, l.tensors.length);
  assert.equal(info.metadata.qwen3.attention.key_length, 128);
});
