// Accessibility of what embedders get: the example hosts (element and iframe), the iframe page itself, and the
// page's "Embed this" dialog, in both colour schemes. axe-core (no serious or critical violation), plus the
// contrast of every text in the element's card measured here and printed (WCAG AA: 4.5:1). axe is injected
// into the page, so this file bypasses the pages' CSP.
import { createRequire } from 'node:module';

import { expect, test } from '@playwright/test';

import { blockInternet } from './hub-routes.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

test.use({ bypassCSP: true });

// axe in every frame of the page (an iframe's content is checked in its own context), from the top.
async function scan(page) {
  for (const frame of page.frames()) await frame.addScriptTag({ path: AXE });
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  for (const v of results.violations) console.log(`${v.impact}: ${v.id} (${v.nodes.length}) ${v.help}`);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  return bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
}

// The contrast of each text in each <neuro-shrink> card of a document against the card's background:
// [{ what, ratio }], by the part (or class) of the text's element.
async function cardContrast(frame) {
  return frame.evaluate(() => {
    const channel = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    const lum = (color) => {
      const [r, g, b] = color.match(/[\d.]+/g).map(Number);
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const out = [];
    for (const el of document.querySelectorAll('neuro-shrink')) {
      const box = el.shadowRoot.querySelector('.box');
      const bg = lum(getComputedStyle(box).backgroundColor);
      for (const node of box.querySelectorAll('*')) {
        if (![...node.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
        const fg = lum(getComputedStyle(node).color);
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        const what = node.getAttribute('part') ?? node.parentElement.getAttribute('part') ?? node.className ?? node.tagName;
        out.push({ what: `${el.dataset.scheme} ${what}`, ratio: Math.round(ratio * 100) / 100 });
      }
    }
    return out;
  });
}

// The lowest ratio of each kind of text, printed; every one must reach 4.5:1.
function expectAA(label, measured) {
  const lowest = {};
  for (const { what, ratio } of measured) lowest[what] = Math.min(lowest[what] ?? Infinity, ratio);
  console.log(`${label}: ${Object.entries(lowest).map(([w, r]) => `${w} ${r.toFixed(2)}`).join(', ')}`);
  expect(measured.length).toBeGreaterThan(0);
  for (const [what, ratio] of Object.entries(lowest)) expect(ratio, `${label}: ${what}`).toBeGreaterThanOrEqual(4.5);
}

for (const scheme of ['light', 'dark']) {
  test(`example.html (element and iframe) in the ${scheme} scheme: no serious or critical violation, AA text`, async ({ page, context }) => {
    await blockInternet(context);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('example.html');
    const card = page.locator('#card-widget');
    await expect(card.locator('[part="verdict"]')).toHaveAttribute('data-fit', 'yes');
    await expect(card).toHaveAttribute('data-scheme', scheme);
    const frame = page.frame({ url: /embed\.html/ });
    await expect(page.frameLocator('#blog-frame').locator('[part="verdict"]')).toHaveAttribute('data-fit', 'yes');
    await page.screenshot({ path: `e2e/screenshots/example-${scheme}.png`, fullPage: true });
    // An error in the card's colours too.
    await page.evaluate(() => {
      const el = document.createElement('neuro-shrink');
      el.setAttribute('model', 'not a model id');
      document.querySelector('.model-card').append(el);
    });
    await expect(page.locator('.model-card [part="error"]')).toBeVisible();
    expectAA(`example.html card, ${scheme} OS`, await cardContrast(page.mainFrame()));
    expectAA(`example.html iframe (theme=auto), ${scheme} OS`, await cardContrast(frame));
    expect(await scan(page)).toEqual([]);
  });
}

for (const [scheme, theme] of [['light', ''], ['dark', ''], ['dark', 'dark'], ['light', 'dark'], ['dark', 'auto']]) {
  test(`the iframe page, ${scheme} OS${theme ? `, theme=${theme}` : ''}: no serious or critical violation, AA text`, async ({ page, context }) => {
    await blockInternet(context);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(`embed.html?model-id=meta-llama%2FLlama-3.1-8B&quantization=int4&gpu=RTX%203060&context-tokens=65536${theme ? `&theme=${theme}` : ''}`);
    const element = page.locator('neuro-shrink');
    await expect(element.locator('[part="verdict"]')).toHaveAttribute('data-fit', /^(yes|no|offload)$/);
    await expect(element).toHaveAttribute('data-scheme', theme === 'dark' || (theme === 'auto' && scheme === 'dark') ? 'dark' : 'light');
    expectAA(`embed.html, ${scheme} OS, theme=${theme || '(none)'}`, await cardContrast(page.mainFrame()));
    expect(await scan(page)).toEqual([]);
  });
}

for (const scheme of ['light', 'dark']) {
  test(`the page's "Embed this" dialog in the ${scheme} scheme: no serious or critical violation`, async ({ page, context }) => {
    await blockInternet(context);
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('index.html');
    await expect(page.locator('#verdict')).not.toHaveText('Estimating…');
    await page.getByRole('button', { name: 'Embed this' }).click();
    const dialog = page.getByRole('dialog', { name: 'Embed this estimate' });
    await expect(dialog).toBeVisible();
    // With the Copy feedback showing: the refused clipboard's selection and the status.
    await page.evaluate(() => { if (navigator.clipboard) navigator.clipboard.writeText = () => Promise.reject(new Error('denied')); });
    await dialog.getByRole('button', { name: 'Copy' }).first().click();
    await expect(dialog.getByRole('status')).toContainText('press Ctrl+C');
    expect(await scan(page)).toEqual([]);
  });
}
