// Reading a weight file's header in slices, shared by the page (a dropped File, a Hub file by Range) and the
// CLI (a local file, a URL). Loaded on use, so it weighs nothing on the page's first answer.
import { fileHeader } from './estimator.js';

// A weight file's header through `slice(end)`, which resolves to { bytes: its first `end` bytes, size: the
// file's size when known }: a first 64 KiB, then exactly the length safetensors declares; a GGUF header's
// length is not declared, so its slices grow fourfold until the tensor infos are in (a 150K-token vocabulary
// makes a header of a few MB). Resolves to { header, read, size }, with `truncated` when the file ends inside
// its header and `tooLarge` after ten slices.
export async function readFileHeader(slice, options) {
  let want = 64 * 1024;
  let last;
  for (let round = 0; round < 10; round++) {
    const { bytes, size } = await slice(want);
    const header = await fileHeader(bytes, size, options);
    last = { header, read: bytes.length, size };
    if (header.status !== 'need_more') return last;
    if (size && header.needed_bytes > size) return { ...last, truncated: true };
    want = header.format === 'gguf' ? Math.max(header.needed_bytes, want * 4) : header.needed_bytes;
  }
  return { ...last, tooLarge: true };
}
