// neuro-shrink's JS API (package.json "exports": api/node.mjs in Node, dist/shared/api.js in browsers). What each
// function takes and returns is generated from the core (api/types.d.ts: node scripts/types.mjs); this file
// declares the functions. Checked by tsc --noEmit on tests/types/usage.mts (tests/node/types.test.mjs).
import type { CatalogueReply, EstimateRequest, Issue, ReconcileReply, Report, TableReply } from './types.js';

export type * from './types.js';

/**
 * Emscripten's module options, in browsers only (Node reads the wasm from the package itself): e.g. `wasmBinary`
 * (the module's bytes) or `locateFile`. Without them the wasm loads relative to the module.
 */
export interface ModuleOptions {
  wasmBinary?: ArrayBuffer | Uint8Array;
  locateFile?: (path: string, prefix: string) => string;
  [key: string]: unknown;
}

/** Thrown by estimate() when the report carries an issue of level "error"; `issues` are the report's. */
export class EstimateError extends Error {
  readonly name: 'EstimateError';
  readonly issues: Issue[];
  constructor(issues: Issue[]);
}

/** Thrown by fetchHubModel() when the Hub cannot answer: `type` says why. */
export class HubError extends Error {
  readonly name: 'HubError';
  readonly type: 'invalid_id' | 'gated' | 'not_found' | 'offline' | 'cors' | 'timeout' | 'http' | 'too_large' | 'network';
  /** The HTTP status, 0 when none came. */
  readonly status: number;
  readonly url: string;
  /** The repository asked for. */
  readonly modelId: string;
  /** not_found: the file the repository lacks ("" when the repository itself is missing). */
  readonly entry: string;
}

/** The estimate of a request; rejects with EstimateError when the report has an error issue. */
export function estimate(request: EstimateRequest, options?: ModuleOptions): Promise<Report>;
/** The same, never rejecting for the request's sake: the report with its issues (an error leaves the estimate out). */
export function estimateReport(request: EstimateRequest, options?: ModuleOptions): Promise<Report>;
/** The what-fits grid: total bytes and how many catalogue GPUs fit, for every weight format x context. */
export function table(request: EstimateRequest, options?: ModuleOptions): Promise<TableReply>;
/** The core's tables: weight formats, KV types, GPUs, runtimes, limits and the request options' schema. */
export function catalogue(options?: ModuleOptions): Promise<CatalogueReply>;

/** What reconcile() takes: a runtime's start-up log, the model's config.json where the log lacks it, and any option the log does not print. */
export interface ReconcileRequest extends EstimateRequest {
  /** The log's text, as llama.cpp, Ollama, LM Studio, vLLM or SGLang printed it. */
  log: string;
}
/** A runtime's load log held against the estimate: every buffer per device, predicted and measured. */
export function reconcile(request: ReconcileRequest, options?: ModuleOptions): Promise<ReconcileReply>;

/** A slice of a weight file from its start: its first `end` bytes (fewer where the file ends), and its size when known. */
export type FileSlice = (end: number) => Promise<{ bytes: Uint8Array; size?: number }>;
/** What readFileHeader() resolves to. */
export interface FileHeaderResult {
  /** The core's reading of the header: status "ok", "need_more" (with needed_bytes) or "invalid" (with issues). */
  header: { status: 'ok' | 'need_more' | 'invalid'; format: 'gguf' | 'safetensors' | ''; issues?: Issue[]; needed_bytes?: number; [key: string]: unknown };
  /** Bytes read from the file. */
  read: number;
  /** The file's size in bytes, 0 when unknown. */
  size: number;
  bytes?: Uint8Array;
  empty?: true;
  notWeightFile?: true;
  truncated?: true;
  short?: true;
  tooLarge?: true;
  /** tooLarge: the most bytes a header may take (catalogue().limits). */
  cap?: number;
}
/** A GGUF or safetensors header, read through `slice` (File.slice, HTTP Range) in as few reads as its format allows. */
export function readFileHeader(slice: FileSlice, options?: ModuleOptions): Promise<FileHeaderResult>;

/** Where and how to reach the Hub. The token goes only over HTTPS to that Hub (or http on a loopback host). */
export interface HubOptions {
  token?: string;
  /** The Hub's origin, default https://huggingface.co (HF_ENDPOINT). */
  endpoint?: string;
  signal?: AbortSignal;
  /** Seconds to wait for an answer and for progress, default 10. */
  timeoutS?: number;
}
/** A model's config.json from the Hub and the facts it publishes, ready for estimate({ ...fetched }). */
export interface HubModel {
  model_id: string;
  /** The config.json text. */
  config: string;
  /** The Hub's counts for the cross-check (EstimateRequest.hub). */
  hub: { parameters_total?: number; safetensors_total_bytes?: number; gguf_files?: number };
  /** What the Hub could not say, in words. */
  notes: string[];
}
export function fetchHubModel(modelId: string, hub?: HubOptions, options?: ModuleOptions): Promise<HubModel>;
