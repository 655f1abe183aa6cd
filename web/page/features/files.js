// Configs and weight files the user brings: a pasted or dropped config.json is estimated; a dropped .gguf /
// .safetensors, or a Hub model's weight files, have only their headers read (File.slice(), Range requests),
// and their numbers are set beside the estimate on screen.
import { readFileHeader, headerProblem } from '../../shared/file-header.js';
import { formatBytes, formatCount, formatShort } from '../../shared/format.js';
import { $, el } from '../render.js';

// What readFileHeader could not read, said for people.
const unread = (result, name) => {
  const text = headerProblem(result, name);
  return text[0].toUpperCase() + text.slice(1);
};

// The section the weight-file summaries go in, made on first use.
function fileHeaderBox() {
  let box = $('file-header');
  if (!box) {
    box = el('section', undefined, 'file-header');
    box.id = 'file-header';
    box.setAttribute('aria-label', 'Weight file header');
    $('own-config').after(box);
  }
  return box;
}

// The file's numbers beside the estimate on screen: its tensor data against the estimate's weights. Only when
// they are the same model (stored elements within 2 % of the estimate's parameters): a file of another model
// is not compared with the one on screen.
function besideEstimate(report, bytes, dataBytes, kvPerToken, elements) {
  if (!report?.memory) return [];
  if (elements && Math.abs(elements - report.parameters.total) > 0.02 * report.parameters.total) {
    return [el('p', `This file holds ${formatShort(elements)} elements, not the ${formatShort(report.parameters.total)} parameters of the model on screen, so it is not compared with it. For its full estimate, load its config.json (or its Hub id).`)];
  }
  const weights = report.gguf?.tensor_bytes ?? report.memory.stored_weights_bytes ?? report.memory.weights_bytes;  // as a file stores them (no runtime copies)
  const raw = ((dataBytes - weights) / weights) * 100;
  const diff = Math.abs(raw) < 0.005 ? 0 : raw;  // never "-0.00 %"
  const lines = [`config.json estimate (${report.request.quantization_label}): ${bytes(weights)} of weights; the file${dataBytes === weights ? '' : 's'} hold ${bytes(dataBytes)} (${diff >= 0 ? '+' : ''}${diff.toFixed(2)} %).`];
  if (kvPerToken && report.kv_cache) lines.push(`KV per token: config.json ${formatCount(report.kv_cache.bytes_per_token)} bytes (${report.kv_cache.dtype}); the file's hyperparameters ${formatCount(kvPerToken)} (f16).`);
  return lines.map((line) => el('p', line));
}

// A dropped .gguf / .safetensors: only File.slice()s of its header are read, never the whole file.
async function showWeightFile(store, file) {
  const bytes = (n) => formatBytes(n, store.state.unit);
  const box = fileHeaderBox();
  box.replaceChildren(el('p', `Reading the header of ${file.name}…`));
  const result = await readFileHeader(async (end) => ({ bytes: new Uint8Array(await file.slice(0, Math.min(end, file.size)).arrayBuffer()), size: file.size }));
  const { header, read } = result;
  if (header.status !== 'ok') {
    box.replaceChildren(el('p', unread(result, file.name), 'error'));
    return;
  }
  // A GGUF is a model of its own: estimated from its header alone (the core reads its metadata and tensors).
  if (header.format === 'gguf') {
    $('model-id').value = '';
    store.update({ status: `Estimating ${file.name} from its header (${formatCount(read)} of ${formatCount(file.size)} bytes read).`,
      model: { id: file.name, text: null, hub: null, file: { bytes: result.bytes, size: file.size } } });
  }
  const rows = header.by_type.map((t) => `${t.type}: ${t.tensors} tensors, ${bytes(t.bytes)}`);
  const arch = header.metadata?.['general.architecture'];
  box.replaceChildren(
    el('h3', `${file.name}: ${header.format}${header.version ? ` v${header.version}` : ''}`),
    el('p', `${header.tensor_count} tensors, ${formatCount(header.elements)} stored elements, ${bytes(header.data_bytes)} of tensor data` +
      (arch ? `; architecture ${arch}` : '') + `. Read ${formatCount(read)} of ${formatCount(file.size)} bytes.`),
    el('p', rows.join(' · ')),
    ...(header.format === 'gguf' ? [] : besideEstimate(store.state.report, bytes, header.data_bytes, header.kv_cache?.bytes_per_token_f16, header.elements)));
  box.scrollIntoView({ block: 'nearest' });
}

// A Hub model's weight files: each header through Range requests (a first 64 KiB, then what it needs).
async function readHubHeaders(modelId, token) {
  const hub = await import('../../shared/hub-fetch.js');
  const { gguf, safetensors } = await hub.listWeightFiles(modelId, { token });
  const files = safetensors.length ? safetensors : gguf.slice(0, 1);
  const results = [];
  for (const name of files) {
    const result = await readFileHeader((end) => hub.fetchFileStart(modelId, name, end, { token }));
    results.push({ name, ...result });
  }
  return results;
}

function attachHubFiles(store) {
  const button = el('button', 'Read the weight files on the Hub (headers only)', 'secondary');
  button.type = 'button';
  button.id = 'hub-files';
  button.addEventListener('click', async () => {
    const bytes = (n) => formatBytes(n, store.state.unit);
    const id = store.state.model?.id;
    const box = fileHeaderBox();
    box.replaceChildren(el('p', `Listing the weight files of ${id}…`));
    try {
      const results = await readHubHeaders(id, store.state.token);
      if (!results.length) { box.replaceChildren(el('p', `${id} lists no .safetensors or .gguf file.`)); return; }
      const ok = results.filter((r) => r.header.status === 'ok');
      const data = ok.reduce((a, r) => a + r.header.data_bytes, 0);
      const elements = ok.reduce((a, r) => a + r.header.elements, 0);
      const read = results.reduce((a, r) => a + r.read, 0);
      box.replaceChildren(el('h3', `${id}: ${results.length} weight file${results.length > 1 ? 's' : ''}`),
        el('p', `${formatCount(elements)} stored elements, ${bytes(data)} of tensor data; ${formatCount(read)} bytes fetched.`),
        ...results.map((r) => el('p', r.header.status === 'ok'
          ? `${r.name}: ${r.header.tensor_count} tensors, ${bytes(r.header.data_bytes)} (${r.header.by_type.map((t) => t.type).join(', ')})`
          : `${r.name}: ${unread(r, r.name)}`)),
        ...besideEstimate(store.state.report, bytes, data, ok.find((r) => r.header.kv_cache)?.header.kv_cache.bytes_per_token_f16));
    } catch (err) {
      box.replaceChildren(el('p', err?.message ?? String(err), 'error'));
    }
  });
  ($('embed-button') ?? $('copy-link')).after(button);
}

// A config the user brings: estimated as is, under no Hub id (a copied link carries it: page/config-link.js).
function useConfig(store, text, from) {
  $('model-id').value = '';
  store.update({ status: `Estimating ${from}.`, model: { id: '', text, hub: null, pasted: true } });
}

// A file from the picker or dropped anywhere on the page: a config.json is estimated, a weight file's header read.
async function useFile(store, file) {
  if (/\.(gguf|safetensors)$/i.test(file.name)) {
    await showWeightFile(store, file);
    return;
  }
  // The core's cap on a config.json (a build before catalogue().limits: 4 MiB, what it was then).
  const cap = store.state.catalogue?.limits?.config_bytes ?? 4 * 2 ** 20;
  if (file.size > cap) {
    store.update({ alert: [`${file.name} is ${Math.round(file.size / 1024)} KB: a config.json is a few KB. Choose the model's config.json, a .gguf or a .safetensors file.`] });
    return;
  }
  const text = await file.text();
  $('paste-config').value = text;
  useConfig(store, text, file.name);
}

function attachPaste(store) {
  const paste = $('paste-config');
  $('use-config').addEventListener('click', () => {
    if (!paste.value.trim()) {
      store.update({ alert: ['Paste the text of a config.json (or drop the file) first.'] });
      return;
    }
    useConfig(store, paste.value, 'the pasted config.json');
  });
  const picker = $('file-input');
  picker.addEventListener('change', () => {
    if (picker.files?.[0]) useFile(store, picker.files[0]);
    picker.value = '';
  });
  // Drop anywhere: the page outlines itself while a file is over it.
  let depth = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  document.addEventListener('dragenter', (event) => { if (hasFiles(event)) { depth += 1; document.body.classList.add('dropping'); } });
  document.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) document.body.classList.remove('dropping'); });
  document.addEventListener('dragover', (event) => { if (hasFiles(event)) event.preventDefault(); });
  document.addEventListener('drop', (event) => {
    depth = 0;
    document.body.classList.remove('dropping');
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    event.preventDefault();
    useFile(store, file);
  });
}

// Offline or the Hub out of reach: the config.json the message asks for goes in right here.
function offerPaste(store) {
  const offer = (err) => {
    if (err?.type !== 'offline' && err?.type !== 'network') return;
    $('own-config').open = true;
    $('paste-config').focus();
  };
  store.subscribe((s, before) => { if (s.hubError !== before.hubError) offer(s.hubError); });
  offer(store.state.hubError);
}

export function attach(store) {
  attachPaste(store);
  offerPaste(store);
  attachHubFiles(store);
}
