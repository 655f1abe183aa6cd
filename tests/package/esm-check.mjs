// Copied into the project where tests/package/check.sh installed the tarball, and run there: the package by its
// name, as a user's ESM code imports it (package.json "exports", condition "node").
//
//   node esm-check.mjs CONFIG_JSON
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

import { catalogue, estimate } from 'neuro-shrink';

const resolved = fileURLToPath(import.meta.resolve('neuro-shrink'));
const here = fileURLToPath(new URL('./node_modules/neuro-shrink/', import.meta.url));
assert.ok(resolved.startsWith(here), `'neuro-shrink' resolved to ${resolved}, not the installed copy in ${here}`);

const config = fs.readFileSync(process.argv[2], 'utf8');
const r = await estimate({ config, quantization: 'int4', context_tokens: 8192 });
assert.equal(r.parameters.total, 8030261248);
assert.ok(r.memory.total_bytes > r.memory.weights_bytes && r.memory.weights_bytes > 0);
const c = await catalogue();
assert.ok(Array.isArray(c.options) && c.options.length > 0, 'catalogue() lists options');
console.log(`import from 'neuro-shrink' (${resolved.slice(here.length - 'node_modules/neuro-shrink/'.length)}): ` +
  `estimate() ${r.parameters.total} parameters, memory.total_bytes ${r.memory.total_bytes}; catalogue() ${c.options.length} options`);
