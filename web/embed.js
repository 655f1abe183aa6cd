// iframe mode: the element's attributes come from the page's query string, under any spelling the element
// answers to (shared/params.js); nothing else is copied. theme=light|dark|auto picks the colour scheme: a page
// in another document cannot read the embedding page's color-scheme, so the embedder says it (default light;
// auto follows the OS's preference).
import { NeuroShrinkElement } from './widget.js';

const params = new URLSearchParams(location.search);
const element = document.getElementById('estimate');
for (const name of NeuroShrinkElement.observedAttributes) {
  const value = params.get(name);
  if (value !== null && name !== 'theme') element.setAttribute(name, value);
}
const asked = (params.get('theme') ?? '').trim().toLowerCase();
const theme = ['light', 'dark', 'auto'].includes(asked) ? asked : 'light';
// auto: this document supports both schemes, so the element follows prefers-color-scheme (widget.js). The
// document's own scheme is left "normal" otherwise: an iframe whose scheme differs from its embedder's gets an
// opaque backdrop.
if (theme === 'auto') document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', 'light dark');
element.setAttribute('theme', theme);
