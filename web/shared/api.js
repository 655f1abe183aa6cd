// neuro-shrink's JS API: the entry of the npm package in browsers (package.json "exports"; api/node.mjs wraps it for
// Node), on the same wasm estimator as the page, the widget and the CLI. The wasm loads relative to this file, so
// no bundler is needed. Each function resolves to the core's reply as an object; `options` is Emscripten's module
// options ({ wasmBinary } in Node: api/node.mjs passes it).
import * as core from './estimator.js';
import { readFileHeader as readHeader } from './file-header.js';
import { fetchConfig, fetchHubFacts } from './hub-fetch.js';

export { EstimateError } from './estimator.js';
export { HubError } from './hub-fetch.js';

// The estimate of a request (README "The report (contract)"); throws EstimateError when the report has an error.
export const estimate = (request, options) => core.estimate(request, options);
// The same, never throwing: the report with its issues.
export const estimateReport = (request, options) => core.estimateReport(request, options);
// The what-fits grid: every weight format x context x catalogue GPU.
export const table = (request, options) => core.table(request, options);
// The core's tables: quantizations, KV dtypes, GPUs, runtimes, limits and the request options' schema.
export const catalogue = (options) => core.catalogue(options);
// A runtime's load log held against the estimate: { log, config?, any request field the log does not print }.
export const reconcile = (request, options) => core.reconcile(request, options);
// A weight file's header through slice(end) -> { bytes, size } (File.slice, HTTP Range): see file-header.js.
export const readFileHeader = (slice, options) => readHeader(slice, options);

// A model's config.json from the Hub and the facts it publishes (parameter count, checkpoint size), ready for
// estimate({ config, model_id, hub }). hub: { token, endpoint, signal, timeoutS } (the token only over HTTPS to
// that Hub: hub-fetch.js tokenMayGoTo).
export async function fetchHubModel(modelId, hub = {}, options) {
  const limits = (await core.catalogue(options)).limits ?? {};
  const [config, facts] = await Promise.all([fetchConfig(modelId, { ...hub, maxBytes: limits.config_bytes }), fetchHubFacts(modelId, hub).catch(() => ({ facts: {}, notes: [] }))]);
  return { model_id: modelId, config, hub: facts.facts, notes: facts.notes };
}
