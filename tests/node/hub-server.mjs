// A local HTTP server that plays the Hugging Face Hub from tests/fixtures/configs/, for tests that must
// never reach the network. GET /<owner>/<name>/resolve/main/config.json serves <owner>__<name>.json.
// Special owners: gated/* answers 401 (X-Error-Code: GatedRepo), missing/* 404 (RepoNotFound), broken/* a
// truncated config, slow/* never answers, drip/* sends a byte a second, huge/* a 300 MB config.json, endless/*
// one without end; moved/* redirects to Qwen/Qwen3-0.6B at `redirectTo` (another origin), renamed/* to
// Qwen/Qwen3-0.6B on this origin. Every request is recorded with its headers.
//
// Hostile servers for --file, under /x/ (query parameters in brackets):
//   /x/file/<corpus path>  a tests/fuzz/corpus file, with Range support (206)
//   /x/stall               never answers              /x/empty          200 with no body
//   /x/drip[?every=MS]     a byte every MS (1000)      /x/status/<code>  that status
//   /x/norange[?size=N&start=zeros]  ignores Range: 200 with N bytes (300 MB), small.safetensors then zeros
//   /x/endless[?start=zeros]         the same without Content-Length and without end
//   /x/redirect?to=URL     302 to URL
// Streams end at STREAM_LIMIT_BYTES or STREAM_LIMIT_MS at the latest; hub.streams records what each one sent.
//
//   import { startHub } from './hub-server.mjs';  const hub = await startHub();  // hub.endpoint, hub.requests
//   node tests/node/hub-server.mjs [PORT]          // standalone, e.g. HF_ENDPOINT=http://127.0.0.1:PORT
import fs from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const FIXTURES = new URL('../fixtures/configs/', import.meta.url);
const CORPUS = new URL('../fuzz/corpus/', import.meta.url);
// A valid safetensors header (361 bytes) to open the large bodies with.
const SAFETENSORS = fs.readFileSync(new URL('safetensors/small.safetensors', CORPUS));
// The body a server that ignores Range sends by default: the 300 MB case.
const NO_RANGE_BYTES = 300 * 10 ** 6;
// Bounds on every stream, so that no test can run away: 4 GiB or 60 s, whichever comes first.
const STREAM_LIMIT_BYTES = 4 * 2 ** 30;
const STREAM_LIMIT_MS = 60_000;
// A dripping server's bytes at most (two minutes at the default pace).
const DRIP_LIMIT = 120;

// The Hub's /api/models/<id> safetensors.total for fixtures that have one (tests/fixtures/params.tsv).
export const HUB_TOTALS = {
  'meta-llama/Llama-2-7b-hf': 6_738_417_664,
  'meta-llama/Meta-Llama-3.1-8B': 8_030_261_248,
  'Qwen/Qwen3-0.6B': 751_632_384,
  'bigscience/bloom': 176_247_271_424,   // huggingface.js parse-safetensors-metadata.spec.ts
  'microsoft/phi-2': 2_779_683_840,      // llmfit hf_models.json parameters_raw
};

// model.safetensors.index.json metadata.total_size (bytes) for sharded fixtures (tests/fixtures/params.tsv:
// jasonfr6/AI7 mirrors Mistral-7B-v0.1's index).
export const INDEX_TOTAL_SIZES = {
  'mistralai/Mistral-7B-v0.1': 14_483_464_192,
};

// As the Hub answers browsers: any origin, the error code readable, Authorization allowed.
const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-expose-headers': 'x-error-code, x-repo-commit',
};

// Writes `prefix`, then `filler` bytes, up to `total` bytes (and the stream limits), as fast as the client
// reads; stops when the client goes. Records the bytes sent in `record.sent`.
function pour(res, { prefix, total, filler = 0x20, record }) {
  const chunk = Buffer.alloc(64 * 1024, filler);
  const limit = Math.min(total, STREAM_LIMIT_BYTES);
  const started = Date.now();
  let closed = false;
  res.on('close', () => { closed = true; record.closed = true; });
  const pump = () => {
    while (!closed && record.sent < limit && Date.now() - started < STREAM_LIMIT_MS) {
      const part = record.sent < prefix.length ? prefix.subarray(record.sent) : chunk.subarray(0, Math.min(chunk.length, limit - record.sent));
      record.sent += part.length;
      if (!res.write(part)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

// A byte now, then one every `every` ms, at most DRIP_LIMIT of them.
function drip(res, every) {
  let sent = 1;
  res.write(' ');
  const timer = setInterval(() => {
    if (++sent > DRIP_LIMIT) { clearInterval(timer); res.end(); return; }
    res.write(' ');
  }, every);
  res.on('close', () => clearInterval(timer));
}

// A corpus file with Range support: 206 with the bytes asked for, or 200 with all of it.
function serveFile(req, res, file) {
  if (!/^[\w.-]+\/[\w.-]+$/.test(file) || !fs.existsSync(new URL(file, CORPUS))) return res.writeHead(404).end();
  const body = fs.readFileSync(new URL(file, CORPUS));
  const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (!m) return res.writeHead(200, { 'content-length': body.length }).end(body);
  const start = Number(m[1]);
  const end = Math.min(Number(m[2]), body.length - 1);
  res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 });
  return res.end(body.subarray(start, end + 1));
}

// The /x/ routes (see the top of this file).
function hostile(req, res, url, streams) {
  const [, , kind, ...rest] = url.pathname.split('/');
  const start = url.searchParams.get('start') === 'zeros' ? Buffer.alloc(0) : SAFETENSORS;
  const record = { url: req.url, sent: 0 };
  switch (kind) {
    case 'file': return serveFile(req, res, rest.join('/'));
    case 'stall': return undefined;
    case 'empty': return res.writeHead(200, { 'content-length': 0 }).end();
    case 'status': return res.writeHead(Number(rest[0]) || 500).end();
    case 'redirect': return res.writeHead(302, { location: url.searchParams.get('to') }).end();
    case 'drip':
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return drip(res, Number(url.searchParams.get('every')) || 1000);
    case 'norange': {
      const size = Number(url.searchParams.get('size')) || NO_RANGE_BYTES;
      streams.push(record);
      res.writeHead(200, { 'content-length': size });
      return pour(res, { prefix: start, total: size, filler: 0, record });
    }
    case 'endless':
      streams.push(record);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return pour(res, { prefix: start, total: Infinity, filler: 0, record });
    default: return res.writeHead(404).end();
  }
}

// Hub config.json answers that misbehave: the owners drip, huge, endless, moved and renamed.
function hostileConfig(req, res, owner, url, { redirectTo, streams }) {
  const record = { url: req.url, sent: 0 };
  const json = { 'content-type': 'application/json', ...CORS };
  const opening = Buffer.from('{"model_type": "llama", "padding": "');
  if (owner === 'drip') return void (res.writeHead(200, json), drip(res, 1000));
  if (owner === 'huge' || owner === 'endless') {
    streams.push(record);
    res.writeHead(200, owner === 'huge' ? { ...json, 'content-length': NO_RANGE_BYTES } : json);
    return void pour(res, { prefix: opening, total: owner === 'huge' ? NO_RANGE_BYTES : Infinity, record });
  }
  if (owner === 'moved') return void res.writeHead(302, { location: `${redirectTo}/Qwen/Qwen3-0.6B/resolve/main/config.json`, ...CORS }).end();
  if (owner === 'renamed') return void res.writeHead(307, { location: '/Qwen/Qwen3-0.6B/resolve/main/config.json', ...CORS }).end();
  return false;
}

// A GGUF-only repository's file on disk, by Range (206) as the Hub serves it.
function serveDiskFile(req, res, file) {
  const size = fs.statSync(file).size;
  const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = Math.min(range ? Number(range[2]) : size - 1, size - 1, start + 64 * 2 ** 20 - 1);
  res.writeHead(range ? 206 : 200, { ...CORS, 'content-length': end - start + 1, ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
  fs.createReadStream(file, { start, end }).pipe(res);
}

// ggufRepos: "owner/name" -> { files: { "<name>.gguf": path on disk }, siblings?: extra file names }: repositories
// with no config.json, as bartowski's and unsloth's GGUF repositories are.
// weightRepos: "owner/name" -> { config: a fixture's name, files: { "<shard>.safetensors": path on disk }, index?: the
// model.safetensors.index.json object }: a repository with its config.json and safetensors checkpoint, whose
// shards are served by Range (a listed file without a path answers 404, as a shard the Hub lost would).
export async function startHub({ port = 0, host = '127.0.0.1', redirectTo = '', ggufRepos = {}, weightRepos = {} } = {}) {
  const requests = [];
  const streams = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: { ...req.headers } });
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...CORS, ...headers });
      res.end(body);
    };
    if (req.method === 'OPTIONS') return send(204, '');
    const url = new URL(req.url, 'http://hub.local');
    if (url.pathname.startsWith('/x/')) return hostile(req, res, url, streams);

    const api = url.pathname.match(/^\/api\/models\/([^/]+)\/([^/]+)$/);
    if (api) {
      const id = `${decodeURIComponent(api[1])}/${decodeURIComponent(api[2])}`;
      const repo = ggufRepos[id];
      if (repo) return send(200, JSON.stringify({ id, siblings: [...Object.keys(repo.files), ...(repo.siblings ?? [])].map((rfilename) => ({ rfilename })) }));
      const weighed = weightRepos[id];
      if (weighed) {
        const names = ['config.json', ...(weighed.index ? ['model.safetensors.index.json'] : []), ...Object.keys(weighed.files)];
        return send(200, JSON.stringify({ id, siblings: names.map((rfilename) => ({ rfilename })) }));
      }
      const total = HUB_TOTALS[id];
      if (total) return send(200, JSON.stringify({ id, safetensors: { parameters: { BF16: total }, total } }));
      return send(404, '{"error":"Repository not found"}', { 'x-error-code': 'RepoNotFound' });
    }

    const file = url.pathname.match(/^\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/);
    if (!file) return send(404, '{"error":"not found"}');
    const [owner, name, path] = file.slice(1).map(decodeURIComponent);
    if (owner === 'slow') return undefined;
    const repo = ggufRepos[`${owner}/${name}`];
    if (repo) return repo.files[path] ? serveDiskFile(req, res, repo.files[path]) : send(404, '{"error":"Entry not found"}', { 'x-error-code': 'EntryNotFound' });
    const weighed = weightRepos[`${owner}/${name}`];
    if (weighed) {
      if (path === 'config.json') return send(200, fs.readFileSync(new URL(`${weighed.config}.json`, FIXTURES)));
      if (path === 'model.safetensors.index.json' && weighed.index) return send(200, JSON.stringify(weighed.index));
      if (weighed.files[path]) return serveDiskFile(req, res, weighed.files[path]);
      return send(404, '{"error":"Entry not found"}', { 'x-error-code': 'EntryNotFound' });
    }
    if (path === 'config.json' && hostileConfig(req, res, owner, url, { redirectTo, streams }) !== false) return undefined;
    if (owner === 'gated') return send(401, '{"error":"Access to model is restricted."}', { 'x-error-code': 'GatedRepo' });
    if (owner === 'missing') return send(404, '{"error":"Repository not found"}', { 'x-error-code': 'RepoNotFound' });
    if (owner === 'broken' && path === 'config.json') return send(200, '{"model_type": "llama", "hidden_size": ');
    const fixture = new URL(`${owner}__${name}.json`, FIXTURES);
    if (!fs.existsSync(fixture)) return send(404, '{"error":"Repository not found"}', { 'x-error-code': 'RepoNotFound' });
    const indexSize = INDEX_TOTAL_SIZES[`${owner}/${name}`];
    if (path === 'model.safetensors.index.json' && indexSize) {
      return send(200, JSON.stringify({ metadata: { total_size: indexSize }, weight_map: {} }));
    }
    if (path !== 'config.json') return send(404, '{"error":"Entry not found"}', { 'x-error-code': 'EntryNotFound' });
    return send(200, fs.readFileSync(fixture));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    endpoint: `http://${host}:${server.address().port}`,
    requests,
    streams,
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(resolve);
    }),
  };
}

// A port on which nothing listens (for "the Hub cannot be reached").
export async function closedPort(host = '127.0.0.1') {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, host, resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const hub = await startHub({ port: Number(process.argv[2] ?? 0) });
  process.stdout.write(`${hub.endpoint}\n`);
}
