// The verdict in words: report.verdict (the core decides yes / offload / no and measures each change) as the
// sentence every front end puts first (the page's #verdict, the <neuro-shrink> element, the CLI), and its
// changes as labels with the request fields they set. Nothing here decides a fit.
import { formatBytes, formatCount } from './format.js';

// "NVIDIA GeForce RTX 3090" -> "RTX 3090": the vendor's brand prefix says nothing the model number does not.
export const shortGpuName = (name) => String(name).replace(/^(NVIDIA (GeForce )?|AMD (Radeon )?|Intel )/, '');

// "2 x RTX 3090", "RTX 3060", "RTX 3090 + RTX 3060" (a list of unequal GPUs), "2 machines x 8 x H100 SXM (TP 8 x
// PP 2)", "a 12.00 GiB GPU" (one given by its memory alone).
export function hardwareName(v, unit) {
  if (v.hardware) return v.hardware;  // several GPUs or machines, as the core words them
  const one = v.custom_gpu && v.gpu === 'custom GPU' ? `${formatBytes(v.usable_bytes, unit)} GPU` : shortGpuName(v.gpu);
  return v.gpus > 1 ? `${v.gpus} x ${one}` : v.custom_gpu && v.gpu === 'custom GPU' ? `a ${one}` : one;
}

// (the band, seed 001's painful / acceptable / smooth, is the core's: report.speed / verdict decode_band)
// With the run's own speed estimate, the range its hardware family's published runs give: "48–55 tokens/s".
export const rate = (x) => (x >= 10 ? String(Math.round(x)) : x.toFixed(1));  // tokens/s as shown: "136", "9.5"
const speed = (tps, band, sp) => (tps > 0 ? `${sp?.decode_low_tokens_per_s ? `${rate(sp.decode_low_tokens_per_s)}–${rate(sp.decode_high_tokens_per_s)}` : `~${rate(tps)}`} tokens/s${band ? ` (${band})` : ''}` : '');

// One change as a short label: "Q4_K_M weights", "8,192-token context", "33 of 49 layers on the GPU".
function changeLabel(set, v) {
  const [[option, value]] = Object.entries(set).length === 1 ? Object.entries(set) : [['together', set]];
  switch (option) {
    case 'quantization': return `${value} weights`;
    case 'context_tokens': return `${formatCount(value)}-token context`;
    case 'kv_cache_dtype': return `KV cache in ${value}`;
    case 'batch_size': return 'one sequence at a time';
    case 'gpu_layers': return `${value} of ${v.n_layer + 1} layers on the GPU, the rest in system RAM`;
    case 'n_cpu_moe': return `the experts of ${value} layers in system RAM`;
    case 'gpus': return `${value} GPUs`;
    case 'nodes': return `${value} machines`;
    case 'training.checkpointing': return 'gradient checkpointing';
    case 'training.micro_batch': return `micro-batch ${value}`;
    case 'training.optimizer': return '8-bit AdamW';
    case 'training.method': return value === 'qlora' ? 'QLoRA (4-bit base)' : 'LoRA';
    case 'training.zero': return `ZeRO-3 over ${v.gpus} GPUs`;
    default: return Object.entries(value).map(([k, x]) => changeLabel({ [k]: x }, v)).join(' + ');
  }
}

// The request fields a change sets, as the page's inputs name them (the training options without
// "training."; the micro-batch is the page's batch).
export function changeFields(set) {
  const fields = {};
  for (const [option, value] of Object.entries(set)) {
    const field = option.replace(/^training\./, '');
    fields[field === 'micro_batch' ? 'batch_size' : field] = String(value);
  }
  if (set.n_cpu_moe !== undefined) fields.gpu_layers = '';  // (measured with every layer on the GPU)
  return fields;
}

// { fit, headline, detail, changes: [{ label, note, fields }] } for a report (null when it has no verdict).
export function verdictText(report, unit = 'GiB') {
  const v = report?.verdict;
  if (!v) return null;
  const bytes = (n) => formatBytes(Math.abs(n), unit);
  const training = !!report.training;
  const what = training ? 'Training fits' : 'Fits';
  let headline;
  let detail = '';
  if (v.fit === 'unknown') {
    headline = v.smallest_fitting_gpu
      ? `Needs ${bytes(v.needed_bytes)}: fits on ${shortGpuName(v.smallest_fitting_gpu)} and larger`
      : `Needs ${bytes(v.needed_bytes)}: no single GPU in the catalogue holds it`;
    detail = 'No GPU chosen: pick yours, or give its memory, for a verdict on it.';
  } else if (v.fit === 'yes') {
    headline = `${what} on ${hardwareName(v, unit)}: ${bytes(v.headroom_bytes)} to spare` + (v.tightest ? ` on the tightest GPU (${v.tightest})` : '');
    const max = report.solver?.max_context_tokens;
    const vllm = report.vllm;
    detail = [speed(v.decode_tokens_per_s, v.decode_band, report.speed),
      vllm ? `KV cache for ${formatCount(vllm.kv_tokens)} tokens: ${vllm.max_concurrency.toFixed(1)} concurrent ${formatCount(report.request.context_tokens)}-token requests`
        : max ? `context up to ${formatCount(max)} tokens` : '',
      v.host_bytes ? `${bytes(v.host_bytes)} in system RAM` : ''].filter(Boolean).join(' · ');
  } else if (v.fit === 'offload' && v.n_cpu_moe) {
    headline = `Fits on ${hardwareName(v, unit)} with the experts of ${v.n_cpu_moe} layers in system RAM` + (v.decode_tokens_per_s ? `: ${speed(v.decode_tokens_per_s, v.decode_band)}` : '');
    detail = v.headroom_bytes >= 0 ? `${bytes(v.host_bytes)} in system RAM (llama.cpp --n-cpu-moe ${v.n_cpu_moe}).`
      : `${bytes(v.offload_host_bytes ?? v.host_bytes)} in system RAM (llama.cpp --n-cpu-moe ${v.n_cpu_moe}); the whole model on the GPU is ${bytes(v.headroom_bytes)} short.`;
  } else if (v.fit === 'offload') {
    const onHost = v.n_layer + 1 - v.gpu_layers;
    headline = `Fits on ${hardwareName(v, unit)} with ${onHost} of ${v.n_layer + 1} layers on the CPU` + (v.decode_tokens_per_s ? `: ${speed(v.decode_tokens_per_s, v.decode_band)}` : '');
    detail = `${bytes(v.offload_host_bytes ?? v.host_bytes)} in system RAM (llama.cpp -ngl ${v.gpu_layers}); the whole model on the GPU is ${bytes(v.headroom_bytes)} short.`;
    if (v.headroom_bytes >= 0) detail = `${bytes(v.host_bytes)} in system RAM (llama.cpp -ngl ${v.gpu_layers}).`;
  } else {
    headline = `${training ? 'Training does not fit' : 'Does not fit'} on ${hardwareName(v, unit)}: ${bytes(v.headroom_bytes)} short`;
    detail = v.reason ?? (v.changes.length ? 'What would make it fit:' : 'No change tried here makes it fit: a larger GPU, or more of them.');
  }
  const offloading = (c) => (v.n_cpu_moe ? c.set.n_cpu_moe !== undefined : c.set.gpu_layers !== undefined) && Object.keys(c.set).length === 1;
  const changes = (v.changes ?? []).filter((c) => !(v.fit === 'offload' && offloading(c) && v.headroom_bytes < 0))
    .map((c) => ({
      label: changeLabel(c.set, v),
      note: [`${bytes(c.headroom_bytes)} to spare`, speed(c.decode_tokens_per_s, c.decode_band)].filter(Boolean).join(', '),
      fields: changeFields(c.set),
    }));
  return { fit: v.fit, headline, detail, changes };
}
