// What `npm pack --json` made: prints the tarball's size and file count, and fails (exit 1) when it is over
// the size limit or holds what the package must not ship: anything under tests/ or e2e/, a file named as one
// of tests/fixtures/ outside dist/models/, a weight file or log, or a JSON file in dist/ other than the
// models dist/models/index.json lists (the configs the site ships) and that index.
//
//   node tests/package/tarball.mjs PACK_JSON PACK_DIR MAX_BYTES
import fs from 'node:fs';
import path from 'node:path';

const [packJson, packDir, maxBytes] = process.argv.slice(2);
const [pack] = JSON.parse(fs.readFileSync(packJson, 'utf8'));
const tarball = path.join(packDir, pack.filename);
const size = fs.statSync(tarball).size;
const files = pack.files.map((f) => f.path);
const mib = (n) => `${(n / 2 ** 20).toFixed(2)} MiB`;
console.log(`tarball: ${pack.filename}, ${size.toLocaleString('en-US')} bytes (${mib(size)}) compressed, ` +
  `${pack.unpackedSize.toLocaleString('en-US')} bytes unpacked, ${files.length} files`);

const problems = [];
if (size > Number(maxBytes)) problems.push(`${mib(size)} compressed is over the ${mib(Number(maxBytes))} limit`);
if (files.length !== pack.entryCount) problems.push(`npm counts ${pack.entryCount} entries but lists ${files.length} files`);

// The fixture files of the repository, by name (dist/models/ ships copies of some configs, under other names).
const ROOT = new URL('../../', import.meta.url);
const fixtureNames = new Set();
(function walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full); else fixtureNames.add(e.name);
  }
})(new URL('tests/fixtures/', ROOT).pathname);
const shipped = new Set(['dist/models/index.json', ...JSON.parse(fs.readFileSync(new URL('dist/models/index.json', ROOT), 'utf8')).models.map((m) => `dist/${m.file}`)]);

for (const file of files) {
  const name = path.posix.basename(file);
  if (/^(tests|e2e)\//.test(file) || /(^|\/)(tests?|e2e|fixtures?|__tests__)\//.test(file)) problems.push(`${file}: a test file`);
  else if (/\.(gguf|safetensors|bin|log|tsv)$/i.test(file)) problems.push(`${file}: a weight file, log or fixture table`);
  else if (file.startsWith('dist/') && file.endsWith('.json') && !shipped.has(file)) problems.push(`${file}: JSON in dist/ that is not a shipped model`);
  else if (!file.startsWith('dist/models/') && fixtureNames.has(name) && !['README.md'].includes(name)) problems.push(`${file}: a fixture (tests/fixtures has ${name})`);
}
for (const file of shipped) if (!files.includes(file)) problems.push(`${file}: a shipped model missing from the tarball`);

const top = new Map();
for (const file of files) top.set(file.split('/')[0], (top.get(file.split('/')[0]) ?? 0) + 1);
console.log(`contents: ${[...top].map(([k, n]) => `${k} ${n}`).join(', ')}`);
if (problems.length) {
  console.error(`the tarball fails the package policy:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
