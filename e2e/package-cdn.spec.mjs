// The npm package as a CDN serves it (jsDelivr, unpkg: /npm/neuro-shrink@VERSION/..., any origin may read it,
// wasm as application/wasm) and the <neuro-shrink> element on somebody else's page, on another origin:
//
//   <script type="module" src="https://CDN/npm/neuro-shrink@VERSION/dist/widget.js"></script>
//   <neuro-shrink model-id="Qwen/Qwen2.5-7B" ...></neuro-shrink>
//
// What is served is the INSTALLED package (tests/package/check.sh packs the repo with `npm pack`, installs the
// tarball offline and passes node_modules/neuro-shrink in NEURO_SHRINK_PACKAGE_DIR; run alone, the spec does
// that itself in beforeAll), so a file missing from package.json "files" fails here.
//
// The host page's Content-Security-Policy, measured here (each directive below is needed: the test that drops
// it sees the element fail, or the browser refuse something). The minimal policy for the element is
//
//   default-src 'none';
//   script-src  CDN 'wasm-unsafe-eval';       the module graph from the CDN; compiling the wasm
//   connect-src CDN https://huggingface.co;   fetch() of the wasm and the shipped configs (CDN); the Hub, for a
//                                             model the package does not ship (a shipped one needs no Hub)
//   style-src   'unsafe-inline'               the <style> in the element's shadow root
//
// where CDN is the CDN's origin (a path would do too). Nothing else: no img-src, font-src, worker-src.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import { blockInternet, fixtureText, routeHub } from './hub-routes.mjs';
import { createStaticServer } from './serve.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const SHIPPED = 'Qwen/Qwen2.5-7B';       // dist/models/index.json lists it: no Hub
const FROM_HUB = 'Qwen/Qwen3-0.6B-Base';  // not shipped: the Hub (routed) answers with Qwen3-0.6B's config
const VERDICT = /^(yes|no|offload|unknown)$/;
const HUB = 'https://huggingface.co';

let installDir;  // made by beforeAll when the spec runs alone
let pkgDir;
let version;
let cdn;         // { server, origin, base }
let host;        // { server, origin }

// The policy as directive -> sources; `drop` names "directive source" pairs left out.
function policy(full, drop = []) {
  return Object.entries(full)
    .map(([directive, sources]) => [directive, sources.filter((s) => !drop.includes(`${directive} ${s}`))])
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`.trim())
    .join('; ');
}

const minimal = () => ({
  'default-src': ["'none'"],
  'script-src': [cdn.origin, "'wasm-unsafe-eval'"],
  'connect-src': [cdn.origin, HUB],
  'style-src': ["'unsafe-inline'"],
});

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

test.beforeAll(async () => {
  test.setTimeout(180_000);
  pkgDir = process.env.NEURO_SHRINK_PACKAGE_DIR;
  if (!pkgDir) {
    installDir = fs.mkdtempSync(path.join(os.tmpdir(), 'neuro-shrink-cdn-'));
    const out = execFileSync('bash', [path.join(ROOT, 'tests/package/check.sh'), '--install-only', installDir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    pkgDir = out.trim().split('\n').pop();
  }
  version = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  // The CDN: the installed folder under /npm/neuro-shrink@VERSION/, readable from any origin, cached for good.
  const prefix = `/npm/neuro-shrink@${version}/`;
  const cdnServer = createStaticServer({ root: pkgDir, prefix, headers: { 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=31536000, immutable' } });
  const cdnOrigin = await listen(cdnServer);
  cdn = { server: cdnServer, origin: cdnOrigin, base: `${cdnOrigin}${prefix}` };
  // The host: /host.html?model=ID&csp=POLICY (no csp: no header); the element and the CDN's widget.js, nothing else.
  const hostServer = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://host');
    if (url.pathname !== '/host.html') { res.writeHead(404); res.end(); return; }
    const model = url.searchParams.get('model').replace(/[^\w./-]/g, '');
    const csp = url.searchParams.get('csp');
    const site = url.searchParams.get('site');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...(csp ? { 'content-security-policy': csp } : {}) });
    res.end('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A model card</title>' +
      `<script type="module" src="${cdn.base}dist/widget.js"></script></head><body><h1>A model card</h1>` +
      `<neuro-shrink model-id="${model}" quantization="int4" context-tokens="8192" gpu="RTX 4090"${site ? ` site="${site.replace(/[^\w:/.?=&%-]/g, '')}"` : ''}></neuro-shrink></body></html>`);
  });
  host = { server: hostServer, origin: await listen(hostServer) };
});

test.afterAll(async () => {
  await Promise.all([cdn?.server, host?.server].filter(Boolean).map((s) => new Promise((resolve) => s.close(resolve))));
  if (installDir) fs.rmSync(installDir, { recursive: true, force: true });
});

// Opens the host page with `model` under `csp` (a string, or none) and gives what it saw: every request's URL,
// and the browser's CSP refusals (console errors and securitypolicyviolation events, shadow roots included).
async function open(page, context, model, csp, site) {
  await blockInternet(context);
  await routeHub(context, { [FROM_HUB]: { config: fixtureText('Qwen__Qwen3-0.6B') } });
  const requests = [];
  const refusals = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) refusals.push(m.text()); });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`), true);
  });
  const query = new URLSearchParams({ model, ...(csp ? { csp } : {}), ...(site ? { site } : {}) });
  await page.goto(`${host.origin}/host.html?${query}`);
  return { requests, refusals, element: page.locator('neuro-shrink') };
}

const violations = (page) => page.evaluate(() => window.__violations);

test('the installed package from a CDN origin: the element estimates on a host page of another origin, the wasm from the CDN', async ({ page, context }) => {
  const { requests, element } = await open(page, context, SHIPPED);
  await expect(element).toHaveAttribute('data-fit', VERDICT, { timeout: 20_000 });
  await expect(element).toContainText(SHIPPED);
  const wasm = requests.filter((u) => new URL(u).pathname.endsWith('.wasm'));
  console.log(`CDN ${cdn.base}: wasm fetched ${wasm.map((u) => u.slice(cdn.base.length)).join(', ')}; data-fit=${await element.getAttribute('data-fit')}`);
  expect(wasm.length).toBeGreaterThan(0);
  expect(wasm.every((u) => u.startsWith(`${cdn.base}dist/`))).toBe(true);
  // The shipped config came from the CDN too; nothing from the Hub, nothing but the page from the host.
  expect(requests).toContain(`${cdn.base}dist/models/Qwen__Qwen2.5-7B.json`);
  expect(requests.filter((u) => u.startsWith(HUB))).toEqual([]);
  expect(requests.filter((u) => u.startsWith(host.origin)).map((u) => new URL(u).pathname)).toEqual(['/host.html']);
  const wasmAnswer = await page.request.get(`${cdn.base}dist/neuro-shrink-first.wasm`);
  expect(wasmAnswer.headers()['content-type']).toBe('application/wasm');
  expect(wasmAnswer.headers()['access-control-allow-origin']).toBe('*');
});

test('under the minimal strict CSP: a shipped model and a Hub model, with no refusal', async ({ page, context }) => {
  const csp = policy(minimal());
  console.log(`minimal CSP: ${csp}`);
  for (const model of [SHIPPED, FROM_HUB]) {
    const { element, refusals, requests } = await open(page, context, model, csp);
    await expect(element).toHaveAttribute('data-fit', VERDICT, { timeout: 20_000 });
    await expect(element).toContainText(model);
    // The card is styled: its shadow <style> applied.
    expect(await element.evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.box')).borderTopStyle)).not.toBe('none');
    expect(refusals).toEqual([]);
    expect(await violations(page)).toEqual([]);
    if (model === FROM_HUB) expect(requests.some((u) => u.startsWith(`${HUB}/${FROM_HUB}/resolve/main/config.json`))).toBe(true);
  }
});

// Each source of the minimal policy dropped in turn, and what then fails.
const DROPS = [
  { drop: 'script-src CDN', model: SHIPPED, expect: 'not-loaded', directive: 'script-src' },
  { drop: "script-src 'wasm-unsafe-eval'", model: SHIPPED, expect: 'error', directive: 'script-src' },
  { drop: 'connect-src CDN', model: SHIPPED, expect: 'error', directive: 'connect-src' },
  { drop: `connect-src ${HUB}`, model: FROM_HUB, expect: 'error', directive: 'connect-src' },
  { drop: "style-src 'unsafe-inline'", model: SHIPPED, expect: 'unstyled', directive: 'style-src' },
];

for (const c of DROPS) {
  test(`without ${c.drop}, the element fails (${c.expect})`, async ({ page, context }) => {
    const csp = policy(minimal(), [c.drop.replace(' CDN', ` ${cdn.origin}`)]);
    const { element } = await open(page, context, c.model, csp);
    if (c.expect === 'not-loaded') {
      await expect.poll(() => violations(page)).not.toEqual([]);
      await page.waitForTimeout(500);
      expect(await page.evaluate(() => customElements.get('neuro-shrink') === undefined)).toBe(true);
      expect(await element.getAttribute('data-fit')).toBeNull();
    } else if (c.expect === 'error') {
      await expect(element).toHaveAttribute('data-fit', 'error', { timeout: 20_000 });
    } else {
      // The estimate still arrives, but the shadow root's <style> is refused: an unstyled card.
      await expect(element).toHaveAttribute('data-fit', VERDICT, { timeout: 20_000 });
      expect(await element.evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('.box')).borderTopStyle)).toBe('none');
    }
    const seen = await violations(page);
    console.log(`without ${c.drop}: data-fit=${await element.getAttribute('data-fit')}; refused: ${[...new Set(seen)].join(', ')}`);
    // The browser says which directive refused (a refused wasm compile logs no console error, only the event).
    expect(seen.some((v) => v.startsWith(c.directive))).toBe(true);
  });
}

test('the footer links to the page beside widget.js, or to the site attribute (a CDN serves HTML as text); never a javascript: URL', async ({ page, context }) => {
  const link = (element) => element.locator('a').last().getAttribute('href');
  let { element } = await open(page, context, SHIPPED);
  await expect(element).toHaveAttribute('data-fit', VERDICT, { timeout: 20_000 });
  expect(await link(element)).toMatch(new RegExp(`^${cdn.base.replace(/[.?]/g, '\\$&')}dist/index\\.html\\?model-id=`));
  ({ element } = await open(page, context, SHIPPED, undefined, 'https://example.org/neuro-shrink'));
  await expect(element).toHaveAttribute('data-fit', VERDICT, { timeout: 20_000 });
  expect(await link(element)).toMatch(/^https:\/\/example\.org\/neuro-shrink\/index\.html\?model-id=/);
  ({ element } = await open(page, context, SHIPPED, undefined, 'javascript:alert(1)'));
  await expect(element).toHaveAttribute('data-fit', VERDICT, { timeout: 20_000 });
  expect(await link(element)).toMatch(new RegExp(`^${cdn.base.replace(/[.?]/g, '\\$&')}dist/index\\.html\\?`));
});
