#!/usr/bin/env node
// neuro-shrink on the command line: the same wasm estimator and the same Hub-fetch module as the page,
// loaded from dist/ (run scripts/build.sh first). Exit codes: 0 done, 1 model/config/Hub problem, 2 usage.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// The flags that are the CLI's own (the request's options come from the core: catalogue().options).
const CLI_FLAGS = {
  file: { type: 'string' },
  'draft-file': { type: 'string' },
  json: { type: 'boolean' },
  compare: { type: 'boolean' },
  version: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const USAGE_HEAD = `Usage: neuro-shrink (--model ID | --config FILE) [options]

How much GPU memory a model needs, from its config.json.`;

const CLI_USAGE = {
  model: `  --file PATH_OR_URL            a .gguf or .safetensors file (local, or an http(s) URL such as a Hub resolve link): only
                                its header is read (HTTP Range requests), and its tensors, types and bytes are printed;
                                with --model or --config too, beside the config-derived estimate
  --draft-file PATH_OR_URL      speculative decoding: the draft model's GGUF (its header is read, as --file's): its
                                architecture and file type give draft_config and draft_quantization`,
  output: `  --json                        print the full report as JSON on stdout (progress and warnings go to stderr)
  --compare                     also print what other tools say for the same setting (the rule of thumb, accelerate's
                                estimate-memory), each with its formula and what it leaves out
  --version                     the version (package.json's)
  -h, --help                    this text`,
};

// The token/env paragraph of --help, kept word for word.
const ENVIRONMENT = `Environment:
  HF_ENDPOINT          the Hub URL (default https://huggingface.co)
  HF_TOKEN             sent as a bearer token, only over HTTPS and only to the Hub: huggingface.co and its
                       subdomains, or exactly HF_ENDPOINT's origin when it is set (plain http only for a loopback
                       HF_ENDPOINT: localhost, 127.x.x.x, [::1]); never after a redirect to another origin.
                       A --file URL that passes this rule gets it too.
  HF_HUB_DOWNLOAD_TIMEOUT   seconds a request may go without progress, connecting or reading (default 10)`;

// The options' groups (catalogue().options[].group) as --help and the README title them, in this order.
const GROUP_TITLES = {
  model: 'Model',
  inference: 'Inference',
  speed: 'Speed on the chosen GPU',
  'llama.cpp': 'llama.cpp (--runtime llama.cpp)',
  vllm: 'vLLM (--runtime vllm)',
  cluster: 'Machines: several GPUs or machines, system RAM',
  multimodal: 'Images (a vision-language model)',
  draft: 'Speculative decoding: a draft model or the model\'s MTP layers',
  adapters: 'LoRA adapters at inference',
  training: 'Training and fine-tuning, per GPU (--mode train)',
};

// A failure the user can act on: one line on stderr and an exit code.
class CliError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
const usageError = (message) => new CliError(`${message} See --help.`, 2);

// "a, b or c"
const oneOf = (values) => (values.length > 1 ? `${values.slice(0, -1).join(', ')} or ${values.at(-1)}` : String(values[0] ?? ''));

// The CLI flags of an option: its flag, then its "--" aliases (options.h's naming rule).
const flagsOf = (o) => (o.flag ? [o.flag, ...o.aliases.filter((a) => a.startsWith('--'))] : []);
const jsonAliasesOf = (o) => o.aliases.filter((a) => !a.startsWith('--'));
const metavarOf = (o) => (o.type === 'boolean' ? '' : o.metavar ?? (o.closed ? o.values.join('|') : 'VALUE'));
// A bound in the flag's unit (GiB for --gpu-memory, GB/s for --host-bandwidth).
const inCliUnit = (o, v) => (o.cli_factor ? v / o.cli_factor : v);

// What an option takes, in words (--help, README): "1 to 134217728 tokens", "a fraction in (0, 1]".
function takesText(o) {
  switch (o.type) {
    case 'integer':
      if (o.cli_factor) return `up to ${inCliUnit(o, o.max)} ${o.cli_unit}`;
      return [o.max !== undefined ? `${o.min} to ${o.max}` : `${o.min} or more`, o.unit].filter(Boolean).join(' ');
    case 'number':
      return `${o.unit === 'fraction' ? 'a fraction' : 'a number'} in ${o.min_exclusive ? '(' : '['}${o.min}, ${o.max}]`;
    case 'boolean': return '';
    case 'enum':
    case 'list': {
      if (o.values_from) return o.accepts ?? `a name from catalogue().${o.values_from}`;
      if (!o.values?.length) return `a comma list of ${o.accepts}`;
      const values = o.closed ? oneOf(o.values.map(String)) : o.values.length > 20 && o.accepts ? o.accepts : o.values.join(', ');
      const also = o.closed || values === o.accepts || !o.accepts ? '' : `; also ${o.accepts}`;
      return (o.type === 'list' ? `a comma list of ${values}` : values) + also;
    }
    default: return '';
  }
}

function defaultText(o) {
  if (o.default !== null && o.default !== undefined && o.type !== 'boolean') return `default ${o.default}`;
  return o.default_text ? `default: ${o.default_text}` : '';
}

// Words wrapped to `width` columns, every line after the first indented by `indent`.
function wrap(text, indent, width = 116) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

// --help, from the core's options schema.
function usageText(options) {
  const column = 32;
  const entry = (left, text) => {
    const head = `  ${left}`;
    const pad = head.length + 1 < column ? ' '.repeat(column - head.length) : `\n${' '.repeat(column)}`;
    return `${head}${pad}${wrap(text, column)}`;
  };
  const sections = [USAGE_HEAD];
  const groups = [...new Set(options.filter((o) => o.flag).map((o) => o.group))];
  for (const group of groups) {
    const lines = [`${GROUP_TITLES[group] ?? group}:`];
    for (const o of options.filter((x) => x.flag && x.group === group)) {
      const mv = metavarOf(o);
      const details = [o.closed ? '' : takesText(o), defaultText(o)].filter(Boolean);
      lines.push(entry(`${flagsOf(o).join(', ')}${mv ? ` ${mv}` : ''}`, `${o.doc}${details.length ? ` (${details.join('; ')})` : ''}`));
    }
    if (CLI_USAGE[group]) lines.push(CLI_USAGE[group]);
    sections.push(lines.join('\n'));
  }
  sections.push(`Output:\n${CLI_USAGE.output}`, ENVIRONMENT);
  return `${sections.join('\n\n')}\n`;
}

// The README's flag list, from the same schema (scripts/options-doc.mjs prints it; tests/node/schema.test.mjs
// checks that the README holds it).
function optionsMarkdown(options) {
  const cell = (text) => String(text).replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const code = (t) => `\`${t}\``;
  const rows = [
    '| flag | JSON field | URL parameter / attribute | takes | default | what |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const o of options.filter((x) => x.flag)) {
    const mv = metavarOf(o);
    const flags = flagsOf(o).map((f, i) => code(i === 0 && mv ? `${f} ${mv}` : f)).join(', ');
    const params = [o.param, ...jsonAliasesOf(o)].map(code).join(', ');
    const json = [o.name, ...jsonAliasesOf(o)].map(code).join(', ');
    const takes = takesText(o) + (o.cli_unit && o.cli_unit !== 'file' ? ` (JSON: ${o.unit})` : '');
    rows.push(`| ${cell(flags)} | ${cell(json)} | ${cell(params)} | ${cell(takes)} | ${cell(defaultText(o).replace(/^default:? /, ''))} | ${cell(o.doc)} |`);
  }
  return `${rows.join('\n')}\n`;
}

// node:util's messages, reworded where they are unclear for a person typing the command.
function usageMessage(err) {
  const first = String(err.message).split('\n')[0].trim();
  const missing = first.match(/^Option '(--[\w-]+)[^']*' argument (?:missing|is ambiguous)/);
  if (missing) return `${missing[1]} needs a value.`;
  const unknown = first.match(/^Unknown option '([^']+)'/);
  if (unknown) return `unknown option ${unknown[1]}.`;
  const positional = first.match(/^Unexpected argument '([^']*)'/);
  if (positional) return `unexpected argument "${positional[1]}" (every value follows its flag, e.g. --model ID).`;
  return first.endsWith('.') ? first : `${first}.`;
}

// One flag's text as the option's JSON value, or a usage error in the option's terms.
function optionValue(o, flag, text) {
  const refuse = (takes) => usageError(`${flag} takes ${takes}, not "${text}".`);
  switch (o.type) {
    case 'boolean':
      return true;
    case 'integer':
      if (o.cli_factor) {
        const v = Math.round(Number(text) * o.cli_factor);
        if (!/^\d+(\.\d+)?$/.test(text) || v < o.min || v > o.max) throw refuse(`a number of ${o.cli_unit} up to ${inCliUnit(o, o.max)}`);
        return v;
      } else {
        const positive = o.min === 1;
        const words = positive ? 'a positive whole number' : `a whole number from ${o.min} to ${o.max}`;
        if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < o.min) throw refuse(words);
        if (o.max !== undefined && Number(text) > o.max) throw refuse(positive ? `${words} up to ${o.max}` : words);
        return Number(text);
      }
    case 'number': {
      const v = Number(text);
      const low = o.min === undefined || (o.min_exclusive ? v > o.min : v >= o.min);
      if (!/^(\d+\.?\d*|\.\d+)$/.test(text) || !low || (o.max !== undefined && v > o.max)) {
        throw refuse(`${o.unit === 'fraction' ? 'a fraction' : 'a number'} in ${o.min_exclusive ? '(' : '['}${o.min}, ${o.max}]`);
      }
      return v;
    }
    default: {
      const value = text.trim();
      if (!value) throw usageError(`${flag} needs a value.`);
      if (!o.closed) return value;
      const match = o.values.find((v) => String(v).toLowerCase() === value.toLowerCase());
      if (match === undefined) throw refuse(oneOf(o.values.map(String)));
      return match;
    }
  }
}

// The command line as { help } or { model, config, file, json, request }: the request holds every option
// given, under its JSON name (training.* inside request.training).
function parseCommandLine(argv, options, { needModel = true } = {}) {
  const byFlag = new Map();
  for (const o of options) for (const f of flagsOf(o)) byFlag.set(f.slice(2), o);
  const spec = { ...CLI_FLAGS };
  // A list option's flag repeats (--gpu "RTX 3090" --gpu "RTX 3060"): its values join into the comma list it takes.
  for (const [name, o] of byFlag) spec[name] = { type: o.type === 'boolean' ? 'boolean' : 'string', multiple: o.type === 'list' };
  // A negative number after a flag that takes a value is that value (--gpu-layers -1), not a flag.
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    const name = /^--([\w-]+)$/.exec(argv[i])?.[1];
    if (spec[name]?.type === 'string' && /^-\d/.test(argv[i + 1] ?? '')) args.push(`${argv[i]}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  let values;
  try {
    ({ values } = parseArgs({ args, options: spec, strict: true, allowPositionals: false }));
  } catch (err) {
    throw usageError(usageMessage(err));
  }
  if (values.help) return { help: true };
  if (values.version) return { version: true };
  const given = options.map((o) => ({ o, flags: flagsOf(o).filter((f) => values[f.slice(2)] !== undefined) })).filter((g) => g.flags.length);
  for (const { flags } of given) if (flags.length > 1) throw usageError(`${flags[1]} and ${flags[0]} mean the same; give one.`);
  const parsed = { file: values.file, draftFile: values['draft-file'], json: values.json ?? false, compare: values.compare ?? false, request: {} };
  for (const { o, flags: [flag] } of given) {
    const raw = values[flag.slice(2)];
    const text = Array.isArray(raw) ? raw.join(',') : raw;
    if (o.name === 'model_id') parsed.model = text;
    else if (o.name === 'config') parsed.config = text;
    else {
      const value = optionValue(o, flag, text);
      const [head, key] = o.name.split('.');
      if (key) (parsed.request[head] ??= {})[key] = value;
      else parsed.request[head] = value;
    }
  }
  if (parsed.model && parsed.config) throw usageError('give one of --model ID or --config FILE, not both.');
  if ([parsed.draftFile, parsed.request.draft_config].filter(Boolean).length > 1) throw usageError('give one of --draft-config FILE or --draft-file GGUF, not both.');
  if (needModel && !parsed.model && !parsed.config && !parsed.file) throw usageError('give --model ID, --config FILE or --file PATH_OR_URL.');
  const training = given.find(({ o }) => o.group === 'training');
  if (training && parsed.request.mode !== 'train') throw usageError(`${training.flags[0]} is a training setting: add --mode train.`);
  return parsed;
}

async function loadModules() {
  const dist = new URL('../dist/', import.meta.url);
  const files = ['neuro-shrink-core.wasm', 'neuro-shrink-core.js', 'shared/estimator.js', 'shared/hub-fetch.js', 'shared/format.js', 'shared/verdict.js', 'shared/weight-files.js', 'shared/speed.js'];
  const missing = files.filter((f) => !fs.existsSync(new URL(f, dist)));
  if (missing.length) {
    throw new CliError(`the estimator is not built (dist/${missing[0]} is missing). Run "bash scripts/build.sh" first.`, 2);
  }
  const estimator = await import(new URL('shared/estimator.js', dist).href);
  const hub = await import(new URL('shared/hub-fetch.js', dist).href);
  ({ formatBytes } = await import(new URL('shared/format.js', dist).href));
  ({ verdictText, shortGpuName } = await import(new URL('shared/verdict.js', dist).href));
  ({ weightFilesSentence } = await import(new URL('shared/weight-files.js', dist).href));
  ({ speedLines } = await import(new URL('shared/speed.js', dist).href));
  await estimator.loadEstimator({ wasmBinary: fs.readFileSync(new URL('neuro-shrink-core.wasm', dist)) });
  // The core's caps on its inputs (core/request_limits.h; a build without them leaves the reads uncapped) and
  // its options schema (core/options.h), from which the flags and --help are built.
  const catalogue = await estimator.catalogue();
  if (!Array.isArray(catalogue.options)) {
    throw new CliError('the estimator in dist/ predates its options schema (catalogue().options). Run "bash scripts/build.sh" first.', 2);
  }
  return { estimator, hub, limits: catalogue.limits ?? {}, options: catalogue.options };
}

const sizeText = (bytes) => `${formatBytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;

// Why a local file could not be read, in words where the code is common.
function readFailure(err) {
  return { ENOENT: 'no such file', EISDIR: 'it is a directory', EACCES: 'permission denied' }[err.code] ?? err.code ?? err.message;
}

// --config FILE, or "-" for stdin, read as a stream and never past `cap` (the core's limits.config_bytes).
async function readConfigFile(path, cap = Infinity) {
  const name = path === '-' ? 'stdin' : path;
  const tooLarge = (size) => new CliError(size
    ? `${name} is ${sizeText(size)}; a config.json may be at most ${sizeText(cap)}. Give the path of a config.json.`
    : `${name} holds more than ${sizeText(cap)}, the most a config.json may be; reading stopped there. Give the path of a config.json.`);
  const chunks = [];
  let length = 0;
  try {
    const stat = path === '-' ? null : fs.statSync(path);
    if (stat?.isFile() && stat.size > cap) throw tooLarge(stat.size);
    for await (const chunk of path === '-' ? process.stdin : fs.createReadStream(path)) {
      length += chunk.length;
      if (length > cap) throw tooLarge(0);  // leaving the loop closes the stream: /dev/zero is not read on
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`cannot read ${path} (${readFailure(err)}). Give the path of a config.json.`);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new CliError(`${name} is empty. Give the path of a config.json.`);
  return text;
}

function hubTimeoutMs(hub) {
  const s = Number(process.env.HF_HUB_DOWNLOAD_TIMEOUT);
  return (Number.isFinite(s) && s > 0 ? s : hub.DEFAULT_TIMEOUT_S) * 1000;
}

// What every request takes: the Hub (HF_ENDPOINT), the token (sent where hub.tokenMayGoTo allows) and the timeout.
function hubOptions(hub) {
  return {
    endpoint: process.env.HF_ENDPOINT || hub.DEFAULT_HUB_ENDPOINT,
    token: process.env.HF_TOKEN || '',
    timeoutMs: hubTimeoutMs(hub),
  };
}

// The shared Hub messages say "give its config.json"; on the command line that is --config FILE.
function forTheCommandLine(message) {
  return message.replace(/give (its|the|a) config\.json( instead)?/g, 'give its config.json with --config FILE');
}

// A HubError as the CLI says it, with the knob for a timeout.
function hubFailure(err, hub) {
  let message = forTheCommandLine(err.message);
  if (err.type === 'timeout') message += ` On a slow connection, raise HF_HUB_DOWNLOAD_TIMEOUT (now ${hubTimeoutMs(hub) / 1000} s).`;
  return new CliError(message);
}

async function fetchFromHub(hub, modelId, limits) {
  // One signal for both requests: when config.json fails, the Hub facts are no longer wanted (a stalled or
  // endless answer to them must not keep the CLI waiting or reading).
  const controller = new AbortController();
  const options = { ...hubOptions(hub), maxBytes: limits.config_bytes, signal: controller.signal };
  try {
    hub.validateModelId(modelId);
    process.stderr.write(`[+] Fetching config for ${modelId}...\n`);
    // The Hub's own parameter count and checkpoint size, when it has them, let the core cross-check.
    const facts = hub.fetchHubFacts(modelId, options).catch(() => ({ facts: {} }));
    const config = await hub.fetchConfig(modelId, options);
    return { config, hubFacts: (await facts).facts };
  } catch (err) {
    controller.abort();
    if (err instanceof hub.HubError) throw hubFailure(err, hub);
    throw err;
  }
}

// Sizes in binary units (GiB = 2^30 bytes; below 0.01 GiB in MiB, KiB or bytes): the page's and the element's
// formatter (dist/shared/format.js), set by loadModules().
let formatBytes;
let weightFilesSentence;  // shared/weight-files.js, set by loadModules()

function formatCount(n) {
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)}T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)}K`;
  return String(n);
}

function formatTokens(tokens) {
  return tokens % 1024 === 0 ? `${tokens / 1024}k` : String(tokens);
}

// A GPU's memory as the estimate counts it: on unified memory, the share the GPU may wire.
const usableBytes = (g) => g.usable_bytes ?? g.memory_bytes;
const describeMemory = (g) => (usableBytes(g) !== g.memory_bytes
  ? `${formatBytes(usableBytes(g))} of ${formatBytes(g.memory_bytes)} unified`
  : formatBytes(g.memory_bytes));

// The verdict on the chosen hardware, in the words the page and the element use (shared/verdict.js), and the
// changes that make it fit; with none chosen, the smallest catalogue GPU that holds it.
let verdictText;
let shortGpuName;
let speedLines;
function verdict(report) {
  const v = report.verdict?.fit && report.verdict.fit !== 'unknown' ? verdictText(report) : null;
  if (v) {
    return [`${v.headline}.`, v.detail, ...v.changes.map((c) => `  - ${c.label} (${c.note})`)].filter(Boolean).join('\n');
  }
  const gpus = [...report.fits].sort((a, b) => usableBytes(a) - usableBytes(b));
  const smallest = gpus.find((g) => g.fits);
  if (smallest) {
    const others = gpus.filter((g) => g.fits && g !== smallest).length;
    const n = report.request.gpus > 1 ? `${report.request.gpus} x ` : '';
    return `Fits on ${n}${smallest.name} (${describeMemory(smallest)}${n ? ' each' : ''}, ${formatBytes(smallest.headroom_bytes)} free)` +
      (others ? ` and ${others} other GPU${others > 1 ? 's' : ''} in the catalogue.` : ', the only GPU in the catalogue that fits.');
  }
  const largest = gpus[gpus.length - 1];
  if (!largest) return 'No GPU catalogue to compare with.';
  return `Does not fit on any single GPU in the catalogue: ${formatBytes(report.memory.total_bytes)} needed, ` +
    `the largest (${largest.name}) has ${describeMemory(largest)}.`;
}

// What the chosen runtime allocates, device by device, and what it means on the chosen GPU.
function runtimeDetails(report, width) {
  const lines = [];
  const r = report.request;
  if (report.components?.length) {
    lines.push('', `${report.request.runtime} allocates:`);
    for (const c of report.components) {
      const where = c.device === 'host' ? ', system RAM' : '';
      lines.push(`  ${c.label}${c.per_gpu && r.gpus > 1 ? ' (each GPU)' : ''}${where}: ${formatBytes(c.bytes)}`);
    }
  }
  if (r.settings_text) lines.push(`  ${r.settings_text}`);
  if ((report.devices ?? []).length > 1) {
    lines.push('', 'Per device:');
    // Each device's own fit where the core measured one: "GPU 1 (RTX 3060)  14.49 GiB of 12.00 GiB usable: 2.49 GiB short".
    const fit = (d) => (d.usable_bytes ? ` of ${formatBytes(d.usable_bytes)} usable: ${formatBytes(Math.abs(d.headroom_bytes))} ${d.headroom_bytes < 0 ? 'short' : 'to spare'}` : '');
    const name = (d) => (d.gpu && report.devices.filter((x) => x.kind === 'gpu').length > 1 ? `${d.name} (${shortGpuName(d.gpu)})` : d.name);
    const column = Math.max(width - 2, ...report.devices.map((d) => name(d).length + 2));
    for (const d of report.devices) lines.push(`  ${name(d).padEnd(column)}${formatBytes(d.total_bytes)}${fit(d)}`);
  }
  const v = report.vllm;
  if (v) {
    lines.push('', `vLLM on ${v.gpu} at gpu_memory_utilization ${v.gpu_memory_utilization}:`,
      `  KV cache: ${v.kv_pool_bytes > 0 ? formatBytes(v.kv_pool_bytes) : 'none left'} = ${v.kv_tokens.toLocaleString('en-US')} tokens (${v.blocks} blocks of ${v.block_size})`,
      `  Maximum concurrency at ${r.context_tokens} tokens: ${v.max_concurrency.toFixed(2)}x${v.max_model_len_fits ? '' : ' - max_model_len does not fit'}`);
  }
  const sp = report.speed;
  if (sp?.known) {
    const on = report.verdict?.hardware ?? `${sp.gpu}${r.gpus > 1 ? ` x ${r.gpus}` : ''}`;
    const [decode, prefill] = speedLines(sp, (n) => n.toLocaleString('en-US'));
    lines.push('', `Speed on ${on} (estimate, efficiency ${sp.efficiency}; the range is where its hardware family's published runs fall):`,
      `  ${decode}` + (r.batch_size > 1 ? `, ~${sp.batch_decode_tokens_per_s.toFixed(0)} tokens/s for the batch` : ''), `  ${prefill}`);
  }
  for (const d of [report.draft, report.mtp].filter(Boolean)) {
    const what = d === report.mtp ? 'MTP layers (the model\'s own draft' : `Draft model${d.model_id ? ` ${d.model_id}` : ''} (${d.quantization}`;
    lines.push('', `${what}, ${d.draft_max} token${d.draft_max === 1 ? '' : 's'} drafted per step): ${formatBytes(d.total_bytes)} beside the model`);
    if (d.decode_tokens_per_s_high) {
      lines.push(`  decode ~${d.decode_tokens_per_s_low.toFixed(1)} to ~${d.decode_tokens_per_s_high.toFixed(1)} tokens/s with it, if ${d.acceptance_low * 100} % to ${d.acceptance_high * 100} % of drafted tokens are accepted (the draft alone ~${d.draft_tokens_per_s.toFixed(0)} tokens/s)`);
    }
  }
  for (const c of report.commands ?? []) lines.push('', `Run it: ${c.command}`);
  return lines;
}

// A training report: every term per GPU, then the verdict.
function trainingReport(report) {
  const { parameters: p, memory: m, request: r, training: t } = report;
  const perGpu = r.gpus > 1 ? ' (each GPU)' : '';
  const rows = report.components.filter((c) => !c.host).map((c) => [`${c.label}:`, c.bytes]);
  const width = Math.max(24, ...rows.map(([label]) => label.length + 2));
  const gpuTotal = report.devices[0]?.total_bytes ?? m.total_bytes;
  const method = t.method === 'full' ? 'full fine-tuning' : `${t.method === 'qlora' ? 'QLoRA' : 'LoRA'} rank ${t.lora_rank}`;
  const lines = [
    '',
    `Training Memory${perGpu}: ${method}, ${t.precision}, ${t.optimizer}, ${t.micro_batch} x ${t.seq_len} tokens, checkpointing ${t.checkpointing}` +
      (t.zero ? `, ZeRO-${t.zero} over ${r.gpus} GPUs` : r.gpus > 1 ? `, data parallel over ${r.gpus} GPUs` : ''),
    '--------------------',
    ...rows.map(([label, bytes]) => `${label.padEnd(width)}${formatBytes(bytes)}`),
    '--------------------',
    `${`TOTAL VRAM${perGpu}:`.padEnd(width)}${formatBytes(gpuTotal)}`,
    ...(t.host_bytes ? [`${'Offloaded to system RAM:'.padEnd(width)}${formatBytes(t.host_bytes)}`] : []),
    `Trainable parameters: ${formatCount(t.trainable_parameters)}${t.adapter_parameters ? ` (LoRA adapters ${formatCount(t.adapter_parameters)})` : ''}`,
    '',
    `Verdict: ${verdict(report)}`,
  ];
  return { header: `[+] Model Size: ${formatCount(p.total)} parameters`, body: lines.join('\n') };
}

// vLLM over several GPUs: each layout of them the solver tried, the best marked (core/solver.cpp solve_layouts).
function layoutLines(report) {
  const { layouts = [], best_layout: best = -1 } = report.solver ?? {};
  if (!layouts.length) return [];
  const name = (l) => `${l.data_parallel > 1 ? `DP ${l.data_parallel} x ` : ''}TP ${l.tensor_parallel} x PP ${l.pipeline_parallel}`;
  const gpus = layouts[0].tensor_parallel * layouts[0].pipeline_parallel * layouts[0].data_parallel;
  return ['', `Layouts of these ${gpus} GPUs (best: tensor parallel inside a machine, fastest decode, then most KV tokens):`,
    ...layouts.map((l, i) => `  ${name(l).padEnd(20)} ${l.fits ? 'fits' : 'does not fit'}${l.fits ? `, ${l.kv_tokens.toLocaleString('en-US')} KV tokens${l.data_parallel > 1 ? ' per replica' : ''}` : ''}` +
      `${l.decode_tokens_per_s ? `, ~${l.decode_tokens_per_s.toFixed(0)} tok/s` : ''}${i === best ? '  <- best' : ''}`)];
}

function humanReport(report) {
  if (report.training) return trainingReport(report);
  const { parameters: p, memory: m, request: r } = report;
  const batch = r.batch_size > 1 ? `, batch ${r.batch_size}` : '';
  const rows = [
    [`Weights (${r.quantization_label ?? r.quantization}):`, m.weights_bytes],
    [`KV Cache (${formatTokens(r.context_tokens)} ctx${batch}):`, m.kv_cache_bytes],
    ['Activation Buffer:', m.activations_bytes],
    ['Runtime Overhead:', m.overhead_bytes],
  ];
  const width = Math.max(21, ...rows.map(([label]) => label.length + 2));
  const active = p.active !== p.total ? ` (${formatCount(p.active)} active per token)` : '';
  const lines = [
    '',
    'Memory Requirements:',
    '--------------------',
    ...rows.map(([label, bytes]) => `${label.padEnd(width)}${formatBytes(bytes)}`),
    '--------------------',
    `${(m.host_bytes ? 'TOTAL:' : 'TOTAL VRAM:').padEnd(width)}${formatBytes(m.total_bytes)}`,
    ...(m.host_bytes ? [`${'  on the GPU:'.padEnd(width)}${formatBytes(m.gpu_bytes)}`, `${'  in system RAM:'.padEnd(width)}${formatBytes(m.host_bytes)}`] : []),
    ...runtimeDetails(report, width),
    '',
    `Verdict: ${verdict(report)}`,
    ...layoutLines(report),
    ...(report.hub_check ?? []).map((c) => `Hub check (${c.source}): ${c.verdict} - ${c.message}`),
    ...(report.weight_files ? [weightFilesSentence(report, formatCount)] : []),
  ];
  return { header: `[+] Model Size: ${formatCount(p.total)} parameters${active}`, body: lines.join('\n') };
}

// The core's error issues as one line: the first in full, the others by the field they concern.
function errorLine(errors, source) {
  const [first, ...rest] = errors;
  const more = rest.length ? ` (${rest.length} more: ${rest.map((i) => i.field || i.code).join(', ')}; --json lists them)` : '';
  return `${source}: ${forTheCommandLine(first.message)}${more}`;
}

// --file's kind: "local", or "remote" for an http(s) URL. Any other scheme is refused rather than read as a path
// (a scheme has two letters at least: C:\model.gguf is a path).
function fileKind(where) {
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(where)?.[1].toLowerCase();
  if (!scheme) return 'local';
  if (scheme === 'http' || scheme === 'https') return 'remote';
  const colonInName = /^[^:]+:[^/].*\.(gguf|safetensors)$/i.test(where);
  throw usageError(`--file takes a local path or an http(s) URL; ${scheme}: URLs are not read.` +
    (scheme === 'file' ? ' Give the path itself.' : colonInName ? ` For a local file of that name, write ./${where}.` : ''));
}

// A local file (or a device or pipe: /dev/zero, a FIFO) as readFileHeader's slice(): its first bytes, read in
// order and never past what was asked.
function localSlices(where) {
  let fd;
  let size = 0;
  let seekable = false;
  let have = Buffer.alloc(0);
  let ended = false;
  const fill = (end) => {
    if (fd === undefined) {
      fd = fs.openSync(where, 'r');
      const stat = fs.fstatSync(fd);
      seekable = stat.isFile();
      size = seekable ? stat.size : 0;
    }
    if (have.length >= end || ended) return;
    const next = Buffer.alloc(end);
    let at = have.copy(next);
    while (at < end) {
      const n = fs.readSync(fd, next, at, end - at, seekable ? at : null);
      if (!n) { ended = true; break; }
      at += n;
    }
    have = next.subarray(0, at);
  };
  return async (end) => {
    try {
      fill(end);
    } catch (err) {
      throw new CliError(`cannot read ${where} (${readFailure(err)}).`);
    }
    return { bytes: new Uint8Array(have.buffer, have.byteOffset, Math.min(end, have.length)), size };
  };
}

// Who may get HF_TOKEN, for messages (the rule is hub.tokenMayGoTo).
const TOKEN_RULE = 'it goes only over HTTPS to huggingface.co and its subdomains, or to the origin of HF_ENDPOINT (see --help)';

// An HTTP status from --file's server as a sentence, with what to do about a refusal.
function statusProblem(where, result, options, hub) {
  const meaning = { 401: 'unauthorized', 403: 'forbidden', 404: 'not found', 416: 'range not satisfiable' }[result.status];
  let advice = '';
  if (result.status === 401 || result.status === 403) {
    if (!options.token) advice = ' If the file is gated or private, set HF_TOKEN.';
    else if (!hub.tokenMayGoTo(result.url, options.endpoint)) advice = ` HF_TOKEN was not sent there: ${TOKEN_RULE}.`;
    else advice = ' HF_TOKEN was sent: check that it grants access to this file.';
  }
  return `${where} answered HTTP ${result.status}${meaning ? ` (${meaning})` : ''}.${advice}`;
}

// A URL as readFileHeader's slice(): Range requests through the shared Hub-fetch module (token rule, timeouts,
// never more bytes than asked for).
function remoteSlices(where, hub) {
  const options = hubOptions(hub);
  let size = 0;
  return async (end) => {
    let result;
    try {
      result = await hub.fetchRange(where, end, options);
    } catch (err) {
      if (err instanceof hub.HubError) throw hubFailure(err, hub);
      throw err;
    }
    if (!result.ok) throw new CliError(statusProblem(where, result, options, hub));
    size = result.size || size;
    return { bytes: result.bytes, size };
  };
}

// The header of a weight file: a first slice, then exactly what the header asks for.
async function readHeader(where, hub) {
  const slices = fileKind(where) === 'remote' ? remoteSlices(where, hub) : localSlices(where);
  const { readFileHeader, headerProblem } = await import(new URL('../dist/shared/file-header.js', import.meta.url).href);
  const result = await readFileHeader(slices);
  if (result.header.status !== 'ok') throw new CliError(headerProblem(result, where));
  return { header: result.header, requested: result.read, bytes: result.bytes, size: result.size };
}

function headerSummary(header, where) {
  const lines = ['', `File: ${where} (${header.format}${header.version ? ` v${header.version}` : ''}, header ${formatBytes(header.header_bytes)})`,
    `  ${header.tensor_count} tensors, ${formatCount(header.elements)} stored elements, ${formatBytes(header.data_bytes)} of tensor data`];
  for (const t of header.by_type) lines.push(`  ${t.type.padEnd(8)} ${String(t.tensors).padStart(5)} tensors  ${formatBytes(t.bytes)}`);
  const arch = header.metadata['general.architecture'];
  if (arch) {
    const m = (k) => header.metadata[`${arch}.${k}`];
    const show = (v) => (v && typeof v === 'object' ? (v.values ? `[${v.values.slice(0, 8).join(', ')}${v.values.length > 8 ? ', ...' : ''}]` : `${v.count} values`) : v);
    lines.push(`  architecture ${arch}: context ${show(m('context_length'))}, ${show(m('block_count'))} blocks, heads ${show(m('attention.head_count'))}, ` +
      `KV heads ${show(m('attention.head_count_kv'))}${m('attention.sliding_window') ? `, sliding window ${show(m('attention.sliding_window'))}` : ''}` +
      `${m('expert_count') ? `, ${show(m('expert_count'))} experts (${show(m('expert_used_count'))} used)` : ''}`);
  }
  for (const c of header.by_component ?? []) if (header.by_component.length > 1) lines.push(`  ${c.component}: ${formatCount(c.elements)} elements, ${formatBytes(c.bytes)}`);
  if (header.kv_cache) lines.push(`  KV cache from the file's hyperparameters: ${header.kv_cache.bytes_per_token_f16.toLocaleString('en-US')} bytes per token at f16 (${header.kv_cache.formula})`);
  return lines;
}

// The human report on stdout; warnings and notes on stderr.
// --compare: the report's "others" (core/others.cpp), each beside this estimate.
function othersText(report) {
  if (!report.others?.length) return '';
  const lines = ['', 'Beside other tools (same model and setting):', `  this estimate: ${formatBytes(report.memory.total_bytes)}`];
  for (const o of report.others) {
    const d = o.difference_percent;
    lines.push(`  ${o.tool} (${o.what}): ${formatBytes(o.bytes)} (${d >= 0 ? '+' : ''}${d.toFixed(1)} %), ${o.formula}`);
    lines.push(`    leaves out ${o.leaves_out}`);
  }
  return `${lines.join('\n')}\n`;
}

function printReport(report) {
  const { header, body } = humanReport(report);
  process.stdout.write(`${header}\n`);
  for (const i of report.issues.filter((x) => x.level === 'warning')) process.stderr.write(`[!] ${i.message}\n`);
  for (const i of report.issues.filter((x) => x.level === 'info')) process.stderr.write(`[i] ${i.message}\n`);
  if (report.file?.format === 'gguf') process.stderr.write(`[i] Estimated from the GGUF file alone: ${report.file.architecture}, ${report.file.file_type}, ${report.file.tensors} tensors.\n`);
  process.stdout.write(`${body}\n`);
}

// A GGUF's full estimate from the bytes of its header (the core reads the model from its metadata).
async function estimateGguf(file, request) {
  const { estimateFile } = await import(new URL('../dist/shared/file-header.js', import.meta.url).href);
  return estimateFile(file, 0, request);
}

// A GGUF-only repository: the file of `type` (or Q4_K_M), its header read by Range.
async function ggufRepo(hub, id, type, mmproj) {
  const { ggufRepoModel } = await import(new URL('../dist/shared/gguf-repo.js', import.meta.url).href);
  process.stderr.write(`[+] ${id} has no config.json: reading the header of its ${type || 'Q4_K_M'} GGUF file by Range...\n`);
  try {
    const m = await ggufRepoModel(id, { ...hubOptions(hub), type, mmproj });
    process.stderr.write(`[+] ${m.file}: ${m.read.toLocaleString('en-US')} bytes read of ${m.size_total.toLocaleString('en-US')}${m.parts ? ` in ${m.parts.length} parts` : ''}\n`);
    if (m.mmproj) process.stderr.write(`[+] Projector: ${m.mmproj.file} (${m.mmproj.read.toLocaleString('en-US')} bytes of its header read)\n`);
    else if (mmproj) process.stderr.write(`[!] ${id} has no mmproj file: the projector is not counted.\n`);
    return m;
  } catch (err) {
    if (err instanceof hub.HubError) throw hubFailure(err, hub);
    throw err;
  }
}

// The safetensors headers of a Hub model, read by Range, as the request's `weights`: null (and a line saying
// why) when they cannot be read; the estimate is then from config.json alone.
async function hubWeights(hub, id) {
  const { hubWeightDigests } = await import(new URL('../dist/shared/weight-files.js', import.meta.url).href);
  try {
    const r = await hubWeightDigests(id, hubOptions(hub));
    if (r.skipped) {
      process.stderr.write(`[i] The weight files were not read: ${r.skipped}. The estimate is from config.json alone.\n`);
      return null;
    }
    process.stderr.write(`[+] Read the safetensors headers of ${r.files.length} file${r.files.length > 1 ? 's' : ''} by Range (${r.read.toLocaleString('en-US')} bytes).\n`);
    return r.weights;
  } catch (err) {
    process.stderr.write(`[!] The weight files were not read (${forTheCommandLine(err?.message ?? String(err))}). The estimate is from config.json alone.\n`);
    return null;
  }
}

// A local safetensors file given with a config: its digest, unless it is one shard of several (which alone would
// undercount the model).
function localWeights(file, where) {
  if (file?.header.format !== 'safetensors' || !file.header.weights) return null;
  const shard = /-(\d{5})-of-(\d{5})\.safetensors$/i.exec(where);
  if (shard && Number(shard[2]) > 1) {
    process.stderr.write(`[i] ${where} is one of ${Number(shard[2])} shards: the estimate counts from config.json, not from this file alone.\n`);
    return null;
  }
  return [file.header.weights];
}

// Speculative decoding: the draft's config.json into the request, from --draft-config FILE, --draft-file GGUF
// (the config its metadata amounts to, and its file type) or --draft-model ID (the Hub's config.json, or the
// header of a GGUF-only repository's file).
async function addDraft(request, args, hub, limits) {
  if (request.draft_config) {
    request.draft_config = await readConfigFile(request.draft_config, limits.config_bytes);
    return;
  }
  const fromGguf = async (file) => {
    const r = await estimateGguf(file, {});
    if (!r.file?.config) throw new CliError(`the draft's GGUF gives no model: ${r.issues.find((i) => i.level === 'error')?.message ?? 'unknown architecture'}`);
    request.draft_config = r.file.config;
    request.draft_quantization ??= r.file.file_type;
  };
  if (args.draftFile) return fromGguf(await readHeader(args.draftFile, hub));
  if (!request.draft_model) return;
  process.stderr.write(`[+] Fetching the draft model ${request.draft_model}...\n`);
  const fetched = await fetchFromHub(hub, request.draft_model, limits).catch(async (err) => {
    if (!/has no config\.json/.test(err.message)) throw err;
    return { gguf: await ggufRepo(hub, request.draft_model, request.draft_quantization ?? request.quantization, false) };
  });
  if (fetched.gguf) return fromGguf(fetched.gguf);
  request.draft_config = fetched.config;
}

// `neuro-shrink reconcile LOGFILE [--config FILE | --model ID] [options]` (or --log FILE): what the runtime
// printed held against the estimate, buffer by buffer. Options stand for what the log does not print.
async function reconcileMain(argv, { estimator, hub, limits, options }) {
  const at = argv.indexOf('--log');
  const rest = [...argv];
  let logPath;
  if (at >= 0) logPath = rest.splice(at, 2)[1];
  else if (rest[0] && !rest[0].startsWith('--')) logPath = rest.shift();
  if (!logPath) throw usageError('give the log file: neuro-shrink reconcile LOGFILE [--config FILE | --model ID] (- for stdin).');
  const args = parseCommandLine(rest, options, { needModel: false });
  if (args.help) {
    process.stdout.write('Usage: neuro-shrink reconcile LOGFILE [--config FILE | --model ID] [options]\n\nHolds what llama.cpp printed (llama-server, llama-cli, Ollama, LM Studio) against the estimate with the same settings.\n');
    return;
  }
  const request = { ...args.request, log: await readLogFile(logPath, limits.log_bytes) };
  if (args.config) request.config = await readConfigFile(args.config, limits.config_bytes);
  else if (args.model) request.config = (await fetchFromHub(hub, args.model.split(':')[0], limits)).config;
  const reply = await estimator.reconcile(request);
  if (args.json) process.stdout.write(`${JSON.stringify(reply, null, 2)}\n`);
  const errors = reply.issues.filter((i) => i.level === 'error');
  if (errors.length) throw new CliError(errorLine(errors, logPath));
  if (args.json) return;
  process.stdout.write(reconcileText(reply));
}

async function readLogFile(path, cap) {
  let text;
  try {
    text = path === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${path} (${readFailure(err)}). Give the path of the runtime's log.`);
  }
  if (text.length > cap) throw new CliError(`${path} is ${sizeText(text.length)}; at most ${sizeText(cap)} of a log are read. Give the part from the model's loading to its first request.`);
  return text;
}

const mib = (b) => (b == null ? '-' : `${(b / 1048576).toFixed(2)} MiB`);

// The settings the estimate ran with (the log's, and the options given over them), as one line.
function settingsLine(reply) {
  const s = reply.settings;
  if (s.runtime === 'vllm') {
    return `vllm log${reply.log.version ? ` (${reply.log.version})` : ''}: ${s.quantization}, max_model_len ${s.context_tokens}, utilization ${s.gpu_memory_utilization} of ${mib(s.gpu_memory_bytes)}` +
      `${s.tensor_parallel > 1 ? `, tensor parallel ${s.tensor_parallel}` : ''}, ${s.max_num_batched_tokens} batched tokens, ${s.max_num_seqs} sequences; model from ${reply.model.from}`;
  }
  return `${reply.log.program} log: ${s.quantization}, n_ctx ${s.n_ctx} (${s.kv_unified ? `${s.sequences} sequences sharing it` : `${s.sequences} x ${s.n_ctx_seq}`}), ubatch ${s.ubatch}, n_batch ${s.n_batch}, ` +
    `flash attention ${s.flash_attention ? 'on' : 'off'}, cache ${s.type_k}/${s.type_v}, -ngl ${s.gpu_layers}${s.gpus > 1 ? ` over ${s.gpus} GPUs` : ''}; model from ${reply.model.from}`;
}

function reconcileText(reply) {
  const lines = [settingsLine(reply)];
  const amount = (b, v) => (b.unit && b.unit !== 'bytes' ? (v == null ? '-' : `${v.toLocaleString('en-US')} ${b.unit}`) : mib(v));
  const rows = reply.buffers.map((b) => [b.buffer, b.device, b.printed_as || '-', amount(b, b.predicted_bytes), amount(b, b.measured_bytes),
    b.difference_percent == null ? '' : `${b.difference_percent >= 0 ? '+' : ''}${b.difference_percent.toFixed(2)} %`, b.reason]);
  const head = ['buffer', 'device', 'printed as', 'predicted', 'measured', 'difference', 'reason'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) lines.push(r.map((c, i) => (i >= 3 && i <= 5 ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd());
  const t = reply.total;
  if (t) lines.push(`total: predicted ${mib(t.predicted_bytes)}, measured ${mib(t.measured_bytes)}${t.difference_percent == null ? '' : ` (${t.difference_percent >= 0 ? '+' : ''}${t.difference_percent.toFixed(2)} %)`}`);
  for (const i of reply.issues.filter((x) => x.level !== 'error')) lines.push(`[${i.level === 'warning' ? '!' : 'i'}] ${i.message}`);
  return `${lines.join('\n')}\n`;
}

async function main(argv) {
  const modules = await loadModules();  // the flags come from the core's schema
  if (argv[0] === 'reconcile') return reconcileMain(argv.slice(1), modules);
  const { estimator, hub, limits, options } = modules;
  const args = parseCommandLine(argv, options);
  if (args.help) {
    process.stdout.write(usageText(options));
    return;
  }
  if (args.version) {  // the one place the version is written: package.json
    process.stdout.write(`${JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
    return;
  }
  if (args.file) fileKind(args.file);  // a usage error before anything is read
  if (args.draftFile) fileKind(args.draftFile);
  await addDraft(args.request, args, hub, limits);
  const file = args.file ? await readHeader(args.file, hub) : null;
  if (file && !args.model && !args.config) {
    // A GGUF alone is a model: its full estimate from the header (an architecture the core does not read from a
    // GGUF gets the header's summary and the reason). A safetensors header alone is its summary.
    const estimate = file.header.format === 'gguf' ? await estimateGguf(file, args.request) : null;
    const ok = estimate && !estimate.issues.some((i) => i.level === 'error');
    if (args.json) {
      process.stdout.write(`${JSON.stringify(ok ? { ...file.header, estimate } : file.header, null, 2)}\n`);
      return;
    }
    if (ok) printReport(estimate);
    else if (estimate) process.stderr.write(`[i] No full estimate from this file alone: ${estimate.issues.find((i) => i.level === 'error').message}\n`);
    process.stdout.write(`${headerSummary(file.header, args.file).slice(ok ? 0 : 1).join('\n')}\n  (read ${file.requested.toLocaleString('en-US')} bytes of the file)\n`);
    return;
  }

  const request = { ...args.request };  // every option given, by its JSON name; the core fills in the defaults
  let report;
  if (args.config) {
    request.config = await readConfigFile(args.config, limits.config_bytes);
  } else {
    // "owner/name:Q4_K_M", as llama-server -hf takes it: the repository and its file type
    const [model, type] = args.model.split(':');
    if (type && !request.quantization) request.quantization = type;
    const fetched = await fetchFromHub(hub, model, limits).catch(async (err) => {
      // No config.json: a GGUF-only repository is estimated from the header of its file of that type.
      if (!/has no config\.json/.test(err.message)) throw err;
      return { gguf: await ggufRepo(hub, model, request.quantization, request.mmproj === true) };
    });
    request.model_id = model;
    if (fetched.gguf) {
      request.hub = { gguf_files: fetched.gguf.files.length };
      if (fetched.gguf.mmproj) request.mmproj_file = fetched.gguf.mmproj.digest;
      report = await estimateGguf(fetched.gguf, request);
    } else {
      request.config = fetched.config;
      if (Object.keys(fetched.hubFacts).length) request.hub = fetched.hubFacts;
    }
  }

  report ??= await estimator.estimateReport(request);
  // Then what the checkpoint stores (a config that does not parse needs no weight file read): the Hub's
  // safetensors headers, or a local safetensors file given with --config.
  if (request.config && !request.config_only && !report.issues.some((i) => i.level === 'error')) {
    const weights = args.config || file ? localWeights(file, args.file) : await hubWeights(hub, request.model_id);
    if (weights) {
      const counted = await estimator.estimateReport({ ...request, weights });
      const refused = counted.issues.find((i) => i.level === 'error');
      if (refused) process.stderr.write(`[!] The weight files could not be counted (${refused.message}). The estimate is from config.json alone.\n`);
      else report = counted;
    }
  }
  if (file) report.file = file.header;
  const errors = report.issues.filter((i) => i.level === 'error');
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (errors.length) throw new CliError(errorLine(errors, args.config ?? args.model));

  const warnings = report.issues.filter((i) => i.level === 'warning').map((i) => `[!] ${i.message}\n`);
  if (args.json) {
    process.stderr.write(warnings.join(''));
    return;
  }
  printReport(report);
  if (args.compare) process.stdout.write(othersText(report));
  if (file) {
    const lines = headerSummary(file.header, args.file);
    // The file holds each tensor once: compare with the tensor data as stored (the GGUF plan's, or the
    // weights without a runtime's copies, such as llama.cpp's tied output on the GPU).
    const expected = report.gguf?.tensor_bytes ?? report.memory.stored_weights_bytes;
    const diff = (file.header.data_bytes - expected) / expected * 100;
    lines.push(`  config.json says ${formatBytes(expected)} of tensor data, the file holds ${formatBytes(file.header.data_bytes)} (${diff >= 0 ? '+' : ''}${diff.toFixed(2)} %)`);
    if (file.header.kv_cache && report.kv_cache) {
      lines.push(`  KV per token at f16: config.json ${report.kv_cache.bytes_per_token.toLocaleString('en-US')} bytes (in ${report.kv_cache.dtype}), the file's hyperparameters ${file.header.kv_cache.bytes_per_token_f16.toLocaleString('en-US')}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

// The schema's readers, for scripts/options-doc.mjs and the tests; run as a program, the CLI.
export { CliError, optionsMarkdown, parseCommandLine, usageText };

const isMain = (() => {
  try {
    return fs.realpathSync(process.argv[1] ?? '') === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();

if (isMain) {
  // `neuro-shrink ... | head` closes stdout early: that is not an error.
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') process.stderr.write(`neuro-shrink: cannot write the output (${err.code ?? err.message}).\n`);
    process.exit(err.code === 'EPIPE' ? process.exitCode ?? 0 : 1);
  });

  main(process.argv.slice(2)).catch((err) => {
    const expected = err instanceof CliError;
    const message = expected ? err.message : `unexpected failure: ${err?.message ?? err}. Please report it.`;
    process.stderr.write(`neuro-shrink: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = expected ? err.exitCode : 1;
  });
}
