// Help with the inputs: the shipped models as suggestions for the model field, a log-scale slider beside the
// context field, and what was typed but not yet estimated kept across a reload of the tab.
import { shippedModels } from '../../shared/models.js';
import { resolveGpu } from '../../shared/gpu-names.js';
import { $, el } from '../render.js';

async function attachSuggestions() {
  const list = el('datalist');
  list.id = 'model-suggestions';
  for (const m of await shippedModels()) {
    const option = el('option');
    option.value = m.id;
    list.append(option);
  }
  document.body.append(list);
  $('model-id').setAttribute('list', list.id);
}

// Powers of two from 256 tokens to the model's maximum, with the usual context lengths as ticks.
function attachContextSlider(store) {
  const input = $('context');
  const slider = el('input', undefined, 'context-slider');
  slider.type = 'range';
  slider.id = 'context-slider';
  slider.min = '8';
  slider.step = '1';
  slider.setAttribute('aria-label', 'Context length, log scale');
  const presets = el('datalist');
  presets.id = 'context-presets';
  for (const exp of [10, 12, 13, 15, 17]) {
    const o = el('option');
    o.value = String(exp);
    o.label = `${2 ** exp / 1024}K`;
    presets.append(o);
  }
  slider.setAttribute('list', presets.id);
  document.body.append(presets);
  const tokens = () => `${Number(input.value).toLocaleString('en-US')} tokens`;
  const sync = () => {
    const max = Math.max(8, Math.floor(Math.log2(store.state.report?.model.max_position_embeddings || 131072)));
    slider.max = String(max);
    slider.value = String(Math.min(max, Math.max(8, Math.round(Math.log2(Number(input.value) || 4096)))));
    slider.setAttribute('aria-valuetext', tokens());
  };
  slider.addEventListener('input', () => {
    input.value = String(2 ** Number(slider.value));
    slider.setAttribute('aria-valuetext', tokens());
  });
  slider.addEventListener('change', () => input.dispatchEvent(new Event('change')));
  input.after(slider);
  sync();
  store.subscribe((s, before) => {
    if (s.report !== before.report || s.params !== before.params) sync();
  });
}

function keepTyped(store) {
  const query = new URLSearchParams(location.search);
  const linked = store.state.names.model_id.some((name) => query.has(name));  // a link's model wins
  for (const id of ['model-id', 'paste-config']) {
    const node = $(id);
    const key = `neuro-shrink.typed.${id}`;
    try {
      const kept = sessionStorage.getItem(key);
      if (kept !== null && !(id === 'model-id' && linked)) node.value = kept;
      node.addEventListener('input', () => sessionStorage.setItem(key, node.value));
    } catch { /* storage disabled */ }
  }
}

// Typing "3060", "m4 max" or "p40" picks the catalogue GPU it names (the smallest of several: a fit there holds
// on the others, and the status says which were meant); the core takes only catalogue names. A machine of unequal
// GPUs is a comma list ("3090, 3060"): each part is picked the same way, one device each.
function attachGpuPicker(store) {
  const input = $('gpu');
  input.addEventListener('change', () => {
    const parts = input.value.split(',').map((typed) => ({ typed: typed.trim(), ...resolveGpu(typed, store.state.catalogue?.gpus ?? []) }));
    const named = parts.map((p) => p.name || p.typed).filter(Boolean).join(', ');
    if (named && named !== input.value) input.value = named;
    if (input.value === store.state.params.gpu) return;  // (a blur after the pick: nothing new to estimate)
    const several = parts.find((p) => p.matches.length > 1);
    const none = parts.find((p) => p.typed && !p.name);
    store.update({
      params: { ...store.state.params, gpu: input.value },
      status: none ? `No catalogue GPU matches "${none.typed}": give its memory in GiB instead.`
        : several ? `${several.matches.length} GPUs match "${several.typed}": showing the smallest, ${several.name}. Pick yours from the list if it differs.` : store.state.status,
    });
  });
}

export function attach(store) {
  attachGpuPicker(store);
  attachSuggestions().catch(() => {});
  attachContextSlider(store);
  keepTyped(store);
}
