// neuro-shrink's JS API in Node (package.json "exports", condition "node"): web/shared/api.js with the wasm read
// from the package itself, since Emscripten's web loader cannot fetch a file there. Nothing is built on install:
// the wasm ships in dist/.
import fs from 'node:fs';

import * as api from '../dist/shared/api.js';

export { EstimateError, HubError } from '../dist/shared/api.js';

let options;
const wasm = () => (options ??= { wasmBinary: fs.readFileSync(new URL('../dist/neuro-shrink-core.wasm', import.meta.url)) });

export const estimate = (request) => api.estimate(request, wasm());
export const estimateReport = (request) => api.estimateReport(request, wasm());
export const table = (request) => api.table(request, wasm());
export const catalogue = () => api.catalogue(wasm());
export const reconcile = (request) => api.reconcile(request, wasm());
export const readFileHeader = (slice) => api.readFileHeader(slice, wasm());
export const fetchHubModel = (modelId, hub = {}) => api.fetchHubModel(modelId, hub, wasm());
