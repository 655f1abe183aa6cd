// Local HTTP servers for the campaign, on 127.0.0.1 only: every request is recorded with its Host and
// Authorization headers, every stream and timer is bounded in bytes and time and ends when the server closes.
import http from 'node:http';
import zlib from 'node:zlib';

import { fixture, llamaTensors, safetensors } from './inputs.mjs';

// Bounds on anything a server sends: 2 GiB or 40 s per response; a drip sends at most 40 bytes.
const STREAM_LIMIT_BYTES = 2 * 2 ** 30;
const STREAM_LIMIT_MS = 40_000;
const DRIP_LIMIT = 40;

export const CONFIG_TEXT = fixture('Qwen__Qwen3-0.6B.json');
// A small, valid safetensors file: its header, then (virtual) zeros for its tensor data.
const SMALL = safetensors(llamaTensors(1, 'BF16', 64, 128));
export const SMALL_SAFETENSORS = SMALL.bytes;
export const SMALL_SIZE = SMALL.bytes.length + SMALL.dataBytes;

// Starts a server whose `handle(req, res, server)` answers; resolves to { port, origin, requests, close }.
export function startServer(handle) {
  const sockets = new Set();
  const timers = new Set();
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, host: req.headers.host ?? '', authorization: req.headers.authorization ?? '',
      range: req.headers.range ?? '' });
    try {
      handle(req, res, api);
    } catch (err) {
      res.destroy(err);
    }
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  const api = {
    requests,
    later(ms, fn) { const t = setTimeout(() => { timers.delete(t); fn(); }, ms); timers.add(t); return t; },
    every(ms, fn) { const t = setInterval(fn, ms); timers.add(t); return () => { clearInterval(t); timers.delete(t); }; },
    close() {
      for (const t of timers) { clearTimeout(t); clearInterval(t); }
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(resolve));
    },
  };
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    api.port = server.address().port;
    api.origin = `http://127.0.0.1:${api.port}`;
    resolve(api);
  }));
}

// A virtual file (`prefix`, then zeros, `size` bytes in all) with Range support: 206 and Content-Range.
export function serveFile(req, res, prefix = SMALL_SAFETENSORS, size = SMALL_SIZE) {
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const start = m ? Number(m[1]) : 0;
  const end = Math.min(size - 1, m && m[2] ? Number(m[2]) : size - 1);
  if (start >= size) {
    res.writeHead(416, { 'content-range': `bytes */${size}` });
    return res.end();
  }
  const body = Buffer.alloc(end - start + 1);
  prefix.subarray(start, end + 1).copy(body);
  res.writeHead(m ? 206 : 200, { 'content-length': body.length, 'accept-ranges': 'bytes', ...(m ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}) });
  res.end(body);
}

// Writes `prefix`, then zeros, up to `total` bytes, as fast as the client reads; stops when it goes away.
export function pour(res, server, { prefix = SMALL_SAFETENSORS, total = Infinity, headers = {} } = {}) {
  res.writeHead(200, { ...(Number.isFinite(total) ? { 'content-length': total } : {}), ...headers });
  const chunk = Buffer.alloc(64 * 1024);
  const limit = Math.min(total, STREAM_LIMIT_BYTES);
  const started = Date.now();
  let sent = 0;
  let closed = false;
  res.on('close', () => { closed = true; });
  const pump = () => {
    while (!closed && sent < limit && Date.now() - started < STREAM_LIMIT_MS) {
      const part = sent < prefix.length ? prefix.subarray(sent) : chunk.subarray(0, Math.min(chunk.length, limit - sent));
      sent += part.length;
      if (!res.write(part)) return void res.once('drain', pump);
    }
    res.destroy();
  };
  pump();
}

let bomb;
// 300 MB of zeros, gzipped (~300 KB), made once (call it before the server is used: it takes a second).
export function gzipBomb() {
  bomb ??= new Promise((resolve) => {
    const z = zlib.createGzip({ level: 9 });
    const parts = [];
    z.on('data', (c) => parts.push(c));
    z.on('end', () => resolve(Buffer.concat(parts)));
    const mib = Buffer.alloc(2 ** 20);
    for (let i = 0; i < 300; i++) z.write(mib);
    z.end();
  });
  return bomb;
}

// ---- the network class's behaviours, by the first path segment (the model id's owner, or --file's folder) ------

export const BEHAVIOURS = ['stall', 'slowheaders', 'drip', 'burst-stall', 'norange', 'endless', 'gzipbomb', 'status-401', 'status-403',
  'status-404', 'status-500', 'status-416', 'status-429', 'closemid', 'closebefore', 'garbage', 'redirectloop', 'redirect-ftp',
  'bigheader', 'badrange', 'shortrange', 'html', 'chunked-lie', 'facts-endless', 'facts-stall'];

export function hostileHandler(req, res, server) {
  const segments = new URL(req.url, 'http://x').pathname.split('/').filter(Boolean);
  const behaviour = segments[0] === 'api' ? segments[2] : segments[0];
  const isConfig = req.url.endsWith('/config.json');
  const socket = req.socket;
  const raw = (text) => { socket.write(text); };
  switch (behaviour) {
    case 'stall':
      return;  // the server closes the socket at the end
    case 'slowheaders': {
      raw('HTTP/1.1 200 OK\r\nX-Slow: ');
      let n = 0;
      const stop = server.every(1000, () => { if (++n > DRIP_LIMIT || socket.destroyed) return stop(); raw('a'); });
      return;
    }
    case 'drip': {
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write(isConfig ? '{' : SMALL_SAFETENSORS.subarray(0, 1));
      let n = 0;
      const stop = server.every(1000, () => { if (++n > DRIP_LIMIT || res.destroyed) return stop(); res.write(' '); });
      return;
    }
    case 'burst-stall':
      res.writeHead(200, { 'content-length': 1_000_000 });
      res.write(Buffer.alloc(4096, 0x20));
      return;
    case 'norange':
      return pour(res, server, { total: 300 * 10 ** 6, prefix: isConfig ? Buffer.from('{"model_type": "llama", "x": "') : SMALL_SAFETENSORS });
    case 'endless':
      return pour(res, server, { prefix: isConfig ? Buffer.from('{"model_type": "llama", "x": "') : SMALL_SAFETENSORS });
    case 'gzipbomb':
      return void gzipBomb().then((b) => {
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': b.length });
        res.end(b);
      });
    case 'closemid':
      res.writeHead(200, { 'content-length': 100_000 });
      res.write(isConfig ? Buffer.from(CONFIG_TEXT.slice(0, 500)) : SMALL_SAFETENSORS.subarray(0, 100));
      return void server.later(100, () => socket.destroy());
    case 'closebefore':
      return void socket.destroy();
    case 'garbage':
      raw('NOT HTTP AT ALL\r\n\r\n');
      return void socket.end();
    case 'redirectloop':
      res.writeHead(302, { location: req.url });
      return void res.end();
    case 'redirect-ftp':
      res.writeHead(302, { location: 'ftp://127.0.0.1/x' });
      return void res.end();
    case 'bigheader':
      res.writeHead(200, { 'x-big': 'a'.repeat(200_000), 'content-length': 2 });
      return void res.end('{}');
    case 'badrange':
      res.writeHead(206, { 'content-range': 'bytes 0-10/18446744073709551616', 'content-length': 11 });
      return void res.end(SMALL_SAFETENSORS.subarray(0, 11));
    case 'shortrange':  // an honest total, but every answer shorter than asked
      res.writeHead(206, { 'content-range': `bytes 0-10/${SMALL_SIZE}`, 'content-length': 11 });
      return void res.end(SMALL_SAFETENSORS.subarray(0, 11));
    case 'facts-endless':  // config.json: not found at once; the model API and the index: without end
    case 'facts-stall':  // ... or never answered
      if (isConfig || (!segments.includes('api') && !req.url.endsWith('.json'))) {
        res.writeHead(404, { 'x-error-code': 'RepoNotFound' });
        return void res.end();
      }
      if (behaviour === 'facts-stall') return;
      return pour(res, server, { prefix: Buffer.from('{"x": "') });
    case 'ok':  // a well-behaved server, for the timeout settings
      if (isConfig) { res.writeHead(200, { 'content-type': 'application/json' }); return void res.end(CONFIG_TEXT); }
      if (req.url.endsWith('.safetensors')) return serveFile(req, res);
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' });
      return void res.end();
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html' });
      return void res.end('<!doctype html><html><body>Sign in to continue</body></html>');
    case 'chunked-lie':
      raw('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\nabc');
      return void server.later(200, () => socket.destroy());
    default: {
      const status = /^status-(\d+)$/.exec(behaviour ?? '');
      if (status) {
        res.writeHead(Number(status[1]), { 'content-type': 'text/plain' });
        return void res.end(`HTTP ${status[1]}`);
      }
      res.writeHead(404);
      return void res.end();
    }
  }
}

// ---- the token class's servers ---------------------------------------------------------------------------------------

// The Hub stand-in (HF_ENDPOINT): /ok/<name>/... serves config.json and a safetensors file; /r<code>-<where>/...
// redirects there: "other" (the other server, absolute), "rel" (the other server, scheme-relative Location),
// "localhost" (this server by another host name), "self" (this origin, then on to the other server),
// "back" (the other server, which redirects back here), "userinfo" (the other server, this one named as userinfo). API and index requests answer as the file would.
export function hubHandler(other) {
  return (req, res, server) => {
    const path = new URL(req.url, 'http://x').pathname;
    const segments = path.split('/').filter(Boolean);
    const owner = segments[0] === 'api' ? segments[2] : segments[0];
    const file = segments.at(-1);
    const redirect = /^r(\d{3})-(\w+)$/.exec(owner ?? '');
    if (redirect) {
      const [, code, where] = redirect;
      const rest = segments[0] === 'api' ? `api/models/ok/${segments.slice(3).join('/')}` : `${file}`;
      const location = {
        other: `${other.origin}/${rest}`,
        rel: `//127.0.0.1:${other.port}/${rest}`,
        localhost: `http://localhost:${server.port}/ok/m/resolve/main/${file}`,
        self: `/r${code}-other/m/resolve/main/${file}`,
        back: `${other.origin}/back/${server.port}/${file}`,
        userinfo: `http://127.0.0.1:${server.port}@127.0.0.1:${other.port}/${rest}`,
      }[where];
      res.writeHead(Number(code), { location });
      return void res.end();
    }
    return serveModelFile(req, res, segments);
  };
}

// The other origin: serves the same files; /back/<port>/<file> redirects to the hub at <port>.
export function otherHandler(req, res) {
  const segments = new URL(req.url, 'http://x').pathname.split('/').filter(Boolean);
  if (segments[0] === 'back') {
    res.writeHead(302, { location: `http://127.0.0.1:${segments[1]}/ok/m/resolve/main/${segments[2]}` });
    return void res.end();
  }
  return serveModelFile(req, res, segments);
}

function serveModelFile(req, res, segments) {
  const file = segments.at(-1);
  if (file === 'config.json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(CONFIG_TEXT);
  }
  if (file?.endsWith('.safetensors')) return serveFile(req, res);
  res.writeHead(404, { 'x-error-code': segments[0] === 'api' ? 'RepoNotFound' : 'EntryNotFound' });
  return void res.end();
}
