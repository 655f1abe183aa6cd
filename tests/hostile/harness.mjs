// The campaign's machinery: a seeded PRNG, the wasm module in a worker (so that a hang can be cut off), the
// native driver and the CLI as child processes (wall time, peak RSS), the outcome tally, and the checks that
// turn one reply into one outcome. Nothing here reaches the network.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';

export const ROOT = new URL('../../', import.meta.url);
export const NATIVE = process.env.NEURO_SHRINK_NATIVE ?? new URL('build/native/neuro-shrink-native', ROOT).pathname;
export const CLI = new URL('cli/neuro-shrink.mjs', ROOT).pathname;
const EXIT_PROBE = new URL('exit-probe.cjs', import.meta.url).pathname;

// A file of the built site: dist/shared/NAME (the layout since #13) or dist/NAME (before).
export function distFile(name) {
  const shared = new URL(`dist/shared/${name}`, ROOT);
  return fs.existsSync(shared) ? shared : new URL(`dist/${name}`, ROOT);
}

// One input's time limit (the issue's 5 s), for the core; the CLI's limits are set per class.
export const INPUT_LIMIT_MS = 5000;
export const CORES = Math.max(1, os.availableParallelism?.() ?? os.cpus().length);

// ---- outcomes ------------------------------------------------------------------------------------------------

// Acceptable outcomes; anything else fails the campaign.
export const ACCEPTABLE = new Set(['clear error', 'estimate', 'header', 'need more bytes', 'no leak', 'token to its hub']);
// Column order of the printed table.
export const OUTCOME_ORDER = ['clear error', 'estimate', 'header', 'need more bytes', 'no leak', 'token to its hub',
  'crash', 'hang', 'leak', 'silent', 'not refused', 'bad number', 'mismatch', 'misread', 'unclear error', 'misleading error',
  'field not named', 'unbounded memory', 'lingers'];

// Outcomes of one class: counts, a few examples of each unacceptable one, and measured figures.
export class Tally {
  constructor(id, title) {
    this.id = id;
    this.title = title;
    this.counts = new Map();
    this.examples = new Map();
    this.figures = [];
    this.notes = [];
  }

  add(outcome, input, detail = '') {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
    if (ACCEPTABLE.has(outcome)) return outcome;
    if (Tally.dumpFd !== undefined) fs.writeSync(Tally.dumpFd, `${JSON.stringify({ class: this.id, outcome, input: String(input), detail: String(detail) })}\n`);
    const list = this.examples.get(outcome) ?? [];
    if (list.length < 4) list.push({ input: clip(String(input), 220), detail: clip(String(detail), 320) });
    this.examples.set(outcome, list);
    return outcome;
  }

  get tried() { return [...this.counts.values()].reduce((a, b) => a + b, 0); }
  get bad() { return [...this.counts].filter(([o]) => !ACCEPTABLE.has(o)).reduce((a, [, n]) => a + n, 0); }
  figure(line) { this.figures.push(line); }
  note(line) { if (!this.notes.includes(line)) this.notes.push(line); }
}

export const clip = (text, n) => (text.length > n ? `${text.slice(0, n)}... (${text.length} chars)` : text);

// ---- a seeded PRNG (mulberry32): the same seed gives the same inputs ----------------------------------------

export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    bytes: (n) => { const b = Buffer.alloc(n); for (let i = 0; i < n; i++) b[i] = Math.floor(next() * 256); return b; },
  };
}

// ---- the wasm module, in a worker -----------------------------------------------------------------------------

// Calls estimate / table / fileHeader of the full wasm module in a worker thread. A call past `limitMs` is a
// hang: the worker is terminated and a fresh one takes the next call. A throw (a trap, an abort) is a crash,
// and the worker is replaced too (an aborted Emscripten module answers nothing more).
export class WasmRunner {
  constructor() {
    this.worker = null;
    this.queue = Promise.resolve();
  }

  start() {
    this.worker = new Worker(new URL('wasm-worker.mjs', import.meta.url));
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', (m) => (m.ready ? resolve() : reject(new Error(m.error))));
      this.worker.once('error', reject);
    });
    return this.ready;
  }

  restart() {
    this.worker?.terminate();
    return this.start();
  }

  // Resolves to { ok, out (the reply text), error, ms, hang }. Calls run one at a time.
  call(fn, arg, { size = 0, limitMs = INPUT_LIMIT_MS } = {}) {
    const run = async () => {
      if (!this.worker) await this.start();
      await this.ready;
      const worker = this.worker;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          worker.removeAllListeners('message');
          resolve({ ok: false, hang: true, error: `no answer in ${limitMs} ms`, ms: limitMs });
          this.restart();
        }, limitMs);
        worker.once('message', (m) => {
          clearTimeout(timer);
          if (!m.ok) this.restart();
          resolve(m);
        });
        worker.postMessage({ fn, arg, size });
      });
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  close() { this.worker?.terminate(); }
}

// ---- child processes ------------------------------------------------------------------------------------------

// Runs `command args`, writing `input` (a string, a Buffer, or a function given stdin) to stdin. Resolves to
// { code, signal, stdout, stderr, ms, wallMs, timedOut, messageMs (when "neuro-shrink:" first came on stderr) }:
// the child (its process group) is killed (SIGKILL) at `limitMs`. stdout and stderr keep their first `keep`
// bytes. `probeFile`: where exit-probe.cjs writes the child's own run time and message time.
export function runProcess(command, args, { input, env, limitMs = INPUT_LIMIT_MS, keep = 64 * 2 ** 20, probeFile } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    // Its own process group, so that a wrapper (/usr/bin/time) and what it runs are killed together.
    const child = spawn(command, args, { env: env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out = [];
    const err = [];
    let outLength = 0;
    let errLength = 0;
    let timedOut = false;
    child.stdout.on('data', (c) => { if (outLength < keep) out.push(c); outLength += c.length; });
    let messageMs;
    child.stderr.on('data', (c) => {
      if (errLength < keep) err.push(c);
      errLength += c.length;
      if (messageMs === undefined && c.includes('neuro-shrink:')) messageMs = performance.now() - t0;
    });
    child.stdin.on('error', () => {});  // a child that exits before reading all of its input
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, limitMs);
    child.on('error', (e) => err.push(Buffer.from(String(e.message))));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let own = {};
      if (probeFile) {
        try { own = JSON.parse(fs.readFileSync(probeFile, 'utf8')); } catch { /* killed */ }
        fs.rmSync(probeFile, { force: true });
      }
      // The child's own clock where it reported one (from its preload to its exit), else this process's.
      resolve({ code, signal, timedOut, ms: own.ms ?? performance.now() - t0, wallMs: performance.now() - t0,
        messageMs: own.ms === undefined ? messageMs : own.messageMs,
        stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes: outLength });
    });
    if (typeof input === 'function') input(child.stdin);
    else child.stdin.end(input ?? '');
  });
}

// The native driver: args (--table, --header SIZE), input on stdin. A driver that cannot be started (being
// rebuilt: EACCES, ETXTBSY, ENOENT) is waited for, up to two minutes: that is the build, not the input.
export async function runNative(args, input, limitMs = INPUT_LIMIT_MS, { cpu = false } = {}) {
  for (let attempt = 0; ; attempt++) {
    const r = cpu && fs.existsSync(TIME) ? await withCpuTime(args, input, limitMs) : await runProcess(NATIVE, args, { input, limitMs });
    const notStarted = !r.signal && /spawn \S+ (EACCES|ETXTBSY|ENOENT)/.test(r.stderr) && !r.stdout;
    if (!notStarted || attempt >= 24) return r;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

// The native driver under /usr/bin/time: its user + system CPU time as cpuMs.
const TIME = '/usr/bin/time';
let timeFiles = 0;
async function withCpuTime(args, input, limitMs) {
  const file = `${os.tmpdir()}/hostile-time-${process.pid}-${++timeFiles}.txt`;
  const r = await runProcess(TIME, ['-f', '%U %S', '-o', file, NATIVE, ...args], { input, limitMs });
  try {
    const [user, system] = fs.readFileSync(file, 'utf8').trim().split('\n').pop().split(' ').map(Number);
    r.cpuMs = (user + system) * 1000;
  } catch { /* killed */ }
  fs.rmSync(file, { force: true });
  return r;
}

let probeFiles = 0;
// The CLI: `node cli/neuro-shrink.mjs ...args` with `env` on top of a clean environment (no HF_* of the caller's).
// Its peak RSS (rssKiB) from /usr/bin/time's %M: a child forked from this (large) process inherits its resident
// set until exec, and Linux carries that high-water mark across exec into the child's own getrusage() and
// /proc VmHWM; /usr/bin/time's own child is forked from a small process. Its run and message times from
// exit-probe.cjs.
export async function runCli(args, { env = {}, input, limitMs = 20_000 } = {}) {
  const probeFile = `${os.tmpdir()}/hostile-probe-${process.pid}-${++probeFiles}.json`;
  const timeFile = `${probeFile}.time`;
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('HF_') && k !== 'NODE_OPTIONS'));
  const node = [process.execPath, '--require', EXIT_PROBE, CLI, ...args];
  const timed = fs.existsSync(TIME);
  const r = await runProcess(timed ? TIME : node[0], timed ? ['-f', '%M', '-o', timeFile, ...node] : node.slice(1),
    { env: { ...base, ...env, HOSTILE_PROBE_FILE: probeFile }, input, limitMs, probeFile });
  let report = '';
  try { report = fs.readFileSync(timeFile, 'utf8').trim(); } catch { /* killed, or no time(1) */ }
  fs.rmSync(timeFile, { force: true });
  r.rssKiB = Number(report.split('\n').pop()) || undefined;
  // time(1) exits with its command's status, or 128 + n for a command killed by signal n (and says so).
  const killed = /Command terminated by signal (\d+)/.exec(report);
  if (killed) r.signal = `signal ${killed[1]}`;
  return r;
}

// Runs `tasks` (functions returning promises) `width` at a time.
export async function parallel(tasks, width) {
  const results = new Array(tasks.length);
  let next = 0;
  const lane = async () => { while (next < tasks.length) { const i = next++; results[i] = await tasks[i](); } };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, lane));
  return results;
}

// ---- replies ---------------------------------------------------------------------------------------------------

const MAX_SAFE = 2 ** 53;
const isCount = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_SAFE;

// Paths in a report where the contract's byte counts (and parameter counts) are not finite non-negative integers
// within 2^53: memory.*, parameters.*, devices[].*_bytes, vllm.*, training.*_bytes / *_parameters,
// components[].bytes, gguf.*_bytes, kv_cache byte counts.
export function badNumbers(report) {
  const bad = [];
  const check = (path, v, test = isCount) => { if (!test(v)) bad.push(`${path}=${JSON.stringify(v)}`); };
  const walk = (path, v) => {
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(`${path}.${k}`, x);
    else check(path, v);
  };
  walk('memory', report.memory ?? {});
  walk('parameters', report.parameters ?? {});
  (report.devices ?? []).forEach((d, i) => { for (const [k, v] of Object.entries(d)) if (k.endsWith('_bytes')) check(`devices[${i}].${k}`, v); });
  (report.components ?? []).forEach((c, i) => check(`components[${i}].bytes`, c.bytes));
  for (const [k, v] of Object.entries(report.training ?? {})) if (/_bytes$|_parameters$/.test(k)) check(`training.${k}`, v);
  for (const [k, v] of Object.entries(report.gguf ?? {})) if (/_bytes$/.test(k)) check(`gguf.${k}`, v);
  if (report.kv_cache) {
    check('kv_cache.bytes_per_token', report.kv_cache.bytes_per_token);
    (report.kv_cache.layers ?? []).forEach((l, i) => check(`kv_cache.layers[${i}].bytes`, l.bytes));
  }
  const v = report.vllm;
  if (v) {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' || typeof x === 'boolean') continue;
      if (k === 'kv_pool_bytes' && x < 0 && x === v.budget_bytes - v.non_kv_bytes && v.blocks === 0) continue;  // a deficit: the model does not fit
      const integer = /_bytes$|^blocks$|^kv_tokens$|^block_size$|^max_model_len$/.test(k);
      check(`vllm.${k}`, x, integer ? isCount : (n) => typeof n === 'number' && Number.isFinite(n) && n >= 0);
    }
  }
  return bad;
}

// Whether an issue concerns `field` ("training.zero" matches "zero", "training.zero", "text_config.zero").
export function names(issue, field) {
  if (!field) return true;
  const last = field.split('.').pop();
  const f = String(issue.field ?? '');
  return f === field || f === last || f.endsWith(`.${last}`) || (f !== '' && field.endsWith(`.${f}`)) ||
    String(issue.message ?? '').includes(`"${last}"`) || String(issue.message ?? '').includes(` ${last} `) ||
    String(issue.message ?? '').startsWith(`${last} `);
}

// One core reply (estimate or table text) as an outcome, with a detail for the examples.
//   mustRefuse: the input is invalid, so an error is expected (else "silent"); field: the field the error must name.
//   request: the request text, to tell a refusal of the whole request ("not a JSON object") from a fair one.
export function classifyReply(text, { mustRefuse = false, field = '', request } = {}) {
  let report;
  try {
    report = JSON.parse(text);
  } catch (err) {
    return ['crash', `non-JSON reply (${err.message}): ${clip(String(text), 160)}`];
  }
  if (!report || !Array.isArray(report.issues)) return ['crash', `a reply without issues: ${clip(String(text), 160)}`];
  const errors = report.issues.filter((i) => i.level === 'error');
  if (errors.length) {
    if (errors.some((i) => !String(i.message ?? '').trim())) return ['unclear error', JSON.stringify(errors[0])];
    if (report.memory || report.total_bytes) return ['unclear error', 'an error beside estimate fields'];
    if (request !== undefined && /not a JSON object/.test(errors[0].message) && isJsonObject(request)) {
      return ['misleading error', `"${errors[0].message}" for a request that is a JSON object (JSON.parse reads it)`];
    }
    if (field && !errors.some((i) => names(i, field))) return ['field not named', `expected ${field}: ${JSON.stringify(errors[0])}`];
    return ['clear error', errors[0].message];
  }
  const bad = report.total_bytes ? tableBadNumbers(report) : badNumbers(report);
  if (bad.length) return ['bad number', bad.slice(0, 4).join(', ')];
  if (mustRefuse) {
    const named = report.issues.filter((i) => names(i, field));
    return named.length ? ['not refused', `only ${named[0].level}: ${named[0].message}`] : ['silent', `no issue names ${field || 'the input'}`];
  }
  return ['estimate', ''];
}

function isJsonObject(text) {
  try {
    const v = JSON.parse(text);
    return !!v && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

function tableBadNumbers(table) {
  const bad = [];
  (table.total_bytes ?? []).flat().forEach((v, i) => { if (!isCount(v)) bad.push(`total_bytes[${i}]=${v}`); });
  (table.fits ?? []).flat().forEach((v, i) => { if (!isCount(v)) bad.push(`fits[${i}]=${v}`); });
  return bad;
}

// A fileHeader reply as an outcome.
export function classifyHeader(text) {
  let h;
  try {
    h = JSON.parse(text);
  } catch (err) {
    return ['crash', `non-JSON reply (${err.message}): ${clip(String(text), 160)}`];
  }
  if (h.status === 'ok') {
    const bad = ['tensor_count', 'elements', 'data_bytes', 'header_bytes'].filter((k) => !isCount(h[k])).map((k) => `${k}=${h[k]}`);
    return bad.length ? ['bad number', bad.join(', ')] : ['header', ''];
  }
  if (h.status === 'need_more') return isCount(h.needed_bytes) ? ['need more bytes', ''] : ['bad number', `needed_bytes=${h.needed_bytes}`];
  const message = h.issues?.[0]?.message;
  return message ? ['clear error', message] : ['unclear error', clip(text, 200)];
}

// A core input through wasm and native: the outcome of the wasm reply, "mismatch" where native differs, "crash"
// or "hang" where either fails. `fn`: estimate | table | fileHeader.
// `sequential`: one after the other, each timed in CPU time too (for timings), else both at once. `hangMs`: a reply
// slower than this is a hang (default `limitMs`, where the call is cut off): in CPU time where measured, so that
// other work on the machine does not make a hang of a slow wall clock.
export async function throughBoth(wasm, fn, input, { size = 0, classify, native = true, limitMs = INPUT_LIMIT_MS, hangMs = limitMs, sequential = false } = {}) {
  const args = { estimate: [], table: ['--table'], fileHeader: ['--header', String(size)] }[fn];
  const runW = () => wasm.call(fn, input, { size, limitMs });
  const runN = () => (native ? runNative(args, fn === 'fileHeader' ? Buffer.from(input) : input, limitMs, { cpu: sequential }) : null);
  const [w, n] = sequential ? [await runW(), await runN()] : await Promise.all([runW(), runN()]);
  const result = { wasmMs: w.ms, nativeMs: n?.ms, wasmCpuMs: sequential ? w.cpuMs : undefined, nativeCpuMs: n?.cpuMs, reply: w.out };
  if (w.hang) return { ...result, outcome: 'hang', detail: `wasm: ${w.error}` };
  if (!w.ok) return { ...result, outcome: 'crash', detail: `wasm threw: ${w.error}` };
  if (n?.timedOut) return { ...result, outcome: 'hang', detail: `native: no answer in ${limitMs} ms` };
  if (n && (n.code !== 0 || n.signal)) return { ...result, outcome: 'crash', detail: `native exit ${n.code ?? n.signal}: ${clip(n.stderr, 200)}` };
  const [outcome, detail] = classify(w.out, input);
  const wasmTime = result.wasmCpuMs ?? w.ms;
  const nativeTime = result.nativeCpuMs ?? n?.ms ?? 0;
  if (wasmTime > hangMs || nativeTime > hangMs) {
    return { ...result, outcome: 'hang', detail: `took wasm ${wasmTime.toFixed(0)} ms, native ${nativeTime.toFixed(0)} ms${result.wasmCpuMs !== undefined ? ' of CPU' : ''} (limit ${hangMs} ms): ${outcome}` };
  }
  if (n && n.stdout !== w.out) return { ...result, outcome: 'mismatch', detail: `native and wasm differ at byte ${firstDifference(n.stdout, w.out)} (wasm: ${outcome})` };
  return { ...result, outcome, detail };
}

function firstDifference(a, b) {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `${i}: native ${JSON.stringify(a.slice(Math.max(0, i - 30), i + 30))} vs wasm ${JSON.stringify(b.slice(Math.max(0, i - 30), i + 30))}`;
}
