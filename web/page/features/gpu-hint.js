// The WebGPU hint: what the browser's adapter says of the GPU, matched against the core's GPU catalogue; the
// smallest matching GPU is preselected (a fit there holds on the others). Browsers do not reveal the memory.
import { formatBytes } from '../../shared/format.js';
import { $ } from '../render.js';

// The catalogue's architecture keys ("ada", "rdna-3", core/gpus.h) as WebGPU spells them: the same letters and
// digits ("rdna3"), or, for the one family Dawn names otherwise, its name ("lovelace", core/gpus.h says so).
const key = (name) => String(name ?? '').toLowerCase().replace(/[^a-z0-9]/g, '').replace(/^(ada)?lovelace$/, 'ada');

export async function gpuHint(gpus, unit) {
  if (!navigator.gpu) return { text: 'This browser offers no WebGPU, so it gives no hint of your GPU: pick it in the GPU list.' };
  let adapter = null;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch { /* treated as none */ }
  if (!adapter) return { text: 'WebGPU is here but found no GPU adapter: pick your GPU in the list.' };
  const info = adapter.info ?? {};
  const vendor = String(info.vendor ?? '').toLowerCase();
  const raw = String(info.architecture ?? '').toLowerCase();
  const said = [`vendor "${info.vendor || 'unknown'}"`, `architecture "${info.architecture || 'unknown'}"`];
  if (info.device) said.push(`device "${info.device}"`);
  if (info.description) said.push(`"${info.description}"`);
  const candidates = raw ? gpus.filter((g) => g.vendor === vendor && key(g.architecture) === key(raw)) : [];
  let text = `Your browser's WebGPU adapter says ${said.join(', ')}. Browsers do not reveal how much memory a GPU has`;
  if (candidates.length) {
    const smallest = candidates.reduce((a, b) => (b.memory_bytes < a.memory_bytes ? b : a));
    text += `; ${candidates.length} catalogue GPU${candidates.length > 1 ? 's' : ''} match, from ${formatBytes(smallest.memory_bytes, unit)}: ` +
      `${smallest.name} is preselected (the smallest, so a fit there holds on the others). Pick yours if it differs.`;
    return { text, preselect: smallest.name, candidates };
  }
  text += vendor === 'apple' || /apple/.test(raw)
    ? `; on Apple silicon the GPU shares system memory${navigator.deviceMemory ? ` (the browser reports at least ${navigator.deviceMemory} GB of RAM)` : ''}: pick your Mac in the list.`
    : '; no catalogue GPU matches it (a software adapter, or a GPU the catalogue lacks): pick yours in the list.';
  return { text, candidates };
}

export async function attach(store) {
  const hint = await gpuHint(store.state.catalogue?.gpus ?? [], store.state.unit);
  $('gpu-hint').textContent = hint.text;
  const { params } = store.state;
  // Unless the user or the link chose one: then the estimate moves to it (the shell waits for a loading model).
  if (hint.preselect && !params.gpu && !params.gpu_memory_bytes) store.update({ params: { ...params, gpu: hint.preselect }, gpuGuess: hint.preselect });
}
