// A pasted config.json in a shared link: deflate-raw compressed, base64url, in the URL's fragment (#config=...),
// which browsers never send to a server. Loaded only when a link carries one or one is copied.

// The longest fragment written: links past ~32 KB break in mail clients and chat apps, though browsers take more.
export const MAX_LINK_CHARS = 32 * 1024;

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

const toBase64Url = (bytes) => btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join('')).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromBase64Url = (text) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

// Writes the config into location.hash; returns what to tell the user.
export async function writeConfigToHash(text) {
  const packed = toBase64Url(await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw')));
  if (packed.length > MAX_LINK_CHARS) {
    return `This config.json is too large for a link (${Math.ceil(packed.length / 1024)} KB compressed; at most ${MAX_LINK_CHARS / 1024} KB): share the file itself, or its Hub id.`;
  }
  history.replaceState(null, '', `${location.pathname}${location.search}#config=${packed}`);
  try {
    await navigator.clipboard.writeText(location.href);
    return 'Link copied. It carries the config.json in its #fragment, which is never sent to a server.';
  } catch {
    return `Copy this link (the config.json is in its #fragment, never sent to a server): ${location.href}`;
  }
}

// The config text a link carries, or null; a damaged one throws with a message saying so.
export async function readConfigFromHash(hash = location.hash) {
  const packed = /^#config=([A-Za-z0-9_-]+)$/.exec(hash)?.[1];
  if (!packed) return null;
  if (packed.length > MAX_LINK_CHARS) throw new Error(`The link's config is longer than ${MAX_LINK_CHARS / 1024} KB, which no link of this page writes.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(await pipe(fromBase64Url(packed), new DecompressionStream('deflate-raw')));
  } catch {
    throw new Error('The config.json in this link is damaged (cut short when it was copied?): ask for the link again, or load the config.json itself.');
  }
}
