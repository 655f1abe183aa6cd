// What else shares the GPU (issue #17), on the page: images in a vision-language model's context and llama.cpp's
// projector buffer, and a draft model for speculative decoding, each from the settings (carried in the URL) and
// shown as its own part of the breakdown. Offline: both models are among the configs the page ships.
import { expect, test } from '@playwright/test';

import { blockInternet } from './hub-routes.mjs';

const SHOTS = new URL('./screenshots/', import.meta.url);

test('Qwen2.5-VL with 4 images of 1024 x 1024: their tokens in the context, the projector and its compute buffer', async ({ page, context }) => {
  await blockInternet(context);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto('index.html?model=Qwen/Qwen2.5-VL-7B-Instruct&runtime=llama.cpp&quantization=Q4_K_M&mmproj=true&images=4&image-size=1024x1024&ctx=8192&gpu=RTX+4090');
  const info = page.locator('#multimodal-info');
  await expect(info).toContainText('4 images of 1024x1024: 5,484 tokens of the context (1,371 each: 1024x1024 resized to 1036x1036', { timeout: 20000 });
  await expect(page.locator('body')).toContainText('Projector (mmproj) compute buffer, GPU 0 (8464 encoder positions, its warmup image)');
  await expect(page.locator('#verdict')).toHaveText(/^Fits on RTX 4090/);
  // The settings are in "More settings", from the schema.
  await expect(page.locator('#setting-images')).toHaveValue('4');
  await expect(page.locator('#setting-image_size')).toHaveValue('1024x1024');
  await page.screenshot({ path: new URL('qwen2.5-vl-4-images.png', SHOTS).pathname, fullPage: true });
});

test('a llama.cpp draft model: its own buffers beside the target, the decode range and -md in the command; not in the link', async ({ page, context }) => {
  await blockInternet(context);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`index.html?model=meta-llama/Llama-3.3-70B-Instruct&runtime=llama.cpp&quantization=Q4_K_M&ctx=8192&gpu=${encodeURIComponent('RTX 3090, RTX 3090')}&draft-model=meta-llama/Llama-3.2-1B&draft-quantization=Q8_0`);
  const info = page.locator('#multimodal-info');
  await expect(info).toContainText(/Draft model meta-llama\/Llama-3\.2-1B \(Q8_0, 3 tokens drafted per step\): 2\.\d\d GiB beside the model\. Decode ~\d+\.\d to ~\d+\.\d tokens\/s with it/, { timeout: 20000 });
  await expect(page.locator('body')).toContainText('Draft model: KV buffer, GPU 0');
  await expect(page.locator('#runtime-info')).toContainText('-md DRAFT.gguf');
  await expect(page).toHaveURL(/draft-model=meta-llama%2FLlama-3\.2-1B/);
  await expect(page).not.toHaveURL(/draft-config/);
  await page.screenshot({ path: new URL('llamacpp-draft-model.png', SHOTS).pathname, fullPage: true });
  // Cleared, the draft leaves the estimate ("More settings" opened by itself: the link sets one of its fields).
  await expect(page.locator('#more-settings')).toHaveAttribute('open', '');
  await page.locator('#setting-draft_model').fill('');
  await page.locator('#setting-draft_model').dispatchEvent('change');
  await expect(info).toBeHidden();
  await expect(page.locator('#runtime-info')).not.toContainText('-md DRAFT.gguf');
});

test('Ollama at its defaults: the context by the GPU memory, Q4_K_M, 1 GiB kept free, the OLLAMA_* command', async ({ page, context }) => {
  await blockInternet(context);
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto('index.html?runtime=ollama&gpu=RTX+4090');
  await expect(page.locator('#runtime-info')).toContainText('OLLAMA_CONTEXT_LENGTH=32768 ollama serve', { timeout: 20000 });
  await expect(page.locator('#summary')).toContainText('32,768 tokens');
  await expect(page.locator('#verdict')).toHaveText(/^Fits on RTX 4090/);
  await page.screenshot({ path: new URL('ollama-defaults.png', SHOTS).pathname, fullPage: true });
  // A context asked is kept.
  await page.locator('#context').fill('8192');
  await page.locator('#context').dispatchEvent('change');
  await expect(page.locator('#runtime-info')).toContainText('OLLAMA_CONTEXT_LENGTH=8192 ollama serve');
});
