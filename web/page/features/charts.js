// The charts (hand-written SVG: three small charts need no library), redrawn for each report on screen: the
// breakdown against the chosen GPU, total memory against the context, and what fits, GPUs by weight format.
// Whether something fits is always the core's answer (a report's `fits`), never decided here; the totals and
// decode speeds of the grid come from one table() call.
import { estimateReport, table } from '../../shared/estimator.js';
import { breakdown, formatBytes, formatCount } from '../../shared/format.js';
import { $, el } from '../render.js';

const SVG = 'http://www.w3.org/2000/svg';
const W = 640;

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function chartBox(title, height) {
  const figure = el('figure', undefined, 'chart');
  const root = svg('svg', { viewBox: `0 0 ${W} ${height}`, role: 'img', 'aria-label': title });
  figure.append(root, el('figcaption', title));
  return { figure, root };
}

// 1. What the chosen GPU holds against its memory: a stacked bar and a capacity line.
function capacityChart(report, gpu, bytes) {
  const parts = breakdown({ ...report, components: report.components.filter((c) => c.device !== 'host') }).rows;
  const need = parts.reduce((a, p) => a + p.bytes * p.times, 0);
  const capacity = gpu.usable_bytes;
  const scale = (W - 20) / Math.max(need, capacity);
  const { figure, root } = chartBox(`Memory on ${gpu.name}: ${bytes(need)} needed of ${bytes(capacity)} usable`, 70);
  let x = 10;
  parts.forEach((p, i) => {
    const w = p.bytes * p.times * scale;
    const rect = svg('rect', { x, y: 10, width: Math.max(w, 0), height: 30, class: `fill-${i % 8}` });
    rect.append(svg('title', {}, `${p.label}: ${bytes(p.bytes)}`));
    root.append(rect);
    x += w;
  });
  const cx = 10 + capacity * scale;
  root.append(svg('line', { x1: cx, x2: cx, y1: 2, y2: 48, class: 'capacity' }),
    svg('text', { x: Math.min(cx, W - 150), y: 64, class: 'label' }, `${gpu.name.replace(/^NVIDIA (GeForce )?/, '')} ${bytes(capacity)}`));
  return figure;
}

// 2. Total memory against the context (log scale), and where it stops fitting on the chosen GPU (`fits[i]`).
function contextChart(contexts, totals, gpu, fits, current, bytes) {
  const H = 220, left = 56, right = 16, top = 12, bottom = 34;
  const capacity = gpu?.usable_bytes ?? 0;
  const max = Math.max(...totals, capacity) * 1.05;
  const lx = (c) => left + ((Math.log2(c) - Math.log2(contexts[0])) / (Math.log2(contexts[contexts.length - 1]) - Math.log2(contexts[0]) || 1)) * (W - left - right);
  const ly = (b) => top + (1 - b / max) * (H - top - bottom);
  const lastFit = contexts.filter((c, i) => fits[i]).pop();
  const title = `Total memory against context length${gpu ? `; fits up to ${lastFit ? `${formatCount(lastFit)} tokens` : 'none of these contexts'}` : ''}`;
  const { figure, root } = chartBox(title, H);
  root.append(svg('polyline', { points: contexts.map((c, i) => `${lx(c)},${ly(totals[i])}`).join(' '), class: 'series' }));
  contexts.forEach((c, i) => {
    const dot = svg('circle', { cx: lx(c), cy: ly(totals[i]), r: c === current ? 5 : 3, class: gpu && !fits[i] ? 'dot-no' : 'dot-yes' });
    dot.append(svg('title', {}, `${formatCount(c)} tokens: ${bytes(totals[i])}`));
    root.append(dot);
    if (i % 2 === 0 || i === contexts.length - 1) root.append(svg('text', { x: lx(c), y: H - 12, class: 'label', 'text-anchor': 'middle' }, c >= 1024 ? `${c / 1024}K` : String(c)));
  });
  for (const f of [0, 0.5, 1]) root.append(svg('text', { x: 4, y: ly(max * f) + 4, class: 'label' }, bytes(max * f)));
  if (capacity) root.append(svg('line', { x1: left, x2: W - right, y1: ly(capacity), y2: ly(capacity), class: 'capacity' }));
  return figure;
}

// Appends to `box` a table labelled `label` of a header row and a tbody; returns `box`.
function withTable(box, label, head, body) {
  const tableEl = el('table');
  tableEl.setAttribute('aria-label', label);
  const thead = el('thead');
  thead.append(head);
  tableEl.append(thead, body);
  box.append(tableEl);
  return box;
}

// The line chart's numbers as a table (its text alternative).
function contextTable(contexts, totals, gpu, fits, bytes) {
  const box = el('details', undefined, 'fit-grid');
  box.append(el('summary', 'Memory against context, as a table'));
  const head = el('tr');
  head.append(el('th', 'Context (tokens)'), el('th', 'Total'), ...(gpu ? [el('th', `Fits ${gpu.name}`)] : []));
  const body = el('tbody');
  contexts.forEach((c, i) => {
    const tr = el('tr');
    tr.append(el('td', formatCount(c)), el('td', bytes(totals[i])), ...(gpu ? [el('td', fits[i] ? 'yes' : 'no')] : []));
    body.append(tr);
  });
  return withTable(box, 'Total memory by context length', head, body);
}

// 3. What fits: every catalogue GPU against every weight format at this context (a table, readable as is).
// fitsByFormat[i]: the report's fits for format i (null where this runtime does not load it).
function fitGrid(t, contextIndex, gpus, fitsByFormat, efficiency, bytes) {
  const gpuIndex = new Map(t.gpus.map((name, i) => [name, i]));
  const box = el('details', undefined, 'fit-grid');
  box.append(el('summary', `What fits: ${gpus.length} GPUs × ${t.quantizations.length} weight formats at ${formatCount(t.contexts[contextIndex])} tokens`),
    el('p', `Each cell: decode tokens/s of one sequence where the format fits (memory bandwidth × ${efficiency ? efficiency.toFixed(2) : 'the decode efficiency'} / bytes read per token), ✗ where it does not.`, 'hint'));
  const head = el('tr');
  head.append(el('th', 'GPU'), ...t.quantizations.map((q) => el('th', q)));
  const body = el('tbody');
  for (const g of gpus) {
    const tr = el('tr');
    const name = el('th', g.name);
    name.scope = 'row';
    tr.append(name);
    t.quantizations.forEach((q, i) => {
      const total = t.total_bytes[i][contextIndex];
      const fit = fitsByFormat[i]?.get(g.name);
      const ok = total > 0 && !!fit?.fits;
      const tps = t.decode_tokens_per_s?.[i]?.[gpuIndex.get(g.name)] ?? 0;
      const td = el('td', total ? (ok ? (tps ? String(Math.round(tps)) : '✓') : '✗') : '–', total ? (ok ? 'cell-yes' : 'cell-no') : 'cell-none');
      td.title = total ? `${q}: ${bytes(total)} of ${bytes(g.usable_bytes)}${tps ? `; decode ≈ ${tps} tokens/s` : ''}` : `${q}: not for this runtime`;
      tr.append(td);
    });
    body.append(tr);
  }
  return withTable(box, 'What fits, GPUs by weight format', head, body);
}

// The core's fits for the request with `change` applied: a Map of GPU name -> fit, or null on an error.
async function fitsFor(request, change) {
  const report = await estimateReport({ ...request, ...change });
  return report.issues.some((i) => i.level === 'error') ? null : new Map(report.fits.map((g) => [g.name, g]));
}

let drawTicket = 0;

async function drawCharts({ report, request, unit }) {
  const ticket = ++drawTicket;
  const charts = $('charts');
  if (report.training) {
    charts.replaceChildren();
    return;
  }
  const bytes = (n) => formatBytes(n, unit);
  const gpu = report.fits.find((g) => g.name === request.gpu) ?? report.fits.find((g) => g.fits);
  const nodes = gpu ? [capacityChart(report, gpu, bytes)] : [];
  // The charts on screen stay until all the new ones are drawn, so the page does not jump as they arrive.
  const max = report.model.max_position_embeddings || 131072;
  const contexts = [];
  for (let c = 1024; c <= Math.min(max, 1 << 20); c *= 2) contexts.push(c);
  if (!contexts.includes(request.context_tokens)) contexts.push(request.context_tokens);
  contexts.sort((a, b) => a - b);
  const { config, context_tokens, batch_size, kv_cache_dtype, runtime } = request;
  const t = await table({ config, contexts, context_tokens, batch_size, kv_cache_dtype, runtime });
  if (ticket !== drawTicket) return;
  if (t.issues?.some((i) => i.level === 'error')) {
    charts.replaceChildren(...nodes);
    return;
  }
  const q = t.quantizations.indexOf(report.request.quantization);
  const chosen = report.fits.find((g) => g.name === request.gpu);
  if (q >= 0) {
    // Whether the chosen GPU holds each context: the core's answer for that context.
    const fits = [];
    for (const c of chosen ? contexts : []) {
      const at = c === request.context_tokens ? new Map([[chosen.name, chosen]]) : await fitsFor(request, { context_tokens: c });
      if (ticket !== drawTicket) return;
      fits.push(!!at?.get(chosen.name)?.fits);
    }
    nodes.push(contextChart(contexts, t.total_bytes[q], chosen, fits, request.context_tokens, bytes), contextTable(contexts, t.total_bytes[q], chosen, fits, bytes));
  }
  // Every GPU against every format: the core's fits for each format at this context.
  const byFormat = [];
  for (const [i, name] of t.quantizations.entries()) {
    byFormat.push(i === q ? new Map(report.fits.map((g) => [g.name, g])) : await fitsFor(request, { quantization: name }));
    if (ticket !== drawTicket) return;
  }
  const efficiency = report.speed?.efficiency ?? (await estimateReport({ ...request, gpu: t.gpus[0] })).speed?.efficiency;
  if (ticket !== drawTicket) return;
  nodes.push(fitGrid(t, contexts.indexOf(request.context_tokens), report.fits, byFormat, efficiency, bytes));
  charts.replaceChildren(...nodes);
}

export function attach(store) {
  const draw = (s) => { if (s.report) drawCharts(s).catch(() => {}); };
  store.subscribe((s, before) => {
    if (s.report !== before.report || s.unit !== before.unit) draw(s);
  });
  draw(store.state);  // the charts for what is on screen
}
