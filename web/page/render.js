// Rendering: the store's state -> the page's DOM (status, alert, and the report on screen). Everything the user
// or a config supplies reaches the DOM through textContent, never as HTML.
import { breakdown, formatBytes, formatCount, formatShort } from '../shared/format.js';
import { verdictText } from '../shared/verdict.js';

export const $ = (id) => document.getElementById(id);

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}






// The breakdown as one bar under the verdict (the table of the same rows is page/features/report-details.js).
function renderBar(report, bytes) {
  const { rows, total } = breakdown(report);
  const bar = $('bar');
  bar.replaceChildren(...rows.map((p, i) => {
    const seg = el('span', '', `seg seg-${i % 8}`);
    seg.style.width = `${p.share}%`;
    seg.title = `${p.label}: ${bytes(p.bytes)}`;
    return seg;
  }));
  bar.setAttribute('aria-label', `Memory breakdown: ${rows.map((p) => `${p.label} ${bytes(p.bytes)}`).join(', ')}; total ${bytes(total)}`);
}

// The label the page's own select gives a value (the training method, precision, optimizer), else the value.
function labelOf(id, value) {
  const o = [...($(id)?.options ?? [])].find((x) => x.value === value);
  return o ? o.textContent : value;
}

// The verdict first: its sentence (shared/verdict.js words the core's report.verdict), its detail and the
// changes that make it fit, each a button that applies it.
function renderVerdict(store, report, unit) {
  const v = verdictText(report, unit);
  const answer = $('answer');
  answer.dataset.fit = v.fit;
  $('verdict').dataset.fit = v.fit;
  $('verdict').textContent = v.headline;
  const { gpuGuess, params } = store.state;
  const guessed = gpuGuess && params.gpu === gpuGuess ? "GPU guessed from your browser: pick yours if it differs. " : '';
  $('verdict-detail').textContent = guessed + v.detail;
  $('verdict-changes').replaceChildren(...v.changes.map((c) => {
    const button = el('button', c.label, 'secondary');
    button.type = 'button';
    button.append(el('span', ` (${c.note})`, 'note'));
    button.addEventListener('click', () => store.update({ params: { ...store.state.params, ...c.fields } }));
    const li = el('li');
    li.append(button);
    return li;
  }));
}

function renderReport(store, report, unit) {
  const bytes = (n) => formatBytes(n, unit);
  const m = report.model;
  const name = m.id || `${m.architecture || m.model_type} (your config.json)`;
  $('result-model').textContent = name;
  const p = report.parameters;
  const r = report.request;
  const active = p.active !== p.total ? `, ${formatShort(p.active)} active per token` : '';
  const t = report.training;
  renderVerdict(store, report, unit);
  $('summary').textContent = `${name}: ${formatShort(p.total)} parameters (${formatCount(p.total)}${active}) · ` +
    (t ? `${labelOf('method', t.method)} training, ${labelOf('precision', t.precision)}, ${labelOf('optimizer', t.optimizer)}, ${formatShort(t.trainable_parameters)} trained · ${t.micro_batch} × ${formatCount(t.seq_len)} tokens per GPU`
       : `${r.quantization_label} weights · ${formatCount(r.context_tokens)} tokens × ${r.batch_size} · ${r.runtime}`) +
    ` · total ${bytes(report.memory.total_bytes)}` + (report.memory.host_bytes && !t ? ` (${bytes(report.memory.host_bytes)} of it in system RAM)` : '');
  renderBar(report, bytes);
}

// Draws what changed, as it changes: the status line, the alert, the results' visibility, the report.
export function attach(store) {
  store.subscribe((s, before) => {
    if (s.status !== before.status) $('status').textContent = s.status;
    if (s.alert !== before.alert) {
      const box = $('alert');
      box.replaceChildren(...s.alert.map((line) => el('p', line)));
      box.hidden = s.alert.length === 0;
    }
    if (s.report && (s.report !== before.report || s.unit !== before.unit)) renderReport(store, s.report, s.unit);
    if (s.failed !== before.failed && s.failed) {  // the verdict says there is none, and why is in the alert
      $('answer').dataset.fit = 'error';
      $('verdict').dataset.fit = 'error';
      $('verdict').textContent = 'No estimate for these inputs';
      $('verdict-detail').textContent = s.alert[0] ?? '';
      $('verdict-changes').replaceChildren();
      $('summary').textContent = '';
      $('bar').replaceChildren();
    }
    $('results').hidden = s.failed;  // never leave numbers for other inputs looking current
    $('results').setAttribute('aria-busy', String(s.busy));
  });
}
