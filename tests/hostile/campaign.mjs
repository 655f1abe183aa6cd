#!/usr/bin/env node
// The hostile-input campaign of issue #12 ("Hardening"), re-run after its fixes: nine classes of input, each
// generated from a seeded PRNG, thrown at the wasm module, the native driver and the CLI, every reply sorted
// into an outcome. Prints a table (class, inputs tried, outcome counts), the measured figures (parse times,
// network wall times and peak RSS) and examples of every unacceptable outcome; exits 0 when every outcome is
// acceptable, 1 otherwise.
//
//   node tests/hostile/campaign.mjs            the full run (~14,000 inputs, 2.5-4 minutes on 2 cores)
//   node tests/hostile/campaign.mjs --quick    a smaller run (~2,400 inputs, under a minute)
//   options: --seed N (default 12), --only 1,5,9 (classes), --verbose (every figure and note),
//            --dump FILE (every unacceptable input, one JSON line each)
//
// Servers bind 127.0.0.1 only; nothing reaches the network. Needs dist/ and build/native/ (scripts/build.sh).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';

import {
  ACCEPTABLE, CORES, INPUT_LIMIT_MS, distFile, NATIVE, OUTCOME_ORDER, ROOT, Tally, WasmRunner, classifyHeader, classifyReply, clip,
  parallel, prng, runCli, runNative, throughBoth,
} from './harness.mjs';
import {
  FIXTURES, HOSTILE_NUMERALS, fieldOf, fixture, fixtureNames, gguf, hostileUrls, llamaGguf, llamaTensors, mutateConfig,
  randomOptions, safetensors, scan, splice, withLength,
} from './inputs.mjs';
import { BEHAVIOURS, gzipBomb, hostileHandler, hubHandler, otherHandler, startServer } from './servers.mjs';

const { values: flags } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, seed: { type: 'string', default: '12' }, only: { type: 'string' },
    verbose: { type: 'boolean', default: false }, dump: { type: 'string' } },
});
const QUICK = flags.quick;
const SEED = Number(flags.seed);
const ONLY = flags.only ? new Set(flags.only.split(',').map(Number)) : null;
const TMP = fs.mkdtempSync(`${os.tmpdir()}/hostile-`);
const TOKEN = 'hf_campaign';
// The CLI's network timeout in this campaign, and the limits its runs are held to.
const TIMEOUT_S = 2;
const HANG_MS = 3 * TIMEOUT_S * 1000;
// A CLI that has printed its error and goes on (fetching what no longer matters) for longer than this. A process
// takes a few hundred ms from its last message to its exit on a loaded machine; this is well past that.
const LINGER_MS = 3000;
const RSS_LIMIT_KIB = 300 * 1024;
// A CLI line that is not a clear message: a raw errno, a JS artefact, the size refusal an empty file once got.
const UNCLEAR = /\b(ENOENT|EISDIR|EACCES|ENOTDIR)\b|undefined|\bNaN\b|\[object |larger than this reader accepts|unexpected failure/;

const wasm = new WasmRunner();
if (flags.dump) Tally.dumpFd = fs.openSync(flags.dump, 'w');
const CATALOGUE = JSON.parse((await runNative(['--catalogue'], '')).stdout);
const rndFor = (n) => prng(SEED * 1000 + n);
const size = (n) => (n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${n} B`);
const ms = (t) => (t === undefined ? '-' : t >= 1000 ? `${(t / 1000).toFixed(2)} s` : `${t.toFixed(0)} ms`);
const mb = (kib) => (kib === undefined ? '   - MB' : `${String(Math.round(kib / 1024)).padStart(4)} MB`);
const requestFor = (config, options = {}) => JSON.stringify({ config, ...options });

// ---- class 1: where the token goes ---------------------------------------------------------------------------------

async function tokenDestinations(t) {
  const hub = await tokenRule(t);
  const rnd = rndFor(1);
  let withheld = 0;
  for (const c of hostileUrls(rnd, QUICK ? 300 : 2500, 45678)) {
    const input = `tokenMayGoTo(${JSON.stringify(c.url)}${c.endpoint ? `, ${JSON.stringify(c.endpoint)}` : ''})`;
    let allowed;
    try {
      allowed = hub.tokenMayGoTo(c.url, c.endpoint || undefined);
    } catch (err) {
      t.add('crash', input, `threw ${err.message}`);
      continue;
    }
    if (typeof allowed !== 'boolean') t.add('crash', input, `returned ${allowed}`);
    else if (allowed && c.expect === 'deny') t.add('leak', input, 'returned true');
    else if (allowed) t.add('token to its hub', input);
    else {
      if (c.expect === 'allow') { withheld++; t.note(`withheld where it could go (safe): ${input}`); }
      t.add('no leak', input);
    }
  }
  t.figure(`tokenMayGoTo: ${t.tried} URLs; ${withheld} withheld where the rule would allow the token (safe)`);
  await tokenThroughCli(t);
}

// dist/(shared/)hub-fetch.js's rule; another engineer may still be adding it: wait for it, up to 20 minutes.
async function tokenRule(t) {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const hub = await import(`${distFile('hub-fetch.js').href}?attempt=${attempt}`).catch(() => ({}));
    if (typeof hub.tokenMayGoTo === 'function') return hub;
    if (Date.now() - started > 20 * 60_000) throw new Error('hub-fetch.js exports no tokenMayGoTo after 20 minutes');
    if (attempt === 0) process.stderr.write(' (hub-fetch.js has no tokenMayGoTo yet: waiting, up to 20 minutes)');
    await new Promise((r) => setTimeout(r, 30_000));
  }
}

// The CLI against a Hub stand-in (HF_ENDPOINT) and another local origin, both recording Authorization: each
// run has its own token, so that runs in parallel are told apart.
async function tokenThroughCli(t) {
  if (!(await cliUsable(t))) return;
  const other = await startServer(otherHandler);
  const hub = await startServer(hubHandler(other));
  const E = hub.origin;
  const O = other.origin;
  const cases = [
    { name: '--model through HF_ENDPOINT (the token goes: control)', env: { HF_ENDPOINT: E }, args: ['--model', 'ok/m'] },
    { name: '--file on HF_ENDPOINT\'s origin', env: { HF_ENDPOINT: E }, args: ['--file', `${E}/ok/model.safetensors`] },
    { name: '--file on another port', env: { HF_ENDPOINT: E }, args: ['--file', `${O}/model.safetensors`] },
    { name: '--file on localhost, HF_ENDPOINT on 127.0.0.1', env: { HF_ENDPOINT: E }, args: ['--file', `http://localhost:${hub.port}/ok/model.safetensors`] },
    { name: '--file on 127.0.0.1, HF_ENDPOINT on localhost', env: { HF_ENDPOINT: `http://localhost:${hub.port}` }, args: ['--file', `${E}/ok/model.safetensors`] },
    { name: '--file with userinfo naming the endpoint', env: { HF_ENDPOINT: E }, args: ['--file', `http://127.0.0.1:${hub.port}@127.0.0.1:${other.port}/model.safetensors`] },
    { name: '--file HTTP:// upper case, another port', env: { HF_ENDPOINT: E }, args: ['--file', `HTTP://127.0.0.1:${other.port}/model.safetensors`] },
    { name: '--file, default endpoint (huggingface.co)', env: {}, args: ['--file', `${O}/model.safetensors`] },
    { name: '--file, HF_ENDPOINT with a path', env: { HF_ENDPOINT: `${E}/mirror/` }, args: ['--file', `${O}/model.safetensors`] },
    { name: '--file, HF_ENDPOINT https on the same port', env: { HF_ENDPOINT: `https://127.0.0.1:${hub.port}` }, args: ['--file', `${E}/ok/model.safetensors`] },
  ];
  const codes = QUICK ? [307] : [301, 302, 303, 307, 308];
  for (const code of codes) {
    for (const where of ['other', 'rel', 'localhost', 'self', 'back', 'userinfo']) {
      cases.push({ name: `--model, HF_ENDPOINT answers ${code} -> ${where}`, env: { HF_ENDPOINT: E }, args: ['--model', `r${code}-${where}/m`] });
      cases.push({ name: `--file on HF_ENDPOINT, ${code} -> ${where}`, env: { HF_ENDPOINT: E }, args: ['--file', `${E}/r${code}-${where}/model.safetensors`] });
    }
  }
  await parallel(cases.map((c, i) => async () => {
    const token = `${TOKEN}_${i}`;
    const r = await runCli(c.args, { env: { ...c.env, HF_TOKEN: token, HF_HUB_DOWNLOAD_TIMEOUT: String(TIMEOUT_S) }, limitMs: 20_000 });
    const endpoint = c.env.HF_ENDPOINT ? new URL(c.env.HF_ENDPOINT).origin : 'https://huggingface.co';
    const sent = [...hub.requests, ...other.requests].filter((q) => q.authorization === `Bearer ${token}`);
    const wrong = sent.filter((q) => `http://${q.host}` !== endpoint);
    const input = `HF_TOKEN=${token} HF_ENDPOINT=${c.env.HF_ENDPOINT ?? '(unset)'} neuro-shrink ${c.args.join(' ')}`;
    if (wrong.length) return t.add('leak', input, `${c.name}: Authorization reached http://${wrong[0].host}${wrong[0].url}`);
    const [outcome, detail] = cliOutcome(r, { ok: 'no leak' });
    if (!ACCEPTABLE.has(outcome)) return t.add(outcome, input, `${c.name}: ${detail}`);
    t.add(sent.length ? 'token to its hub' : 'no leak', input);
    if (flags.verbose) t.figure(`${c.name}: exit ${r.code}, token sent ${sent.length}x${detail ? `: ${clip(detail, 100)}` : ''}`);
  }), 4);
  t.figure(`CLI runs: ${cases.length} (HF_TOKEN checked on ${hub.requests.length + other.requests.length} recorded requests)`);
  await Promise.all([hub.close(), other.close()]);
}

// A CLI run as an outcome: exit 0 is `ok`; 1 or 2 with one clear "neuro-shrink: ..." line is a clear error.
function cliOutcome(r, { ok = 'estimate', expect = null } = {}) {
  const line = r.stderr.split('\n').filter((l) => l.startsWith('neuro-shrink:')).pop() ?? '';
  if (r.timedOut) return ['hang', `killed after ${ms(r.ms)}`];
  if (r.signal) return ['crash', `killed by ${r.signal}: ${clip(r.stderr, 200)}`];
  if (/unexpected failure/.test(r.stderr)) return ['crash', line];
  if (r.code === 0) return [ok, ''];
  if (r.code !== 1 && r.code !== 2) return ['crash', `exit ${r.code}: ${clip(r.stderr, 200)}`];
  if (!line) return ['unclear error', clip(r.stderr || '(no message)', 200)];
  if (UNCLEAR.test(line) || (expect && !expect.test(line))) return ['unclear error', line];
  return ['clear error', line];
}

// ---- class 2: Python's NaN / Infinity in configs (the pre-pass) ---------------------------------------------------------

const WORDS = ['NaN', 'Infinity', '-Infinity'];
const TRUNCATED = ['Na', 'N', 'Infinit', 'Inf', '-Inf', '-', 'nan', 'inf', '-nan', 'NaNN', 'Infinityy', 'NaN0', '+Infinity', 'infinity'];

async function configPrepass(t) {
  const rnd = rndFor(2);
  const fixturesUsed = QUICK ? ['meta-llama__Meta-Llama-3.1-8B.json', 'AntonV__mamba2-130m-hf.json']
    : ['meta-llama__Meta-Llama-3.1-8B.json', 'AntonV__mamba2-130m-hf.json', 'google__gemma-3-4b-it.json', 'Qwen__Qwen3-VL-8B-Instruct.json',
      'deepseek-ai__DeepSeek-V3.json', 'openai__gpt-oss-20b.json', 'nvidia__Nemotron-H-56B-Base-8K.json', 'mistralai__Mixtral-8x7B-v0.1.json'];
  const jobs = [];
  for (const name of fixturesUsed) {
    const text = fixture(name);
    const baseline = (await wasm.call('estimate', requestFor(text))).out;
    for (const v of scan(text).values) jobs.push(...await nanAtValue(text, v, baseline, name));
    const positions = QUICK ? 12 : 120;
    for (let n = 0; n < positions; n++) {
      const at = rnd.int(text.length + 1);
      const word = rnd.pick([...WORDS, ...TRUNCATED]);
      jobs.push({ input: `${name}: "${word}" inserted at ${at}`, request: requestFor(splice(text, at, at, word)) });
    }
    for (const word of [...WORDS, ...TRUNCATED]) {
      jobs.push({ input: `${name} + "${word}" at the end`, request: requestFor(text + word) });
      jobs.push({ input: `${name}: "${word}" for the closing brace`, request: requestFor(text.replace(/}\s*$/, word)) });
      const cut = text.lastIndexOf(':') + 1;
      jobs.push({ input: `${name} cut after the last colon + "${word}"`, request: requestFor(text.slice(0, cut) + word) });
    }
  }
  jobs.push(...await stringCases(fixture(fixturesUsed[0]), fixturesUsed[0]));
  await parallel(jobs.map((j) => async () => {
    const r = await throughBoth(wasm, 'estimate', j.request, { classify: j.classify ?? ((out, request) => classifyReply(out, { request })) });
    t.add(r.outcome, j.input, r.detail);
  }), 3);
}

// NaN, Infinity and -Infinity in place of one value. Whether the estimate reads that value: another value there
// changes the estimate's numbers (or makes it an error). A read value holding one must be an error naming its field.
async function nanAtValue(text, v, baseline, name) {
  const other = /^"/.test(v.text) ? '"zzz"' : /^(true|false)$/.test(v.text) ? (v.text === 'true' ? 'false' : 'true')
    : /^-?\d+$/.test(v.text) ? String(Number(v.text) * 2 + 3) : '0.123';
  const read = numbersOf((await wasm.call('estimate', requestFor(splice(text, v.start, v.end, other)))).out) !== numbersOf(baseline);
  const field = fieldOf(v.path);
  return WORDS.filter((w) => w !== v.text).map((word) => ({
    input: `${name}: ${field}${typeof v.path.at(-1) === 'number' ? `[${v.path.at(-1)}]` : ''} = ${word}${read ? ' (a value the estimate reads)' : ''}`,
    request: requestFor(splice(text, v.start, v.end, word)),
    classify: (out, request) => classifyReply(out, read ? { mustRefuse: true, field, request } : { request }),
  }));
}

// What an estimate says, without its echo of the config and its notes: its numbers, or its errors.
function numbersOf(reply) {
  const r = JSON.parse(reply);
  const errors = r.issues.filter((i) => i.level === 'error').map((i) => `${i.code}:${i.field}`);
  return JSON.stringify(errors.length ? errors : [r.memory, r.parameters, r.kv_cache, r.tensors]);
}

// The words inside strings and keys, after escaped quotes and backslashes, beside real ones: the pre-pass must
// count exactly the tokens outside strings (its info issue says how many), and where there are none the reply
// must be the reply to the same config with the words spelt otherwise (NbN, Infinitz).
async function stringCases(text, name) {
  const members = [
    ['"_s": "NaN"', 0], ['"_s": "Infinity"', 0], ['"_s": "-Infinity, NaN]"', 0], ['"_s": "a\\"NaN"', 0], ['"_s": "a\\\\\\"Infinity"', 0],
    ['"_s": "\\u004eaN"', 0], ['"NaN": 1', 0], ['"Infinity": "-Infinity"', 0], ['"_s": "NaN\\\\", "_t": "NaN"', 0],
    ['"_s": "//NaN", "_t": "/*Infinity*/"', 0], ['"_s": "a\\\\", "_t": NaN', 1], ['"_s": "\\\\\\\\", "_t": [NaN, Infinity, -Infinity]', 3],
    ['"_s": "\\"", "_t": Infinity', 1], ['"_s": "x", "_t": -Infinity', 1], ['"_s": "\\\\\\"NaN\\\\\\"", "_t": NaN', 1],
  ];
  const open = text.indexOf('{') + 1;
  const jobs = [];
  for (const [member, count] of members) {
    const config = splice(text, open, open, `\n  ${member},`);
    const neutral = count ? null : (await wasm.call('estimate', requestFor(splice(text, open, open, `\n  ${member.replace(/NaN/g, 'NbN').replace(/Infinity/g, 'Infinitz')},`)))).out;
    jobs.push({
      input: `${name} with ${member} (${count} real token${count === 1 ? '' : 's'})`,
      request: requestFor(config),
      classify: (out) => {
        const [outcome, detail] = classifyReply(out);
        if (!ACCEPTABLE.has(outcome)) return [outcome, detail];
        const issue = JSON.parse(out).issues.find((i) => i.code === 'nonstandard_json');
        const counted = issue ? Number(/holds (\d+)/.exec(issue.message)?.[1] ?? -1) : 0;
        if (counted !== count) return ['misread', `the pre-pass counted ${counted} NaN/Infinity token(s), not ${count}`];
        if (neutral !== null && out !== neutral) return ['misread', 'the reply differs from the same config with the words spelt otherwise'];
        return [outcome, detail];
      },
    });
  }
  return jobs;
}

// ---- class 3: parse time of huge configs and headers --------------------------------------------------------------------------

async function parseTime(t) {
  // Measured one after the other, cut off at 30 s; an answer taking more than INPUT_LIMIT_MS of CPU is a hang.
  const timing = { limitMs: 30_000, hangMs: INPUT_LIMIT_MS, sequential: true };
  const both = (wall, cpu) => `${ms(wall).padStart(8)} (${cpu === undefined ? '-' : ms(cpu)} CPU)`.padEnd(22);
  t.figure(`${'input'.padEnd(48)} ${'size'.padStart(9)}  ${'wasm: wall (CPU)'.padEnd(27)}${'native process: wall (CPU)'.padEnd(29)}outcome`);
  const row = (label, bytes, r) => t.figure(`${label.padEnd(48)} ${size(bytes).padStart(9)}  wasm ${both(r.wasmMs, r.wasmCpuMs)}  ` +
    `native ${both(r.nativeMs, r.nativeCpuMs)}  ${r.outcome}${ACCEPTABLE.has(r.outcome) ? '' : ' !'}`);
  for (const [label, make] of hugeConfigs()) {
    const request = make();
    const r = await throughBoth(wasm, 'estimate', request, { classify: (out) => classifyReply(out), ...timing });
    t.add(r.outcome, label, r.detail);
    row(label, request.length, r);
  }
  for (const [label, make] of headerInputs()) {
    const [bytes, fileSize] = make();
    const r = await throughBoth(wasm, 'fileHeader', bytes, { size: fileSize, classify: classifyHeader, ...timing });
    t.add(r.outcome, label, r.detail);
    row(label, bytes.length, r);
  }
}

// Requests with huge or deep configs: [label, () => request text]; the quick run takes the smaller ones.
function hugeConfigs() {
  const base = fixture('meta-llama__Meta-Llama-3.1-8B.json');
  const inner = base.trim().slice(1, -1);
  const withMembers = (members) => requestFor(`{${inner},${members}}`);
  const keys = (n, name = (i) => `k${i}`) => Array.from({ length: n }, (_, i) => `"${name(i)}":${i}`).join(',');
  const nest = (open, close, n, middle = '') => `${open.repeat(n)}${middle}${close.repeat(n)}`;
  const list = [];
  const add = (label, make, quick = false) => { if (!QUICK || quick) list.push([label, make]); };
  for (const n of [10_000, 40_000, 200_000]) add(`config + ${n.toLocaleString('en-US')} keys`, () => withMembers(keys(n)), n < 200_000);
  add('config + 200,000 long keys (over the 4 MiB cap)', () => withMembers(keys(200_000, (i) => `extra_key_number_${i}`)));
  add('config + 40,000 keys in two read objects', () => withMembers(`"rope_scaling":{${keys(40_000)}},"text_config":{${keys(40_000)}}`), true);
  add('config + 150,000 duplicates of num_hidden_layers', () => withMembers(Array(150_000).fill('"num_hidden_layers":32').join(',')));
  for (const d of [63, 64, 65, 1000]) add(`arrays nested ${d.toLocaleString('en-US')} deep`, () => withMembers(`"_deep":${nest('[', ']', d)}`), d !== 1000);
  add('1,000,000 unclosed [', () => withMembers(`"_deep":${'['.repeat(1_000_000)}`), true);
  add('arrays nested 1,900,000 deep', () => withMembers(`"_deep":${nest('[', ']', 1_900_000)}`));
  add('objects nested 100,000 deep', () => withMembers(`"_deep":${nest('{"a":', '}', 100_000, '1')}`));
  add('rope_scaling nested 100,000 deep', () => withMembers(`"rope_scaling":${nest('{"factor":', '}', 100_000, '1')}`));
  add('text_config nested 70 deep', () => requestFor(nest('{"model_type":"llava","text_config":', '}', 70, base)), true);
  add('text_config nested 100,000 deep', () => requestFor(nest('{"model_type":"llava","text_config":', '}', 100_000, base)));
  add('layer_types nested 100,000 deep', () => withMembers(`"layer_types":${nest('[', ']', 100_000)}`));
  add('quantization_config nested 100,000 deep', () => withMembers(`"quantization_config":${nest('{"config_groups":', '}', 100_000, '1')}`));
  add('a 3.9 MB string', () => withMembers(`"_s":"${'x'.repeat(3_900_000)}"`), true);
  add('650,000 \\u escapes in a string', () => withMembers(`"_s":"${'\\u00e9'.repeat(650_000)}"`));
  add('an array of 1.9M zeros', () => withMembers(`"_a":[${Array(1_900_000).fill('0').join(',')}]`));
  add('an array of 1M empty arrays', () => withMembers(`"_a":[${Array(1_000_000).fill('[]').join(',')}]`));
  add('an array of 900k NaN', () => withMembers(`"_a":[${Array(900_000).fill('NaN').join(',')}]`), true);
  add('a 3 MB number (unread key)', () => withMembers(`"_n":${'9'.repeat(3_000_000)}`));
  add('a 3 MB number in hidden_size', () => requestFor(base.replace(/"hidden_size":\s*\d+/, `"hidden_size": ${'9'.repeat(3_000_000)}`)));
  add('layer_types with 400,000 entries (over the cap)', () => withMembers(`"layer_types":[${Array(400_000).fill('"full_attention"').join(',')}]`));
  add('layer_types with 200,000 entries', () => withMembers(`"layer_types":[${Array(200_000).fill('"full"').join(',')}]`));
  add('an 11 MiB request (over the 10 MiB cap)', () => `{"config":"{}","_pad":"${'x'.repeat(11 * 2 ** 20)}"}`, true);
  return list;
}

// Weight-file headers with many tensors, a large vocabulary, or counts that claim more than the file holds:
// [label, () => [bytes, the file size they claim]]; the quick run takes the smaller ones.
function headerInputs() {
  const list = [];
  const add = (label, make, quick = false) => { if (!QUICK || quick) list.push([label, make]); };
  const withData = (st) => [st.bytes, st.bytes.length + st.dataBytes];
  for (const n of [10_000, 40_000, 200_000]) {
    add(`safetensors, ${n.toLocaleString('en-US')} tensors`, () => withData(safetensors(Array.from({ length: n },
      (_, i) => [`model.layers.${i >> 7}.mlp.experts.${i & 127}.down_proj.weight`, 'BF16', [16, 8]]))), n < 200_000);
  }
  add('safetensors, 100,000 metadata entries', () => withData(safetensors(llamaTensors(2), Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`m${i}`, 'v'])))));
  add('safetensors, 200,000 duplicate names', () => {
    const bytes = withLength(Buffer.from(`{${Array(200_000).fill('"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}').join(',')}}`));
    return [bytes, bytes.length + 4];
  });
  for (const n of [10_000, 40_000, 200_000]) add(`GGUF, ${n.toLocaleString('en-US')} tensors`, () => { const g = llamaGguf(2, 512, n); return [g, g.length + 2 ** 30]; }, n < 200_000);
  add('GGUF, a 1M-token vocabulary', () => { const g = llamaGguf(2, 1_000_000); return [g, g.length + 2 ** 30]; });
  add('GGUF, an array claiming 2^62 strings', () => [gguf({ kvs: [['tokenizer.ggml.tokens', 'arr:str', { count: 2n ** 62n, values: ['a'] }]] }), 2 ** 40], true);
  add('GGUF, 2^63 tensors claimed', () => [gguf({ tensorCount: 2n ** 63n }), 2 ** 40], true);
  add('GGUF, 2^64-1 KVs claimed', () => [gguf({ kvCount: 2n ** 64n - 1n }), 2 ** 40], true);
  return list;
}

// ---- class 4: hostile servers against the CLI ---------------------------------------------------------------------------------

// Messages that would mislead for a behaviour: a server that answers short is not a header past the cap.
const MISLEADING = { badrange: /needs more than/, shortrange: /needs more than/ };

async function network(t) {
  if (!(await cliUsable(t))) return;
  await gzipBomb();
  const baseline = await cliBaseline(t);
  const server = await startServer(hostileHandler);
  const modelCases = QUICK ? ['stall', 'drip', 'endless', 'norange', 'status-401', 'closemid', 'gzipbomb', 'facts-endless'] : BEHAVIOURS;
  const cases = [
    ...BEHAVIOURS.filter((b) => !b.startsWith('facts-')).map((b) => ({ b, args: ['--file', `${server.origin}/${b}/model.safetensors`] })),
    ...modelCases.map((b) => ({ b, args: ['--model', `${b}/m`] })),
    // config.json not found at once, the model API and the index never answered: the answer is known at once.
    { b: 'facts-stall, timeout 5', args: ['--model', 'facts-stall/m'], timeout: '5' },
    // Hostile timeout settings against a well-behaved server: each must still read it (default or clamped timer).
    ...['1e9', '3000000', '0', '-1', 'abc', 'Infinity', ''].map((timeout) => ({ b: `ok, timeout "${timeout}"`, timeout, mustRead: true,
      args: ['--model', 'ok/m'] })),
  ];
  const rows = await parallel(cases.map((c) => async () => {
    const r = await runCli(c.args, { env: { HF_ENDPOINT: server.origin, HF_TOKEN: TOKEN, HF_HUB_DOWNLOAD_TIMEOUT: c.timeout ?? String(TIMEOUT_S) }, limitMs: 30_000 });
    let [outcome, detail] = cliOutcome(r, { ok: c.args[0] === '--file' ? 'header' : 'estimate' });
    if (c.mustRead && outcome === 'clear error') [outcome, detail] = ['misread', `HF_HUB_DOWNLOAD_TIMEOUT="${c.timeout}" broke a good answer: ${detail}`];
    if (outcome === 'clear error' && MISLEADING[c.b]?.test(detail)) outcome = 'misleading error';
    const answered = r.messageMs ?? r.ms;  // when the user had the answer
    if (answered - baseline > HANG_MS && ACCEPTABLE.has(outcome)) [outcome, detail] = ['hang', `${ms(answered)}, ${ms(answered - baseline)} past a plain run (over 3 x HF_HUB_DOWNLOAD_TIMEOUT): ${detail}`];
    else if (r.ms - answered > LINGER_MS) [outcome, detail] = ['lingers', `exits ${ms(r.ms - answered)} after its message, ${ms(r.ms)} in all (still fetching): ${detail}`];
    if (r.rssKiB > RSS_LIMIT_KIB) [outcome, detail] = ['unbounded memory', `peak RSS ${(r.rssKiB / 1024).toFixed(0)} MB: ${detail}`];
    t.add(outcome, `${c.args.join(' ')} (HF_HUB_DOWNLOAD_TIMEOUT=${c.timeout ?? TIMEOUT_S})`, detail);
    return { c, r, outcome, detail };
  }), QUICK ? 6 : 4);
  for (const { c, r, outcome, detail } of rows) {
    const linger = r.messageMs !== undefined && r.ms - r.messageMs > 1000 ? ` (message at ${ms(r.messageMs)})` : '';
    t.figure(`${c.args[0]} ${c.b.padEnd(21)} ${ms(r.ms).padStart(7)}${linger}  RSS ${mb(r.rssKiB)}  exit ${r.signal ?? r.code}  ${outcome}: ${clip(detail.replace(/^neuro-shrink: /, ''), 110)}`);
  }
  await server.close();
}

// A plain CLI run's wall time here (median of three): the start-up a loaded machine adds to every run.
async function cliBaseline(t) {
  const times = [];
  for (let i = 0; i < 3; i++) times.push((await runCli(['--config', new URL('Qwen__Qwen3-0.6B.json', FIXTURES).pathname])).ms);
  const median = times.sort((a, b) => a - b)[1];
  t.figure(`a plain run (--config Qwen3-0.6B) takes ${ms(median)} here: hang = more than ${ms(HANG_MS)} past it; lingers = exit more than ${ms(LINGER_MS)} after the message`);
  return median;
}

// ---- class 5: numeric request fields ---------------------------------------------------------------------------------------------

// Each field: whether a value is valid (an invalid one must be refused naming the field), and its echo in the report.
const integer = (lo) => (v) => typeof v === 'number' && Number.isInteger(v) && v >= lo && Math.abs(v) <= 2 ** 53;
const NUMERIC_FIELDS = {
  context_tokens: integer(1), batch_size: integer(1), gpus: integer(1), ubatch: integer(1), gpu_layers: integer(-1),
  max_num_batched_tokens: integer(1), max_num_seqs: integer(1), gpu_memory_bytes: integer(1), host_bandwidth: integer(1),
  gpu_memory_utilization: (v) => typeof v === 'number' && v > 0 && v <= 1,
  'training.micro_batch': integer(1), 'training.seq_len': integer(1), 'training.gradient_accumulation': integer(1),
  'training.lora_rank': integer(1), 'training.zero': (v) => [0, 1, 2, 3].includes(v),
};
const FIXED_VALUES = ['0', '-1', '1', '2147483648', '4294967296', '9007199254740992', '9007199254740993', '9223372036854775808',
  '18446744073709551615', '1e308', '1.5', '"x"', 'null', '[]', '{}'];

function randomNumeral(rnd) {
  const kind = rnd.int(5);
  if (kind === 0) return String(rnd.int(100) - 10);
  if (kind === 1) return String(Math.floor(rnd.next() * 2 ** (1 + rnd.int(62))));
  if (kind === 2) return (rnd.next() * 10 ** rnd.int(20)).toPrecision(1 + rnd.int(17));
  if (kind === 3) return rnd.pick(HOSTILE_NUMERALS);
  return `${rnd.int(10)}e${rnd.int(400) - 100}`;
}

async function numericFields(t) {
  const rnd = rndFor(5);
  const config = fixture('Qwen__Qwen3-0.6B.json');
  const gpus = QUICK ? ['H100 SXM'] : ['H100 SXM', 'RTX 4090'];
  const randoms = QUICK ? 2 : 10;
  const jobs = [];
  for (const [field, valid] of Object.entries(NUMERIC_FIELDS)) {
    const values = [...FIXED_VALUES, ...Array.from({ length: randoms }, () => randomNumeral(rnd))];
    for (const raw of values) {
      for (const runtime of ['transformers', 'llama.cpp', 'vllm', 'mlx']) {
        for (const gpu of gpus) jobs.push({ field, valid, raw, runtime, gpu, native: !QUICK || jobs.length % 4 === 0 });
      }
    }
  }
  await parallel(jobs.map((j) => async () => {
    const training = j.field.startsWith('training.');
    const key = j.field.replace('training.', '');
    const options = { runtime: j.runtime, gpu: j.gpu, ...(training ? { mode: 'train' } : {}) };
    if (j.runtime === 'llama.cpp' && !training) options.quantization = 'Q4_K_M';
    const base = requestFor(config, options).slice(0, -1);
    const request = training ? `${base},"training":{"${key}":${j.raw}}}` : `${base},"${key}":${j.raw}}`;
    const value = JSON.parse(j.raw);
    const unsafe = /^-?\d+$/.test(j.raw) && (BigInt(j.raw) > 2n ** 53n || BigInt(j.raw) < -(2n ** 53n));  // read as a nearby double
    const invalid = value !== null && (unsafe || !j.valid(value));
    const r = await throughBoth(wasm, 'estimate', request, { native: j.native, classify: (out) => echoCheck(out, request, j.field, value, invalid) });
    t.add(r.outcome, `${j.field}=${j.raw}, runtime ${j.runtime}, gpu ${j.gpu}`, r.detail);
  }), 3);
}

// A reply to a numeric field: invalid values refused naming the field; an accepted value echoed as sent (not
// wrapped, not replaced by the default).
function echoCheck(out, request, field, value, invalid) {
  const [outcome, detail] = classifyReply(out, { mustRefuse: invalid, field, request });
  if (outcome !== 'estimate' || value === null) return [outcome, detail];
  const report = JSON.parse(out);
  const key = field.replace('training.', '');
  const echo = field.startsWith('training.') ? report.training?.[key] : report.request?.[key];
  if (echo === undefined || echo === value) return [outcome, detail];
  if (!Number.isInteger(value) && Math.abs(echo - value) <= 1e-6 * Math.max(1, Math.abs(value))) return [outcome, detail];  // a fraction echoed rounded
  if (key === 'gpu_layers' && (value === -1 || echo <= value)) return [outcome, detail];  // -1 and counts past the layers mean all
  return ['silent', `sent ${JSON.stringify(value)}, the report used ${JSON.stringify(echo)} with no issue`];
}

// ---- class 6: --config of unbounded size ---------------------------------------------------------------------------------------

async function configSize(t) {
  if (!(await cliUsable(t))) return;
  const big = `${TMP}/200mb.json`;
  fs.closeSync(fs.openSync(big, 'w'));
  fs.truncateSync(big, 200 * 10 ** 6);
  const over = `${TMP}/over-cap.json`;
  fs.writeFileSync(over, `{"model_type":"llama"${' '.repeat(4 * 2 ** 20)}}`);
  const atCap = `${TMP}/at-cap.json`;
  const padded = fixture('Qwen__Qwen3-0.6B.json').replace(/}\s*$/, '');
  fs.writeFileSync(atCap, `${padded}${' '.repeat(4 * 2 ** 20 - padded.length - 1)}}`);
  const fifo = `${TMP}/endless.fifo`;
  execFileSync('mkfifo', [fifo]);
  const tooLarge = /at most|too large|larger than|more than|the most/;
  const cases = [
    { name: '--config /dev/zero', args: ['--config', '/dev/zero'], expect: tooLarge },
    { name: '--config /dev/urandom', args: ['--config', '/dev/urandom'], expect: tooLarge },
    { name: '--config a 200 MB file', args: ['--config', big], expect: tooLarge },
    { name: '--config 4 MiB + 21 bytes', args: ['--config', over], expect: tooLarge },
    { name: '--config exactly 4 MiB (valid)', args: ['--config', atCap], ok: true },
    { name: '--config - (stdin without end: zeros)', args: ['--config', '-'], input: endless(Buffer.alloc(64 * 1024)), expect: tooLarge },
    { name: '--config - (stdin without end: an open string)', args: ['--config', '-'], input: endless(Buffer.alloc(64 * 1024, 0x20), '{"a": "'), expect: tooLarge },
    { name: '--config a FIFO without end', args: ['--config', fifo], fifo, expect: tooLarge },
    { name: '--config a directory', args: ['--config', TMP], expect: /directory/ },
    { name: '--config an empty file', args: ['--config', write('empty.json', '')], expect: /empty/ },
    { name: '--config whitespace only', args: ['--config', write('blank.json', ' \n\t ')], expect: /empty/ },
    { name: '--config a missing file', args: ['--config', `${TMP}/missing.json`], expect: /no such file/ },
  ];
  for (const c of cases) {
    const writer = c.fifo ? feedFifo(c.fifo) : null;
    const r = await runCli(c.args, { input: c.input, limitMs: 30_000 });
    writer?.stop();
    let [outcome, detail] = cliOutcome(r, { expect: c.ok ? null : c.expect });
    if (r.ms > INPUT_LIMIT_MS && ACCEPTABLE.has(outcome)) [outcome, detail] = ['hang', `${ms(r.ms)}: ${detail}`];
    if (r.rssKiB > RSS_LIMIT_KIB) [outcome, detail] = ['unbounded memory', `peak RSS ${(r.rssKiB / 1024).toFixed(0)} MB: ${detail}`];
    t.add(outcome, c.name, detail);
    t.figure(`${c.name.padEnd(46)} ${ms(r.ms).padStart(7)}  RSS ${mb(r.rssKiB)}  exit ${r.signal ?? r.code}  ${outcome}: ${clip(detail.replace(/^neuro-shrink: /, ''), 100)}`);
  }
}

// A local port that nothing listens on (a server's, just closed).
async function closedPort() {
  const server = await startServer(() => {});
  await server.close();
  return server.port;
}

const write = (name, content) => { const p = `${TMP}/${name}`; fs.writeFileSync(p, content); return p; };

// A stdin that never ends (1 GiB or 30 s at most), writing as fast as the child reads.
function endless(chunk, prefix = '') {
  return (stdin) => {
    const started = Date.now();
    let sent = 0;
    if (prefix) stdin.write(prefix);
    const pump = () => {
      while (!stdin.destroyed && sent < 2 ** 30 && Date.now() - started < 30_000) {
        sent += chunk.length;
        if (!stdin.write(chunk)) return void stdin.once('drain', pump);
      }
      stdin.end();
    };
    stdin.on('error', () => {});
    pump();
  };
}

// Writes zeros into a FIFO until stopped (or 30 s, 1 GiB).
function feedFifo(path) {
  const stream = fs.createWriteStream(path);
  stream.on('error', () => {});
  const feed = endless(Buffer.alloc(64 * 1024));
  stream.on('open', () => feed(stream));
  return { stop: () => stream.destroy() };
}

// ---- class 7: --file with what is not a weight file -------------------------------------------------------------------------

async function files(t) {
  const rnd = rndFor(7);
  const cases = [
    { name: 'an empty file', path: write('empty.gguf', ''), expect: /empty/ },
    { name: '/dev/zero', path: '/dev/zero' },
    { name: '/dev/null', path: '/dev/null', expect: /empty/ },
    { name: 'a directory', path: TMP, expect: /directory/ },
    { name: 'a missing file', path: `${TMP}/missing.gguf`, expect: /no such file/ },
    { name: 'ftp:// URL', path: 'ftp://127.0.0.1/model.gguf' },
    { name: 'javascript: URL', path: 'javascript:alert(1)' },
    { name: 'data: URL', path: 'data:application/octet-stream;base64,R0dVRgMAAAA=' },
    { name: 'file:// URL', path: 'file:///etc/passwd' },
    { name: 'http:// URL, connection refused', path: `http://127.0.0.1:${await closedPort()}/model.gguf`, expect: /refused/ },
    { name: 'http:// URL on a port fetch() blocks (6000)', path: 'http://127.0.0.1:6000/model.gguf', expect: /port/i },
    { name: 'a safetensors length of ~2^64', path: write('len.safetensors', withLength(Buffer.alloc(0)).fill(0xff, 7, 8)) },
    { name: 'a safetensors length of 0', path: write('zero.safetensors', Buffer.alloc(8)) },
    { name: 'a safetensors header that is not JSON', path: write('notjson.safetensors', withLength(Buffer.from('{"a": [1, 2'))) },
    { name: 'GGUF magic only', path: write('magic.gguf', Buffer.from('GGUF')) },
    { name: 'GGUF version 99', path: write('v99.gguf', gguf({ version: 99 })) },
  ];
  const lengths = QUICK ? [1, 8, 9, 4096] : [1, 2, 3, 7, 8, 9, 15, 16, 24, 100, 4096, 65535, 65536, 65537, 1_000_000];
  for (const n of lengths) cases.push({ name: `${n} random bytes`, path: write(`random-${n}.bin`, rnd.bytes(n)) });
  for (const n of QUICK ? [64] : [24, 64, 1000]) cases.push({ name: `GGUF magic + ${n} random bytes`, path: write(`ggufrandom-${n}.gguf`, Buffer.concat([Buffer.from('GGUF'), rnd.bytes(n)])) });
  const realGguf = llamaGguf(2, 512);
  const realSt = safetensors(llamaTensors(2)).bytes;
  for (let n = 0; n < (QUICK ? 4 : 24); n++) {
    const at = 1 + rnd.int(realGguf.length - 1);
    cases.push({ name: `a GGUF header cut at ${at} of ${realGguf.length}`, path: write(`cut-${at}.gguf`, realGguf.subarray(0, at)) });
    const st = 1 + rnd.int(realSt.length - 1);
    cases.push({ name: `a safetensors header cut at ${st} of ${realSt.length}`, path: write(`cut-${st}.safetensors`, realSt.subarray(0, st)) });
  }
  if (await cliUsable(t)) await parallel(cases.map((c) => async () => {
    const r = await runCli(['--file', c.path], { limitMs: 20_000 });
    let [outcome, detail] = cliOutcome(r, { ok: 'header', expect: c.expect });
    if (r.ms > INPUT_LIMIT_MS && ACCEPTABLE.has(outcome)) [outcome, detail] = ['hang', `${ms(r.ms)}: ${detail}`];
    t.add(outcome, `--file ${c.name}`, detail);
    if (flags.verbose || !ACCEPTABLE.has(outcome) || /empty|zero|URL|directory|missing/.test(c.name)) t.figure(`${c.name.padEnd(38)} ${ms(r.ms).padStart(7)}  exit ${r.code}  ${outcome}: ${clip(detail.replace(/^neuro-shrink: /, ''), 110)}`);
  }), 3);
  // The core alone: every kind of cut of the same headers, through wasm and native.
  const cuts = QUICK ? 60 : 900;
  const jobs = [];
  for (let n = 0; n < cuts; n++) {
    const [label, bytes] = rnd.chance(0.5) ? ['GGUF', realGguf] : ['safetensors', realSt];
    const at = rnd.int(bytes.length + 1);
    const cut = bytes.subarray(0, at);
    const declared = rnd.pick([0, at, bytes.length, bytes.length + 1000, 2 ** 53]);
    jobs.push(async () => {
      const r = await throughBoth(wasm, 'fileHeader', cut, { size: declared, classify: classifyHeader });
      t.add(r.outcome, `fileHeader(${label} cut at ${at}, size ${declared})`, r.detail);
    });
  }
  await parallel(jobs, 3);
}

// ---- class 8: hostile values that must not pass silently --------------------------------------------------------------------

async function silentAcceptance(t) {
  const config = fixture('Qwen__Qwen3-0.6B.json');
  const req = (options) => requestFor(config, options);
  const train = (training) => req({ mode: 'train', training });
  const withField = (field, word) => requestFor(config.replace(new RegExp(`"${field}":\\s*[^,}\\n]+`), `"${field}": ${word}`));
  const cases = [
    ...['[18446744073709551615]', '[0]', '["x"]', '[1.5]', '[-1]', '[1e308]', '[null]', '"x"', '{}', '[4096, 0]'].map((c) =>
      ['table', `${req({}).slice(0, -1)},"contexts":${c}}`, 'contexts', `table contexts ${c}`]),
    ['estimate', train({ freeze: 'everything' }), 'training.freeze', 'freeze "everything"'],
    ['estimate', train({ freeze: 'attention,everything' }), 'training.freeze', 'freeze "attention,everything"'],
    ['estimate', train({ offload: 'disk' }), 'training.offload', 'offload "disk"'],
    ['estimate', train({ method: 'lora', lora_targets: 'x,y,z' }), 'training.lora_targets', 'lora_targets "x,y,z"'],
    ['estimate', train({ method: 'lora', lora_targets: 'q,,k' }), 'training.lora_targets', 'lora_targets "q,,k"'],
    ['estimate', train({ gradient_accumulation: 0 }), 'training.gradient_accumulation', 'gradient_accumulation 0'],
    ['estimate', train({ method: 'dora' }), 'training.method', 'method "dora"'],
    ['estimate', train({ optimizer: 'adam9' }), 'training.optimizer', 'optimizer "adam9"'],
    ['estimate', train({ precision: 'fp7' }), 'training.precision', 'precision "fp7"'],
    ['estimate', train({ checkpointing: 'some' }), 'training.checkpointing', 'checkpointing "some"'],
    ['estimate', train({ zero: 4 }), 'training.zero', 'zero 4'],
    ['estimate', train({ zero: 'fsdp2' }), 'training.zero', 'zero "fsdp2"'],
    ['estimate', train({ train_embeddings: 'yes' }), 'training.train_embeddings', 'train_embeddings "yes"'],
    ['estimate', `${req({ runtime: 'llama.cpp' }).slice(0, -1)},"gpu_layers":18446744073709551615}`, 'gpu_layers', 'gpu_layers 18446744073709551615'],
    ['estimate', `${req({ runtime: 'llama.cpp' }).slice(0, -1)},"gpu_layers":-2}`, 'gpu_layers', 'gpu_layers -2'],
    ['estimate', req({ runtime: 'tensorrt' }), 'runtime', 'runtime "tensorrt"'],
    ['estimate', req({ runtime: 'llama.cpp', flash_attention: 'maybe' }), 'flash_attention', 'flash_attention "maybe"'],
    ['estimate', req({ kv_cache_dtype: 'q3' }), 'kv_cache_dtype', 'kv_cache_dtype "q3"'],
    ['estimate', req({ quantization: 'q9' }), 'quantization', 'quantization "q9"'],
    ['estimate', req({ gpu: 'Nonexistent GPU 9000' }), 'gpu', 'gpu "Nonexistent GPU 9000"'],
    ['estimate', req({ mode: 'serve' }), 'mode', 'mode "serve"'],
  ];
  for (const field of ['num_key_value_heads', 'hidden_size', 'num_hidden_layers', 'vocab_size', 'intermediate_size', 'num_attention_heads', 'head_dim']) {
    for (const word of ['NaN', 'Infinity', '-Infinity', '-1', '0', '1.5', '1e308', '18446744073709551615', '"x"', '[]', '{}']) {
      cases.push(['estimate', withField(field, word), field, `config ${field} ${word}`]);
    }
  }
  await parallel(cases.map(([fn, request, field, input]) => async () => {
    const r = await throughBoth(wasm, fn, request, { classify: (out, req) => classifyReply(out, { mustRefuse: true, field, request: req }) });
    t.add(r.outcome, input, r.detail);
  }), 3);
}

// ---- class 9: mutations of whole requests ----------------------------------------------------------------------------------------

async function mutationFuzz(t) {
  const rnd = rndFor(9);
  const perFixture = QUICK ? 3 : 55;
  const jobs = [];
  for (const name of fixtureNames()) {
    const text = fixture(name);
    for (let n = 0; n < perFixture; n++) {
      const { text: config, steps } = mutateConfig(text, rnd);
      const options = randomOptions(rnd, CATALOGUE);
      const table = rnd.chance(0.1);
      jobs.push({ input: `${name} [${steps.join('; ')}] ${JSON.stringify(options)}${table ? ' (table)' : ''}`, fn: table ? 'table' : 'estimate',
        request: requestFor(config, { model_id: name.replace('__', '/').replace(/\.json$/, ''), ...options }) });
    }
  }
  jobs.push(...numerals(rnd));
  await parallel(jobs.map((j) => async () => {
    const r = await throughBoth(wasm, j.fn, j.request, { classify: (out, request) => classifyReply(out, { request }) });
    t.add(r.outcome, j.input, r.detail);
  }), 3);
}

// Random JSON numbers over the whole double range (1 to 25 digits, exponents -345..320) where the config holds
// a float nobody reads and in gpu_memory_utilization: the wasm build reads numbers with its own strtod
// (wasm/strtod.cpp), the native one with glibc's; the replies must still be the same bytes.
function numerals(rnd) {
  const config = fixture('Qwen__Qwen3-0.6B.json');
  const jobs = [];
  for (let n = 0; n < (QUICK ? 60 : 600); n++) {
    const digits = Array.from({ length: 1 + rnd.int(25) }, (_, i) => (i === 0 ? 1 + rnd.int(9) : rnd.int(10))).join('');
    const numeral = `${digits[0]}${digits.length > 1 ? `.${digits.slice(1)}` : ''}e${rnd.int(666) - 345}`;
    const unread = config.replace(/"rms_norm_eps":\s*[^,\n]+/, `"rms_norm_eps": ${numeral}`);
    jobs.push({ input: `rms_norm_eps ${numeral}`, fn: 'estimate', request: requestFor(unread) });
    jobs.push({ input: `gpu_memory_utilization ${numeral}`, fn: 'estimate', request: `${requestFor(config, { runtime: 'vllm', gpu: 'H100 SXM' }).slice(0, -1)},"gpu_memory_utilization":${numeral}}` });
  }
  return jobs;
}

// ---- the run and the table ------------------------------------------------------------------------------------------------

const CLASSES = [
  [1, 'Token destinations', tokenDestinations],
  [2, 'Config pre-pass (NaN/Infinity)', configPrepass],
  [3, 'Parse time (huge inputs)', parseTime],
  [4, 'Network (hostile servers)', network],
  [5, 'Numeric request fields', numericFields],
  [6, '--config size', configSize],
  [7, 'Files (--file, headers)', files],
  [8, 'Silent acceptance', silentAcceptance],
  [9, 'Mutation fuzz (wasm = native)', mutationFuzz],
];

// The table: one row per class, its outcomes as "name count" (unacceptable ones after "|", in capitals).
function printTable(tallies, seconds) {
  const order = (o) => (OUTCOME_ORDER.includes(o) ? OUTCOME_ORDER.indexOf(o) : OUTCOME_ORDER.length);
  const outcomes = (counts, good) => [...counts].filter(([o, n]) => n && ACCEPTABLE.has(o) === good)
    .sort(([a], [b]) => order(a) - order(b)).map(([o, n]) => `${good ? o : o.toUpperCase()} ${n}`).join(', ');
  const cell = (counts) => [outcomes(counts, true), outcomes(counts, false)].filter(Boolean).join(' | ');
  const all = new Map();
  for (const t of tallies) for (const [o, n] of t.counts) all.set(o, (all.get(o) ?? 0) + n);
  const rows = tallies.map((t) => [String(t.id), t.title, String(t.tried), cell(t.counts), t.bad ? 'FAIL' : 'ok']);
  rows.push(['', 'all classes', String(tallies.reduce((a, t) => a + t.tried, 0)), cell(all), tallies.some((t) => t.bad) ? 'FAIL' : 'ok']);
  const head = ['#', 'class of input', 'tried', 'outcomes (acceptable | UNACCEPTABLE)', 'verdict'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  console.log(`\nHostile-input campaign (${QUICK ? 'quick' : 'full'}, seed ${SEED}, ${CORES} cores, load ${os.loadavg()[0].toFixed(1)}, ${seconds.toFixed(0)} s)\n`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log(`\nAcceptable: ${[...ACCEPTABLE].join(', ')}. Anything else fails the run (tests/hostile/README.md).`);
  for (const t of tallies) {
    console.log(`\n[${t.id}] ${t.title}`);
    for (const f of t.figures) console.log(`  ${f}`);
    for (const n of t.notes.slice(0, flags.verbose ? Infinity : 5)) console.log(`  note: ${n}`);
    if (t.notes.length > 5 && !flags.verbose) console.log(`  note: ... ${t.notes.length - 5} more (--verbose)`);
    for (const [outcome, list] of t.examples) {
      console.log(`  ${outcome.toUpperCase()} (${t.counts.get(outcome)}), e.g.:`);
      for (const e of list) console.log(`    - ${e.input}\n      -> ${e.detail}`);
    }
  }
}

// The builds under test, with their modification times.
const builds = () => [NATIVE, new URL('dist/neuro-shrink-core.wasm', ROOT).pathname].map((name) => ({ name, mtime: fs.statSync(name).mtimeMs }));

// Whether the native driver and the wasm module are builds of the same core: their modification times, and
// plain fixtures that must give the same bytes. Else "mismatch" may be a build in progress, not a defect.
async function buildSkew() {
  const wasmFile = new URL('dist/neuro-shrink-core.wasm', ROOT).pathname;
  const minutes = Math.abs(fs.statSync(NATIVE).mtimeMs - fs.statSync(wasmFile).mtimeMs) / 60_000;
  const differ = [];
  for (const name of ['Qwen__Qwen3-0.6B.json', 'deepseek-ai__DeepSeek-V3.json', 'google__gemma-3-4b-it.json']) {
    for (const options of [{}, { runtime: 'llama.cpp', quantization: 'Q4_K_M', gpu: 'RTX 4090' }, { runtime: 'vllm', gpu: 'H100 SXM' },
      { context_tokens: -1 }, { context_tokens: 2 ** 31 }, { batch_size: 0, gpus: 0 }]) {
      const r = await throughBoth(wasm, 'estimate', requestFor(fixture(name), options), { classify: () => ['estimate', ''] });
      if (r.outcome === 'mismatch') differ.push(`${name} ${JSON.stringify(options)}`);
    }
  }
  if (!differ.length) return '';
  return `the native driver and the wasm module disagree on plain fixtures (${differ.length} of 18, e.g. ${differ[0]}; built ` +
    `${minutes.toFixed(0)} min apart): they are builds of different sources, so "mismatch" counts are not evidence of a defect.`;
}

// The CLI must run at all before its classes mean anything; dist/ may be mid-rebuild: wait for it, up to 10
// minutes once; after that the CLI classes fail at once with the reason.
let cliState = 'unknown';
async function cliRuns() {
  if (cliState === 'runs') return;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const r = await runCli(['--config', new URL('Qwen__Qwen3-0.6B.json', FIXTURES).pathname]);
    if (r.code === 0) { cliState = 'runs'; return; }
    if (cliState === 'broken' || Date.now() - started > 10 * 60_000) {
      cliState = 'broken';
      throw new Error(`the CLI does not run: ${clip(r.stderr.trim(), 300)}`);
    }
    if (attempt === 0) process.stderr.write(` (the CLI does not run yet: ${clip(r.stderr.trim(), 160)}; waiting, up to 10 minutes)`);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
}

// Whether the CLI parts of a class can run; where not, one "crash" says why and the class goes on without them.
async function cliUsable(t) {
  try {
    await cliRuns();
    return true;
  } catch (err) {
    t.add('crash', 'the CLI itself (node cli/neuro-shrink.mjs --config tests/fixtures/configs/Qwen__Qwen3-0.6B.json)', err.message);
    return false;
  }
}

async function main() {
  for (const [file, what] of [[NATIVE, 'the native driver'], [new URL('dist/neuro-shrink-core.wasm', ROOT).pathname, 'the wasm module']]) {
    if (!fs.existsSync(file)) throw new Error(`${what} is not built (${file}). Run scripts/build.sh first.`);
  }
  const before = builds();
  const skew = await buildSkew();
  const started = performance.now();
  const tallies = [];
  for (const [id, title, run] of CLASSES) {
    if (ONLY && !ONLY.has(id)) continue;
    const t = new Tally(id, title);
    const t0 = performance.now();
    process.stderr.write(`[${id}] ${title}...`);
    try {
      await run(t);
    } catch (err) {
      t.add('crash', `class ${id} itself`, err.stack ?? err);
    }
    process.stderr.write(` ${t.tried} inputs, ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    t.figure(`(class time ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    tallies.push(t);
  }
  printTable(tallies, (performance.now() - started) / 1000);
  if (skew) console.log(`\nWARNING: ${skew}`);
  const rebuilt = builds().filter((b, i) => b.mtime !== before[i].mtime).map((b) => b.name);
  if (rebuilt.length) console.log(`\nWARNING: ${rebuilt.join(' and ')} changed during the run (a build): "mismatch" counts after that are not evidence of a defect; run again.`);
  return tallies.some((t) => t.bad) ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`campaign failed: ${err.stack ?? err}`);
} finally {
  wasm.close();
  fs.rmSync(TMP, { recursive: true, force: true });
}
process.exit(code);
