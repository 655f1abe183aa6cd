// The service worker of the installable page: the app shell, both wasm builds and the embedded configs are
// precached under a versioned cache (scripts/build.sh stamps the version from the files' hash), and every
// config.json fetched from the Hub is kept so that the model still opens offline. Hand-written rather than
// generated (Workbox): one precache list and two fetch rules, all readable here.
const VERSION = '__BUILD_VERSION__';
const SHELL = `neuro-shrink-shell-${VERSION}`;
const HUB = 'neuro-shrink-hub-v1';
const FILES = [
  './', 'index.html', 'style.css', 'app.js', 'estimator.js', 'hub-fetch.js', 'extras.js', 'extras.css',
  'neuro-shrink-first.js', 'neuro-shrink-first.wasm', 'neuro-shrink-core.js', 'neuro-shrink-core.wasm',
  'models/meta-llama__Meta-Llama-3.1-8B.json', 'manifest.webmanifest',
  '__SHIPPED_MODELS__',  // scripts/build.sh: models/index.json and the shipped configs
  'icons/icon-192.png', 'icons/icon-512.png', 'icons/icon-maskable-512.png',
  'widget.js', 'embed.html', 'embed.js', 'embed.css', 'file-header.js', 'models.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith('neuro-shrink-shell-') && key !== SHELL) await caches.delete(key);
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

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin === self.location.origin) {
    // The shell: cache first (a link's ?query still opens index.html), the network for anything else.
    event.respondWith(caches.open(SHELL).then(async (cache) => (await cache.match(request, { ignoreSearch: true })) ?? fetch(request)));
  } else if (isHubFile(url)) {
    // The Hub: the network first, so a changed config is seen; the last good answer when offline.
    event.respondWith((async () => {
      const cache = await caches.open(HUB);
      try {
        const response = await fetch(request);
        if (response.ok) await cache.put(request.url, response.clone());
        return response;
      } catch (err) {
        const cached = await cache.match(request.url);
        if (cached) return cached;
        throw err;
      }
    })());
  }
});
