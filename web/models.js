// The popular models the page ships (dist/models/index.json, written by scripts/build.sh from
// scripts/shipped-models.tsv): their real config.json, usable offline and, for gated ones, without a token.
let index;

export function shippedModels() {
  index ??= fetch(new URL('models/index.json', import.meta.url))
    .then((r) => (r.ok ? r.json() : { models: [] }))
    .then((j) => j.models ?? [])
    .catch(() => { index = undefined; return []; });
  return index;
}

// The shipped config.json text of `id`, or null when the page does not ship it.
export async function shippedConfig(id) {
  const entry = (await shippedModels()).find((m) => m.id.toLowerCase() === id.toLowerCase());
  if (!entry) return null;
  const response = await fetch(new URL(entry.file, import.meta.url));
  return response.ok ? { id: entry.id, text: await response.text() } : null;
}
