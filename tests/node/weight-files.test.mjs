// The weight files as the truth for weights (issue #15, core/weight_files.cpp) through the real front-end code: a
// local Hub serves Qwen/Qwen3-0.6B's real config.json and a two-shard safetensors checkpoint written here from the
// core's own tensor list (sparse files: headers real, data zeros), stored as the Hub stores it, the tied lm_head
// beside the embedding (the Hub's safetensors total, 751,632,384, is 596,049,920 parameters + that second copy).
// The CLI reads only the headers, by Range, and counts from them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { HUB_TOTALS, startHub } from './hub-server.mjs';
import { runCli } from './run-cli.mjs';

const dist = new URL('../../dist/', import.meta.url);
const { estimateReport, loadEstimator } = await import(new URL('shared/estimator.js', dist).href);
await loadEstimator({ wasmBinary: fs.readFileSync(new URL('neuro-shrink-core.wasm', dist)) });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-weight-files-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CONFIG = fs.readFileSync(new URL('../fixtures/configs/Qwen__Qwen3-0.6B.json', import.meta.url), 'utf8');
const BYTES = { BF16: 2, F32: 4 };

// Every tensor the core's inventory names, one per layer ("{i}"), as transformers saves them; plus `extra`.
async function checkpointTensors(extra = []) {
  const report = await estimateReport({ config: CONFIG });
  const out = [];
  for (const t of report.tensors) {
    for (let i = 0; i < t.layers; i++) out.push({ name: t.name.replace('{i}', String(i)), dtype: 'BF16', shape: t.shape });
  }
  return [...out, ...extra];
}

// A safetensors file of `tensors`: its real header, then the data as a hole (a sparse file of the full size).
function writeSafetensors(file, tensors) {
  const header = { __metadata__: { format: 'pt' } };
  let at = 0;
  for (const t of tensors) {
    const n = t.shape.reduce((a, d) => a * d, BYTES[t.dtype]);
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + n] };
    at += n;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([length, json]));
  fs.truncateSync(file, 8 + json.length + at);
}

// Two shards and their index, as save_pretrained(max_shard_size=...) writes them.
async function twoShards(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const tensors = await checkpointTensors([{ name: 'lm_head.weight', dtype: 'BF16', shape: [151936, 1024] }]);
  const half = Math.ceil(tensors.length / 2);
  const shards = { 'model-00001-of-00002.safetensors': tensors.slice(0, half), 'model-00002-of-00002.safetensors': tensors.slice(half) };
  const files = {};
  const weightMap = {};
  for (const [name, list] of Object.entries(shards)) {
    files[name] = path.join(dir, name);
    writeSafetensors(files[name], list);
    for (const t of list) weightMap[t.name] = name;
  }
  return { files, index: { metadata: { total_size: 2 * HUB_TOTALS['Qwen/Qwen3-0.6B'] }, weight_map: weightMap } };
}

const cli = runCli;

describe('a Hub model\'s safetensors headers, read by Range, count its weights', async () => {
  const checkpoint = await twoShards(path.join(tmp, 'qwen3'));
  const hub = await startHub({ weightRepos: {
    'test/Qwen3-0.6B': { config: 'Qwen__Qwen3-0.6B', ...checkpoint },
    'test/lost-shard': { config: 'Qwen__Qwen3-0.6B', files: { 'model-00001-of-00002.safetensors': checkpoint.files['model-00001-of-00002.safetensors'], 'model-00002-of-00002.safetensors': undefined }, index: checkpoint.index },
    'test/no-index': { config: 'Qwen__Qwen3-0.6B', files: checkpoint.files },
  } });
  after(() => hub.close());
  const env = { HF_ENDPOINT: hub.endpoint };
  const shardRequests = () => hub.requests.filter((r) => r.url.endsWith('.safetensors'));

  test('every shard\'s header, nothing more: the parameters exact, the tied head counted once', async () => {
    hub.requests.length = 0;
    const r = await cli(['--model', 'test/Qwen3-0.6B', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const f = report.weight_files;
    assert.equal(f.files, 2);
    assert.equal(f.parameters, 596_049_920);
    assert.equal(f.tied_head_elements, 151936 * 1024);
    assert.equal(f.parameters + f.tied_head_elements, HUB_TOTALS['Qwen/Qwen3-0.6B']);  // what the Hub says it stores
    assert.equal(f.weights_from, 'config rule');
    assert.equal(report.parameters.total, 596_049_920);
    assert.match(r.stderr, /Read the safetensors headers of 2 files by Range \([\d,]+ bytes\)/);
    // Range requests only, each within the header (a first 64 KiB, then exactly the declared length)
    const shards = shardRequests();
    assert.ok(shards.length >= 2 && shards.length <= 4, `${shards.length} requests`);
    for (const s of shards) {
      const range = /^bytes=0-(\d+)$/.exec(s.headers.range ?? '');
      assert.ok(range, `${s.url} without a Range header`);
      assert.ok(Number(range[1]) < 2 ** 20, `${s.url}: ${s.headers.range}`);
    }
    const human = await cli(['--model', 'test/Qwen3-0.6B'], env);
    assert.match(human.stdout, /Weights checked against the checkpoint's 2 safetensors files \([\d,]+ tensors\): 596\.05M parameters, exactly config\.json's count\. The lm_head is stored beside the embedding it is tied to/);
  });

  test('--config-only reads no weight file', async () => {
    hub.requests.length = 0;
    const r = await cli(['--model', 'test/Qwen3-0.6B', '--config-only', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).weight_files, undefined);
    assert.equal(shardRequests().length, 0);
  });

  test('a shard the Hub cannot serve: said, and the estimate is config.json\'s (nothing from a partial checkpoint)', async () => {
    const r = await cli(['--model', 'test/lost-shard', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /\[!\] The weight files were not read \(.*model-00002-of-00002\.safetensors.*\)\. The estimate is from config\.json alone\./);
    assert.equal(JSON.parse(r.stdout).weight_files, undefined);
  });

  test('several .safetensors files and no index: not guessed which form the checkpoint', async () => {
    const r = await cli(['--model', 'test/no-index', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /\[i\] The weight files were not read: test\/no-index holds 2 \.safetensors files and no index/);
    assert.equal(JSON.parse(r.stdout).weight_files, undefined);
  });

  test('a local file with --config: one shard of several is not the model; a whole checkpoint is', async () => {
    fs.writeFileSync(path.join(tmp, 'config.json'), CONFIG);
    const again = await cli(['--config', path.join(tmp, 'config.json'), '--file', checkpoint.files['model-00001-of-00002.safetensors'], '--json']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /is one of 2 shards: the estimate counts from config\.json/);
    assert.equal(JSON.parse(again.stdout).weight_files, undefined);
    const whole = path.join(tmp, 'model.safetensors');
    writeSafetensors(whole, await checkpointTensors());
    const r = await cli(['--config', path.join(tmp, 'config.json'), '--file', whole, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).weight_files.parameters, 596_049_920);
  });
});
