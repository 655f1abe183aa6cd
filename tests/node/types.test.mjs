// The package's TypeScript declarations: api/types.d.ts is what scripts/types.mjs generates from the core's options
// schema and api/report.schema.json (so it cannot drift from either), and a user's TypeScript file that imports
// 'neuro-shrink' and 'neuro-shrink/widget' by name type-checks against them: tsc --noEmit (tests/types/usage.mts,
// whose @ts-expect-error lines must each be an error, so the types are not `any`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

import { TYPES, generate } from '../../scripts/types.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('TypeScript declarations', () => {
  test('api/types.d.ts is what the schema and the options give (node scripts/types.mjs --write)', async () => {
    assert.equal(fs.readFileSync(TYPES, 'utf8'), await generate(), 'api/types.d.ts is stale: run node scripts/types.mjs --write');
  });

  test('a TypeScript user of the package type-checks: tsc --noEmit -p tests/types', () => {
    const tsc = `${ROOT}node_modules/typescript/bin/tsc`;
    const r = spawnSync(process.execPath, [tsc, '-p', 'tests/types'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`);
  });

  test('a wrong use is an error: tsc fails on a request field of the wrong type', () => {
    const dir = fs.mkdtempSync(`${ROOT}tests/types/tmp-`);
    try {
      fs.writeFileSync(`${dir}/wrong.mts`, "import { estimate } from 'neuro-shrink';\nvoid estimate({ gpu_layers: 'all' });\n");
      fs.writeFileSync(`${dir}/tsconfig.json`, JSON.stringify({ extends: '../tsconfig.json', files: ['wrong.mts'] }));
      const r = spawnSync(process.execPath, [`${ROOT}node_modules/typescript/bin/tsc`, '-p', dir], { cwd: ROOT, encoding: 'utf8' });
      assert.notEqual(r.status, 0);
      assert.match(r.stdout, /gpu_layers|not assignable/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
