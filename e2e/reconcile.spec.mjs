// "Check against a log" (issue #18): a real llama.cpp load log pasted into the page is re-run through the estimate
// with its own settings, each buffer beside what was printed; the log never leaves the page, and what it holds is
// shown as text, never HTML. Offline: the page's shipped configs, the log from tests/fixtures.
import fs from 'node:fs';

import { expect, test } from '@playwright/test';

import { blockInternet } from './hub-routes.mjs';

const SHOTS = new URL('./screenshots/', import.meta.url);
const live = JSON.parse(fs.readFileSync(new URL('../tests/fixtures/llamacpp/measurements.json', import.meta.url), 'utf8'));

function liveLog(layout, weights) {
  const model = live.models.find((m) => m.layout === layout && m.weights === weights);
  const rec = live.records.find((r) => r.layout === layout && r.weights === weights && r.ok);
  return `${model.log.join('\n')}\n${rec.log.join('\n')}`;
}

test('a pasted llama.cpp log: every buffer predicted vs printed, the model read from the log itself', async ({ page, context }) => {
  await blockInternet(context);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto('index.html');
  await expect(page.locator('#verdict')).not.toHaveText('Estimating…', { timeout: 20000 });
  const box = page.locator('#log-check');
  await box.locator('summary').click();
  // Qwen3-0.6B Q4_K_M on the CPU build: not the model on the page, so its own print_info lines give it.
  await page.locator('#log-text').fill(liveLog('qwen3-0.6b', 'Q4_K_M'));
  const requests = [];
  page.on('request', (r) => requests.push(`${r.url()} ${r.postData() ?? ''}`));
  await page.locator('#log-compare').click();
  const result = page.locator('#log-result');
  await expect(result).toContainText('llama.cpp log: Q4_K_M, n_ctx 4096', { timeout: 20000 });
  await expect(result).toContainText('model from log print_info');
  const rows = result.locator('tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText('CPU_Mapped + CPU_REPACK');
  await expect(rows.nth(0)).toContainText('+0.00 %');
  await expect(rows.nth(1)).toContainText('kv');
  await expect(rows.nth(1)).toContainText('+0.00 %');
  await expect(result).toContainText('is not the model this log loaded');
  await box.scrollIntoViewIfNeeded();
  await page.screenshot({ path: new URL('reconcile-llamacpp-log.png', SHOTS).pathname, fullPage: true });
  // Nothing of the log went anywhere: no request since the click carries a line of it.
  expect(requests.filter((r) => r.includes('print_info') || r.includes('buffer size'))).toEqual([]);
});

test('a hostile log is text, and a log without buffers is said', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('index.html');
  await expect(page.locator('#verdict')).not.toHaveText('Estimating…', { timeout: 20000 });
  await page.locator('#log-check summary').click();
  await page.locator('#log-text').fill('<img src=x onerror="window.pwned=1">\nhello');
  await page.locator('#log-compare').click();
  await expect(page.locator('#log-result')).toContainText('prints no buffer sizes');
  await page.locator('#log-text').fill('print_info: file type = <b>Q4_K - Medium</b>\nload_tensors: <img src=x onerror="window.pwned=1"> model buffer size = 12.00 MiB');
  await page.locator('#log-compare').click();
  await expect(page.locator('#log-result')).not.toBeEmpty();
  expect(await page.evaluate(() => window.pwned)).toBeUndefined();
  expect(await page.locator('#log-result img').count()).toBe(0);
});

test('beside other tools: the rule of thumb and accelerate for the model on screen, with what they leave out', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('index.html');
  const box = page.locator('#others');
  await expect(box).toContainText('rule of thumb (inference)', { timeout: 20000 });
  await expect(box).toContainText('accelerate estimate-memory (inference)');
  await expect(box).toContainText('it leaves out a fixed 20 % for the KV cache');
});

test('a pasted vLLM log: weights, activation peak, non-torch memory and the KV pool per GPU', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('index.html');
  await expect(page.locator('#verdict')).not.toHaveText('Estimating…', { timeout: 20000 });
  await page.locator('#log-check summary').click();
  const logs = JSON.parse(fs.readFileSync(new URL('../tests/fixtures/published/vllm-logs.json', import.meta.url), 'utf8'));
  await page.locator('#log-text').fill(logs.entries.find((e) => e.id === 'vllm-10511-llama3-8b-tp1').log);
  await page.locator('#log-compare').click();
  const result = page.locator('#log-result');
  await expect(result).toContainText('vLLM log', { timeout: 20000 });
  await expect(result.locator('tbody tr').first()).toContainText('weights');
  await expect(result).toContainText('kv_cache');
});
