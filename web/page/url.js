// URL state: every input lives in the query string (?model=...&quantization=...), so a link reproduces the
// estimate. One spelling per option (shared/params.js: catalogue().options once the core lists them); the
// older spellings are read as well, so old links keep working.
import { readParam } from '../shared/params.js';

// The query's values by field (the request's field names, and the page's own `unit`).
export function readUrl(names) {
  const query = new URLSearchParams(location.search);
  const values = {};
  for (const field of [...Object.keys(names), 'unit']) {
    const value = names[field] ? readParam(names, field, (name) => query.get(name)) : query.get(field);
    if (value !== null) values[field] = value;
  }
  return values;
}


// A Hub id from what was typed or pasted: "owner/name", or a huggingface.co (or hf.co) link to the model or to
// any of its files (https://huggingface.co/Qwen/Qwen3-8B/blob/main/config.json -> Qwen/Qwen3-8B).
export function modelIdFrom(text) {
  const value = String(text ?? '').trim();
  const link = /^(?:https?:\/\/)?(?:www\.)?(?:huggingface\.co|hf\.co)\/(?!datasets\/|spaces\/)([^/?#\s]+\/[^/?#\s]+)/i.exec(value);
  return link ? decodeURIComponent(link[1]) : value;
}

// The config.json a shared link carries in its fragment (page/config-link.js loads only then), or null.
export async function readConfigFromHash() {
  if (!location.hash.startsWith('#config=')) return null;
  return (await import('./config-link.js')).readConfigFromHash();
}
