// What the service worker (web/sw.js) keeps of the Hub's answers, and for how long (issue #12, item 6):
// never an answer to a request with a token, never one the Hub marks private, a week at most for the rest,
// and nothing from the v1 cache, which kept everything by URL alone. All the browser contexts are fresh, so
// each test is a first visit; one context means one service worker and one set of caches, and a second
// page in it is a second tab (its own sessionStorage, so no token).
import { expect, test } from '@playwright/test';

import { blockInternet, fixtureText, goOffline } from './hub-routes.mjs';

const GATED = 'private-org/gated-model';
const GATED_PARAMS = '1,235,814,400';  // meta-llama__Llama-3.2-1B
// Not one of the configs the page ships (scripts/shipped-models.tsv), so it comes from the Hub; its config is
// Qwen3-0.6B's (the base model's has the same shapes).
const QWEN = 'Qwen/Qwen3-0.6B-Base';
const QWEN_PARAMS = '596,049,920';
const HUB = 'neuro-shrink-hub-v2';
const DAY = 24 * 60 * 60 * 1000;
const configUrl = (id) => `https://huggingface.co/${id}/resolve/main/config.json`;

// The Hub: repos map "owner/name" -> { config, token, headers }. A repo with a token answers 401 GatedRepo
// unless the request carries "Bearer <token>"; headers go on its config.json answer.
async function routeHub(context, repos) {
  await context.route('https://huggingface.co/**', (route) => {
    const request = route.request();
    const url = new URL(request.url());
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'x-error-code', 'access-control-allow-headers': 'authorization' };
    const file = url.pathname.match(/^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/);
    const api = url.pathname.match(/^\/api\/models\/(.+)$/);
    const repo = repos[decodeURIComponent(file ? file[1] : api ? api[1] : '')];
    if (!repo) return route.fulfill({ status: 404, headers: { ...cors, 'x-error-code': 'RepoNotFound' }, body: '{}' });
    if (repo.token && request.headers().authorization !== `Bearer ${repo.token}`) {
      return route.fulfill({ status: 401, headers: { ...cors, 'x-error-code': 'GatedRepo' }, body: '{}' });
    }
    if (file && file[2] === 'config.json') {
      return route.fulfill({ status: 200, headers: { ...cors, ...(repo.headers ?? {}) }, contentType: 'application/json', body: repo.config });
    }
    if (api) return route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: '{}' });
    return route.fulfill({ status: 404, headers: { ...cors, 'x-error-code': 'EntryNotFound' }, body: '{}' });
  });
}

async function readyOffline(page) {
  await expect(page.locator('#pwa-status')).toContainText('Ready to work offline', { timeout: 15_000 });
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
}

// Every cache of the origin that holds `url`, with the stamp of when it was kept.
function keptCopies(page, url) {
  return page.evaluate(async (url) => {
    const found = [];
    for (const name of await caches.keys()) {
      const hit = await (await caches.open(name)).match(url);
      if (hit) found.push({ name, cachedAt: hit.headers.get('x-neuro-shrink-cached-at') });
    }
    return found;
  }, url);
}

// Re-stamps the kept copy of `url` as kept `ageMs` ago.
function setAge(page, url, ageMs) {
  return page.evaluate(async ({ hub, url, ageMs }) => {
    const cache = await caches.open(hub);
    const kept = await cache.match(url);
    const headers = new Headers(kept.headers);
    headers.set('x-neuro-shrink-cached-at', String(Date.now() - ageMs));
    await cache.put(url, new Response(await kept.blob(), { status: kept.status, headers }));
  }, { hub: HUB, url, ageMs });
}

async function expectOfflineRefusal(page, id) {
  await expect(page.getByRole('alert')).toContainText(`You are offline, so "${id}" cannot be fetched`);
  await expect(page.locator('#status')).not.toContainText('Loaded config.json');
}

test('a gated config fetched with a token is not served to a later tab without one, offline', async ({ page, context }) => {
  await blockInternet(context);
  await routeHub(context, { [GATED]: { token: 'hf_test_token', config: fixtureText('meta-llama__Llama-3.2-1B') } });
  await page.goto('index.html');
  await readyOffline(page);
  // User A: refused without a token, then opened with one (through the service worker).
  await page.getByLabel('Hugging Face model').fill(GATED);
  await page.getByRole('button', { name: 'Estimate', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('is gated or private (HTTP 401)');
  await page.getByLabel(/Hugging Face access token/).fill('hf_test_token');
  await page.getByRole('button', { name: 'Fetch with this token' }).click();
  await expect(page.locator('#summary')).toContainText(GATED_PARAMS);
  await expect(page.locator('#status')).toHaveText(`Loaded config.json of ${GATED}.`);

  // A new tab, no token, the network gone (the Hub unreachable): the page still opens, the gated config does not.
  await goOffline(context);
  const other = await context.newPage();
  await other.goto(`index.html?model=${encodeURIComponent(GATED)}`);
  await expectOfflineRefusal(other, GATED);
  await expect(other.locator('#summary')).not.toContainText(GATED_PARAMS);
  expect(await other.evaluate(() => sessionStorage.getItem('neuro-shrink.hf-token'))).toBeNull();
  // Nor is it anywhere on the device.
  expect(await keptCopies(other, configUrl(GATED))).toEqual([]);
});

test('a public config fetched without a token is kept, stamped, and opens offline', async ({ page, context }) => {
  await blockInternet(context);
  await routeHub(context, { [QWEN]: { config: fixtureText('Qwen__Qwen3-0.6B') } });
  await page.goto('index.html');
  await readyOffline(page);
  const before = Date.now();
  await page.goto(`index.html?model=${encodeURIComponent(QWEN)}`);
  await expect(page.locator('#summary')).toContainText(QWEN_PARAMS);
  const kept = await keptCopies(page, configUrl(QWEN));
  expect(kept.map((k) => k.name)).toEqual([HUB]);
  expect(Number(kept[0].cachedAt)).toBeGreaterThanOrEqual(before - 1000);
  expect(Number(kept[0].cachedAt)).toBeLessThanOrEqual(Date.now() + 1000);
  await goOffline(context);
  await page.reload();
  await expect(page.locator('#summary')).toContainText(QWEN_PARAMS);
  await expect(page.locator('#status')).toHaveText(`Loaded config.json of ${QWEN}.`);
});

test('a config the Hub marks private or no-store is not kept', async ({ page, context }) => {
  const PRIVATE = 'some-org/private-answer';
  const NO_STORE = 'some-org/no-store-answer';
  await blockInternet(context);
  await routeHub(context, {
    [PRIVATE]: { config: fixtureText('Qwen__Qwen3-0.6B'), headers: { 'cache-control': 'private, max-age=3600' } },
    [NO_STORE]: { config: fixtureText('Qwen__Qwen3-0.6B'), headers: { 'cache-control': 'no-store' } },
  });
  await page.goto('index.html');
  await readyOffline(page);
  for (const id of [PRIVATE, NO_STORE]) {
    await page.goto(`index.html?model=${encodeURIComponent(id)}`);
    await expect(page.locator('#summary')).toContainText(QWEN_PARAMS);
    expect(await keptCopies(page, configUrl(id))).toEqual([]);
  }
  await goOffline(context);
  await page.reload();
  await expectOfflineRefusal(page, NO_STORE);
});

test('a kept config is served offline for a week, then deleted instead', async ({ page, context }) => {
  await blockInternet(context);
  await routeHub(context, { [QWEN]: { config: fixtureText('Qwen__Qwen3-0.6B') } });
  await page.goto('index.html');
  await readyOffline(page);
  await page.goto(`index.html?model=${encodeURIComponent(QWEN)}`);
  await expect(page.locator('#summary')).toContainText(QWEN_PARAMS);
  await goOffline(context);

  await setAge(page, configUrl(QWEN), 6 * DAY);
  await page.reload();
  await expect(page.locator('#summary')).toContainText(QWEN_PARAMS);
  await expect(page.locator('#status')).toHaveText(`Loaded config.json of ${QWEN}.`);

  await setAge(page, configUrl(QWEN), 8 * DAY);
  await page.reload();
  await expectOfflineRefusal(page, QWEN);
  expect(await keptCopies(page, configUrl(QWEN))).toEqual([]);
});

test('the update deletes the v1 Hub cache and unstamped copies', async ({ page, context }) => {
  await blockInternet(context);
  // Before any service worker: what the v1 rule left (a gated config kept by URL), and an unstamped v2 copy.
  await page.goto('models/index.json');
  await page.evaluate(async ({ hub, gated, qwen, gatedConfig, qwenConfig }) => {
    await (await caches.open('neuro-shrink-hub-v1')).put(gated, new Response(gatedConfig, { headers: { 'content-type': 'application/json' } }));
    await (await caches.open(hub)).put(qwen, new Response(qwenConfig, { headers: { 'content-type': 'application/json' } }));
  }, { hub: HUB, gated: configUrl(GATED), qwen: configUrl(QWEN), gatedConfig: fixtureText('meta-llama__Llama-3.2-1B'), qwenConfig: fixtureText('Qwen__Qwen3-0.6B') });
  await page.goto('index.html');
  await readyOffline(page);
  expect(await page.evaluate(() => caches.keys())).not.toContain('neuro-shrink-hub-v1');
  expect(await keptCopies(page, configUrl(GATED))).toEqual([]);
  expect(await keptCopies(page, configUrl(QWEN))).toEqual([]);
  await goOffline(context);
  await page.goto(`index.html?model=${encodeURIComponent(GATED)}`);
  await expectOfflineRefusal(page, GATED);
});
