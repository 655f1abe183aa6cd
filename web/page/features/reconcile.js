// "Check against a log": the user pastes or drops what llama.cpp (llama-server, llama-cli, Ollama, LM Studio) or
// vLLM printed at start; the core re-runs the estimate with the log's own settings (the model on screen gives its
// config.json; without one, the log's GGUF metadata does) and every buffer per device is shown predicted vs
// printed, with the reason where one is known. The log is read here and never leaves the browser; it reaches the
// page as text only (textContent), never as HTML.
import { catalogue, reconcile } from '../../shared/estimator.js';
import { formatBytes } from '../../shared/format.js';
import { $, el } from '../render.js';

function cell(row, text, className) {
  row.append(el('td', text, className));
}

function table(reply, unit) {
  const t = el('table', undefined, 'reconcile-table');
  const head = el('tr');
  for (const h of ['Buffer', 'Device', 'Predicted', 'Printed', 'Difference', 'Why']) head.append(el('th', h));
  t.append(el('thead'), el('tbody'));
  t.tHead.append(head);
  const amount = (b, v) => (v == null ? '–' : b.unit && b.unit !== 'bytes' ? `${v.toLocaleString('en-US')} ${b.unit}` : formatBytes(v, unit));
  for (const b of reply.buffers) {
    const r = el('tr');
    cell(r, b.buffer);
    cell(r, b.printed_as ? `${b.device} (${b.printed_as})` : b.device);
    cell(r, amount(b, b.predicted_bytes), 'num');
    cell(r, amount(b, b.measured_bytes), 'num');
    cell(r, b.difference_percent == null ? '' : `${b.difference_percent >= 0 ? '+' : ''}${b.difference_percent.toFixed(2)} %`, 'num');
    cell(r, b.reason);
    t.tBodies[0].append(r);
  }
  return t;
}

// The settings the estimate ran with: the log's own.
function summary(reply) {
  const s = reply.settings;
  if (s.runtime === 'vllm') {
    return `vLLM log${reply.log.version ? ` (${reply.log.version})` : ''}: ${s.quantization}, max_model_len ${s.context_tokens}, utilization ${s.gpu_memory_utilization}` +
      `${s.tensor_parallel > 1 ? `, tensor parallel ${s.tensor_parallel}` : ''}; model from its ${reply.model.from}.`;
  }
  return `${reply.log.program} log: ${s.quantization}, n_ctx ${s.n_ctx} (${s.kv_unified ? `${s.sequences} sequences sharing it` : `${s.sequences} × ${s.n_ctx_seq}`}), ubatch ${s.ubatch}, flash attention ${s.flash_attention ? 'on' : 'off'}, cache ${s.type_k}/${s.type_v}, -ngl ${s.gpu_layers}; model from ${reply.model.from}.`;
}

export function attach(store) {
  const box = el('details', undefined, 'own-config');
  box.id = 'log-check';
  box.append(el('summary', 'Check against a log'));
  const hint = el('p', 'Paste or drop what llama.cpp, llama-server, Ollama, LM Studio or vLLM printed when it loaded the model. The estimate is re-run with the log’s settings and each buffer set beside what was printed. The log stays in this browser.', 'hint');
  const area = el('textarea');
  area.id = 'log-text';
  area.rows = 5;
  area.spellcheck = false;
  area.placeholder = 'llama_context: n_ctx = 8192 …\nload_tensors: CUDA0 model buffer size = …';
  const label = el('label', 'Runtime log');
  label.htmlFor = 'log-text';
  const button = el('button', 'Compare with the estimate', 'secondary');
  button.type = 'button';
  button.id = 'log-compare';
  const out = el('div', undefined, 'reconcile');
  out.id = 'log-result';
  out.setAttribute('aria-live', 'polite');
  box.append(hint, label, area, button, out);
  $('own-config').after(box);

  const run = async () => {
    const log = area.value;
    if (!log.trim()) {
      out.replaceChildren(el('p', 'Paste a log first.', 'error'));
      return;
    }
    const request = { log };
    const text = store.state.model?.text;
    if (text) request.config = text;
    out.replaceChildren(el('p', 'Comparing…'));
    try {
      let reply = await reconcile(request);
      // A vLLM log that prints no GPU memory: the GPU chosen on the page stands for it.
      if (reply.issues.some((i) => i.code === 'log_no_gpu') && store.state.params.gpu) reply = await reconcile({ ...request, gpu: store.state.params.gpu });
      const errors = reply.issues.filter((i) => i.level === 'error');
      const notes = reply.issues.filter((i) => i.level !== 'error' && i.code !== 'cuda_context_not_counted').map((i) => el('li', i.message));
      if (errors.length) {
        out.replaceChildren(...errors.map((i) => el('p', i.message, 'error')));
        return;
      }
      const total = reply.total?.measured_bytes
        ? el('p', `Together: predicted ${formatBytes(reply.total.predicted_bytes, store.state.unit)}, printed ${formatBytes(reply.total.measured_bytes, store.state.unit)} (${reply.total.difference_percent >= 0 ? '+' : ''}${reply.total.difference_percent.toFixed(2)} %).`)
        : '';
      const scroll = el('div', undefined, 'table-scroll');
      scroll.append(table(reply, store.state.unit));
      const list = el('ul', undefined, 'notices');
      list.append(...notes);
      out.replaceChildren(el('p', summary(reply)), scroll, total, list);
    } catch (err) {
      out.replaceChildren(el('p', `The comparison failed: ${err?.message ?? err}.`, 'error'));
    }
  };
  button.addEventListener('click', run);
  // A dropped .log / .txt file: read here (never uploaded), at most the core's cap.
  area.addEventListener('dragover', (e) => e.preventDefault());
  area.addEventListener('drop', async (e) => {
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    const cap = (await catalogue()).limits.log_bytes;  // the core's (core/runtime_log.h log_limits)
    if (file.size > cap) {
      out.replaceChildren(el('p', `${file.name} is ${formatBytes(file.size, store.state.unit)}; at most ${formatBytes(cap, store.state.unit)} of a log are read. Give the part from the model's loading to its first request.`, 'error'));
      return;
    }
    area.value = await file.text();
    run();
  });
}
