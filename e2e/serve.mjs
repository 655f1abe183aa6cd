// A static server for the e2e suite, with no dependencies: serves a folder (default dist/) under a path
// prefix (default /neuro-shrink/, as GitHub Pages serves a project site), so that every spec proves the site
// works below the root. Also imported by e2e/package-cdn.spec.mjs to play a CDN (its own prefix and headers).
//
//   node e2e/serve.mjs [--root dist] [--prefix /neuro-shrink/] [--port 4173] [--host 127.0.0.1]
//
// GET and HEAD only; 404 for anything outside the prefix or outside the folder (the path is decoded, resolved
// and checked against the folder, symbolic links included); a folder serves its index.html; the prefix without
// its trailing slash redirects to it (301), keeping the query.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

// The file under `root` that `rest` (the decoded path after the prefix) names, or null when it is outside.
function resolveInside(root, rest) {
  if (rest.includes('\0')) return null;
  const target = path.resolve(root, `.${path.posix.sep}${rest}`);
  if (target !== root && !target.startsWith(root + path.sep)) return null;
  let real;
  try { real = fs.realpathSync(target); } catch { return target; }  // missing: a plain 404 later
  if (real !== root && !real.startsWith(root + path.sep)) return null;
  return real;
}

// An http.Server (not yet listening) for `root` under `prefix`; `headers` go on every answer.
export function createStaticServer({ root = 'dist', prefix = '/neuro-shrink/', headers = {} } = {}) {
  const base = fs.realpathSync(path.resolve(root));
  if (!prefix.startsWith('/')) prefix = `/${prefix}`;
  if (!prefix.endsWith('/')) prefix = `${prefix}/`;
  const bare = prefix.slice(0, -1);
  return http.createServer((req, res) => {
    const send = (status, extra = {}, body = '') => {
      res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method === 'OPTIONS') return send(204, { 'access-control-allow-methods': 'GET, HEAD' });
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { allow: 'GET, HEAD' }, 'method not allowed\n');
    const url = new URL(req.url, 'http://localhost');
    if (bare !== '' && url.pathname === bare) return send(301, { location: `${prefix}${url.search}` }, '');
    if (!url.pathname.startsWith(prefix)) return send(404, {}, 'not found\n');
    let rest;
    try { rest = decodeURIComponent(url.pathname.slice(prefix.length)); } catch { return send(400, {}, 'bad path\n'); }
    let file = resolveInside(base, rest);
    if (!file) return send(404, {}, 'not found\n');
    let stat;
    try {
      stat = fs.statSync(file);
      if (stat.isDirectory()) {
        // A folder without its trailing slash: redirect, so that the page's relative links resolve inside it.
        if (!url.pathname.endsWith('/')) return send(301, { location: `${url.pathname}/${url.search}` }, '');
        file = path.join(file, 'index.html');
        stat = fs.statSync(file);
      }
    } catch { return send(404, {}, 'not found\n'); }
    if (!stat.isFile()) return send(404, {}, 'not found\n');
    res.writeHead(200, {
      'cache-control': 'no-cache',
      ...headers,
      'content-type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': stat.size,
      'x-content-type-options': 'nosniff',
    });
    if (req.method === 'HEAD') return res.end();
    fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
}

function option(args, name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const root = option(args, 'root', 'dist');
  const prefix = option(args, 'prefix', '/neuro-shrink/');
  const port = Number(option(args, 'port', process.env.E2E_PORT ?? 4173));
  const host = option(args, 'host', '127.0.0.1');
  const server = createStaticServer({ root, prefix, headers: process.env.SERVE_CORS ? { 'access-control-allow-origin': '*' } : {} });
  server.listen(port, host, () => console.log(`serving ${path.resolve(root)} at http://${host}:${server.address().port}${prefix}`));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
}
