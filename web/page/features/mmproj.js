// llama.cpp's vision and audio projector (--mmproj): a checkbox among the llama.cpp settings, shown when the model
// has one to load: an encoder in its config.json (the report counts vision, audio or projector parameters) or
// mmproj files in its GGUF-only repository. Checked, the setting mmproj goes into the request and the URL; a
// GGUF-only repository's projector file is then read by Range (page/features/gguf-repo.js).
import { isOn } from '../../shared/params.js';
import { $, el } from '../render.js';

function hasEncoder(s) {
  const parts = s.report?.parameters?.by_component ?? {};
  return Object.keys(parts).some((c) => c !== 'text' && c !== 'mtp' && parts[c] > 0) || (s.model?.ggufRepo?.mmprojFiles ?? 0) > 0;
}

export function attach(store) {
  const box = el('input');
  box.type = 'checkbox';
  box.id = 'mmproj';
  box.name = 'mmproj';
  const label = el('label', 'Vision / audio projector (--mmproj)');
  label.htmlFor = 'mmproj';
  const field = el('div', null, 'field infer-only llama-only');
  field.append(label, box);
  field.hidden = true;
  $('cpu-moe').closest('.field').after(field);
  box.addEventListener('change', () => store.update({ params: { ...store.state.params, mmproj: box.checked ? 'true' : undefined } }));
  const show = (s) => {
    field.hidden = !hasEncoder(s);
    box.checked = isOn(s.params.mmproj);
  };
  store.subscribe(show);
  show(store.state);
}
