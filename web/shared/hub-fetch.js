// Fetches files of a model repository from the Hugging Face Hub, and the first bytes of any weight file by
// URL. Shared by the page and the CLI: both run exactly this code, with the platform's own fetch().
//
// Every request goes through fetchBody(): the token only where tokenMayGoTo() allows it (decided again at every
// redirect), a timeout on the connection and on every read, and a cap on the bytes read.
//
// Errors are HubError objects whose `type` says what went wrong, so that every front end can say what to do
// about it: invalid_id | gated | not_found | offline | network | cors | http | timeout | too_large.

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';
// Seconds a request may go without progress: huggingface_hub's DEFAULT_DOWNLOAD_TIMEOUT (constants.py).
export const DEFAULT_TIMEOUT_S = 10;
// The most of any answer that is read when the caller sets no cap of its own (config.json callers pass the
// core's limits.config_bytes): a model.safetensors.index.json holds ~100 bytes per tensor, ~15 MB for the
// largest checkpoints (~150k tensors with their scales); the model API's answer is far smaller.
export const MAX_ANSWER_BYTES = 64 * 2 ** 20;
// What counts as progress and restarts the timeout: this many bytes. A trickle (a byte a second) keeps no
// request alive (curl's --speed-limit idea; 1 KiB per timeout window is far below any real link).
const PROGRESS_BYTES = 1024;
// setTimeout's longest delay; a longer one fires at once.
const MAX_TIMER_MS = 2 ** 31 - 1;
// Redirects followed by hand in Node (a Hub resolve link makes one or two; browsers stop at 20).
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

// A repo id as the Hub accepts it: an optional namespace, then a name; letters, digits, '-', '_', '.'.
// (huggingface_hub's validate_repo_id: at most 96 characters, no '--' or '..'.)
const REPO_ID = /^(?:[A-Za-z0-9][A-Za-z0-9._-]*\/)?[A-Za-z0-9][A-Za-z0-9._-]*$/;

export class HubError extends Error {
  constructor(type, message, { status = 0, url = '', modelId = '', entry = '' } = {}) {
    super(message);
    this.name = 'HubError';
    this.type = type;
    this.status = status;
    this.url = url;
    this.modelId = modelId;  // the repository asked for
    this.entry = entry;      // not_found: the file it lacks ('' when the repository itself is missing)
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

// The Hub answers 401 both for gated or private repositories and, to anonymous callers, for repos that
// do not exist; its X-Error-Code header (GatedRepo, RepoNotFound, EntryNotFound) tells them apart when
// the browser lets us read it.
function errorFor(response, modelId, file, url) {
  const code = response.headers?.get?.('x-error-code') ?? '';
  const status = response.status;
  if (code === 'EntryNotFound') {
    return new HubError('not_found',
      `The model "${modelId}" has no ${file} (HTTP ${status}). It may not be a transformers model; give a config.json instead.`,
      { status, url, modelId, entry: file });
  }
  if (code === 'RepoNotFound' || status === 404) {
    return new HubError('not_found',
      `There is no model "${modelId}" on the Hub (HTTP ${status}). Check the spelling of the id, or give its config.json instead.`,
      { status, url, modelId });
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

// ---- which requests may carry the token -----------------------------------------------------------------

// A URL, or null where the text is not one (relative to `base` when given).
const parseUrl = (text, base) => { try { return new URL(text, base); } catch { return null; } };

// Hosts where an HF_ENDPOINT may be plain http: a local mirror (or the test Hub) never leaves the machine.
// Hostnames as the URL parser normalizes them (http://0x7f.1 is 127.0.0.1).
function isLoopback(hostname) {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

// Whether a request to `url` may carry the Hub token: only over HTTPS, and only to the Hub. With the default
// endpoint that is huggingface.co or a subdomain of it (x.huggingface.co; not evilhuggingface.co, not
// huggingface.co.evil.com), on the default port; with another endpoint (HF_ENDPOINT), exactly its origin
// (scheme, host and port), which may be plain http only on a loopback host.
export function tokenMayGoTo(url, endpoint = DEFAULT_HUB_ENDPOINT) {
  const target = parseUrl(url);
  const hub = parseUrl(endpoint || DEFAULT_HUB_ENDPOINT);
  if (!target || !hub) return false;
  if (hub.origin === new URL(DEFAULT_HUB_ENDPOINT).origin) {
    const host = target.hostname;
    return target.protocol === 'https:' && target.port === '' && (host === 'huggingface.co' || host.endsWith('.huggingface.co'));
  }
  const secure = hub.protocol === 'https:' || (hub.protocol === 'http:' && isLoopback(hub.hostname));
  return secure && target.origin === hub.origin;
}

// ---- one request: token, redirects, timeout, byte cap ------------------------------------------------------

// How messages name a server: "the Hub at <origin>" for the Hub's own origin, else the origin.
function siteOf(url, endpoint) {
  const target = parseUrl(url);
  if (!target) return String(url);
  return target.origin === parseUrl(endpoint || DEFAULT_HUB_ENDPOINT)?.origin ? `the Hub at ${target.origin}` : target.origin;
}
const sentence = (text) => text.replace(/^the /, 'The ');
const sizeText = (bytes) => `${(bytes / 2 ** 20).toFixed(2)} MiB (${bytes.toLocaleString('en-US')} bytes)`;

// Aborts a request that makes no progress for `ms`: no answer at all (connection, TLS, headers), or less than
// PROGRESS_BYTES of its body in that time. Aborts it too when the caller's signal does.
function watchdog(ms, outer) {
  const controller = new AbortController();
  const watch = { signal: controller.signal, fired: '', received: 0 };
  let timer;
  let recent = 0;
  const arm = (phase) => {
    clearTimeout(timer);
    recent = 0;
    timer = setTimeout(() => {
      watch.fired = phase;
      controller.abort(new DOMException(`no progress in ${ms} ms`, 'TimeoutError'));
    }, Math.min(ms, MAX_TIMER_MS));
  };
  const forward = () => controller.abort(outer.reason);
  if (outer?.aborted) forward();
  else outer?.addEventListener('abort', forward, { once: true });
  arm('answer');
  watch.redirected = () => arm('answer');
  watch.answered = () => arm('body');
  watch.progress = (n) => {
    watch.received += n;
    recent += n;
    if (recent >= PROGRESS_BYTES) arm('body');
  };
  watch.stop = () => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', forward);
  };
  return watch;
}

// Node follows redirects by hand, so that the token is decided again for every URL. A browser cannot (a manual
// redirect is opaque there) and follows them itself: the Fetch standard removes Authorization on a redirect to
// another origin (whatwg/fetch#1544; Firefox 111, Chromium, WebKit).
const redirectsByHand = () => typeof process !== 'undefined' && !!process.versions?.node;

function discard(response) {
  if (response.body) response.body.cancel().catch(() => {});
}

// The answer to a GET of `url`, after redirects (each hop has its own timeout); `trace.url` follows the hops.
async function send(url, init, { endpoint, token, fetchImpl, byHand, watch }, trace) {
  for (let hop = 0; ; hop++) {
    const headers = { ...init.headers };
    if (token && tokenMayGoTo(trace.url, endpoint)) headers.Authorization = `Bearer ${token}`;
    const response = await fetchImpl(trace.url, { ...init, headers, redirect: byHand ? 'manual' : 'follow' });
    const location = byHand && REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (!location) return response;
    discard(response);
    const where = sentence(siteOf(trace.url, endpoint));
    const next = parseUrl(location, trace.url);
    if (!next || !/^https?:$/.test(next.protocol)) {
      throw new HubError('http', `${where} redirected to ${next ? `a ${next.protocol} URL` : 'an invalid URL'}, which is not fetched.`, { url });
    }
    if (hop >= MAX_REDIRECTS) throw new HubError('http', `${where} redirected more than ${MAX_REDIRECTS} times.`, { url });
    trace.url = next.href;
    watch.redirected();
  }
}

// The body, chunk by chunk: no more than `stopAt` bytes (then the download stops: a server that ignored a
// Range request sends no more), and a too_large HubError past `maxBytes` (a Range read sets no maxBytes).
async function readBody(response, { maxBytes, stopAt, watch, url, endpoint }) {
  const where = sentence(siteOf(url, endpoint));
  const tooLarge = (size) => new HubError('too_large', size
    ? `${where} offers ${sizeText(size)} for ${fileName(url)}; at most ${sizeText(maxBytes)} is read.`
    : `${where} sent more than ${sizeText(maxBytes)} for ${fileName(url)}, the most that is read.`, { url });
  const declared = Number(response.headers.get('content-length')) || 0;
  if (declared > maxBytes) throw tooLarge(declared);
  if (!response.body?.getReader) return capped(new Uint8Array(await response.arrayBuffer()), maxBytes, stopAt, tooLarge);
  const reader = response.body.getReader();
  const chunks = [];
  let length = 0;
  try {
    while (length < stopAt) {
      const { done, value } = await reader.read();
      if (done) break;
      watch.progress(value.length);
      chunks.push(value);
      length += value.length;
      if (length > maxBytes) throw tooLarge(0);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return joined(chunks, Math.min(length, stopAt));
}

// The same for a body without a stream (a test's fetch stand-in): read whole, then held to the same limits.
function capped(bytes, maxBytes, stopAt, tooLarge) {
  if (bytes.length > maxBytes) throw tooLarge(bytes.length);
  return bytes.subarray(0, stopAt);
}

function joined(chunks, length) {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, length - at);
    bytes.set(part, at);
    at += part.length;
  }
  return bytes;
}

// The last part of a URL's path, for messages.
function fileName(url) {
  const last = parseUrl(url)?.pathname.split('/').pop() || String(url);
  try { return decodeURIComponent(last); } catch { return last; }
}

// Node's network error codes (err.cause.code), in words.
const NETWORK_CODES = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'no such host', EAI_AGAIN: 'the name lookup failed',
  ECONNRESET: 'connection reset', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out', UND_ERR_SOCKET: 'the connection closed',
};

// A failed request as a HubError (the caller's own abort stays an AbortError).
function failure(err, url, watch, { endpoint, timeoutMs }) {
  if (err instanceof HubError) return err;
  const where = sentence(siteOf(url, endpoint));
  const seconds = `${timeoutMs / 1000} s`;
  if (watch.fired === 'answer') return new HubError('timeout', `${where} did not answer within ${seconds}.`, { url });
  if (watch.fired === 'body') {
    return new HubError('timeout', `${where} stopped sending: less than ${PROGRESS_BYTES} bytes in ${seconds} ` +
      `(${watch.received.toLocaleString('en-US')} bytes in all).`, { url });
  }
  if (err?.name === 'TimeoutError') return new HubError('timeout', `${where} did not answer in time.`, { url });
  if (err?.name === 'AbortError') return err;
  const code = err?.cause?.code ?? err?.code ?? '';
  // Without a code, the cause's own words say more than fetch's "fetch failed" (e.g. "bad port").
  const why = code ? `${code}${NETWORK_CODES[code] ? `: ${NETWORK_CODES[code]}` : ''}` : err?.cause?.message ?? err?.message ?? 'network error';
  return Object.assign(new HubError('network', `Could not reach ${siteOf(url, endpoint)} (${why}).`, { url }), { code });
}

// One GET through the watchdog. Resolves to { ok, status, headers, url (after redirects), bytes }; the body of
// an answer that is not ok is not read. Options: endpoint and token (sent where tokenMayGoTo allows), headers,
// signal (the caller's), timeoutMs, maxBytes (a larger body is a too_large error), stopAt (read no more than
// this, then stop: for Range requests), fetchImpl.
export async function fetchBody(url, options = {}) {
  const { endpoint = DEFAULT_HUB_ENDPOINT, token = '', headers = {}, signal, fetchImpl = globalThis.fetch,
    timeoutMs = DEFAULT_TIMEOUT_S * 1000, maxBytes = MAX_ANSWER_BYTES, stopAt = Infinity } = options;
  const watch = watchdog(timeoutMs, signal);
  const trace = { url: String(url) };
  try {
    const response = await send(url, { headers, signal: watch.signal, credentials: 'omit' },
      { endpoint, token, fetchImpl, byHand: options.redirectsByHand ?? redirectsByHand(), watch }, trace);
    watch.answered();
    const result = { ok: response.ok, status: response.status, headers: response.headers, url: trace.url };
    if (!response.ok) discard(response);
    else result.bytes = await readBody(response, { maxBytes, stopAt, watch, url: trace.url, endpoint });
    return result;
  } catch (err) {
    throw failure(err, trace.url, watch, { endpoint, timeoutMs });
  } finally {
    watch.stop();
  }
}

// The whole file's size: Content-Range's total (206), or Content-Length of a 200 (the server sent it all).
function fileSize({ status, headers }) {
  const range = headers.get('content-range');
  if (status === 206 && range) return Number(range.split('/')[1]) || 0;
  return status === 200 ? Number(headers.get('content-length')) || 0 : 0;
}

// Reading the first `length` bytes: a Range request, and no more than that when the server ignores it.
const rangeRead = (length) => ({ headers: { Range: `bytes=0-${Math.max(0, length - 1)}` }, stopAt: length, maxBytes: Infinity });

// The first `length` bytes of any URL (the CLI's --file): fetchBody's result, with `size`, the file's size when
// the server says it. An answer that is not ok is returned, not thrown: the caller words it.
export async function fetchRange(url, length, options = {}) {
  const result = await fetchBody(url, { ...options, ...rangeRead(length) });
  return { ...result, size: result.ok ? fileSize(result) : 0 };
}

// ---- the Hub ------------------------------------------------------------------------------------------------

function isOffline() {
  return typeof navigator !== 'undefined' && navigator && navigator.onLine === false;
}

// A browser reports a CORS refusal as the same TypeError as a network failure. An opaque (no-cors) request
// tells them apart: it succeeds when the server answered but the answer may not be read.
async function corsRefused(url, { signal, fetchImpl = globalThis.fetch, timeoutMs = DEFAULT_TIMEOUT_S * 1000 }) {
  if (typeof document === 'undefined') return false;
  const watch = watchdog(timeoutMs, signal);
  try {
    return await fetchImpl(url, { mode: 'no-cors', credentials: 'omit', signal: watch.signal }).then(() => true, () => false);
  } finally {
    watch.stop();
  }
}

// A Hub request (a repository file or the model API) through fetchBody, its failures worded for the Hub.
async function hubFetch(url, id, options, read) {
  const { endpoint = DEFAULT_HUB_ENDPOINT, token = '', signal, fetchImpl, timeoutMs } = options;
  // Offline, the fetch still runs: the page's service worker may answer it from the configs it kept.
  try {
    return await fetchBody(url, { endpoint, token, signal, fetchImpl, timeoutMs, ...read });
  } catch (err) {
    if (err?.type === 'timeout') throw new HubError('timeout', `${err.message} Try again, or give the config.json instead.`, { url });
    if (err?.type !== 'network') throw err;
    if (isOffline()) {
      throw new HubError('offline', `You are offline, so "${id}" cannot be fetched. Reconnect, or give its config.json instead.`, { url });
    }
    if (await corsRefused(url, options)) {
      throw new HubError('cors',
        `The Hub answered for "${id}", but the browser was not allowed to read the answer (CORS). A proxy, VPN or ` +
        'browser extension is likely rewriting the Hub\'s headers: try without it, use the command line, or give the config.json instead.', { url });
    }
    throw new HubError('network', `${err.message} Check your connection or proxy, or give the config.json instead.`, { url });
  }
}

// One file of a repository, answered (ok), read as `read` says (the whole body up to a cap, or a Range).
async function hubFile(modelId, file, options, read) {
  const id = validateModelId(modelId);
  const url = resolveUrl(id, file, options);
  const result = await hubFetch(url, id, options, read);
  if (!result.ok) throw errorFor(result, id, file, url);
  return result;
}

// Fetches one file of a repository as text; options.maxBytes caps it (default MAX_ANSWER_BYTES).
export async function fetchHubFile(modelId, file, options = {}) {
  const { bytes } = await hubFile(modelId, file, options, { maxBytes: options.maxBytes ?? MAX_ANSWER_BYTES });
  return new TextDecoder().decode(bytes);
}

// config.json of a model, as text: parsing and validation belong to the estimator core. Callers pass the
// core's cap as options.maxBytes (catalogue().limits.config_bytes).
export function fetchConfig(modelId, options = {}) {
  return fetchHubFile(modelId, 'config.json', options);
}

// The model API's answer (/api/models/<id>), parsed; capped at MAX_ANSWER_BYTES whatever options.maxBytes says.
async function modelInfo(id, options) {
  const base = String(options.endpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  const url = `${base}/api/models/${id.split('/').map(encodeURIComponent).join('/')}`;
  const result = await hubFetch(url, id, options, { maxBytes: MAX_ANSWER_BYTES });
  if (!result.ok) throw errorFor(result, id, 'the model API', url);
  return JSON.parse(new TextDecoder().decode(result.bytes));
}

// model.safetensors.index.json, parsed; capped at MAX_ANSWER_BYTES (options.maxBytes is config.json's cap).
async function checkpointIndex(id, options) {
  return JSON.parse(await fetchHubFile(id, 'model.safetensors.index.json', { ...options, maxBytes: MAX_ANSWER_BYTES }));
}

// Facts the Hub publishes about the stored checkpoint, for the core's cross-check (report.hub_check):
//  - parameters_total: /api/models/<id> -> safetensors.total (every element stored, all dtypes);
//  - safetensors_total_bytes: model.safetensors.index.json -> metadata.total_size (sharded checkpoints);
//  - gguf_files: /api/models/<id> -> siblings, the .gguf files (llama.cpp's -hf needs some).
// None is required: a missing file or a failed request leaves the field out, with a note saying why.
export async function fetchHubFacts(modelId, options = {}) {
  const id = validateModelId(modelId);
  const facts = {};
  const notes = [];
  const [api, index] = await Promise.allSettled([modelInfo(id, options), checkpointIndex(id, options)]);
  if (api.status === 'fulfilled') {
    const total = api.value?.safetensors?.total;
    if (Number.isSafeInteger(total) && total > 0) facts.parameters_total = total;
    else notes.push('the Hub lists no safetensors parameter count for this model');
    // Whether llama.cpp's -hf can load it: the repository holds .gguf files (siblings: the file list).
    if (Array.isArray(api.value?.siblings)) facts.gguf_files = api.value.siblings.filter((f) => /\.gguf$/i.test(String(f?.rfilename ?? ''))).length;
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

// The weight files of a repository, from the model API's file list: GGUF files, and safetensors: every shard the
// index names (sharded: true), else those at the top of the repository (a subfolder's, such as original/ or onnx/,
// are another copy). `indexProblem` says why an index the repository lists could not be read.
export async function listWeightFiles(modelId, options = {}) {
  const id = validateModelId(modelId);
  const names = ((await modelInfo(id, options))?.siblings ?? []).map((s) => s?.rfilename).filter((n) => typeof n === 'string');
  let safetensors = names.filter((n) => n.toLowerCase().endsWith('.safetensors') && !n.includes('/'));
  let sharded = false;
  let indexProblem = '';
  // A sharded checkpoint: the shards its index maps tensors to (not stray .safetensors files beside them).
  if (names.includes('model.safetensors.index.json')) {
    try {
      const index = await checkpointIndex(id, options);
      const shards = [...new Set(Object.values(index?.weight_map ?? {}).filter((v) => typeof v === 'string'))];
      if (shards.length) [safetensors, sharded] = [shards, true];
      else indexProblem = 'model.safetensors.index.json maps no tensor to a file';
    } catch (err) {
      indexProblem = `model.safetensors.index.json could not be read (${err?.message ?? err})`;
    }
  }
  return { gguf: names.filter((n) => n.toLowerCase().endsWith('.gguf')), safetensors, sharded, indexProblem };
}

// The first bytes of a repository file with an HTTP Range request; `size` from Content-Range.
export async function fetchFileStart(modelId, file, length, options = {}) {
  const result = await hubFile(modelId, file, options, rangeRead(length));
  return { bytes: result.bytes, size: fileSize(result) };
}
