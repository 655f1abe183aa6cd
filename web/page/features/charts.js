// The charts (hand-written SVG: three small charts need no library), redrawn for each report on screen: what
// the chosen GPUs hold against their memory, total memory against the context, and what fits, GPUs by weight
// format. Whether something fits is always the core's answer (report.verdict, report.solver, a report's
// `fits`), never decided here; the totals and decode speeds come from one table() call.
//
// Stable and legible (issue #14): each SVG is drawn at the container's own width (scale 1, so 12 px text stays
// 12 px on a phone; redrawn on resize), at a fixed height that extras.css reserves, and every byte label goes
// through formatBytes() in the page's unit.
import { estimateReport, table } from '../../shared/estimator.js';
import { breakdown, formatBytes, formatCount } from '../../shared/format.js';
import { shortGpuName } from '../../shared/verdict.js';
import { $, el } from '../render.js';

const SVG = 'http://www.w3.org/2000/svg';
// Drawn heights (px). extras.css reserves the same (.charts min-height, .chart-* svg height): change both.
const HEIGHT = { capacity: 60, context: 220 };
// Tick labels at 12 px: about 7 px a character, so labels this far apart never touch.
const CHAR_PX = 7;
const RESIZE_DEBOUNCE_MS = 150;

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

function titled(node, text) {
  node.append(svg('title', {}, text));
  return node;
}

// A figure holding an SVG of width x height user units drawn at exactly that many CSS pixels.
function chartBox(kind, title, width, height) {
  const figure = el('figure', undefined, `chart chart-${kind}`);
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title });
  figure.append(root, el('figcaption', title));
  return { figure, root };
}

// Round axis values: 0 and multiples of 1, 2 or 5 x 10^k of the page's unit (GiB or GB), up to the first at or
// above `max`; about `count` intervals.
function niceTicks(max, count, unit) {
  const u = unit === 'GB' ? 1e9 : 2 ** 30;
  const raw = Math.max(max / u, 1e-6) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9));
  const ticks = [0];
  for (let i = 1; ticks[ticks.length - 1] < max; i++) ticks.push(i * step * u);
  return ticks;
}

// "1K", "128K", "1M": context ticks, which sit at powers of two.
const contextLabel = (c) => (c >= 1 << 20 ? `${c / (1 << 20)}M` : c >= 1024 ? `${c / 1024}K` : String(c));
const isPowerOfTwo = (c) => Number.isInteger(Math.log2(c));

// ---- 1. What the chosen GPUs hold against their memory ----

// "NVIDIA GeForce RTX 4090", "2 x NVIDIA GeForce RTX 3090", "each of 2 x ..." (training: one GPU's share), "the
// custom GPU" (one given by its memory alone: the catalogue has no name for it).
function hardwareName(v, training) {
  const custom = v.custom_gpu && v.gpu === 'custom GPU';
  if (v.gpus <= 1) return custom ? 'the custom GPU' : v.gpu;
  return `${training ? 'each of ' : ''}${v.gpus} x ${v.gpu}`;
}

// The hardware the capacity chart measures against, from the core's verdict: the chosen GPU(s) (a custom GPU has
// no catalogue entry: its usable bytes are the verdict's), else the smallest catalogue GPU that holds it. In
// training the components are what each GPU holds, so the chart is one GPU's.
function hardware(report) {
  const v = report.verdict;
  const n = report.request?.gpus > 1 ? report.request.gpus : 1;
  if (v?.gpu) {
    const count = report.training ? 1 : v.gpus;
    return { name: hardwareName(v, !!report.training), count, usable: v.usable_bytes, needed: v.needed_bytes * count };
  }
  const smallest = report.fits.find((g) => g.name === v?.smallest_fitting_gpu) ?? report.fits.find((g) => g.fits);
  if (!smallest) return { name: null, count: n, usable: 0, needed: null };
  return { name: `${n > 1 ? `${n} x ` : ''}${smallest.name} (smallest that fits)`, count: n, usable: smallest.usable_bytes, needed: null };
}

// What sits on the GPUs: breakdown()'s rows but the host's (a unified-memory GPU holds those too), each counted as
// many times as GPUs hold it (`times`; in training the rows are one GPU's). Each keeps its row's colour, so the
// bar matches the breakdown table's swatches.
function gpuParts(report) {
  const unified = !!report.verdict?.unified_memory;
  const components = report.components.filter((c) => !report.training || c.device !== 'host');  // breakdown()'s rows, in order
  return breakdown(report).rows
    .map((p, i) => ({ ...p, fill: i % 8, host: components[i].device === 'host' }))
    .filter((p) => p.bytes > 0 && (unified || !p.host));
}

function capacityTitle(hw, needed, bytes) {
  if (!hw.name) return `Memory on the GPUs: ${bytes(needed)} needed; no GPU in the catalogue holds it`;
  return `Memory on ${hw.name}: ${bytes(needed)} needed of ${bytes(hw.usable * hw.count)} usable`;
}

// The byte axis under the bar: a tick and a label at each round value, the end labels kept inside the drawing.
function barAxis(root, ticks, x, y, H, unit) {
  ticks.forEach((b, i) => {
    const anchor = i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle';
    root.append(svg('line', { x1: x(b), x2: x(b), y1: y, y2: y + 4, class: 'axis' }),
      svg('text', { x: x(b), y: H - 6, class: 'label', 'text-anchor': anchor }, formatBytes(b, unit)));
  });
}

// A stacked bar of the components, a divider at each GPU's boundary, the capacity line, and a round-number axis.
function capacityChart(report, width, unit) {
  const bytes = (n) => formatBytes(n, unit);
  const H = HEIGHT.capacity, pad = 8, barY = 6, barH = 26;
  const hw = hardware(report);
  const parts = gpuParts(report);
  const drawn = parts.reduce((a, p) => a + p.bytes * p.times, 0);
  const needed = hw.needed ?? drawn;  // the core's per-GPU need x GPUs where it gave one
  const capacity = hw.usable * hw.count;
  const widest = formatBytes(Math.max(needed, capacity), unit).length + 4;  // characters per tick label, and a gap
  const ticks = niceTicks(Math.max(needed, drawn, capacity), Math.max(1, Math.floor((width - 2 * pad) / (widest * CHAR_PX))), unit);
  const axisMax = ticks[ticks.length - 1] || 1;
  const x = (b) => pad + (b / axisMax) * (width - 2 * pad);
  const { figure, root } = chartBox('capacity', capacityTitle(hw, needed, bytes), width, H);
  let at = 0;
  for (const p of parts) {
    const w = x(at + p.bytes * p.times) - x(at);
    root.append(titled(svg('rect', { x: x(at), y: barY, width: Math.max(w, 0), height: barH, class: `fill-${p.fill}` }), `${p.label}: ${bytes(p.bytes)}`));
    at += p.bytes * p.times;
  }
  // One divider per GPU boundary (where they are far enough apart to see), in the page's background colour.
  if (hw.count > 1 && x(hw.usable) - x(0) >= 6) {
    for (let k = 1; k < hw.count; k++) root.append(svg('line', { x1: x(k * hw.usable), x2: x(k * hw.usable), y1: barY - 3, y2: barY + barH + 3, class: 'gpu-boundary' }));
  }
  if (capacity) root.append(titled(svg('line', { x1: x(capacity), x2: x(capacity), y1: 1, y2: barY + barH + 5, class: 'capacity' }), `Usable: ${bytes(capacity)}`));
  barAxis(root, ticks, x, barY + barH, H, unit);
  return figure;
}

// Several GPUs (report.devices, one per GPU): a bar each, what it holds against its own usable memory, in the
// capacity chart's 60 px. The core placed every byte and measured each headroom; this only draws them.
function devicesChart(report, width, unit) {
  const gpus = (report.devices ?? []).filter((d) => d.kind === 'gpu');
  if (gpus.length < 2 || !gpus.every((d) => d.usable_bytes)) return null;
  const bytes = (n) => formatBytes(n, unit);
  const H = HEIGHT.capacity, pad = 8, top = 2, band = 34;
  const rows = gpus.slice(0, 8);  // more than 8 bars would be too thin to read: the first 8, said in the caption
  const rowH = band / rows.length;
  const max = Math.max(...rows.map((d) => Math.max(d.total_bytes, d.usable_bytes)));
  const ticks = niceTicks(max, Math.max(1, Math.floor((width - 2 * pad) / ((bytes(max).length + 4) * CHAR_PX))), unit);
  const axisMax = ticks[ticks.length - 1] || 1;
  const x = (b) => pad + (b / axisMax) * (width - 2 * pad);
  const tight = rows.reduce((a, d) => (d.headroom_bytes < a.headroom_bytes ? d : a));
  const name = (d) => `GPU ${d.index}${d.gpu ? ` (${shortGpuName(d.gpu)})` : ''}`;
  const title = `Each GPU against its memory${gpus.length > rows.length ? ` (the first ${rows.length} of ${gpus.length})` : ''}: ${name(tight)} is the tightest, ` +
    (tight.headroom_bytes >= 0 ? `${bytes(tight.headroom_bytes)} to spare` : `${bytes(-tight.headroom_bytes)} short`);
  const { figure, root } = chartBox('capacity', title, width, H);
  rows.forEach((d, i) => {
    const y = top + i * rowH;
    const h = Math.max(2, rowH - 2);
    root.append(titled(svg('rect', { x: x(0), y, width: Math.max(x(d.total_bytes) - x(0), 0), height: h, class: `fill-${d.headroom_bytes < 0 ? 3 : 0}` }),
      `${name(d)}: ${bytes(d.total_bytes)} of ${bytes(d.usable_bytes)} usable`));
    root.append(titled(svg('line', { x1: x(d.usable_bytes), x2: x(d.usable_bytes), y1: y - 1, y2: y + h + 1, class: 'capacity' }), `${name(d)} usable: ${bytes(d.usable_bytes)}`));
  });
  barAxis(root, ticks, x, top + band, H, unit);
  return figure;
}

// ---- 2. Total memory against the context (log scale) ----

// The context chart's data: the table's totals of the request's format (a GGUF file type under llama.cpp), and
// the solver's exact largest context on the chosen hardware (undefined with none chosen).
function contextSeries(report, t) {
  const q = t?.quantizations.indexOf(report.request.quantization) ?? -1;
  if (q < 0) return null;
  const points = t.contexts.map((c, i) => ({ c, total: t.total_bytes[q][i] })).filter((p) => p.total > 0);
  return points.length ? { points, current: report.request.context_tokens, max: report.solver?.max_context_tokens } : null;
}

function contextTitle(series) {
  if (series.max === undefined) return 'Total memory against context length';
  return `Total memory against context length; ${series.max > 0 ? `fits up to ${formatCount(series.max)} tokens` : 'no context fits'}`;
}

// Log2 x axis over the series' contexts, linear y from 0 to a round number.
function contextScales(series, capacity, width, unit) {
  const H = HEIGHT.context, top = 10, bottom = 28, right = 12;
  const yTicks = niceTicks(Math.max(...series.points.map((p) => p.total), capacity), Math.floor((H - top - bottom) / 36), unit);
  const left = Math.max(...yTicks.map((b) => formatBytes(b, unit).length)) * CHAR_PX + 10;
  const first = Math.log2(series.points[0].c), last = Math.log2(series.points[series.points.length - 1].c);
  const lx = (c) => left + ((Math.log2(c) - first) / (last - first || 1)) * (width - left - right);
  const ly = (b) => top + (1 - b / yTicks[yTicks.length - 1]) * (H - top - bottom);
  return { H, top, bottom, left, right, yTicks, lx, ly };
}

function contextAxes(root, series, s, width, unit) {
  for (const b of s.yTicks) {
    root.append(svg('line', { x1: s.left, x2: width - s.right, y1: s.ly(b), y2: s.ly(b), class: 'grid' }),
      svg('text', { x: s.left - 6, y: s.ly(b) + 4, class: 'label', 'text-anchor': 'end' }, formatBytes(b, unit)));
  }
  // Powers of two only, each label at least 6 characters from the last ("128K" is 4), so none touch.
  let lastX = -Infinity;
  for (const c of series.points.map((p) => p.c).filter(isPowerOfTwo)) {
    const x = s.lx(c);
    if (x - lastX < 6 * CHAR_PX) continue;
    const anchor = x - s.left < 2 * CHAR_PX ? 'start' : width - s.right - x < 2 * CHAR_PX ? 'end' : 'middle';
    root.append(svg('text', { x, y: s.H - 8, class: 'label', 'text-anchor': anchor }, contextLabel(c)));
    lastX = x;
  }
}

// The totals as a line over log2 contexts, each point coloured by the solver's limit, the capacity line and the
// limit itself.
function contextChart(report, series, width, unit) {
  const hw = hardware(report);
  const capacity = report.verdict?.gpu ? hw.usable * hw.count : 0;
  const s = contextScales(series, capacity, width, unit);
  const { figure, root } = chartBox('context', contextTitle(series), width, s.H);
  contextAxes(root, series, s, width, unit);
  if (capacity) root.append(titled(svg('line', { x1: s.left, x2: width - s.right, y1: s.ly(capacity), y2: s.ly(capacity), class: 'capacity' }), `Usable on ${hw.name}: ${formatBytes(capacity, unit)}`));
  // The solver's exact limit, where it falls inside the plotted range.
  const { points, max, current } = series;
  if (max > 0 && max >= points[0].c && max <= points[points.length - 1].c) {
    root.append(titled(svg('line', { x1: s.lx(max), x2: s.lx(max), y1: s.top, y2: s.H - s.bottom, class: 'limit' }), `Fits up to ${formatCount(max)} tokens`));
  }
  root.append(svg('polyline', { points: points.map((p) => `${s.lx(p.c)},${s.ly(p.total)}`).join(' '), class: 'series' }));
  for (const p of points) {
    const cls = max === undefined ? 'dot' : p.c <= max ? 'dot-yes' : 'dot-no';
    root.append(titled(svg('circle', { cx: s.lx(p.c), cy: s.ly(p.total), r: p.c === current ? 5 : 3, class: cls }), `${formatCount(p.c)} tokens: ${formatBytes(p.total, unit)}`));
  }
  return figure;
}

// ---- The charts' numbers as tables (text alternatives), behind disclosures ----

// A closed or open <details> with its summary; `slot` names it, so a redraw reopens what the reader opened.
function disclosure(slot, summary, open) {
  const box = el('details', undefined, `fit-grid chart-table chart-table-${slot}`);
  box.dataset.slot = slot;
  box.open = open;
  box.append(el('summary', summary));
  return box;
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

function contextTable(report, series, unit, open) {
  const box = disclosure('context', 'Memory against context, as a table', open);
  const fitsCol = series.max !== undefined;
  const head = el('tr');
  head.append(el('th', 'Context (tokens)'), el('th', 'Total'), ...(fitsCol ? [el('th', `Fits ${hardware(report).name}`)] : []));
  const body = el('tbody');
  for (const p of series.points) {
    const tr = el('tr');
    tr.append(el('td', formatCount(p.c)), el('td', formatBytes(p.total, unit)), ...(fitsCol ? [el('td', p.c <= series.max ? 'yes' : 'no')] : []));
    body.append(tr);
  }
  return withTable(box, 'Total memory by context length', head, body);
}

// ---- 3. What fits: every catalogue GPU against every weight format at this context ----

// The core's fits for each format at the request's context: a Map of GPU name -> fit per format (null where the
// format gives an error), and the decode efficiency the cells quote. Asked once per report, when first opened;
// the GPU choice is left out (it changes no catalogue fit, and spares the solver one run per format).
const gridFits = new WeakMap();
function fitsByFormat(shown) {
  if (!gridFits.has(shown)) {
    const { report, request, t } = shown;
    const base = { ...request, gpu: undefined, gpu_memory_bytes: undefined };
    gridFits.set(shown, (async () => {
      const byFormat = [];
      for (const name of t.quantizations) {
        const r = name === report.request.quantization ? report : await estimateReport({ ...base, quantization: name });
        byFormat.push(r.issues.some((i) => i.level === 'error') ? null : new Map(r.fits.map((g) => [g.name, g])));
      }
      const efficiency = report.speed?.efficiency ?? (await estimateReport({ ...base, gpu: t.gpus[0] })).speed?.efficiency;
      return { byFormat, efficiency };
    })());
  }
  return gridFits.get(shown);
}

function gridCell(t, q, contextIndex, g, fits, gpuIndex, unit) {
  const total = t.total_bytes[q][contextIndex];
  const ok = total > 0 && !!fits?.get(g.name)?.fits;
  const tps = t.decode_tokens_per_s?.[q]?.[gpuIndex.get(g.name)] ?? 0;
  const td = el('td', total ? (ok ? (tps ? String(Math.round(tps)) : '✓') : '✗') : '–', total ? (ok ? 'cell-yes' : 'cell-no') : 'cell-none');
  td.title = total ? `${t.quantizations[q]}: ${formatBytes(total, unit)} of ${formatBytes(g.usable_bytes, unit)}${tps ? `; decode ≈ ${tps} tokens/s` : ''}` : `${t.quantizations[q]}: not for this runtime`;
  return td;
}

async function fillGrid(box, shown, unit) {
  const { report, t } = shown;
  const { byFormat, efficiency } = await fitsByFormat(shown);
  if (!box.isConnected) return;
  const gpuIndex = new Map(t.gpus.map((name, i) => [name, i]));
  const contextIndex = t.contexts.indexOf(report.request.context_tokens);
  box.querySelector('.hint').textContent = `Each cell: decode tokens/s of one sequence where the format fits (memory bandwidth × ${efficiency ? efficiency.toFixed(2) : 'the decode efficiency'} / bytes read per token), ✗ where it does not.`;
  const body = el('tbody');
  for (const g of report.fits) {
    const tr = el('tr');
    const name = el('th', g.name);
    name.scope = 'row';
    tr.append(name, ...t.quantizations.map((q, i) => gridCell(t, i, contextIndex, g, byFormat[i], gpuIndex, unit)));
    body.append(tr);
  }
  box.querySelector('tbody').replaceWith(body);
}

function fitGrid(shown, unit, open) {
  const { report, t } = shown;
  const box = disclosure('grid', `What fits: ${report.fits.length} GPUs × ${t.quantizations.length} weight formats at ${formatCount(report.request.context_tokens)} tokens`, open);
  box.append(el('p', '', 'hint'));
  const head = el('tr');
  head.append(el('th', 'GPU'), ...t.quantizations.map((q) => el('th', q)));
  withTable(box, 'What fits, GPUs by weight format', head, el('tbody'));
  // Filled when opened: one estimate per format, which nobody needs until they look.
  const fill = () => { if (box.open) fillGrid(box, shown, unit).catch(() => {}); };
  box.addEventListener('toggle', fill);
  fill();
  return box;
}

// ---- Drawing ----

let store;
let shown = null;  // { report, request, t } of the charts on screen: resize and unit changes redraw it as is
let drawnWidth = 0;
let ticket = 0;

// The width to draw at: the container's own (scale 1), never below a phone's.
const chartWidth = (charts) => Math.max(240, Math.floor(charts.clientWidth || 640));

function render(data) {
  const charts = $('charts');
  const unit = store.state.unit;
  const width = chartWidth(charts);
  const open = new Set([...charts.querySelectorAll('details[data-slot]')].filter((d) => d.open).map((d) => d.dataset.slot));
  const { report, t } = data;
  const series = report.training ? null : contextSeries(report, t);
  const nodes = [(!report.training && devicesChart(report, width, unit)) || capacityChart(report, width, unit)];
  if (series) nodes.push(contextChart(report, series, width, unit), contextTable(report, series, unit, open.has('context')));
  if (t && !report.training) nodes.push(fitGrid(data, unit, open.has('grid')));
  charts.dataset.mode = report.training ? 'train' : 'infer';
  charts.replaceChildren(...nodes);
  drawnWidth = width;
}

// extras.css is requested with this module (page/extras.js): the charts wait for it, so that they never draw
// unstyled (16 px text, nothing reserved) and then move when it applies.
function stylesReady() {
  const link = [...document.querySelectorAll('link[rel="stylesheet"]')].find((l) => /extras\.css$/.test(l.href));
  if (!link || link.sheet) return Promise.resolve();
  return new Promise((resolve) => {
    link.addEventListener('load', resolve, { once: true });
    link.addEventListener('error', resolve, { once: true });
  });
}

// The table's contexts: powers of two from 1K to the model's maximum (at most 1M), and the request's own.
function contextsFor(report) {
  const max = report.model.max_position_embeddings || 131072;
  const contexts = [];
  for (let c = 1024; c <= Math.min(max, 1 << 20); c *= 2) contexts.push(c);
  if (!contexts.includes(report.request.context_tokens)) contexts.push(report.request.context_tokens);
  return contexts.sort((a, b) => a - b);
}

async function draw({ report, request }) {
  const mine = ++ticket;
  let t = null;
  if (!report.training) {  // the table is inference's; training draws the capacity chart alone
    t = await table({ ...request, contexts: contextsFor(report) });
    if (t.issues?.some((i) => i.level === 'error')) t = null;
  }
  await stylesReady();
  if (mine !== ticket) return;  // a newer report is on its way
  shown = { report, request, t };
  render(shown);
}

// Redraws at the new width once a resize settles (debounced: a drag fires many).
function watchWidth(charts) {
  let timer;
  new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(() => { if (shown && chartWidth(charts) !== drawnWidth) render(shown); }, RESIZE_DEBOUNCE_MS);
  }).observe(charts);
}

export function attach(s) {
  store = s;
  const redraw = (state) => { if (state.report) draw(state).catch(() => {}); };
  store.subscribe((state, before) => {
    if (state.report !== before.report) redraw(state);
    else if (state.unit !== before.unit && shown) render(shown);
  });
  watchWidth($('charts'));
  redraw(store.state);  // the charts for what is on screen
}
