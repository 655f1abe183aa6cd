// Weight-file headers through the wasm module: the same bytes as the native reader, and the CLI's --file on a
// local path and on a URL served with Range support (only header bytes are asked for).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { describe, test } from 'node:test';

const NATIVE = process.env.NEURO_SHRINK_NATIVE ?? new URL('../../build/native/neuro-shrink-native', import.meta.url).pathname;
const CORPUS = new URL('../fuzz/corpus/', import.meta.url);
const CLI = new URL('../../cli/neuro-shrink.mjs', import.meta.url).pathname;
const { fileHeader, loadEstimator } = await import('../../dist/shared/estimator.js');
await loadEstimator({ wasmBinary: fs.readFileSync(new URL('../../dist/neuro-shrink-core.wasm', import.meta.url)) });

const files = ['gguf', 'safetensors'].flatMap((dir) => fs.readdirSync(new URL(`${dir}/`, CORPUS)).map((f) => new URL(`${dir}/${f}`, CORPUS)));

describe('file headers', () => {
  test('wasm and native give byte-identical replies for every seed and its truncations', async () => {
    assert.ok(files.length >= 5);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const cut of [bytes.length, Math.floor(bytes.length / 2), 7, 0]) {
        const slice = bytes.subarray(0, cut);
        const native = spawnSync(NATIVE, ['--header', String(bytes.length)], { input: slice, encoding: 'utf8' });
        assert.equal(native.status, 0, native.stderr);
        const wasm = JSON.stringify(await fileHeader(new Uint8Array(slice), bytes.length));
        assert.equal(wasm, JSON.stringify(JSON.parse(native.stdout)), `${file.pathname} cut at ${cut}`);
      }
    }
  });

  test('the CLI reads a local file\'s header', () => {
    const r = spawnSync(process.execPath, [CLI, '--file', new URL('gguf/small-v3.gguf', CORPUS).pathname], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /gguf v3, header 672 B/);
    assert.match(r.stdout, /KV cache from the file.s hyperparameters: 512 bytes per token at f16/);
    assert.match(r.stdout, /Q4_K +1 tensors +576 B/);
    assert.match(r.stdout, /architecture llama: context 8192, 1 blocks, heads 4, KV heads \[2\]/);
  });

  test('the CLI fetches only the header of a remote file with Range requests', async () => {
    const body = fs.readFileSync(new URL('safetensors/small.safetensors', CORPUS));
    const big = Buffer.concat([body, Buffer.alloc(1 << 20)]);  // pretend the tensor data is large
    const ranges = [];
    const server = http.createServer((req, res) => {
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      ranges.push(req.headers.range ?? 'none');
      if (!m) { res.writeHead(200, { 'content-length': big.length }); res.end(big); return; }
      const start = Number(m[1]), end = Math.min(Number(m[2]), big.length - 1);
      res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${big.length}`, 'content-length': end - start + 1 });
      res.end(big.subarray(start, end + 1));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${server.address().port}/model.safetensors`;
      const r = await new Promise((resolve) => {
        const child = spawn(process.execPath, [CLI, '--file', url, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '', err = '';
        child.stdout.on('data', (d) => { out += d; });
        child.stderr.on('data', (d) => { err += d; });
        child.on('close', (code) => resolve({ code, out, err }));
      });
      assert.equal(r.code, 0, r.err);
      const header = JSON.parse(r.out);
      assert.equal(header.status, 'ok');
      assert.equal(header.tensor_count, 5);
      assert.deepEqual(ranges, ['bytes=0-65535']);  // one slice held the whole 361-byte header
    } finally {
      server.close();
    }
  });
});
