// Speed as people think about it (issue #20), for the page's details and the CLI: the decode figure with the
// range that the hardware family's published runs give around it and its band (seed 001's painful /
// acceptable / smooth, named by the core), the prefill, and the time to first token for the prompt. Every
// figure is report.speed's; nothing here estimates.
import { rate } from './verdict.js';

// "~136 tokens/s (117 to 147), smooth" ("~136 tokens/s per sequence (...)" with that unit).
export function decodeText(sp, unit = 'tokens/s') {
  if (!sp?.known) return '';
  const range = sp.decode_low_tokens_per_s ? ` (${rate(sp.decode_low_tokens_per_s)} to ${rate(sp.decode_high_tokens_per_s)})` : '';
  return `~${rate(sp.decode_tokens_per_s)} ${unit}${range}${sp.band ? `, ${sp.band}` : ''}`;
}

// "first token after ~0.23 s for a 2,000-token prompt" ("" when prefill is unknown).
export function firstTokenText(sp, formatCount) {
  if (!(sp?.first_token_s > 0)) return '';
  const s = sp.first_token_s;
  const time = s >= 60 ? `${(s / 60).toFixed(1)} min` : s >= 10 ? `${Math.round(s)} s` : `${s.toFixed(s >= 1 ? 1 : 2)} s`;
  return `first token after ~${time} for a ${formatCount(sp.prompt_tokens)}-token prompt`;
}

// The lines both front ends print under "Speed on <hardware>".
export function speedLines(sp, formatCount) {
  if (!sp?.known) return [];
  return [
    `decode ${decodeText(sp, 'tokens/s per sequence')}; ${sp.decode_bound} bound`,
    sp.prefill_tokens_per_s > 0 ? `prefill ~${Math.round(sp.prefill_tokens_per_s)} tokens/s; ${firstTokenText(sp, formatCount)}` : `prefill unknown: ${sp.reason}`,
  ];
}
