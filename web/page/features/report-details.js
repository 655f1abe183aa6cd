// The report below the verdict: the breakdown table, speed and the command to run, the notes, the catalogue
// GPUs it fits and how every number is computed. Loaded with the page's other features after the first answer
// (page/extras.js); the verdict, the summary and the bar above it are page/render.js's.
import { breakdown, formatBytes, formatCount, formatShort } from '../../shared/format.js';
import { $, el } from '../render.js';
import { weightFilesSentence } from '../../shared/weight-files.js';
import { speedLines } from '../../shared/speed.js';

function renderBreakdown(report, bytes) {
  const { rows, total } = breakdown(report);
  $('breakdown-rows').replaceChildren(...rows.map((p) => {
    const tr = el('tr');
    tr.append(el('th', p.label), el('td', bytes(p.bytes), 'num'), el('td', `${p.share.toFixed(1)}%`, 'num'));
    tr.firstChild.scope = 'row';
    return tr;
  }));
  $('total').textContent = bytes(total) + (report.training && report.request.gpus > 1 ? ' per GPU' : '');
}

// The smallest fitting GPU of each vendor, then the whole catalogue behind a disclosure.
function renderFits(report, bytes) {
  // A GPU's memory as the estimate counts it: unified memory shows the share the GPU may wire.
  const usable = (g) => (g.usable_bytes !== g.memory_bytes ? `${bytes(g.usable_bytes)} of ${bytes(g.memory_bytes)} unified` : bytes(g.memory_bytes));
  const fitting = report.fits.filter((g) => g.fits);
  const smallest = new Map();
  for (const g of fitting) {
    const vendor = g.name.split(' ')[0];
    if (!smallest.has(vendor)) smallest.set(vendor, g);
  }
  $('fit-summary').textContent = fitting.length
    ? `Smallest that fit: ${[...smallest.values()].map((g) => `${g.name} (${usable(g)}, ${bytes(g.headroom_bytes)} free)`).join(' · ')}.`
    : `No single GPU in the catalogue has ${bytes(report.memory.total_bytes)}.`;
  $('fit-count').textContent = `Every GPU in the catalogue: ${fitting.length} of ${report.fits.length} fit`;
  $('fit-rows').replaceChildren(...report.fits.map((g) => {
    const tr = el('tr', undefined, g.fits ? 'fits-yes' : 'fits-no');
    const name = el('th', g.name);
    name.scope = 'row';
    tr.append(name, el('td', usable(g), 'num'), el('td', g.fits ? 'Yes' : 'No'),
      el('td', `${g.headroom_bytes >= 0 ? '' : '−'}${bytes(Math.abs(g.headroom_bytes))}`, 'num'));  // (never "−0")
    return tr;
  }));
}

// Speed, vLLM's KV capacity and the command to run, when a GPU is chosen.
function renderRuntime(report) {
  const lines = [];
  const sp = report.speed;
  if (sp?.known) {
    lines.push(`Speed on ${sp.gpu}: ${speedLines(sp, formatCount).join('; ')}.`);
  }
  const v = report.vllm;
  if (v) lines.push(`vLLM KV cache: ${formatCount(v.kv_tokens)} tokens (${v.blocks} blocks), ${v.max_concurrency.toFixed(2)}× concurrency at ${formatCount(report.request.context_tokens)} tokens.`);
  const s = report.solver;
  if (s && s.max_context_tokens !== undefined) {
    lines.push((s.max_context_tokens ? `On the chosen GPU: up to ${formatCount(s.max_context_tokens)} tokens of context` : 'On the chosen GPU: not even a short context fits with every layer on it') +
      `; best format that fits: ${s.best_quantization || 'none'}; fewest GPUs: ${s.fewest_gpus || 'more than 64'}.`);
  }
  for (const c of report.commands ?? []) lines.push(`Run it: ${c.command}` + (c.note ? ` (${c.note}.)` : ''));
  $('runtime-info').replaceChildren(...lines.map((line) => el('p', line)));
}

function renderNotices(report, weightsNote) {
  const items = report.issues.filter((i) => i.level !== 'error').map((i) => el('li', i.message, `notice notice-${i.level}`));
  for (const check of report.hub_check ?? []) {
    items.push(el('li', `Hub cross-check (${check.source}): config.json ${formatCount(check.config_parameters)}, Hub ${formatCount(check.hub_parameters)}. ${check.message}`,
      `notice notice-${check.verdict === 'mismatch' ? 'warning' : 'info'}`));
  }
  if (report.weight_files) items.push(el('li', weightFilesSentence(report, formatCount), `notice notice-${report.weight_files.weights_from === 'files' ? 'warning' : 'info'}`));
  else if (weightsNote) items.push(el('li', weightsNote, 'notice notice-info'));
  $('notices').replaceChildren(...items);
}

function renderDetails(report, bytes) {
  const dl = $('formulas');
  dl.replaceChildren();
  for (const f of report.formulas) dl.append(el('dt', f.component), el('dd', f.formula), el('dd', `Source: ${f.source}`, 'source'));
  const groups = $('parameter-groups');
  groups.replaceChildren();
  const p = report.parameters;
  const describe = (entries) => Object.entries(entries).map(([k, v]) => `${k} ${formatShort(v)}`).join(' · ');
  groups.append(el('dt', 'by component'), el('dd', describe(p.by_component)));
  groups.append(el('dt', 'by role'), el('dd', describe(p.by_role)));
  groups.append(el('dt', 'by layer type'), el('dd', describe(p.by_layer_type)));
  if (p.mtp) groups.append(el('dt', 'not loaded'), el('dd', `multi-token-prediction modules ${formatShort(p.mtp)} (${formatCount(p.mtp)})`));
  for (const node of document.querySelectorAll('.kv-only')) node.hidden = !report.kv_cache;
  $('kv-rows').replaceChildren(...(report.kv_cache?.layers ?? []).map((g) => {
    const tr = el('tr');
    const kind = g.attention === 'sliding' || g.attention === 'chunked' ? `${g.attention} (${formatCount(g.window)})` : g.attention;
    tr.append(el('td', String(g.layers), 'num'), el('td', g.state_bytes ? `${kind}, state ${formatCount(g.state_bytes)} B` : kind),
      el('td', formatCount(g.bytes_per_token), 'num'), el('td', formatCount(g.cached_tokens), 'num'), el('td', bytes(g.bytes), 'num'));
    return tr;
  }));
  const fields = $('model-fields');
  fields.replaceChildren();
  for (const [key, value] of Object.entries(report.model)) {
    if (value === '' || (typeof value === 'object' && value !== null && Object.keys(value).length === 0)) continue;
    fields.append(el('dt', key), el('dd', typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)));
  }
}

function draw(report, unit, weightsNote) {
  const bytes = (n) => formatBytes(n, unit);
  renderBreakdown(report, bytes);
  renderRuntime(report);
  renderFits(report, bytes);
  renderNotices(report, weightsNote);
  renderDetails(report, bytes);
}

export function attach(store) {
  store.subscribe((s, before) => {
    if (s.report && (s.report !== before.report || s.unit !== before.unit || s.weightsNote !== before.weightsNote)) draw(s.report, s.unit, s.weightsNote);
  });
  if (store.state.report) draw(store.state.report, store.state.unit, store.state.weightsNote);
}
