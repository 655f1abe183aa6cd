// The models the site ships (dist/models/, written by scripts/build.sh from scripts/shipped-models.tsv): their
// real config.json, usable offline and, for gated ones, without a token. Paths are from the site's root, one
// level above this file.
//
// Where the site keeps a shipped model's config.json (scripts/build.sh writes it there).
export const shippedFile = (id) => `models/${id.replaceAll('/', '__')}.json`;

// The default model: the one place that names it (the page opens on it, the element embeds it, scripts/build.sh
// writes it into index.html's model field and preload, tests/bench/payload.mjs counts its config). It must be
// one of scripts/shipped-models.tsv (the build checks).
const id = 'meta-llama/Llama-3.1-8B';
export const DEFAULT_MODEL = { id, file: shippedFile(id) };

const siteUrl = (path) => new URL(`../${path}`, import.meta.url);

// The default model's config.json text.
export async function defaultConfig() {
  const response = await fetch(siteUrl(DEFAULT_MODEL.file));
  if (!response.ok) throw new Error(`the embedded default config is missing (HTTP ${response.status})`);
  return response.text();
}

let index;

export function shippedModels() {
  index ??= fetch(siteUrl('models/index.json'))
    .then((r) => (r.ok ? r.json() : { models: [] }))
    .then((j) => j.models ?? [])
    .catch(() => { index = undefined; return []; });
  return index;
}

// The shipped config.json text of `id`, or null when the site does not ship it.
export async function shippedConfig(id) {
  const entry = (await shippedModels()).find((m) => m.id.toLowerCase() === id.toLowerCase());
  if (!entry) return null;
  const response = await fetch(siteUrl(entry.file));
  return response.ok ? { id: entry.id, text: await response.text() } : null;
}
