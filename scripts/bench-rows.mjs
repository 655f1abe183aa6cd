// Published llama-bench rows (tests/fixtures/published/llama-bench.json) as estimate requests: the row's model as a
// committed config.json, its file type, its hardware as the catalogue GPU it is (or null: not in the catalogue,
// said), and the test's token count. scripts/fidelity.mjs holds each prediction against the row (issue #20).

// The models the rows ran, as the configs the fixtures hold (same dimensions: Llama 3 8B is Llama 3.1 8B's layout,
// Llama 3 70B Llama 3.3 70B's).
const MODELS = [
  [/^llama 7B$/, 'meta-llama__Llama-2-7b-hf'],
  [/^llama 8B /, 'meta-llama__Meta-Llama-3.1-8B'],
  [/^llama 70B /, 'meta-llama__Llama-3.3-70B-Instruct'],
  [/^llama 1B /, 'meta-llama__Llama-3.2-1B'],
  [/^gpt-oss 20B /, 'openai__gpt-oss-20b'],
  [/^gpt-oss 120B /, 'openai__gpt-oss-120b'],
  [/^qwen2 7B /, 'Qwen__Qwen2.5-7B'],
  [/^qwen3moe 30B\.A3B /, 'Qwen__Qwen3-30B-A3B'],  // (Qwen3-Coder-30B-A3B: the same layout)
  [/^gemma3 4B /, 'google__gemma-3-4b-it'],  // (the QAT Q4_0 GGUF of the same model)
];

// llama.cpp's file type names as the request takes them.
const FILE_TYPES = { 'MXFP4 MoE': 'MXFP4_MOE' };

// The row's hardware as a catalogue GPU name and count; null where the catalogue holds no such device (a CPU, a
// GPU it lacks, a board variant of other bandwidth such as the A100 80GB PCIe).
export function catalogueGpu(row, names) {
  let label = row.hardware.trim();
  let count = row.gpu_count ?? 1;
  const many = /^(\d+)x\s+(.*)$/.exec(label);
  if (many) [count, label] = [Number(many[1]), many[2]];
  if (row.hardware_kind === 'cpu' || row.backend === 'CPU') return null;
  const apple = /^Apple (M\d)( Pro| Max| Ultra)?\b/.exec(label);
  if (apple) return appleGpu(apple[1] + (apple[2] ?? ''), row, names, count);
  const bare = label.replace(/\s*\(.*\)\s*$/, '').replace(/ Generation$/, '').replace(/^NVIDIA DGX Spark.*/, 'NVIDIA DGX Spark')
    .replace(/-SXM4-80GB$/, ' 80GB').replace(/^NVIDIA GeForce RTX 3080$/, 'NVIDIA GeForce RTX 3080 10GB').replace(/^Intel Arc A770$/, 'Intel Arc A770 16GB')
    .replace(/^AMD Ryzen AI Max\+ 395 \/ Radeon 8060S$/, 'AMD Ryzen AI Max+ 395 128GB').replace(/ 20GB$/, '').replace(/ 12GB$/, '')
    // CUDA's device names: "NVIDIA H100 80GB HBM3" is the SXM board (the PCIe one is "NVIDIA H100 PCIe"); an
    // RTX 5060 Ti of either memory size has the same 448 GB/s.
    .replace(/^NVIDIA H100 80GB( HBM3)?$/, 'NVIDIA H100 SXM').replace(/^NVIDIA GeForce RTX 5060 Ti$/, 'NVIDIA GeForce RTX 5060 Ti 16GB');
  const hit = names.find((n) => n.toLowerCase() === bare.toLowerCase());
  return hit ? { gpu: hit, gpus: count } : null;
}

// Apple: the chip's catalogue entries share a bandwidth, except the binned M3 Max (30-core GPU: 300 GB/s) and M4
// Max (32-core GPU: 410 GB/s), which the catalogue keeps at their own memory sizes.
function appleGpu(chip, row, names, count) {
  const entries = names.filter((n) => new RegExp(`^Apple ${chip} \\d+GB$`).test(n));
  if (!entries.length) return null;
  const cores = row.gpu_cores ?? Number(/(\d+)-core GPU/.exec(row.hardware)?.[1] ?? 0);
  const binned = { 'M3 Max': [30, 'Apple M3 Max 36GB', 'Apple M3 Max 48GB'], 'M4 Max': [32, 'Apple M4 Max 36GB', 'Apple M4 Max 48GB'] }[chip];
  if (binned) return cores ? { gpu: cores <= binned[0] ? binned[1] : binned[2], gpus: count } : null;
  // The memory the row names, where the catalogue sells that size (the bandwidth is the chip's either way).
  const memory = /(\d+)\s?GB/.exec(row.hardware)?.[1];
  return { gpu: entries.find((n) => memory && n.endsWith(` ${memory}GB`)) ?? entries[0], gpus: count };
}

// The request for a row, or { skip: why }.
export function benchRequest(row, names, readConfig) {
  const model = MODELS.find(([re]) => re.test(row.model));
  if (!model) return { skip: `model ${row.model} has no committed config` };
  const hw = catalogueGpu(row, names);
  if (!hw) return { skip: `${row.hardware} is not in the catalogue` };
  const test = /^(pp|tg)(\d+)$/.exec(row.test);
  if (!test) return { skip: `test ${row.test}` };
  const tokens = Number(test[2]);
  return {
    kind: test[1] === 'tg' ? 'decode' : 'prefill',
    request: {
      config: readConfig(model[1]), runtime: 'llama.cpp', quantization: FILE_TYPES[row.file_type] ?? row.file_type, gpu: hw.gpu, gpus: hw.gpus,
      context_tokens: tokens, flash_attention: row.flash_attn === 1 ? 'on' : 'off', ubatch: Math.min(tokens, 512), backend: row.backend.toLowerCase(),
    },
  };
}

// The family a row is summarised in: vendor and backend (Apple's Ultra chips apart: two dies).
export function benchFamily(row) {
  if (row.hardware_kind === 'apple') return /Ultra/.test(row.hardware) ? 'Apple Ultra (Metal)' : 'Apple (Metal)';
  return `${{ nvidia: 'NVIDIA', amd: 'AMD', intel: 'Intel', cpu: 'CPU' }[row.hardware_kind] ?? row.hardware_kind} (${row.backend})`;
}
