// Every runtime and hardware setting the form does not lay out (several machines, tensor and pipeline parallel,
// the link between them, system RAM, llama.cpp's tensor split and overrides, vLLM's budgets), built from the core's
// options schema (catalogue().options: name, flag, type, bounds, values, doc), in a panel closed by default at
// the end of the results, so that nothing on screen moves when it arrives. Each value is a param of the store,
// carried in the URL under its one spelling like the form's own.
import { catalogue } from '../../shared/estimator.js';
import { SETTING_GROUPS as GROUPS, isOn } from '../../shared/params.js';
import { $, el } from '../render.js';

const TITLES = { speed: 'Speed', cluster: 'Machines and system RAM', 'llama.cpp': 'llama.cpp', vllm: 'vLLM and SGLang', multimodal: 'Images', draft: 'Speculative decoding (a draft model)', adapters: 'LoRA adapters at inference' };

// One input for an option, by its type: a number with its bounds (in the param's unit), a checkbox, a select of
// its values, or text.
function control(o, value) {
  if (o.type === 'enum' && o.values?.length) {
    const select = el('select');
    select.append(el('option', `default${o.default != null ? ` (${o.default})` : ''}`), ...o.values.map((v) => el('option', v)));
    select.options[0].value = '';
    select.value = value ?? '';
    return select;
  }
  const input = el('input');
  if (o.type === 'boolean') {
    input.type = 'checkbox';
    input.checked = isOn(value);
    return input;
  }
  if (o.type === 'integer' || o.type === 'number') {
    const factor = o.param_factor ?? 1;
    input.type = 'number';
    input.inputMode = o.type === 'integer' && factor === 1 ? 'numeric' : 'decimal';
    if (typeof o.min === 'number') input.min = String(o.min / factor);
    if (typeof o.max === 'number') input.max = String(o.max / factor);
    input.step = o.type === 'integer' && factor === 1 ? '1' : 'any';
  } else {
    input.type = 'text';
    input.spellcheck = false;
  }
  input.placeholder = o.default != null && o.type !== 'boolean' ? String(o.default) : (o.metavar ?? '');
  input.value = value ?? '';
  return input;
}

export async function attach(store) {
  const options = (await catalogue().catch(() => null))?.options ?? [];
  const form = $('estimate-form');
  // (a file's text, such as the draft's config.json, is no input here: page/features/draft.js fetches it)
  const shown = options.filter((o) => GROUPS.includes(o.group) && o.cli_unit !== 'file' && !form.elements[o.name] && !document.getElementById(o.name));
  if (!shown.length) return;
  const panel = el('details', null, 'settings-panel');
  panel.id = 'more-settings';
  panel.append(el('summary', 'More settings: several GPUs or machines, system RAM, llama.cpp and vLLM, images, a draft model, adapters'));
  const inputs = new Map();
  for (const group of GROUPS) {
    const items = shown.filter((o) => o.group === group);
    if (!items.length) continue;
    const set = el('fieldset');
    set.append(el('legend', TITLES[group]));
    for (const o of items) {
      const input = control(o, store.state.params[o.name]);
      input.id = `setting-${o.name}`;
      input.name = o.name;
      const label = el('label', `${o.flag}${o.param_unit ? ` (${o.param_unit})` : ''}`);
      label.htmlFor = input.id;
      const field = el('div', null, o.type === 'boolean' ? 'check' : 'field');
      field.append(...(o.type === 'boolean' ? [input, label] : [label, input]), el('small', o.doc ?? '', 'hint'));
      input.addEventListener('change', () => {
        const v = input.type === 'checkbox' ? (input.checked ? 'true' : undefined) : input.value.trim() || undefined;
        store.update({ params: { ...store.state.params, [o.name]: v } });
      });
      inputs.set(o.name, input);
      set.append(field);
    }
    panel.append(set);
  }
  // Opened by itself when a link already sets one of these.
  panel.open = [...inputs.keys()].some((name) => store.state.params[name] != null && store.state.params[name] !== '');
  $('details').after(panel);
  store.subscribe((s, before) => {
    if (s.params === before.params) return;
    for (const [name, input] of inputs) {
      if (document.activeElement === input) continue;
      const v = s.params[name];
      if (input.type === 'checkbox') input.checked = isOn(v);
      else input.value = v ?? '';
    }
  });
}
