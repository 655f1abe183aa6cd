// iframe mode: the element's attributes come from the page's query string.
import './widget.js';

const params = new URLSearchParams(location.search);
const element = document.getElementById('estimate');
for (const name of ['model', 'quantization', 'context', 'batch', 'gpu', 'runtime']) {
  const value = params.get(name);
  if (value !== null) element.setAttribute(name, value);
}
