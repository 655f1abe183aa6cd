// The weight files as the truth for weights (issue #15) on the page: after the first answer from config.json, the
// page reads the Hub checkpoint's safetensors headers by Range (headers only) and counts from them; config-only=1
// leaves them unread. The checkpoint is Qwen3-0.6B's as the Hub stores it (the tied lm_head a second time), its
// header written here from the core's own tensor list.
import fs from 'node:fs';

import { expect, test } from '@playwright/test';

import { blockInternet, fixtureText, routeHub } from './hub-routes.mjs';

const dist = new URL('../dist/', import.meta.url);

// A safetensors header (8-byte length + JSON) of every tensor the core names for the config, plus lm_head.
async function checkpointHead(config) {
  const { estimateReport, loadEstimator } = await import(new URL('shared/estimator.js', dist).href);
  await loadEstimator({ wasmBinary: fs.readFileSync(new URL('neuro-shrink-core.wasm', dist)) });
  const report = await estimateReport({ config });
  const header = { __metadata__: { format: 'pt' } };
  let at = 0;
  const add = (name, shape) => {
    const n = shape.reduce((a, d) => a * d, 2);
    header[name] = { dtype: 'BF16', shape, data_offsets: [at, at + n] };
    at += n;
  };
  for (const t of report.tensors) for (let i = 0; i < t.layers; i++) add(t.name.replace('{i}', String(i)), t.shape);
  add('lm_head.weight', [151936, 1024]);
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return { head: Buffer.concat([length, json]), size: 8 + json.length + at };
}

test('a Hub model: its safetensors header read by Range, the parameters checked against it', async ({ page, context }) => {
  await blockInternet(context);
  const config = fixtureText('Qwen__Qwen3-0.6B');
  const seen = [];
  await routeHub(context, {
    'test/Qwen3-0.6B': { config, siblings: ['config.json', 'model.safetensors'], files: { 'model.safetensors': await checkpointHead(config) } },
  }, seen);
  await page.goto('index.html?model=test/Qwen3-0.6B');
  await expect(page.locator('#notices')).toContainText("Weights checked against the checkpoint's 1 safetensors file", { timeout: 15_000 });
  await expect(page.locator('#notices')).toContainText('The lm_head is stored beside the embedding it is tied to');
  await expect(page.locator('#summary')).toContainText('(596,049,920)');
  const reads = seen.filter((r) => r.url.endsWith('/model.safetensors'));
  expect(reads.length).toBeGreaterThan(0);
  for (const r of reads) expect(r.headers.range).toMatch(/^bytes=0-\d+$/);

  // config-only=1: no weight file is asked for
  seen.length = 0;
  await page.goto('index.html?model=test/Qwen3-0.6B&config-only=1');
  await expect(page.locator('#summary')).toContainText('(596,049,920)');
  await page.waitForTimeout(500);
  expect(seen.filter((r) => r.url.endsWith('.safetensors'))).toEqual([]);
  await expect(page.locator('#notices')).not.toContainText('safetensors file');
});
