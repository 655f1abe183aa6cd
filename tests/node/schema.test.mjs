// The request options schema (catalogue().options, core/options.cpp) against its readers: README.md's flag list,
// the CLI's flags and --help, and the core's JSON aliases. The catalogue comes from the native driver
// (NEURO_SHRINK_NATIVE, else build/native/neuro-shrink-native), else from dist/ (scripts/options-doc.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { CliError, optionsMarkdown, parseCommandLine, usageText } from '../../cli/neuro-shrink.mjs';
import { BEGIN, END, README, loadCatalogue } from '../../scripts/options-doc.mjs';

const catalogue = await loadCatalogue();
const { options } = catalogue;
const NATIVE = process.env.NEURO_SHRINK_NATIVE ?? new URL('../../build/native/neuro-shrink-native', import.meta.url).pathname;
const CONFIG = fs.readFileSync(new URL('../fixtures/configs/meta-llama__Llama-2-7b-hf.json', import.meta.url), 'utf8');
const MTP_CONFIG = fs.readFileSync(new URL('../fixtures/configs/XiaomiMiMo__MiMo-7B-Base.json', import.meta.url), 'utf8');
// The CLI's own flags, which are not request options.
const CLI_ONLY = ['--file', '--json', '--compare', '--version', '--help'];

const flagsOf = (o) => (o.flag ? [o.flag, ...o.aliases.filter((a) => a.startsWith('--'))] : []);
const jsonNamesOf = (o) => [o.name.split('.').at(-1), ...o.aliases.filter((a) => !a.startsWith('--'))];
const withFlags = options.filter((o) => o.flag);

// A value each option takes: what to type after its flag, and the JSON value the CLI must send for it.
function sample(o) {
  switch (o.type) {
    case 'boolean': return { argv: [], json: true };
    case 'integer': {
      if (o.cli_factor) return { argv: ['2'], json: 2 * o.cli_factor };
      const v = o.min < 1 ? 7 : o.min + 1;
      return { argv: [String(v)], json: v };
    }
    case 'number': return { argv: ['0.5'], json: 0.5 };
    case 'string': return o.name === 'tensor_split' ? { argv: ['1'], json: '1' } : o.name === 'image_size' ? { argv: ['640x480'], json: '640x480' } : { argv: ['a/b'], json: 'a/b' };
    default: {
      if (o.values_from) return { argv: [catalogue[o.values_from][0].name], json: catalogue[o.values_from][0].name };
      if (o.name === 'override_tensor') return { argv: ['exps=CPU'], json: 'exps=CPU' };
      const v = o.closed ? o.values.at(-1) : o.values[0];  // an open set's first: the canonical spelling
      return { argv: [String(v)], json: v };
    }
  }
}
// What else a sample needs to be a valid request: training options --mode train, an offload a ZeRO stage.
const context = (o) => [...(o.group === 'training' ? ['--mode', 'train'] : []), ...(o.name === 'training.offload' ? ['--zero', '3'] : []),
  ...(o.group === 'cluster' ? ['--runtime', 'vllm', '--gpus', '2'] : []), ...(o.name === 'max_adapters' ? ['--adapter-rank', '8'] : [])];
const requestValue = (request, name) => name.split('.').reduce((v, k) => v?.[k], request);

function native(request, table = false) {
  const r = spawnSync(NATIVE, table ? ['--table'] : [], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}
const haveNative = fs.existsSync(NATIVE);

describe('the options schema', () => {
  test('lists every request field once, with a unique flag, parameter and aliases', () => {
    const expected = ['config', 'model_id', 'quantization', 'kv_cache_dtype', 'kv_cache_dtype_k', 'kv_cache_dtype_v', 'context_tokens',
      'batch_size', 'runtime', 'flash_attention', 'ubatch', 'n_batch', 'gpu_layers', 'gpu', 'gpus', 'gpu_memory_utilization', 'max_num_batched_tokens',
      'max_num_seqs', 'kv_cache_memory_bytes', 'gpu_memory_bytes', 'host_bandwidth', 'mode', 'contexts', 'hub', 'weights', 'config_only', 'n_cpu_moe', 'override_tensor', 'mmproj', 'mmproj_file', 'kv_unified', 'adapter_rank', 'max_adapters', 'images', 'image_size', 'draft_model', 'draft_config', 'draft_quantization', 'mtp', 'draft_max', 'tensor_split', 'split_mode', 'nodes', 'tensor_parallel', 'pipeline_parallel', 'data_parallel', 'expert_parallel', 'interconnect', 'host_memory_bytes', 'prompt_tokens', 'backend',
      ...['method', 'optimizer', 'precision', 'micro_batch', 'seq_len', 'gradient_accumulation', 'checkpointing', 'lora_rank', 'lora_targets',
        'train_embeddings', 'freeze', 'zero', 'offload'].map((k) => `training.${k}`)];
    assert.deepEqual(options.map((o) => o.name).sort(), expected.sort());
    const seen = new Map();
    for (const o of options) {
      for (const name of [...flagsOf(o), ...(o.param ? [o.param] : []), ...o.aliases]) {
        assert.ok(!seen.has(name) || seen.get(name) === o.name, `${name} names both ${seen.get(name)} and ${o.name}`);
        seen.set(name, o.name);
      }
    }
  });

  test('follows the naming rule: flag and param are the kebab-case of the name\'s last part', () => {
    for (const o of withFlags) {
      const kebab = o.name.split('.').at(-1).replaceAll('_', '-');
      const inCliUnit = o.cli_unit && o.cli_unit !== 'file';
      assert.equal(o.flag, `--${inCliUnit ? kebab.replace(/-bytes$/, '') : kebab}`, o.name);
      // an option the CLI takes in another unit is a URL parameter of that name and unit (gpu-memory in GiB)
      assert.equal(o.param, inCliUnit ? o.flag.slice(2) : kebab, o.name);
      if (inCliUnit) assert.deepEqual([o.param_unit, o.param_factor], [o.cli_unit, o.cli_factor], o.name);
    }
  });

  test('gives bounds to every number, values to every enum, and a doc line to all', () => {
    for (const o of options) {
      assert.ok(o.doc && !o.doc.includes('\n'), o.name);
      assert.ok(o.code, o.name);
      if (o.type === 'integer' || o.type === 'number') assert.equal(typeof o.min, 'number', o.name);
      if (o.type === 'enum' || o.type === 'list') assert.ok(o.values?.length || o.values_from || o.accepts, o.name);
      if (o.values_from) assert.ok(Array.isArray(catalogue[o.values_from]), o.name);
      if (o.default === null && o.type !== 'boolean') assert.ok(o.default_text || ['config', 'model_id', 'hub', 'weights', 'mmproj_file', 'draft_model', 'draft_config'].includes(o.name), o.name);
    }
  });
});

describe('README.md\'s flag list', () => {
  const readme = fs.readFileSync(README, 'utf8');
  const section = readme.slice(readme.indexOf('## Command line'), readme.indexOf('\n## ', readme.indexOf('## Command line') + 1));

  test('is the one scripts/options-doc.mjs generates from the schema', () => {
    const begin = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    assert.ok(begin > 0 && end > begin, 'README.md has no options block');
    assert.equal(readme.slice(begin + BEGIN.length + 1, end), optionsMarkdown(options),
      'README.md\'s flag list is not the schema\'s: run node scripts/options-doc.mjs --write');
  });

  test('names every flag and alias of the schema, and no flag the schema lacks', () => {
    const named = new Set(section.match(/(?<![\w-])--[a-z][a-z0-9-]*/g));
    const known = new Set([...options.flatMap(flagsOf), ...CLI_ONLY]);
    for (const flag of named) assert.ok(known.has(flag), `README.md names ${flag}, which no option has`);
    for (const flag of options.flatMap(flagsOf)) assert.ok(named.has(flag), `README.md does not name ${flag}`);
  });
});

describe('the CLI\'s flags, from the schema', () => {
  test('--help lists every flag and alias', () => {
    const help = usageText(options);
    for (const flag of [...options.flatMap(flagsOf), ...CLI_ONLY]) assert.match(help, new RegExp(`(^|[\\s,])${flag}([\\s,]|$)`, 'm'), flag);
  });

  test('every flag and alias puts the value under the option\'s JSON name', () => {
    for (const o of withFlags) {
      const { argv, json } = sample(o);
      for (const flag of flagsOf(o)) {
        if (o.name === 'config' || o.name === 'model_id') {
          const args = parseCommandLine([flag, 'x'], options);
          assert.equal(o.name === 'config' ? args.config : args.model, 'x', flag);
          continue;
        }
        const args = parseCommandLine(['--config', 'x.json', ...context(o), flag, ...argv], options);
        assert.deepEqual(requestValue(args.request, o.name), json, `${flag} ${argv.join(' ')}`);
      }
    }
  });

  test('two names of one option are a usage error', () => {
    for (const o of withFlags.filter((x) => flagsOf(x).length > 1 && x.type !== 'boolean')) {
      const [a, b] = flagsOf(o);
      const { argv } = sample(o);
      assert.throws(() => parseCommandLine(['--config', 'x.json', a, ...argv, b, ...argv], options),
        (err) => err instanceof CliError && err.exitCode === 2 && /mean the same; give one/.test(err.message), a);
    }
  });

  test('a value out of an option\'s range or set is a usage error naming the flag', () => {
    const bad = { integer: (o) => String(o.max !== undefined ? (o.cli_factor ? o.max / o.cli_factor + 1 : o.max + 1) : 'x'), number: () => '2', enum: () => 'nonsense' };
    for (const o of withFlags.filter((x) => bad[x.type] && (x.type !== 'enum' || x.closed))) {
      const text = bad[o.type](o);
      assert.throws(() => parseCommandLine(['--config', 'x.json', ...context(o), o.flag, text], options),
        (err) => err instanceof CliError && err.exitCode === 2 && err.message.startsWith(`${o.flag} takes `) && err.message.includes(`"${text}"`), o.flag);
    }
  });
});

describe('the core and the schema', { skip: !haveNative && 'no native driver (build/native/neuro-shrink-native)' }, () => {
  test('takes what the CLI sends for every flag, without an error', () => {
    for (const o of withFlags.filter((x) => x.cli_unit !== 'file' && x.name !== 'model_id')) {
      const { argv } = sample(o);
      const args = parseCommandLine(['--config', 'x.json', ...context(o), o.flag, ...argv], options);
      // (mtp needs a model with multi-token-prediction layers)
      const report = JSON.parse(native({ ...args.request, config: o.name === 'mtp' ? MTP_CONFIG : CONFIG, ...(o.name === 'mtp' ? { runtime: 'vllm' } : {}) }));
      const errors = report.issues.filter((i) => i.level === 'error');
      assert.deepEqual(errors, [], `${o.flag} ${argv.join(' ')}`);
    }
  });

  test('takes every JSON alias as the field itself', () => {
    for (const o of withFlags.filter((x) => !x.name.includes('.') && x.name !== 'config')) {
      const { json } = sample(o);
      const [name, ...aliases] = jsonNamesOf(o);
      const canonical = native({ config: CONFIG, [name]: json });
      for (const alias of aliases) assert.equal(native({ config: CONFIG, [alias]: json }), canonical, `${alias} for ${name}`);
    }
  });

  test('refuses two names of one field, naming it', () => {
    const report = JSON.parse(native({ config: CONFIG, context: 8192, context_tokens: 4096 }));
    assert.equal(report.issues[0].field, 'context_tokens');
    assert.equal(report.issues[0].code, 'invalid_context');
  });
});
