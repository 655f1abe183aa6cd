// Fetches files of a model repository from the Hugging Face Hub. Shared by the page and the CLI:
// both run exactly this code, with the platform's own fetch().
//
// Errors are HubError objects whose `type` says what went wrong, so that every front end can say
// what to do about it: invalid_id | gated | not_found | offline | network | cors | http.

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

// A repo id as the Hub accepts it: an optional namespace, then a name; letters, digits, '-', '_', '.'.
// (huggingface_hub's validate_repo_id: at most 96 characters, no '--' or '..'.)
const REPO_ID = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class HubError extends Error {
  constructor(type, message, { status = 0, url = '' } = {}) {
    super(message);
    this.name = 'HubError';
    this.type = type;
    this.status = status;
    this.url = url;
  }
}

export function validateModelId(modelId) {
  const id = String(modelId ?? '').trim();
  if (!id) throw new HubError('invalid_id', 'No model id was given. Type a Hub id such as "Qwen/Qwen2.5-7B-Instruct".');
  if (id.length > 96 || !REPO_ID.test(id) || id.includes('--') || id.includes('..')) {
    throw new HubError('invalid_id',
      `"${id}" is not a Hub model id. Use the form "owner/name", e.g. "meta-llama/Llama-3.1-8B".`);
  }
  return id;
}

// The file URL the Hub serves, as huggingface_hub's hf_hub_url builds it.
export function resolveUrl(modelId, file, { endpoint = DEFAULT_HUB_ENDPOINT, revision = 'main' } = {}) {
  const base = String(endpoint).replace(/\/+$/, '');
  const path = modelId.split('/').map(encodeURIComponent).join('/');
  return `${base}/${path}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

function isOffline() {
  return typeof navigator !== 'undefined' && navigator && navigator.onLine === false;
}

// The Hub answers 401 both for gated or private repositories and, to anonymous callers, for repos that
// do not exist; its X-Error-Code header (GatedRepo, RepoNotFound, EntryNotFound) tells them apart when
// the browser lets us read it.
function errorFor(response, modelId, file, url) {
  const code = response.headers?.get?.('x-error-code') ?? '';
  const status = response.status;
  if (code === 'EntryNotFound') {
    return new HubError('not_found',
      `The model "${modelId}" has no ${file} (HTTP ${status}). It may not be a transformers model; give a config.json instead.`,
      { status, url });
  }
  if (code === 'RepoNotFound' || status === 404) {
    return new HubError('not_found',
      `There is no model "${modelId}" on the Hub (HTTP ${status}). Check the spelling of the id, or give its config.json instead.`,
      { status, url });
  }
  if (status === 401 || status === 403 || code === 'GatedRepo') {
    return new HubError('gated',
      `"${modelId}" is gated or private (HTTP ${status}). Accept its license on the Hub, then give a Hugging Face ` +
      'access token (HF_TOKEN in the CLI, the token field in the page), or give its config.json instead.',
      { status, url });
  }
  if (status === 429) {
    return new HubError('http', `The Hub is rate-limiting requests (HTTP 429). Wait a minute and try again.`, { status, url });
  }
  return new HubError('http', `The Hub answered HTTP ${status} for ${file} of "${modelId}". Try again later.`, { status, url });
}

// One file of a repository, answered (a Response with ok status). The token, when given, is sent only to
// the Hub endpoint; `range` asks for its first bytes only.
async function hubResponse(modelId, file, options = {}, range = '') {
  const { endpoint = DEFAULT_HUB_ENDPOINT, token = '', revision = 'main', signal, fetchImpl = globalThis.fetch } = options;
  const id = validateModelId(modelId);
  const url = resolveUrl(id, file, { endpoint, revision });
  // Offline, the fetch still runs: the page's service worker may answer it from the configs it kept.
  const headers = {};
  if (range) headers.Range = range;
  if (token && new URL(url).origin === new URL(endpoint).origin) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetchImpl(url, { headers, signal, credentials: 'omit', redirect: 'follow' });
  } catch (err) {
    if (err?.name === 'TimeoutError') {
      throw new HubError('network', `The Hub at ${new URL(url).origin} did not answer in time. Try again, or give the config.json instead.`, { url });
    }
    if (err?.name === 'AbortError') throw err;
    if (isOffline()) {
      throw new HubError('offline', `You are offline, so "${id}" cannot be fetched. Reconnect, or give its config.json instead.`, { url });
    }
    // A browser reports a CORS refusal as the same TypeError as a network failure. An opaque (no-cors) request
    // tells them apart: it succeeds when the server answered but the answer may not be read.
    if (typeof document !== 'undefined' && await fetchImpl(url, { mode: 'no-cors', credentials: 'omit', signal }).then(() => true, () => false)) {
      throw new HubError('cors',
        `The Hub answered for "${id}", but the browser was not allowed to read the answer (CORS). A proxy, VPN or ` +
        'browser extension is likely rewriting the Hub\'s headers: try without it, use the command line, or give the config.json instead.', { url });
    }
    throw new HubError('network',
      `Could not reach the Hub at ${new URL(url).origin} (${err?.cause?.code ?? err?.message ?? 'network error'}). ` +
      'Check your connection or proxy, or give the config.json instead.', { url });
  }
  if (!response.ok) throw errorFor(response, id, file, url);
  return response;
}

// Fetches one file of a repository as text.
export async function fetchHubFile(modelId, file, options = {}) {
  return (await hubResponse(modelId, file, options)).text();
}

// config.json of a model, as text: parsing and validation belong to the estimator core.
export function fetchConfig(modelId, options = {}) {
  return fetchHubFile(modelId, 'config.json', options);
}

// Facts the Hub publishes about the stored checkpoint, for the core's cross-check (report.hub_check):
//  - parameters_total: /api/models/<id> -> safetensors.total (every element stored, all dtypes);
//  - safetensors_total_bytes: model.safetensors.index.json -> metadata.total_size (sharded checkpoints).
// Neither is required: a missing file or a failed request leaves the field out, with a note saying why.
export async function fetchHubFacts(modelId, options = {}) {
  const { endpoint = DEFAULT_HUB_ENDPOINT, token = '', signal, fetchImpl = globalThis.fetch } = options;
  const id = validateModelId(modelId);
  const facts = {};
  const notes = [];
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  const base = String(endpoint).replace(/\/+$/, '');
  const apiUrl = `${base}/api/models/${id.split('/').map(encodeURIComponent).join('/')}`;
  const [api, index] = await Promise.allSettled([
    fetchImpl(apiUrl, { headers, signal, credentials: 'omit' }).then(async (r) => {
      if (!r.ok) throw new HubError('http', `the Hub's model API answered HTTP ${r.status}`, { status: r.status, url: apiUrl });
      return r.json();
    }),
    fetchHubFile(id, 'model.safetensors.index.json', options).then((text) => JSON.parse(text)),
  ]);
  if (api.status === 'fulfilled') {
    const total = api.value?.safetensors?.total;
    if (Number.isSafeInteger(total) && total > 0) facts.parameters_total = total;
    else notes.push('the Hub lists no safetensors parameter count for this model');
  } else {
    notes.push(`no parameter count from the Hub (${api.reason?.message ?? 'request failed'})`);
  }
  if (index.status === 'fulfilled') {
    const size = index.value?.metadata?.total_size;
    if (Number.isSafeInteger(size) && size > 0) facts.safetensors_total_bytes = size;
  } else if (index.reason?.type !== 'not_found') {
    notes.push(`no checkpoint index (${index.reason?.message ?? 'request failed'})`);
  }
  return { facts, notes };
}

// The weight files of a repository, from the model API's file list: GGUF files, and safetensors (every shard
// the index names, or the single model.safetensors).
export async function listWeightFiles(modelId, options = {}) {
  const { endpoint = DEFAULT_HUB_ENDPOINT, token = '', signal, fetchImpl = globalThis.fetch } = options;
  const id = validateModelId(modelId);
  const base = String(endpoint).replace(/\/+$/, '');
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  let response;
  try {
    response = await fetchImpl(`${base}/api/models/${id.split('/').map(encodeURIComponent).join('/')}`, { headers, signal, credentials: 'omit' });
  } catch (err) {
    throw new HubError('network', `Could not list the files of "${id}" (${err?.message ?? 'network error'}).`);
  }
  if (!response.ok) throw errorFor(response, id, 'the file list', response.url);
  const names = ((await response.json())?.siblings ?? []).map((s) => s?.rfilename).filter((n) => typeof n === 'string');
  let safetensors = names.filter((n) => n.toLowerCase().endsWith('.safetensors'));
  // A sharded checkpoint: the shards its index maps tensors to (not stray .safetensors files beside them).
  if (names.includes('model.safetensors.index.json')) {
    try {
      const index = JSON.parse(await fetchHubFile(id, 'model.safetensors.index.json', options));
      const shards = [...new Set(Object.values(index?.weight_map ?? {}).filter((v) => typeof v === 'string'))];
      if (shards.length) safetensors = shards;
    } catch { /* keep the file list */ }
  }
  return { gguf: names.filter((n) => n.toLowerCase().endsWith('.gguf')), safetensors };
}

// The first bytes of a repository file with an HTTP Range request; `size` from Content-Range.
export async function fetchFileStart(modelId, file, length, options = {}) {
  const response = await hubResponse(modelId, file, options, `bytes=0-${Math.max(0, length - 1)}`);
  const range = response.headers.get('content-range');
  const size = range ? Number(range.split('/')[1]) || 0 : Number(response.headers.get('content-length')) || 0;
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { bytes: bytes.subarray(0, length), size };
}
