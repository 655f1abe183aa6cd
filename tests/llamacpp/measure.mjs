#!/usr/bin/env node
// Loads GGUFs with real model layouts and zeroed (sparse) weights into the llama.cpp CPU build that ships in
// node-llama-cpp, creates contexts over a grid of settings, and records what llama.cpp allocates, parsed from its
// log: model buffers, KV cache buffers (and cells/layers/types), compute buffer, output buffer.
//
//   node tests/llamacpp/measure.mjs [--layouts a,b] [--weights F16,Q4_K_M] [--quick] [--out FILE] [--tmp DIR]
//
// Writes tests/fixtures/llamacpp/measurements.json (see README.md beside this file for every field).
// Needs node-llama-cpp: npm install --prefix tests/llamacpp --omit=optional

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeGguf } from './gguf-writer.mjs';
import { LAYOUTS, buildLayout, readConfig, repoRoot } from './layouts.mjs';

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// options

function parseArgs(argv) {
  const opts = {
    layouts: Object.keys(LAYOUTS),
    weights: ['F16', 'Q4_K_M'],
    quick: false,
    out: path.join(repoRoot, 'tests/fixtures/llamacpp/measurements.json'),
    tmp: null,
    threads: 2,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--layouts') opts.layouts = next().split(',');
    else if (a === '--weights') opts.weights = next().split(',');
    else if (a === '--quick') opts.quick = true;
    else if (a === '--out') opts.out = path.resolve(next());
    else if (a === '--tmp') opts.tmp = path.resolve(next());
    else if (a === '--threads') opts.threads = Number(next());
    else if (a === '--help' || a === '-h') {
      console.log(fs.readFileSync(new URL(import.meta.url)).toString().split('\n').slice(1, 8).join('\n'));
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  for (const l of opts.layouts) if (!LAYOUTS[l]) throw new Error(`unknown layout ${l} (have ${Object.keys(LAYOUTS)})`);
  return opts;
}

// ggml_type ids for the KV cache types passed to the addon
const KV_TYPE_ID = { f16: 1, q8_0: 8 };

/**
 * The context grid for one model. F16 weights get the full grid; other weight schemes one context (weights only
 * change the model buffer; that one context shows the compute buffer does not depend on them on CPU).
 */
function contextGrid(weights, quick) {
  const grid = [];
  const add = (nCtx, ubatch, fa, typeK, typeV, sequences = 1, tag = 'grid', api = false) =>
    grid.push({ nCtx, ubatch, flashAttention: fa, typeK, typeV, sequences, tag, api });
  if (weights !== 'F16') {
    add(4096, 512, true, 'f16', 'f16', 1, 'weights');
    return grid;
  }
  const ctxs = quick ? [4096] : [4096, 8192];
  const ubatches = quick ? [512] : [512, 256];
  for (const nCtx of ctxs) {
    for (const ubatch of ubatches) {
      add(nCtx, ubatch, false, 'f16', 'f16');
      add(nCtx, ubatch, true, 'f16', 'f16');
      add(nCtx, ubatch, true, 'q8_0', 'q8_0');
      add(nCtx, ubatch, false, 'q8_0', 'f16'); // a quantized V cache needs flash attention; K alone does not
    }
  }
  if (!quick) {
    // n_ctx that is not a multiple of 256, with and without FA: how it is padded
    add(5000, 512, false, 'f16', 'f16', 1, 'padding');
    add(5000, 512, true, 'f16', 'f16', 1, 'padding');
    // two sequences (non-unified KV: one stream of n_ctx/2 cells per sequence)
    add(8192, 512, true, 'f16', 'f16', 2, 'sequences');
    // a small ubatch: how the compute buffer and the SWA cache follow n_ubatch
    add(4096, 128, true, 'f16', 'f16', 1, 'ubatch');
    add(8192, 2048, true, 'f16', 'f16', 1, 'ubatch');
    // refused by llama.cpp: a quantized V cache without flash attention (recorded with its error)
    add(4096, 512, false, 'q8_0', 'q8_0', 1, 'expected-failure');
    // the same settings through node-llama-cpp's public LlamaModel.createContext(), which adjusts them
    add(8192, 512, true, 'f16', 'f16', 1, 'public-api', true);
  }
  return grid;
}

// ---------------------------------------------------------------------------------------------------------------
// versions

/** Reads an exported data symbol of an ELF64 little-endian shared library (int32 or char * value). */
function readElfSymbols(file, names) {
  const buf = fs.readFileSync(file);
  if (buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) throw new Error(`${file}: not ELF64 LE`);
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const sections = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * shentsize;
    sections.push({
      type: buf.readUInt32LE(o + 4),
      addr: Number(buf.readBigUInt64LE(o + 0x10)),
      offset: Number(buf.readBigUInt64LE(o + 0x18)),
      size: Number(buf.readBigUInt64LE(o + 0x20)),
      link: buf.readUInt32LE(o + 0x28),
      entsize: Number(buf.readBigUInt64LE(o + 0x38)),
    });
  }
  const fileOffset = (vaddr) => {
    const s = sections.find((x) => x.addr && vaddr >= x.addr && vaddr < x.addr + x.size && x.type !== 8 /* NOBITS */);
    return s ? s.offset + (vaddr - s.addr) : null;
  };
  const cstr = (off) => buf.toString('latin1', off, buf.indexOf(0, off));
  // R_X86_64_RELATIVE addends, for pointers the linker left for the loader to fill
  const relative = new Map();
  for (const s of sections.filter((x) => x.type === 4 /* RELA */)) {
    for (let o = s.offset; o + 24 <= s.offset + s.size; o += 24) {
      if (Number(buf.readBigUInt64LE(o + 8) & 0xffffffffn) === 8) {
        relative.set(Number(buf.readBigUInt64LE(o)), Number(buf.readBigInt64LE(o + 16)));
      }
    }
  }
  const out = {};
  const dynsym = sections.find((x) => x.type === 11 /* DYNSYM */);
  const strtab = sections[dynsym.link];
  for (let o = dynsym.offset; o < dynsym.offset + dynsym.size; o += dynsym.entsize || 24) {
    const name = cstr(strtab.offset + buf.readUInt32LE(o));
    if (!(name in names)) continue;
    const value = Number(buf.readBigUInt64LE(o + 8));
    const off = fileOffset(value);
    if (off == null) continue;
    if (names[name] === 'int32') out[name] = buf.readInt32LE(off);
    else {
      let ptr = Number(buf.readBigUInt64LE(off));
      if (!ptr && relative.has(value)) ptr = relative.get(value);
      const soff = ptr ? fileOffset(ptr) : null;
      out[name] = soff == null ? null : cstr(soff);
    }
  }
  return out;
}

/** The folder of an installed package (its exports may hide package.json from require.resolve). */
function packageDir(name) {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`package ${name} is not installed: npm install --prefix tests/llamacpp --omit=optional`);
  }
}

function versions(llama) {
  const nlcPkg = JSON.parse(fs.readFileSync(path.join(packageDir('node-llama-cpp'), 'package.json'), 'utf8'));
  const binDir = path.join(packageDir('@node-llama-cpp/linux-x64'), 'bins', 'linux-x64');
  let build = {};
  try {
    build = readElfSymbols(path.join(binDir, 'libllama-common.so'), {
      LLAMA_BUILD_NUMBER: 'int32', LLAMA_COMMIT: 'str', LLAMA_COMPILER: 'str', LLAMA_BUILD_TARGET: 'str',
    });
  } catch (e) {
    build = { error: String(e.message ?? e) };
  }
  return {
    node_llama_cpp: nlcPkg.version,
    llama_cpp_release: llama.llamaCppRelease, // the llama.cpp tag node-llama-cpp's prebuilt binaries were built from
    // the build-info symbols compiled into libllama-common.so (the log does not print them)
    llama_cpp_build_number: build.LLAMA_BUILD_NUMBER ?? null,
    llama_cpp_commit: build.LLAMA_COMMIT ?? null,
    llama_cpp_compiler: build.LLAMA_COMPILER ?? null,
    llama_cpp_build_target: build.LLAMA_BUILD_TARGET ?? null,
    binaries: path.relative(repoRoot, binDir),
    system_info: llama.systemInfo.trim(),
    node: process.version,
    cpu: os.cpus()[0]?.model ?? null,
    cpus: os.cpus().length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// log parsing

const num = (s) => Number(s);
const mibToBytes = (mib) => Math.round(mib * MiB);

/** Log lines worth keeping for one context: everything llama_context / KV cache / scheduler printed, less per-layer noise. */
const KEEP = /^(llama_context|llama_kv_cache|llama_kv_cache_iswa|sched_reserve|graph_reserve|~llama_context|llama_init_from_model|init)\b/;
const DROP = /: layer\s+\d+: (dev = |filtered)|state_write_data|resolve_fused_ops|set_abort_callback/;

export function parseContextLog(lines) {
  const out = {
    params: {},
    output_buffers: [],
    kv_buffers: [],
    kv_caches: [],
    iswa: [],
    compute_buffers: [],
    compute_buffers_exact: [],
    graph: null,
    errors: [],
  };
  for (const line of lines) {
    let m;
    if ((m = line.match(/^llama_context: (n_seq_max|n_ctx|n_ctx_seq|n_batch|n_ubatch|causal_attn|flash_attn|kv_unified|n_outputs_max|n_outputs_max_per_seq)\s+= (\S+)/))) {
      out.params[m[1]] = /^\d+$/.test(m[2]) ? num(m[2]) : m[2];
    } else if ((m = line.match(/^llama_context:\s+(\S+)\s+output buffer size =\s+([\d.]+) MiB/))) {
      out.output_buffers.push({ buffer: m[1], mib: num(m[2]), bytes: mibToBytes(num(m[2])) });
    } else if ((m = line.match(/^llama_kv_cache:\s+(\S+) KV buffer size =\s+([\d.]+) MiB/))) {
      out.kv_buffers.push({ buffer: m[1], mib: num(m[2]), bytes: mibToBytes(num(m[2])) });
    } else if ((m = line.match(/^llama_kv_cache: size =\s+([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+)\/(\d+) seqs\), K \((\w+)\):\s+([\d.]+) MiB, V \((\w+)\):\s+([\d.]+) MiB/))) {
      out.kv_caches.push({
        mib: num(m[1]), cells: num(m[2]), layers: num(m[3]), seqs: num(m[4]), streams: num(m[5]),
        type_k: m[6], k_mib: num(m[7]), type_v: m[8], v_mib: num(m[9]),
      });
    } else if ((m = line.match(/^llama_kv_cache_iswa: creating\s+(non-SWA|SWA) KV cache, size = (\d+) cells/))) {
      out.iswa.push({ cache: m[1], cells: num(m[2]) });
    } else if ((m = line.match(/^sched_reserve:\s+(\S+) compute buffer size =\s+([\d.]+) MiB/))) {
      out.compute_buffers.push({ buffer: m[1], mib: num(m[2]), bytes: mibToBytes(num(m[2])) });
    } else if ((m = line.match(/^~llama_context:\s+(\S+) compute buffer size is\s+([\d.]+) MiB/))) {
      out.compute_buffers_exact.push({ buffer: m[1], mib: num(m[2]) });
    } else if ((m = line.match(/^sched_reserve: graph.*: nodes = ([\d /]+), splits = ([\d /]+)/))) {
      out.graph = { nodes: m[1].trim(), splits: m[2].trim() };
    } else if (/error|failed|requires/i.test(line) && !/^llama_context: n_ctx_seq/.test(line)) {
      out.errors.push(line);
    }
  }
  // the KV buffer lines come one per cache; label them (llama_kv_cache_iswa creates the non-SWA cache first)
  out.kv_caches.forEach((c, i) => {
    c.kind = out.iswa.length ? (out.iswa[i]?.cache === 'SWA' ? 'swa' : 'full') : 'full';
    const b = out.kv_buffers[i];
    if (b) Object.assign(c, { buffer: b.buffer, buffer_mib: b.mib, buffer_bytes: b.bytes });
  });
  return out;
}

export function parseModelLog(lines) {
  const buffers = [];
  for (const line of lines) {
    const m = line.match(/^load_tensors:\s+(\S+) model buffer size =\s+([\d.]+) MiB/);
    if (m) buffers.push({ buffer: m[1], mib: num(m[2]), bytes: mibToBytes(num(m[2])) });
  }
  return { buffers };
}

// ---------------------------------------------------------------------------------------------------------------
// expected sizes (what the rules in README.md predict; each record carries both and the difference)

const TYPE_SIZE = { f16: { bytes: 2, block: 1 }, q8_0: { bytes: 34, block: 32 }, f32: { bytes: 4, block: 1 } };
const rowBytes = (type, n) => (n / TYPE_SIZE[type].block) * TYPE_SIZE[type].bytes;
const pad = (n, a) => Math.ceil(n / a) * a;

function expectedKv(hp, run) {
  const nCtx = pad(run.nCtx, 256);
  const nCtxSeq = pad(Math.floor(nCtx / run.sequences), 256); // non-unified: one stream per sequence
  // LlamaModel.createContext() passes batchSize + 1 for sliding-window models (LlamaContext.js)
  const batch = run.api && hp.slidingWindow ? run.ubatch + 1 : run.ubatch;
  const ubatch = Math.min(batch, nCtxSeq * run.sequences);
  const kvDim = hp.headDim * hp.nHeadKv;
  const perCellLayer = rowBytes(run.typeK, kvDim) + rowBytes(run.typeV, kvDim);
  const caches = [];
  if (hp.slidingWindow) {
    const nFull = Math.floor(hp.nLayer / 2);
    const nSwa = hp.nLayer - nFull;
    const swaCells = pad(Math.min(nCtxSeq, hp.slidingWindow + ubatch), 256);
    caches.push({ kind: 'full', cells: nCtxSeq, layers: nFull, bytes: nCtxSeq * run.sequences * nFull * perCellLayer });
    caches.push({ kind: 'swa', cells: swaCells, layers: nSwa, bytes: swaCells * run.sequences * nSwa * perCellLayer });
  } else {
    caches.push({ kind: 'full', cells: nCtxSeq, layers: hp.nLayer, bytes: nCtxSeq * run.sequences * hp.nLayer * perCellLayer });
  }
  return { n_ctx: nCtxSeq * run.sequences, n_ctx_seq: nCtxSeq, caches };
}

// ---------------------------------------------------------------------------------------------------------------
// running

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let nlc;
  try {
    nlc = await import('node-llama-cpp'); // tests/llamacpp/node_modules (see package.json beside this file)
  } catch (e) {
    throw new Error(`node-llama-cpp is not installed: npm install --prefix tests/llamacpp --omit=optional (${e.message})`);
  }
  const { getLlama, LlamaLogLevel } = nlc;

  const log = []; // every line llama.cpp printed, in order
  const llama = await getLlama({
    gpu: false,
    build: 'never',
    logLevel: LlamaLogLevel.debug,
    logger: (level, message) => {
      for (const l of String(message).split('\n')) log.push({ level, line: l.replace(/\s+$/, '') });
    },
  });
  const ver = versions(llama);
  const t0 = Date.now();
  const records = [];
  const models = [];

  const tmpDir = fs.mkdtempSync(path.join(opts.tmp ?? os.tmpdir(), 'neuro-shrink-llamacpp-'));
  try {
    for (const layoutId of opts.layouts) {
      const cfgPath = LAYOUTS[layoutId];
      const cfg = readConfig(cfgPath);
      for (const weights of opts.weights) {
        const layout = buildLayout(cfg, { weights, name: layoutId });
        const file = path.join(tmpDir, `${layoutId}.${weights}.gguf`);
        const tWrite = Date.now();
        const written = writeGguf(file, layout);
        const writeMs = Date.now() - tWrite;

        const modelMark = log.length;
        const tLoad = Date.now();
        const model = await llama.loadModel({ modelPath: file, gpuLayers: 0, useMmap: true, ignoreMemorySafetyChecks: true });
        const loadMs = Date.now() - tLoad;
        await sleep(20);
        const modelLines = log.slice(modelMark).map((e) => e.line);
        const modelParsed = parseModelLog(modelLines);
        const modelInfo = {
          layout: layoutId,
          config: cfgPath,
          weights,
          arch: layout.arch,
          hparams: layout.hparams,
          n_tensors: layout.tensors.length,
          weight_bytes: layout.weightBytes, // sum of ggml_nbytes over the tensors
          gguf_data_bytes: written.dataBytes, // the same, with each tensor's offset aligned to 32 bytes
          gguf_file_bytes: written.fileBytes,
          model_buffers: modelParsed.buffers,
          write_ms: writeMs,
          load_ms: loadMs,
          log: modelLines.filter((l) => /^(print_info|load_tensors: +\S+ model buffer|load_tensors: (offload|loading))|^llama_model_loader: (loaded|- type)/.test(l)),
        };
        models.push(modelInfo);
        console.error(`[${layoutId} ${weights}] loaded in ${loadMs} ms: ${modelParsed.buffers.map((b) => `${b.buffer} ${b.mib} MiB`).join(', ')}`);

        for (const run of contextGrid(weights, opts.quick)) {
          const mark = log.length;
          const tCtx = Date.now();
          let ok = false;
          let error = null;
          let ctx = null;
          try {
            if (run.api) {
              const c = await model.createContext({
                contextSize: run.nCtx,
                batchSize: run.ubatch,
                sequences: run.sequences,
                flashAttention: run.flashAttention,
                threads: opts.threads,
                experimentalKvCacheKeyType: run.typeK.toUpperCase(),
                experimentalKvCacheValueType: run.typeV.toUpperCase(),
                ignoreMemorySafetyChecks: true,
                failedCreationRemedy: false,
              });
              await c.dispose();
              ok = true;
            } else {
              // The addon binding directly, so llama.cpp gets exactly these values: LlamaModel.createContext() pads
              // contextSize itself and adds 1 to batchSize for sliding-window models (see README.md).
              ctx = new llama._bindings.AddonContext(model._model, {
                contextSize: run.nCtx,
                batchSize: run.ubatch, // the addon sets n_batch = n_ubatch = batchSize
                sequences: run.sequences,
                flashAttention: run.flashAttention,
                threads: opts.threads,
                kvCacheKeyType: KV_TYPE_ID[run.typeK],
                kvCacheValueType: KV_TYPE_ID[run.typeV],
                swaFullCache: false,
              });
              ok = await ctx.init();
            }
          } catch (e) {
            error = String(e?.message ?? e);
          }
          if (ctx) {
            try {
              await ctx.dispose(); // prints the exact compute buffer size (~llama_context, 4 decimals)
            } catch (e) {
              error ??= String(e?.message ?? e);
            }
          }
          await sleep(20);
          const ms = Date.now() - tCtx;
          const lines = log.slice(mark).map((e) => e.line);
          const parsed = parseContextLog(lines);
          const exp = expectedKv(layout.hparams, run);
          const kvBytes = parsed.kv_buffers.reduce((s, b) => s + b.bytes, 0);
          const out = parsed.output_buffers[0] ?? null;
          const comp = parsed.compute_buffers[0] ?? null;
          const compExact = parsed.compute_buffers_exact[0] ?? null;
          const modelBytes = modelParsed.buffers.reduce((s, b) => s + b.bytes, 0);
          const rec = {
            layout: layoutId,
            arch: layout.arch,
            weights,
            tag: run.tag,
            inputs: {
              n_ctx: run.nCtx,
              n_ubatch: run.ubatch,
              n_batch: run.ubatch,
              flash_attention: run.flashAttention,
              type_k: run.typeK,
              type_v: run.typeV,
              n_seq: run.sequences,
              via: run.api ? 'LlamaModel.createContext' : 'AddonContext',
              swa_full: false,
              kv_unified: false,
            },
            ok: Boolean(ok) && !error,
            error: error ?? (ok ? null : 'context init returned false'),
            llama_params: parsed.params,
            sizes_mib: {
              model: modelParsed.buffers.reduce((s, b) => s + b.mib, 0),
              kv: parsed.kv_buffers.reduce((s, b) => s + b.mib, 0),
              compute: comp?.mib ?? null,
              output: out?.mib ?? null,
            },
            sizes_bytes: {
              model: modelBytes,
              kv: kvBytes,
              compute: compExact ? mibToBytes(compExact.mib) : comp?.bytes ?? null,
              output: out?.bytes ?? null,
            },
            buffers: {
              model: modelParsed.buffers,
              kv: parsed.kv_buffers,
              compute: parsed.compute_buffers,
              compute_exact: parsed.compute_buffers_exact,
              output: parsed.output_buffers,
            },
            kv_caches: parsed.kv_caches,
            graph: parsed.graph,
            expected: {
              model_bytes: written.dataBytes,
              n_ctx: exp.n_ctx,
              n_ctx_seq: exp.n_ctx_seq,
              kv_caches: exp.caches,
              kv_bytes: exp.caches.reduce((s, c) => s + c.bytes, 0),
              output_bytes: layout.hparams.nVocab * Math.max(1, run.sequences) * 4,
            },
            ms,
            log: lines.filter((l) => KEEP.test(l) && !DROP.test(l)),
          };
          const mappedBytes = modelParsed.buffers.filter((b) => /Mapped/.test(b.buffer)).reduce((s, b) => s + b.bytes, 0);
          rec.checks = !rec.ok ? null : {
            n_ctx: parsed.params.n_ctx === exp.n_ctx,
            kv_bytes: Math.abs(kvBytes - rec.expected.kv_bytes) <= 0.006 * MiB * Math.max(1, parsed.kv_buffers.length),
            kv_cells: exp.caches.every((c, i) => parsed.kv_caches[i]?.cells === c.cells && parsed.kv_caches[i]?.layers === c.layers),
            output_bytes: out ? Math.abs(out.bytes - rec.expected.output_bytes) <= 0.006 * MiB : null,
            // the mmapped buffer spans the file's whole data section; CPU_REPACK copies come on top of it
            model_bytes: Math.abs(mappedBytes - written.dataBytes) <= 0.006 * MiB,
          };
          records.push(rec);
          const s = rec.sizes_mib;
          console.error(
            `  n_ctx ${run.nCtx} ub ${run.ubatch} fa ${run.flashAttention ? 1 : 0} kv ${run.typeK}/${run.typeV} seq ${run.sequences}: ` +
              (rec.ok ? `kv ${s.kv} compute ${s.compute} output ${s.output} MiB (${ms} ms)` : `FAILED ${rec.error}`),
          );
        }
        await model.dispose();
        await sleep(20);
        fs.rmSync(file, { force: true });
      }
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  const result = {
    description:
      'What the llama.cpp CPU build in node-llama-cpp allocates for real model layouts with zeroed weights. ' +
      'See tests/llamacpp/README.md for the fields and the rules they show.',
    generated_by: 'node tests/llamacpp/measure.mjs ' + process.argv.slice(2).join(' '),
    generated_at: new Date().toISOString(),
    total_ms: Date.now() - t0,
    versions: ver,
    models,
    records,
  };
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, JSON.stringify(result, null, 1) + '\n');
  const failedChecks = records.filter((r) => r.ok && Object.values(r.checks).some((v) => v === false));
  for (const r of failedChecks) console.error(`  differs: ${r.layout} ${r.weights} ${JSON.stringify(r.inputs)} ${JSON.stringify(r.checks)}`);
  console.error(
    `${records.length} contexts (${records.filter((r) => r.ok).length} ok) in ${((Date.now() - t0) / 1000).toFixed(1)} s -> ` +
      `${path.relative(process.cwd(), opts.out)}; ${failedChecks.length} with a size that differs from the README rules`,
  );
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('measure.mjs')) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
