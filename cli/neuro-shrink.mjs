#!/usr/bin/env node
// neuro-shrink on the command line: the same wasm estimator and the same Hub-fetch module as the page,
// loaded from dist/ (run scripts/build.sh first). Exit codes: 0 done, 1 model/config/Hub problem, 2 usage.
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = `Usage: neuro-shrink (--model ID | --config FILE) [options]

How much GPU memory a model needs, from its config.json.

  --model ID           a Hugging Face model id, e.g. meta-llama/Llama-3.1-8B
  --config FILE        a local config.json instead of the Hub ("-" reads it from stdin)
  --quantization NAME  as users type them: fp32, fp16, bf16, int8, int4, gptq-4bit-128g, awq, nf4, nf4-dq,
                       fp8, fp8-block, mxfp4, nvfp4, exl2-4.65, mlx-4bit, and llama.cpp file types Q4_K_M,
                       Q8_0, IQ4_XS, ... (default: as the checkpoint is stored, else its torch_dtype)
  --runtime NAME       transformers (default), llama.cpp, vllm, mlx
  --kv-type T          KV cache type for K and V: fp32, fp16, bf16, fp8, q8_0, q5_1, q5_0, q4_1, q4_0, iq4_nl
  --kv-type-k T        K alone (overrides --kv-type)
  --kv-type-v T        V alone (overrides --kv-type)
  --context N          context length in tokens, per sequence (default 4096)
  --batch N            sequences in the batch / concurrent users (default 1)
  --parallel N         llama.cpp --parallel: the same as --batch
  --flash-attn on|off  llama.cpp flash attention (default on, as llama.cpp's "auto" picks on GPUs)
  --ubatch N           llama.cpp -ub (default 512)
  --gpu-layers N       llama.cpp -ngl: layers on the GPU (default all)
  --gpu NAME           a catalogue GPU, e.g. "RTX 4090" or "H100 SXM": per-device figures, vLLM capacity, speed
  --gpus N             identical GPUs to split the model across (default 1)
  --gpu-memory-utilization F   vLLM's budget fraction (default 0.9)
  --max-num-batched-tokens N   vLLM (default 8192 on 70+ GiB GPUs other than A100, else 2048)
  --max-num-seqs N     vLLM (default 1024 on 70+ GiB GPUs other than A100, else 256)
  --gpu-memory GIB     vLLM: the GPU's total as CUDA reports it (nvidia-smi, torch.cuda.mem_get_info), in GiB,
                       e.g. 79.22 for an H100 80GB (default: the catalogue's memory)
  --host-bandwidth GBS system RAM bandwidth in GB/s for llama.cpp layers left on the CPU (default 89.6)
  --mode train         training / fine-tuning memory instead of inference, per GPU:
    --method M             full (default), lora, qlora (base in --quantization nf4, the default, or nf4-dq)
    --optimizer O          adamw (default), adamw-8bit, paged-adamw-8bit, paged-adamw, adafactor, sgd, sgd-momentum, lion
    --precision P          mixed-bf16 (default), mixed-fp16, bf16 (pure), fp32
    --micro-batch N        sequences per GPU per step (default 1)
    --seq-len N            tokens per sequence (default: --context)
    --gradient-accumulation N   changes no memory (said so)
    --checkpointing C      gradient checkpointing: none (default), selective, full
    --lora-rank N          (default 16)   --lora-targets q,k,v,o,gate,up,down (default) or all-linear
    --train-embeddings     LoRA: train the embeddings and lm_head too (PEFT modules_to_save)
    --freeze PARTS         full: keep embeddings, attention, mlp, norms and/or vision frozen
    --zero 0|1|2|3|fsdp    ZeRO stage / FSDP full sharding over --gpus (default 0)
    --offload optimizer|params|optimizer,params   ZeRO-Offload to the CPU
  --file PATH_OR_URL   a .gguf or .safetensors file (local, or an http(s) URL such as a Hub resolve link): only
                       its header is read (HTTP Range requests), and its tensors, types and bytes are printed;
                       with --model or --config too, beside the config-derived estimate
  --json               print the full report as JSON on stdout (progress and warnings go to stderr)
  -h, --help           this text

Environment:
  HF_ENDPOINT          the Hub URL (default https://huggingface.co)
  HF_TOKEN             sent as a bearer token, only over HTTPS and only to the Hub: huggingface.co and its
                       subdomains, or exactly HF_ENDPOINT's origin when it is set (plain http only for a loopback
                       HF_ENDPOINT: localhost, 127.x.x.x, [::1]); never after a redirect to another origin.
                       A --file URL that passes this rule gets it too.
  HF_HUB_DOWNLOAD_TIMEOUT   seconds a request may go without progress, connecting or reading (default 10)`;

const DEFAULT_CONTEXT_TOKENS = 4096;
const DEFAULT_BATCH_SIZE = 1;
const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

// A failure the user can act on: one line on stderr and an exit code.
class CliError extends Error {
  constructor(message, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}
const usageError = (message) => new CliError(`${message} See --help.`, 2);

function positiveInteger(flag, text, fallback) {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    throw usageError(`${flag} takes a positive whole number, not "${text}".`);
  }
  return Number(text);
}

// A size in GiB as people read it off nvidia-smi ("79.22"), to whole bytes.
function gibibytes(flag, text) {
  const v = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(v > 0) || v > 1e6) throw usageError(`${flag} takes a size in GiB, e.g. 79.22, not "${text}".`);
  return Math.round(v * 2 ** 30);
}

// node:util's messages, reworded where they are unclear for a person typing the command.
function usageMessage(err) {
  const first = String(err.message).split('\n')[0].trim();
  const missing = first.match(/^Option '(--\w+)[^']*' argument (?:missing|is ambiguous)/);
  if (missing) return `${missing[1]} needs a value.`;
  const unknown = first.match(/^Unknown option '([^']+)'/);
  if (unknown) return `unknown option ${unknown[1]}.`;
  const positional = first.match(/^Unexpected argument '([^']*)'/);
  if (positional) return `unexpected argument "${positional[1]}" (every value follows its flag, e.g. --model ID).`;
  return first.endsWith('.') ? first : `${first}.`;
}

function parseCommandLine(argv) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        config: { type: 'string' },
        quantization: { type: 'string' },
        'kv-type': { type: 'string' },
        'kv-type-k': { type: 'string' },
        'kv-type-v': { type: 'string' },
        context: { type: 'string' },
        batch: { type: 'string' },
        parallel: { type: 'string' },
        runtime: { type: 'string' },
        'flash-attn': { type: 'string' },
        ubatch: { type: 'string' },
        'gpu-layers': { type: 'string' },
        gpu: { type: 'string' },
        gpus: { type: 'string' },
        'gpu-memory-utilization': { type: 'string' },
        'max-num-batched-tokens': { type: 'string' },
        'max-num-seqs': { type: 'string' },
        'gpu-memory': { type: 'string' },
        'host-bandwidth': { type: 'string' },
        mode: { type: 'string' },
        file: { type: 'string' },
        method: { type: 'string' },
        optimizer: { type: 'string' },
        precision: { type: 'string' },
        'micro-batch': { type: 'string' },
        'seq-len': { type: 'string' },
        'gradient-accumulation': { type: 'string' },
        checkpointing: { type: 'string' },
        'lora-rank': { type: 'string' },
        'lora-targets': { type: 'string' },
        'train-embeddings': { type: 'boolean', default: false },
        freeze: { type: 'string' },
        zero: { type: 'string' },
        offload: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw usageError(usageMessage(err));
  }
  if (values.help) return { help: true };
  if (values.model && values.config) throw usageError('give one of --model ID or --config FILE, not both.');
  if (!values.model && !values.config && !values.file) throw usageError('give --model ID, --config FILE or --file PATH_OR_URL.');
  if (values.quantization !== undefined && !values.quantization.trim()) throw usageError('--quantization needs a name.');
  if (values.batch !== undefined && values.parallel !== undefined) throw usageError('--parallel and --batch mean the same; give one.');
  const fa = values['flash-attn'];
  if (fa !== undefined && !['on', 'off', 'auto'].includes(fa)) throw usageError(`--flash-attn takes on, off or auto, not "${fa}".`);
  const gpuLayers = values['gpu-layers'];
  if (gpuLayers !== undefined && !/^\d+$/.test(gpuLayers)) throw usageError(`--gpu-layers takes a whole number of layers, not "${gpuLayers}".`);
  const util = values['gpu-memory-utilization'];
  if (util !== undefined && !(Number(util) > 0 && Number(util) <= 1)) throw usageError(`--gpu-memory-utilization takes a fraction in (0, 1], not "${util}".`);
  const hostBw = values['host-bandwidth'];
  if (hostBw !== undefined && !(Number(hostBw) > 0 && Number(hostBw) < 1e5)) throw usageError(`--host-bandwidth takes GB/s, like 89.6, not "${hostBw}".`);
  const mode = values.mode?.trim().toLowerCase();
  if (mode !== undefined && !['train', 'inference'].includes(mode)) throw usageError(`--mode takes train or inference, not "${values.mode}".`);
  const trainingFlags = ['method', 'optimizer', 'precision', 'micro-batch', 'seq-len', 'gradient-accumulation', 'checkpointing', 'lora-rank',
    'lora-targets', 'freeze', 'zero', 'offload'].filter((f) => values[f] !== undefined);
  if (values['train-embeddings']) trainingFlags.push('train-embeddings');
  if (mode !== 'train' && trainingFlags.length) throw usageError(`--${trainingFlags[0]} is a training setting: add --mode train.`);
  const zero = values.zero?.trim().toLowerCase();
  if (zero !== undefined && !['0', '1', '2', '3', 'fsdp'].includes(zero)) throw usageError(`--zero takes 0, 1, 2, 3 or fsdp, not "${values.zero}".`);
  const training = mode !== 'train' ? undefined : {
    method: values.method?.trim().toLowerCase(),
    optimizer: values.optimizer?.trim().toLowerCase(),
    precision: values.precision?.trim().toLowerCase(),
    micro_batch: values['micro-batch'] === undefined ? undefined : positiveInteger('--micro-batch', values['micro-batch']),
    seq_len: values['seq-len'] === undefined ? undefined : positiveInteger('--seq-len', values['seq-len']),
    gradient_accumulation: values['gradient-accumulation'] === undefined ? undefined : positiveInteger('--gradient-accumulation', values['gradient-accumulation']),
    checkpointing: values.checkpointing?.trim().toLowerCase(),
    lora_rank: values['lora-rank'] === undefined ? undefined : positiveInteger('--lora-rank', values['lora-rank']),
    lora_targets: values['lora-targets']?.trim().toLowerCase(),
    train_embeddings: values['train-embeddings'] || undefined,
    freeze: values.freeze?.trim().toLowerCase(),
    zero: zero === undefined ? undefined : zero === 'fsdp' ? 'fsdp' : Number(zero),
    offload: values.offload?.trim().toLowerCase(),
  };
  return {
    file: values.file,
    mode,
    training,
    runtime: values.runtime?.trim(),
    flashAttention: fa,
    ubatch: values.ubatch === undefined ? undefined : positiveInteger('--ubatch', values.ubatch),
    gpuLayers: gpuLayers === undefined ? undefined : Number(gpuLayers),
    gpu: values.gpu?.trim(),
    gpus: values.gpus === undefined ? undefined : positiveInteger('--gpus', values.gpus),
    gpuMemoryUtilization: util === undefined ? undefined : Number(util),
    maxNumBatchedTokens: values['max-num-batched-tokens'] === undefined ? undefined : positiveInteger('--max-num-batched-tokens', values['max-num-batched-tokens']),
    gpuMemoryBytes: values['gpu-memory'] === undefined ? undefined : gibibytes('--gpu-memory', values['gpu-memory']),
    maxNumSeqs: values['max-num-seqs'] === undefined ? undefined : positiveInteger('--max-num-seqs', values['max-num-seqs']),
    hostBandwidth: hostBw === undefined ? undefined : Math.round(Number(hostBw) * 1e9),
    model: values.model,
    config: values.config,
    quantization: values.quantization?.trim(),
    kvType: values['kv-type']?.trim(),
    kvTypeK: values['kv-type-k']?.trim(),
    kvTypeV: values['kv-type-v']?.trim(),
    contextTokens: positiveInteger('--context', values.context, DEFAULT_CONTEXT_TOKENS),
    batchSize: values.parallel !== undefined ? positiveInteger('--parallel', values.parallel) : positiveInteger('--batch', values.batch, DEFAULT_BATCH_SIZE),
    json: values.json,
  };
}

async function loadModules() {
  const dist = new URL('../dist/', import.meta.url);
  const files = ['neuro-shrink-core.wasm', 'neuro-shrink-core.js', 'estimator.js', 'hub-fetch.js'];
  const missing = files.filter((f) => !fs.existsSync(new URL(f, dist)));
  if (missing.length) {
    throw new CliError(`the estimator is not built (dist/${missing[0]} is missing). Run "bash scripts/build.sh" first.`, 2);
  }
  const estimator = await import(new URL('estimator.js', dist).href);
  const hub = await import(new URL('hub-fetch.js', dist).href);
  await estimator.loadEstimator({ wasmBinary: fs.readFileSync(new URL('neuro-shrink-core.wasm', dist)) });
  // The core's caps on its inputs (core/limits.h); a build without them leaves the reads uncapped.
  const limits = (await estimator.catalogue()).limits ?? {};
  return { estimator, hub, limits };
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
  const options = { ...hubOptions(hub), maxBytes: limits.config_bytes };
  try {
    hub.validateModelId(modelId);
    process.stderr.write(`[+] Fetching config for ${modelId}...\n`);
    // The Hub's own parameter count and checkpoint size, when it has them, let the core cross-check.
    const [config, facts] = await Promise.all([
      hub.fetchConfig(modelId, options),
      hub.fetchHubFacts(modelId, options).catch(() => ({ facts: {} })),
    ]);
    return { config, hubFacts: facts.facts };
  } catch (err) {
    if (err instanceof hub.HubError) throw hubFailure(err, hub);
    throw err;
  }
}

// Sizes in binary units (GiB = 2^30 bytes), so that small components do not show as "0.00 GiB".
function formatBytes(bytes) {
  if (bytes >= 0.01 * GiB || bytes === 0) return `${(bytes / GiB).toFixed(2)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(2)} MiB`;
  if (bytes >= KiB) return `${(bytes / KiB).toFixed(2)} KiB`;
  return `${bytes} B`;
}

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

function verdict(report) {
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
  if (r.runtime !== 'transformers' && report.components?.length) {
    lines.push('', `${report.request.runtime} allocates:`);
    for (const c of report.components) lines.push(`  ${c.label}${c.per_gpu && r.gpus > 1 ? ' (each GPU)' : ''}: ${formatBytes(c.bytes)}`);
  }
  if (r.runtime === 'llama.cpp') {
    lines.push(`  n_ctx ${r.n_ctx} (${r.parallel} x ${r.n_ctx_seq}), ubatch ${r.ubatch}, flash attention ${r.flash_attention ? 'on' : 'off'}, -ngl ${r.gpu_layers}`);
  }
  if ((report.devices ?? []).length > 1) {
    lines.push('', 'Per device:');
    for (const d of report.devices) lines.push(`  ${d.name.padEnd(width - 2)}${formatBytes(d.total_bytes)}`);
  }
  const v = report.vllm;
  if (v) {
    lines.push('', `vLLM on ${v.gpu} at gpu_memory_utilization ${v.gpu_memory_utilization}:`,
      `  KV cache: ${v.kv_pool_bytes > 0 ? formatBytes(v.kv_pool_bytes) : 'none left'} = ${v.kv_tokens.toLocaleString('en-US')} tokens (${v.blocks} blocks of ${v.block_size})`,
      `  Maximum concurrency at ${r.context_tokens} tokens: ${v.max_concurrency.toFixed(2)}x${v.max_model_len_fits ? '' : ' - max_model_len does not fit'}`);
  }
  const sp = report.speed;
  if (sp?.known) {
    lines.push('', `Speed on ${sp.gpu}${r.gpus > 1 ? ` x ${r.gpus}` : ''} (estimate, efficiency ${sp.efficiency}):`,
      `  decode ~${sp.decode_tokens_per_s.toFixed(1)} tokens/s per sequence (${sp.decode_bound} bound)` +
        (r.batch_size > 1 ? `, ~${sp.batch_decode_tokens_per_s.toFixed(0)} tokens/s for the batch` : ''),
      sp.prefill_tokens_per_s ? `  prefill ~${sp.prefill_tokens_per_s.toFixed(0)} tokens/s (compute bound)` : `  prefill: unknown (${sp.reason})`);
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
    ...(report.hub_check ?? []).map((c) => `Hub check (${c.source}): ${c.verdict} - ${c.message}`),
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
  const { readFileHeader, headerProblem } = await import(new URL('../dist/file-header.js', import.meta.url).href);
  const result = await readFileHeader(slices);
  if (result.header.status !== 'ok') throw new CliError(headerProblem(result, where));
  return { header: result.header, requested: result.read };
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

async function main(argv) {
  const args = parseCommandLine(argv);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (args.file) fileKind(args.file);  // a usage error before anything loads
  const { estimator, hub, limits } = await loadModules();
  const file = args.file ? await readHeader(args.file, hub) : null;
  if (file && !args.model && !args.config) {
    if (args.json) process.stdout.write(`${JSON.stringify(file.header, null, 2)}\n`);
    else process.stdout.write(`${headerSummary(file.header, args.file).slice(1).join('\n')}\n  (read ${file.requested.toLocaleString('en-US')} bytes of the file)\n`);
    return;
  }

  const request = { context_tokens: args.contextTokens, batch_size: args.batchSize };
  if (args.quantization) request.quantization = args.quantization;
  if (args.kvType) request.kv_cache_dtype = args.kvType;
  if (args.kvTypeK) request.kv_cache_dtype_k = args.kvTypeK;
  if (args.kvTypeV) request.kv_cache_dtype_v = args.kvTypeV;
  const optional = {
    runtime: args.runtime, flash_attention: args.flashAttention, ubatch: args.ubatch, gpu_layers: args.gpuLayers,
    gpu: args.gpu, gpus: args.gpus, gpu_memory_utilization: args.gpuMemoryUtilization,
    max_num_batched_tokens: args.maxNumBatchedTokens, max_num_seqs: args.maxNumSeqs, host_bandwidth: args.hostBandwidth,
    gpu_memory_bytes: args.gpuMemoryBytes,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) request[key] = value;
  if (args.mode) request.mode = args.mode;
  if (args.training) request.training = Object.fromEntries(Object.entries(args.training).filter(([, v]) => v !== undefined));
  if (args.config) {
    request.config = await readConfigFile(args.config, limits.config_bytes);
  } else {
    const { config, hubFacts } = await fetchFromHub(hub, args.model, limits);
    request.config = config;
    request.model_id = args.model;
    if (Object.keys(hubFacts).length) request.hub = hubFacts;
  }

  const report = await estimator.estimateReport(request);
  if (file) report.file = file.header;
  const errors = report.issues.filter((i) => i.level === 'error');
  if (args.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (errors.length) throw new CliError(errorLine(errors, args.config ?? args.model));

  const warnings = report.issues.filter((i) => i.level === 'warning').map((i) => `[!] ${i.message}\n`);
  if (args.json) {
    process.stderr.write(warnings.join(''));
    return;
  }
  const { header, body } = humanReport(report);
  process.stdout.write(`${header}\n`);
  process.stderr.write(warnings.join(''));
  for (const i of report.issues.filter((i) => i.level === 'info')) process.stderr.write(`[i] ${i.message}\n`);
  process.stdout.write(`${body}\n`);
  if (file) {
    const lines = headerSummary(file.header, args.file);
    // The file holds each tensor once: compare with the config's tensor bytes, not with llama.cpp's
    // runtime weights (which add a GPU copy of a tied output): the GGUF plan, or the estimate with -ngl 0.
    let expected = report.gguf?.tensor_bytes ?? report.memory.weights_bytes;
    if (!report.gguf && report.request.runtime === 'llama.cpp') expected = (await estimator.estimateReport({ ...request, gpu_layers: 0 })).memory.weights_bytes;
    const diff = (file.header.data_bytes - expected) / expected * 100;
    lines.push(`  config.json says ${formatBytes(expected)} of tensor data, the file holds ${formatBytes(file.header.data_bytes)} (${diff >= 0 ? '+' : ''}${diff.toFixed(2)} %)`);
    if (file.header.kv_cache && report.kv_cache) {
      lines.push(`  KV per token at f16: config.json ${report.kv_cache.bytes_per_token.toLocaleString('en-US')} bytes (in ${report.kv_cache.dtype}), the file's hyperparameters ${file.header.kv_cache.bytes_per_token_f16.toLocaleString('en-US')}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
}

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
