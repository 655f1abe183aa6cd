// The WebGPU hint against a real adapter: headless Chromium with --enable-unsafe-webgpu gives SwiftShader
// (vendor "google", architecture "swiftshader"; ../shared/TOOLCHAIN.md). A file of its own: the launch
// flag needs its own browser.
import { expect, test } from '@playwright/test';

import { blockInternet } from './hub-routes.mjs';

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--enable-unsafe-webgpu'],
  },
});

test('the WebGPU hint reports what the adapter revealed, and that memory is not exposed', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('index.html');
  const hint = page.locator('#gpu-hint');
  await expect(hint).toContainText('vendor "google"');
  await expect(hint).toContainText('architecture "swiftshader"');
  await expect(hint).toContainText('Browsers do not reveal how much memory a GPU has');
  await expect(hint).toContainText('no catalogue GPU matches it');
  // No catalogue GPU is preselected for a software adapter.
  await expect(page.getByLabel('GPU', { exact: true })).toHaveValue('');
});
