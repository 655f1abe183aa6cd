// A local HTTP server that plays the Hugging Face Hub from tests/fixtures/configs/, for tests that must
// never reach the network. GET /<owner>/<name>/resolve/main/config.json serves <owner>__<name>.json.
// Special owners: gated/* answers 401 (X-Error-Code: GatedRepo), missing/* 404 (RepoNotFound), broken/* a
// truncated config, slow/* never answers. Every request is recorded with its headers.
//
//   import { startHub } from './hub-server.mjs';  const hub = await startHub();  // hub.endpoint, hub.requests
//   node tests/node/hub-server.mjs [PORT]          // standalone, e.g. HF_ENDPOINT=http://127.0.0.1:PORT
import fs from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const FIXTURES = new URL('../fixtures/configs/', import.meta.url);

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

export async function startHub({ port = 0, host = '127.0.0.1' } = {}) {
  const requests = [];
  const stalled = new Set();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: { ...req.headers } });
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...CORS, ...headers });
      res.end(body);
    };
    if (req.method === 'OPTIONS') return send(204, '');
    const url = new URL(req.url, 'http://hub.local');

    const api = url.pathname.match(/^\/api\/models\/([^/]+)\/([^/]+)$/);
    if (api) {
      const id = `${decodeURIComponent(api[1])}/${decodeURIComponent(api[2])}`;
      const total = HUB_TOTALS[id];
      if (total) return send(200, JSON.stringify({ id, safetensors: { parameters: { BF16: total }, total } }));
      return send(404, '{"error":"Repository not found"}', { 'x-error-code': 'RepoNotFound' });
    }

    const file = url.pathname.match(/^\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/);
    if (!file) return send(404, '{"error":"not found"}');
    const [owner, name, path] = file.slice(1).map(decodeURIComponent);
    if (owner === 'slow') return void stalled.add(res);
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
    close: () => new Promise((resolve) => {
      for (const res of stalled) res.destroy();
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
