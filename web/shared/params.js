// The page's URL parameters and the <neuro-shrink> element's attributes: one spelling per option, the
// kebab-case of its request field, with the names used before kept as aliases so that old links and embeds
// keep working.
//
// TO BE REPLACED by the core's schema: where catalogue().options lists an option (its "param" and "aliases";
// the training options as "training.<field>"), paramNames() takes the spellings from there, and this table only
// adds the older names the page and the element used.
const TABLE = {
  model_id: ['model-id', 'model'],
  quantization: ['quantization', 'q'],
  context_tokens: ['context-tokens', 'context', 'ctx'],
  batch_size: ['batch-size', 'batch'],
  runtime: ['runtime'],
  kv_cache_dtype: ['kv-cache-dtype', 'kv'],
  gpu: ['gpu'],
  gpus: ['gpus'],
  gpu_memory_bytes: ['gpu-memory', 'vram'],
  mode: ['mode'],
  method: ['method'],
  precision: ['precision'],
  optimizer: ['optimizer'],
  checkpointing: ['checkpointing'],
  lora_rank: ['lora-rank'],
  zero: ['zero'],
  config_only: ['config-only'],
};

// { field: [spelling, ...aliases] } for every field above; `options` is catalogue().options when the core has it
// (its aliases that start with "-" are the CLI's flags, not parameters).
export function paramNames(options) {
  const names = {};
  for (const o of options ?? []) if (SETTING_GROUPS.includes(o.group)) names[o.name] = [o.param, ...(o.aliases ?? []).filter((a) => !a.startsWith('-'))];
  for (const [field, old] of Object.entries(TABLE)) {
    const o = options?.find?.((x) => x.name === field || x.name === `training.${field}`);
    names[field] = o?.param ? [...new Set([o.param, ...(o.aliases ?? []).filter((a) => !a.startsWith('-')), ...old])] : old;
  }
  return names;
}

// The first of a field's spellings that `get` has a value for (a URLSearchParams' or an element's), else null.
export function readParam(names, field, get) {
  for (const name of names[field] ?? []) {
    const value = get(name);
    if (value !== null && value !== undefined) return value;
  }
  return null;
}

// The groups of settings the page's form and the element's attributes carry without laying each out: llama.cpp's,
// vLLM's and a cluster's, spelled and typed as the core's schema has them.
// The option groups whose settings the page, the element and the URL carry as they are (the runtimes' and the machines').
export const SETTING_GROUPS = ['speed', 'cluster', 'llama.cpp', 'vllm', 'multimodal', 'draft', 'adapters'];

// Those settings as request fields, from read(field) (a URL parameter, an attribute), but the fields in `skip`.
// A boolean setting as a link, an attribute or a checkbox gives it: true, "1", "true", "yes", "on".
export const isOn = (v) => /^(1|true|yes|on)$/i.test(String(v ?? ''));

export function settingsFrom(options, read, skip = []) {
  const out = {};
  for (const o of options ?? []) {
    const v = SETTING_GROUPS.includes(o.group) && !skip.includes(o.name) ? read(o.name) : null;
    if (v == null || v === '') continue;
    const n = Number(v) * (o.param_factor ?? 1);
    // (a value that is not a number goes as typed: the core refuses it by name rather than a silent default)
    out[o.name] = /integer|number/.test(o.type) && Number.isFinite(n) ? (o.type === 'integer' ? Math.round(n) : n) : o.type === 'boolean' ? isOn(v) : String(v);
  }
  return out;
}
