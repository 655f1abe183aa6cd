// A machine of unequal GPUs (issue #16): the page's GPU field and URL take a comma list ("3090, 3060"), the
// element the same attribute; the verdict speaks of the whole setup and its tightest GPU, the capacity chart draws
// each GPU against its own memory, and the command carries llama.cpp's split. All offline (a shipped model).
import { expect, test } from '@playwright/test';

import { blockInternet } from './hub-routes.mjs';

const SETUP = 'runtime=llama.cpp&quantization=Q3_K_M&model=meta-llama/Llama-3.3-70B-Instruct&ctx=8192';

test('the URL names two GPUs: the verdict, the per-GPU chart and the command say how llama.cpp splits the 70B', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto(`index.html?gpu=${encodeURIComponent('RTX 3090, RTX 3060')}&${SETUP}`);
  const verdict = page.locator('#verdict');
  await expect(verdict).toHaveText(/^Fits on RTX 3090 \+ RTX 3060: \d+\.\d\d GiB to spare on the tightest GPU \(GPU 1, RTX 3060\)$/);
  // One bar per GPU, each against its own memory; the caption names the tightest.
  const chart = page.locator('#charts figure.chart-capacity');
  await expect(chart.locator('figcaption')).toContainText('Each GPU against its memory: GPU 1 (RTX 3060) is the tightest');
  await expect(chart.locator('svg line.capacity')).toHaveCount(2);
  await expect(page.locator('body')).toContainText('--split-mode layer --tensor-split 24,12');
  // The field shows the catalogue names it resolved, and a typed list is resolved part by part.
  await expect(page.locator('#gpu')).toHaveValue('RTX 3090, RTX 3060');
  await page.locator('#gpu').fill('4090, 3060');
  await page.locator('#gpu').dispatchEvent('change');
  await expect(page.locator('#gpu')).toHaveValue('NVIDIA GeForce RTX 4090, NVIDIA GeForce RTX 3060');
  await expect(verdict).toContainText('RTX 4090 + RTX 3060');
  await expect(page).toHaveURL(/gpu=NVIDIA(\+|%20)GeForce(\+|%20)RTX(\+|%20)4090%2C/);
});

test('the element takes the same list in its gpu attribute', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto('example.html');
  const fired = await page.evaluate(() => new Promise((resolve) => {
    const el = document.createElement('neuro-shrink');
    el.id = 'mixed';
    el.addEventListener('estimate', (e) => resolve(e.detail.report.verdict));
    el.addEventListener('error', (e) => resolve({ error: e.detail.message }));
    for (const [k, v] of Object.entries({ 'model-id': 'meta-llama/Llama-3.3-70B-Instruct', runtime: 'llama.cpp', quantization: 'Q3_K_M', gpu: 'RTX 3090, RTX 3060' })) el.setAttribute(k, v);
    document.body.prepend(el);
  }));
  expect(fired.gpu_list).toEqual(['NVIDIA GeForce RTX 3090', 'NVIDIA GeForce RTX 3060']);
  await expect(page.locator('#mixed [part="verdict"]')).toContainText('RTX 3090 + RTX 3060');
});

test('a cluster from the URL: two machines of eight H100 under vLLM, TP 8 x PP 2, and the Ray launch lines', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto(`index.html?gpu=${encodeURIComponent('H100 SXM')}&gpus=8&nodes=2&runtime=vllm&model=meta-llama/Llama-3.3-70B-Instruct&ctx=32768`);
  await expect(page.locator('#verdict')).toHaveText(/^Fits on 2 machines x 8 x H100 SXM \(TP 8 x PP 2\): \d+\.\d\d GiB to spare on the tightest GPU \(GPU \d+, H100 SXM\)$/);
  await expect(page.locator('body')).toContainText('ray start --head --port 6379');
  await expect(page.locator('body')).toContainText('--tensor-parallel-size 8 --pipeline-parallel-size 2 --distributed-executor-backend ray');
  // Sixteen GPUs, each against its own memory: the per-GPU chart draws the first eight and says so.
  await expect(page.locator('#charts figure.chart-capacity figcaption')).toContainText('the first 8 of 16');
  await expect(page).toHaveURL(/nodes=2/);
});

test('the hardware and runtime settings the form does not lay out are in "More settings", from the schema, carried in the URL', async ({ page, context }) => {
  await blockInternet(context);
  await page.goto(`index.html?gpu=${encodeURIComponent('H100 SXM')}&gpus=8&runtime=vllm&model=meta-llama/Llama-3.3-70B-Instruct&ctx=32768`);
  await expect(page.locator('#verdict')).toHaveText(/^Fits on 8 x H100 SXM/);
  const panel = page.locator('#more-settings');
  await expect(panel).not.toHaveAttribute('open');  // closed: nothing on screen moved when it came
  await panel.locator('summary').click();
  for (const flag of ['--nodes', '--tensor-parallel', '--pipeline-parallel', '--interconnect', '--host-memory (GiB)', '--tensor-split', '--gpu-memory-utilization']) {
    await expect(panel.getByLabel(flag, { exact: true })).toBeVisible();
  }
  await panel.getByLabel('--nodes', { exact: true }).fill('2');
  await panel.getByLabel('--nodes', { exact: true }).dispatchEvent('change');
  await expect(page.locator('#verdict')).toHaveText(/^Fits on 2 machines x 8 x H100 SXM \(TP 8 x PP 2\)/);
  await expect(page).toHaveURL(/nodes=2/);
  await panel.getByLabel('--interconnect', { exact: true }).selectOption('infiniband-ndr');
  await expect(page).toHaveURL(/interconnect=infiniband-ndr/);
  // a link that sets one opens the panel with it filled in
  await page.goto(`index.html?gpu=${encodeURIComponent('H100 SXM')}&gpus=8&nodes=2&runtime=vllm&model=meta-llama/Llama-3.3-70B-Instruct`);
  await expect(page.locator('#more-settings')).toHaveAttribute('open', '');
  await expect(page.locator('#more-settings').getByLabel('--nodes', { exact: true })).toHaveValue('2');
});
