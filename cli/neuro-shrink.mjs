#!/usr/bin/env node
// neuro-shrink on the command line: the same wasm estimator and the same Hub-fetch module as the page,
// loaded from dist/ (run scripts/build.sh first).
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const USAGE = `Usage: neuro-shrink (--model ID | --config FILE) [options]

How much GPU memory a model needs, from its config.json.

  --model ID           a Hugging Face model id, e.g. meta-llama/Llama-3.1-8B
  --config FILE        a local config.json instead of the Hub
  --quantization NAME  fp32, fp16, bf16, int8, int4 (default: the checkpoint's torch_dtype)
  --context N          context length in tokens (default 4096)
  --batch N            sequences in the batch (default 1)
  --json               print the full report as JSON on stdout
  --help               this text

Environment: HF_ENDPOINT overrides the Hub URL; HF_TOKEN is sent to the Hub (only) as a bearer token.`;

const GiB = 2 ** 30;

class UsageError extends Error {}

function fail(message, code = 1) {
  process.stderr.write(`neuro-shrink: ${message}\n`);
  process.exit(code);
}

function positiveInteger(name, text) {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${name} takes a positive whole number, not "${text}". See --help.`);
  }
  return Number(text);
}

function parseCommandLine(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        model: { type: 'string' },
        config: { type: 'string' },
        quantization: { type: 'string' },
        context: { type: 'string' },
        batch: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new UsageError(`${err.message.split('\n')[0]} See --help.`);
  }
  const v = parsed.values;
  if (v.help) return { help: true };
  if (!v.model === !v.config) throw new UsageError('give exactly one of --model ID or --config FILE. See --help.');
  return {
    model: v.model,
    config: v.config,
    quantization: v.quantization,
    context: positiveInteger('context', v.context) ?? 4096,
    batch: positiveInteger('batch', v.batch) ?? 1,
    json: v.json,
  };
}

async function loadModules() {
  const dist = new URL('../dist/', import.meta.url);
  const wasm = new URL('neuro-shrink-core.wasm', dist);
  if (!fs.existsSync(wasm)) fail('the estimator is not built (dist/neuro-shrink-core.wasm is missing). Run scripts/build.sh first.', 2);
  const estimator = await import(new URL('estimator.js', dist));
  const hub = await import(new URL('hub-fetch.js', dist));
  await estimator.loadEstimator({ wasmBinary: fs.readFileSync(wasm) });
  return { estimator, hub };
}

export function formatBytes(bytes) {
  return `${(bytes / GiB).toFixed(2)} GiB`;
}

function formatCount(n) {
  if (n >= 1e12) return `${(n / 1e12).toFixed(2)}T`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  return String(n);
}

function formatContext(tokens) {
  return tokens % 1024 === 0 ? `${tokens / 1024}k` : String(tokens);
}

function verdict(report) {
  const fits = report.fits.filter((g) => g.fits);
  const total = formatBytes(report.memory.total_bytes);
  if (fits.length) {
    const g = fits[0];
    return `Fits on ${g.name} (${formatBytes(g.memory_bytes)}, ${formatBytes(g.headroom_bytes)} free) and larger GPUs.`;
  }
  const largest = report.fits[report.fits.length - 1];
  return `Does not fit on any single GPU in the catalogue: ${total} needed, the largest (${largest.name}) has ${formatBytes(largest.memory_bytes)}.`;
}

function printHuman(report, request) {
  const out = [];
  const p = report.parameters;
  const active = p.active !== p.total ? ` (${formatCount(p.active)} active per token)` : '';
  out.push(`[+] Model Size: ${formatCount(p.total)} parameters${active}`);
  out.push('');
  out.push('Memory Requirements:');
  out.push('--------------------');
  const m = report.memory;
  const rows = [
    [`Weights (${report.request.quantization_label}):`, m.weights_bytes],
    [`KV Cache (${formatContext(request.context_tokens)} ctx):`, m.kv_cache_bytes],
    ['Activation Buffer:', m.activations_bytes],
    ['Runtime Overhead:', m.overhead_bytes],
  ];
  for (const [label, bytes] of rows) out.push(`${label.padEnd(21)}${formatBytes(bytes)}`);
  out.push('--------------------');
  out.push(`${'TOTAL VRAM:'.padEnd(21)}${formatBytes(m.total_bytes)}`);
  out.push('');
  out.push(`Verdict: ${verdict(report)}`);
  for (const check of report.hub_check ?? []) {
    out.push(`Hub check (${check.source}): ${check.verdict} - ${check.message}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

async function main() {
  let args;
  try {
    args = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) fail(err.message, 2);
    throw err;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { estimator, hub } = await loadModules();
  const request = { context_tokens: args.context, batch_size: args.batch };
  if (args.quantization) request.quantization = args.quantization;

  if (args.config) {
    try {
      request.config = fs.readFileSync(args.config, 'utf8');
    } catch (err) {
      fail(`cannot read ${args.config} (${err.code ?? err.message}). Check the path.`);
    }
  } else {
    const options = {
      endpoint: process.env.HF_ENDPOINT || hub.DEFAULT_HUB_ENDPOINT,
      token: process.env.HF_TOKEN || '',
    };
    process.stderr.write(`[+] Fetching config for ${args.model}...\n`);
    request.model_id = args.model;
    try {
      const [config, facts] = await Promise.all([
        hub.fetchConfig(args.model, options),
        hub.fetchHubFacts(args.model, options).catch(() => ({ facts: {}, notes: [] })),
      ]);
      request.config = config;
      if (Object.keys(facts.facts).length) request.hub = facts.facts;
    } catch (err) {
      if (err instanceof hub.HubError) fail(err.message);
      throw err;
    }
  }

  const report = await estimator.estimateReport(request);
  const errors = report.issues.filter((i) => i.level === 'error');
  if (errors.length) fail(errors.map((i) => i.message).join(' '));
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    printHuman(report, request);
  }
  for (const i of report.issues) {
    if (i.level === 'warning') process.stderr.write(`[!] ${i.message}\n`);
  }
}

main().catch((err) => fail(`unexpected failure: ${err?.message ?? err}. Please report it.`));
