// The wasm module gives byte-identical reports to the native build of the same core.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { catalogue, estimateReport, loadEstimator } from '../../dist/estimator.js';

const NATIVE = process.env.NEURO_SHRINK_NATIVE ?? new URL('../../build/native/neuro-shrink-native', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/configs/', import.meta.url);
const wasm = await loadEstimator({ wasmBinary: fs.readFileSync(new URL('../../dist/neuro-shrink-core.wasm', import.meta.url)) });

function native(request) {
  const r = spawnSync(NATIVE, [], { input: request, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('wasm and native reports', () => {
  const configs = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
  const variants = [
    {},
    { quantization: 'int4', context_tokens: 32768, batch_size: 4 },
    { quantization: 'int8', context_tokens: 1_048_576 },
    { quantization: 'fp32', kv_cache_dtype: 'fp8' },
  ];
  for (const file of configs) {
    test(`are byte-identical for ${file}`, () => {
      const config = fs.readFileSync(new URL(file, FIXTURES), 'utf8');
      for (const v of variants) {
        const request = JSON.stringify({ config, model_id: file.replace('__', '/').replace(/\.json$/, ''), ...v });
        assert.equal(wasm.estimate(request), native(request));
      }
    });
  }

  test('are byte-identical for bad input', () => {
    for (const request of ['not json', '[]', JSON.stringify({ config: '{oops' }), JSON.stringify({ config: '{}', context_tokens: -1 })]) {
      assert.equal(wasm.estimate(request), native(request));
    }
  });

  test('the catalogue matches too', () => {
    const r = spawnSync(NATIVE, ['--catalogue'], { encoding: 'utf8' });
    assert.equal(wasm.catalogue(), r.stdout);
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
    assert.deepEqual(c.quantizations.map((q) => q.name), ['fp32', 'fp16', 'bf16', 'int8', 'int4']);
    assert.ok(c.gpus.length >= 10);
  });
});
