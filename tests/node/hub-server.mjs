// A local HTTP server that plays the Hugging Face Hub from tests/fixtures/configs/, for the CLI tests.
// Special repos: gated/* answers 401 (GatedRepo), missing/* 404 (RepoNotFound), broken/* a truncated
// config. Every request is recorded with its headers so tests can check what was sent.
import fs from 'node:fs';
import http from 'node:http';

const FIXTURES = new URL('../fixtures/configs/', import.meta.url);

// The Hub's safetensors.total for fixtures that have one (tests/fixtures/params.tsv).
export const HUB_TOTALS = {
  'meta-llama/Llama-2-7b-hf': 6_738_417_664,
  'meta-llama/Meta-Llama-3.1-8B': 8_030_261_248,
  'Qwen/Qwen3-0.6B': 751_632_384,
};

export async function startHub() {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url, headers: { ...req.headers } });
    const url = new URL(req.url, 'http://hub.local');
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    const api = url.pathname.match(/^\/api\/models\/([^/]+)\/([^/]+)$/);
    if (api) {
      const id = `${decodeURIComponent(api[1])}/${decodeURIComponent(api[2])}`;
      if (HUB_TOTALS[id]) return send(200, JSON.stringify({ id, safetensors: { parameters: { BF16: HUB_TOTALS[id] }, total: HUB_TOTALS[id] } }));
      return send(404, '{"error":"Repository not found"}', { 'x-error-code': 'RepoNotFound' });
    }
    const file = url.pathname.match(/^\/([^/]+)\/([^/]+)\/resolve\/main\/(.+)$/);
    if (!file) return send(404, '{"error":"not found"}');
    const [owner, name, path] = [decodeURIComponent(file[1]), decodeURIComponent(file[2]), decodeURIComponent(file[3])];
    if (owner === 'gated') return send(401, '{"error":"Access to model is restricted."}', { 'x-error-code': 'GatedRepo' });
    if (owner === 'missing') return send(404, '{"error":"Repository not found"}', { 'x-error-code': 'RepoNotFound' });
    if (owner === 'broken' && path === 'config.json') return send(200, '{"model_type": "llama", "hidden_size": ');
    if (path !== 'config.json') return send(404, '{"error":"Entry not found"}', { 'x-error-code': 'EntryNotFound' });
    const fixture = new URL(`${owner}__${name}.json`, FIXTURES);
    if (!fs.existsSync(fixture)) return send(404, '{"error":"Repository not found"}', { 'x-error-code': 'RepoNotFound' });
    return send(200, fs.readFileSync(fixture));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
