// The installable, offline page: web/sw.js precaches the shell and keeps fetched configs. Every test starts
// from a fresh browser context, so it is the first visit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { chromium, expect, test } from '@playwright/test';

import { blockInternet, fixtureText, goOffline, routeHub } from './hub-routes.mjs';

// Not one of the configs the page ships (scripts/shipped-models.tsv: Qwen/Qwen3-0.6B is), so that it comes
// from the Hub and offline from the service worker's kept copy; served Qwen3-0.6B's config (same shapes).
const QWEN = 'Qwen/Qwen3-0.6B-Base';

async function readyOffline(page) {
  await expect(page.locator('#pwa-status')).toContainText('Ready to work offline', { timeout: 15_000 });
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

test('after the first visit, the page and its estimate work offline', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('index.html');
  await expect(page.locator('#summary')).toContainText('8,030,261,248');
  await readyOffline(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('#summary')).toContainText('8,030,261,248');
  const ms = await page.evaluate(() => performance.getEntriesByName('first-estimate')[0].startTime);
  console.log(`first estimate from the service worker, offline: ${ms.toFixed(0)} ms after navigation start`);
});

test('a model fetched once opens again offline, from the kept config.json', async ({ page, context }) => {
  await blockInternet(context);
  await routeHub(context, { [QWEN]: { config: fixtureText('Qwen__Qwen3-0.6B') } });
  await page.goto('index.html');
  await readyOffline(page);
  await page.goto(`index.html?model=${encodeURIComponent(QWEN)}`);
  await expect(page.locator('#summary')).toContainText('596,049,920');
  await goOffline(context);
  await page.reload();
  await expect(page.locator('#summary')).toContainText('596,049,920');
  await expect(page.locator('#result-model')).toHaveText(QWEN);
});

test('passes Chromium\'s installability check', async () => {
  // Playwright's own contexts are incognito, where Chromium never offers to install: a persistent profile.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'neuro-shrink-pwa-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    baseURL: test.info().project.use.baseURL,
  });
  try {
    await blockInternet(context);
    const page = await context.newPage();
    await page.goto('index.html');
    await readyOffline(page);
    const client = await context.newCDPSession(page);
    const { installabilityErrors } = await client.send('Page.getInstallabilityErrors');
    console.log(`installability errors: ${JSON.stringify(installabilityErrors)}`);
    expect(installabilityErrors).toEqual([]);
    const manifest = await (await page.request.get('manifest.webmanifest')).json();
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(['192x192 any', '512x512 any', '512x512 maskable']);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
});
