// The calculator page: one state object -> one estimate request -> one render. Everything the user or a
// config supplies reaches the DOM through textContent, never as HTML.
import { catalogue, estimateReport } from './estimator.js';

// The Hub client loads on the first Hub request: the embedded default needs none of it.
let hubPromise;
let extras;
const hubModule = () => {
  hubPromise ??= import('./hub-fetch.js').catch((err) => {
    hubPromise = undefined;
    throw navigator.onLine === false ? Object.assign(new Error('You are offline, so the model cannot be fetched. Reconnect, or give its config.json instead.'), { name: 'HubError' }) : err;
  });
  return hubPromise;
};

const DEFAULT_MODEL = {
  id: 'meta-llama/Llama-3.1-8B',
  url: new URL('models/meta-llama__Meta-Llama-3.1-8B.json', import.meta.url),
};
const GiB = 2 ** 30;
const COMPONENTS = [
  ['weights_bytes', 'Weights'],
  ['kv_cache_bytes', 'KV cache'],
  ['activations_bytes', 'Activations'],
  ['overhead_bytes', 'Runtime overhead'],
];

const $ = (id) => document.getElementById(id);
const form = $('estimate-form');
const inputs = {
  model: $('model-id'), quantization: $('quantization'), context: $('context'), batch: $('batch'), mode: $('mode'),
  runtime: $('runtime'), kv: $('kv-type'), gpu: $('gpu'), gpus: $('gpus'), unit: $('unit'),
};
const TRAINING = ['method', 'precision', 'optimizer', 'checkpointing', 'lora-rank', 'zero'];
// Every input lives in the URL (?model=...&q=...): a link reproduces the estimate.
const URL_KEYS = { model: 'model', quantization: 'q', context: 'ctx', batch: 'batch', mode: 'mode', runtime: 'runtime', kv: 'kv', gpu: 'gpu', gpus: 'gpus', unit: 'unit' };

// What the estimate is computed from: the loaded config and the inputs.
export const state = { modelId: '', configText: '', hub: null, token: '' };
// What extras.js (loaded after the first estimate) adds: charts, the WebGPU hint, the token and paste flows.
const hooks = { afterRender: null };
export function setHooks(h) { Object.assign(hooks, h); }
let fetchController = null;
// Every user action takes a ticket; work that finishes after a newer action began is dropped, so a slow
// start-up estimate never hides the answer (or the error) for what the user asked for since.
let generation = 0;

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// Binary GiB (what the estimate and drivers count in) or decimal GB (what spec sheets print).
export const view = { unit: 'GiB' };
export function formatBytes(bytes) {
  return view.unit === 'GB' ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / GiB).toFixed(2)} GiB`;
}

function formatCount(n) {
  return Number(n).toLocaleString('en-US');
}

function formatShort(n) {
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)} T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  return String(n);
}

export function setStatus(text) {
  $('status').textContent = text;
}

export function showAlert(lines) {
  const box = $('alert');
  box.replaceChildren(...lines.map((line) => el('p', line)));
  box.hidden = lines.length === 0;
}

function positive(input, fallback) {
  const n = Number(input.value);
  return Number.isSafeInteger(n) && n >= 1 ? n : fallback;
}

function request() {
  const r = {
    config: state.configText,
    model_id: state.modelId,
    context_tokens: positive(inputs.context, 0),
    batch_size: positive(inputs.batch, 0),
  };
  if (inputs.quantization.value) r.quantization = inputs.quantization.value;
  if (state.hub) r.hub = state.hub;
  if (inputs.runtime.value) r.runtime = inputs.runtime.value;
  if (inputs.kv.value) r.kv_cache_dtype = inputs.kv.value;
  if (inputs.gpu.value) r.gpu = inputs.gpu.value;
  r.gpus = positive(inputs.gpus, 0);
  if (inputs.mode.value === 'train') {
    const v = (id) => $(id).value;
    r.mode = 'train';
    r.training = {
      method: v('method'), precision: v('precision'), optimizer: v('optimizer'), checkpointing: v('checkpointing'),
      lora_rank: positive($('lora-rank'), 0), zero: Number(v('zero')), micro_batch: r.batch_size, seq_len: r.context_tokens,
    };
  }
  return r;
}

function renderBreakdown(report) {
  const m = report.memory;
  // Training: each GPU's components as the estimate lists them (weights, master, gradients, states, ...).
  // A runtime's own allocations (llama.cpp's buffers, vLLM's pool) or training's terms, as the report lists them.
  const listed = report.training || report.request.runtime !== 'transformers';
  const parts = listed
    ? report.components.filter((c) => !report.training || !c.host).map((c, i) => [`c${i}`, c.label + (c.host && !report.training ? ' (system RAM)' : ''), c.bytes])
    : COMPONENTS.map(([key, label]) => [key, label, m[key]]);
  const total = listed ? parts.reduce((a, p) => a + p[2], 0) : m.total_bytes;
  const rows = parts.map(([, label, bytes]) => {
    const tr = el('tr');
    const share = total ? (100 * bytes) / total : 0;
    tr.append(el('th', label), el('td', formatBytes(bytes), 'num'), el('td', `${share.toFixed(1)}%`, 'num'));
    tr.firstChild.scope = 'row';
    return tr;
  });
  $('breakdown-rows').replaceChildren(...rows);
  $('total').textContent = formatBytes(total) + (report.training && report.request.gpus > 1 ? ' per GPU' : '');

  const bar = $('bar');
  bar.replaceChildren(...parts.map(([, label, bytes], i) => {
    const seg = el('span', '', `seg seg-${i % 8}`);
    seg.style.width = `${total ? (100 * bytes) / total : 0}%`;
    seg.title = `${label}: ${formatBytes(bytes)}`;
    return seg;
  }));
  bar.setAttribute('aria-label', `Memory breakdown: ${parts.map(([, label, bytes]) => `${label} ${formatBytes(bytes)}`).join(', ')}; total ${formatBytes(total)}`);
}

// A GPU's memory as the estimate counts it: unified memory shows the share the GPU may wire.
function usable(g) {
  return g.usable_bytes !== g.memory_bytes
    ? `${formatBytes(g.usable_bytes)} of ${formatBytes(g.memory_bytes)} unified`
    : formatBytes(g.memory_bytes);
}

// The smallest fitting GPU of each vendor, then the whole catalogue behind a disclosure.
function renderFits(report) {
  const fitting = report.fits.filter((g) => g.fits);
  const smallest = new Map();
  for (const g of fitting) {
    const vendor = g.name.split(' ')[0];
    if (!smallest.has(vendor)) smallest.set(vendor, g);
  }
  $('fit-summary').textContent = fitting.length
    ? `Smallest that fit: ${[...smallest.values()].map((g) => `${g.name} (${usable(g)}, ${formatBytes(g.headroom_bytes)} free)`).join(' · ')}.`
    : `No single GPU in the catalogue has ${formatBytes(report.memory.total_bytes)}.`;
  $('fit-count').textContent = `Every GPU in the catalogue: ${fitting.length} of ${report.fits.length} fit`;
  $('fit-rows').replaceChildren(...report.fits.map((g) => {
    const tr = el('tr', undefined, g.fits ? 'fits-yes' : 'fits-no');
    const name = el('th', g.name);
    name.scope = 'row';
    tr.append(name, el('td', usable(g), 'num'), el('td', g.fits ? 'Yes' : 'No'),
      el('td', `${g.headroom_bytes >= 0 ? '' : '−'}${formatBytes(Math.abs(g.headroom_bytes))}`, 'num'));
    return tr;
  }));
}

// Speed, vLLM's KV capacity and the command to run, when a GPU is chosen.
function renderRuntime(report) {
  const lines = [];
  const sp = report.speed;
  if (sp?.known) {
    lines.push(`Speed on ${sp.gpu}: decode ≈ ${sp.decode_tokens_per_s.toFixed(1)} tokens/s per sequence (${sp.decode_bound} bound)` +
      (sp.prefill_tokens_per_s ? `, prefill ≈ ${Math.round(sp.prefill_tokens_per_s)} tokens/s` : `; prefill unknown: ${sp.reason}`) + '.');
  }
  const v = report.vllm;
  if (v) lines.push(`vLLM KV cache: ${v.kv_tokens.toLocaleString('en-US')} tokens (${v.blocks} blocks), ${v.max_concurrency.toFixed(2)}× concurrency at ${formatCount(report.request.context_tokens)} tokens.`);
  const s = report.solver;
  if (s && s.max_context_tokens !== undefined) lines.push(`On the chosen GPU: up to ${formatCount(s.max_context_tokens)} tokens of context; best format that fits: ${s.best_quantization || 'none'}; fewest GPUs: ${s.fewest_gpus || 'more than 64'}.`);
  for (const c of report.commands ?? []) lines.push(`Run it: ${c.command}`);
  $('runtime-info').replaceChildren(...lines.map((line) => el('p', line)));
}

function renderNotices(report) {
  const items = report.issues.filter((i) => i.level !== 'error').map((i) => el('li', i.message, `notice notice-${i.level}`));
  for (const check of report.hub_check ?? []) {
    items.push(el('li', `Hub cross-check (${check.source}): config.json ${formatCount(check.config_parameters)}, Hub ${formatCount(check.hub_parameters)}. ${check.message}`,
      `notice notice-${check.verdict === 'mismatch' ? 'warning' : 'info'}`));
  }
  $('notices').replaceChildren(...items);
}

function renderDetails(report) {
  const dl = $('formulas');
  dl.replaceChildren();
  for (const f of report.formulas) {
    dl.append(el('dt', f.component), el('dd', f.formula), el('dd', `Source: ${f.source}`, 'source'));
  }
  const groups = $('parameter-groups');
  groups.replaceChildren();
  const p = report.parameters;
  const describe = (entries) => Object.entries(entries).map(([k, v]) => `${k} ${formatShort(v)}`).join(' · ');
  groups.append(el('dt', 'by component'), el('dd', describe(p.by_component)));
  groups.append(el('dt', 'by role'), el('dd', describe(p.by_role)));
  groups.append(el('dt', 'by layer type'), el('dd', describe(p.by_layer_type)));
  if (p.mtp) groups.append(el('dt', 'not loaded'), el('dd', `multi-token-prediction modules ${formatShort(p.mtp)} (${formatCount(p.mtp)})`));
  for (const node of document.querySelectorAll('.kv-only')) node.hidden = !report.kv_cache;
  $('kv-rows').replaceChildren(...(report.kv_cache?.layers ?? []).map((g) => {
    const tr = el('tr');
    const kind = g.attention === 'sliding' || g.attention === 'chunked' ? `${g.attention} (${formatCount(g.window)})` : g.attention;
    tr.append(el('td', String(g.layers), 'num'), el('td', g.state_bytes ? `${kind}, state ${formatCount(g.state_bytes)} B` : kind),
      el('td', formatCount(g.bytes_per_token), 'num'), el('td', formatCount(g.cached_tokens), 'num'), el('td', formatBytes(g.bytes), 'num'));
    return tr;
  }));
  const fields = $('model-fields');
  fields.replaceChildren();
  for (const [key, value] of Object.entries(report.model)) {
    if (value === '' || (typeof value === 'object' && value !== null && Object.keys(value).length === 0)) continue;
    const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    fields.append(el('dt', key), el('dd', shown));
  }
}

function render(report) {
  const m = report.model;
  $('result-model').textContent = m.id || m.architecture || m.model_type;
  const p = report.parameters;
  const active = p.active !== p.total ? `, ${formatShort(p.active)} active per token` : '';
  const fitting = report.fits.find((g) => g.fits);
  const t = report.training;
  $('summary').textContent =
    `${formatShort(p.total)} parameters (${formatCount(p.total)}${active}) · ` +
    (t ? `${t.method} training, ${t.precision}, ${t.optimizer}, ${formatShort(t.trainable_parameters)} trained · ${t.micro_batch} × ${formatCount(t.seq_len)} tokens per GPU · `
       : `${report.request.quantization_label} weights · ${formatCount(report.request.context_tokens)} tokens × ${report.request.batch_size} · total ${formatBytes(report.memory.total_bytes)} · `) +
    (fitting ? `fits on ${fitting.name} and larger` : 'fits on no single GPU in the catalogue');
  renderBreakdown(report);
  renderRuntime(report);
  renderFits(report);
  renderNotices(report);
  renderDetails(report);
  $('results').hidden = false;
  $('results').setAttribute('aria-busy', 'false');
  last = { report, request: request() };
  hooks.afterRender?.(last.report, last.request);
}

// For extras.js: draw its charts for what is on screen, or re-estimate unless a model is loading (an
// estimate then would take the ticket of the load and drop its answer).
let last = null;
let loading = false;
export const lastReport = () => last?.report;
export function redraw() {
  if (last) hooks.afterRender?.(last.report, last.request);
}
export function refresh() {
  if (!loading) update();
}

export async function update(ticket = ++generation) {
  if (!state.configText) return;
  const report = await estimateReport(request());
  if (ticket !== generation) return;
  const errors = report.issues.filter((i) => i.level === 'error');
  if (errors.length) {
    showAlert(errors.map((i) => i.message));
    $('results').hidden = true;  // never leave numbers for other inputs looking current
    return;
  }
  showAlert([]);
  render(report);
  if (!performance.getEntriesByName('first-estimate').length) performance.mark('first-estimate');
  writeUrl();
  setTimeout(() => {  // ready for the next model, and for offline use; then the page's extras
    hubModule().catch(() => {});
    extras ??= import('./extras.js').then((m) => m.attach()).catch(() => {});
  }, 0);
}

function writeUrl() {
  const params = new URLSearchParams();
  for (const [key, name] of Object.entries(URL_KEYS)) {
    const input = inputs[key];
    if (input.value !== input.defaultValue && !(input.tagName === 'SELECT' && input.selectedIndex <= 0)) params.set(name, input.value);
  }
  if (inputs.mode.value === 'train') for (const id of TRAINING) params.set(id, $(id).value);
  const query = params.toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
}

// Inputs from the URL, before the first estimate; selects take what their options allow.
function readUrl() {
  const params = new URLSearchParams(location.search);
  for (const [key, name] of Object.entries(URL_KEYS)) {
    const value = params.get(name);
    if (value === null) continue;
    const input = inputs[key];
    if (input.tagName === 'SELECT' && ![...input.options].some((o) => o.value === value)) {
      const option = el('option', value);  // a value the catalogue lists later (GPUs, GGUF types)
      option.value = value;
      input.append(option);
    }
    input.value = value;
  }
  for (const id of TRAINING) if (params.has(id)) $(id).value = params.get(id);
  $('training-fields').hidden = inputs.mode.value !== 'train';
  view.unit = inputs.unit.value;
}

export async function loadModel(modelId) {
  fetchController?.abort();
  fetchController = new AbortController();
  const { signal } = fetchController;
  const ticket = ++generation;
  const button = $('estimate-button');
  button.disabled = true;
  loading = true;
  $('results').setAttribute('aria-busy', 'true');
  setStatus(`Fetching config for ${modelId}…`);
  try {
    const shipped = await import('./models.js').then((m) => m.shippedConfig(modelId)).catch(() => null);
    if (shipped && ticket === generation) {
      Object.assign(state, { modelId: shipped.id, configText: shipped.text, hub: null });
      setStatus(`Using the copy of ${shipped.id}'s config.json that the page ships (no network, no token).`);
      await update();
      return;
    }
    const { fetchConfig, fetchHubFacts } = await hubModule();
    // The core's cap on a config.json caps the download too; hub-fetch.js adds its timeout and the token rule.
    const maxBytes = (await catalogue()).limits?.config_bytes;
    const [configText, facts] = await Promise.all([
      fetchConfig(modelId, { signal, token: state.token, maxBytes }),
      fetchHubFacts(modelId, { signal, token: state.token }).catch(() => ({ facts: {} })),
    ]);
    if (ticket !== generation) return;
    state.modelId = modelId;
    state.configText = configText;
    state.hub = Object.keys(facts.facts).length ? facts.facts : null;
    setStatus(`Loaded config.json of ${modelId}.`);
    await update();
  } catch (err) {
    if (err?.name === 'AbortError' || ticket !== generation) return;
    setStatus('');
    showAlert([err?.name === 'HubError' ? err.message : `Could not load ${modelId}: ${err?.message ?? err}.`]);
    hooks.onHubError?.(err);
    $('results').hidden = true;
  } finally {
    button.disabled = false;
    if (fetchController?.signal === signal) loading = false;  // unless a newer load is under way
  }
}

async function fetchDefault() {
  const response = await fetch(DEFAULT_MODEL.url);
  if (!response.ok) throw new Error(`the embedded default config is missing (HTTP ${response.status})`);
  return response.text();
}

function useDefault(configText) {
  state.modelId = DEFAULT_MODEL.id;
  state.configText = configText;
  state.hub = null;
}

function option(value, label, title) {
  const o = el('option', label);
  o.value = value;
  if (title) o.title = title;
  return o;
}

// Fills a select from the catalogue, keeping a value the URL put there.
function fill(select, nodes) {
  const keep = select.value;
  for (const o of [...select.options]) if (o.index > 0) o.remove();
  select.append(...nodes);
  select.value = keep;
  if (select.value !== keep) select.selectedIndex = 0;
}

async function fillCatalogue() {
  const c = await catalogue();
  const gguf = el('optgroup');
  gguf.label = 'llama.cpp GGUF file types (runtime llama.cpp)';
  gguf.append(...c.gguf_file_types.map((t) => option(t.name, t.name, t.description)));
  fill(inputs.quantization, [...c.quantizations.map((q) => option(q.name, q.label, q.description)), gguf]);
  fill(inputs.kv, c.kv_cache_dtypes.map((d) => option(d.name, d.name, d.source)));
  const vendors = new Map();
  for (const g of c.gpus) {
    if (!vendors.has(g.vendor)) {
      const group = el('optgroup');
      group.label = g.vendor === 'amd' ? 'AMD' : g.vendor[0].toUpperCase() + g.vendor.slice(1);
      vendors.set(g.vendor, group);
    }
    vendors.get(g.vendor).append(option(g.name, `${g.name} (${formatBytes(g.memory_bytes)})`));
  }
  fill(inputs.gpu, [...vendors.values()]);
  state.gpus = c.gpus;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = inputs.model.value.trim();
  if (id === state.modelId && state.configText) {
    update();
  } else if (id === DEFAULT_MODEL.id) {
    const ticket = ++generation;
    fetchDefault().then((text) => {
      if (ticket !== generation) return;
      useDefault(text);
      update();
    }).catch((err) => showAlert([String(err.message)]));
  } else {
    loadModel(id);
  }
});
for (const input of [inputs.quantization, inputs.context, inputs.batch, inputs.mode, inputs.runtime, inputs.kv, inputs.gpu, inputs.gpus, ...TRAINING.map($)]) {
  input.addEventListener('change', () => {
    $('training-fields').hidden = inputs.mode.value !== 'train';
    update();
  });
}

$('unit').addEventListener('change', () => {
  view.unit = $('unit').value;
  update();
});

$('copy-link').addEventListener('click', async () => {
  writeUrl();
  try {
    await navigator.clipboard.writeText(location.href);
    setStatus('Link copied.');
  } catch {
    setStatus(`Copy this link: ${location.href}`);
  }
});

async function start() {
  readUrl();
  const wanted = inputs.model.value.trim();
  if (wanted && wanted !== DEFAULT_MODEL.id) {
    fillCatalogue();
    loadModel(wanted);
    return;
  }
  const ticket = ++generation;
  try {
    const [, text] = await Promise.all([fillCatalogue(), fetchDefault()]);
    if (ticket !== generation) return;  // the user asked for something else meanwhile
    useDefault(text);
    await update();
  } catch (err) {
    showAlert([`The estimator could not start: ${err?.message ?? err}. Reload the page; if it persists, your browser may lack WebAssembly.`]);
  }
}

start();
