// The page's features (web/page/features/*, loaded after the first estimate): charts, the WebGPU hint, the token
// and paste-a-config flows, units. Hub responses come from fixtures through Playwright routes.
import fs from 'node:fs';
import http from 'node:http';

import { expect, test } from '@playwright/test';

import { blockInternet, fixtureText, routeHub } from './hub-routes.mjs';

const GATED = 'meta-llama/Llama-3.2-1B-Instruct';  // not one of the configs the page ships

test.describe('charts', () => {
  test('draw the breakdown against the chosen GPU, memory against context, and what fits', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html?gpu=NVIDIA%20GeForce%20RTX%204090&ctx=32768');
    await expect(page.getByRole('img', { name: /^Memory on NVIDIA GeForce RTX 4090: .* needed of 24\.00 GiB usable$/ })).toBeVisible();
    // Llama-3.1-8B bf16: 14.96 GiB of weights + 4 GiB of KV at 32K tokens fits a 24 GB card; at 128K it does not.
    const line = page.getByRole('img', { name: /^Total memory against context length; fits up to [\d,]+ tokens$/ });
    await expect(line).toBeVisible();
    const label = await line.getAttribute('aria-label');
    const upTo = Number(label.match(/fits up to ([\d,]+) tokens/)[1].replace(/,/g, ''));
    expect(upTo).toBeGreaterThanOrEqual(32768);
    expect(upTo).toBeLessThan(131072);
    await page.getByText(/^What fits: 138 GPUs × \d+ weight formats at 32,768 tokens$/).click();
    const grid = page.getByRole('table', { name: 'What fits, GPUs by weight format' });
    // fp32 (32 GB of weights) does not fit a 24 GB card; fp16 does.
    await expect(grid.getByRole('row', { name: /^NVIDIA GeForce RTX 4090 [✓✗]/ })).toHaveAccessibleName(/^NVIDIA GeForce RTX 4090 ✗ \d+ \d+ /);
    // 1008 GB/s x 0.70 / (16.06 GB of bf16 weights, less the 1.05 GB input embedding a step looks up one row of,
    // + 4.29 GB of KV at 32K) = 36.6 tokens/s.
    await expect(grid.getByRole('row', { name: /^NVIDIA GeForce RTX 4090 [\d✗]/ }).getByRole('cell').nth(2)).toHaveText('37');
    await page.getByText('Memory against context, as a table').click();
    await expect(page.getByRole('table', { name: 'Total memory by context length' }).getByRole('row', { name: /^32,768 / })).toContainText('yes');
    await page.screenshot({ path: 'e2e/screenshots/desktop.png', fullPage: true });
  });

  test('lay out at 360 px wide without horizontal scrolling of the page', async ({ page, context }) => {
    await blockInternet(context);
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto('index.html?gpu=NVIDIA%20GeForce%20RTX%204090');
    await expect(page.getByRole('img', { name: /^Total memory against context length/ })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: 'e2e/screenshots/mobile-360.png', fullPage: true });
  });
});

test.describe('units', () => {
  test('switch between GiB and GB, and the choice stays in the URL', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    const weights = page.getByRole('table', { name: 'Memory components' }).getByRole('row', { name: /Weights/ });
    await expect(weights).toContainText('14.96 GiB');
    await page.getByLabel('Units').selectOption('GB');
    await expect(weights).toContainText('16.06 GB');  // 16,060,522,496 bytes
    expect(page.url()).toContain('unit=GB');
  });
});

test.describe('gated models and own configs', () => {
  test('a token unlocks a gated model and goes only to huggingface.co', async ({ page, context }) => {
    await blockInternet(context);
    const seen = [];
    await context.route('https://huggingface.co/**', (route) => {
      const request = route.request();
      const auth = request.headers().authorization ?? '';
      seen.push({ url: request.url(), auth });
      const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'x-error-code', 'access-control-allow-headers': 'authorization' };
      if (auth !== 'Bearer hf_test_token') return route.fulfill({ status: 401, headers: { ...cors, 'x-error-code': 'GatedRepo' }, body: '{}' });
      if (request.url().endsWith('/config.json')) return route.fulfill({ status: 200, headers: cors, body: fixtureText('meta-llama__Llama-3.2-1B') });
      return route.fulfill({ status: 404, headers: { ...cors, 'x-error-code': 'EntryNotFound' }, body: '{}' });
    });
    const local = [];
    page.on('request', (r) => { if (new URL(r.url()).hostname === '127.0.0.1') local.push(r.headers().authorization ?? ''); });
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('8,030,261,248');
    await page.getByLabel('Hugging Face model').fill(GATED);
    await page.getByRole('button', { name: 'Estimate', exact: true }).click();
    await expect(page.getByRole('alert')).toContainText('is gated or private (HTTP 401)');
    await expect(page.getByLabel(/Hugging Face access token/)).toBeFocused();
    await page.getByLabel(/Hugging Face access token/).fill('hf_test_token');
    await page.getByRole('button', { name: 'Fetch with this token' }).click();
    await expect(page.locator('#summary')).toContainText('1,235,814,400');
    expect(seen.some((s) => s.auth === 'Bearer hf_test_token')).toBe(true);
    expect(seen.every((s) => new URL(s.url).hostname === 'huggingface.co')).toBe(true);
    expect(local.every((a) => a === '')).toBe(true);
    // Kept for this tab only unless asked: nothing in localStorage.
    expect(await page.evaluate(() => localStorage.getItem('neuro-shrink.hf-token'))).toBeNull();
    expect(await page.evaluate(() => sessionStorage.getItem('neuro-shrink.hf-token'))).toBe('hf_test_token');
  });

  test('a pasted config.json is estimated, and a malformed one says so', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('8,030,261,248');
    await page.getByText('Gated model, or paste a config.json').click();
    await page.getByLabel('Paste a config.json').fill(fixtureText('Qwen__Qwen3-0.6B'));
    await page.getByRole('button', { name: 'Estimate this config' }).click();
    await expect(page.locator('#summary')).toContainText('596,049,920');
    await expect(page.locator('#result-model')).toHaveText('Qwen3ForCausalLM (your config.json)');
    await page.getByLabel('Paste a config.json').fill('{"model_type": "llama", "hidden_size": ');
    await page.getByRole('button', { name: 'Estimate this config' }).click();
    await expect(page.getByRole('alert')).toContainText('The config is not valid JSON');
  });
});

test.describe('the WebGPU hint without WebGPU', () => {
  test('says the browser gives no hint and carries on', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#gpu-hint')).toContainText(/no WebGPU|found no GPU adapter/);
    await expect(page.locator('#summary')).toContainText('8,030,261,248');
  });
});

test.describe('shipped models, context slider, CORS', () => {
  test('a gated popular model opens with no network and no token, from the config the page ships', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('8,030,261,248');
    await expect(page.locator('#model-suggestions option[value="google/gemma-2-9b-it"]')).toHaveCount(1);
    await page.getByLabel('Hugging Face model').fill('google/gemma-2-9b-it');
    await page.getByRole('button', { name: 'Estimate', exact: true }).click();
    await expect(page.locator('#summary')).toContainText('9,241,705,984');
    await expect(page.locator('#status')).toContainText('the page ships (no network, no token)');
  });

  test('the context slider moves in powers of two up to the model\'s maximum', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    const slider = page.getByRole('slider', { name: 'Context length, log scale' });
    await expect(slider).toHaveAttribute('max', '17');  // Llama-3.1-8B: 131,072 = 2^17 positions
    await slider.fill('15');
    await expect(page.getByLabel('Context (tokens)')).toHaveValue('32768');
    await expect(page.locator('#summary')).toContainText('32,768 tokens');
  });

});

test.describe('CORS', () => {
  // The page's CSP allows only the Hub; this test talks to a local server on another port instead.
  test.use({ bypassCSP: true });
  test('a CORS refusal is told apart from a network failure', async ({ page, context }) => {
    // A real cross-origin server that answers without Access-Control-Allow-Origin (route-fulfilled
    // responses are exempt from CORS, so a route cannot stand in for it).
    const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${server.address().port}`;
    try {
      await page.goto('index.html');
      const type = await page.evaluate(async (hub) => {
        const { fetchConfig } = await import('./shared/hub-fetch.js');
        try {
          await fetchConfig('some/model', { endpoint: hub });
          return 'no error';
        } catch (err) {
          return `${err.type}: ${err.message}`;
        }
      }, endpoint);
      expect(type).toMatch(/^cors: The Hub answered for "some\/model", but the browser was not allowed to read the answer \(CORS\)/);
      server.close();
      const down = await page.evaluate(async (hub) => {
        const { fetchConfig } = await import('./shared/hub-fetch.js');
        try { await fetchConfig('some/model', { endpoint: hub }); return 'no error'; } catch (err) { return err.type; }
      }, endpoint);
      expect(down).toBe('network');
    } finally {
      server.close();
    }
  });
});

test.describe('weight files', () => {
  test('a dropped GGUF is read through File.slice() of its header only', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.getByRole('button', { name: 'Embed this' })).toBeVisible();  // extras are in
    await page.getByText('Gated model, or paste a config.json').click();
    const seed = fs.readFileSync(new URL('../tests/fuzz/corpus/gguf/small-v3.gguf', import.meta.url));
    // 8 MiB of tensor data behind the 640-byte header; count the bytes the page slices off the File.
    const sliced = await page.evaluate(async (bytes) => {
      const header = new Uint8Array(bytes);
      const file = new File([header, new Uint8Array(8 << 20)], 'model.gguf');
      const realSlice = Blob.prototype.slice;
      window.slices = [];
      Blob.prototype.slice = function (start, end) { window.slices.push([start ?? 0, end ?? this.size]); return realSlice.call(this, start, end); };
      const drop = new DataTransfer();
      drop.items.add(file);
      document.getElementById('paste-config').dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
      return true;
    }, [...seed]);
    expect(sliced).toBe(true);
    const box = page.getByRole('region', { name: 'Weight file header' });
    await expect(box).toContainText('model.gguf: gguf v3');
    await expect(box).toContainText('Q4_K: 1 tensors, 576 B');  // under 0.01 GiB: in bytes, as every front end writes it (shared/format.js)
    const slices = await page.evaluate(() => window.slices);
    expect(slices).toEqual([[0, 65536]]);  // one 64 KiB slice of an 8 MiB file
    await expect(box).toContainText('Read 65,536 of');
  });
});

test.describe('weight files on the Hub', () => {
  test('every safetensors shard header comes from Range requests, and only header bytes are asked for', async ({ page, context }) => {
    await blockInternet(context);
    const header = (name) => `{"${name}":{"dtype":"BF16","shape":[4,8],"data_offsets":[0,64]}}`;
    const shard = (name) => {
      const json = Buffer.from(header(name));
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(json.length));
      return Buffer.concat([len, json, Buffer.alloc(64)]);
    };
    const shards = { 'model-00001-of-00002.safetensors': shard('a.weight'), 'model-00002-of-00002.safetensors': shard('b.weight') };
    const ranges = [];
    await context.route('https://huggingface.co/**', (route) => {
      const url = new URL(route.request().url());
      const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'content-range, x-error-code' };
      if (url.pathname === '/api/models/demo/sharded') {
        return route.fulfill({ status: 200, headers: cors, contentType: 'application/json',
          body: JSON.stringify({ siblings: [{ rfilename: 'config.json' }, { rfilename: 'model.safetensors.index.json' }, { rfilename: 'stray.safetensors' },
            ...Object.keys(shards).map((f) => ({ rfilename: f }))] }) });
      }
      const file = url.pathname.split('/').pop();
      if (file === 'config.json') return route.fulfill({ status: 200, headers: cors, body: fixtureText('Qwen__Qwen3-0.6B') });
      if (file === 'model.safetensors.index.json') {
        return route.fulfill({ status: 200, headers: cors, body: JSON.stringify({ metadata: { total_size: 128 },
          weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors' } }) });
      }
      const body = shards[file];
      if (!body) return route.fulfill({ status: 404, headers: { ...cors, 'x-error-code': 'EntryNotFound' }, body: '{}' });
      const range = route.request().headers().range;
      ranges.push(`${file} ${range}`);
      const [, start, end] = /bytes=(\d+)-(\d+)/.exec(range);
      const last = Math.min(Number(end), body.length - 1);
      return route.fulfill({ status: 206, headers: { ...cors, 'content-range': `bytes ${start}-${last}/${body.length}` }, body: body.subarray(Number(start), last + 1) });
    });
    await page.goto('index.html?config-only=1')  // the button alone (the automatic read: weight-files.spec.mjs);
    await page.getByLabel('Hugging Face model').fill('demo/sharded');
    await page.getByRole('button', { name: 'Estimate', exact: true }).click();
    await expect(page.locator('#summary')).toContainText('596,049,920');
    await page.getByRole('button', { name: 'Read the weight files on the Hub (headers only)' }).click();
    const box = page.getByRole('region', { name: 'Weight file header' });
    await expect(box).toContainText('demo/sharded: 2 weight files');
    await expect(box).toContainText('64 stored elements');
    // The shards come from the index's weight_map (stray.safetensors is not one), beside the estimate.
    await expect(box).toContainText('config.json estimate (BF16)');
    expect(ranges).toEqual(['model-00001-of-00002.safetensors bytes=0-65535', 'model-00002-of-00002.safetensors bytes=0-65535']);
  });
});
