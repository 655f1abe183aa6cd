// Loads the wasm estimator once and keeps the promise; shared by the page, the widget and the CLI.
// The core answers every request with a report; failures are issues inside it, never exceptions.
import createModule from './neuro-shrink-core.js';

let modulePromise;

// In Node, pass { wasmBinary } (the bytes of neuro-shrink-core.wasm): Emscripten's web loader cannot
// read files there. In the browser the loader fetches the .wasm next to this file.
export function loadEstimator(options = {}) {
  modulePromise ??= createModule({
    locateFile: (path) => new URL(path, import.meta.url).href,
    ...options,
  });
  return modulePromise;
}

export class EstimateError extends Error {
  constructor(issues) {
    super(issues.filter((i) => i.level === 'error').map((i) => i.message).join(' '));
    this.name = 'EstimateError';
    this.issues = issues;
  }
}

// request: { config: <config.json text>, model_id, quantization, context_tokens, batch_size, kv_cache_dtype }
// Returns the report object; it always has `issues`, and has the estimate unless an issue is an error.
export async function estimateReport(request, options) {
  const mod = await loadEstimator(options);
  return JSON.parse(mod.estimate(JSON.stringify(request)));
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
  const mod = await loadEstimator(options);
  return JSON.parse(mod.table(JSON.stringify(request)));
}

// The core's tables (quantizations, KV dtypes, GPUs), so that no front end copies them.
export async function catalogue(options) {
  const mod = await loadEstimator(options);
  return JSON.parse(mod.catalogue());
}
