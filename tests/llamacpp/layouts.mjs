// From a Hugging Face config.json, the GGUF that llama.cpp's converter would write for it: the `<arch>.*`
// metadata, a synthetic SPM vocabulary of the model's exact size, and the tensor list with llama.cpp's names and
// shapes (ggml order: ne0 = input features). Feed the result to writeGguf() from gguf-writer.mjs.
//
// Names, shapes and required keys follow the llama.cpp that node-llama-cpp 3.22.1 ships (its source is the git
// bundle node_modules/node-llama-cpp/llama/gitRelease.bundle): src/llama-arch.cpp (key and tensor names),
// src/llama-model.cpp llama_model_base::load_hparams (common keys), src/models/{llama,qwen2,qwen3,gemma2}.cpp
// (per-arch keys and load_arch_tensors), src/llama-vocab.cpp (tokenizer), src/llama-quant.cpp (Q4_K_M mix).

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { kv, tensorBytes } from './gguf-writer.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');

/** The layouts measured by measure.mjs: id -> config.json path (relative to the repo root). */
export const LAYOUTS = {
  'llama-3.1-8b': 'tests/fixtures/configs/meta-llama__Meta-Llama-3.1-8B.json',
  'qwen2.5-7b': 'tests/fixtures/configs/Qwen__Qwen2.5-7B.json',
  'qwen3-0.6b': 'tests/fixtures/configs/Qwen__Qwen3-0.6B.json',
  'gemma-2-2b': 'tests/fixtures/llamacpp/gemma-2-2b.config.json',
  'olmoe-1b-7b': 'tests/fixtures/configs/allenai__OLMoE-1B-7B-0924.json',
  'mistral-7b-v0.1': 'tests/fixtures/configs/mistralai__Mistral-7B-v0.1.json',
  'gemma-3-1b': 'tests/fixtures/configs/unsloth__gemma-3-1b-pt.json',
  'phi-4': 'tests/fixtures/configs/microsoft__phi-4.json',
  'deepseek-v2-lite': 'tests/fixtures/configs/deepseek-ai__DeepSeek-V2-Lite.json',
  'gpt-oss-20b': 'tests/fixtures/configs/openai__gpt-oss-20b.json',
  // gpt-oss-20b cut to its first 4 layers (2 sliding, 2 full): the whole model's F16 layout would map 38 GB
  'gpt-oss-20b-4-layers': 'tests/fixtures/llamacpp/gpt-oss-20b-4-layers.config.json',
  'command-r-35b': 'tests/fixtures/configs/unsloth__c4ai-command-r-08-2024.json',
  // Command-R 35B cut to its first 4 layers: the whole model's F16 layout would map 70 GB
  'command-r-35b-4-layers': 'tests/fixtures/llamacpp/command-r-35b-4-layers.config.json',
};

export function readConfig(rel) {
  return JSON.parse(fs.readFileSync(path.resolve(repoRoot, rel), 'utf8'));
}

// (convert_hf_to_gguf.py writes MistralForCausalLM as arch llama, which has no sliding window: LlamaModel)
const ARCH_BY_MODEL_TYPE = { llama: 'llama', mistral: 'llama', qwen2: 'qwen2', qwen3: 'qwen3', gemma2: 'gemma2', gemma3_text: 'gemma3', olmoe: 'olmoe', phi3: 'phi3', deepseek_v2: 'deepseek2', gpt_oss: 'gpt-oss', cohere: 'command-r' };

// LLAMA_FTYPE (include/llama.h): general.file_type
const FTYPE = { F16: 1, Q4_0: 2, Q4_K_M: 15 };

/** Hyperparameters as llama.cpp reads them, from the HF config. */
export function hparamsFromConfig(cfg) {
  const arch = ARCH_BY_MODEL_TYPE[cfg.model_type];
  if (!arch) throw new Error(`no llama.cpp layout for model_type ${cfg.model_type}`);
  const nEmbd = cfg.hidden_size;
  const nHead = cfg.num_attention_heads;
  const nHeadKv = cfg.num_key_value_heads ?? nHead;
  const headDim = cfg.head_dim ?? nEmbd / nHead;
  if (!Number.isInteger(headDim)) throw new Error(`head_dim ${headDim} is not an integer`);
  return {
    arch,
    nEmbd,
    nLayer: cfg.num_hidden_layers,
    nHead,
    nHeadKv,
    headDim,
    nFf: cfg.intermediate_size,
    nVocab: cfg.vocab_size,
    nCtxTrain: cfg.max_position_embeddings,
    rmsEps: cfg.rms_norm_eps ?? 1e-5,  // (OlmoeConfig and LlamaConfig default)
    ropeTheta: cfg.rope_theta ?? 10000,
    // (gpt-oss: attention_bias and every other layer sliding, src/models/openai-moe.cpp)
    // gemma2's llama.cpp loader always reuses token_embd for the output (TENSOR_DUPLICATED)
    tied: arch === 'gemma2' || arch === 'gemma3' || arch === 'command-r' ? true : Boolean(cfg.tie_word_embeddings),
    // Qwen2 always has q/k/v biases; Llama only with attention_bias
    qkvBias: arch === 'qwen2' || Boolean(cfg.attention_bias),
    qkNorm: arch === 'qwen3' || arch === 'gemma3',
    sandwichNorms: arch === 'gemma2' || arch === 'gemma3',
    llama3Rope: cfg.rope_scaling?.rope_type === 'llama3',
    slidingWindow: arch === 'gemma2' ? (cfg.sliding_window ?? 4096) : arch === 'gemma3' ? (cfg.sliding_window ?? 4096) : arch === 'gpt-oss' ? cfg.sliding_window : null,
    // gemma3 (src/models/gemma3.cpp): every 6th layer global unless the file lists the pattern; the local rope base
    ropeThetaSwa: arch === 'gemma3' ? (cfg.rope_local_base_freq ?? 10000) : null,
    attnSoftcap: cfg.attn_logit_softcapping ?? null,
    finalSoftcap: cfg.final_logit_softcapping ?? null,
    // MoE (src/models/olmoe.cpp): a router and 3-D expert tensors, full-width q/k norms
    nExpert: cfg.num_experts ?? cfg.n_routed_experts ?? cfg.num_local_experts ?? 0,
    nExpertUsed: cfg.num_experts_per_tok ?? 0,
    // DeepSeek-V2 (src/models/deepseek2.cpp): multi-head latent attention, as convert_hf_to_gguf.py writes it today
    // (attn_k_b / attn_v_b split from kv_b_proj, one latent "head" of kv_lora_rank + rope dims), leading dense layers,
    // shared experts beside the routed ones
    mla: arch === 'deepseek2' ? { qLora: cfg.q_lora_rank ?? 0, kvLora: cfg.kv_lora_rank, nope: cfg.qk_nope_head_dim, rope: cfg.qk_rope_head_dim, v: cfg.v_head_dim } : null,
    nDenseLead: cfg.first_k_dense_replace ?? 0,
    nExpertShared: cfg.n_shared_experts ?? 0,
    nFfExp: cfg.moe_intermediate_size ?? 0,
  };
}

/**
 * A synthetic SPM ("llama") vocabulary of exactly n tokens: <unk>, <s>, </s>, the 256 byte tokens <0x00>..<0xFF>
 * (token_type 6; llama.cpp's SPM tokenizer aborts without them), then filler words.
 */
export function spmVocab(n) {
  if (n < 259) throw new Error(`vocab ${n} is smaller than the 259 special and byte tokens`);
  const tokens = new Array(n);
  const scores = new Float32Array(n);
  const types = new Int32Array(n);
  tokens[0] = '<unk>'; types[0] = 2; // UNKNOWN
  tokens[1] = '<s>'; types[1] = 3; // CONTROL
  tokens[2] = '</s>'; types[2] = 3;
  for (let b = 0; b < 256; b++) {
    tokens[3 + b] = `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`;
    types[3 + b] = 6; // BYTE
  }
  for (let i = 259; i < n; i++) {
    tokens[i] = `\u2581t${i}`;
    types[i] = 1; // NORMAL
    scores[i] = -i;
  }
  return {
    metadata: [
      kv.str('tokenizer.ggml.model', 'llama'),
      kv.arr('tokenizer.ggml.tokens', 'string', tokens),
      kv.arr('tokenizer.ggml.scores', 'f32', Array.from(scores)),
      kv.arr('tokenizer.ggml.token_type', 'i32', Array.from(types)),
      kv.u32('tokenizer.ggml.unknown_token_id', 0),
      kv.u32('tokenizer.ggml.bos_token_id', 1),
      kv.u32('tokenizer.ggml.eos_token_id', 2),
      kv.bool('tokenizer.ggml.add_bos_token', true),
      kv.bool('tokenizer.ggml.add_eos_token', false),
    ],
  };
}

// llama-quant.cpp llama_tensor_get_type: Q4_K_M bumps attn_v and ffn_down to Q6_K on these layers
const useMoreBits = (i, n) => i < Math.floor(n / 8) || i >= Math.floor((7 * n) / 8) || (i - Math.floor(n / 8)) % 3 === 2;

/**
 * The weight type of each 2-D tensor for a weight scheme:
 *  'F16'    : every matrix F16 (what convert_hf_to_gguf --outtype f16 writes); 1-D tensors F32.
 *  'Q4_K_M' : llama-quantize's Q4_K_M mix for these dense models: Q4_K, with Q6_K for output.weight (token_embd
 *             when tied), and for attn_v / ffn_down on the use_more_bits layers.
 */
function matrixType(scheme, role, layer, nLayer, tied) {
  if (scheme === 'F16') return 'F16';
  // llama-quantize's Q4_0 (src/llama-quant.cpp llama_tensor_get_type): Q4_0, the output Q6_K
  if (scheme === 'Q4_0') return role === 'output' || (role === 'token_embd' && tied) ? 'Q6_K' : 'Q4_0';
  if (scheme !== 'Q4_K_M') throw new Error(`unknown weight scheme ${scheme}`);
  if (role === 'output' || (role === 'token_embd' && tied)) return 'Q6_K';
  if ((role === 'attn_v' || role === 'ffn_down') && useMoreBits(layer, nLayer)) return 'Q6_K';
  return 'Q4_K';
}

/**
 * Builds { name, arch, hparams, metadata, tensors, weightBytes } for a config.
 * @param {object} cfg  the HF config.json object
 * @param {{ weights?: 'F16'|'Q4_K_M', name?: string }} opts
 */
export function buildLayout(cfg, { weights = 'F16', name = cfg.model_type } = {}) {
  const hp = hparamsFromConfig(cfg);
  const { arch, nEmbd, nLayer, nHead, nHeadKv, headDim, nFf, nVocab } = hp;
  const a = (k) => `${arch}.${k}`;

  const metadata = [
    kv.str('general.architecture', arch),
    kv.str('general.name', name),
    kv.u32('general.file_type', FTYPE[weights]),
    kv.u32('general.quantization_version', 2),
    kv.u32(a('context_length'), hp.nCtxTrain),
    kv.u32(a('embedding_length'), nEmbd),
    kv.u32(a('block_count'), nLayer),
    kv.u32(a('feed_forward_length'), nFf),
    kv.u32(a('attention.head_count'), nHead),
    kv.u32(a('attention.head_count_kv'), hp.mla ? 1 : nHeadKv),
    kv.f32(a('rope.freq_base'), hp.ropeTheta),
    arch === 'command-r' ? kv.f32(a('attention.layer_norm_epsilon'), cfg.layer_norm_eps ?? 1e-5) : kv.f32(a('attention.layer_norm_rms_epsilon'), hp.rmsEps),
  ];
  // convert_hf_to_gguf.py CommandR2Model: LayerNorm without bias, tied embeddings, a logit scale
  if (arch === 'command-r') metadata.push(kv.f32(a('logit_scale'), cfg.logit_scale ?? 0.0625));
  // llama.cpp defaults the head size to n_embd / n_head; the converters write it when it differs (Qwen3, Gemma)
  if (!hp.mla && (headDim !== nEmbd / nHead || arch === 'gemma2' || arch === 'gemma3')) {
    metadata.push(kv.u32(a('attention.key_length'), headDim), kv.u32(a('attention.value_length'), headDim));
  }
  if (arch === 'phi3') metadata.push(kv.u32(a('rope.dimension_count'), headDim));
  if (arch === 'llama') {
    metadata.push(kv.u32(a('vocab_size'), nVocab), kv.u32(a('rope.dimension_count'), headDim));
  }
  if (arch === 'gemma2') {
    metadata.push(kv.u32(a('attention.sliding_window'), hp.slidingWindow));
    if (hp.attnSoftcap != null) metadata.push(kv.f32(a('attn_logit_softcapping'), hp.attnSoftcap));
    if (hp.finalSoftcap != null) metadata.push(kv.f32(a('final_logit_softcapping'), hp.finalSoftcap));
  }
  if (arch === 'gemma3') {
    metadata.push(kv.u32(a('attention.sliding_window'), hp.slidingWindow), kv.f32(a('rope.freq_base_swa'), hp.ropeThetaSwa));
    if (hp.finalSoftcap != null) metadata.push(kv.f32(a('final_logit_softcapping'), hp.finalSoftcap));
  }
  if (hp.nExpert) metadata.push(kv.u32(a('expert_count'), hp.nExpert), kv.u32(a('expert_used_count'), hp.nExpertUsed));
  if (arch === 'gpt-oss') {  // convert_hf_to_gguf.py GptOssModel: its experts' width, the window, heads of 64
    metadata.push(kv.u32(a('expert_feed_forward_length'), nFf), kv.u32(a('attention.sliding_window'), hp.slidingWindow),
      kv.u32(a('rope.dimension_count'), headDim));
  }
  if (hp.mla) {  // convert_hf_to_gguf.py DeepseekV2Model.set_gguf_parameters: the latent cache as one K/V head
    const m = hp.mla;
    metadata.push(kv.u32(a('leading_dense_block_count'), hp.nDenseLead), kv.u32(a('attention.kv_lora_rank'), m.kvLora),
      kv.u32(a('attention.key_length'), m.kvLora + m.rope), kv.u32(a('attention.value_length'), m.kvLora),
      kv.u32(a('attention.key_length_mla'), m.nope + m.rope), kv.u32(a('attention.value_length_mla'), m.v),
      kv.u32(a('expert_feed_forward_length'), hp.nFfExp), kv.u32(a('expert_shared_count'), hp.nExpertShared),
      kv.f32(a('expert_weights_scale'), 1.0), kv.u32(a('rope.dimension_count'), m.rope), kv.u32(a('vocab_size'), nVocab));
    if (m.qLora) metadata.push(kv.u32(a('attention.q_lora_rank'), m.qLora));
  }
  metadata.push(...spmVocab(nVocab).metadata);

  const tensors = [];
  const mat = (tname, role, layer, dims) => tensors.push({ name: tname, type: matrixType(weights, role, layer, nLayer, hp.tied), dims });
  const vec = (tname, n) => tensors.push({ name: tname, type: 'F32', dims: [n] });

  const qDim = headDim * nHead;
  const kvDim = headDim * nHeadKv;
  mat('token_embd.weight', 'token_embd', -1, [nEmbd, nVocab]);
  // convert_hf_to_gguf writes rope_freqs.weight (n_rot/2 F32) for llama3 rope scaling
  if (hp.llama3Rope) vec('rope_freqs.weight', headDim / 2);
  for (let i = 0; i < nLayer; i++) {
    const b = `blk.${i}`;
    vec(`${b}.attn_norm.weight`, nEmbd);
    if (hp.mla) {
      const m = hp.mla;
      if (m.qLora) {
        mat(`${b}.attn_q_a.weight`, 'attn_q_a', i, [nEmbd, m.qLora]);
        vec(`${b}.attn_q_a_norm.weight`, m.qLora);
        mat(`${b}.attn_q_b.weight`, 'attn_q_b', i, [m.qLora, nHead * (m.nope + m.rope)]);
      } else {
        mat(`${b}.attn_q.weight`, 'attn_q', i, [nEmbd, nHead * (m.nope + m.rope)]);
      }
      mat(`${b}.attn_kv_a_mqa.weight`, 'attn_kv_a_mqa', i, [nEmbd, m.kvLora + m.rope]);
      vec(`${b}.attn_kv_a_norm.weight`, m.kvLora);
      mat(`${b}.attn_k_b.weight`, 'attn_k_b', i, [m.nope, m.kvLora, nHead]);
      mat(`${b}.attn_v_b.weight`, 'attn_v_b', i, [m.kvLora, m.v, nHead]);
    } else if (arch === 'phi3') {  // convert_hf_to_gguf.py writes Phi-3's qkv_proj fused (src/models/phi3.cpp create_tensor_qkv)
      mat(`${b}.attn_qkv.weight`, 'attn_qkv', i, [nEmbd, qDim + 2 * kvDim]);
    } else {
      mat(`${b}.attn_q.weight`, 'attn_q', i, [nEmbd, qDim]);
      mat(`${b}.attn_k.weight`, 'attn_k', i, [nEmbd, kvDim]);
      mat(`${b}.attn_v.weight`, 'attn_v', i, [nEmbd, kvDim]);
    }
    if (hp.qkvBias) {
      vec(`${b}.attn_q.bias`, qDim);
      vec(`${b}.attn_k.bias`, kvDim);
      vec(`${b}.attn_v.bias`, kvDim);
    }
    if (hp.qkNorm) {
      vec(`${b}.attn_q_norm.weight`, headDim);
      vec(`${b}.attn_k_norm.weight`, headDim);
    }
    if (arch === 'olmoe') {  // over the whole projection, not per head
      vec(`${b}.attn_q_norm.weight`, nEmbd);
      vec(`${b}.attn_k_norm.weight`, nEmbd);
    }
    mat(`${b}.attn_output.weight`, 'attn_output', i, [hp.mla ? nHead * hp.mla.v : qDim, nEmbd]);
    if (arch === 'gpt-oss') {  // the output bias, a sink per head, the pre-FFN norm under attn_post_norm's name
      vec(`${b}.attn_output.bias`, nEmbd);
      vec(`${b}.attn_sinks.weight`, nHead);
      vec(`${b}.post_attention_norm.weight`, nEmbd);
    }
    if (hp.sandwichNorms) vec(`${b}.post_attention_norm.weight`, nEmbd);
    if (arch !== 'gpt-oss' && arch !== 'command-r') vec(`${b}.ffn_norm.weight`, nEmbd);  // (command-r: one norm for both)
    if (hp.nExpert && i >= hp.nDenseLead) {  // the router (F32), the routed experts, and any shared ones
      const ff = hp.nFfExp || nFf;  // (OLMoE's intermediate_size is its experts'; DeepSeek's moe_intermediate_size)
      tensors.push({ name: `${b}.ffn_gate_inp.weight`, type: 'F32', dims: [nEmbd, hp.nExpert] });
      mat(`${b}.ffn_gate_exps.weight`, 'ffn_gate', i, [nEmbd, ff, hp.nExpert]);
      mat(`${b}.ffn_down_exps.weight`, 'ffn_down', i, [ff, nEmbd, hp.nExpert]);
      mat(`${b}.ffn_up_exps.weight`, 'ffn_up', i, [nEmbd, ff, hp.nExpert]);
      if (arch === 'gpt-oss') {  // biases on the router and on every expert's projections
        vec(`${b}.ffn_gate_inp.bias`, hp.nExpert);
        tensors.push({ name: `${b}.ffn_gate_exps.bias`, type: 'F32', dims: [ff, hp.nExpert] });
        tensors.push({ name: `${b}.ffn_down_exps.bias`, type: 'F32', dims: [nEmbd, hp.nExpert] });
        tensors.push({ name: `${b}.ffn_up_exps.bias`, type: 'F32', dims: [ff, hp.nExpert] });
      }
      if (hp.nExpertShared) {
        const sh = ff * hp.nExpertShared;
        mat(`${b}.ffn_gate_shexp.weight`, 'ffn_gate', i, [nEmbd, sh]);
        mat(`${b}.ffn_down_shexp.weight`, 'ffn_down', i, [sh, nEmbd]);
        mat(`${b}.ffn_up_shexp.weight`, 'ffn_up', i, [nEmbd, sh]);
      }
    } else if (arch === 'phi3') {  // gate_up_proj fused: ffn_up of 2 x n_ff
      mat(`${b}.ffn_up.weight`, 'ffn_up', i, [nEmbd, 2 * nFf]);
      mat(`${b}.ffn_down.weight`, 'ffn_down', i, [nFf, nEmbd]);
    } else {
      mat(`${b}.ffn_gate.weight`, 'ffn_gate', i, [nEmbd, nFf]);
      mat(`${b}.ffn_up.weight`, 'ffn_up', i, [nEmbd, nFf]);
      mat(`${b}.ffn_down.weight`, 'ffn_down', i, [nFf, nEmbd]);
    }
    if (hp.sandwichNorms) vec(`${b}.post_ffw_norm.weight`, nEmbd);
  }
  vec('output_norm.weight', nEmbd);
  if (!hp.tied) mat('output.weight', 'output', -1, [nEmbd, nVocab]);

  const weightBytes = tensors.reduce((s, t) => s + tensorBytes(t.type, t.dims), 0);
  return { name, arch, weights, hparams: hp, metadata, tensors, weightBytes };
}
