// The service worker of the installable page: the app shell, both wasm builds and the embedded configs are
// precached under a versioned cache (scripts/build.sh stamps the version from the files' hash), and a Hub
// file fetched without a token is kept for a week so that the model still opens offline. Hand-written rather
// than generated (Workbox): two fetch rules, all readable here; only the precache list is filled in by the build.
const VERSION = '__BUILD_VERSION__';
const SHELL = `neuro-shrink-shell-${VERSION}`;
// v2: v1 kept every answer by URL alone, forever, those fetched with a token included (so a gated config
// reached a later visitor with no token, offline). activate deletes v1 and anything else not current.
const HUB = 'neuro-shrink-hub-v2';
// How long a kept Hub file may be served when the network fails. Online, the network always answers first
// and refreshes the copy, so the limit only bounds how long a copy outlives what the browser can no longer
// see: a repo made gated or private, deleted, or a config changed. A week covers a trip or a flaky week of
// offline use of a model opened once; beyond it the copy is deleted, not served.
const HUB_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
// When a copy was kept (ms since the epoch), on the copy itself: a re-wrapped Response carries it.
const CACHED_AT = 'x-neuro-shrink-cached-at';
// A stamp ahead of the clock beyond this (the clock was set back) says nothing of the age: not served.
const CLOCK_SLACK_MS = 5 * 60 * 1000;
// What the install precaches: every file the site ships (this one aside), './' for the page itself. Written by
// scripts/build.sh from dist/, so a file added to the site is precached without being listed here.
const FILES = ['./', '__PRECACHE__'];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      // Old shells, and old Hub caches (v1 may hold answers fetched with a token).
      if ((key.startsWith('neuro-shrink-shell-') && key !== SHELL) || (key.startsWith('neuro-shrink-hub-') && key !== HUB)) {
        await caches.delete(key);
      }
    }
    await dropExpired().catch(() => {});  // a sweep that fails must not keep the worker from taking the page
    await self.clients.claim();
  })());
});

// The page asks for the waiting version when the user accepts "update available".
self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
});

// Hub files the estimate uses: config.json, the checkpoint index and the model API.
function isHubFile(url) {
  return /(^|\.)huggingface\.co$/.test(url.hostname) &&
    (/\/resolve\/[^/]+\/(config\.json|model\.safetensors\.index\.json)$/.test(url.pathname) || url.pathname.startsWith('/api/models/'));
}

// A request that speaks for a person: a Hugging Face token (the page sends it as Authorization, which a
// service worker reads from the request), or the browser's cookies. The Hub may answer it with what only
// that person may read (a gated or private repo), so the answer is never kept: not in the shared cache, and
// not in a cache of its own either. Keeping it apart, keyed by the token and dropped when the token is
// forgotten, would keep a gated config on the device after the tab that had the token is closed (a
// session-only token is never "forgotten" by an action the worker sees) and would need the token or a hash
// of it stored beside it; never keeping it costs only offline use of gated models, which the page's shipped
// configs and the paste-a-config flow already cover.
function isPersonal(request) {
  return request.headers.has('authorization') || request.credentials === 'include';
}

// Whether the Hub lets an answer be kept: a 200 (not a 206 range or an error) not marked private or no-store.
function mayKeep(response) {
  if (response.status !== 200) return false;
  const cacheControl = (response.headers.get('cache-control') ?? '').toLowerCase();
  return !/(^|[\s,])(private|no-store)([\s,=]|$)/.test(cacheControl);
}

// Whether a copy kept at `cachedAt` (the header's text) may still be served at `now`: a missing or bad
// stamp, one older than HUB_MAX_AGE_MS, or one from the future is not.
function isFresh(cachedAt, now = Date.now()) {
  const at = Number(cachedAt);
  if (cachedAt === null || cachedAt === '' || !Number.isFinite(at)) return false;
  return now - at <= HUB_MAX_AGE_MS && at - now <= CLOCK_SLACK_MS;
}

// The copy to keep: the same body, status and readable headers, stamped with the time it was kept.
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set(CACHED_AT, String(Date.now()));
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

async function dropExpired() {
  const cache = await caches.open(HUB);
  for (const key of await cache.keys()) {
    const kept = await cache.match(key);
    if (!kept || !isFresh(kept.headers.get(CACHED_AT))) await cache.delete(key);
  }
}

// The Hub: the network first, so a changed config is seen; when the network fails, the last good answer to a
// request with no token, if it is under a week old.
async function hubFetch(request) {
  const cache = await caches.open(HUB);
  const personal = isPersonal(request);
  try {
    const response = await fetch(request);
    if (!personal) {
      try {
        if (mayKeep(response)) await cache.put(request.url, await stamped(response.clone()));
        // What the Hub now marks private, refuses or no longer has (made gated or private, deleted) is not
        // served offline; a passing failure (429, 5xx) leaves the copy.
        else if (response.ok || [401, 403, 404, 410].includes(response.status)) await cache.delete(request.url);
      } catch { /* a full or unavailable cache: the answer still goes to the page */ }
    }
    return response;
  } catch (err) {
    // Offline, a request with a token may still get a copy kept from a request without one: that was
    // public. What was fetched with a token is never in the cache.
    const cached = await cache.match(request.url);
    if (cached) {
      if (isFresh(cached.headers.get(CACHED_AT))) return cached;
      await cache.delete(request.url);
    }
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin === self.location.origin) {
    // The shell: cache first (a link's ?query still opens index.html), the network for anything else.
    event.respondWith(caches.open(SHELL).then(async (cache) => (await cache.match(request, { ignoreSearch: true })) ?? fetch(request)));
  } else if (isHubFile(url)) {
    event.respondWith(hubFetch(request));
  }
});
