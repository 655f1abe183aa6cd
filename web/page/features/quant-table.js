// Which GGUF file to pick (#quant-table): every llama.cpp file type as a row, from one table() call on the
// report's request. With a GPU chosen (or its memory given), each row is that file type there, as the core
// measures it: fits whole / with layers on the CPU / not at all, the largest context with every layer on the
// GPU, and decode speed. The best row is the solver's best format; choosing a row applies it.
import { table } from '../../shared/estimator.js';
import { formatBytes, formatCount } from '../../shared/format.js';
import { $, el } from '../render.js';

const FIT_WORDS = { yes: 'Yes', offload: 'With CPU layers', no: 'No' };

// The table() request for a report's inputs: the same model, hardware and context, llama.cpp's file types.
function quantRequest(request) {
  const r = { config: request.config, runtime: 'llama.cpp', contexts: [request.context_tokens ?? 4096] };
  for (const f of ['gpu', 'gpus', 'gpu_memory_bytes', 'context_tokens', 'batch_size', 'kv_cache_dtype']) if (request[f] !== undefined) r[f] = request[f];
  return r;
}

// The solver names 16-bit formats as the page's weight formats do (bf16, fp16); the rows as llama.cpp (BF16, F16).
const isBest = (name, best) => !!best && (name.toLowerCase() === best.toLowerCase() || (best === 'fp16' && name === 'F16'));

function row(store, t, i, name, best, bytes) {
  const c = t.chosen?.[i];
  const tr = el('tr', undefined, isBest(name, best) ? 'best' : '');
  const head = el('th');
  head.scope = 'row';
  const pick = el('button', name);
  pick.type = 'button';
  pick.title = `Estimate ${name}`;
  pick.addEventListener('click', () => store.update({ params: { ...store.state.params, runtime: 'llama.cpp', quantization: name } }));
  head.append(pick);
  const file = t.stored_weights_bytes?.[i];
  const fit = !c ? el('td', 'pick a GPU') : el('td', c.fit === 'offload' ? `-ngl ${c.gpu_layers}` : FIT_WORDS[c.fit], `fit-${c.fit}`);
  if (c?.fit === 'offload') fit.prepend(`${FIT_WORDS.offload}: `);
  tr.append(head, el('td', file ? bytes(file) : '', 'num'), fit,
    el('td', c ? (c.max_context_tokens ? formatCount(c.max_context_tokens) : '—') : '', 'num'),
    el('td', c?.decode_tokens_per_s ? `${c.decode_tokens_per_s.toFixed(1)} tok/s` : '', 'num'));
  return tr;
}

async function draw(store, report, request) {
  const section = $('quant-section');
  const llama = report.request.runtime === 'llama.cpp' && !report.training;
  section.hidden = !llama;
  if (!llama) return;
  const t = await table(quantRequest(request));
  if (store.state.report !== report) return;  // a newer estimate is on screen
  if (t.issues?.some((i) => i.level === 'error')) { section.hidden = true; return; }
  const bytes = (n) => formatBytes(n, store.state.unit);
  const best = report.solver?.best_quantization;
  $('quant-note').textContent = t.chosen
    ? `Each llama.cpp file type on ${report.verdict.gpus > 1 ? `${report.verdict.gpus} x ` : ''}${report.verdict.gpu} at ${formatCount(t.chosen_context)} tokens. "Largest context": every layer on the GPU. ★: the best type that fits whole. File: the tensor data of the .gguf.`
    : 'Each llama.cpp file type at this context; pick a GPU (or give its memory) to see which fit and how fast. File: the tensor data of the .gguf.';
  section.querySelector('tbody').replaceChildren(...t.quantizations.map((name, i) => row(store, t, i, name, best, bytes)));
}

export function attach(store) {
  let pending = 0;
  store.subscribe((s, before) => {
    if (!s.report || (s.report === before.report && s.unit === before.unit)) return;
    const ticket = ++pending;
    // After the page has drawn the estimate: the table is the extra ~30 estimates per file type.
    setTimeout(() => { if (ticket === pending) draw(store, s.report, s.request).catch(() => { $('quant-section').hidden = true; }); }, 50);
  });
  if (store.state.report) draw(store, store.state.report, store.state.request).catch(() => {});
}
