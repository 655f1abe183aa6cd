// The CLI against a local server that plays the Hub (HF_ENDPOINT), never the real network.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { startHub } from './hub-server.mjs';

const CLI = new URL('../../cli/neuro-shrink.mjs', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/configs/', import.meta.url).pathname;

function run(args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, HF_TOKEN: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('neuro-shrink CLI', () => {
  let hub;
  before(async () => { hub = await startHub(); });
  after(async () => { await hub.close(); });

  test('prints the breakdown for a model fetched from the Hub', async () => {
    const r = await run(['--model', 'meta-llama/Llama-2-7b-hf', '--quantization', 'int4'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /\[\+\] Fetching config for meta-llama\/Llama-2-7b-hf\.\.\./);
    assert.match(r.stdout, /\[\+\] Model Size: 6\.74B parameters/);
    assert.match(r.stdout, /Weights \(INT4\): +\d+\.\d\d GiB/);
    assert.match(r.stdout, /KV Cache \(4k ctx\): +2\.00 GiB/);
    assert.match(r.stdout, /TOTAL VRAM: +\d+\.\d\d GiB/);
    assert.match(r.stdout, /Verdict: Fits on /);
    // The Hub's 2,048 extra stored elements are explained, not hidden.
    assert.match(r.stdout, /Hub check \(safetensors\.total\): explained .*inv_freq/);
  });

  test('--json prints only the report on stdout, with integer byte counts', async () => {
    const r = await run(['--model', 'meta-llama/Meta-Llama-3.1-8B', '--json'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.parameters.total, 8_030_261_248);
    assert.equal(report.model.id, 'meta-llama/Meta-Llama-3.1-8B');
    assert.equal(report.request.quantization, 'bf16');  // the checkpoint's torch_dtype
    assert.ok(Number.isInteger(report.memory.total_bytes) && report.memory.total_bytes > 0);
    assert.equal(report.hub_check[0].verdict, 'match');
  });

  test('says a gated model is gated, in one line, and exits non-zero', async () => {
    const r = await run(['--model', 'gated/llama'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('[+]'));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /gated or private \(HTTP 401\).*HF_TOKEN/);
  });

  test('says there is no such model on a 404', async () => {
    const r = await run(['--model', 'missing/model'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /There is no model "missing\/model" on the Hub \(HTTP 404\)/);
  });

  test('says the Hub cannot be reached when the network fails', async () => {
    const r = await run(['--model', 'meta-llama/Llama-2-7b-hf'], { HF_ENDPOINT: 'http://127.0.0.1:9' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Could not reach the Hub at http:\/\/127\.0\.0\.1:9/);
  });

  test('reports a malformed config from the Hub', async () => {
    const r = await run(['--model', 'broken/model'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The config is not valid JSON/);
  });

  test('sends HF_TOKEN to the Hub as a bearer token', async () => {
    const before = hub.requests.length;
    const r = await run(['--model', 'Qwen/Qwen3-0.6B'], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_test_token' });
    assert.equal(r.code, 0, r.stderr);
    const sent = hub.requests.slice(before);
    assert.ok(sent.length >= 1);
    for (const req of sent) assert.equal(req.headers.authorization, 'Bearer hf_test_token');
  });

  test('reads a local config with --config', async () => {
    const r = await run(['--config', `${FIXTURES}mistralai__Mixtral-8x7B-v0.1.json`, '--context', '32768', '--batch', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Model Size: 46\.70B parameters \(12\.88B active per token\)/);
    assert.match(r.stdout, /KV Cache \(32k ctx\): +8\.00 GiB/);  // 2 x 32 x 8 x 128 x 2 B x 32768 x 2
  });

  test('rejects a malformed local config with the core\'s message', async () => {
    const r = await run(['--config', `${FIXTURES}../params.tsv`]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not valid JSON/);
  });

  test('answers usage mistakes with exit code 2 and a hint', async () => {
    for (const args of [['--context', 'many', '--model', 'a/b'], ['--bogus'], []]) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, /See --help/);
    }
  });

  test('--help prints the usage', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--quantization NAME/);
  });
});
