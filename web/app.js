// The calculator page's shell: the form <-> the store, the store -> one estimate request -> the report in the
// store, which page/render.js draws. The features (page/features/*, loaded after the first estimate through
// page/extras.js) get the store and nothing else: none of them imports this file, and this file imports none
// of them.
import { attach as attachRender, $, el } from './page/render.js';
import { createStore } from './page/store.js';
import { modelIdFrom, readConfigFromHash, readUrl } from './page/url.js';
import { catalogue, estimateReport, loadEstimator } from './shared/estimator.js';
import { formatBytes } from './shared/format.js';
import { DEFAULT_MODEL, defaultConfig, shippedConfig } from './shared/models.js';
import { paramNames, settingsFrom } from './shared/params.js';

// The Hub client loads on the first Hub request: the embedded default needs none of it.
let hubPromise;
const hubModule = () => {
  hubPromise ??= import('./shared/hub-fetch.js').catch((err) => {
    hubPromise = undefined;
    throw navigator.onLine === false ? Object.assign(new Error('You are offline, so the model cannot be fetched. Reconnect, or give its config.json instead.'), { name: 'HubError', type: 'offline' }) : err;
  });
  return hubPromise;
};

const form = $('estimate-form');
const modelInput = $('model-id');
modelInput.defaultValue = DEFAULT_MODEL.id;  // index.html has it already (scripts/build.sh writes it in)
// The form's controls are named after the request's fields (context_tokens, kv_cache_dtype, ...).
const controls = [...form.querySelectorAll('input[name], select[name]')].filter((c) => c !== modelInput);

const readForm = () => Object.fromEntries(controls.map((c) => [c.name, c.value]));

// State: the inputs (params, by request field), the loaded config (model), the report on screen, what the page
// says (status, alert), and what features ask of the shell (load: a model to fetch, e.g. with a new token).
const store = createStore({
  params: readForm(), unit: 'GiB', names: paramNames(), catalogue: null, model: null, token: '',
  report: null, request: null, failed: false, busy: true, status: '', alert: [], load: null, hubError: null,
});
attachRender(store);

let fetchController = null;
let loading = false;
let extras;
const loadExtras = () => { extras ??= import('./page/extras.js').then((m) => m.attach(store)).catch(() => {}); };
let fullCatalogue;
// Every user action takes a ticket; work that finishes after a newer action began is dropped, so a slow
// start-up estimate never hides the answer (or the error) for what the user asked for since.
let generation = 0;

// A number field as typed: empty is left out (the core's default); anything else goes to the core, which
// refuses what it cannot take with a message naming the field (never a silent default here).
function typed(value) {
  if (value === '' || value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : value;
}

// The memory field is in GiB (the option's param_unit, as the CLI's --gpu-memory); the core takes bytes.
const GIB = 2 ** 30;
function memoryBytes(value) {
  const n = Number(value);
  return value !== '' && Number.isFinite(n) && n > 0 ? Math.round(n * GIB) : 0;
}

// The estimate request: what the inputs say; an empty or unusable number is left out (the core's default).
function request({ params: p, model, catalogue: c }) {
  const r = model.file ? { model_id: model.id } : { config: model.text, model_id: model.id };
  for (const field of ['quantization', 'runtime', 'kv_cache_dtype', 'gpu']) if (p[field]) r[field] = p[field];
  for (const field of ['context_tokens', 'batch_size', 'gpus']) if (typed(p[field]) !== undefined) r[field] = typed(p[field]);
  // Ollama picks its own context by the GPUs' memory (core/runtimes/ollama.cpp) unless one is asked: the field's default is none.
  if (p.runtime === 'ollama' && p.context_tokens === form.elements.context_tokens.defaultValue) delete r.context_tokens;
  Object.assign(r, settingsFrom(c?.options, (f) => p[f], Object.keys(r)));  // llama.cpp's, vLLM's, a cluster's
  if (typed(p.gpu_memory_bytes) !== undefined) r.gpu_memory_bytes = memoryBytes(p.gpu_memory_bytes) || typed(p.gpu_memory_bytes);
  if (model.hub) r.hub = model.hub;
  if (model.weights) r.weights = model.weights;
  if (model.mmproj && r.mmproj) r.mmproj_file = model.mmproj;
  if (p.mode === 'train') {
    r.mode = 'train';
    r.training = {
      method: p.method, precision: p.precision, optimizer: p.optimizer, checkpointing: p.checkpointing,
      lora_rank: typed(p.lora_rank), zero: Number(p.zero), micro_batch: r.batch_size, seq_len: r.context_tokens,
    };
  }
  return r;
}

async function estimate(ticket = ++generation) {
  const s = store.state;
  if (!s.model) return;
  const req = request(s);
  // A GGUF file alone: its header is the model (the core reads the config its metadata amounts to).
  const report = s.model.file
    ? await import('./shared/file-header.js').then((m) => m.estimateFile(s.model.file, 0, req))
    : await estimateReport(req);
  if (ticket !== generation) return;
  const errors = report.issues.filter((i) => i.level === 'error');
  if (errors.length) {
    store.update({ alert: errors.map((i) => i.message), failed: true });
    return;
  }
  // A GGUF file type with no runtime named is llama.cpp's estimate (the core says so): the form follows.
  const switched = !req.runtime && report.request?.runtime && report.request.runtime !== 'transformers';
  if (report.file?.config) req.config = report.file.config;  // the charts and the quant table ask table() with it
  store.update({ report, request: req, alert: [], failed: false, busy: false,
    ...(switched ? { params: { ...s.params, runtime: report.request.runtime }, status: `Runtime set to ${report.request.runtime}: ${s.model.file ? `${s.model.id} is a GGUF file` : `${req.quantization} is a GGUF file type`}, which llama.cpp runs.` } : {}) });
  if (!performance.getEntriesByName('first-estimate').length) performance.mark('first-estimate');
  setTimeout(() => {  // ready for the next model, and for offline use; then the page's features
    hubModule().catch(() => {});
    loadExtras();
    // The full module's catalogue carries the prose the first one leaves out (file-type descriptions, sources).
    // and its answer replaces the first module's, which leaves the formulas' prose out (core/variant_text.h);
    // (under the same ticket: a model being fetched meanwhile is not cancelled)
    fullCatalogue ??= loadEstimator().then(() => catalogue()).then((c) => { store.update({ catalogue: c }); fillCatalogue(c); if (!loading) estimate(generation).catch(cannotStart); }).catch(() => {});
  }, 0);
}

const cannotStart = (err) => store.update({
  alert: [`The estimator could not start: ${err?.message ?? err}. Reload the page; if it persists, your browser may lack WebAssembly.`],
});
const estimateOrSay = () => estimate().catch(cannotStart);

async function loadModel(modelId) {
  fetchController?.abort();
  fetchController = new AbortController();
  const { signal } = fetchController;
  const ticket = ++generation;
  const button = $('estimate-button');
  button.disabled = true;
  loading = true;
  store.update({ busy: true, status: `Fetching config for ${modelId}…` });
  try {
    const shipped = await shippedConfig(modelId).catch(() => null);
    if (shipped && ticket === generation) {
      store.update({
        status: `Using the copy of ${shipped.id}'s config.json that the page ships (no network, no token).`,
        model: { id: shipped.id, text: shipped.text, hub: null, shipped: true },
      });
      return;
    }
    const { fetchConfig, fetchHubFacts } = await hubModule();
    // The core's cap on a config.json caps the download too; hub-fetch.js adds its timeout and the token rule.
    const maxBytes = (await catalogue()).limits?.config_bytes;
    const { token } = store.state;
    const [text, facts] = await Promise.all([
      fetchConfig(modelId, { signal, token, maxBytes }),
      fetchHubFacts(modelId, { signal, token }).catch(() => ({ facts: {} })),
    ]);
    if (ticket !== generation) return;
    store.update({ status: `Loaded config.json of ${modelId}.`, model: { id: modelId, text, hub: Object.keys(facts.facts).length ? facts.facts : null } });
  } catch (err) {
    if (err?.name === 'AbortError' || ticket !== generation) return;
    store.update({
      status: '', failed: true, hubError: err,  // (page/features/gguf-repo.js reads a GGUF-only repository from it)
      alert: [err?.name === 'HubError' ? err.message : `Could not load ${modelId}: ${err?.message ?? err}.`],
    });
    loadExtras();  // the features that answer a failure (a token, a GGUF-only repository)
  } finally {
    button.disabled = false;
    if (fetchController?.signal === signal) loading = false;  // unless a newer load is under way
  }
}

// A pasted config (or one a shared link carries): no Hub id.
function usePastedConfig(text, status) {
  ++generation;
  store.update({ model: { id: '', text, hub: null, pasted: true }, status });
}

function useDefault() {
  const ticket = ++generation;
  defaultConfig().then((text) => {
    if (ticket === generation) store.update({ model: { id: DEFAULT_MODEL.id, text, hub: null } });
  }).catch((err) => store.update({ alert: [String(err.message)] }));
}

// The store -> the form and the shell's work: a new config or new inputs are estimated (inputs not while a
// model loads: its estimate uses them), a load a feature asks for is done, and the unit redraws the link.
store.subscribe((s, before) => {
  if (s.params !== before.params) {
    for (const c of controls) {
      const value = s.params[c.name];
      if (value === undefined || c.value === value) continue;
      if (c.tagName === 'SELECT' && ![...c.options].some((o) => o.value === value)) c.append(option(value, value));  // one the catalogue lists later
      c.value = value;
    }
    $('training-fields').hidden = s.params.mode !== 'train';
    form.classList.toggle('training-mode', s.params.mode === 'train');
    form.classList.toggle('llama', s.params.runtime === 'llama.cpp' || !!s.catalogue?.gguf_file_types.some((t) => t.name === s.params.quantization));
  }
  if (s.model !== before.model || (s.params !== before.params && !loading)) estimateOrSay();
  if (s.load !== before.load && s.load) loadModel(s.load.id);
  if (s.unit !== before.unit) {
    $('unit').value = s.unit;
    if (s.catalogue) fillGpus(s.catalogue, s.unit);
  }
});

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

// The GPU picker's suggestions: every catalogue GPU with its memory in the page's unit (unified memory: what
// the GPU may use of it).
function fillGpus(c, unit) {
  $('gpu-list').replaceChildren(...c.gpus.map((g) => option(g.name,
    g.usable_bytes !== g.memory_bytes ? `${formatBytes(g.memory_bytes, unit)} unified, ${formatBytes(g.usable_bytes, unit)} for the GPU` : formatBytes(g.memory_bytes, unit))));
}

function fillCatalogue(c) {
  const gguf = el('optgroup');
  gguf.label = 'llama.cpp GGUF file types (runtime llama.cpp)';
  gguf.append(...c.gguf_file_types.map((t) => option(t.name, t.name, t.description)));
  fill(form.elements.quantization, [...c.quantizations.map((q) => option(q.name, q.label, q.description)), gguf]);
  fill(form.elements.kv_cache_dtype, c.kv_cache_dtypes.map((d) => option(d.name, d.name, d.source)));
  fill(form.elements.runtime, c.runtimes.slice(1).map((r) => option(r.name, r.label, r.description)));  // (the first, transformers, is index.html's)
  fill(form.elements.optimizer, c.options.find((o) => o.name === 'training.optimizer')?.values.slice(1).map((v) => option(v, v)) ?? []);  // (AdamW likewise)
  fillGpus(c, store.state.unit);
  // The core's bounds and defaults of the numbers it takes (catalogue().options; a build without them keeps
  // index.html's first values and leaves the bounds to the core's answer).
  for (const o of c.options ?? []) {
    const input = form.elements[o.name.replace(/^training\./, '')];
    if (input?.type !== 'number') continue;
    if (o.min != null) input.min = String(o.min);
    if (o.max != null) input.max = String(o.max);
    if (typeof o.default === 'number') input.defaultValue = String(o.default);  // (a link leaves defaults out: page/features/url-sync.js)
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const id = modelIdFrom(modelInput.value);
  modelInput.value = id;
  const { model } = store.state;
  if ((id === model?.id && model.text) || (!id && model?.file)) estimateOrSay();
  else if (id === DEFAULT_MODEL.id) useDefault();
  else loadModel(id);
});
// (The GPU field's typed names are resolved by the GPU picker, page/features/inputs.js.)
for (const c of controls) if (c !== form.elements.gpu) c.addEventListener('change', () => store.update({ params: { ...store.state.params, ...readForm() } }));  // (settings the form does not lay out stay)

$('unit').addEventListener('change', () => store.update({ unit: $('unit').value }));



async function start() {
  const preloaded = defaultConfig();  // index.html preloads it: fetched beside the estimator
  preloaded.catch(() => {});
  try {
    const c = await catalogue();
    const names = paramNames(c.options);
    // Inputs from the URL, before the first estimate (the form follows the store); the selects the catalogue
    // fills keep what their options allow.
    const { model_id: wanted, unit = 'GiB', config_only: only = '', ...fromUrl } = readUrl(names);
    if (wanted !== undefined) modelInput.value = wanted;
    // config-only=1: the weight files are not read (page/features/weight-files.js); not a form field
    store.update({ catalogue: c, names, unit, configOnly: /^(1|true|yes|on)$/i.test(only), params: { ...store.state.params, ...fromUrl } });
    fillCatalogue(c);
    store.update({ params: { ...store.state.params, ...readForm() } });
    const shared = await readConfigFromHash();
    if (shared) {
      modelInput.value = '';
      usePastedConfig(shared, 'Using the config.json this link carries (it stays in your browser).');
      return;
    }
    const id = modelIdFrom(modelInput.value);
    if (id && id !== DEFAULT_MODEL.id) {
      loadModel(id);
      return;
    }
    const ticket = ++generation;
    const text = await preloaded;
    if (ticket === generation) store.update({ model: { id: DEFAULT_MODEL.id, text, hub: null } });
  } catch (err) {
    cannotStart(err);
  }
}

start();
