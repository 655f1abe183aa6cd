// An axe-core scan of the page (results, extras, the embed dialog) and of the embedding example: no
// serious or critical violation. axe is injected into the page, so this file bypasses the page's CSP.
import { createRequire } from 'node:module';

import { expect, test } from '@playwright/test';

import { blockInternet } from './hub-routes.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

test.use({ bypassCSP: true });

async function scan(page) {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of results.violations) console.log(`${v.impact}: ${v.id} (${v.nodes.length}) ${v.help}`);
  return bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

for (const colorScheme of ['light', 'dark']) test(`the calculator has no serious or critical accessibility violation (${colorScheme})`, async ({ page, context }) => {
  await blockInternet(context);
  await page.emulateMedia({ colorScheme });
  await page.goto('index.html?gpu=NVIDIA%20GeForce%20RTX%204090&runtime=llama.cpp&quantization=Q4_K_M');
  await expect(page.locator('#quant-table tbody tr').first()).toBeVisible();
  await expect(page.getByRole('img', { name: /^Total memory against context length/ })).toBeVisible();
  await page.getByText('Every GPU in the catalogue').click();
  await page.getByText('How these numbers are computed').click();
  expect(await scan(page)).toEqual([]);
  await page.getByLabel('Mode', { exact: true }).selectOption('train');
  await expect(page.locator('#summary')).toContainText('training');
  await expect(page.locator('#verdict')).toHaveText(/^Training (does not fit|fits) on RTX 4090/);
  expect(await scan(page)).toEqual([]);
});

test('the embedding example has no serious or critical accessibility violation', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('example.html');
  await expect(page.locator('#card-widget')).toContainText('Total');
  expect(await scan(page)).toEqual([]);
});
