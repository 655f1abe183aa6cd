// <neuro-shrink>: the estimate as an element for model cards and blog posts, in one ES module plus the
// wasm it loads beside it. It fetches nothing until it is scrolled into view.
//
//   <script type="module" src="https://SITE/widget.js"></script>
//   <neuro-shrink model-id="Qwen/Qwen2.5-7B-Instruct" quantization="int4" context-tokens="8192" gpu="RTX 4090"></neuro-shrink>
//
// Attributes, spelled as the page's URL parameters (shared/params.js; the older spellings still work): model-id
// (model; a Hub id, required), quantization, context-tokens (context), batch-size (batch), gpu (a catalogue name
// or a unique part of it), runtime (transformers, llama.cpp, vllm, mlx). What is left out is the core's default.
// Events: `estimate` (detail.report: the full report) and `error` (detail.type: invalid_id | gated |
// not_found | offline | network | http | estimate; detail.message).
// Theming: CSS custom properties --ns-bg, --ns-fg, --ns-muted, --ns-accent, --ns-line, --ns-radius,
// --ns-font on the element, and parts: container, title, bar, segment, rows, row, total, verdict, error.
import { catalogue, estimateReport } from './shared/estimator.js';
import { breakdown, formatBytes } from './shared/format.js';
import { DEFAULT_MODEL, defaultConfig } from './shared/models.js';
import { paramNames, readParam } from './shared/params.js';

// The request fields the element takes, and every spelling of them it answers to.
const FIELDS = ['model_id', 'quantization', 'context_tokens', 'batch_size', 'gpu', 'runtime'];
const NAMES = paramNames();
const STYLE = `
:host { display: block; font: var(--ns-font, 14px/1.45 system-ui, sans-serif); color: var(--ns-fg, #1b1f24); }
.box { border: 1px solid var(--ns-line, #d0d7de); border-radius: var(--ns-radius, 8px); background: var(--ns-bg, #fff); padding: 0.75em 1em; }
.title { margin: 0 0 0.4em; font-weight: 600; overflow-wrap: anywhere; }
.bar { display: flex; height: 0.8em; border-radius: 4px; overflow: hidden; background: var(--ns-line, #d0d7de); }
.bar span { display: block; }
.s0 { background: var(--ns-accent, #0b5cad); } .s1 { background: #8250df; } .s2 { background: #bf8700; } .s3 { background: #57606a; }
.s4 { background: #1a7f37; } .s5 { background: #cf222e; } .s6 { background: #116329; } .s7 { background: #953800; }
ul { list-style: none; margin: 0.5em 0 0; padding: 0; }
li { display: flex; justify-content: space-between; gap: 1em; }
.total { font-weight: 600; border-top: 1px solid var(--ns-line, #d0d7de); margin-top: 0.25em; padding-top: 0.25em; }
.verdict, .muted { color: var(--ns-muted, #57606a); margin: 0.4em 0 0; }
.error { color: #b42318; margin: 0; }
a { color: var(--ns-accent, #0b5cad); }
@media (prefers-color-scheme: dark) {
  :host { color: var(--ns-fg, #e6edf3); }
  .box { background: var(--ns-bg, #0d1117); border-color: var(--ns-line, #30363d); }
  .verdict, .muted { color: var(--ns-muted, #9198a1); }
}`;

function el(tag, text, className, part) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  if (part) node.setAttribute('part', part);
  return node;
}

export class NeuroShrinkElement extends HTMLElement {
  static get observedAttributes() { return FIELDS.flatMap((f) => NAMES[f]); }

  #visible = false;
  #ticket = 0;
  #box;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = el('style', STYLE);
    this.#box = el('div', undefined, 'box', 'container');
    this.#box.append(el('p', 'neuro-shrink: memory estimate', 'muted'));
    root.append(style, this.#box);
  }

  connectedCallback() {
    if (this.#visible) return;
    const start = () => { this.#visible = true; this.#run(); };
    if (!('IntersectionObserver' in window)) { start(); return; }
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) {
        observer.disconnect();
        start();
      }
    });
    observer.observe(this);
  }

  attributeChangedCallback() {
    if (this.#visible) this.#run();
  }

  #fail(type, message) {
    this.#box.replaceChildren(el('p', message, 'error', 'error'));
    this.dispatchEvent(new CustomEvent('error', { detail: { type, message } }));
  }

  async #config(model) {
    if (model === DEFAULT_MODEL.id) {
      try { return await defaultConfig(); } catch { /* not beside this file: from the Hub */ }
    }
    const { fetchConfig } = await import('./shared/hub-fetch.js');
    return fetchConfig(model, { maxBytes: (await catalogue()).limits?.config_bytes });
  }

  async #run() {
    const ticket = ++this.#ticket;
    // The spellings of the core's schema once it has one (catalogue().options), else the table's.
    const names = await catalogue().then((c) => paramNames(c.options), () => NAMES);
    if (ticket !== this.#ticket) return;
    const attr = (field) => readParam(names, field, (name) => this.getAttribute(name));
    const model = (attr('model_id') ?? '').trim();
    if (!model) {
      this.#fail('invalid_id', `Give the element a model, e.g. ${names.model_id[0]}="Qwen/Qwen2.5-7B-Instruct".`);
      return;
    }
    this.#box.replaceChildren(el('p', `Fetching config for ${model}…`, 'muted'));
    let config;
    try {
      config = await this.#config(model);
    } catch (err) {
      if (ticket === this.#ticket) this.#fail(err?.type ?? 'network', err?.message ?? String(err));
      return;
    }
    // What is left out (or is not a positive whole number) is the core's default.
    const request = { config, model_id: model };
    for (const field of ['context_tokens', 'batch_size']) {
      const n = Number(attr(field));
      if (Number.isSafeInteger(n) && n >= 1) request[field] = n;
    }
    for (const field of ['quantization', 'gpu', 'runtime']) {
      const value = attr(field);
      if (value) request[field] = value.trim();
    }
    const report = await estimateReport(request);
    if (ticket !== this.#ticket) return;
    const errors = report.issues.filter((i) => i.level === 'error');
    if (errors.length) {
      this.#fail('estimate', errors.map((i) => i.message).join(' '));
      return;
    }
    this.#render(report, model);
    this.dispatchEvent(new CustomEvent('estimate', { detail: { report } }));
  }

  #render(report, model) {
    const gib = (bytes) => formatBytes(bytes);
    const { rows: parts, total } = breakdown(report);
    const r = report.request;
    const title = el('p', `${model}: ${r.quantization_label}, ${r.context_tokens.toLocaleString('en-US')} tokens`, 'title', 'title');
    const bar = el('div', undefined, 'bar', 'bar');
    bar.setAttribute('role', 'img');
    bar.setAttribute('aria-label', `${parts.map((p) => `${p.label} ${gib(p.bytes)}`).join(', ')}; total ${gib(total)}`);
    parts.forEach((p, i) => {
      const seg = el('span', undefined, `s${i % 8}`, 'segment');
      seg.style.width = `${p.share}%`;
      seg.title = `${p.label}: ${gib(p.bytes)}`;
      bar.append(seg);
    });
    const rows = el('ul', undefined, undefined, 'rows');
    for (const p of parts) {
      const li = el('li', undefined, undefined, 'row');
      li.append(el('span', p.label), el('span', gib(p.bytes)));
      rows.append(li);
    }
    const sum = el('li', undefined, 'total', 'total');
    sum.append(el('span', 'Total'), el('span', gib(total)));
    rows.append(sum);
    const fit = report.fits.find((g) => g.name === report.request.gpu) ?? report.fits.find((g) => g.fits);
    const verdict = !fit ? 'Fits on no single GPU in the catalogue.'
      : report.request.gpu ? `${fit.fits ? 'Fits' : 'Does not fit'} on ${fit.name} (${gib(Math.abs(fit.headroom_bytes))} ${fit.fits ? 'free' : 'short'}).`
        : `Fits on ${fit.name} and larger.`;
    const link = el('a', 'neuro-shrink');
    link.href = new URL(`index.html?model=${encodeURIComponent(model)}`, import.meta.url).href;
    link.target = '_blank';
    link.rel = 'noopener';
    const foot = el('p', `${verdict} `, 'verdict', 'verdict');
    foot.append(link);
    this.#box.replaceChildren(title, bar, rows, foot);
  }
}

if (!customElements.get('neuro-shrink')) customElements.define('neuro-shrink', NeuroShrinkElement);
