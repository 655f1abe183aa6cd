// "Embed this": the <neuro-shrink> element and the iframe for the estimate on screen, each attribute and query
// parameter under its one spelling (shared/params.js, the core's catalogue().options once it lists them).
import { $, el } from '../render.js';

const FIELDS = ['model_id', 'quantization', 'context_tokens', 'gpu', 'gpus', 'gpu_memory_bytes', 'runtime'];
// Values that are the default and need not be written (the count of GPUs is 1 unless said).
const DEFAULTS = { gpus: '1' };
// How long a Copy button says "Copied".
const FEEDBACK_MS = 2000;

function embedSnippets({ params, names }) {
  const query = new URLSearchParams();
  const attrs = [];
  const values = { ...params, model_id: $('model-id').value.trim() };
  for (const field of FIELDS) {
    const value = String(values[field] ?? '').trim();
    if (!value || value === DEFAULTS[field]) continue;
    const name = names[field]?.[0];
    if (!name) continue;
    query.set(name, value);
    attrs.push(`${name}="${value.replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
  }
  const base = new URL('.', location.href).href;
  return {
    element: `<script type="module" src="${base}widget.js"></script>\n<neuro-shrink ${attrs.join(' ')}></neuro-shrink>`,
    iframe: `<iframe title="neuro-shrink estimate" src="${base}embed.html?${query.toString().replace(/&/g, '&amp;')}" width="420" height="300" style="border:0"></iframe>`,
  };
}

// Copies the snippet; where the clipboard is refused (or missing), selects it for Ctrl+C. The button says what
// happened for a moment, and the dialog's live region says it to screen readers.
async function copy(area, button, status, what) {
  let copied = false;
  try {
    if (!navigator.clipboard?.writeText) throw new Error('no clipboard');
    await navigator.clipboard.writeText(area.value);
    copied = true;
  } catch {
    area.focus();
    area.select();
  }
  button.textContent = copied ? 'Copied' : 'Selected';
  status.textContent = copied ? `Copied the ${what} snippet.`
    : `The browser refused the clipboard: the ${what} snippet is selected, press Ctrl+C (⌘C on a Mac) to copy it.`;
  clearTimeout(button.feedback);
  button.feedback = setTimeout(() => {
    button.textContent = 'Copy';
    status.textContent = '';
  }, FEEDBACK_MS);
}

export function attach(store) {
  const dialog = el('dialog', undefined, 'embed-dialog');
  dialog.setAttribute('aria-label', 'Embed this estimate');
  const heading = el('h2', 'Embed this estimate');
  const status = el('p', '', 'visually-hidden');
  status.id = 'embed-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const fields = {};
  const blocks = ['element', 'iframe'].map((kind) => {
    const id = `embed-${kind}`;
    const label = el('label', kind === 'element'
      ? 'As an element (one ES module, the wasm loads when scrolled into view; it follows your page\'s color-scheme)'
      : 'As an iframe (for hosts that allow only iframes; add &theme=dark for a dark page)');
    label.htmlFor = id;
    label.id = `${id}-label`;
    const area = el('textarea');
    area.id = id;
    area.rows = 3;
    area.readOnly = true;
    fields[kind] = area;
    const button = el('button', 'Copy', 'secondary');
    button.type = 'button';
    button.setAttribute('aria-describedby', label.id);
    button.addEventListener('click', () => copy(area, button, status, kind === 'element' ? 'element' : 'iframe'));
    const wrap = el('div', undefined, 'field');
    wrap.append(label, area, button);
    return wrap;
  });
  const close = el('button', 'Close', 'secondary');
  close.type = 'button';
  close.addEventListener('click', () => dialog.close());
  dialog.append(heading, ...blocks, close, status);
  document.body.append(dialog);
  const open = el('button', 'Embed this', 'secondary');
  open.type = 'button';
  open.id = 'embed-button';
  open.addEventListener('click', () => {
    const s = embedSnippets(store.state);
    fields.element.value = s.element;
    fields.iframe.value = s.iframe;
    status.textContent = '';
    dialog.showModal();
  });
  $('copy-link').after(open);
}
