// GGUF-only repositories (bartowski/...-GGUF, unsloth/...-GGUF, lmstudio-community/...): no config.json, so the
// model is one of its .gguf files, read by Range up to the end of its header and estimated from it alone (the
// core's estimateFile). Shared by the page, the element and the CLI.
import { catalogue } from './estimator.js';
import { estimateFile, readFileHeader } from './file-header.js';
import { HubError, fetchFileStart, listWeightFiles } from './hub-fetch.js';

// The llama-quantize type a GGUF file's name carries ("Qwen2.5-7B-Instruct-Q4_K_M.gguf" -> "Q4_K_M"), or '': the
// longest of the core's file types (catalogue().gguf_file_types, with llama-quantize's Q3_K/Q4_K/Q5_K for the _M
// mixes) standing between separators.
function typeOf(name, types) {
  const words = name.toUpperCase().split(/[-_.]/);
  const hits = types.filter((t) => {
    const parts = t.split('_');
    return words.some((_, i) => parts.every((p, k) => words[i + k] === p));
  });
  const best = hits.sort((a, b) => b.length - a.length)[0] ?? '';
  return /^Q[345]_K$/.test(best) ? `${best}_M` : best;
}
const SPLIT = /-(\d{5})-of-(\d{5})\.gguf$/i;
const DEFAULT_TYPE = 'Q4_K_M';  // what llama-server -hf takes when no type is named

// The model files of a repository's .gguf list, split files as one (their first part), projector files (mmproj)
// left out: [{ file, type, parts }]; `types` the file-type names to recognise.
export function ggufFiles(names, types) {
  const out = [];
  for (const name of names) {
    if (/mmproj/i.test(name)) continue;
    const split = SPLIT.exec(name);
    if (split && split[1] !== '00001') continue;
    out.push({ file: name, type: typeOf(name.split('/').pop().replace(SPLIT, '.gguf'), types), parts: split ? Number(split[2]) : 1 });
  }
  return out;
}

// The file for `type` (any case), else llama-server's default Q4_K_M, else the first.
export function pickGgufFile(files, type) {
  const want = String(type ?? '').toUpperCase();
  return files.find((f) => want && f.type === want) ?? files.find((f) => f.type === DEFAULT_TYPE) ?? files[0];
}

// The projector file (mmproj) llama-server -hf loads beside a model of `type`, as llama.cpp's find_best_sibling
// picks it (common/download.cpp): of the files named "mmproj", the one whose quantization bits (the first number
// of the name's last tag: Q4_K_M 4, Q8_0 8, F16 and BF16 16, F32 32) are closest to the model's, the first listed
// on a tie; undefined when the repository has none.
const quantBits = (name) => Number(/\d+/.exec(name.split('/').pop().replace(/\.gguf$/i, '').split('-').pop())?.[0] ?? NaN);
export function pickMmproj(names, type) {
  const all = names.filter((n) => /mmproj/i.test(n) && !SPLIT.test(n));
  const want = quantBits(String(type || DEFAULT_TYPE));
  const gap = (n) => (Number.isFinite(quantBits(n)) ? Math.abs(quantBits(n) - want) : Infinity);
  return all.reduce((best, n) => (best === undefined || gap(n) < gap(best) ? n : best), undefined);
}

// The header digest of a repository's projector file (the request's mmproj_file), or null when it has none.
async function mmprojOf(id, names, type, options) {
  const name = pickMmproj(names, type);
  if (!name) return null;
  const read = await readFileHeader((end) => fetchFileStart(id, name, end, options));
  if (read.header.status !== 'ok' || !read.header.projector) {
    throw new HubError('http', `${name}: ${read.header.issues?.[0]?.message ?? 'not a multimodal projector (mmproj) GGUF'}.`, { modelId: id });
  }
  return { file: name, digest: read.header.projector, read: read.read };
}

// The projector file llama-server -hf would load beside the repository's model of `type`, read alone (for a model
// whose header is already in hand): { file, digest, read }, or null when the repository has none.
export async function ggufRepoProjector(id, { type, ...options } = {}) {
  const { gguf } = await listWeightFiles(id, options);
  return mmprojOf(id, gguf, type, options);
}

// The model of a GGUF-only repository: { id, file, type, files, header bytes and size (for estimateFile), read },
// its projector files' names (`projectors`), and with `mmproj` the one llama-server -hf loads: { file, digest, read }
// (null when the repository has none).
// Throws a HubError when the repository holds no GGUF model file, or only split ones (not read yet).
// `options`: hub-fetch.js's (token, signal, endpoint, timeoutMs).
export async function ggufRepoModel(id, { type, mmproj, ...options } = {}) {
  const { gguf } = await listWeightFiles(id, options);
  const types = [...(await catalogue()).gguf_file_types.map((t) => t.name), 'Q3_K', 'Q4_K', 'Q5_K'];
  const files = ggufFiles(gguf, types);
  if (!files.length) throw new HubError('not_found', `"${id}" has no config.json and no GGUF model file: give the model's config.json instead.`, { modelId: id });
  const pick = pickGgufFile(files, type);
  // A split file (llama.cpp's gguf-split): every part's header, in order; the core joins their tensors.
  const names = pick.parts > 1 ? Array.from({ length: pick.parts }, (_, i) => pick.file.replace(SPLIT, `-${String(i + 1).padStart(5, '0')}-of-${String(pick.parts).padStart(5, '0')}.gguf`)) : [pick.file];
  const reads = [];
  for (const name of names) {
    const read = await readFileHeader((end) => fetchFileStart(id, name, end, options));
    if (read.header.status !== 'ok') throw new HubError('http', `${name}: ${read.header.issues?.[0]?.message ?? 'its header could not be read'}.`, { modelId: id });
    reads.push(read);
  }
  const bytes = new Uint8Array(reads.reduce((a, r) => a + r.bytes.length, 0));
  let at = 0;
  for (const r of reads) { bytes.set(r.bytes, at); at += r.bytes.length; }
  const projector = mmproj ? await mmprojOf(id, gguf, pick.type || type, options) : undefined;
  return {
    id, file: pick.file, type: pick.type, files, bytes, size: reads[0].size, read: reads.reduce((a, r) => a + r.read, 0) + (projector?.read ?? 0),
    mmproj: projector, projectors: gguf.filter((n) => /mmproj/i.test(n)),
    size_total: reads.reduce((a, r) => a + r.size, 0),
    parts: reads.length > 1 ? reads.map((r) => ({ bytes: r.bytes.length, size: r.size })) : undefined,
  };
}

export { estimateFile };
