// The npm package's JS API (package.json "exports": api/node.mjs in Node, dist/shared/api.js in browsers), imported
// by the package's own name as a user's code would: the same wasm core and reports as the CLI and the page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { startHub } from './hub-server.mjs';

const api = await import('neuro-shrink');
const FIXTURES = new URL('../fixtures/configs/', import.meta.url);
const config = fs.readFileSync(new URL('meta-llama__Meta-Llama-3.1-8B.json', FIXTURES), 'utf8');

describe("import('neuro-shrink')", () => {
  test('estimate, estimateReport, table and catalogue answer as the core does', async () => {
    const r = await api.estimate({ config, quantization: 'int4', context_tokens: 8192 });
    assert.equal(r.parameters.total, 8030261248);
    assert.ok(r.memory.total_bytes > r.memory.weights_bytes);
    assert.ok(Array.isArray(r.others) && r.others.length === 2);  // the full module
    const c = await api.catalogue();
    assert.ok(c.options.some((o) => o.name === 'n_batch'));
    const t = await api.table({ config, contexts: [4096] });
    assert.equal(t.contexts.length, 1);
    const bad = await api.estimateReport({ config: '{"model_type": 7}' });
    assert.ok(bad.issues.some((i) => i.level === 'error'));
    await assert.rejects(api.estimate({ config: 'not json' }), (err) => err instanceof api.EstimateError && err.issues.length > 0);
  });

  test('reconcile and readFileHeader', async () => {
    const live = JSON.parse(fs.readFileSync(new URL('../fixtures/llamacpp/measurements.json', import.meta.url), 'utf8'));
    const model = live.models[0];
    const rec = live.records.find((x) => x.layout === model.layout && x.weights === model.weights && x.ok);
    const reply = await api.reconcile({ log: `${model.log.join('\n')}\n${rec.log.join('\n')}`, config });
    assert.equal(reply.buffers.find((b) => b.buffer === 'kv').difference_bytes, 0);
    const header = await api.readFileHeader(async () => ({ bytes: new Uint8Array([1, 2, 3]), size: 3 }));
    assert.notEqual(header.header.status, 'ok');
  });
});

describe('fetchHubModel against a local Hub', () => {
  let hub;
  before(async () => { hub = await startHub(); });
  after(async () => { await hub.close(); });

  test('gives config.json and the Hub facts, ready for estimate()', async () => {
    const m = await api.fetchHubModel('meta-llama/Llama-2-7b-hf', { endpoint: hub.endpoint });
    assert.equal(m.model_id, 'meta-llama/Llama-2-7b-hf');
    assert.match(m.config, /"model_type"/);
    const r = await api.estimate({ config: m.config, model_id: m.model_id, hub: m.hub });
    assert.equal(r.parameters.total, 6738415616);
  });
});
