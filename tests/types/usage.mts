// A user's TypeScript against the package's declarations, imported by the package's own name as an installed
// copy would be: tsc --noEmit -p tests/types (tests/node/types.test.mjs). The @ts-expect-error lines prove the
// types are not `any`: each must be an error, or tsc fails on the unused directive.
import { catalogue, estimate, EstimateError, estimateReport, fetchHubModel, HubError, readFileHeader, reconcile, table } from 'neuro-shrink';
import type { EstimateRequest, Issue, Report } from 'neuro-shrink';
import 'neuro-shrink/widget';

const request: EstimateRequest = {
  config: '{"model_type": "llama"}',
  quantization: 'Q4_K_M',
  runtime: 'llama.cpp',
  context_tokens: 32768,
  gpu: ['RTX 4090', 'RTX 3090'],
  training: { method: 'lora', zero: 'fsdp' },
};
// @ts-expect-error context_tokens is a number
const wrongType: EstimateRequest = { context_tokens: '8192' };
// @ts-expect-error the training method is a closed set
const wrongMethod: EstimateRequest = { training: { method: 'dora' } };
// an open set takes other spellings (the core resolves or refuses them)
const openSet: EstimateRequest = { quantization: 'gptq-4bit-32g', kv_cache_dtype: 'bfloat16' };

async function main(): Promise<void> {
  const report: Report = await estimate(request);
  const total: number = report.memory!.total_bytes;
  const levels: Array<'error' | 'warning' | 'info'> = report.issues.map((i: Issue) => i.level);
  // @ts-expect-error total_bytes is a number, not a string
  const asText: string = report.memory!.total_bytes;
  const verdict = report.verdict?.fit;
  const fits = (report.fits ?? []).filter((g) => g.fits).map((g) => g.name);
  const again = await estimateReport({ config: request.config, model_id: 'meta-llama/Llama-3.1-8B' });
  const grid = await table({ config: request.config, contexts: [4096, 8192] });
  const cat = await catalogue();
  const optionNames: string[] = cat.options.map((o) => o.name);
  const rec = await reconcile({ log: 'llama_context: n_ctx = 4096', config: request.config });
  const buffers = rec.buffers?.map((b) => b.predicted_bytes);
  const head = await readFileHeader(async (end) => ({ bytes: new Uint8Array(end), size: 1 << 20 }));
  const status: 'ok' | 'need_more' | 'invalid' = head.header.status;
  try {
    await fetchHubModel('Qwen/Qwen3-0.6B', { endpoint: 'https://huggingface.co', timeoutS: 5 });
  } catch (err) {
    if (err instanceof HubError) console.log(err.type, err.status);
    if (err instanceof EstimateError) console.log(err.issues.length);
  }
  const element = document.createElement('neuro-shrink');
  element.addEventListener('estimate', (event) => console.log(event.detail.report.memory?.total_bytes));
  element.addEventListener('error', (event) => console.log(event.detail.type));
  console.log(total, levels, verdict, fits, again, grid, optionNames, buffers, status, wrongType, wrongMethod, openSet, asText);
}
void main();
