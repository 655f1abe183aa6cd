// Generators of hostile inputs: weight-file headers (GGUF, safetensors), a JSON scanner that finds every value
// of a config text (Python's NaN and Infinity included), hostile URLs with the token rule's expected answer,
// and mutations of whole requests. Everything is drawn from the caller's seeded PRNG.
import fs from 'node:fs';

import { ROOT } from './harness.mjs';

export const FIXTURES = new URL('tests/fixtures/configs/', ROOT);
export const fixtureNames = () => fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
export const fixture = (name) => fs.readFileSync(new URL(name, FIXTURES), 'utf8');

// Numerals that break integer code: wrap-arounds, doubles past 2^53, overflow to infinity, underflow.
export const HOSTILE_NUMERALS = ['0', '-1', '1', '2147483648', '4294967296', '9007199254740992', '9007199254740993',
  '9223372036854775808', '18446744073709551615', '18446744073709551616', '1e308', '1e309', '-1e308', '1.5', '-0',
  '4.9e-324', '1e-310', '2.2250738585072014e-308', '1e-400', '1.7976931348623157e308', '1.0000000000000000e305', '0.0',
  '1.0000000000000002', '99999999999999999999999999999999'];

// ---- safetensors and GGUF ---------------------------------------------------------------------------------------

// A safetensors file's first bytes: the 8-byte length, then the JSON header. `tensors`: [name, dtype, shape].
export function safetensors(tensors, metadata) {
  const header = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  const size = { F32: 4, F16: 2, BF16: 2, I8: 1, U8: 1, F8_E4M3: 1, I64: 8 };
  for (const [name, dtype, shape] of tensors) {
    const bytes = shape.reduce((a, b) => a * b, 1) * (size[dtype] ?? 2);
    header[name] = { dtype, shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  return { bytes: withLength(Buffer.from(JSON.stringify(header))), dataBytes: offset };
}

export function withLength(json) {
  const bytes = Buffer.alloc(8 + json.length);
  bytes.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(bytes, 8);
  return bytes;
}

// The tensors of a small Llama-layout checkpoint (`layers` decoder layers).
export function llamaTensors(layers = 2, dtype = 'BF16', hidden = 256, vocab = 1000) {
  const list = [['model.embed_tokens.weight', dtype, [vocab, hidden]], ['model.norm.weight', dtype, [hidden]], ['lm_head.weight', dtype, [vocab, hidden]]];
  for (let l = 0; l < layers; l++) {
    for (const p of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) list.push([`model.layers.${l}.self_attn.${p}.weight`, dtype, [hidden, hidden]]);
    for (const p of ['gate_proj', 'up_proj']) list.push([`model.layers.${l}.mlp.${p}.weight`, dtype, [hidden * 2, hidden]]);
    list.push([`model.layers.${l}.mlp.down_proj.weight`, dtype, [hidden, hidden * 2]]);
    for (const p of ['input_layernorm', 'post_attention_layernorm']) list.push([`model.layers.${l}.${p}.weight`, dtype, [hidden]]);
  }
  return list;
}

// GGUF v3, writer side (ggml's gguf.cpp layout): magic, version, tensor count, KV count, the KVs, the tensor infos.
const GGML_BYTES = { 0: 4, 1: 2, 30: 2 };  // F32, F16, BF16: bytes per element
const GGUF_TYPE = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, str: 8, arr: 9, u64: 10, i64: 11, f64: 12 };

class Bytes {
  constructor() { this.parts = []; }
  u32(v) { const b = Buffer.alloc(4); b.writeUInt32LE(v >>> 0); this.parts.push(b); return this; }
  u64(v) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.parts.push(b); return this; }
  f32(v) { const b = Buffer.alloc(4); b.writeFloatLE(v); this.parts.push(b); return this; }
  str(s) { const b = Buffer.from(s); this.u64(b.length); this.parts.push(b); return this; }
  raw(b) { this.parts.push(b); return this; }
  get buffer() { return Buffer.concat(this.parts); }
}

// kvs: [key, type, value] (type 'arr:str' for an array of strings; an array value { type, count, values } may
// claim more elements than it holds); tensors: [name, dims, ggmlType]. Returns the header bytes.
export function gguf({ kvs = [], tensors = [], tensorCount, kvCount, version = 3 } = {}) {
  const w = new Bytes().raw(Buffer.from('GGUF')).u32(version).u64(tensorCount ?? tensors.length).u64(kvCount ?? kvs.length);
  const scalar = (type, v) => {
    if (type === 'str') w.str(v);
    else if (type === 'u32' || type === 'i32') w.u32(v);
    else if (type === 'u64' || type === 'i64') w.u64(v);
    else if (type === 'f32') w.f32(v);
    else if (type === 'bool' || type === 'u8' || type === 'i8') w.raw(Buffer.from([v ? 1 : 0]));
    else throw new Error(`type ${type}`);
  };
  for (const [key, type, value] of kvs) {
    w.str(key);
    if (type.startsWith('arr:')) {
      const elem = type.slice(4);
      const values = Array.isArray(value) ? value : value.values;
      w.u32(GGUF_TYPE.arr).u32(GGUF_TYPE[elem]).u64(Array.isArray(value) ? values.length : value.count);
      for (const v of values) scalar(elem, v);
    } else {
      w.u32(GGUF_TYPE[type]);
      scalar(type, value);
    }
  }
  let offset = 0;
  for (const [name, dims, type] of tensors) {
    w.str(name).u32(dims.length);
    for (const d of dims) w.u64(d);
    w.u32(type).u64(offset);
    offset += Math.ceil(dims.reduce((a, b) => a * b, 1) * (GGML_BYTES[type] ?? 2) / 32) * 32;
  }
  return w.buffer;
}

// A real-looking GGUF header: a Llama of `layers` layers, a `vocab`-token vocabulary, F16 tensors.
export function llamaGguf(layers = 2, vocab = 512, extraTensors = 0) {
  const hidden = 256;
  const kvs = [['general.architecture', 'str', 'llama'], ['general.name', 'str', 'hostile'], ['llama.context_length', 'u32', 4096],
    ['llama.embedding_length', 'u32', hidden], ['llama.block_count', 'u32', layers], ['llama.feed_forward_length', 'u32', hidden * 2],
    ['llama.attention.head_count', 'u32', 4], ['llama.attention.head_count_kv', 'u32', 2], ['general.file_type', 'u32', 1],
    ['tokenizer.ggml.model', 'str', 'llama'], ['tokenizer.ggml.tokens', 'arr:str', Array.from({ length: vocab }, (_, i) => `tok${i}`)],
    ['tokenizer.ggml.scores', 'arr:f32', Array.from({ length: vocab }, (_, i) => -i)]];
  const F16 = 1;
  const tensors = [['token_embd.weight', [hidden, vocab], F16], ['output_norm.weight', [hidden], 0], ['output.weight', [hidden, vocab], F16]];
  for (let l = 0; l < layers; l++) {
    for (const t of ['attn_q', 'attn_k', 'attn_v', 'attn_output']) tensors.push([`blk.${l}.${t}.weight`, [hidden, hidden], F16]);
    for (const t of ['ffn_gate', 'ffn_up']) tensors.push([`blk.${l}.${t}.weight`, [hidden, hidden * 2], F16]);
    tensors.push([`blk.${l}.ffn_down.weight`, [hidden * 2, hidden], F16], [`blk.${l}.attn_norm.weight`, [hidden], 0]);
  }
  for (let i = 0; i < extraTensors; i++) tensors.push([`extra.${i}.weight`, [16, 8], F16]);
  return gguf({ kvs, tensors });
}

// ---- a tolerant JSON scanner: every primitive value and every object member of a config text -----------------

// Accepts Python's NaN, Infinity and -Infinity as values (as transformers writes them). Returns
// { values: [{ start, end, path, text }], members: [{ start, end, path, valueStart, valueEnd }] }, paths as
// arrays of keys and indexes. Throws on text it cannot follow.
export function scan(text) {
  const values = [];
  const members = [];
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const expect = (c) => { if (text[i] !== c) throw new Error(`expected ${c} at ${i}`); i++; };
  const string = () => {
    const s = i;
    expect('"');
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    expect('"');
    return JSON.parse(text.slice(s, i));
  };
  const value = (path) => {
    ws();
    const start = i;
    if (text[i] === '{') {
      i++;
      ws();
      if (text[i] === '}') { i++; return [start, i]; }
      for (;;) {
        ws();
        const memberStart = i;
        const key = string();
        ws();
        expect(':');
        const [valueStart, valueEnd] = value([...path, key]);
        members.push({ start: memberStart, end: valueEnd, path: [...path, key], valueStart, valueEnd });
        ws();
        if (text[i] === ',') { i++; continue; }
        expect('}');
        return [start, i];
      }
    }
    if (text[i] === '[') {
      i++;
      ws();
      if (text[i] === ']') { i++; return [start, i]; }
      for (let n = 0; ; n++) {
        value([...path, n]);
        ws();
        if (text[i] === ',') { i++; continue; }
        expect(']');
        return [start, i];
      }
    }
    if (text[i] === '"') string();
    else while (i < text.length && !' \t\r\n,]}'.includes(text[i])) i++;
    if (i === start) throw new Error(`no value at ${i}`);
    values.push({ start, end: i, path, text: text.slice(start, i) });
    return [start, i];
  };
  value([]);
  return { values, members };
}

// A path as the core names fields: object keys joined with dots, array indexes dropped.
export const fieldOf = (path) => path.filter((p) => typeof p === 'string').join('.');
export const splice = (text, start, end, insert) => text.slice(0, start) + insert + text.slice(end);

// ---- hostile URLs for the token rule -------------------------------------------------------------------------------

// [{ url, endpoint, expect }]: expect "deny" (the token must not go: a leak otherwise), "allow" (it should go;
// withholding it is safe but noted) or "either". `endpoint` '' is the default Hub.
export function hostileUrls(rnd, count, loopbackPort) {
  const cases = [];
  const add = (url, expect, endpoint = '') => cases.push({ url, expect, endpoint });
  const lookAlikes = ['evilhuggingface.co', 'huggingface.co.evil.com', 'attacker-huggingface.co', 'huggingface.com', 'huggingface.cо',
    'huggingfаce.co', 'xn--huggingface-x2a.co', 'xn--hggingface-c9a.co', 'huggingface.co-evil.com', 'huggingface-co.evil.com',
    'hf.co', 'huggingface.co.', 'huggingface.co..', 'huggingface..co', 'evil.com', '127.0.0.1', 'localhost', '[::1]', 'huggingface',
    'co', 'huggingfacexco', 'huggingface.co%2eevil.com', 'huggingface.co\u3002evil.com', 'cdn-lfs.huggingface.co.evil.com',
    'cdn-lfs.evilhuggingface.co', 'xn--80ak6aa92e.com', 'huggingface.co.xn--80ak6aa92e.com', '0x7f.1', '2130706433'];
  const schemes = ['https', 'http', 'ftp', 'ws', 'wss', 'HTTPS', 'hTTps', 'file'];
  const paths = ['/', '/org/model/resolve/main/config.json', '', '/x?y=huggingface.co', '#huggingface.co', '/.huggingface.co'];
  // The look-alikes: never, on any scheme, port or path.
  for (const host of lookAlikes) for (const scheme of ['https', 'http']) add(`${scheme}://${host}/org/m/resolve/main/config.json`, host === 'huggingface.co.' ? 'either' : 'deny');
  // Userinfo and delimiter tricks: the real host is the last one.
  for (const evil of ['evil.com', 'evilhuggingface.co', '127.0.0.1:9', 'huggingface.co.evil.com']) {
    add(`https://huggingface.co@${evil}/`, 'deny');
    add(`https://huggingface.co:443@${evil}/`, 'deny');
    add(`https://user:huggingface.co@${evil}/`, 'deny');
    add(`https://${evil}#@huggingface.co/`, 'deny');
    add(`https://${evil}?@huggingface.co/`, 'deny');
    add(`https://${evil}\\@huggingface.co/`, 'deny');
    add(`https://${evil}/\\huggingface.co/`, 'deny');
    add(`https://${evil}%40huggingface.co/`, 'deny');
    add(`https://huggingface.co.${evil}/`, 'deny');
    add(`  https://${evil}/huggingface.co`, 'deny');
    add(`https://\t${evil}/`, 'deny');
  }
  add('https://user:pass@huggingface.co/', 'either');
  add('https://huggingface.co@huggingface.co/', 'either');
  // Other schemes and opaque URLs: never.
  for (const u of ['javascript:alert(1)//huggingface.co', 'javascript://huggingface.co/%0aalert(1)', 'data:text/plain,huggingface.co',
    'data:,https://huggingface.co/', 'ftp://huggingface.co/', 'ftp://huggingface.co:21/x', 'ws://huggingface.co/', 'wss://huggingface.co/',
    'file:///etc/passwd', 'file://huggingface.co/x', 'blob:https://huggingface.co/1234', 'view-source:https://huggingface.co/',
    'http://huggingface.co/', 'http://cdn-lfs.huggingface.co/x', 'HTTP://HUGGINGFACE.CO/', 'huggingface.co/x', '//huggingface.co/x',
    '/org/m/resolve/main/config.json', '', 'https://', 'https:huggingface.co', 'https:/huggingface.co/x', 'https:///huggingface.co/x']) {
    add(u, u.startsWith('https:') ? 'either' : 'deny');
  }
  // Ports: only the default.
  for (const port of ['8443', '80', '444', '1', '65535', '0']) add(`https://huggingface.co:${port}/`, 'deny');
  add('https://huggingface.co:443/', 'either');
  add('https://huggingface.co:0443/', 'either');
  // The Hub itself: should go.
  for (const u of ['https://huggingface.co/org/m/resolve/main/config.json', 'https://cdn-lfs.huggingface.co/x', 'https://HuggingFace.CO/x',
    'https://cdn-lfs-us-1.hf.co/x', 'https://a.b.huggingface.co/']) add(u, u.includes('hf.co') ? 'either' : 'allow');
  // Random combinations: a scheme, a host (a look-alike or the Hub in random case, with tricks), a port, a path.
  const hubCase = () => [...'huggingface.co'].map((c) => (rnd.chance(0.5) ? c.toUpperCase() : c)).join('');
  for (let n = 0; n < count; n++) {
    const scheme = rnd.pick(schemes);
    const hub = rnd.chance(0.5);
    let host = hub ? `${rnd.pick(['', 'cdn-lfs.', 'a.b.', 'xn--80ak6aa92e.'])}${hubCase()}` : rnd.pick(lookAlikes);
    if (!hub && rnd.chance(0.3)) host = `${hubCase()}@${host}`;
    const port = rnd.pick(['', '', '', ':443', ':8443', ':80', ':0']);
    const url = `${scheme}://${host}${port}${rnd.pick(paths)}`;
    const secure = scheme.toLowerCase() === 'https';
    let expect = 'deny';
    if (hub && secure && (port === '' || port === ':443')) expect = 'allow';
    if (host.endsWith('huggingface.co.') && secure) expect = 'either';  // the same DNS name, absolute
    add(url, expect);
  }
  // A loopback HF_ENDPOINT: exactly its origin, plain http allowed there.
  const endpoint = `http://127.0.0.1:${loopbackPort}`;
  for (const u of [`${endpoint}/x`, `http://127.0.0.1:${loopbackPort}/`, `HTTP://127.0.0.1:${loopbackPort}/x`, `http://0x7f.0.0.1:${loopbackPort}/x`]) add(u, 'allow', endpoint);
  for (const u of [`http://127.0.0.1:${loopbackPort + 1}/x`, `http://localhost:${loopbackPort}/x`, `https://127.0.0.1:${loopbackPort}/x`,
    `http://127.0.0.2:${loopbackPort}/x`, `http://[::1]:${loopbackPort}/x`, `http://127.0.0.1:${loopbackPort}@evil.com/x`,
    `http://127.0.0.1/x`, `http://127.0.0.1:${loopbackPort}.evil.com/x`, `https://huggingface.co/x`, `ws://127.0.0.1:${loopbackPort}/x`,
    `ftp://127.0.0.1:${loopbackPort}/x`, `http://evil.com/http://127.0.0.1:${loopbackPort}/`]) {
    add(u, u.startsWith('https://huggingface.co') ? 'either' : 'deny', endpoint);
  }
  // Endpoints that must never receive a token over plain http, and look-alike loopbacks.
  for (const e of ['http://evil.com', 'http://127.0.0.1.evil.com', 'http://localhost.evil.com', 'http://127.0.0.1:1@evil.com',
    'http://0177.0.0.1.evil.com', 'http://huggingface.co', 'http://[::ffff:7f00:1].evil.com', 'ftp://127.0.0.1', 'javascript:alert(1)']) {
    add(`${e}/x`, 'deny', e);
    add('https://huggingface.co/x', 'either', e);
  }
  for (const e of ['http://localhost:1234', 'http://[::1]:1234', 'http://127.255.255.254:1234', 'https://mirror.example:8443']) {
    add(`${e}/x`, 'allow', e);
    add(`${e.replace('1234', '1235').replace('8443', '8444')}/x`, 'deny', e);
  }
  return cases;
}

// ---- mutations of a whole request ---------------------------------------------------------------------------------

const TYPE_SWAPS = ['"x"', '[]', '{}', 'null', 'true', '-1', '0', '""', '[1,2]', '{"a":1}', 'NaN', 'Infinity', '-Infinity'];

// One to three random mutations of a config text: bit flips, truncation, a deleted / duplicated member, values
// swapped between members, hostile numerals, other types, deep nesting.
export function mutateConfig(text, rnd) {
  const steps = [];
  const rounds = 1 + rnd.int(3);
  for (let r = 0; r < rounds; r++) {
    let scanned = null;
    try { scanned = scan(text); } catch { /* already broken: text mutations only */ }
    const kind = scanned ? rnd.pick(['flip', 'truncate', 'delete', 'duplicate', 'swap', 'numeral', 'numeral', 'type', 'nest']) : rnd.pick(['flip', 'truncate']);
    const { values = [], members = [] } = scanned ?? {};
    if (kind === 'flip' || (members.length === 0 && kind !== 'truncate')) {
      const at = rnd.int(text.length);
      const code = text.charCodeAt(at) ^ (1 << rnd.int(8));
      text = splice(text, at, at + 1, String.fromCharCode(code));
      steps.push(`flip@${at}`);
    } else if (kind === 'truncate') {
      const at = rnd.int(text.length);
      text = text.slice(0, at);
      steps.push(`truncate@${at}`);
    } else if (kind === 'delete') {
      const m = rnd.pick(members);
      let { start, end } = m;
      const after = /^\s*,/.exec(text.slice(end));
      if (after) end += after[0].length;
      else { const before = /,\s*$/.exec(text.slice(0, start)); if (before) start -= before[0].length; }
      text = splice(text, start, end, '');
      steps.push(`delete ${fieldOf(m.path)}`);
    } else if (kind === 'duplicate') {
      const m = rnd.pick(members);
      const other = rnd.pick(values.filter((v) => !isNested(v, m)));
      const copy = `${text.slice(m.start, m.valueStart)}${other ? other.text : '0'}`;
      text = splice(text, m.end, m.end, `, ${copy}`);
      steps.push(`duplicate ${fieldOf(m.path)}`);
    } else if (kind === 'swap') {
      const [a, b] = [rnd.pick(members), rnd.pick(members)].sort((x, y) => x.valueStart - y.valueStart);
      if (a === b || b.valueStart < a.valueEnd) continue;
      const va = text.slice(a.valueStart, a.valueEnd);
      const vb = text.slice(b.valueStart, b.valueEnd);
      text = text.slice(0, a.valueStart) + vb + text.slice(a.valueEnd, b.valueStart) + va + text.slice(b.valueEnd);
      steps.push(`swap ${fieldOf(a.path)}<->${fieldOf(b.path)}`);
    } else if (kind === 'numeral' || kind === 'type') {
      const numbers = values.filter((v) => /^-?[\d.]/.test(v.text));
      const v = kind === 'numeral' && numbers.length ? rnd.pick(numbers) : rnd.pick(values);
      const insert = kind === 'numeral' ? rnd.pick(HOSTILE_NUMERALS) : rnd.pick(TYPE_SWAPS);
      text = splice(text, v.start, v.end, insert);
      steps.push(`${fieldOf(v.path)}=${insert}`);
    } else {
      const v = rnd.pick(values);
      const depth = 60 + rnd.int(10);
      text = splice(text, v.start, v.end, `${'['.repeat(depth)}${v.text}${']'.repeat(depth)}`);
      steps.push(`${fieldOf(v.path)} nested ${depth}`);
    }
  }
  return { text, steps };
}

const isNested = (v, m) => v.start >= m.valueStart && v.end <= m.valueEnd;

// Request options drawn at random around a mutated config.
export function randomOptions(rnd, catalogue) {
  const o = {};
  const runtime = rnd.pick(['transformers', 'llama.cpp', 'vllm', 'mlx', undefined]);
  if (runtime) o.runtime = runtime;
  if (rnd.chance(0.6)) o.quantization = runtime === 'llama.cpp' && rnd.chance(0.7) ? rnd.pick(catalogue.gguf_file_types.map((q) => q.name ?? q)) : rnd.pick(catalogue.quantizations.map((q) => q.name ?? q.id ?? q));
  if (rnd.chance(0.3)) o.kv_cache_dtype = rnd.pick(catalogue.kv_cache_dtypes.map((q) => q.name ?? q.id ?? q));
  if (rnd.chance(0.5)) o.context_tokens = rnd.pick([1, 512, 4096, 32768, 131072, 1 << 20, 1 << 27]);
  if (rnd.chance(0.3)) o.batch_size = rnd.pick([1, 2, 8, 64, 1024]);
  if (rnd.chance(0.5)) o.gpu = rnd.pick(catalogue.gpus.map((g) => g.name));
  if (rnd.chance(0.2)) o.gpus = rnd.pick([1, 2, 8, 1024]);
  if (rnd.chance(0.15)) {
    o.mode = 'train';
    o.training = { method: rnd.pick(['full', 'lora', 'qlora']), zero: rnd.pick([0, 1, 2, 3, 'fsdp']), checkpointing: rnd.pick(['none', 'selective', 'full']) };
  }
  return o;
}
