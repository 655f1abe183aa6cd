// The full wasm module in a worker thread, for harness.mjs's WasmRunner: one call per message, timed here.
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';

try {
  // The Emscripten factory itself (dist/estimator.js wraps it; its place in dist/ has moved before).
  const { default: createModule } = await import(new URL('../../dist/neuro-shrink-core.js', import.meta.url).href);
  const module = await createModule({ wasmBinary: fs.readFileSync(new URL('../../dist/neuro-shrink-core.wasm', import.meta.url)) });
  // Wall time, and CPU time (the process's: the campaign's main thread is idle while it waits for this call).
  parentPort.on('message', ({ fn, arg, size }) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const times = () => { const c = process.cpuUsage(c0); return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 }; };
    try {
      const out = fn === 'fileHeader' ? module.fileHeader(arg, size) : module[fn](arg);
      parentPort.postMessage({ ok: true, out, ...times() });
    } catch (err) {
      parentPort.postMessage({ ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? err}`, ...times() });
    }
  });
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ ready: false, error: String(err?.message ?? err) });
}
