// The CLI against a local server that plays the Hub (HF_ENDPOINT), never the real network.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { closedPort, startHub } from './hub-server.mjs';

const CLI = new URL('../../cli/neuro-shrink.mjs', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/configs/', import.meta.url).pathname;
const LLAMA2 = 'meta-llama/Llama-2-7b-hf';
const LLAMA2_CONFIG = `${FIXTURES}meta-llama__Llama-2-7b-hf.json`;

describe('the CLI with a model from the Hub', () => {
  let hub;
  before(async () => { hub = await startHub(); });
  after(async () => { await hub.close(); });

  test('prints the parameter count, the breakdown and a verdict', async () => {
    const r = await run(['--model', LLAMA2, '--quantization', 'int4'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `[+] Fetching config for ${LLAMA2}...\n`);
    assert.match(r.stdout, /^\[\+\] Model Size: 6\.74B parameters\n/);
    assert.match(r.stdout, /\nWeights \(INT4\): {6}\d+\.\d\d GiB\n/);
    assert.match(r.stdout, /\nKV Cache \(4k ctx\): {3}2\.00 GiB\n/);  // 2 x 32 layers x 32 heads x 128 x 2 B x 4096
    assert.match(r.stdout, /\nActivation Buffer: {3}\d+\.\d\d GiB\n/);
    assert.match(r.stdout, /\nRuntime Overhead: {4}\d+\.\d\d GiB\n/);
    assert.match(r.stdout, /\nTOTAL VRAM: {10}\d+\.\d\d GiB\n/);
    assert.match(r.stdout, /\nVerdict: Fits on [^(]+ \(\d+\.\d\d GiB, \d+\.\d\d GiB free\)/);
    // The Hub's 2,048 extra stored elements (rotary inv_freq buffers) are explained, not hidden.
    assert.match(r.stdout, /\nHub check \(safetensors\.total\): explained .*inv_freq/);
  });

  test('--json prints only the report on stdout, with integer byte counts', async () => {
    const r = await run(['--model', LLAMA2, '--json'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.model.id, LLAMA2);
    assert.equal(report.parameters.total, 6_738_415_616);
    assert.equal(report.request.quantization, 'fp16');  // the checkpoint's torch_dtype
    assert.equal(report.request.context_tokens, 4096);
    assert.equal(report.request.batch_size, 1);
    const m = report.memory;
    for (const key of ['weights_bytes', 'kv_cache_bytes', 'activations_bytes', 'overhead_bytes', 'total_bytes']) {
      assert.ok(Number.isInteger(m[key]) && m[key] > 0, key);
    }
    assert.equal(m.total_bytes, m.weights_bytes + m.kv_cache_bytes + m.activations_bytes + m.overhead_bytes);
    assert.equal(m.kv_cache_bytes, 2 ** 31);
    assert.equal(r.stderr, `[+] Fetching config for ${LLAMA2}...\n`);
  });

  test('passes the Hub\'s parameter count to the core for its cross-check', async () => {
    const r = await run(['--model', 'meta-llama/Meta-Llama-3.1-8B', '--json'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.parameters.total, 8_030_261_248);
    assert.equal(report.hub_check[0].verdict, 'match');
  });

  test('says a gated model is gated, in one line, and exits 1', async () => {
    const r = await run(['--model', 'gated/llama'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(oneErrorLine(r), /"gated\/llama" is gated or private \(HTTP 401\).*HF_TOKEN/);
  });

  test('says there is no such model on a 404', async () => {
    const r = await run(['--model', 'missing/model'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), /There is no model "missing\/model" on the Hub \(HTTP 404\)\. Check the spelling/);
  });

  test('speaks of --config where the shared message says to give a config', async () => {
    const r = await run(['--model', 'missing/model'], { HF_ENDPOINT: hub.endpoint });
    assert.match(oneErrorLine(r), /give its config\.json with --config FILE\.$/);
    assert.doesNotMatch(r.stderr, /paste/);
  });

  test('says the Hub cannot be reached when nothing listens at HF_ENDPOINT', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const r = await run(['--model', LLAMA2], { HF_ENDPOINT: endpoint });
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), new RegExp(`Could not reach the Hub at ${escape(endpoint)} \\(ECONNREFUSED\\)`));
  });

  test('gives up on a Hub that does not answer after HF_HUB_DOWNLOAD_TIMEOUT seconds', async () => {
    const r = await run(['--model', 'slow/model'], { HF_ENDPOINT: hub.endpoint, HF_HUB_DOWNLOAD_TIMEOUT: '0.3' });
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), /did not answer in time|did not answer within 0\.3 s/);
  });

  test('rejects an invalid model id before asking the Hub', async () => {
    const before = hub.requests.length;
    const r = await run(['--model', 'not a/model id'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), /"not a\/model id" is not a Hub model id/);
    assert.equal(r.stderr.includes('[+]'), false);
    assert.equal(hub.requests.length, before);
  });

  test('reports a malformed config from the Hub with the core\'s message', async () => {
    const r = await run(['--model', 'broken/model'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), /^neuro-shrink: broken\/model: The config is not valid JSON\./);
  });

  test('sends HF_TOKEN to the Hub as a bearer token', async () => {
    const before = hub.requests.length;
    const r = await run(['--model', 'Qwen/Qwen3-0.6B'], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_test_token' });
    assert.equal(r.code, 0, r.stderr);
    const sent = hub.requests.slice(before);
    assert.ok(sent.some((req) => req.url === '/Qwen/Qwen3-0.6B/resolve/main/config.json'));
    for (const req of sent) assert.equal(req.headers.authorization, 'Bearer hf_test_token', req.url);
  });

  test('sends no Authorization header without HF_TOKEN', async () => {
    const before = hub.requests.length;
    const r = await run(['--model', 'Qwen/Qwen3-0.6B'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 0, r.stderr);
    const sent = hub.requests.slice(before);
    assert.ok(sent.length >= 1);
    for (const req of sent) assert.equal(req.headers.authorization, undefined, req.url);
  });
  test('cross-checks a sharded checkpoint against its index total_size', async () => {
    const r = await run(['--model', 'mistralai/Mistral-7B-v0.1', '--json'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(r.code, 0, r.stderr);
    const check = JSON.parse(r.stdout).hub_check.find((c) => c.source.startsWith('index total_size'));
    assert.equal(check.hub_parameters, 7_241_732_096);  // 14,483,464,192 bytes / 2 (bfloat16)
    assert.equal(check.verdict, 'match');
    assert.ok(hub.requests.some((q) => q.url === '/mistralai/Mistral-7B-v0.1/resolve/main/model.safetensors.index.json'));
  });
});

describe('the CLI with a local config.json', () => {
  test('reads the file given with --config', async () => {
    const r = await run(['--config', LLAMA2_CONFIG, '--quantization', 'int4']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.match(r.stdout, /^\[\+\] Model Size: 6\.74B parameters\n\nMemory Requirements:\n-{20}\nWeights \(INT4\): /);
    assert.match(r.stdout, /\nKV Cache \(4k ctx\): {3}2\.00 GiB\n/);
  });

  test('reads the config from stdin with --config -', async () => {
    const r = await run(['--config', '-', '--json'], {}, fs.readFileSync(LLAMA2_CONFIG));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).parameters.total, 6_738_415_616);
  });

  test('scales the KV cache with --context and --batch, and shows active parameters of an MoE', async () => {
    const r = await run(['--config', `${FIXTURES}mistralai__Mixtral-8x7B-v0.1.json`, '--context', '32768', '--batch', '2']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Model Size: 46\.70B parameters \(12\.88B active per token\)/);
    assert.match(r.stdout, /\nKV Cache \(32k ctx, batch 2\): +8\.00 GiB\n/);  // 2 x 32 x 8 x 128 x 2 B x 32768 x 2
  });

  test('plans a llama.cpp file type tensor by tensor, with its buffers and the llama-server line', async () => {
    const r = await run(['--config', `${FIXTURES}meta-llama__Meta-Llama-3.1-8B.json`, '--runtime', 'llama.cpp', '--quantization', 'q4_k_m', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.gguf.file_type, 'Q4_K_M');
    // Q4_K_M keeps token_embd Q4_K and the output Q6_K; half of attn_v and ffn_down are Q6_K.
    const types = (name) => report.gguf.tensors.find((t) => t.name === name).types.map((x) => x.type);
    assert.deepEqual(types('token_embd.weight'), ['Q4_K']);
    assert.deepEqual(types('output.weight'), ['Q6_K']);
    assert.deepEqual(types('blk.{i}.attn_v.weight').sort(), ['Q4_K', 'Q6_K']);
    assert.equal(report.components.find((c) => c.key === 'model_buffer_host').bytes, 128256 * 4096 / 256 * 144);
    assert.equal(report.memory.weights_bytes, report.gguf.tensor_bytes);
    const text = await run(['--config', `${FIXTURES}meta-llama__Meta-Llama-3.1-8B.json`, '--runtime', 'llama.cpp', '--quantization', 'Q4_K_M']);
    assert.match(text.stdout, /\nWeights \(GGUF Q4_K_M\): +4\.58 GiB\n/);
    assert.match(text.stdout, /\nRun it: llama-server -m MODEL\.gguf -c 4096 -ngl 33 -fa on\n/);
  });

  test('estimates training memory per GPU with --mode train', async () => {
    const r = await run(['--config', `${FIXTURES}meta-llama__Meta-Llama-3.1-8B.json`, '--mode', 'train', '--method', 'lora', '--seq-len', '2048',
      '--checkpointing', 'full', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.training.method, 'lora');
    assert.equal(report.training.adapter_parameters, 41_943_040);  // r 16 on q,k,v,o,gate,up,down
    assert.equal(report.training.gradients_bytes, 0);
    assert.equal(report.memory.total_bytes, report.components.reduce((a, c) => a + c.bytes, 0));
    const text = await run(['--config', `${FIXTURES}meta-llama__Meta-Llama-3.1-8B.json`, '--mode', 'train', '--zero', '3', '--gpus', '8',
      '--gradient-accumulation', '4']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /\nTraining Memory \(each GPU\): full fine-tuning, mixed-bf16, adamw, 1 x 4096 tokens, checkpointing none, ZeRO-3 over 8 GPUs\n/);
    assert.match(text.stdout, /\nfp32 master weights: +\d+\.\d\d GiB\n/);
    assert.match(text.stdout, /\nVerdict: Fits on 8 x /);
    assert.match(text.stderr, /Gradient accumulation \(4 steps\) changes no memory/);
  });

  test('asks for --mode train before a training flag', async () => {
    const r = await run(['--config', LLAMA2_CONFIG, '--method', 'lora']);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'neuro-shrink: --method is a training setting: add --mode train. See --help.\n');
  });

  test('says when nothing in the catalogue is large enough', async () => {
    const r = await run(['--config', `${FIXTURES}deepseek-ai__DeepSeek-V3.json`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nVerdict: Does not fit on any single GPU in the catalogue: \d+\.\d\d GiB needed, the largest \(.+\) has \d+\.\d\d GiB( of \d+\.\d\d GiB unified)?\.\n/);
  });

  test('shows the core\'s warnings on stderr, outside the --json report', async () => {
    const r = await run(['--config', `${FIXTURES}EleutherAI__gpt-j-6b.json`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const warnings = report.issues.filter((i) => i.level === 'warning');
    assert.ok(warnings.length >= 1);
    assert.deepEqual(r.stderr.trim().split('\n'), warnings.map((i) => `[!] ${i.message}`));
  });

  test('rejects a malformed file with the core\'s message, naming the file', async () => {
    const file = tempFile('bad.json', '{"model_type": "llama", "hidden_size": ');
    const r = await run(['--config', file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(oneErrorLine(r), `neuro-shrink: ${file}: The config is not valid JSON. Check that the whole config.json was given, or fetch it again.`);
  });

  test('folds several errors from the core into one line', async () => {
    const r = await run(['--config', tempFile('foo.json', '{"model_type": "foo"}')]);
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), /config\.json has no "hidden_size".* \(4 more: num_hidden_layers, num_attention_heads, intermediate_size, vocab_size; --json lists them\)$/);
  });

  test('with --json, still prints the report that carries the error', async () => {
    const r = await run(['--config', LLAMA2_CONFIG, '--quantization', 'q9', '--json']);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout);
    assert.equal(report.issues.find((i) => i.level === 'error').field, 'quantization');
    assert.match(oneErrorLine(r), /Unknown quantization "q9"\. Known: fp32, fp16, bf16, int8, int4, gptq/);
  });

  test('says a missing or empty file cannot be used', async () => {
    const missing = await run(['--config', '/nonexistent/config.json']);
    assert.equal(missing.code, 1);
    assert.equal(oneErrorLine(missing), 'neuro-shrink: cannot read /nonexistent/config.json (no such file). Give the path of a config.json.');
    const empty = await run(['--config', tempFile('empty.json', '')]);
    assert.equal(empty.code, 1);
    assert.match(oneErrorLine(empty), /empty\.json is empty\. Give the path of a config\.json\.$/);
  });
  test('sizes the KV cache in the types given with --kv-type-k and --kv-type-v', async () => {
    const r = await run(['--config', LLAMA2_CONFIG, '--runtime', 'llama.cpp', '--kv-type-k', 'q8_0', '--kv-type-v', 'q4_0', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    // 32 layers x (4096 values of K in q8_0: 128 blocks x 34 B + 4096 of V in q4_0: 128 x 18 B) x 4096 tokens.
    assert.equal(report.memory.kv_cache_bytes, 32 * (128 * 34 + 128 * 18) * 4096);
    assert.equal(report.kv_cache.dtype_k, 'q8_0');
    assert.equal(report.kv_cache.dtype_v, 'q4_0');
  });

  test('rejects an unknown --kv-type with the known ones', async () => {
    const r = await run(['--config', LLAMA2_CONFIG, '--kv-type', 'q9']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Unknown KV cache dtype "q9"\. Known: fp32, fp16, bf16, fp8, q8_0/);
  });
});

describe('the CLI\'s usage', () => {
  const mistakes = {
    'a non-numeric --context': [['--model', 'a/b', '--context', 'many'], '--context takes a positive whole number, not "many".'],
    'a zero --batch': [['--model', 'a/b', '--batch', '0'], '--batch takes a positive whole number, not "0".'],
    'an unknown flag': [['--model', 'a/b', '--bogus'], 'unknown option --bogus.'],
    'a flag without its value': [['--model'], '--model needs a value.'],
    'a flag followed by another flag': [['--model', '--json'], '--model needs a value.'],
    'a stray argument': [['meta-llama/Llama-2-7b-hf'], 'unexpected argument "meta-llama/Llama-2-7b-hf" (every value follows its flag, e.g. --model ID).'],
    'no model and no config': [[], 'give --model ID, --config FILE or --file PATH_OR_URL.'],
    'both a model and a config': [['--model', 'a/b', '--config', 'x.json'], 'give one of --model ID or --config FILE, not both.'],
  };
  for (const [name, [args, message]] of Object.entries(mistakes)) {
    test(`answers ${name} with exit code 2 and one line`, async () => {
      const r = await run(args);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `neuro-shrink: ${message} See --help.\n`);
    });
  }

  test('--help prints the usage on stdout', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await run([flag]);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^Usage: neuro-shrink \(--model ID \| --config FILE\)/);
      assert.match(r.stdout, /--quantization NAME/);
      assert.equal(r.stderr, '');
    }
  });

  test('asks for the build when dist/ is missing', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'neuro-shrink-nodist-'));
    fs.mkdirSync(path.join(root, 'cli'));
    fs.copyFileSync(CLI, path.join(root, 'cli', 'neuro-shrink.mjs'));
    const r = await run(['--config', LLAMA2_CONFIG], {}, undefined, path.join(root, 'cli', 'neuro-shrink.mjs'));
    fs.rmSync(root, { recursive: true, force: true });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'neuro-shrink: the estimator is not built (dist/neuro-shrink-core.wasm is missing). Run "bash scripts/build.sh" first.\n');
  });
});

// --- helpers ---

function run(args, env = {}, input = undefined, cli = CLI) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { ...process.env, HF_TOKEN: '', HF_ENDPOINT: 'http://127.0.0.1:9', ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
  });
}

// An error is one line on stderr (after any "[+]" progress line), and never a stack trace.
function oneErrorLine({ stderr }) {
  const lines = stderr.split('\n').filter((l) => l && !l.startsWith('[+] '));
  assert.equal(lines.length, 1, `expected one error line, got:\n${stderr}`);
  assert.match(lines[0], /^neuro-shrink: /);
  return lines[0];
}

let tempDir;
after(() => { if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true }); });

function tempFile(name, text) {
  tempDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'neuro-shrink-cli-'));
  const file = path.join(tempDir, name);
  fs.writeFileSync(file, text);
  return file;
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
