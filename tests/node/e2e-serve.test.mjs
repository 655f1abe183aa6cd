// e2e/serve.mjs, the suite's static server: the site under its sub-path, the MIME types the browser insists on
// (module scripts, wasm streaming, the manifest), and nothing outside the prefix or the folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { createStaticServer } from '../../e2e/serve.mjs';

let dir;
let server;
let port;

// A raw GET (no URL normalisation by the client, so "/../" reaches the server as written).
function get(pathname) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: pathname }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], location: res.headers.location, cors: res.headers['access-control-allow-origin'], body }));
    }).on('error', reject);
  });
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-test-'));
  const site = path.join(dir, 'site');
  fs.mkdirSync(path.join(site, 'models'), { recursive: true });
  for (const [name, text] of Object.entries({ 'index.html': '<!doctype html>home', 'app.js': 'x', 'm.mjs': 'x', 'style.css': 'x', 'core.wasm': 'x',
    'manifest.webmanifest': '{}', 'models/index.json': '{}', 'models/index.html': 'models', 'icon.png': 'x', 'icon.svg': 'x', 'favicon.ico': 'x', 'robots.txt': 'x', 'blob.xyz': 'x' })) {
    fs.writeFileSync(path.join(site, name), text);
  }
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'secret');
  fs.symlinkSync(path.join(dir, 'secret.txt'), path.join(site, 'link.txt'));
  server = createStaticServer({ root: site, prefix: '/neuro-shrink/', headers: { 'access-control-allow-origin': '*' } });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = server.address().port;
});

after(() => { server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

test('serves the folder under the prefix with the right MIME types', async () => {
  const types = { 'index.html': 'text/html', 'app.js': 'text/javascript', 'm.mjs': 'text/javascript', 'style.css': 'text/css', 'core.wasm': 'application/wasm',
    'manifest.webmanifest': 'application/manifest+json', 'models/index.json': 'application/json', 'icon.png': 'image/png', 'icon.svg': 'image/svg+xml',
    'favicon.ico': 'image/x-icon', 'robots.txt': 'text/plain', 'blob.xyz': 'application/octet-stream' };
  for (const [name, type] of Object.entries(types)) {
    const r = await get(`/neuro-shrink/${name}`);
    assert.equal(r.status, 200, name);
    assert.equal(r.type.split(';')[0], type, name);
    assert.equal(r.cors, '*', name);
  }
});

test('a folder is its index.html; the prefix and a folder without their slash redirect', async () => {
  assert.equal((await get('/neuro-shrink/')).body, '<!doctype html>home');
  assert.equal((await get('/neuro-shrink/models/')).body, 'models');
  assert.deepEqual(await get('/neuro-shrink').then((r) => [r.status, r.location]), [301, '/neuro-shrink/']);
  assert.deepEqual(await get('/neuro-shrink?model=a%2Fb').then((r) => [r.status, r.location]), [301, '/neuro-shrink/?model=a%2Fb']);
  assert.deepEqual(await get('/neuro-shrink/models').then((r) => [r.status, r.location]), [301, '/neuro-shrink/models/']);
});

test('404 outside the prefix and outside the folder: no traversal, encoded or through a link', async () => {
  for (const p of ['/', '/index.html', '/neuro-shrinkx/index.html', '/neuro-shrink/missing.js', '/neuro-shrink/../secret.txt', '/neuro-shrink/%2e%2e/secret.txt',
    '/neuro-shrink/..%2fsecret.txt', '/neuro-shrink/..%5csecret.txt', '/neuro-shrink/%2e%2e%2f%2e%2e%2fetc/passwd', '/neuro-shrink//etc/passwd', '/neuro-shrink/link.txt',
    '/neuro-shrink/index.html%00.js']) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.ok(!r.body.includes('secret'), p);
  }
  assert.equal((await get('/neuro-shrink/%E0%A4%A')).status, 400);
});
