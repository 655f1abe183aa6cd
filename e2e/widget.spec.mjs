// The <neuro-shrink> element in a host page, the iframe mode, and the page's "Embed this" dialog.
import { expect, test } from '@playwright/test';

import { blockInternet, fixtureText, routeHub } from './hub-routes.mjs';

test('the element and the iframe show the estimate inside mock hosts, and the element fires its events', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('example.html');
  const card = page.locator('#card-widget');
  await expect(card.getByText(/^Total/)).toBeVisible();
  await expect(card.locator('.title')).toContainText('meta-llama/Llama-3.1-8B: INT4, 8,192 tokens');
  await expect(card).toContainText('Fits on NVIDIA GeForce RTX 4090');
  const frame = page.frameLocator('#blog-frame');
  await expect(frame.locator('neuro-shrink')).toContainText('32,768 tokens');
  await expect(frame.locator('neuro-shrink')).toContainText('Total');
  // Events: `estimate` with the report, `error` with its type.
  const detail = await page.evaluate(() => new Promise((resolve) => {
    const el = document.createElement('neuro-shrink');
    el.addEventListener('estimate', (e) => resolve({ event: 'estimate', total: e.detail.report.parameters.total }));
    el.addEventListener('error', (e) => resolve({ event: 'error', type: e.detail.type }));
    el.setAttribute('model', 'meta-llama/Llama-3.1-8B');
    document.body.prepend(el);
  }));
  expect(detail).toEqual({ event: 'estimate', total: 8_030_261_248 });
  // The attributes' spellings are the page's URL parameters (model-id, context-tokens, batch-size); the old ones still work.
  const spelled = await page.evaluate(() => Promise.all([['model-id', 'context-tokens', 'batch-size'], ['model', 'context', 'batch']].map(([model, ctx, batch]) => new Promise((resolve) => {
    const el = document.createElement('neuro-shrink');
    el.addEventListener('estimate', (e) => resolve([e.detail.report.request.context_tokens, e.detail.report.request.batch_size]));
    el.setAttribute(model, 'meta-llama/Llama-3.1-8B');
    el.setAttribute(ctx, '2048');
    el.setAttribute(batch, '3');
    document.body.prepend(el);
  }))));
  expect(spelled).toEqual([[2048, 3], [2048, 3]]);
  const failure = await page.evaluate(() => new Promise((resolve) => {
    const el = document.createElement('neuro-shrink');
    el.addEventListener('error', (e) => resolve(e.detail.type));
    el.setAttribute('model', 'not a model id');
    document.body.prepend(el);
  }));
  expect(failure).toBe('invalid_id');
  await page.screenshot({ path: 'e2e/screenshots/embedding.png', fullPage: true });
});

test('an iframe link with the old spellings (model, context) still shows its estimate', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('embed.html?model=meta-llama%2FLlama-3.1-8B&quantization=int4&context=16384');
  await expect(page.locator('neuro-shrink')).toContainText('meta-llama/Llama-3.1-8B: INT4, 16,384 tokens');
  await expect(page.locator('neuro-shrink')).toContainText('Total');
});

test('the element loads nothing until it is scrolled into view', async ({ page, context }) => {
  await blockInternet(context);
  await routeHub(context, { 'Qwen/Qwen3-0.6B': { config: fixtureText('Qwen__Qwen3-0.6B') } });
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm') || r.url().includes('huggingface.co')) wasm.push(r.url()); });
  await page.goto('example.html');
  await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.style.height = '5000px';
    const el = document.createElement('neuro-shrink');
    el.id = 'far';
    el.setAttribute('model', 'Qwen/Qwen3-0.6B');
    document.body.append(spacer, el);
  });
  await page.waitForTimeout(500);
  expect(wasm.filter((u) => u.includes('huggingface.co'))).toEqual([]);
  await page.locator('#far').scrollIntoViewIfNeeded();
  await expect(page.locator('#far')).toContainText('Qwen/Qwen3-0.6B');
  await expect(page.locator('#far')).toContainText('Total');
  expect(wasm.some((u) => u.includes('huggingface.co'))).toBe(true);
});

test('"Embed this" gives both snippets for what is on screen', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('index.html');
  await page.getByLabel('Weight format', { exact: true }).selectOption('int4');
  await page.getByRole('button', { name: 'Embed this' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this estimate' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel(/As an element/)).toHaveValue(/<neuro-shrink model-id="meta-llama\/Llama-3.1-8B" quantization="int4" context-tokens="4096"><\/neuro-shrink>/);
  await expect(dialog.getByLabel(/As an iframe/)).toHaveValue(/embed\.html\?model-id=meta-llama%2FLlama-3\.1-8B&amp;quantization=int4&amp;context-tokens=4096/);
});
