// <neuro-shrink>: the estimate as an element for model cards and blog posts, in one ES module plus the
// wasm it loads beside it. It fetches nothing until it is scrolled into view.
//
//   <script type="module" src="https://SITE/widget.js"></script>
//   <neuro-shrink model-id="Qwen/Qwen2.5-7B-Instruct" quantization="int4" context-tokens="8192" gpu="RTX 4090"></neuro-shrink>
//
// Attributes, spelled as the page's URL parameters (shared/params.js; the older spellings still work): model-id
// (model; a Hub id, required), quantization, context-tokens (context), batch-size (batch), gpu (a catalogue
// name or part of it, read as the page reads it: shared/gpu-names.js), gpus (how many of them), gpu-memory
// (vram; in GiB: a GPU by its memory alone, or with gpu the memory CUDA reports), runtime (transformers,
// llama.cpp, vllm, mlx). What is left out is the core's default. site: the neuro-shrink page the footer links to
// (default: the one beside widget.js; set it when the element loads from a CDN, which serves HTML as text). theme="light|dark|auto" (default auto: the host page's color-scheme where it names one scheme, else
// the OS's preference where it names both, else the lightness of the background behind the element).
// The config: the copy the site ships for its popular models (shared/models.js; these work offline), else the
// Hub's.
//
// The answer first: the verdict sentence the page shows (shared/verdict.js), in part="verdict" with
// data-fit="yes|no|offload|unknown". The host element carries the same data-fit ("error" when there is no
// estimate; none while loading) and data-scheme="light|dark" (the scheme it drew in), for the embedder's CSS.
//
// Events: `estimate` (detail.report: the full report) and `error` (detail.type: invalid_id | gated | not_found |
// offline (the Hub cannot be reached and the site does not ship the model) | cors | timeout | http | too_large |
// network (the estimator could not load) | estimate; detail.message).
//
// Theming, CSS custom properties on the element (each has a light and a dark default):
//   --ns-bg, --ns-fg        the card's background and text
//   --ns-muted              secondary text (the detail, the footer)
//   --ns-accent             links (and their focus ring); nothing else
//   --ns-ok, --ns-warn,     the verdict's marker: fits / fits with layers offloaded to the CPU /
//   --ns-bad                does not fit; --ns-bad is also the colour of an error's text
//   --ns-line               borders and the bar's track
//   --ns-seg-0 … --ns-seg-7 the bar's segments, in breakdown order (weights first)
//   --ns-radius, --ns-font  corner radius, font shorthand
// Set them for one scheme with the host attribute: neuro-shrink[data-scheme="dark"] { --ns-accent: #bc8cff; }.
// The defaults keep every text at 4.5:1 or more against --ns-bg (WCAG AA) in both schemes.
// Parts: container, verdict, detail, changes, change, title, bar, segment, rows, row, total, footer, link, error.
import { catalogue, estimateReport } from './shared/estimator.js';
import { breakdown, formatBytes } from './shared/format.js';
import { resolveGpu } from './shared/gpu-names.js';
import { DEFAULT_MODEL, defaultConfig, shippedConfig, shippedModels } from './shared/models.js';
import { paramNames, readParam, settingsFrom } from './shared/params.js';
import { verdictText } from './shared/verdict.js';

// The page the footer links to: the site attribute when it is an http(s) URL (a folder or a page), else the
// page beside this module.
function sitePage(element) {
  const given = element.getAttribute('site')?.trim();
  let url = null;
  try { url = given ? new URL(given, document.baseURI) : null; } catch { url = null; }
  if (!url || !/^https?:$/.test(url.protocol)) return new URL('index.html', import.meta.url);
  if (!url.pathname.endsWith('/') && !/\.html$/.test(url.pathname)) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

// The request fields the element takes, and every spelling of them it answers to.
const FIELDS = ['model_id', 'quantization', 'context_tokens', 'batch_size', 'gpu', 'gpus', 'gpu_memory_bytes', 'runtime'];
const NAMES = paramNames();
const GIB = 2 ** 30;

// Light defaults, then dark ones (the page's palette, web/style.css). Text against the background, light / dark
// (measured in Chromium by e2e/embed-a11y.spec.mjs): fg 16.56 / 16.02, muted 6.39 / 6.50, accent (links)
// 6.67 / 7.49, bad (error text) 6.57 / 7.51. ok, warn and the segments colour no text.
const STYLE = `
:host { display: block; }
.box {
  --_bg: var(--ns-bg, #ffffff); --_fg: var(--ns-fg, #1b1f24); --_muted: var(--ns-muted, #57606a);
  --_accent: var(--ns-accent, #0b5cad); --_ok: var(--ns-ok, #1a7f37); --_bad: var(--ns-bad, #b42318); --_warn: var(--ns-warn, #9a6700); --_line: var(--ns-line, #d0d7de);
  --_s0: var(--ns-seg-0, #0b5cad); --_s1: var(--ns-seg-1, #8250df); --_s2: var(--ns-seg-2, #bf8700); --_s3: var(--ns-seg-3, #57606a);
  --_s4: var(--ns-seg-4, #1a7f37); --_s5: var(--ns-seg-5, #cf222e); --_s6: var(--ns-seg-6, #116329); --_s7: var(--ns-seg-7, #953800);
  color-scheme: light;
  font: var(--ns-font, 14px/1.45 system-ui, sans-serif); color: var(--_fg); background: var(--_bg);
  border: 1px solid var(--_line); border-radius: var(--ns-radius, 8px); padding: 0.75em 1em;
}
.box.dark {
  --_bg: var(--ns-bg, #0d1117); --_fg: var(--ns-fg, #e6edf3); --_muted: var(--ns-muted, #9198a1);
  --_accent: var(--ns-accent, #58a6ff); --_ok: var(--ns-ok, #3fb950); --_bad: var(--ns-bad, #ff7b72); --_warn: var(--ns-warn, #d29922); --_line: var(--ns-line, #3d444d);
  --_s0: var(--ns-seg-0, #58a6ff); --_s1: var(--ns-seg-1, #bc8cff); --_s2: var(--ns-seg-2, #d29922); --_s3: var(--ns-seg-3, #8b949e);
  --_s4: var(--ns-seg-4, #3fb950); --_s5: var(--ns-seg-5, #ff7b72); --_s6: var(--ns-seg-6, #56d364); --_s7: var(--ns-seg-7, #f0883e);
  color-scheme: dark;
}
p { margin: 0; }
.verdict { font-weight: 700; font-size: 1.1em; line-height: 1.3; padding-left: 0.5em; border-left: 4px solid var(--_line); overflow-wrap: anywhere; }
.verdict[data-fit="yes"] { border-left-color: var(--_ok); }
.verdict[data-fit="no"] { border-left-color: var(--_bad); }
.verdict[data-fit="offload"] { border-left-color: var(--_warn); }
.detail, .muted, .footer { color: var(--_muted); }
.detail { margin-top: 0.2em; }
.changes { margin: 0.2em 0 0; padding-left: 1.2em; }
.title { margin: 0.6em 0 0.4em; font-weight: 600; overflow-wrap: anywhere; }
.bar { display: flex; height: 0.8em; border-radius: 4px; overflow: hidden; background: var(--_line); }
.bar span { display: block; }
.s0 { background: var(--_s0); } .s1 { background: var(--_s1); } .s2 { background: var(--_s2); } .s3 { background: var(--_s3); }
.s4 { background: var(--_s4); } .s5 { background: var(--_s5); } .s6 { background: var(--_s6); } .s7 { background: var(--_s7); }
.rows { list-style: none; margin: 0.5em 0 0; padding: 0; }
.rows li { display: flex; justify-content: space-between; gap: 1em; }
.total { font-weight: 600; border-top: 1px solid var(--_line); margin-top: 0.25em; padding-top: 0.25em; }
.footer { margin-top: 0.4em; }
.error { color: var(--_bad); }
a { color: var(--_accent); }
a:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }`;

function el(tag, text, className, part) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  if (part) node.setAttribute('part', part);
  return node;
}

// 'light' / 'dark' where a color-scheme value (the property's, or <meta name="color-scheme">'s) names only one
// of them, 'both' where it names both, else null ("normal", nothing).
function schemeOf(value) {
  const words = String(value ?? '').toLowerCase().split(/\s+/);
  const light = words.includes('light');
  const dark = words.includes('dark');
  return light && dark ? 'both' : light ? 'light' : dark ? 'dark' : null;
}

// The relative luminance (WCAG) of a computed colour "rgb(r, g, b)" / "rgba(r, g, b, a)", or null when it is
// (mostly) transparent or not in that form.
function luminance(color) {
  const m = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(String(color).trim());
  if (!m) return null;
  const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? parseFloat(m[4]) / 100 : Number(m[4]);
  if (alpha < 0.5) return null;
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => {
    const c = Number(x) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// The background the element sits on: the first opaque one among its ancestors (across shadow roots).
function backdropLuminance(node) {
  for (let n = node.parentElement ?? node.getRootNode()?.host; n; n = n.parentElement ?? n.getRootNode()?.host) {
    const l = luminance(getComputedStyle(n).backgroundColor);
    if (l !== null) return l;
  }
  return null;
}

const darkQuery = () => window.matchMedia?.('(prefers-color-scheme: dark)');

export class NeuroShrinkElement extends HTMLElement {
  static get observedAttributes() { return [...FIELDS.flatMap((f) => NAMES[f]), 'theme']; }

  #visible = false;
  #ticket = 0;
  #box;
  #watch;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const style = el('style', STYLE);
    this.#box = el('div', undefined, 'box', 'container');
    this.#box.append(el('p', 'neuro-shrink: memory estimate', 'muted'));
    root.append(style, this.#box);
  }

  connectedCallback() {
    this.#applyScheme();
    this.#watchScheme();
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

  disconnectedCallback() {
    this.#watch?.();
    this.#watch = undefined;
  }

  attributeChangedCallback(name) {
    if (name === 'theme') { this.#applyScheme(); return; }
    if (this.#visible) this.#run();
  }

  // The scheme to draw in: theme="light|dark" as given; otherwise (auto) the host's color-scheme where it
  // names one scheme; where it names both, the OS's preference (the host follows it too); where it names
  // none (a page without color-scheme is drawn light whatever the OS), the lightness of what is behind the
  // element, light when nothing behind it is opaque.
  scheme() {
    const theme = (this.getAttribute('theme') ?? 'auto').trim().toLowerCase();
    if (theme === 'light' || theme === 'dark') return theme;
    const host = schemeOf(getComputedStyle(this).colorScheme)
      ?? schemeOf(document.querySelector('meta[name="color-scheme"]')?.content);
    if (host === 'light' || host === 'dark') return host;
    if (host === 'both') return darkQuery()?.matches ? 'dark' : 'light';
    const l = backdropLuminance(this);
    return l !== null && l < 0.18 ? 'dark' : 'light';
  }

  #applyScheme() {
    if (!this.isConnected) return;
    const scheme = this.scheme();
    this.#box.classList.toggle('dark', scheme === 'dark');
    if (this.dataset.scheme !== scheme) this.dataset.scheme = scheme;
  }

  // Redraws in the right scheme when the OS's preference changes or the host switches its theme (a class,
  // style or data attribute on <html> or <body>, or its <meta name="color-scheme">).
  #watchScheme() {
    if (this.#watch) return;
    const again = () => this.#applyScheme();
    const query = darkQuery();
    query?.addEventListener?.('change', again);
    const observer = new MutationObserver(again);
    const attributeFilter = ['class', 'style', 'data-theme', 'data-color-scheme', 'data-mode', 'content'];
    for (const node of [document.documentElement, document.body, document.querySelector('meta[name="color-scheme"]')]) {
      if (node) observer.observe(node, { attributes: true, attributeFilter });
    }
    this.#watch = () => { query?.removeEventListener?.('change', again); observer.disconnect(); };
  }

  #fail(type, message) {
    this.dataset.fit = 'error';
    this.#box.replaceChildren(el('p', message, 'error', 'error'));
    this.dispatchEvent(new CustomEvent('error', { detail: { type, message } }));
  }

  // { id, text } of the model's config.json: the site's shipped copy (offline too), else the Hub's.
  async #config(model, limits, type, mmproj) {
    const shipped = await shippedConfig(model).catch(() => null);
    if (shipped) return shipped;
    if (model === DEFAULT_MODEL.id) {
      try { return { id: model, text: await defaultConfig() }; } catch { /* not beside this file: from the Hub */ }
    }
    try {
      const { fetchConfig } = await import('./shared/hub-fetch.js');
      return { id: model, text: await fetchConfig(model, { maxBytes: limits?.config_bytes }) };
    } catch (err) {
      // No config.json in a repository that exists: a GGUF-only one, whose file of the asked type is the model.
      if (err?.type === 'not_found' && err.entry === 'config.json') {
        const { ggufRepoModel } = await import('./shared/gguf-repo.js');
        return { id: model, gguf: await ggufRepoModel(model, { type, mmproj }) };
      }
      // No way to the Hub (offline, or the network refuses it): say what the site could have answered.
      if (!err?.type || err.type === 'offline' || err.type === 'network') {
        const count = (await shippedModels().catch(() => [])).length;
        throw Object.assign(new Error(`Could not load "${model}": offline and not among the shipped models: ` +
          (count ? `${count} ship with the site.` : 'the site\'s list of them could not be read either.')), { type: 'offline' });
      }
      throw err;
    }
  }

  async #run() {
    const ticket = ++this.#ticket;
    delete this.dataset.fit;
    // The spellings and units of the core's schema once it has one (catalogue().options), else the table's.
    let cat;
    try {
      cat = await catalogue();
    } catch (err) {
      if (ticket === this.#ticket) this.#fail('network', `The estimator could not load: ${err?.message ?? err}.`);
      return;
    }
    if (ticket !== this.#ticket) return;
    const names = paramNames(cat.options);
    const attr = (field) => readParam(names, field, (name) => this.getAttribute(name));
    const model = (attr('model_id') ?? '').trim();
    if (!model) {
      this.#fail('invalid_id', `Give the element a model, e.g. ${names.model_id[0]}="Qwen/Qwen2.5-7B-Instruct".`);
      return;
    }
    this.#box.replaceChildren(el('p', `Fetching config for ${model}…`, 'muted'));
    let config;
    try {
      config = await this.#config(model, cat.limits, attr('quantization'), settingsFrom(cat.options, attr, []).mmproj === true);
    } catch (err) {
      if (ticket === this.#ticket) this.#fail(err?.type ?? 'network', err?.message ?? String(err));
      return;
    }
    if (ticket !== this.#ticket) return;
    // What is left out (or is not a positive number) is the core's default.
    const request = config.gguf ? { model_id: config.id, hub: { gguf_files: config.gguf.files.length } } : { config: config.text, model_id: config.id };
    for (const field of ['context_tokens', 'batch_size', 'gpus']) {
      const n = Number(attr(field));
      if (Number.isSafeInteger(n) && n >= 1) request[field] = n;
    }
    const memory = Number(attr('gpu_memory_bytes'));
    const factor = cat.options?.find?.((o) => o.name === 'gpu_memory_bytes')?.param_factor ?? GIB;
    if (attr('gpu_memory_bytes') && Number.isFinite(memory) && memory > 0) request.gpu_memory_bytes = Math.round(memory * factor);
    for (const field of ['quantization', 'gpu', 'runtime']) {
      const value = attr(field);
      if (value) request[field] = value.trim();
    }
    Object.assign(request, settingsFrom(cat.options, attr, Object.keys(request)));  // llama.cpp's, vLLM's, a cluster's
    if (request.mmproj && config.gguf?.mmproj) request.mmproj_file = config.gguf.mmproj.digest;
    // A GPU as people write it ("RTX 4060 Ti", "3060"): the catalogue name the page would pick (the smallest of
    // several); one that matches none goes to the core as written, which says so.
    if (request.gpu) request.gpu = resolveGpu(request.gpu, cat.gpus ?? []).name || request.gpu;
    let report;
    try {
      report = config.gguf
        ? await import('./shared/file-header.js').then((m) => m.estimateFile(config.gguf, 0, request))
        : await estimateReport(request);
    } catch (err) {
      if (ticket === this.#ticket) this.#fail('network', `The estimator could not load: ${err?.message ?? err}.`);
      return;
    }
    if (ticket !== this.#ticket) return;
    const errors = report.issues.filter((i) => i.level === 'error');
    if (errors.length) {
      this.#fail('estimate', errors.map((i) => i.message).join(' '));
      return;
    }
    this.#render(report, config.id, names, attr);
    this.dispatchEvent(new CustomEvent('estimate', { detail: { report } }));
  }

  // The page's link for the same estimate: every attribute given, under the page's spelling. The page is the
  // one beside widget.js, or the site attribute's (an http(s) URL: a CDN serves HTML as text, so an element
  // loaded from one links to a deployed page).
  #pageLink(model, names, attr) {
    const query = new URLSearchParams({ [names.model_id[0]]: model });
    for (const field of FIELDS.slice(1)) {
      const value = attr(field);
      if (value) query.set(names[field][0], value.trim());
    }
    const page = sitePage(this);
    return new URL(`?${query}`, /\.html$/.test(page.pathname) ? page : new URL('index.html', page)).href;
  }

  #render(report, model, names, attr) {
    const gib = (bytes) => formatBytes(bytes);
    const { rows: parts, total } = breakdown(report);
    const r = report.request;
    const v = verdictText(report) ?? { fit: 'unknown', headline: `Needs ${gib(total)}`, detail: '', changes: [] };
    this.dataset.fit = v.fit;
    const verdict = el('p', v.headline, 'verdict', 'verdict');
    verdict.dataset.fit = v.fit;
    const shown = [verdict];
    if (v.detail) shown.push(el('p', v.detail, 'detail', 'detail'));
    if (v.changes.length) {
      const changes = el('ul', undefined, 'changes', 'changes');
      changes.setAttribute('aria-label', 'Changes that make it fit');
      changes.append(...v.changes.map((c) => el('li', `${c.label} (${c.note})`, undefined, 'change')));
      shown.push(changes);
    }
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
    const rows = el('ul', undefined, 'rows', 'rows');
    for (const p of parts) {
      const li = el('li', undefined, undefined, 'row');
      li.append(el('span', p.label), el('span', gib(p.bytes)));
      rows.append(li);
    }
    const sum = el('li', undefined, 'total', 'total');
    sum.append(el('span', 'Total'), el('span', gib(total)));
    rows.append(sum);
    const link = el('a', 'Open in neuro-shrink', undefined, 'link');
    link.href = this.#pageLink(model, names, attr);
    link.target = '_blank';
    link.rel = 'noopener';
    const foot = el('p', undefined, 'footer', 'footer');
    foot.append(link);
    this.#box.replaceChildren(...shown, title, bar, rows, foot);
  }
}

if (!customElements.get('neuro-shrink')) customElements.define('neuro-shrink', NeuroShrinkElement);
