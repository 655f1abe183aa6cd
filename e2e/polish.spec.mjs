// Keyboard-only use and layout stability of the page.
import { expect, test } from '@playwright/test';

import { blockInternet } from './hub-routes.mjs';

test('works from the keyboard alone: a format, the embed dialog, and back', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('index.html');
  await expect(page.locator('#summary')).toContainText('BF16 weights');
  await expect(page.getByRole('button', { name: 'Embed this' })).toBeVisible();  // extras are in
  const focusOn = async (id) => {
    for (let i = 0; i < 40; i++) {
      if (await page.evaluate((want) => document.activeElement?.id === want, id)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  };
  await focusOn('quantization');
  await page.keyboard.press('ArrowDown');  // the first format after "checkpoint dtype": FP32
  await expect(page.locator('#summary')).toContainText('FP32 weights');
  await focusOn('embed-button');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Embed this estimate' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('updates do not shift the layout', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('index.html?gpu=NVIDIA%20GeForce%20RTX%204090');
  await expect(page.getByRole('img', { name: /^Total memory against context length/ })).toBeVisible();
  await page.evaluate(() => {
    window.shifts = [];
    new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.shifts.push(e.value); })
      .observe({ type: 'layout-shift' });
  });
  // Re-estimates from script (no user input): another format, another context.
  for (const [q, ctx] of [['int4', '8192'], ['fp16', '16384'], ['int8', '4096']]) {
    await page.evaluate(([q, ctx]) => {
      document.getElementById('quantization').value = q;
      document.getElementById('context').value = ctx;
      document.getElementById('quantization').dispatchEvent(new Event('change'));
    }, [q, ctx]);
    await page.waitForTimeout(400);
  }
  const cls = await page.evaluate(() => window.shifts.reduce((a, b) => a + b, 0));
  console.log(`cumulative layout shift over three updates: ${cls.toFixed(4)}`);
  expect(cls).toBeLessThan(0.1);
});
