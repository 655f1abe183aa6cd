// Loads the wasm estimator and keeps the promise; shared by the page, the widget and the CLI. The wasm builds
// sit at the site's root (dist/), one level above this file.
// The core answers every request with a report; failures are issues inside it, never exceptions.
//
// Two builds of the same core (wasm/CMakeLists.txt): neuro-shrink-first, without the GGUF planner, gives
// the page its first answer within the 100 KB budget; neuro-shrink-core is the whole estimator. The page
// starts on the first and moves to the full one once it has loaded (fetched after the first answer); a
// request the first module cannot answer (issue `needs_full_estimator`) waits for the full one.

let fullPromise;
let firstPromise;

const locateFile = (path) => new URL(`../${path}`, import.meta.url).href;

// The full estimator. In Node, pass { wasmBinary } (the bytes of neuro-shrink-core.wasm): Emscripten's web
// loader cannot read files there. In the browser the loader fetches the .wasm next to this file.
export function loadEstimator(options = {}) {
  fullPromise ??= import('../neuro-shrink-core.js')
    .then(({ default: createModule }) => createModule({ locateFile, ...options }))
    .catch((err) => {
      fullPromise = undefined; // offline, say: the first module keeps answering, and a later call retries
      throw err;
    });
  return fullPromise;
}

function loadFirst() {
  firstPromise ??= import('../neuro-shrink-first.js').then(({ default: createModule }) => createModule({ locateFile }));
  return firstPromise;
}

// The module to ask now: the full one once it has been asked for, else the first-estimate one.
function current(options) {
  if (options) return loadEstimator(options);
  return fullPromise ?? loadFirst();
}

function prefetchFull() {
  if (fullPromise) return;
  setTimeout(() => loadEstimator().catch(() => {}), 0);
}

export class EstimateError extends Error {
  constructor(issues) {
    super(issues.filter((i) => i.level === 'error').map((i) => i.message).join(' '));
    this.name = 'EstimateError';
    this.issues = issues;
  }
}

// The catalogue's GPUs of a module, parsed once: the core's reports give one headroom per catalogue GPU
// ({"fits": {"headroom_bytes": [...]}}, the compact form), which expandFits() turns into one object per GPU.
const gpusOf = new WeakMap();
function catalogueGpus(mod) {
  if (!gpusOf.has(mod)) gpusOf.set(mod, JSON.parse(mod.catalogue()).gpus);
  return gpusOf.get(mod);
}
export function expandFits(report, mod) {
  const headroom = report.fits?.headroom_bytes;
  if (!headroom) return report;
  const gpus = catalogueGpus(mod);
  report.fits = headroom.map((h, i) => ({
    name: gpus[i].name, memory_bytes: gpus[i].memory_bytes, usable_bytes: gpus[i].usable_bytes, fits: h >= 0, headroom_bytes: h,
  }));
  return report;
}

// request: { config: <config.json text>, model_id, quantization, context_tokens, batch_size, kv_cache_dtype }
// Returns the report object; it always has `issues`, and has the estimate unless an issue is an error. Its
// `fits` lists every catalogue GPU: name, memory_bytes, usable_bytes, fits, headroom_bytes.
export async function estimateReport(request, options) {
  const text = JSON.stringify(request);
  let mod = await current(options);
  let report = JSON.parse(mod.estimate(text));
  if (report.issues.some((i) => i.code === 'needs_full_estimator')) {
    mod = await loadEstimator();
    report = JSON.parse(mod.estimate(text));
  } else {
    prefetchFull();
  }
  return expandFits(report, mod);
}

// Like estimateReport, but throws an EstimateError when the report carries an error.
export async function estimate(request, options) {
  const report = await estimateReport(request, options);
  if (report.issues.some((i) => i.level === 'error')) throw new EstimateError(report.issues);
  return report;
}

// The what-fits grid: total bytes and how many catalogue GPUs fit, for every weight format x context,
// from one parse of the config. request: { config, contexts?, batch_size?, kv_cache_dtype? }.
export async function table(request, options) {
  const text = JSON.stringify(request);
  const reply = JSON.parse((await current(options)).table(text));
  if (!reply.issues?.some((i) => i.code === 'needs_full_estimator')) return reply;
  return JSON.parse((await loadEstimator()).table(text));
}

// The header of a GGUF or safetensors file from its first bytes (a Uint8Array): status "ok", or
// "need_more" with needed_bytes (fetch that many from the start and ask again), or "invalid" with issues.
export async function fileHeader(bytes, fileSize = 0, options) {
  return JSON.parse((await loadEstimator(options)).fileHeader(bytes, fileSize));
}

// A runtime's load log held against the estimate (the full module): request { log, config?, and any option
// the log does not print }. The reply lists every buffer per device, predicted and measured.
export async function reconcile(request, options) {
  return JSON.parse((await loadEstimator(options)).reconcile(JSON.stringify(request)));
}

// The core's tables (quantizations, KV dtypes, GPUs, runtimes, limits, and the options once the core lists
// them), so that no front end copies them.
export async function catalogue(options) {
  return JSON.parse((await current(options)).catalogue());
}
