// The charts (web/page/features/charts.js, issue #14 "Stable, legible charts"): nothing moves as they arrive or
// redraw (cumulative layout shift, measured by the browser), their text stays 12 px or more on a phone, they
// show the chosen GPUs' total memory, and the context chart quotes the solver's exact limit. The checks go
// through the DOM and the URL's parameters only.
import { expect, test } from '@playwright/test';

import { blockInternet } from './hub-routes.mjs';

const GPU = 'NVIDIA%20GeForce%20RTX%204090';
const LLAMA_70B_ON_TWO_3090 = 'index.html?gpu=RTX%203090&gpus=2&runtime=llama.cpp&quantization=Q4_K_M&model=meta-llama/Llama-3.3-70B-Instruct';
const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 360, height: 740 }];

// Every layout shift from the page's start (buffered), as the CLS metric counts them: shifts within 500 ms of a
// discrete input (hadRecentInput) are the user's doing and left out; the test changes inputs without keys.
function observeLayoutShifts() {
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      window.__shifts.push({ value: e.value, sources: (e.sources ?? []).map((s) => s.node?.id || s.node?.className || s.node?.nodeName || '?') });
    }
  }).observe({ type: 'layout-shift', buffered: true });
}

const cls = (page) => page.evaluate(() => window.__shifts.reduce((a, s) => a + s.value, 0));

// The charts for the report on screen: both charts drawn, and the what-fits summary at this context.
async function chartsFor(page, context) {
  await expect(page.locator('#charts figure.chart-capacity svg')).toBeVisible();
  await expect(page.locator('#charts figure.chart-context svg')).toBeVisible();
  await expect(page.locator('#charts .chart-table-grid > summary')).toContainText(`at ${context} tokens`);
}

// A new context, as typing it and leaving the field would give (input and change events, no key presses, and no
// scrolling to the field: the charts stay in view, so any move of theirs counts).
async function setContext(page, tokens) {
  await page.locator('#context').evaluate((input, value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, String(tokens));
}

// The smallest text in the charts, in CSS pixels on screen: computed font size x the SVG's scale, and the
// glyph box height; and the figcaptions' and summaries' font size.
function smallestText() {
  const svgText = [...document.querySelectorAll('#charts svg text')].map((t) => ({
    drawn: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
    box: t.getBoundingClientRect().height,
    text: t.textContent,
  }));
  const html = [...document.querySelectorAll('#charts figcaption, #charts summary')].map((n) => parseFloat(getComputedStyle(n).fontSize));
  return {
    count: svgText.length,
    drawn: Math.min(...svgText.map((t) => t.drawn)),
    box: Math.min(...svgText.map((t) => t.box)),
    html: Math.min(...html),
    labels: svgText.map((t) => t.text),
  };
}

test.describe('charts, stable and legible', () => {
  for (const viewport of VIEWPORTS) {
    test(`no layout shift over the load and three re-estimates at ${viewport.width}x${viewport.height}`, async ({ page, context }) => {
      await blockInternet(context);
      await page.setViewportSize(viewport);
      await page.addInitScript(observeLayoutShifts);
      await page.goto(`index.html?gpu=${GPU}`);
      await chartsFor(page, '4,096');
      const atLoad = await cls(page);
      // The charts in view, so that any move of theirs or of what follows them counts.
      await page.locator('#charts').evaluate((n) => n.scrollIntoView({ block: 'start' }));
      for (const [tokens, text] of [[8192, '8,192'], [32768, '32,768'], [2048, '2,048']]) {
        await setContext(page, tokens);
        await chartsFor(page, text);
      }
      await page.waitForTimeout(300);  // a late shift after the last redraw counts too
      const total = await cls(page);
      const shifts = await page.evaluate(() => window.__shifts);
      test.info().annotations.push({ type: 'CLS', description: `${viewport.width}x${viewport.height}: load ${atLoad.toFixed(4)}, total ${total.toFixed(4)} ${JSON.stringify(shifts)}` });
      expect(total, JSON.stringify(shifts)).toBeLessThan(0.05);
    });
  }

  test('text is 12 px or more at 360x740, drawn for the width it has', async ({ page, context }) => {
    await blockInternet(context);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`index.html?gpu=${GPU}`);
    await chartsFor(page, '4,096');
    const small = await page.evaluate(smallestText);
    test.info().annotations.push({ type: 'font', description: JSON.stringify({ ...small, labels: undefined }) });
    expect(small.count).toBeGreaterThan(5);
    expect(small.drawn).toBeGreaterThanOrEqual(12);
    expect(small.box).toBeGreaterThanOrEqual(12);
    expect(small.html).toBeGreaterThanOrEqual(12);
    // Drawn at the container's width (scale 1), not a wide drawing scaled down; and the page does not scroll sideways.
    const widths = await page.evaluate(() => ({
      container: document.getElementById('charts').clientWidth,
      svg: [...document.querySelectorAll('#charts svg')].map((s) => Number(s.getAttribute('width'))),
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    }));
    for (const w of widths.svg) expect(w).toBe(widths.container);
    expect(widths.overflow).toBeLessThanOrEqual(0);
    // Context ticks are powers of two, each once.
    const contextTicks = small.labels.filter((l) => /^\d+[KM]$/.test(l));
    expect(contextTicks.length).toBeGreaterThan(1);
    expect(new Set(contextTicks).size).toBe(contextTicks.length);
  });

  test('redraw for a new width once a resize settles', async ({ page, context }) => {
    await blockInternet(context);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`index.html?gpu=${GPU}`);
    await chartsFor(page, '4,096');
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => page.evaluate(() => Number(document.querySelector('#charts .chart-context svg').getAttribute('width')) === document.getElementById('charts').clientWidth)).toBe(true);
    expect(await page.evaluate(() => document.querySelectorAll('#charts .chart-context').length)).toBe(1);  // redrawn, not added
  });

  test('two GPUs: twice the memory, and the context chart quotes the solver\'s exact limit', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto(LLAMA_70B_ON_TWO_3090);
    const capacity = page.locator('#charts figure.chart-capacity figcaption');
    // Llama-3.3-70B at Q4_K_M under llama.cpp on 2 x RTX 3090: each GPU's layers against its own 24 GiB.
    await expect(capacity).toHaveText(/^Each GPU against its memory: GPU \d \(RTX 3090\) is the tightest, [\d.]+ GiB to spare$/);
    await expect(page.locator('#charts figure.chart-capacity svg line.capacity')).toHaveCount(2);
    const caption = page.locator('#charts figure.chart-context figcaption');
    await expect(caption).toHaveText(/fits up to [\d,]+ tokens$/);
    const chart = Number((await caption.textContent()).match(/fits up to ([\d,]+) tokens/)[1].replace(/,/g, ''));
    // The page's own line on the solver (outside the charts) names the same number.
    const elsewhere = await page.evaluate(() => {
      const charts = document.getElementById('charts');
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      const found = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const m = !charts.contains(n) && n.textContent.match(/up to ([\d,]+) tokens/);
        if (m) found.push(Number(m[1].replace(/,/g, '')));
      }
      return found;
    });
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const n of elsewhere) expect(n).toBe(chart);
    // The context chart's rows are the GGUF file type's: its table names the chosen hardware.
    await page.getByText('Memory against context, as a table').click();
    await expect(page.getByRole('table', { name: 'Total memory by context length' }).getByRole('columnheader').nth(2)).toHaveText(/^Fits 2 x /);
  });

  test('GB mode: every byte label in the charts follows the unit', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto(`index.html?gpu=${GPU}`);
    await chartsFor(page, '4,096');
    await page.getByLabel('Units').selectOption('GB');
    await expect(page.locator('#charts figure.chart-capacity figcaption')).toContainText('GB usable');
    const texts = await page.locator('#charts svg text, #charts figcaption').allTextContents();
    expect(texts.some((t) => /\bGB\b/.test(t))).toBe(true);
    expect(texts.filter((t) => /GiB|MiB/.test(t))).toEqual([]);
  });

  test('a GPU given by its memory alone, and training, each get the capacity chart', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html?gpu-memory=12');
    await expect(page.locator('#charts figure.chart-capacity figcaption')).toHaveText(/^Memory on the custom GPU: [\d.]+ GiB needed of 12\.00 GiB usable$/);
    await page.goto(`index.html?gpu=${GPU}&gpus=2&mode=train&method=lora`);
    await expect(page.locator('#charts figure.chart-capacity figcaption')).toHaveText(/^Memory on each of 2 x NVIDIA GeForce RTX 4090: [\d.]+ GiB needed of 24\.00 GiB usable$/);
    expect(await page.locator('#charts figure.chart-capacity rect').count()).toBeGreaterThan(1);
  });
});
