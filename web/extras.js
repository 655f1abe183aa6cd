// What the page adds once its first estimate is on screen (app.js imports this after it, so none of it
// weighs on the first answer): the charts, the WebGPU hint, the token and paste-a-config flows.
// Everything from a config, a model id or the browser reaches the DOM through textContent or SVG
// attributes, never as markup.
import { table } from './estimator.js';
import { readFileHeader } from './file-header.js';
import { el, formatBytes, lastReport, loadModel, redraw, refresh, setHooks, setStatus, showAlert, state, update } from './app.js';

const $ = (id) => document.getElementById(id);
const SVG = 'http://www.w3.org/2000/svg';
const TOKEN_KEY = 'neuro-shrink.hf-token';

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- token and pasted configs ---------------------------------------------------------------------

function storedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || '';
  } catch {
    return '';  // storage disabled: the token lives in the field only
  }
}

function keepToken(token, remember) {
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
    if (remember) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled */ }
}

function attachOwnConfig() {
  state.token = storedToken();
  $('hf-token').value = state.token;
  $('remember-token').checked = (() => { try { return !!localStorage.getItem(TOKEN_KEY); } catch { return false; } })();
  $('use-token').addEventListener('click', () => {
    state.token = $('hf-token').value.trim();
    keepToken(state.token, $('remember-token').checked);
    loadModel($('model-id').value.trim());
  });
  const paste = $('paste-config');
  $('use-config').addEventListener('click', () => {
    if (!paste.value.trim()) {
      showAlert(['Paste the text of a config.json (or drop the file) first.']);
      return;
    }
    state.modelId = $('model-id').value.trim() || 'pasted config.json';
    state.configText = paste.value;
    state.hub = null;
    setStatus(`Estimating the pasted config.json${state.modelId ? ` as ${state.modelId}` : ''}.`);
    update();
  });
  paste.addEventListener('dragover', (event) => event.preventDefault());
  paste.addEventListener('drop', async (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    if (/\.(gguf|safetensors)$/i.test(file.name)) {
      await showWeightFile(file);
      return;
    }
    if (file.size > 4 * 1024 * 1024) {
      showAlert([`${file.name} is ${Math.round(file.size / 1024)} KB: a config.json is a few KB. Drop the model's config.json.`]);
      return;
    }
    paste.value = await file.text();
    $('use-config').click();
  });
}

// What readFileHeader could not read, said for people.
function unread(result, name) {
  if (result.truncated) return `${name} ends inside its own header.`;
  if (result.tooLarge) return `The header of ${name} is larger than this reader accepts.`;
  return result.header.issues?.[0]?.message ?? `${name} is not a GGUF or safetensors file.`;
}

// The section the weight-file summaries go in, made on first use.
function fileHeaderBox() {
  let box = $('file-header');
  if (!box) {
    box = el('section', undefined, 'file-header');
    box.id = 'file-header';
    box.setAttribute('aria-label', 'Weight file header');
    $('own-config').after(box);
  }
  return box;
}

// A Hub model's weight files: each header through Range requests (a first 64 KiB, then what it needs).
async function readHubHeaders(modelId) {
  const hub = await import('./hub-fetch.js');
  const { gguf, safetensors } = await hub.listWeightFiles(modelId, { token: state.token });
  const files = safetensors.length ? safetensors : gguf.slice(0, 1);
  const results = [];
  for (const name of files) {
    const result = await readFileHeader((end) => hub.fetchFileStart(modelId, name, end, { token: state.token }));
    results.push({ name, ...result });
  }
  return results;
}

function attachHubFiles() {
  const button = el('button', 'Read the weight files on the Hub (headers only)', 'secondary');
  button.type = 'button';
  button.id = 'hub-files';
  button.addEventListener('click', async () => {
    const id = state.modelId;
    const box = fileHeaderBox();
    box.replaceChildren(el('p', `Listing the weight files of ${id}…`));
    try {
      const results = await readHubHeaders(id);
      if (!results.length) { box.replaceChildren(el('p', `${id} lists no .safetensors or .gguf file.`)); return; }
      const ok = results.filter((r) => r.header.status === 'ok');
      const data = ok.reduce((a, r) => a + r.header.data_bytes, 0);
      const elements = ok.reduce((a, r) => a + r.header.elements, 0);
      const read = results.reduce((a, r) => a + r.read, 0);
      box.replaceChildren(el('h3', `${id}: ${results.length} weight file${results.length > 1 ? 's' : ''}`),
        el('p', `${elements.toLocaleString('en-US')} stored elements, ${formatBytes(data)} of tensor data; ${read.toLocaleString('en-US')} bytes fetched.`),
        ...results.map((r) => el('p', r.header.status === 'ok'
          ? `${r.name}: ${r.header.tensor_count} tensors, ${formatBytes(r.header.data_bytes)} (${r.header.by_type.map((t) => t.type).join(', ')})`
          : `${r.name}: ${unread(r, r.name)}`)),
        ...besideEstimate(data, ok.find((r) => r.header.kv_cache)?.header.kv_cache.bytes_per_token_f16));
    } catch (err) {
      box.replaceChildren(el('p', err?.message ?? String(err), 'error'));
    }
  });
  $('embed-button').after(button);
}

// The file's numbers beside the estimate on screen: its tensor data against the estimate's weights.
function besideEstimate(dataBytes, kvPerToken) {
  const report = lastReport();
  if (!report?.memory) return [];
  const weights = report.gguf?.tensor_bytes ?? report.memory.weights_bytes;
  const diff = ((dataBytes - weights) / weights) * 100;
  const lines = [`config.json estimate (${report.request.quantization_label}): ${formatBytes(weights)} of weights; the file${dataBytes === weights ? '' : 's'} hold ${formatBytes(dataBytes)} (${diff >= 0 ? '+' : ''}${diff.toFixed(2)} %).`];
  if (kvPerToken && report.kv_cache) lines.push(`KV per token: config.json ${report.kv_cache.bytes_per_token.toLocaleString('en-US')} bytes (${report.kv_cache.dtype}); the file's hyperparameters ${kvPerToken.toLocaleString('en-US')} (f16).`);
  return lines.map((line) => el('p', line));
}

// A dropped .gguf / .safetensors: only File.slice()s of its header are read, never the whole file.
async function showWeightFile(file) {
  const box = fileHeaderBox();
  box.replaceChildren(el('p', `Reading the header of ${file.name}…`));
  const result = await readFileHeader(async (end) => ({ bytes: new Uint8Array(await file.slice(0, Math.min(end, file.size)).arrayBuffer()), size: file.size }));
  const { header, read } = result;
  if (header.status !== 'ok') {
    box.replaceChildren(el('p', unread(result, file.name), 'error'));
    return;
  }
  const rows = header.by_type.map((t) => `${t.type}: ${t.tensors} tensors, ${formatBytes(t.bytes)}`);
  const arch = header.metadata?.['general.architecture'];
  box.replaceChildren(
    el('h3', `${file.name}: ${header.format}${header.version ? ` v${header.version}` : ''}`),
    el('p', `${header.tensor_count} tensors, ${header.elements.toLocaleString('en-US')} stored elements, ${formatBytes(header.data_bytes)} of tensor data` +
      (arch ? `; architecture ${arch}` : '') + `. Read ${read.toLocaleString('en-US')} of ${file.size.toLocaleString('en-US')} bytes.`),
    el('p', rows.join(' · ')),
    ...besideEstimate(header.data_bytes, header.kv_cache?.bytes_per_token_f16));
}

function onHubError(err) {
  if (err?.type !== 'gated') return;
  const box = $('own-config');
  box.open = true;
  $('hf-token').focus();
}

// ---- WebGPU hint --------------------------------------------------------------------------------------

// Dawn and the catalogue name some families differently (gpus.h: the architecture keys).
const ARCH_ALIASES = { lovelace: 'ada', 'ada-lovelace': 'ada', 'rdna3': 'rdna-3', 'rdna2': 'rdna-2' };

export async function gpuHint(gpus) {
  if (!navigator.gpu) return { text: 'This browser offers no WebGPU, so it gives no hint of your GPU: pick it in the GPU list.' };
  let adapter = null;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch { /* treated as none */ }
  if (!adapter) return { text: 'WebGPU is here but found no GPU adapter: pick your GPU in the list.' };
  const info = adapter.info ?? {};
  const vendor = String(info.vendor ?? '').toLowerCase();
  const raw = String(info.architecture ?? '').toLowerCase();
  const arch = ARCH_ALIASES[raw] ?? raw;
  const said = [`vendor "${info.vendor || 'unknown'}"`, `architecture "${info.architecture || 'unknown'}"`];
  if (info.device) said.push(`device "${info.device}"`);
  if (info.description) said.push(`"${info.description}"`);
  const candidates = gpus.filter((g) => g.vendor === vendor && g.architecture === arch);
  let text = `Your browser's WebGPU adapter says ${said.join(', ')}. Browsers do not reveal how much memory a GPU has`;
  if (candidates.length) {
    const smallest = candidates.reduce((a, b) => (b.memory_bytes < a.memory_bytes ? b : a));
    text += `; ${candidates.length} catalogue GPU${candidates.length > 1 ? 's' : ''} match, from ${formatBytes(smallest.memory_bytes)}: ` +
      `${smallest.name} is preselected (the smallest, so a fit there holds on the others). Pick yours if it differs.`;
    return { text, preselect: smallest.name, candidates };
  }
  text += vendor === 'apple' || /apple/.test(raw)
    ? `; on Apple silicon the GPU shares system memory${navigator.deviceMemory ? ` (the browser reports at least ${navigator.deviceMemory} GB of RAM)` : ''}: pick your Mac in the list.`
    : '; no catalogue GPU matches it (a software adapter, or a GPU the catalogue lacks): pick yours in the list.';
  return { text, candidates };
}

async function attachGpuHint() {
  const gpus = state.gpus ?? [];
  const hint = await gpuHint(gpus);
  $('gpu-hint').textContent = hint.text;
  const select = $('gpu');
  if (hint.preselect && !select.value && !new URLSearchParams(location.search).has('gpu')) {
    select.value = hint.preselect;
    refresh();
  }
}

// ---- charts (hand-written SVG: three small charts need no library) ------------------------------------

const W = 640;

function chartBox(title, height) {
  const figure = el('figure', undefined, 'chart');
  const root = svg('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': title });
  figure.append(root, el('figcaption', title));
  return { figure, root };
}

// 1. The breakdown against the chosen GPU's memory: a stacked bar and a capacity line.
function capacityChart(report, gpu) {
  const parts = report.components.filter((c) => !c.host).map((c) => [c.label, c.bytes]);
  const need = parts.reduce((a, p) => a + p[1], 0);
  const capacity = gpu.usable_bytes;
  const scale = (W - 20) / Math.max(need, capacity);
  const { figure, root } = chartBox(`Memory on ${gpu.name}: ${formatBytes(need)} needed of ${formatBytes(capacity)} usable`, 70);
  let x = 10;
  parts.forEach(([label, bytes], i) => {
    const w = bytes * scale;
    const rect = svg('rect', { x, y: 10, width: Math.max(w, 0), height: 30, class: `fill-${i % 8}` });
    rect.append(svg('title', {}, `${label}: ${formatBytes(bytes)}`));
    root.append(rect);
    x += w;
  });
  const cx = 10 + capacity * scale;
  root.append(svg('line', { x1: cx, x2: cx, y1: 2, y2: 48, class: 'capacity' }),
    svg('text', { x: Math.min(cx, W - 150), y: 64, class: 'label' }, `${gpu.name.replace(/^NVIDIA (GeForce )?/, '')} ${formatBytes(capacity)}`));
  return figure;
}

// 2. Total memory against the context (log scale), and where it stops fitting on the chosen GPU.
function contextChart(contexts, totals, capacity, current) {
  const H = 220, left = 56, right = 16, top = 12, bottom = 34;
  const max = Math.max(...totals, capacity || 0) * 1.05;
  const lx = (c) => left + ((Math.log2(c) - Math.log2(contexts[0])) / (Math.log2(contexts[contexts.length - 1]) - Math.log2(contexts[0]) || 1)) * (W - left - right);
  const ly = (b) => top + (1 - b / max) * (H - top - bottom);
  const lastFit = capacity ? contexts.filter((c, i) => totals[i] <= capacity).pop() : undefined;
  const title = `Total memory against context length${capacity ? `; fits up to ${lastFit ? `${lastFit.toLocaleString('en-US')} tokens` : 'none of these contexts'}` : ''}`;
  const { figure, root } = chartBox(title, H);
  root.append(svg('polyline', { points: contexts.map((c, i) => `${lx(c)},${ly(totals[i])}`).join(' '), class: 'series' }));
  contexts.forEach((c, i) => {
    const dot = svg('circle', { cx: lx(c), cy: ly(totals[i]), r: c === current ? 5 : 3, class: capacity && totals[i] > capacity ? 'dot-no' : 'dot-yes' });
    dot.append(svg('title', {}, `${c.toLocaleString('en-US')} tokens: ${formatBytes(totals[i])}`));
    root.append(dot);
    if (i % 2 === 0 || i === contexts.length - 1) root.append(svg('text', { x: lx(c), y: H - 12, class: 'label', 'text-anchor': 'middle' }, c >= 1024 ? `${c / 1024}K` : String(c)));
  });
  for (const f of [0, 0.5, 1]) root.append(svg('text', { x: 4, y: ly(max * f) + 4, class: 'label' }, formatBytes(max * f)));
  if (capacity) root.append(svg('line', { x1: left, x2: W - right, y1: ly(capacity), y2: ly(capacity), class: 'capacity' }));
  return figure;
}

// The line chart's numbers as a table (its text alternative).
function contextTable(contexts, totals, gpu) {
  const box = el('details', undefined, 'fit-grid');
  box.append(el('summary', 'Memory against context, as a table'));
  const head = el('tr');
  head.append(el('th', 'Context (tokens)'), el('th', 'Total'), ...(gpu ? [el('th', `Fits ${gpu.name}`)] : []));
  const body = el('tbody');
  contexts.forEach((c, i) => {
    const tr = el('tr');
    tr.append(el('td', c.toLocaleString('en-US')), el('td', formatBytes(totals[i])), ...(gpu ? [el('td', totals[i] <= gpu.usable_bytes ? 'yes' : 'no')] : []));
    body.append(tr);
  });
  return withTable(box, 'Total memory by context length', head, body);
}

// Appends to `box` a table labelled `label` of a header row and a tbody; returns `box`.
function withTable(box, label, head, body) {
  const tableEl = el('table');
  tableEl.setAttribute('aria-label', label);
  const thead = el('thead');
  thead.append(head);
  tableEl.append(thead, body);
  box.append(tableEl);
  return box;
}

// 3. What fits: every catalogue GPU against every weight format at this context (a table, readable as is).
function fitGrid(t, contextIndex, fits) {
  const gpuIndex = new Map(t.gpus.map((name, i) => [name, i]));
  const box = el('details', undefined, 'fit-grid');
  box.append(el('summary', `What fits: ${fits.length} GPUs × ${t.quantizations.length} weight formats at ${t.contexts[contextIndex].toLocaleString('en-US')} tokens`),
    el('p', 'Each cell: decode tokens/s of one sequence where the format fits (memory bandwidth × 0.70 / bytes read per token), ✗ where it does not.', 'hint'));
  const head = el('tr');
  head.append(el('th', 'GPU'), ...t.quantizations.map((q) => el('th', q)));
  const body = el('tbody');
  for (const g of fits) {
    const tr = el('tr');
    const name = el('th', g.name);
    name.scope = 'row';
    tr.append(name);
    t.quantizations.forEach((q, i) => {
      const total = t.total_bytes[i][contextIndex];
      const ok = total > 0 && total <= g.usable_bytes;
      const tps = t.decode_tokens_per_s?.[i]?.[gpuIndex.get(g.name)] ?? 0;
      const td = el('td', total ? (ok ? (tps ? String(Math.round(tps)) : '✓') : '✗') : '–', total ? (ok ? 'cell-yes' : 'cell-no') : 'cell-none');
      td.title = total ? `${q}: ${formatBytes(total)} of ${formatBytes(g.usable_bytes)}${tps ? `; decode ≈ ${tps} tokens/s` : ''}` : `${q}: not for this runtime`;
      tr.append(td);
    });
    body.append(tr);
  }
  return withTable(box, 'What fits, GPUs by weight format', head, body);
}

let drawTicket = 0;

async function drawCharts(report, request) {
  const ticket = ++drawTicket;
  const charts = $('charts');
  if (report.training) {
    charts.replaceChildren();
    return;
  }
  const gpu = report.fits.find((g) => g.name === request.gpu) ?? report.fits.find((g) => g.fits);
  const nodes = gpu ? [capacityChart(report, gpu)] : [];
  // The charts on screen stay until all the new ones are drawn, so the page does not jump as they arrive.
  const max = report.model.max_position_embeddings || 131072;
  const contexts = [];
  for (let c = 1024; c <= Math.min(max, 1 << 20); c *= 2) contexts.push(c);
  if (!contexts.includes(request.context_tokens)) contexts.push(request.context_tokens);
  contexts.sort((a, b) => a - b);
  const t = await table({ config: request.config, contexts, context_tokens: request.context_tokens, batch_size: request.batch_size, kv_cache_dtype: request.kv_cache_dtype, runtime: request.runtime });
  if (ticket !== drawTicket) return;
  if (t.issues?.some((i) => i.level === 'error')) {
    charts.replaceChildren(...nodes);
    return;
  }
  const q = t.quantizations.indexOf(report.request.quantization);
  const chosen = report.fits.find((g) => g.name === request.gpu);
  if (q >= 0) nodes.push(contextChart(contexts, t.total_bytes[q], chosen?.usable_bytes ?? 0, request.context_tokens), contextTable(contexts, t.total_bytes[q], chosen));
  nodes.push(fitGrid(t, contexts.indexOf(request.context_tokens), report.fits));
  charts.replaceChildren(...nodes);
}

// ---- offline and installable (web/sw.js) -----------------------------------------------------------

function pwaStatus(text, action) {
  let box = $('pwa-status');
  if (!box) {
    box = el('p', undefined, 'pwa-status');
    box.id = 'pwa-status';
    box.setAttribute('aria-live', 'polite');
    document.querySelector('footer').append(box);
  }
  box.replaceChildren(el('span', text));
  if (action) {
    const button = el('button', action.label, 'secondary');
    button.type = 'button';
    button.addEventListener('click', action.run);
    box.append(' ', button);
  }
}

async function attachServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  let registration;
  try {
    registration = await navigator.serviceWorker.register(new URL('sw.js', import.meta.url).href);
  } catch {
    return;  // e.g. a file:// page: the page works, just not offline
  }
  // A new build installs beside the running one; it takes over (and the page reloads) when the user says so.
  let updating = false;
  const offerUpdate = (worker) => pwaStatus('An update of neuro-shrink is available.', {
    label: 'Update',
    run: () => {
      updating = true;
      worker.postMessage('skip-waiting');
    },
  });
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener('updatefound', () => {
    const worker = registration.installing;
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) location.reload();
  });
  await navigator.serviceWorker.ready;
  pwaStatus('Ready to work offline: the page, the estimator and every public config you open are kept on this device.');
}

// ---- model suggestions, the context slider, typed text kept across reloads ----------------------------

async function attachSuggestions() {
  const { shippedModels } = await import('./models.js');
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

// A log-scale slider beside the context field: powers of two from 256 tokens to the model's maximum.
function attachContextSlider() {
  const input = $('context');
  const slider = el('input', undefined, 'context-slider');
  slider.type = 'range';
  slider.id = 'context-slider';
  slider.min = '8';
  slider.step = '1';
  slider.setAttribute('aria-label', 'Context length, log scale');
  // Presets: the usual context lengths, as ticks on the slider.
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
  const sync = () => {
    const max = Math.max(8, Math.floor(Math.log2(state.maxContext || 131072)));
    slider.max = String(max);
    slider.value = String(Math.min(max, Math.max(8, Math.round(Math.log2(Number(input.value) || 4096)))));
    slider.setAttribute('aria-valuetext', `${Number(input.value).toLocaleString('en-US')} tokens`);
  };
  slider.addEventListener('input', () => {
    input.value = String(2 ** Number(slider.value));
    slider.setAttribute('aria-valuetext', `${Number(input.value).toLocaleString('en-US')} tokens`);
  });
  slider.addEventListener('change', () => input.dispatchEvent(new Event('change')));
  input.addEventListener('change', sync);
  input.after(slider);
  sync();
  return sync;
}

// What was typed but not yet estimated (the model id, a pasted config) survives a reload of the tab.
function keepTyped() {
  for (const id of ['model-id', 'paste-config']) {
    const node = $(id);
    const key = `neuro-shrink.typed.${id}`;
    try {
      const kept = sessionStorage.getItem(key);
      if (kept !== null && !(id === 'model-id' && new URLSearchParams(location.search).has('model'))) node.value = kept;
      node.addEventListener('input', () => sessionStorage.setItem(key, node.value));
    } catch { /* storage disabled */ }
  }
}

// ---- "Embed this": the element and the iframe for the estimate on screen -------------------------------

function embedSnippets() {
  const params = new URLSearchParams();
  const attrs = [];
  const add = (name, value) => {
    if (!value) return;
    params.set(name, value);
    attrs.push(`${name}="${String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;')}"`);
  };
  add('model', $('model-id').value.trim());
  add('quantization', $('quantization').value);
  add('context', $('context').value);
  add('gpu', $('gpu').value);
  add('runtime', $('runtime').value);
  const base = new URL('.', location.href).href;
  return {
    element: `<script type="module" src="${base}widget.js"></script>\n<neuro-shrink ${attrs.join(' ')}></neuro-shrink>`,
    iframe: `<iframe title="neuro-shrink estimate" src="${base}embed.html?${params.toString().replace(/&/g, '&amp;')}" width="420" height="260" style="border:0"></iframe>`,
  };
}

function attachEmbed() {
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
    const s = embedSnippets();
    fields.element.value = s.element;
    fields.iframe.value = s.iframe;
    dialog.showModal();
  });
  $('copy-link').after(open);
}

let syncSlider = () => {};

export function attach() {
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = new URL('extras.css', import.meta.url).href;
  document.head.append(css);
  setHooks({
    afterRender: (report, request) => {
      state.maxContext = report.model.max_position_embeddings;
      syncSlider();
      drawCharts(report, request).catch(() => {});
    },
    onHubError,
  });
  attachOwnConfig();
  attachGpuHint();
  attachServiceWorker();
  attachEmbed();
  attachHubFiles();
  attachSuggestions().catch(() => {});
  syncSlider = attachContextSlider();
  keepTyped();
  redraw();  // the charts for what is on screen
}
