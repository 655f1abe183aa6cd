// The page's module graph (web/**/*.js, static and dynamic imports): no cycle, and the layers hold: shared/
// (used by the page, the element and the CLI) imports only shared/; a feature (page/features/*) imports
// neither the shell (app.js) nor another feature; nothing imports the shell.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const WEB = new URL('../../web/', import.meta.url).pathname;

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? jsFiles(full) : e.name.endsWith('.js') ? [full] : [];
  });
}

// The relative specifiers a module imports: import ... from, export ... from, import '...', import('...').
export function specifiers(source) {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [];
  for (const re of [/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm, /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g]) {
    for (const m of code.matchAll(re)) found.push(m[1]);
  }
  return found.filter((s) => s.startsWith('.'));
}

// web/-relative name -> the web/-relative names it imports (modules outside web/, the wasm glue, left out).
function graph() {
  const edges = new Map();
  for (const file of jsFiles(WEB)) {
    const from = path.relative(WEB, file);
    const to = specifiers(fs.readFileSync(file, 'utf8'))
      .map((s) => path.relative(WEB, path.resolve(path.dirname(file), s)))
      .filter((name) => !name.startsWith('..') && fs.existsSync(path.join(WEB, name)));
    edges.set(from, to);
  }
  return edges;
}

// The first cycle found, as a path that starts and ends on the same module, or null.
export function findCycle(edges) {
  const state = new Map();  // 1: on the current path, 2: done
  const stack = [];
  const visit = (node) => {
    state.set(node, 1);
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 1) return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(node, 2);
    return null;
  };
  for (const node of edges.keys()) {
    if (!state.has(node)) {
      const cycle = visit(node);
      if (cycle) return cycle;
    }
  }
  return null;
}

test('the checker finds a cycle, and the import parser sees every form of import', () => {
  assert.deepEqual(findCycle(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]])), ['a', 'b', 'c', 'a']);
  assert.equal(findCycle(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), null);
  assert.deepEqual(specifiers(`import { a,\n  b } from './x.js';\nexport * from "../y.js";\nimport './z.js';\n// import './comment.js';\nconst m = () => import('./lazy.js');\nimport fs from 'node:fs';`),
    ['./x.js', '../y.js', './z.js', './lazy.js']);
});

test('web/ has no import cycle', () => {
  const edges = graph();
  assert.ok(edges.get('app.js')?.length, 'app.js imports modules');
  assert.equal(findCycle(edges), null);
});

test('the layers hold: shared/ stands alone, features import neither the shell nor each other', () => {
  const problems = [];
  for (const [from, to] of graph()) {
    for (const name of to) {
      if (name === 'app.js') problems.push(`${from} imports the shell (app.js)`);
      if (from.startsWith('shared/') && !name.startsWith('shared/')) problems.push(`${from} (shared) imports ${name}`);
      if (from.startsWith('page/features/') && name.startsWith('page/features/')) problems.push(`${from} imports another feature, ${name}`);
    }
  }
  assert.deepEqual(problems, []);
});
