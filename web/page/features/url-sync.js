// The URL holds every input (?model=...&quantization=...), written after each estimate on screen and when the
// unit changes, so that a link reproduces the estimate: each option under its one spelling (shared/params.js),
// values equal to the form's defaults left out, training's settings only in training mode.
import { $ } from '../render.js';

// Writes `values` (by field) into the URL, each under its one spelling, leaving out those equal to `defaults`.
function writeUrl(values, defaults, names) {
  const query = new URLSearchParams();
  for (const [field, value] of Object.entries(values)) if (value !== defaults[field]) query.set(names[field]?.[0] ?? field, value);
  const text = query.toString();
  history.replaceState(null, '', text ? `?${text}` : location.pathname);
}

export function attach(store) {
  const model = $('model-id');
  const controls = [...$('estimate-form').querySelectorAll('input[name], select[name]')].filter((c) => c !== model);
  const training = new Set([...$('training-fields').elements].map((c) => c.name));
  // What a control holds before anyone touches it (a link reproduces it without saying so).
  const defaults = { model_id: model.defaultValue, unit: 'GiB' };
  for (const c of controls) defaults[c.name] = c.tagName === 'SELECT' ? c.options[0]?.value : c.defaultValue;
  const save = () => {
    const { params, unit, names, configOnly } = store.state;
    const values = { model_id: model.value, ...params, unit, ...(configOnly ? { config_only: '1' } : {}) };
    // A file's text (the draft's config.json, fetched from its id) stays out of the link: the id is there.
    for (const o of store.state.catalogue?.options ?? []) if (o.cli_unit === 'file') delete values[o.name];
    const base = { ...defaults };
    for (const field of training) if (params.mode === 'train') delete base[field]; else delete values[field];
    writeUrl(values, base, names);
  };
  store.subscribe((s, before) => {
    if (s.report && !s.failed && (s.report !== before.report || s.unit !== before.unit)) save();
  });
  if (store.state.report) save();
}
