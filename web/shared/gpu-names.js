// A GPU as people type it ("3060", "m4 max", "p40", "rtx pro 6000") -> the catalogue name it means: the exact
// name (any case), else the GPUs whose name holds every typed word; of several, the smallest (the catalogue is
// ordered by memory, and a fit there holds on the larger ones), unless one name ends with the typed text.
// { name, matches }; name '' when none matches.
export function resolveGpu(typed, gpus) {
  const text = String(typed ?? '').trim().toLowerCase();
  if (!text) return { name: '', matches: [] };
  const exact = gpus.find((g) => g.name.toLowerCase() === text);
  if (exact) return { name: exact.name, matches: [exact] };
  const words = text.split(/\s+/);
  const matches = gpus.filter((g) => {
    const name = g.name.toLowerCase();
    return words.every((w) => new RegExp(`(^|[^a-z0-9])${w.replace(/[^a-z0-9]/g, (c) => `\\${c}`)}`).test(name));
  });
  // "3060" means the RTX 3060, not the 3060 Ti: a name that ends with what was typed comes first.
  const ending = matches.filter((g) => g.name.toLowerCase().endsWith(text));
  if (ending.length === 1) return { name: ending[0].name, matches: ending };
  return { name: matches[0]?.name ?? '', matches };
}
