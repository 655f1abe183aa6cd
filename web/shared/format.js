// How every front end (the page, the <neuro-shrink> element, the CLI) writes a report's numbers.

// Bytes in binary units (GiB = 2^30 bytes: what the estimate and drivers count in) or decimal ones (GB = 10^9:
// what spec sheets print). Below a hundredth of the unit, the next smaller one, so that a small component
// does not read "0.00 GiB".
const UNITS = { GiB: [2 ** 30, 1024, 'GiB', 'MiB', 'KiB'], GB: [1e9, 1000, 'GB', 'MB', 'kB'] };

export function formatBytes(bytes, unit = 'GiB') {
  const [big, step, ...names] = UNITS[unit] ?? UNITS.GiB;
  if (bytes >= 0.01 * big || bytes === 0) return `${(bytes / big).toFixed(2)} ${names[0]}`;
  if (bytes >= step * step) return `${(bytes / (step * step)).toFixed(2)} ${names[1]}`;
  if (bytes >= step) return `${(bytes / step).toFixed(2)} ${names[2]}`;
  return `${Math.round(bytes)} B`;
}

// 8,030,261,248
export const formatCount = (n) => Number(n).toLocaleString('en-US');

// 8.03 B
export function formatShort(n) {
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)} T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  return String(n);
}

// The rows of a report's memory breakdown, for any runtime and mode, from its components (each runtime's
// report lists its own allocations with labels): [{ label, bytes, share }] and the total they add up to.
// Inference: every component (the core's labels name the host ones); one that each GPU holds counts once per
// GPU in the total (which is then the report's memory.total_bytes) and says "(each GPU)". Training: what one
// GPU holds (its report's components are per GPU; offloaded ones are on the host).
export function breakdown(report) {
  const training = !!report.training;
  const gpus = report.request?.gpus > 1 ? report.request.gpus : 1;
  const parts = report.components
    .filter((c) => !training || c.device !== 'host')
    .map((c) => {
      const times = training ? 1 : c.copies ?? (c.per_gpu && c.device !== 'host' ? gpus : 1);
      return { label: c.label + (times > 1 ? ' (each GPU)' : ''), bytes: c.bytes, times };
    });
  const total = parts.reduce((a, p) => a + p.bytes * p.times, 0);
  for (const p of parts) p.share = total ? (100 * p.bytes * p.times) / total : 0;
  return { rows: parts, total };
}
