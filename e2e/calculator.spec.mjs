import { expect, test } from '@playwright/test';

import { blockInternet, fixtureText, routeHub } from './hub-routes.mjs';

const QWEN = 'Qwen/Qwen2.5-7B-Instruct';  // served from the Qwen2.5-7B fixture; not a config the page ships

test.describe('the calculator', () => {
  test('opens on a full estimate for the embedded Llama-3.1-8B with no network at all', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('8,030,261,248');
    await expect(page.locator('#result-model')).toHaveText('meta-llama/Llama-3.1-8B');
    const rows = page.getByRole('table', { name: 'Memory components' });
    await expect(rows.getByRole('row', { name: /Weights/ })).toContainText('14.96 GiB');  // 2 x 8,030,261,248 bytes
    await expect(rows.getByRole('row', { name: /KV cache/ })).toContainText('0.50 GiB');  // 131,072 B/token x 4096
    await expect(page.getByRole('img', { name: /memory breakdown/i })).toBeVisible();
    // 16.12 GiB: the smallest fitting cards are 20 GB ones.
    await expect(page.locator('#fit-summary')).toContainText('NVIDIA RTX 4000 Ada (20.00 GiB, 3.88 GiB free)');
    await page.getByText(/Every GPU in the catalogue: \d+ of \d+ fit/).click();
    await expect(page.getByRole('table', { name: 'GPU fit' }).getByRole('row', { name: /^NVIDIA GeForce RTX 4090 24/ })).toContainText('Yes');
  });

  test('re-estimates when the quantization changes, without fetching again', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('BF16 weights');
    await page.getByLabel('Weight format', { exact: true }).selectOption('int4');
    await expect(page.locator('#summary')).toContainText('INT4 weights');
  });

  test('fetches a model from the Hub and shows its estimate and cross-check', async ({ page, context }) => {
    await blockInternet(context);
    await routeHub(context, { [QWEN]: { config: fixtureText('Qwen__Qwen2.5-7B'), hubTotal: 7_615_616_512 } });
    await page.goto('index.html');
    await page.getByLabel('Hugging Face model').fill(QWEN);
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.locator('#result-model')).toHaveText(QWEN);
    await expect(page.locator('#summary')).toContainText('7,615,616,512');
    await expect(page.getByRole('list', { name: 'Notes on this estimate' })).toContainText('config.json and the Hub agree');
  });

  test('switches to training memory: LoRA with checkpointing, from the full estimator module', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('BF16 weights');
    await page.getByLabel('Mode', { exact: true }).selectOption('train');
    await expect(page.getByLabel('Method', { exact: true })).toBeVisible();
    await page.getByLabel('Method', { exact: true }).selectOption('lora');
    await page.getByLabel('Gradient checkpointing').selectOption('full');
    await page.getByLabel('Context (tokens)').fill('2048');
    await page.getByLabel('Context (tokens)').dispatchEvent('change');
    await expect(page.locator('#summary')).toContainText('LoRA training, Mixed bf16 (fp32 master), AdamW, 41.94 M trained');
    const rows = page.getByRole('table', { name: 'Memory components' });
    await expect(rows.getByRole('row', { name: /LoRA adapter weights/ })).toContainText('0.16 GiB');  // 41,943,040 x 4 bytes
    await expect(rows.getByRole('row', { name: /Logits and cross-entropy/ })).toContainText('2.94 GiB');  // 2048 x 128256 x 12
    await expect(page.getByRole('table', { name: 'KV cache by layer' })).toBeHidden();
    await page.screenshot({ path: 'e2e/screenshots/training-lora.png', fullPage: true });
  });

  test('fetches only the first-estimate files before the first estimate', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('8,030,261,248');
    // Resources whose fetch began before the page marked its first estimate, and the page itself, by their path
    // under the site's folder (the suite serves it under a sub-path, e2e/serve.mjs).
    const before = await page.evaluate(() => {
      const mark = performance.getEntriesByName('first-estimate')[0].startTime;
      const site = new URL('.', location.href).pathname;
      const names = performance.getEntriesByType('resource').filter((e) => e.startTime < mark).map((e) => {
        const { pathname } = new URL(e.name);
        return pathname.startsWith(site) ? pathname.slice(site.length) : pathname;
      });
      return [...new Set(['index.html', ...names])].sort();
    });
    const firstMs = await page.evaluate(() => performance.getEntriesByName('first-estimate')[0].startTime);
    console.log(`first estimate, cold (no cache, no service worker): ${firstMs.toFixed(0)} ms after navigation start`);
    // tests/bench/payload.mjs sums exactly these (gzipped) against the 100 KB budget.
    expect(before).toEqual(['app.js', 'index.html', 'models/meta-llama__Llama-3.1-8B.json', 'neuro-shrink-first.js', 'neuro-shrink-first.wasm',
      'page/render.js', 'page/store.js', 'page/url.js', 'shared/estimator.js', 'shared/format.js', 'shared/models.js', 'shared/params.js',
      'shared/verdict.js', 'style.css'].sort());
  });

  test('keeps every input in the URL: a link reproduces the estimate', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('BF16 weights');
    await page.getByLabel('Runtime', { exact: true }).selectOption('llama.cpp');
    await page.getByLabel('Weight format', { exact: true }).selectOption('Q4_K_M');
    await page.getByLabel('GPU', { exact: true }).fill('NVIDIA GeForce RTX 4090');
    await page.getByLabel('GPU', { exact: true }).dispatchEvent('change');
    await page.getByLabel('Context (tokens)').fill('16384');
    await page.getByLabel('Context (tokens)').dispatchEvent('change');
    const rows = page.getByRole('table', { name: 'Memory components' });
    await expect(rows.getByRole('row', { name: /CPU_Mapped: token_embd/ })).toContainText('0.28 GiB');  // 128256 x 4096 Q4_K
    await expect(page.locator('#runtime-info')).toContainText('Run it: llama-server -m MODEL.gguf -c 16384 -ngl 33 -fa on');
    await expect(page.locator('#runtime-info')).toContainText('Speed on NVIDIA GeForce RTX 4090');
    const total = await page.locator('#total').textContent();
    const url = page.url();
    // One spelling per option, the kebab-case of the request's field.
    expect(url).toContain('quantization=Q4_K_M');
    expect(url).toContain('context-tokens=16384');
    expect(url).toContain('runtime=llama.cpp');
    const again = await context.newPage();
    await again.goto(url);
    await expect(again.locator('#total')).toHaveText(total);
    await expect(again.getByLabel('Weight format', { exact: true })).toHaveValue('Q4_K_M');
    await expect(again.getByLabel('Context (tokens)')).toHaveValue('16384');
    // A link with the old spellings (q, ctx) gives the same estimate, and is rewritten to the new ones.
    const old = await context.newPage();
    await old.goto(`index.html?q=Q4_K_M&ctx=16384&runtime=llama.cpp&gpu=${encodeURIComponent('NVIDIA GeForce RTX 4090')}`);
    await expect(old.locator('#total')).toHaveText(total);
    await expect(old.getByLabel('Weight format', { exact: true })).toHaveValue('Q4_K_M');
    await expect(old.getByLabel('Context (tokens)')).toHaveValue('16384');
    expect(old.url()).toContain('quantization=Q4_K_M');
    expect(old.url()).toContain('context-tokens=16384');
  });

  test('shows a progress message while the config is fetched', async ({ page, context }) => {
    await blockInternet(context);
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    await context.route(`https://huggingface.co/${QWEN}/resolve/main/config.json`, async (route) => {
      await gate;
      await route.fulfill({ status: 200, headers: { 'access-control-allow-origin': '*' }, body: fixtureText('Qwen__Qwen2.5-7B') });
    });
    await page.goto('index.html');
    await page.getByLabel('Hugging Face model').fill(QWEN);
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByRole('status')).toHaveText(`Fetching config for ${QWEN}…`);
    await expect(page.getByRole('button', { name: 'Estimate' })).toBeDisabled();
    release();
    await expect(page.locator('#result-model')).toHaveText(QWEN);
  });
});

test.describe('failures', () => {
  test('a gated model (401) says it is gated and what to do', async ({ page, context }) => {
    await blockInternet(context);
    await routeHub(context, { 'meta-llama/Llama-3.1-70B-Instruct': { status: 401, headers: { 'x-error-code': 'GatedRepo' } } });
    // Hold the default config until the user has asked for another model, as on a slow first load: the
    // late start-up estimate must not replace the answer to what the user asked for.
    let release;
    const gate = new Promise((resolve) => { release = resolve; });
    await context.route('**/models/meta-llama__Llama-3.1-8B.json', async (route) => { await gate; await route.continue(); });
    await page.goto('index.html');
    await page.getByLabel('Hugging Face model').fill('meta-llama/Llama-3.1-70B-Instruct');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByRole('alert')).toContainText('is gated or private (HTTP 401)');
    const loaded = page.waitForResponse('**/models/meta-llama__Llama-3.1-8B.json');
    release();
    await loaded;
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
    await expect(page.getByRole('alert')).toContainText('access token');
    await expect(page.locator('#results')).toBeHidden();
  });

  test('an unknown model (404) says there is no such model', async ({ page, context }) => {
    await blockInternet(context);
    await routeHub(context, {});
    await page.goto('index.html');
    await page.getByLabel('Hugging Face model').fill('nobody/nothing');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByRole('alert')).toContainText('There is no model "nobody/nothing" on the Hub (HTTP 404)');
  });

  test('a malformed config says so', async ({ page, context }) => {
    await blockInternet(context);
    await routeHub(context, { 'broken/model': { config: '{"model_type": "llama", "hidden_size": ' } });
    await page.goto('index.html');
    await page.getByLabel('Hugging Face model').fill('broken/model');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByRole('alert')).toContainText('The config is not valid JSON');
    await expect(page.locator('#results')).toBeHidden();
  });

  test('a network failure says the Hub cannot be reached', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await page.getByLabel('Hugging Face model').fill(QWEN);
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByRole('alert')).toContainText('Could not reach the Hub');
  });

  test('being offline says so, and the embedded estimate stays usable', async ({ page, context }) => {
    await blockInternet(context);
    await page.goto('index.html');
    await expect(page.locator('#summary')).toContainText('8,030,261,248');
    await expect(page.getByRole('button', { name: 'Embed this' })).toBeVisible();  // the page's features are in
    await context.setOffline(true);
    await page.getByLabel('Hugging Face model').fill(QWEN);
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByRole('alert')).toContainText('You are offline');
    // the config.json it asks for goes in right there
    await expect(page.locator('#paste-config')).toBeFocused();
  });

  test('markup in a model id or a config is shown as text, never parsed', async ({ page, context }) => {
    await blockInternet(context);
    const config = JSON.parse(fixtureText('Qwen__Qwen3-0.6B'));
    config.model_type = '<img src=x id=injected-config>';
    config.architectures = ['<b id="injected-arch">Bold</b>'];
    await routeHub(context, { 'evil/model': { config: JSON.stringify(config) } });
    await page.goto('index.html');

    await page.getByLabel('Hugging Face model').fill('<img src=x id=injected-id>');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByRole('alert')).toContainText('"<img src=x id=injected-id>" is not a Hub model id');

    await page.getByLabel('Hugging Face model').fill('evil/model');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect(page.getByRole('list', { name: 'Notes on this estimate' })).toContainText('Unknown architecture "<b id="injected-arch">Bold</b>"');
    await expect(page.locator('#injected-id, #injected-config, #injected-arch')).toHaveCount(0);
  });
});
