// Results first (issue #14): the verdict for the chosen hardware is the first thing on screen at 360 px and on
// desktop, in both colour schemes; the six questions people bring are answered there (or one tap away); the
// GPU picker, a GPU given by its memory, the GGUF quant table, the changes that make a model fit, files from
// the picker, and a link that carries a pasted config. Each question's time from navigation to its verdict is
// printed (a measurement, not an assertion).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import { kv, writeGguf } from '../tests/llamacpp/gguf-writer.mjs';
import { LAYOUTS, buildLayout, readConfig } from '../tests/llamacpp/layouts.mjs';
import { blockInternet, fixtureText, routeHub } from './hub-routes.mjs';

const SHOTS = new URL('./screenshots/', import.meta.url);
fs.mkdirSync(SHOTS, { recursive: true });
const SIZES = { desktop: { width: 1280, height: 800 }, 'mobile-360': { width: 360, height: 740 } };

// Waits for the verdict of the inputs in the URL, and says how long it took from navigation.
async function verdictOf(page, url) {
  await page.goto(url);
  const verdict = page.locator('#verdict');
  await expect(verdict).not.toHaveAttribute('data-fit', 'pending');
  await expect(page.locator('#results')).toHaveAttribute('aria-busy', 'false');
  const ms = await page.evaluate(() => performance.now());
  return { verdict, ms };
}

// A real layout (Qwen3-0.6B, Q4_K_M, as the llama.cpp harness writes it from the real config): its header bytes
// (up to where the tensor data starts) and the file's size; the sparse file itself is removed.
function qwen3Gguf() {
  const file = path.join(os.tmpdir(), `ns-e2e-${process.pid}-${Date.now()}.gguf`);
  const { dataOffset, fileBytes: size } = writeGguf(file, buildLayout(readConfig(LAYOUTS['qwen3-0.6b']), { weights: 'Q4_K_M', name: 'qwen3-0.6b' }));
  const head = Buffer.alloc(dataOffset);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  fs.rmSync(file);
  return { head, size, dataOffset };
}

// A projector file as convert_hf_to_gguf.py --mmproj lays one out (general.architecture "clip"), its header and size.
function clipGguf() {
  const file = path.join(os.tmpdir(), `ns-e2e-mmproj-${process.pid}-${Date.now()}.gguf`);
  const { dataOffset, fileBytes: size } = writeGguf(file, {
    metadata: [kv.str('general.architecture', 'clip'), kv.bool('clip.has_vision_encoder', true), kv.str('clip.projector_type', 'mlp')],
    tensors: [{ name: 'v.blk.0.attn_qkv.weight', type: 'F16', dims: [1024, 3072] }, { name: 'v.blk.0.ffn_up.weight', type: 'F16', dims: [1024, 4096] },
      { name: 'v.blk.0.ln1.weight', type: 'F32', dims: [1024] }, { name: 'mm.0.weight', type: 'F16', dims: [1024, 1024] }],
  });
  const head = Buffer.alloc(dataOffset);
  const fd = fs.openSync(file, 'r');
  fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  fs.rmSync(file);
  return { head, size };
}

async function inFirstViewport(page, locator) {
  const box = await locator.boundingBox();
  const { height } = page.viewportSize();
  expect(box).not.toBeNull();
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(height);
}

for (const [size, viewport] of Object.entries(SIZES)) {
  for (const colorScheme of ['light', 'dark']) {
    test(`the verdict is in the first viewport (${size}, ${colorScheme})`, async ({ page, context }) => {
      await blockInternet(context);
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      const { verdict } = await verdictOf(page, 'index.html?gpu=RTX%203060');
      await expect(verdict).toHaveText('Does not fit on RTX 3060: 4.12 GiB short');
      await expect(verdict).toHaveAttribute('data-fit', 'no');
      await inFirstViewport(page, verdict);
      await inFirstViewport(page, page.locator('#verdict-changes li').first());
      await page.screenshot({ path: new URL(`${size}-${colorScheme}.png`, SHOTS).pathname });
    });
  }
}

test.describe('the six questions', () => {
  test.beforeEach(async ({ context }) => blockInternet(context));

  test('(a) an 8B at 4-bit, 8K context, on an RTX 3060', async ({ page }) => {
    const { verdict, ms } = await verdictOf(page, 'index.html?gpu=RTX%203060&quantization=Q4_K_M&context-tokens=8192');
    await expect(verdict).toHaveAttribute('data-fit', 'yes');
    await expect(verdict).toHaveText(/^Fits on RTX 3060: \d+\.\d\d GiB to spare$/);
    await expect(page.locator('#verdict-detail')).toContainText('tokens/s');
    // a GGUF file type under the default runtime is llama.cpp's estimate, and the form says so
    await expect(page.getByLabel('Runtime', { exact: true })).toHaveValue('llama.cpp');
    await expect(page.locator('#status')).toContainText('Runtime set to llama.cpp');
    await inFirstViewport(page, verdict);
    console.log(`(a) 8B Q4_K_M 8K on an RTX 3060: verdict after ${ms.toFixed(0)} ms`);
  });

  test('(b) the largest Qwen2.5-7B context in 24 GB (a GPU given by its memory)', async ({ page }) => {
    const { verdict, ms } = await verdictOf(page, 'index.html?model=Qwen/Qwen2.5-7B&vram=24');
    await expect(verdict).toHaveText(/^Fits on a 24\.00 GiB GPU: /);
    await expect(page.getByLabel('or its memory (GiB)')).toHaveValue('24');
    const detail = await page.locator('#verdict-detail').textContent();
    const max = /context up to ([\d,]+) tokens/.exec(detail)?.[1];
    expect(max).toBeTruthy();
    await expect(page.locator('#runtime-info')).toContainText(`up to ${max} tokens of context`);
    expect(new URL(page.url()).searchParams.get('gpu-memory')).toBe('24');  // one spelling when the page writes the link
    console.log(`(b) Qwen2.5-7B in 24 GiB: up to ${max} tokens, verdict after ${ms.toFixed(0)} ms`);
  });

  test('(c) which GGUF of a 70B for 2 x RTX 3090', async ({ page }) => {
    const { verdict, ms } = await verdictOf(page, 'index.html?model=meta-llama/Llama-3.3-70B-Instruct&gpu=RTX%203090&gpus=2&runtime=llama.cpp&context-tokens=8192');
    await expect(verdict).toHaveText(/ on 2 x RTX 3090/);
    const table = page.locator('#quant-table');
    await expect(table).toBeVisible();
    const row = (name) => table.locator('tbody tr', { has: page.getByRole('button', { name, exact: true }) });
    await expect(row('Q4_K_M')).toContainText('Yes');
    await expect(row('Q8_0')).toContainText('With CPU layers: -ngl');
    await expect(table.locator('tr.best')).toHaveCount(1);
    const best = await table.locator('tr.best button').textContent();
    await table.locator('tr.best button').click();
    await expect(page.getByLabel('Weight format', { exact: true })).toHaveValue(best);
    await expect(page.locator('#verdict')).toHaveAttribute('data-fit', 'yes');
    console.log(`(c) 70B on 2 x RTX 3090: best file type ${best}, verdict after ${ms.toFixed(0)} ms`);
  });

  test('(d) QLoRA of an 8B on a 4090', async ({ page }) => {
    const { verdict, ms } = await verdictOf(page, 'index.html?mode=train&method=qlora&checkpointing=full&gpu=RTX%204090&context-tokens=2048');
    await expect(verdict).toHaveText(/^Training fits on RTX 4090: /);
    await expect(page.locator('#summary')).toContainText('QLoRA (NF4) training');
    // training hides what it ignores
    await expect(page.getByLabel('Runtime', { exact: true })).toBeHidden();
    await expect(page.getByLabel('Weight format', { exact: true })).toBeHidden();
    console.log(`(d) QLoRA 8B on a 4090: verdict after ${ms.toFixed(0)} ms`);
  });

  test('(e) vLLM on an H100: concurrent 8K requests', async ({ page }) => {
    const { verdict, ms } = await verdictOf(page, 'index.html?runtime=vllm&gpu=H100%20SXM&context-tokens=8192');
    await expect(verdict).toHaveAttribute('data-fit', 'yes');
    await expect(page.locator('#verdict-detail')).toContainText(/concurrent 8,192-token requests/);
    console.log(`(e) vLLM on an H100 at 8K: ${await page.locator('#verdict-detail').textContent()} (${ms.toFixed(0)} ms)`);
  });

  test('(f) a GGUF file of my own, dropped on the page: its own full estimate', async ({ page }) => {
    // Its header handed to the page in a File of the file's true size (the tail one shared zero MiB, repeated).
    const { head, size } = qwen3Gguf();
    await verdictOf(page, 'index.html?gpu=RTX%203060');
    await expect(page.getByRole('button', { name: 'Embed this' })).toBeVisible();  // the features are in
    const started = await page.evaluate(async ({ base64, size }) => {
      const header = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const mib = new Blob([new Uint8Array(1 << 20)]);
      const rest = size - header.length;
      const tail = new Blob([...Array(Math.floor(rest / (1 << 20))).fill(mib), new Uint8Array(rest % (1 << 20))]);
      const drop = new DataTransfer();
      drop.items.add(new File([header, tail], 'qwen3-0.6b-Q4_K_M.gguf'));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: drop, bubbles: true, cancelable: true }));
      return performance.now();
    }, { base64: head.toString('base64'), size });
    await expect(page.locator('#result-model')).toHaveText('qwen3-0.6b-Q4_K_M.gguf');
    await expect(page.locator('#summary')).toContainText('(596,049,920)');  // Qwen3-0.6B's published count
    await expect(page.locator('#summary')).toContainText('GGUF Q4_K_M');
    await expect(page.locator('#verdict')).toHaveText(/^Fits on RTX 3060: /);
    await expect(page.getByRole('region', { name: 'Weight file header' })).toContainText('qwen3-0.6b-Q4_K_M.gguf: gguf v3');
    const ms = await page.evaluate((t0) => performance.now() - t0, started);
    console.log(`(f) a dropped GGUF (${size.toLocaleString('en-US')} bytes, header only read): verdict ${ms.toFixed(0)} ms after the drop`);
  });
});

test.describe('hardware as people own it', () => {
  test.beforeEach(async ({ context }) => blockInternet(context));

  test('typing "3060" picks the RTX 3060; a change that makes it fit applies with one tap', async ({ page }) => {
    await verdictOf(page, 'index.html');
    await expect(page.getByRole('button', { name: 'Embed this' })).toBeVisible();
    await page.getByLabel('GPU', { exact: true }).fill('3060');
    await page.getByLabel('GPU', { exact: true }).dispatchEvent('change');
    await expect(page.getByLabel('GPU', { exact: true })).toHaveValue('NVIDIA GeForce RTX 3060');
    await expect(page.locator('#verdict')).toHaveAttribute('data-fit', 'no');
    await page.locator('#verdict-changes button', { hasText: '2 GPUs' }).click();
    await expect(page.getByLabel('GPUs', { exact: true })).toHaveValue('2');
    await expect(page.locator('#verdict')).toHaveText(/^Fits on 2 x RTX 3060: /);
  });

  test('a MoE that does not fit whole keeps the experts of its first layers in RAM, with the command that runs it', async ({ page }) => {
    const { verdict } = await verdictOf(page, 'index.html?model=Qwen/Qwen3-30B-A3B&gpu=RTX%203060&quantization=Q4_K_M');
    await expect(verdict).toHaveAttribute('data-fit', 'offload');
    // (with the band of seed 001 the speed falls in)
    await expect(verdict).toHaveText(/^Fits on RTX 3060 with the experts of \d+ layers in system RAM: ~\d+(\.\d)? tokens\/s \((painful|acceptable|smooth)\)$/);
    const n = /--n-cpu-moe (\d+)/.exec(await page.locator('#verdict-detail').textContent())[1];
    await expect(page.locator('#runtime-info')).toContainText(`llama-server -m MODEL.gguf -c 4096 -ngl 49 -fa on --n-cpu-moe ${n}`);
    // whole layers on the CPU are the other way, slower: one tap sets it, and the page says -ngl
    await page.locator('#verdict-changes button', { hasText: 'layers on the GPU' }).click();
    await expect(verdict).toHaveText(/^Fits on RTX 3060 with \d+ of 49 layers on the CPU: ~\d+(\.\d)? tokens\/s \((painful|acceptable|smooth)\)$/);
    // the experts' way from the field, as a link carries it
    await verdictOf(page, `index.html?model=Qwen/Qwen3-30B-A3B&gpu=RTX%203060&quantization=Q4_K_M&n-cpu-moe=${n}`);
    await expect(page.getByLabel('Experts in RAM (--n-cpu-moe)')).toHaveValue(n);
    await expect(verdict).toHaveText(/^Fits on RTX 3060 with the experts of \d+ layers in system RAM/);
  });

  test('a config.json from the file picker is estimated; a pasted one travels in a copied link', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await verdictOf(page, 'index.html');
    await expect(page.getByRole('button', { name: 'Embed this' })).toBeVisible();
    await page.locator('#file-input').setInputFiles({ name: 'config.json', mimeType: 'application/json', buffer: Buffer.from(fixtureText('Qwen__Qwen3-0.6B')) });
    await expect(page.locator('#summary')).toContainText('596,049,920');
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.locator('#status')).toContainText('#fragment');
    const link = page.url();
    expect(link).toMatch(/#config=[A-Za-z0-9_-]+$/);
    const again = await context.newPage();
    await again.goto(link);
    await expect(again.locator('#summary')).toContainText('596,049,920');
    await expect(again.locator('#result-model')).toHaveText('Qwen3ForCausalLM (your config.json)');
  });

  test('the file picker takes a .gguf and a .safetensors too', async ({ page }) => {
    await verdictOf(page, 'index.html');
    await expect(page.getByRole('button', { name: 'Embed this' })).toBeVisible();
    const corpus = (p) => fs.readFileSync(new URL(`../tests/fuzz/corpus/${p}`, import.meta.url));
    await page.locator('#file-input').setInputFiles({ name: 'small.safetensors', mimeType: 'application/octet-stream', buffer: corpus('safetensors/small.safetensors') });
    const box = page.getByRole('region', { name: 'Weight file header' });
    await expect(box).toContainText('small.safetensors: safetensors');
    await page.locator('#file-input').setInputFiles({ name: 'small.gguf', mimeType: 'application/octet-stream', buffer: corpus('gguf/small-v3.gguf') });
    await expect(box).toContainText('small.gguf: gguf v3');
    // a GGUF is a model of its own (this one a tiny llama-architecture file): estimated from its header
    await expect(page.locator('#result-model')).toHaveText('small.gguf');
    await expect(page.locator('#summary')).toContainText('llama.cpp');
  });

  test('a pasted huggingface.co link is read as the model id', async ({ page }) => {
    await verdictOf(page, 'index.html');
    await page.getByLabel('Hugging Face model').fill('https://huggingface.co/Qwen/Qwen3-0.6B/blob/main/config.json');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByLabel('Hugging Face model')).toHaveValue('Qwen/Qwen3-0.6B');
    await expect(page.locator('#summary')).toContainText('596,049,920');
  });
});

for (const [size, viewport] of Object.entries(SIZES)) {
  test(`the layout does not shift over load and three re-estimates (${size})`, async ({ page, context }) => {
    await blockInternet(context);
    await page.setViewportSize(viewport);
    await page.addInitScript(() => {
      window.shift = 0;
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.shift += e.value; }).observe({ type: 'layout-shift', buffered: true });
    });
    await verdictOf(page, 'index.html?gpu=RTX%203060');
    await expect(page.getByRole('button', { name: 'Embed this' })).toBeVisible();
    for (const tokens of ['8192', '16384', '2048']) {
      await page.evaluate((v) => { const c = document.getElementById('context'); c.value = v; c.dispatchEvent(new Event('change')); }, tokens);
      await expect(page.locator('#summary')).toContainText(`${Number(tokens).toLocaleString('en-US')} tokens`);
    }
    await page.waitForTimeout(300);
    const shift = await page.evaluate(() => window.shift);
    console.log(`layout shift at ${viewport.width}x${viewport.height}: ${shift.toFixed(4)}`);
    expect(shift).toBeLessThan(0.05);
  });
}

test('a GGUF-only repository: its Q4_K_M file estimated from the header, read by Range', async ({ page, context }) => {
  await blockInternet(context);
  const { head, size, dataOffset } = qwen3Gguf();
  const seen = [];
  await routeHub(context, {
    'someone/Qwen3-0.6B-GGUF': {
      siblings: ['README.md', 'Qwen3-0.6B-Q8_0.gguf', 'Qwen3-0.6B-Q4_K_M.gguf', 'mmproj-Qwen3-0.6B-F16.gguf'],
      files: { 'Qwen3-0.6B-Q4_K_M.gguf': { head, size }, 'mmproj-Qwen3-0.6B-F16.gguf': clipGguf() },
    },
  }, seen);
  const { verdict } = await verdictOf(page, 'index.html?model=someone/Qwen3-0.6B-GGUF&gpu=RTX%203060');
  await expect(page.locator('#summary')).toContainText('(596,049,920)');
  await expect(page.locator('#summary')).toContainText('GGUF Q4_K_M');
  await expect(verdict).toHaveText(/^Fits on RTX 3060: /);
  await expect(page.locator('#status')).toContainText('Its other types: Q8_0');
  await expect(page.locator('#runtime-info')).toContainText('llama-server -hf someone/Qwen3-0.6B-GGUF:Q4_K_M');
  const ranges = seen.filter((r) => r.headers.range).map((r) => Number(/-(\d+)$/.exec(r.headers.range)[1]) + 1);
  expect(seen.some((r) => r.url.endsWith('mmproj-Qwen3-0.6B-F16.gguf'))).toBe(false);
  console.log(`GGUF-only repository: ${ranges.length} Range requests, ${ranges.reduce((a, b) => a + b, 0).toLocaleString('en-US')} bytes asked for a ${dataOffset.toLocaleString('en-US')}-byte header of a ${size.toLocaleString('en-US')}-byte file`);
  expect(Math.max(...ranges)).toBeLessThanOrEqual(4 * dataOffset);
  // the repository has a projector: the llama.cpp settings offer it; ticked, its header is read by Range and counted
  const projector = page.getByLabel('Vision / audio projector (--mmproj)');
  const modelReads = () => seen.filter((r) => r.url.endsWith('Qwen3-0.6B-Q4_K_M.gguf')).length;
  const readsBefore = modelReads();
  await projector.check();
  await expect(page.locator('#bar')).toHaveAttribute('aria-label', /Projector \(mmproj\) weights, GPU 0 \(the mmproj file's 4 tensors, F16/, { timeout: 20000 });
  await expect(page).toHaveURL(/[?&]mmproj=true/);
  const projectorReads = seen.filter((r) => r.url.endsWith('mmproj-Qwen3-0.6B-F16.gguf'));
  expect(projectorReads.length).toBeGreaterThan(0);
  expect(projectorReads.every((r) => /^bytes=0-\d+$/.test(r.headers.range ?? ''))).toBe(true);
  expect(modelReads()).toBe(readsBefore);  // the model's header is not read again
  await expect(page.locator('#status')).toContainText('Projector mmproj-Qwen3-0.6B-F16.gguf: its header read by Range');
  // the element (here in its iframe page) reads the same repository the same way
  await page.goto('embed.html?model-id=someone/Qwen3-0.6B-GGUF&gpu=RTX%203060');
  const widget = page.locator('neuro-shrink');
  await expect(widget).toHaveAttribute('data-fit', 'yes');
  await expect(widget.locator('[part="verdict"]')).toHaveText(/^Fits on RTX 3060: /);
});
