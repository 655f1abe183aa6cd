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
    // (the local Hub lists no weight file for it: said on one line, the estimate from config.json)
    assert.equal(r.stderr, `[+] Fetching config for ${LLAMA2}...\n[i] The weight files were not read: ${LLAMA2} stores no .safetensors file. The estimate is from config.json alone.\n`);
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
    // (the local Hub lists no weight file for it: said on one line, the estimate from config.json)
    assert.equal(r.stderr, `[+] Fetching config for ${LLAMA2}...\n[i] The weight files were not read: ${LLAMA2} stores no .safetensors file. The estimate is from config.json alone.\n`);
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
    assert.match(oneErrorLine(r), new RegExp(`Could not reach the Hub at ${escape(endpoint)} \\(ECONNREFUSED: connection refused\\)`));
  });

  test('gives up on a Hub that does not answer after HF_HUB_DOWNLOAD_TIMEOUT seconds', async () => {
    const r = await run(['--model', 'slow/model'], { HF_ENDPOINT: hub.endpoint, HF_HUB_DOWNLOAD_TIMEOUT: '0.3' });
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), /The Hub at \S+ did not answer within 0\.3 s\. Try again, or give its config\.json with --config FILE\. On a slow connection, raise HF_HUB_DOWNLOAD_TIMEOUT \(now 0\.3 s\)\.$/);
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

  test('prints the speed as people think about it: a range, a band, the time to first token of the prompt', async () => {
    const r = await run(['--config', LLAMA2_CONFIG, '--quantization', 'Q4_0', '--gpu', 'RTX 3060', '--prompt-tokens', '2000']);
    assert.equal(r.code, 0, r.stderr);
    const decode = /\n {2}decode ~(\d+) tokens\/s per sequence \((\d+) to (\d+)\), (painful|acceptable|smooth); memory bandwidth bound\n/.exec(r.stdout);
    assert.ok(decode, r.stdout);
    const [tps, low, high] = decode.slice(1, 4).map(Number);
    assert.ok(low < tps && tps < high, decode[0]);
    assert.equal(decode[4], tps >= 20 ? 'smooth' : tps >= 10 ? 'acceptable' : 'painful');
    assert.match(r.stdout, /\n {2}prefill ~\d+ tokens\/s; first token after ~\d+(\.\d+)? s for a 2,000-token prompt\n/);
    assert.match(r.stdout, /\n\d+–\d+ tokens\/s \((painful|acceptable|smooth)\) · /);  // the verdict's line
    // Where the catalogue has no prefill figure, the reason instead (Apple states none for most M-series chips).
    const apple = await run(['--config', LLAMA2_CONFIG, '--quantization', 'Q4_0', '--gpu', 'M2 Max 32GB']);
    assert.match(apple.stdout, /\n {2}prefill unknown: the catalogue has no dense fp16 throughput for Apple M2 Max 32GB \(Apple states no GPU FLOPS/);
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
    assert.match(text.stdout, /\nRun it: llama-server -m MODEL\.gguf -c 4096 -ngl 33 -fa on -np 1\n/);
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

describe('the CLI and HF_TOKEN: HTTPS and the Hub only, never across origins', () => {
  let hub;
  let other;
  before(async () => {
    other = await startHub();
    hub = await startHub({ redirectTo: other.endpoint });
  });
  after(async () => {
    await hub.close();
    await other.close();
  });
  const last = (server, path) => server.requests.filter((r) => r.url === path).at(-1);
  const SMALL = '/x/file/safetensors/small.safetensors';

  test('--file sends it to HF_ENDPOINT\'s origin (a loopback mirror may be plain http)', async () => {
    const r = await run(['--file', `${hub.endpoint}${SMALL}`], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_x' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(last(hub, SMALL).headers.authorization, 'Bearer hf_x');
  });

  test('--file sends it to no other origin: another port, or any host with the default Hub', async () => {
    const elsewhere = await run(['--file', `${other.endpoint}${SMALL}`], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_x' });
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    assert.equal(last(other, SMALL).headers.authorization, undefined);
    const plain = await run(['--file', `${hub.endpoint}${SMALL}`], { HF_ENDPOINT: '', HF_TOKEN: 'hf_x' });
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(last(hub, SMALL).headers.authorization, undefined);  // http, and not huggingface.co
  });

  test('--file drops it when the Hub redirects to another origin', async () => {
    const path = `/x/redirect?to=${encodeURIComponent(`${other.endpoint}${SMALL}`)}`;
    const r = await run(['--file', `${hub.endpoint}${path}`], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_x' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(last(hub, path).headers.authorization, 'Bearer hf_x');
    assert.equal(last(other, SMALL).headers.authorization, undefined);
  });

  test('--model drops it on a redirect to another origin, and keeps it within the Hub', async () => {
    const moved = await run(['--model', 'moved/model', '--json'], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_x' });
    assert.equal(moved.code, 0, moved.stderr);
    assert.equal(last(hub, '/moved/model/resolve/main/config.json').headers.authorization, 'Bearer hf_x');
    assert.equal(last(other, '/Qwen/Qwen3-0.6B/resolve/main/config.json').headers.authorization, undefined);
    const renamed = await run(['--model', 'renamed/model', '--json'], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_x' });
    assert.equal(renamed.code, 0, renamed.stderr);
    assert.equal(last(hub, '/Qwen/Qwen3-0.6B/resolve/main/config.json').headers.authorization, 'Bearer hf_x');
  });

  test('a 401 from a host the token may not go to says so', async () => {
    const r = await run(['--file', `${other.endpoint}/x/status/401`], { HF_ENDPOINT: hub.endpoint, HF_TOKEN: 'hf_x' });
    assert.equal(r.code, 1);
    assert.match(oneErrorLine(r), /\/x\/status\/401 answered HTTP 401 \(unauthorized\)\. HF_TOKEN was not sent there: it goes only over HTTPS to huggingface\.co and its subdomains, or to the origin of HF_ENDPOINT \(see --help\)\.$/);
    const missing = await run(['--file', `${other.endpoint}/x/status/404`]);
    assert.match(oneErrorLine(missing), /\/x\/status\/404 answered HTTP 404 \(not found\)\.$/);
  });

  test('--help states the rule', async () => {
    const r = await run(['--help']);
    assert.match(r.stdout, /HF_TOKEN +sent as a bearer token, only over HTTPS and only to the Hub: huggingface\.co and its\n +subdomains, or exactly HF_ENDPOINT's origin/);
    assert.match(r.stdout, /never after a redirect to another origin/);
  });
});

describe('the CLI against servers that stall, trickle or never stop', () => {
  let hub;
  before(async () => { hub = await startHub(); });
  after(async () => { await hub.close(); });
  const timeout = { HF_HUB_DOWNLOAD_TIMEOUT: '1' };

  test('--file gives up on a server that never answers, after HF_HUB_DOWNLOAD_TIMEOUT', async () => {
    const r = await run(['--file', `${hub.endpoint}/x/stall`], timeout);
    assert.equal(r.code, 1);
    assert.ok(r.ms < 5000, `${r.ms} ms`);
    assert.match(oneErrorLine(r), /^neuro-shrink: http:\/\/127\.0\.0\.1:\d+ did not answer within 1 s\. On a slow connection, raise HF_HUB_DOWNLOAD_TIMEOUT \(now 1 s\)\.$/);
  });

  test('--file and --model give up on a body that comes a byte a second', async () => {
    const file = await run(['--file', `${hub.endpoint}/x/drip`], timeout);
    assert.equal(file.code, 1);
    assert.ok(file.ms < 5000, `${file.ms} ms`);
    assert.match(oneErrorLine(file), /stopped sending: less than 1024 bytes in 1 s \(\d bytes in all\)\. On a slow connection, raise HF_HUB_DOWNLOAD_TIMEOUT/);
    const model = await run(['--model', 'drip/model'], { HF_ENDPOINT: hub.endpoint, ...timeout });
    assert.equal(model.code, 1);
    assert.match(oneErrorLine(model), /The Hub at \S+ stopped sending: .* give its config\.json with --config FILE\./);
  });

  test('--file reads only the header of a server that ignores Range and sends 300 MB', async () => {
    const r = await run(['--file', `${hub.endpoint}/x/norange`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 5000, `${r.ms} ms`);
    assert.equal(JSON.parse(r.stdout).tensor_count, 5);
    await waitFor(() => hub.streams.at(-1).closed);
    assert.ok(hub.streams.at(-1).sent < 64 * 2 ** 20, `the server sent ${hub.streams.at(-1).sent} bytes`);
  });

  test('--file reads only the header of an endless body', async () => {
    const r = await run(['--file', `${hub.endpoint}/x/endless`, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.ms < 5000, `${r.ms} ms`);
    assert.equal(JSON.parse(r.stdout).status, 'ok');
    await waitFor(() => hub.streams.at(-1).closed);
    assert.ok(hub.streams.at(-1).sent < 64 * 2 ** 20, `the server sent ${hub.streams.at(-1).sent} bytes`);
  });

  test('--model refuses a config.json past the core\'s cap, by its size or once it has read that much', async (t) => {
    const { config_bytes: cap } = await limits();
    if (!cap) return t.skip('dist/ predates catalogue().limits');
    const huge = await run(['--model', 'huge/model'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(huge.code, 1);
    assert.match(oneErrorLine(huge), new RegExp(`offers 286\\.10 MiB \\(300,000,000 bytes\\) for config\\.json; at most .* \\(${cap.toLocaleString('en-US')} bytes\\) is read\\.$`));
    const endless = await run(['--model', 'endless/model'], { HF_ENDPOINT: hub.endpoint });
    assert.equal(endless.code, 1);
    assert.ok(endless.ms < 5000, `${endless.ms} ms`);
    assert.match(oneErrorLine(endless), new RegExp(`sent more than .* \\(${cap.toLocaleString('en-US')} bytes\\) for config\\.json, the most that is read\\.$`));
  });
});

describe('the CLI\'s --file and --config with what is not theirs to read', () => {
  test('refuses a URL that is not http(s), rather than read it as a path', async () => {
    for (const url of ['ftp://example.com/m.gguf', 'javascript:alert(1)', 'data:,GGUF', 'file:///tmp/m.gguf']) {
      const r = await run(['--file', url]);
      assert.equal(r.code, 2, url);
      const scheme = url.split(':')[0];
      assert.match(r.stderr, new RegExp(`^neuro-shrink: --file takes a local path or an http\\(s\\) URL; ${scheme}: URLs are not read\\.`), url);
    }
    const file = await run(['--file', 'file:///tmp/m.gguf']);
    assert.match(file.stderr, /file: URLs are not read\. Give the path itself\. See --help\.\n$/);
    const colon = await run(['--file', 'model:v2.gguf']);
    assert.match(colon.stderr, /model: URLs are not read\. For a local file of that name, write \.\/model:v2\.gguf\. See --help\.\n$/);
  });

  test('says an empty file is empty', async () => {
    const empty = tempFile('empty.gguf', '');
    const r = await run(['--file', empty]);
    assert.equal(r.code, 1);
    assert.equal(oneErrorLine(r), `neuro-shrink: ${empty} is empty.`);
  });

  test('says zeros, or text, are not a weight file, showing the first bytes', async () => {
    const zeros = await run(['--file', '/dev/zero']);
    assert.equal(zeros.code, 1);
    assert.equal(oneErrorLine(zeros), `neuro-shrink: /dev/zero is not a GGUF or safetensors file (its first bytes are ${'00 '.repeat(15)}00).`);
    const html = await run(['--file', tempFile('page.gguf', '<!DOCTYPE html><html>not found</html>')]);
    assert.match(oneErrorLine(html), /page\.gguf is not a GGUF or safetensors file \(its first bytes are 3c 21 44 4f 43 54 59 50 45 20 68 74 6d 6c 3e 3c, "<!DOCTYPE html><"\)\.$/);
  });

  test('surfaces the core\'s message for a broken header, and says when a file ends inside it', async () => {
    const gguf = fs.readFileSync(new URL('../fuzz/corpus/gguf/small-v3.gguf', import.meta.url));
    const cut = await run(['--file', tempFile('cut.gguf', gguf.subarray(0, 100))]);
    assert.equal(cut.code, 1);
    assert.match(oneErrorLine(cut), /cut\.gguf ends inside its own header \(the file has 100 bytes, the header needs \d+\)\.$/);
    const absurd = await run(['--file', new URL('../fuzz/corpus/safetensors/absurd-length.safetensors', import.meta.url).pathname]);
    assert.equal(absurd.code, 1);
    assert.match(oneErrorLine(absurd), /absurd-length\.safetensors: Not a valid safetensors header: /);
  });

  test('--config stops at the core\'s cap: a large file by its size, /dev/zero and stdin as they stream', async (t) => {
    const { config_bytes: cap } = await limits();
    if (!cap) return t.skip('dist/ predates catalogue().limits');
    const capText = `\\(${cap.toLocaleString('en-US')} bytes\\)`;
    const big = tempFile('big.json', '');
    fs.truncateSync(big, 200 * 10 ** 6);  // sparse: 200 MB on paper
    const file = await run(['--config', big]);
    assert.equal(file.code, 1);
    assert.match(oneErrorLine(file), new RegExp(`big\\.json is 0\\.19 GiB \\(200,000,000 bytes\\); a config\\.json may be at most 4\\.00 MiB ${capText}\\.`));
    assert.ok(file.ms < 5000, `${file.ms} ms`);
    const zero = await run(['--config', '/dev/zero']);
    assert.equal(zero.code, 1);
    assert.match(oneErrorLine(zero), new RegExp(`^neuro-shrink: /dev/zero holds more than 4\\.00 MiB ${capText}, the most a config\\.json may be; reading stopped there\\.`));
    assert.ok(zero.ms < 5000, `${zero.ms} ms`);
    const stdin = await run(['--config', '-'], {}, Buffer.alloc(cap + 1, 0x20));
    assert.equal(stdin.code, 1);
    assert.match(oneErrorLine(stdin), new RegExp(`^neuro-shrink: stdin holds more than 4\\.00 MiB ${capText}, the most a config\\.json may be`));
    const padded = await run(['--config', '-'], {}, Buffer.concat([fs.readFileSync(LLAMA2_CONFIG), Buffer.alloc(2 ** 20, 0x20)]));
    assert.equal(padded.code, 0, padded.stderr);  // a config padded to 1 MiB is still read
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
    // The checks below come from the core's options schema (catalogue().options): its bounds, sets and aliases.
    'a --context past the core\'s bound': [['--model', 'a/b', '--context', '999999999999'], '--context takes a positive whole number up to 134217728, not "999999999999".'],
    'a --flash-attn outside its set': [['--model', 'a/b', '--flash-attn', 'maybe'], '--flash-attn takes auto, on or off, not "maybe".'],
    'a --gpu-memory that is not a size': [['--model', 'a/b', '--gpu-memory', 'lots'], '--gpu-memory takes a number of GiB up to 65536, not "lots".'],
    'two names of one option': [['--model', 'a/b', '--batch', '2', '--parallel', '2'], '--parallel and --batch mean the same; give one.'],
    'a training flag without --mode train, by its new name': [['--config', 'x.json', '--lora-rank', '8'], '--lora-rank is a training setting: add --mode train.'],
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

  test('--help lists the core\'s options: each flag with its old names, its values and its default', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\n  --context-tokens, --context N\s+the context length per sequence \(1 to 134217728 tokens; default 4096\)\n/);
    assert.match(r.stdout, /\n  --batch-size, --batch, --parallel N\n/);
    assert.match(r.stdout, /\n  --flash-attention, --flash-attn auto\|on\|off\n/);
    assert.match(r.stdout, /\n  --zero 0\|1\|2\|3\|fsdp +ZeRO stage/);
    assert.match(r.stdout, /adamw, adamw-8bit, paged-adamw-8bit/);  // training.cpp's optimizers
    assert.match(r.stdout, /\nEnvironment:\n  HF_ENDPOINT +the Hub URL/);
  });

  test('the old flag names and the schema\'s give the same report', async () => {
    const old = await run(['--config', LLAMA2_CONFIG, '--context', '8192', '--batch', '2', '--kv-type', 'q8_0', '--runtime', 'llama.cpp',
      '--flash-attn', 'on', '--gpu', 'RTX 4090', '--gpu-memory', '23.5', '--json']);
    assert.equal(old.code, 0, old.stderr);
    const now = await run(['--config', LLAMA2_CONFIG, '--context-tokens', '8192', '--batch-size', '2', '--kv-cache-dtype', 'q8_0', '--runtime',
      'llama.cpp', '--flash-attention', 'on', '--gpu', 'RTX 4090', '--gpu-memory', '23.5', '--json']);
    assert.equal(now.stdout, old.stdout);
    const report = JSON.parse(now.stdout);
    assert.equal(report.request.context_tokens, 8192);
    assert.equal(report.request.batch_size, 2);
    assert.equal(report.kv_cache.dtype, 'q8_0');
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
  const started = Date.now();
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
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    if (input !== undefined) {
      child.stdin.on('error', () => {});  // the CLI may stop reading at its cap
      child.stdin.end(input);
    }
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

// The core's caps (catalogue().limits), from the built estimator the CLI loads.
let limitsPromise;
function limits() {
  limitsPromise ??= import('../../dist/shared/estimator.js').then(async ({ catalogue, loadEstimator }) => {
    await loadEstimator({ wasmBinary: fs.readFileSync(new URL('../../dist/neuro-shrink-core.wasm', import.meta.url)) });
    return (await catalogue()).limits ?? {};
  });
  return limitsPromise;
}

// Waits (at most 5 s, 50 checks) until `done()` holds.
async function waitFor(done) {
  for (let i = 0; i < 50 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

test('a cluster on vLLM lists the layouts of its GPUs and marks the best (TP inside a machine)', async () => {
  const r = await run(['--config', 'tests/fixtures/configs/deepseek-ai__DeepSeek-V3.json', '--runtime', 'vllm', '--gpu', 'H100 SXM', '--gpus', '8', '--nodes', '2', '--context-tokens', '32768']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Layouts of these 16 GPUs/);
  assert.match(r.stdout, /TP 8 x PP 2 {10}fits, 822,000 KV tokens, ~\d+ tok\/s {2}<- best/);
});

describe('neuro-shrink reconcile: a runtime log held against the estimate', () => {
  const live = JSON.parse(fs.readFileSync(new URL('../fixtures/llamacpp/measurements.json', import.meta.url), 'utf8'));
  const model = live.models.find((m) => m.layout === 'llama-3.1-8b' && m.weights === 'Q4_K_M');
  const rec = live.records.find((r) => r.layout === 'llama-3.1-8b' && r.weights === 'Q4_K_M' && r.ok);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-log-'));
  const logFile = path.join(dir, 'llama.log');
  fs.writeFileSync(logFile, `${model.log.join('\n')}\n${rec.log.join('\n')}\n`);
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('prints each buffer predicted vs printed, from the log file and a config', async () => {
    const config = new URL(`../../${model.config}`, import.meta.url).pathname;
    const r = await run(['reconcile', logFile, '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^llama\.cpp log: Q4_K_M, n_ctx 4096 \(1 x 4096\), ubatch 512, n_batch 512, flash attention on, cache fp16\/fp16, -ngl 0; model from config\n/);
    assert.match(r.stdout, /\nmodel +host +CPU_Mapped \+ CPU_REPACK +7889\.30 MiB +7889\.30 MiB +\+0\.00 %/);
    assert.match(r.stdout, /\nkv +host +CPU +512\.00 MiB +512\.00 MiB +\+0\.00 %/);
    assert.match(r.stdout, /\ntotal: predicted /);
  });

  test('--log FILE, --json, and the log alone (its print_info lines give the model)', async () => {
    const r = await run(['reconcile', '--log', logFile, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const reply = JSON.parse(r.stdout);
    assert.equal(reply.model.from, 'log print_info');
    assert.equal(reply.buffers.find((b) => b.buffer === 'kv').difference_bytes, 0);
  });

  test('a missing log file, no log and a log without buffers are one clear line each', async () => {
    assert.match(oneErrorLine(await run(['reconcile', path.join(dir, 'nope.log')])), /cannot read .*nope\.log \(no such file\)/);
    assert.match(oneErrorLine(await run(['reconcile'])), /give the log file/);
    const empty = path.join(dir, 'empty.log');
    fs.writeFileSync(empty, 'hello\n');
    assert.match(oneErrorLine(await run(['reconcile', empty])), /prints no buffer sizes/);
  });
});

test('--compare prints the rule of thumb and accelerate beside the estimate, with what each leaves out', async () => {
  const r = await run(['--config', LLAMA2_CONFIG, '--compare']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\nBeside other tools \(same model and setting\):\n {2}this estimate: \d+\.\d\d GiB\n {2}rule of thumb \(inference\): \d+\.\d\d GiB \([+-]\d+\.\d %\), 6738415616 parameters x 16 bits \/ 8 x 1\.2\n {4}leaves out a fixed 20 % for the KV cache/);
  assert.match(r.stdout, /\n {2}accelerate estimate-memory \(inference\): 12\.55 GiB/);
});

test('--version prints the version package.json holds, and nothing else', async () => {
  const r = await run(['--version']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`);
  assert.equal(r.stderr, '');
});
