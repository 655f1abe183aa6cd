// The <neuro-shrink> element in a host page, the iframe mode, and the page's "Embed this" dialog.
import { expect, test } from '@playwright/test';

import { blockInternet, fixtureText, goOffline, routeHub } from './hub-routes.mjs';

const GIB = 2 ** 30;

// Adds an element with these attributes to the page and resolves to what it fired: { event, ... }.
function addElement(page, attrs) {
  return page.evaluate((attrs) => new Promise((resolve) => {
    const el = document.createElement('neuro-shrink');
    el.addEventListener('estimate', (e) => {
      const r = e.detail.report;
      resolve({ event: 'estimate', fit: el.dataset.fit, gpus: r.request.gpus, usable: r.verdict?.usable_bytes, verdict: r.verdict?.fit });
    });
    el.addEventListener('error', (e) => resolve({ event: 'error', type: e.detail.type, message: e.detail.message, fit: el.dataset.fit }));
    for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
    document.body.prepend(el);
  }), attrs);
}

// A host page served at a loopback URL: `head` and `body` as given, the element's module loaded.
async function host(page, name, { head = '', body }) {
  await page.route(`**/${name}`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>${head}` +
      `<script type="module" src="widget.js"></script></head><body>${body}</body></html>`,
  }));
  await page.goto(name);
}

// The background the element's card is drawn on (inside its shadow root), and the scheme it says it drew in.
const cardLook = (locator) => locator.evaluate((el) => ({
  background: getComputedStyle(el.shadowRoot.querySelector('.box')).backgroundColor,
  scheme: el.dataset.scheme,
}));
const WHITE = 'rgb(255, 255, 255)';
const DARK = 'rgb(13, 17, 23)';

test('the element and the iframe show the estimate inside mock hosts, and the element fires its events', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('example.html');
  const card = page.locator('#card-widget');
  await expect(card.getByText(/^Total/)).toBeVisible();
  await expect(card.locator('.title')).toContainText('meta-llama/Llama-3.1-8B: INT4, 8,192 tokens');
  // The verdict first, in the page's words, with data-fit on it and on the element.
  const verdict = card.locator('[part="verdict"]');
  await expect(verdict).toHaveText(/^Fits on RTX 4090: \d+\.\d\d GiB to spare$/);
  await expect(verdict).toHaveAttribute('data-fit', 'yes');
  await expect(card).toHaveAttribute('data-fit', 'yes');
  expect(await card.evaluate((el) => el.shadowRoot.querySelector('.box').firstElementChild.getAttribute('part'))).toBe('verdict');
  // The link opens the page on the same estimate.
  const href = await card.locator('[part="link"]').getAttribute('href');
  expect(new URL(href).searchParams.toString()).toBe('model-id=meta-llama%2FLlama-3.1-8B&quantization=int4&context-tokens=8192&gpu=RTX+4090');
  const frame = page.frameLocator('#blog-frame');
  await expect(frame.locator('neuro-shrink')).toContainText('32,768 tokens');
  await expect(frame.locator('neuro-shrink')).toContainText('Total');
  await expect(frame.locator('[part="verdict"]')).toHaveText(/^Fits on RTX 4090: /);
  await expect(frame.locator('[part="verdict"]')).toHaveAttribute('data-fit', 'yes');
  await expect(frame.locator('neuro-shrink')).toHaveAttribute('data-fit', 'yes');
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
  const failure = await addElement(page, { model: 'not a model id' });
  expect(failure).toMatchObject({ event: 'error', type: 'invalid_id', fit: 'error' });
  // No GPU named: the verdict names the smallest catalogue GPU that holds it.
  await addElement(page, { 'model-id': 'meta-llama/Llama-3.1-8B', quantization: 'int4', id: 'no-gpu' });
  await expect(page.locator('#no-gpu [part="verdict"]')).toHaveAttribute('data-fit', 'unknown');
  await expect(page.locator('#no-gpu [part="verdict"]')).toHaveText(/^Needs \d+\.\d\d GiB: fits on .+ and larger$/);
  await page.screenshot({ path: 'e2e/screenshots/embedding.png', fullPage: true });
});

test('gpus and gpu-memory (alias vram, in GiB) describe the hardware, and the verdict says so', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('example.html');
  const model = 'meta-llama/Llama-3.1-8B';
  expect(await addElement(page, { 'model-id': model, 'gpu-memory': '8', gpus: '2', id: 'two' }))
    .toEqual({ event: 'estimate', fit: 'no', gpus: 2, usable: 8 * GIB, verdict: 'no' });
  await expect(page.locator('#two [part="verdict"]')).toHaveText(/^Does not fit on 2 x 8\.00 GiB GPU: \d+\.\d\d GiB short$/);
  await expect(page.locator('#two [part="change"]').first()).toBeVisible();
  expect(await addElement(page, { model, vram: '24', quantization: 'int4', id: 'vram' }))
    .toEqual({ event: 'estimate', fit: 'yes', gpus: 1, usable: 24 * GIB, verdict: 'yes' });
  await expect(page.locator('#vram [part="verdict"]')).toHaveText(/^Fits on a 24\.00 GiB GPU: /);
  expect(await addElement(page, { model, gpu: 'RTX 3060', gpus: '2', id: 'pair' }))
    .toMatchObject({ event: 'estimate', gpus: 2, usable: 12 * GIB });
  await expect(page.locator('#pair [part="verdict"]')).toHaveText(/ on 2 x RTX 3060/);
  // A fractional amount of memory is taken as given (GiB), and changing an attribute re-estimates.
  const again = await page.locator('#vram').evaluate((el) => new Promise((resolve) => {
    el.addEventListener('estimate', (e) => resolve(e.detail.report.verdict.usable_bytes), { once: true });
    el.setAttribute('vram', '4.5');
  }));
  expect(again).toBe(4.5 * GIB);
  await expect(page.locator('#vram [part="verdict"]')).toHaveText(/4\.50 GiB GPU/);
});

test('a shipped model works offline with the Hub unreachable; another model says it is not among them', async ({ page, context }) => {
  const hub = [];
  await blockInternet(context);
  await context.route('https://huggingface.co/**', (route) => { hub.push(route.request().url()); return route.abort('internetdisconnected'); });
  await page.goto('example.html');
  const shipped = (await (await page.request.get('models/index.json')).json()).models;
  expect(shipped.map((m) => m.id)).toContain('Qwen/Qwen2.5-7B');
  // "RTX 4060 Ti" names two catalogue GPUs: the smallest, as the page reads it.
  expect(await addElement(page, { 'model-id': 'Qwen/Qwen2.5-7B', quantization: 'int4', gpu: 'RTX 4060 Ti', id: 'qwen' })).toMatchObject({ event: 'estimate' });
  await expect(page.locator('#qwen .title')).toContainText('Qwen/Qwen2.5-7B: INT4');
  await expect(page.locator('#qwen')).toContainText('Total');
  await expect(page.locator('#qwen [part="verdict"]')).toHaveText(/^(Fits|Does not fit) on RTX 4060 Ti/);
  expect(hub).toEqual([]);
  // The id in another case is the same shipped model.
  expect(await addElement(page, { model: 'qwen/qwen2.5-7b' })).toMatchObject({ event: 'estimate' });
  const missing = await addElement(page, { model: 'Qwen/Qwen3-0.6B-Base' });
  expect(missing).toEqual({
    event: 'error', type: 'offline', fit: 'error',
    message: `Could not load "Qwen/Qwen3-0.6B-Base": offline and not among the shipped models: ${shipped.length} ship with the site.`,
  });
  expect(hub.length).toBeGreaterThan(0);
});

test('the colour scheme follows the host page, not the OS, unless theme says otherwise', async ({ page, context }) => {
  await blockInternet(context);
  await page.emulateMedia({ colorScheme: 'dark' });
  const widget = '<neuro-shrink id="w" model-id="meta-llama/Llama-3.1-8B" quantization="int4"></neuro-shrink>';
  // A light host (color-scheme: light) on a dark OS: a light card.
  await host(page, 'light-host.html', { head: '<style>:root { color-scheme: light; }</style>', body: widget });
  await expect(page.locator('#w')).toContainText('Total');
  expect(await cardLook(page.locator('#w'))).toEqual({ background: WHITE, scheme: 'light' });
  // Said by <meta name="color-scheme"> alone.
  await host(page, 'meta-light-host.html', { head: '<meta name="color-scheme" content="light">', body: widget });
  expect(await cardLook(page.locator('#w'))).toEqual({ background: WHITE, scheme: 'light' });
  // A host that says nothing is drawn light whatever the OS: so is the card; on a dark background of its own, dark.
  await host(page, 'plain-host.html', { body: widget });
  expect(await cardLook(page.locator('#w'))).toEqual({ background: WHITE, scheme: 'light' });
  await host(page, 'plain-dark-host.html', { head: '<style>body { background: #111; color: #eee; }</style>', body: widget });
  expect(await cardLook(page.locator('#w'))).toEqual({ background: DARK, scheme: 'dark' });
  // A host that supports both: the OS's preference; and it follows the OS when that changes.
  await host(page, 'both-host.html', { head: '<meta name="color-scheme" content="light dark">', body: widget });
  expect(await cardLook(page.locator('#w'))).toEqual({ background: DARK, scheme: 'dark' });
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => cardLook(page.locator('#w'))).toEqual({ background: WHITE, scheme: 'light' });
  // A dark host on a light OS: dark; the host switching its scheme switches the card.
  await host(page, 'dark-host.html', { head: '<style>:root { color-scheme: dark; } :root.light { color-scheme: light; }</style>', body: widget });
  expect(await cardLook(page.locator('#w'))).toEqual({ background: DARK, scheme: 'dark' });
  await page.evaluate(() => document.documentElement.classList.add('light'));
  await expect.poll(() => cardLook(page.locator('#w'))).toEqual({ background: WHITE, scheme: 'light' });
  // theme= wins over the host.
  await page.locator('#w').evaluate((el) => el.setAttribute('theme', 'dark'));
  await expect.poll(() => cardLook(page.locator('#w'))).toEqual({ background: DARK, scheme: 'dark' });
  await page.locator('#w').evaluate((el) => el.setAttribute('theme', 'auto'));
  await expect.poll(() => cardLook(page.locator('#w'))).toEqual({ background: WHITE, scheme: 'light' });
  // The theming variables: --ns-accent colours links only; the bar's segments have their own.
  await host(page, 'themed-host.html', {
    head: '<style>neuro-shrink { --ns-accent: rgb(1, 2, 3); --ns-seg-0: rgb(4, 5, 6); }</style>', body: widget,
  });
  await expect(page.locator('#w')).toContainText('Total');
  expect(await page.locator('#w').evaluate((el) => {
    const root = el.shadowRoot;
    return [getComputedStyle(root.querySelector('a')).color, getComputedStyle(root.querySelector('.s0')).backgroundColor];
  })).toEqual(['rgb(1, 2, 3)', 'rgb(4, 5, 6)']);
});

test('the iframe takes its scheme from theme= (default light, whatever the OS)', async ({ page, context }) => {
  await blockInternet(context);
  await page.emulateMedia({ colorScheme: 'dark' });
  const base = 'embed.html?model-id=meta-llama%2FLlama-3.1-8B&quantization=int4';
  for (const [query, background] of [['', WHITE], ['&theme=light', WHITE], ['&theme=dark', DARK], ['&theme=auto', DARK], ['&theme=bogus', WHITE]]) {
    await page.goto(base + query);
    await expect(page.locator('neuro-shrink')).toContainText('Total');
    expect((await cardLook(page.locator('neuro-shrink'))).background, query).toBe(background);
  }
});

test('an iframe link with the old spellings (model, context) still shows its estimate', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('embed.html?model=meta-llama%2FLlama-3.1-8B&quantization=int4&context=16384');
  await expect(page.locator('neuro-shrink')).toContainText('meta-llama/Llama-3.1-8B: INT4, 16,384 tokens');
  await expect(page.locator('neuro-shrink')).toContainText('Total');
});

test('the element loads nothing until it is scrolled into view', async ({ page, context }) => {
  // Not a shipped model (Qwen/Qwen3-0.6B is), so that it comes from the Hub: served Qwen3-0.6B's config.
  await blockInternet(context);
  await routeHub(context, { 'Qwen/Qwen3-0.6B-Base': { config: fixtureText('Qwen__Qwen3-0.6B') } });
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm') || r.url().includes('huggingface.co')) wasm.push(r.url()); });
  await page.goto('example.html');
  await page.evaluate(() => {
    const spacer = document.createElement('div');
    spacer.style.height = '5000px';
    const el = document.createElement('neuro-shrink');
    el.id = 'far';
    el.setAttribute('model', 'Qwen/Qwen3-0.6B-Base');
    document.body.append(spacer, el);
  });
  await page.waitForTimeout(500);
  expect(wasm.filter((u) => u.includes('huggingface.co'))).toEqual([]);
  await page.locator('#far').scrollIntoViewIfNeeded();
  await expect(page.locator('#far')).toContainText('Qwen/Qwen3-0.6B-Base');
  await expect(page.locator('#far')).toContainText('Total');
  expect(wasm.some((u) => u.includes('huggingface.co'))).toBe(true);
});

test('the embedding example is precached: after a visit to the page it opens offline', async ({ page, context }) => {
  await blockInternet(context);
  const sw = await (await page.request.get('sw.js')).text();
  for (const file of ['example.html', 'example.css', 'embed.html', 'embed.js', 'embed.css', 'widget.js', 'models/index.json']) expect(sw).toContain(`"${file}"`);
  await page.goto('index.html');
  await expect(page.locator('#pwa-status')).toContainText('Ready to work offline', { timeout: 15_000 });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller)).toBe(true);
  await goOffline(context);
  await page.goto('example.html');
  await expect(page.locator('#card-widget [part="verdict"]')).toHaveAttribute('data-fit', 'yes');
  await expect(page.frameLocator('#blog-frame').locator('[part="verdict"]')).toHaveAttribute('data-fit', 'yes');
  // The shipped models work there too (the browser offline: its own words); others say they are not shipped.
  expect(await addElement(page, { model: 'Qwen/Qwen2.5-7B' })).toMatchObject({ event: 'estimate', fit: 'unknown' });
  expect(await addElement(page, { model: 'Qwen/Qwen3-0.6B-Base' })).toMatchObject({ event: 'error', type: 'offline', message: /not among the shipped models: \d+ ship with the site/ });
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
  await dialog.getByRole('button', { name: 'Close' }).click();
  // The GPUs by count and memory go into both snippets, and the iframe's link shows that verdict.
  await page.locator('#gpus').fill('2');
  await page.locator('#vram').fill('12');
  await page.locator('#vram').press('Tab');
  await expect(page.locator('#verdict')).toContainText('2 x 12.00 GiB GPU');
  await page.getByRole('button', { name: 'Embed this' }).click();
  await expect(dialog.getByLabel(/As an element/)).toHaveValue(/ gpus="2" gpu-memory="12"/);
  const iframe = await dialog.getByLabel(/As an iframe/).inputValue();
  const src = iframe.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&');
  expect(new URL(src).searchParams.get('gpu-memory')).toBe('12');
  const pageVerdict = await page.locator('#verdict').textContent();
  const other = await context.newPage();
  await other.goto(src);
  await expect(other.locator('[part="verdict"]')).toHaveText(pageVerdict);
  await other.close();
});

test('"Embed this": Copy says "Copied", tells screen readers, and selects the text when the clipboard is refused', async ({ page, context }) => {
  await blockInternet(context);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('index.html');
  await expect(page.locator('#verdict')).not.toHaveText('Estimating…');
  await page.getByRole('button', { name: 'Embed this' }).click();
  const dialog = page.getByRole('dialog', { name: 'Embed this estimate' });
  const status = dialog.getByRole('status');
  await expect(status).toHaveAttribute('aria-live', 'polite');
  const copies = dialog.getByRole('button', { name: /^(Copy|Copied|Selected)$/ });
  await expect(copies).toHaveCount(2);
  await copies.first().click();
  await expect(copies.first()).toHaveText('Copied');
  await expect(status).toHaveText('Copied the element snippet.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await dialog.getByLabel(/As an element/).inputValue());
  // Back to "Copy" after about two seconds.
  await expect(copies.first()).toHaveText('Copy', { timeout: 4000 });
  await expect(status).toHaveText('');
  // The clipboard refused: the snippet is selected, and the status says to press Ctrl+C.
  await page.evaluate(() => { navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError')); });
  await copies.nth(1).click();
  await expect(copies.nth(1)).toHaveText('Selected');
  await expect(status).toContainText('press Ctrl+C');
  const area = dialog.getByLabel(/As an iframe/);
  await expect(area).toBeFocused();
  expect(await area.evaluate((a) => [a.selectionStart, a.selectionEnd, a.value.length])).toEqual(await area.evaluate((a) => [0, a.value.length, a.value.length]));
});
