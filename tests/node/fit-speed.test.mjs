// core/speed.cpp's llama.cpp speed constants against what scripts/fit-speed.mjs fits to the published llama-bench
// rows today (issue #20): a row added to tests/fixtures/published/llama-bench.json, or a catalogue figure changed,
// moves the fit, and this says which constant to copy over. Every decode efficiency (per family, backend and
// weight width) and every prefill efficiency (per class of card) the fit prints is checked through an estimate.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';

const NATIVE = process.env.NEURO_SHRINK_NATIVE ?? new URL('../../build/native/neuro-shrink-native', import.meta.url).pathname;
const SCRIPT = new URL('../../scripts/fit-speed.mjs', import.meta.url).pathname;
const CONFIG = fs.readFileSync(new URL('../fixtures/configs/meta-llama__Llama-2-7b-hf.json', import.meta.url), 'utf8');
const core = (flag, request) => JSON.parse(spawnSync(NATIVE, flag ? [flag] : [], { input: JSON.stringify(request), encoding: 'utf8' }).stdout);
const WIDTH = { wide: 'F16', eight_bit: 'Q8_0', narrow: 'Q4_0' };

test('core/speed.cpp holds the efficiencies scripts/fit-speed.mjs fits to the published rows', () => {
  const fit = JSON.parse(spawnSync(process.execPath, [SCRIPT, '--json'], { encoding: 'utf8', env: { ...process.env, NEURO_SHRINK_NATIVE: NATIVE } }).stdout);
  const gpus = core('--catalogue', {}).gpus;
  const estimate = (gpu, backend, quantization) => core(null, { config: CONFIG, runtime: 'llama.cpp', gpu: gpu.name, backend, quantization, context_tokens: 512, ubatch: 512 });
  let checked = 0;
  for (const [key, f] of Object.entries(fit.decode)) {
    const [family, backend] = key.split(' ');
    const gpu = gpus.find((g) => g.speed_family === family && g.memory_bytes >= 16 * 2 ** 30);
    assert.ok(gpu, `a catalogue GPU of the ${family} family`);
    for (const [width, efficiency] of Object.entries(f.efficiency)) {
      const report = estimate(gpu, backend, WIDTH[width]);
      assert.equal(report.speed.family, family);
      assert.equal(report.speed.backend, backend);
      assert.ok(Math.abs(report.speed.efficiency - efficiency) < 0.0006, `${key} ${width}: core ${report.speed.efficiency}, fit ${efficiency} (${f.rows} rows)`);
      checked++;
    }
  }
  // Prefill: the fit's classes of five rows or more (fewer are not fitted) through one GPU of each with a figure.
  for (const [key, p] of Object.entries(fit.prefill).filter(([, x]) => x.rows >= 5)) {
    const [cls, backend] = key.split(' ');
    const gpu = gpus.find((g) => g.fp16_flops_per_s && estimate(g, backend, 'Q4_0').speed.prefill_class === cls);
    assert.ok(gpu, `a catalogue GPU of the ${cls} class with an fp16 figure`);
    const sp = estimate(gpu, backend, 'Q4_0').speed;
    const efficiency = sp.prefill_tokens_per_s * sp.flops_per_token / gpu.fp16_flops_per_s;
    assert.ok(Math.abs(efficiency - p.efficiency) < 0.0006, `prefill ${key}: core ${efficiency.toFixed(4)}, fit ${p.efficiency} (${p.rows} rows)`);
    checked++;
  }
  assert.ok(checked >= 15, `${checked} constants checked`);
});
