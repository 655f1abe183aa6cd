// A Hub model's safetensors headers as the estimate request's `weights` (core/weight_files.h): every shard its
// index names (or its one top-level .safetensors file), each header read by Range (a first 64 KiB, then exactly the
// length the file declares), a few at once. Nothing but headers is fetched. The page (page/features/weight-files.js)
// and the CLI share it.
import { HubError, fetchFileStart, listWeightFiles } from './hub-fetch.js';
import { readFileHeader } from './file-header.js';

// The most files read for one model: DeepSeek-V3 has 163 shards; a checkpoint of more is answered by its config.
export const MAX_FILES = 256;
const PARALLEL = 6;

// Resolves to { weights: one digest per file, files: their names, read: bytes fetched } or, when the files cannot
// say what one checkpoint stores, { skipped: why }. Throws a HubError when a listed file cannot be read (a 404 on
// one shard): a partial checkpoint would undercount. `options`: hub-fetch.js's (token, signal, endpoint, timeoutMs).
export async function hubWeightDigests(id, options = {}) {
  const { safetensors, sharded, indexProblem } = await listWeightFiles(id, options);
  if (indexProblem) return { skipped: indexProblem };
  if (!safetensors.length) return { skipped: `${id} stores no .safetensors file` };
  if (!sharded && safetensors.length > 1) return { skipped: `${id} holds ${safetensors.length} .safetensors files and no index saying which form the checkpoint` };
  if (safetensors.length > MAX_FILES) return { skipped: `${safetensors.length} safetensors files, more than the ${MAX_FILES} read` };
  const weights = new Array(safetensors.length);
  let read = 0;
  let next = 0;
  const worker = async () => {
    while (next < safetensors.length) {
      const i = next++;
      const name = safetensors[i];
      const result = await readFileHeader((end) => fetchFileStart(id, name, end, options));
      read += result.read ?? 0;
      if (result.header.status !== 'ok' || !result.header.weights) {
        throw new HubError('http', `${name}: ${result.header.issues?.[0]?.message ?? 'its header could not be read'}.`, { modelId: id });
      }
      weights[i] = result.header.weights;
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, safetensors.length) }, worker));
  return { weights, files: safetensors, read };
}

// What report.weight_files says, in one sentence for the page and the CLI.
export function weightFilesSentence(report, count = (n) => n.toLocaleString('en-US')) {
  const f = report?.weight_files;
  if (!f) return '';
  const files = `${f.files} safetensors file${f.files > 1 ? 's' : ''} (${count(f.tensors)} tensors)`;
  const extra = [
    f.auxiliary_elements ? `${count(f.auxiliary_elements)} stored elements are quantization scales, indices or buffers, not parameters` : '',
    ...f.inferred,
  ].filter(Boolean);
  const main = f.weights_from === 'files'
    ? `Weights from the checkpoint's ${files}: ${count(f.parameters)} parameters, where config.json's reading gives ${count(f.rule_parameters)} (${f.difference > 0 ? '+' : ''}${count(f.difference)}); the estimate counts the files.`
    : `Weights checked against the checkpoint's ${files}: ${count(f.parameters)} parameters, exactly config.json's count.`;
  return extra.length ? `${main} ${extra.map((e) => e[0].toUpperCase() + e.slice(1)).join('. ')}.` : main;
}
