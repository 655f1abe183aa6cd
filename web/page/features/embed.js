// "Embed this": the <neuro-shrink> element and the iframe for the estimate on screen, each attribute and query
// parameter under its one spelling (shared/params.js, the core's catalogue().options once it lists them).
import { $, el } from '../render.js';

const FIELDS = ['model_id', 'quantization', 'context_tokens', 'gpu', 'runtime'];

function embedSnippets({ params, names }) {
  const query = new URLSearchParams();
  const attrs = [];
  const values = { ...params, model_id: $('model-id').value.trim() };
  for (const field of FIELDS) {
    const value = values[field];
    if (!value) continue;
    const name = names[field][0];
    query.set(name, value);
    attrs.push(`${name}="${String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
  }
  const base = new URL('.', location.href).href;
  return {
    element: `<script type="module" src="${base}widget.js"></script>\n<neuro-shrink ${attrs.join(' ')}></neuro-shrink>`,
    iframe: `<iframe title="neuro-shrink estimate" src="${base}embed.html?${query.toString().replace(/&/g, '&amp;')}" width="420" height="260" style="border:0"></iframe>`,
  };
}

export function attach(store) {
  const dialog = el('dialog', undefined, 'embed-dialog');
  dialog.setAttribute('aria-label', 'Embed this estimate');
  const heading = el('h2', 'Embed this estimate');
  const fields = {};
  const blocks = ['element', 'iframe'].map((kind) => {
    const id = `embed-${kind}`;
    const label = el('label', kind === 'element' ? 'As an element (one ES module, the wasm loads when scrolled into view)' : 'As an iframe (for hosts that allow only iframes)');
    label.htmlFor = id;
    const area = el('textarea');
    area.id = id;
    area.rows = 3;
    area.readOnly = true;
    fields[kind] = area;
    const copy = el('button', 'Copy', 'secondary');
    copy.type = 'button';
    copy.addEventListener('click', () => navigator.clipboard?.writeText(area.value).catch(() => area.select()));
    const wrap = el('div', undefined, 'field');
    wrap.append(label, area, copy);
    return wrap;
  });
  const close = el('button', 'Close', 'secondary');
  close.type = 'button';
  close.addEventListener('click', () => dialog.close());
  dialog.append(heading, ...blocks, close);
  document.body.append(dialog);
  const open = el('button', 'Embed this', 'secondary');
  open.type = 'button';
  open.id = 'embed-button';
  open.addEventListener('click', () => {
    const s = embedSnippets(store.state);
    fields.element.value = s.element;
    fields.iframe.value = s.iframe;
    dialog.showModal();
  });
  $('copy-link').after(open);
}
