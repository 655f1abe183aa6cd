// The shared Hub-fetch module's network rules (web/hub-fetch.js, the source the page and the CLI both load):
// who may get the token, redirects, timeouts and byte caps, against local servers only.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { closedPort, startHub } from './hub-server.mjs';

const hubFetch = await import('../../web/shared/hub-fetch.js');
const { HubError, fetchBody, fetchConfig, fetchRange, tokenMayGoTo } = hubFetch;

describe('tokenMayGoTo: the token goes only over HTTPS, and only to the Hub', () => {
  const DEFAULT = undefined;
  const cases = [
    // [url, endpoint, may it get the token]
    ['https://huggingface.co/meta-llama/Llama-3.1-8B/resolve/main/config.json', DEFAULT, true],
    ['https://huggingface.co:443/x', DEFAULT, true],
    ['https://HuggingFace.CO/x', DEFAULT, true],
    ['https://cdn-lfs.huggingface.co/x', DEFAULT, true],
    ['https://a.b.huggingface.co/x', DEFAULT, true],
    ['https://huggingface.co/x', '', true],
    ['https://huggingface.co/x', 'https://huggingface.co/', true],
    ['http://huggingface.co/x', DEFAULT, false],
    ['https://evilhuggingface.co/m.gguf', DEFAULT, false],
    ['https://attacker-huggingface.co/m.gguf', DEFAULT, false],
    ['https://huggingface.co.evil.com/m.gguf', DEFAULT, false],
    ['https://huggingface.co@evil.com/m.gguf', DEFAULT, false],
    ['https://evil.com\\@huggingface.co/m.gguf', DEFAULT, false],
    ['https://evil.com/huggingface.co', DEFAULT, false],
    ['https://evil.com/?h=.huggingface.co', DEFAULT, false],
    ['https://evil.com#.huggingface.co', DEFAULT, false],
    ['https://huggingface.co:8443/x', DEFAULT, false],
    ['https://huggingface.co./x', DEFAULT, false],
    ['https://huggingface.com/x', DEFAULT, false],
    ['https://hf.co/x', DEFAULT, false],
    ['wss://huggingface.co/x', DEFAULT, false],
    ['ftp://huggingface.co/x', DEFAULT, false],
    ['huggingface.co/x', DEFAULT, false],
    ['not a url', DEFAULT, false],
    // HF_ENDPOINT: exactly its origin.
    ['https://mirror.example.com/x', 'https://mirror.example.com', true],
    ['https://mirror.example.com/x', 'https://mirror.example.com/hub/', true],
    ['https://mirror.example.com:8443/x', 'https://mirror.example.com', false],
    ['http://mirror.example.com/x', 'https://mirror.example.com', false],
    ['https://sub.mirror.example.com/x', 'https://mirror.example.com', false],
    ['https://huggingface.co/x', 'https://mirror.example.com', false],
    // ... over http only on a loopback host.
    ['http://mirror.example.com/x', 'http://mirror.example.com', false],
    ['http://10.0.0.1:8080/x', 'http://10.0.0.1:8080', false],
    ['http://127.0.0.1.evil.com/x', 'http://127.0.0.1.evil.com', false],
    ['http://localhost.evil.com/x', 'http://localhost.evil.com', false],
    ['http://127.0.0.1:8080/x', 'http://127.0.0.1:8080', true],
    ['http://127.1.2.3/x', 'http://127.1.2.3', true],
    ['http://127.0.0.1/x', 'http://0x7f.1', true],
    ['http://localhost:5000/x', 'http://localhost:5000', true],
    ['http://[::1]:5000/x', 'http://[::1]:5000', true],
    ['http://127.0.0.1:8081/x', 'http://127.0.0.1:8080', false],
    ['http://localhost:8080/x', 'http://127.0.0.1:8080', false],
    ['https://127.0.0.1:8080/x', 'http://127.0.0.1:8080', false],
    ['ftp://127.0.0.1/x', 'ftp://127.0.0.1', false],
    ['https://huggingface.co/x', 'not a url', false],
  ];
  for (const [url, endpoint, expected] of cases) {
    test(`${expected ? 'sends' : 'does not send'} it to ${url}${endpoint === undefined ? '' : ` with HF_ENDPOINT "${endpoint}"`}`, () => {
      assert.equal(tokenMayGoTo(url, endpoint), expected);
    });
  }
});

describe('fetchBody', () => {
  let hub;
  let other;
  before(async () => {
    other = await startHub();
    hub = await startHub({ redirectTo: other.endpoint });
  });
  after(async () => {
    await hub.close();
    await other.close();
  });
  const sent = (server, path) => server.requests.filter((r) => r.url === path);
  const options = () => ({ endpoint: hub.endpoint, token: 'hf_secret', timeoutMs: 1000 });

  test('sends the token to the endpoint\'s origin and drops it on a redirect to another origin', async () => {
    const target = `${other.endpoint}/x/file/safetensors/small.safetensors`;
    const path = `/x/redirect?to=${encodeURIComponent(target)}`;
    const result = await fetchBody(`${hub.endpoint}${path}`, options());
    assert.equal(result.status, 200);
    assert.equal(result.url, target);
    assert.equal(sent(hub, path).at(-1).headers.authorization, 'Bearer hf_secret');
    assert.equal(sent(other, '/x/file/safetensors/small.safetensors').at(-1).headers.authorization, undefined);
  });

  test('keeps the token on a redirect within the origin', async () => {
    const result = await fetchConfig('renamed/model', options());
    assert.match(result, /"model_type"/);
    assert.equal(sent(hub, '/renamed/model/resolve/main/config.json').at(-1).headers.authorization, 'Bearer hf_secret');
    assert.equal(sent(hub, '/Qwen/Qwen3-0.6B/resolve/main/config.json').at(-1).headers.authorization, 'Bearer hf_secret');
  });

  test('never sends the token to another origin, even one named by the caller', async () => {
    await fetchBody(`${other.endpoint}/x/file/gguf/small-v3.gguf`, options());
    assert.equal(sent(other, '/x/file/gguf/small-v3.gguf').at(-1).headers.authorization, undefined);
  });

  test('stops after five redirects, and at a redirect to another scheme', async () => {
    let url = `${hub.endpoint}/x/status/204`;
    for (let i = 0; i < 6; i++) url = `${hub.endpoint}/x/redirect?to=${encodeURIComponent(url)}`;
    await assert.rejects(fetchBody(url, options()), { type: 'http', message: /redirected more than 5 times/ });
    await assert.rejects(fetchBody(`${hub.endpoint}/x/redirect?to=file:///etc/passwd`, options()),
      { type: 'http', message: /redirected to a file: URL, which is not fetched/ });
  });

  test('gives up on a server that does not answer, after the timeout', async () => {
    const start = Date.now();
    await assert.rejects(fetchBody(`${hub.endpoint}/x/stall`, { ...options(), timeoutMs: 300 }),
      { name: 'HubError', type: 'timeout', message: /^The Hub at http:\/\/127\.0\.0\.1:\d+ did not answer within 0\.3 s\.$/ });
    assert.ok(Date.now() - start < 3000);
  });

  test('gives up on a body that trickles (a byte a second is no progress)', async () => {
    const start = Date.now();
    await assert.rejects(fetchBody(`${hub.endpoint}/x/drip?every=100`, { ...options(), timeoutMs: 500 }),
      { type: 'timeout', message: /stopped sending: less than 1024 bytes in 0\.5 s \(\d bytes in all\)/ });
    assert.ok(Date.now() - start < 3000);
  });

  test('reads no more than stopAt of a server that ignores Range, and stops its download', async () => {
    const start = Date.now();
    const result = await fetchRange(`${hub.endpoint}/x/norange`, 65536, options());
    assert.equal(result.status, 200);
    assert.equal(result.bytes.length, 65536);
    assert.equal(result.size, 300e6);  // a 200 says the whole file's size
    assert.ok(Date.now() - start < 3000);
    await waitFor(() => hub.streams.at(-1)?.closed ?? true);
    assert.ok(hub.streams.at(-1).sent < 64 * 2 ** 20, `the server sent ${hub.streams.at(-1).sent} bytes`);
  });

  test('refuses a body past maxBytes: by its Content-Length, or once it has read that much', async () => {
    await assert.rejects(fetchConfig('huge/model', { ...options(), maxBytes: 2 ** 20 }),
      { type: 'too_large', message: /^The Hub at \S+ offers 286\.10 MiB \(300,000,000 bytes\) for config\.json; at most 1\.00 MiB \(1,048,576 bytes\) is read\.$/ });
    const start = Date.now();
    await assert.rejects(fetchConfig('endless/model', { ...options(), maxBytes: 2 ** 20 }),
      { type: 'too_large', message: /sent more than 1\.00 MiB \(1,048,576 bytes\) for config\.json, the most that is read\.$/ });
    assert.ok(Date.now() - start < 3000);
    await assert.rejects(fetchBody(`${hub.endpoint}/x/endless`, options()), { type: 'too_large', message: /64\.00 MiB/ });
  });

  test('says which server refused the connection', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    await assert.rejects(fetchBody(`${endpoint}/x`, options()),
      { type: 'network', message: `Could not reach ${endpoint} (ECONNREFUSED: connection refused).` });
  });

  test('returns an answer that is not ok without reading it, and leaves the caller\'s abort an AbortError', async () => {
    const result = await fetchBody(`${hub.endpoint}/x/status/404`, options());
    assert.equal(result.ok, false);
    assert.equal(result.status, 404);
    assert.equal(result.bytes, undefined);
    const controller = new AbortController();
    const pending = fetchBody(`${hub.endpoint}/x/stall`, { ...options(), signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (err) => err.name === 'AbortError' && !(err instanceof HubError));
  });

  test('holds a fetch stand-in without a body stream to the same caps', async () => {
    const fetchImpl = async () => ({ ok: true, status: 200, headers: new Headers(), body: null, arrayBuffer: async () => new ArrayBuffer(10) });
    const result = await fetchBody('https://huggingface.co/x', { fetchImpl, stopAt: 4 });
    assert.equal(result.bytes.length, 4);
    await assert.rejects(fetchBody('https://huggingface.co/x', { fetchImpl, maxBytes: 5 }), { type: 'too_large' });
  });
});

// Waits (at most 5 s, 50 checks) until `done()` holds.
async function waitFor(done) {
  for (let i = 0; i < 50 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}
