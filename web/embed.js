// iframe mode: the element's attributes come from the page's query string, under any spelling the element
// answers to (shared/params.js); nothing else is copied.
import { NeuroShrinkElement } from './widget.js';

const params = new URLSearchParams(location.search);
const element = document.getElementById('estimate');
for (const name of NeuroShrinkElement.observedAttributes) {
  const value = params.get(name);
  if (value !== null) element.setAttribute(name, value);
}
