// Serves Hugging Face Hub responses from tests/fixtures through Playwright routes, so the page's real
// fetch code runs and nothing leaves the machine.
import fs from 'node:fs';

const FIXTURES = new URL('../tests/fixtures/configs/', import.meta.url);

export function fixtureText(name) {
  return fs.readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8');
}

// Everything outside loopback fails, as with no network at all.
export async function blockInternet(context) {
  await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname), (route) => route.abort('internetdisconnected'));
}

// The Hub: repos map "owner/name" -> { status, headers, config, hubTotal, siblings (file names), files (name -> { head,
// size }), index (model.safetensors.index.json) }; unknown repos are 404 RepoNotFound, a file a repo lacks 404 EntryNotFound.
export async function routeHub(context, repos, seen = []) {
  await context.route('https://huggingface.co/**', (route) => {
    const request = route.request();
    seen.push({ url: request.url(), headers: request.headers() });
    const url = new URL(request.url());
    const api = url.pathname.match(/^\/api\/models\/(.+)$/);
    const file = url.pathname.match(/^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/);
    const id = decodeURIComponent(api ? api[1] : file ? file[1] : '');
    const repo = repos[id];
    const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'x-error-code' };
    if (!repo) return route.fulfill({ status: 404, headers: { ...cors, 'x-error-code': 'RepoNotFound' }, body: '{"error":"Repository not found"}' });
    if (repo.status && repo.status !== 200) {
      return route.fulfill({ status: repo.status, headers: { ...cors, ...(repo.headers ?? {}) }, body: '{"error":"restricted"}' });
    }
    if (api) {
      const info = { ...(repo.hubTotal ? { safetensors: { total: repo.hubTotal } } : {}), ...(repo.siblings ? { siblings: repo.siblings.map((rfilename) => ({ rfilename })) } : {}) };
      return route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: JSON.stringify(info) });
    }
    if (file && file[2] === 'config.json' && repo.config) return route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: repo.config });
    if (file && file[2] === 'model.safetensors.index.json' && repo.index) return route.fulfill({ status: 200, headers: cors, contentType: 'application/json', body: JSON.stringify(repo.index) });
    // A weight file: { head: its first bytes (the header), size }; a Range answer of the bytes asked, zeros past the head.
    const weights = file && repo.files?.[file[2]];
    if (weights) {
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers().range ?? '');
      const end = Math.min(range ? Number(range[2]) + 1 : weights.size, weights.size);
      const body = Buffer.concat([weights.head.subarray(0, end), Buffer.alloc(Math.max(0, end - weights.head.length))]);
      return route.fulfill({ status: range ? 206 : 200, headers: { ...cors, 'access-control-expose-headers': 'x-error-code, content-range', ...(range ? { 'content-range': `bytes 0-${end - 1}/${weights.size}` } : {}) }, body });
    }
    return route.fulfill({ status: 404, headers: { ...cors, 'x-error-code': 'EntryNotFound' }, body: '{"error":"Entry not found"}' });
  });
}

// Offline for the page and for its service worker. context.setOffline() sets navigator.onLine and fails the
// page's own requests, but a service worker's fetch() still reaches the routes above (Chromium, Playwright
// 1.57): without the second route a "kept" Hub answer would really come from the route. Routes registered
// later run first, so this one wins over routeHub's.
export async function goOffline(context) {
  await context.setOffline(true);
  await context.route((url) => !['127.0.0.1', 'localhost'].includes(url.hostname), (route) => route.abort('internetdisconnected'));
}
