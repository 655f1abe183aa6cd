// Writes a GGUF v3 file (the format llama.cpp loads) from a plain JS description, with the tensor data left as
// a hole: the header and tensor infos are written, then the file is extended with ftruncate to its full size,
// so the weights read back as zeros and take no disk space (a sparse file).
//
//   writeGguf(path, {
//     metadata: [ kv.str('general.architecture', 'llama'), kv.u32('llama.block_count', 32), ... ],
//     tensors:  [ { name: 'token_embd.weight', type: 'F16', dims: [4096, 128256] }, ... ],  // dims: ne0 first
//     alignment: 32,   // optional; written as general.alignment when not 32
//   }) -> { path, headerBytes, dataOffset, dataBytes, fileBytes, tensors: [{ name, type, dims, offset, nbytes }] }
//
// Format reference: ggml/docs/gguf.md and ggml/src/gguf.cpp of llama.cpp. All integers are little-endian.

import fs from 'node:fs';

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

// gguf_type
export const GGUFValueType = Object.freeze({
  UINT8: 0, INT8: 1, UINT16: 2, INT16: 3, UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9,
  UINT64: 10, INT64: 11, FLOAT64: 12,
});

// ggml_type ids (ggml/include/ggml.h) with their block size: bytes per block / elements per block.
export const GGMLType = Object.freeze({
  F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q5_0: 6, Q5_1: 7, Q8_0: 8, Q8_1: 9, Q2_K: 10, Q3_K: 11, Q4_K: 12,
  Q5_K: 13, Q6_K: 14, Q8_K: 15, BF16: 30,
});
export const GGML_BLOCK = Object.freeze({
  F32: { bytes: 4, elements: 1 },
  F16: { bytes: 2, elements: 1 },
  BF16: { bytes: 2, elements: 1 },
  Q4_0: { bytes: 18, elements: 32 },
  Q4_1: { bytes: 20, elements: 32 },
  Q5_0: { bytes: 22, elements: 32 },
  Q5_1: { bytes: 24, elements: 32 },
  Q8_0: { bytes: 34, elements: 32 },
  Q2_K: { bytes: 84, elements: 256 },
  Q3_K: { bytes: 110, elements: 256 },
  Q4_K: { bytes: 144, elements: 256 },
  Q5_K: { bytes: 176, elements: 256 },
  Q6_K: { bytes: 210, elements: 256 },
});

export function ggmlTypeName(type) {
  if (typeof type === 'string') {
    if (!(type in GGMLType)) throw new Error(`unknown ggml type ${type}`);
    return type;
  }
  const name = Object.keys(GGMLType).find((k) => GGMLType[k] === type);
  if (!name) throw new Error(`unknown ggml type id ${type}`);
  return name;
}

/** Bytes of a tensor of this type and shape (dims in ggml order, ne0 first), as ggml_nbytes computes it. */
export function tensorBytes(type, dims) {
  const name = ggmlTypeName(type);
  const block = GGML_BLOCK[name];
  if (!block) throw new Error(`no block size known for ggml type ${name}`);
  const [ne0, ...rest] = dims.map(BigInt);
  if (ne0 % BigInt(block.elements) !== 0n) {
    throw new Error(`ne0 = ${ne0} is not a multiple of the ${name} block (${block.elements} elements)`);
  }
  const rowBytes = (ne0 / BigInt(block.elements)) * BigInt(block.bytes);
  return Number(rest.reduce((acc, n) => acc * n, rowBytes));
}

const pad = (n, a) => Math.ceil(n / a) * a;

// Typed metadata values: kv.u32('key', 1), kv.arr('key', 'string', ['a', 'b']), ...
const scalarTypes = {
  u8: GGUFValueType.UINT8, i8: GGUFValueType.INT8, u16: GGUFValueType.UINT16, i16: GGUFValueType.INT16,
  u32: GGUFValueType.UINT32, i32: GGUFValueType.INT32, f32: GGUFValueType.FLOAT32, bool: GGUFValueType.BOOL,
  str: GGUFValueType.STRING, u64: GGUFValueType.UINT64, i64: GGUFValueType.INT64, f64: GGUFValueType.FLOAT64,
};
const typeAliases = {
  uint8: 'u8', int8: 'i8', uint16: 'u16', int16: 'i16', uint32: 'u32', int32: 'i32', float32: 'f32',
  string: 'str', uint64: 'u64', int64: 'i64', float64: 'f64',
};
const alias = (t) => typeAliases[t] ?? t;

export const kv = {
  ...Object.fromEntries(Object.keys(scalarTypes).map((t) => [t, (key, value) => ({ key, type: t, value })])),
  /** Array of one scalar type (GGUF arrays of arrays are allowed by the format but not needed here). */
  arr: (key, itemType, values) => ({ key, type: 'arr', itemType: alias(itemType), value: values }),
};

class ByteWriter {
  constructor(initial = 1 << 20) {
    this.buf = Buffer.alloc(initial);
    this.pos = 0;
  }
  ensure(n) {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.alloc(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v) { this.ensure(1); this.buf.writeUInt8(v, this.pos); this.pos += 1; }
  i8(v) { this.ensure(1); this.buf.writeInt8(v, this.pos); this.pos += 1; }
  u16(v) { this.ensure(2); this.buf.writeUInt16LE(v, this.pos); this.pos += 2; }
  i16(v) { this.ensure(2); this.buf.writeInt16LE(v, this.pos); this.pos += 2; }
  u32(v) { this.ensure(4); this.buf.writeUInt32LE(v, this.pos); this.pos += 4; }
  i32(v) { this.ensure(4); this.buf.writeInt32LE(v, this.pos); this.pos += 4; }
  f32(v) { this.ensure(4); this.buf.writeFloatLE(v, this.pos); this.pos += 4; }
  f64(v) { this.ensure(8); this.buf.writeDoubleLE(v, this.pos); this.pos += 8; }
  u64(v) { this.ensure(8); this.buf.writeBigUInt64LE(BigInt(v), this.pos); this.pos += 8; }
  i64(v) { this.ensure(8); this.buf.writeBigInt64LE(BigInt(v), this.pos); this.pos += 8; }
  bool(v) { this.u8(v ? 1 : 0); }
  str(s) {
    const bytes = Buffer.from(String(s), 'utf8');
    this.u64(bytes.length);
    this.ensure(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }
  zeros(n) { this.ensure(n); this.buf.fill(0, this.pos, this.pos + n); this.pos += n; }
  bytes() { return this.buf.subarray(0, this.pos); }
}

function writeScalar(w, t, v) {
  switch (t) {
    case 'u8': return w.u8(v);
    case 'i8': return w.i8(v);
    case 'u16': return w.u16(v);
    case 'i16': return w.i16(v);
    case 'u32': return w.u32(v);
    case 'i32': return w.i32(v);
    case 'f32': return w.f32(v);
    case 'bool': return w.bool(v);
    case 'str': return w.str(v);
    case 'u64': return w.u64(v);
    case 'i64': return w.i64(v);
    case 'f64': return w.f64(v);
    default: throw new Error(`unknown GGUF value type ${t}`);
  }
}

function writeKv(w, entry) {
  w.str(entry.key);
  if (entry.type === 'arr') {
    if (!(entry.itemType in scalarTypes)) throw new Error(`unknown array item type ${entry.itemType} (${entry.key})`);
    w.u32(GGUFValueType.ARRAY);
    w.u32(scalarTypes[entry.itemType]);
    w.u64(entry.value.length);
    for (const v of entry.value) writeScalar(w, entry.itemType, v);
  } else {
    const t = alias(entry.type);
    if (!(t in scalarTypes)) throw new Error(`unknown GGUF value type ${entry.type} (${entry.key})`);
    w.u32(scalarTypes[t]);
    writeScalar(w, t, entry.value);
  }
}

/** Lays out the tensors (offsets relative to the data section, each aligned) without writing anything. */
export function planTensors(tensors, alignment = GGUF_DEFAULT_ALIGNMENT) {
  let offset = 0;
  const seen = new Set();
  const planned = tensors.map((t) => {
    if (seen.has(t.name)) throw new Error(`duplicate tensor ${t.name}`);
    seen.add(t.name);
    if (Buffer.byteLength(t.name) >= 64) throw new Error(`tensor name too long for GGML_MAX_NAME: ${t.name}`);
    const type = ggmlTypeName(t.type);
    const nbytes = tensorBytes(type, t.dims);
    offset = pad(offset, alignment);
    const p = { name: t.name, type, typeId: GGMLType[type], dims: t.dims.map(Number), offset, nbytes };
    offset += nbytes;
    return p;
  });
  return { tensors: planned, dataBytes: pad(offset, alignment) };
}

/** Writes the GGUF file at `path` (replacing it) and returns its layout. */
export function writeGguf(path, { metadata = [], tensors = [], alignment = GGUF_DEFAULT_ALIGNMENT } = {}) {
  const kvs = [...metadata];
  if (alignment !== GGUF_DEFAULT_ALIGNMENT && !kvs.some((e) => e.key === 'general.alignment')) {
    kvs.push(kv.u32('general.alignment', alignment));
  }
  const keys = new Set();
  for (const e of kvs) {
    if (keys.has(e.key)) throw new Error(`duplicate metadata key ${e.key}`);
    keys.add(e.key);
  }
  const plan = planTensors(tensors, alignment);

  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(plan.tensors.length);
  w.u64(kvs.length);
  for (const e of kvs) writeKv(w, e);
  for (const t of plan.tensors) {
    w.str(t.name);
    w.u32(t.dims.length);
    for (const d of t.dims) w.u64(d);
    w.u32(t.typeId);
    w.u64(t.offset);
  }
  const headerBytes = w.pos;
  const dataOffset = pad(headerBytes, alignment);
  w.zeros(dataOffset - headerBytes);

  const fileBytes = dataOffset + plan.dataBytes;
  const fd = fs.openSync(path, 'w');
  try {
    fs.writeSync(fd, w.bytes(), 0, w.pos, 0);
    fs.ftruncateSync(fd, fileBytes); // the tensor data: a hole that reads back as zeros
  } finally {
    fs.closeSync(fd);
  }
  return { path, headerBytes, dataOffset, dataBytes: plan.dataBytes, fileBytes, tensors: plan.tensors };
}

/** Reads back the header of a GGUF file (metadata and tensor infos, not the data); used to self-check the writer. */
export function readGgufHeader(path) {
  const fd = fs.openSync(path, 'r');
  let buf;
  try {
    const size = fs.fstatSync(fd).size;
    // headers here are at most a few tens of MB (vocabularies); read until the parse fits
    let want = Math.min(size, 64 << 20);
    buf = Buffer.alloc(want);
    fs.readSync(fd, buf, 0, want, 0);
  } finally {
    fs.closeSync(fd);
  }
  let pos = 0;
  const u32 = () => { const v = buf.readUInt32LE(pos); pos += 4; return v; };
  const u64 = () => { const v = buf.readBigUInt64LE(pos); pos += 8; return Number(v); };
  const str = () => { const n = u64(); const s = buf.toString('utf8', pos, pos + n); pos += n; return s; };
  const readers = {
    [GGUFValueType.UINT8]: () => buf.readUInt8(pos++),
    [GGUFValueType.INT8]: () => buf.readInt8(pos++),
    [GGUFValueType.UINT16]: () => { const v = buf.readUInt16LE(pos); pos += 2; return v; },
    [GGUFValueType.INT16]: () => { const v = buf.readInt16LE(pos); pos += 2; return v; },
    [GGUFValueType.UINT32]: u32,
    [GGUFValueType.INT32]: () => { const v = buf.readInt32LE(pos); pos += 4; return v; },
    [GGUFValueType.FLOAT32]: () => { const v = buf.readFloatLE(pos); pos += 4; return v; },
    [GGUFValueType.BOOL]: () => buf.readUInt8(pos++) !== 0,
    [GGUFValueType.STRING]: str,
    [GGUFValueType.UINT64]: () => { const v = buf.readBigUInt64LE(pos); pos += 8; return v; },
    [GGUFValueType.INT64]: () => { const v = buf.readBigInt64LE(pos); pos += 8; return v; },
    [GGUFValueType.FLOAT64]: () => { const v = buf.readDoubleLE(pos); pos += 8; return v; },
  };
  const readValue = (type) => {
    if (type === GGUFValueType.ARRAY) {
      const itemType = u32();
      const n = u64();
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(itemType);
      return out;
    }
    const r = readers[type];
    if (!r) throw new Error(`bad GGUF value type ${type} at ${pos}`);
    return r();
  };
  if (u32() !== GGUF_MAGIC) throw new Error('not a GGUF file');
  const version = u32();
  const nTensors = u64();
  const nKv = u64();
  const metadata = {};
  for (let i = 0; i < nKv; i++) {
    const key = str();
    metadata[key] = readValue(u32());
  }
  const tensors = [];
  for (let i = 0; i < nTensors; i++) {
    const name = str();
    const nd = u32();
    const dims = [];
    for (let d = 0; d < nd; d++) dims.push(u64());
    const typeId = u32();
    const offset = u64();
    tensors.push({ name, dims, type: ggmlTypeName(typeId), offset });
  }
  const alignment = metadata['general.alignment'] ?? GGUF_DEFAULT_ALIGNMENT;
  return { version, metadata, tensors, headerBytes: pos, dataOffset: pad(pos, alignment) };
}
