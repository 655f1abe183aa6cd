// Reading a weight file's header in slices, shared by the page (a dropped File, a Hub file by Range) and the
// CLI (a local file, a URL). Loaded on use, so it weighs nothing on the page's first answer.
import { catalogue, expandFits, fileHeader, loadEstimator } from './estimator.js';

// The first slice: a safetensors header's length and, most often, the whole header of either format.
const FIRST_SLICE = 64 * 1024;
// Slices asked at most: a GGUF header's slices grow fourfold, from 64 KiB to the byte cap in seven.
const MAX_ROUNDS = 10;
// GGUF files begin with "GGUF" (ggml's gguf.h GGUF_MAGIC); a safetensors file's JSON header begins with "{"
// right after its 8-byte length (the safetensors format; safetensors' InvalidHeaderStart).
const GGUF_MAGIC = [0x47, 0x47, 0x55, 0x46];
const SAFETENSORS_JSON_AT = 8;
const JSON_OPEN = 0x7b;
// Bytes shown of a file that is neither format.
const SHOWN_BYTES = 16;

// The most of a file this reader fetches for a header: the core's limits.header_json_bytes (safetensors' own
// cap on its JSON header) plus the 8-byte length before it. A GGUF header is held to the same cap (real ones
// are a few MB: a 262k-token vocabulary). A build whose catalogue has no limits: MAX_ROUNDS only.
async function headerCap(options) {
  const limit = (await catalogue(options)).limits?.header_json_bytes;
  return Number.isSafeInteger(limit) ? limit + SAFETENSORS_JSON_AT : Infinity;
}

// Neither format, from the first bytes alone. A file too short to tell goes to the core, which names what is
// wrong with it (a safetensors length past the format's cap, say).
function neitherFormat(bytes) {
  if (GGUF_MAGIC.every((b, i) => bytes[i] === b) || bytes.length <= SAFETENSORS_JSON_AT) return false;
  return bytes[SAFETENSORS_JSON_AT] !== JSON_OPEN;
}

// The first bytes in hex, and as text when they all are printable (an HTML error page, a JSON file).
function showBytes(bytes) {
  const first = bytes.subarray(0, SHOWN_BYTES);
  const hex = [...first].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = String.fromCharCode(...first);
  return /^[\x20-\x7e\t\r\n]+$/.test(text) ? `${hex}, "${text.replace(/\s+/g, ' ')}"` : hex;
}

// A result without a header from the core, worded as the core words its own (issues[0]), so that every front
// end shows it as it shows an invalid header.
function refused(code, message, fields) {
  return { ...fields, header: { status: 'invalid', format: '', issues: [{ code, field: 'file', message, level: 'error' }] } };
}

// A weight file's header through `slice(end)`, which resolves to { bytes: its first `end` bytes (fewer where the
// file ends), size: the file's size when known }: a first 64 KiB, then exactly the length safetensors declares;
// a GGUF header's length is not declared, so its slices grow fourfold until the tensor infos are in (a
// 150K-token vocabulary makes a header of a few MB). Resolves to { header, read, size, bytes }, and
//   empty / notWeightFile: the file is empty, or is neither format (header: an invalid one saying so);
//   truncated: the file ends inside its header; tooLarge (with `cap`): the header needs more than the cap.
export async function readFileHeader(slice, options) {
  const cap = await headerCap(options);
  let want = Math.min(FIRST_SLICE, cap);
  let last;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { bytes, size: told } = await slice(want);
    const size = told || (bytes.length < want ? bytes.length : 0);  // a short slice is the whole file
    if (told && bytes.length < Math.min(want, told)) {
      // The file is larger, yet fewer bytes came than were asked: the server cuts its Range answers short.
      return refused('short_answer', `The server sent ${bytes.length.toLocaleString('en-US')} bytes where ${Math.min(want, told).toLocaleString('en-US')} ` +
        `were asked, of a ${told.toLocaleString('en-US')}-byte file: it cuts its Range answers short.`, { short: true, read: bytes.length, size: told });
    }
    if (round === 0 && !bytes.length) return refused('empty_file', 'The file is empty.', { empty: true, read: 0, size });
    if (round === 0 && neitherFormat(bytes)) {
      return refused('not_weight_file', `This is not a GGUF or safetensors file: its first bytes are ${showBytes(bytes)}.`,
        { notWeightFile: true, firstBytes: bytes.subarray(0, SHOWN_BYTES), read: bytes.length, size });
    }
    const header = await fileHeader(bytes, size, options);
    last = { header, read: bytes.length, size, bytes };
    if (header.status !== 'need_more') return last;
    if (size && header.needed_bytes > size) return { ...last, truncated: true };
    if (header.needed_bytes > cap) return { ...last, tooLarge: true, cap };
    want = Math.min(cap, header.format === 'gguf' ? Math.max(header.needed_bytes, want * 4) : header.needed_bytes);
  }
  return { ...last, tooLarge: true, cap };
}

// What to tell the user about a result of readFileHeader whose header is not ok: one sentence naming the file.
export function headerProblem(result, name) {
  const count = (n) => n.toLocaleString('en-US');
  if (result.empty) return `${name} is empty.`;
  if (result.short) return `${name}: ${result.header.issues[0].message}`;
  if (result.notWeightFile) return `${name} is not a GGUF or safetensors file (its first bytes are ${showBytes(result.firstBytes)}).`;
  if (result.truncated) {
    return `${name} ends inside its own header (the file has ${count(result.size)} bytes, the header needs ${count(result.header.needed_bytes)}).`;
  }
  if (result.tooLarge && Number.isFinite(result.cap)) {
    return `the header of ${name} needs more than ${count(result.cap)} bytes, the most this reader fetches (safetensors' own cap on a header).`;
  }
  if (result.tooLarge) return `the header of ${name} is still incomplete after ${MAX_ROUNDS} reads (${count(result.read)} bytes).`;
  return `${name}: ${result.header?.issues?.[0]?.message ?? 'not a GGUF or safetensors file.'}`;
}

// The estimate of a GGUF file alone (no config.json): `bytes` its first bytes through the header (what
// readFileHeader read), `size` the file's size, `request` an estimate request without config. The report is
// llama.cpp's estimate with the file's own tensors as the weights, and report.file says what was read.
// `bytes` may be a file as gguf-repo.js gives it ({ bytes, size, parts }: a split GGUF's parts, each header in turn).
export async function estimateFile(bytes, size, request, options) {
  const mod = await loadEstimator(options);
  const file = bytes?.bytes ? bytes : { bytes, size };
  const req = file.parts ? { ...request, parts: file.parts } : request;
  return expandFits(JSON.parse(mod.estimateFile(file.bytes, file.size || 0, JSON.stringify(req))), mod);
}
