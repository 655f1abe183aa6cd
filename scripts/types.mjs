#!/usr/bin/env node
// The npm package's TypeScript declarations of what the API takes and returns, generated so that they cannot
// drift from the core:
//   - EstimateRequest from the core's options schema (catalogue().options, core/options.cpp): every field with
//     its type, range, unit, default and doc; its aliases as deprecated spellings;
//   - Report, TableReply, ReconcileReply and CatalogueReply from the report's JSON Schema (api/report.schema.json).
//   node scripts/types.mjs           prints api/types.d.ts
//   node scripts/types.mjs --write   writes it
//   node scripts/types.mjs --check   fails when the committed file differs (tests/node/types.test.mjs runs it)
// The functions themselves are declared in api/index.d.ts (and the element in api/widget.d.ts).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

import { loadCatalogue } from './options-doc.mjs';

const ROOT = new URL('../', import.meta.url);
export const TYPES = new URL('api/types.d.ts', ROOT);
export const SCHEMA = new URL('api/report.schema.json', ROOT);

const isIdentifier = (name) => /^[A-Za-z_$][\w$]*$/.test(name);
const key = (name) => (isIdentifier(name) ? name : JSON.stringify(name));
const literal = (v) => JSON.stringify(v);
const comment = (lines, indent) => {
  const text = lines.filter(Boolean).join('\n').replaceAll('*/', '*\\/');
  if (!text) return '';
  const body = text.split('\n').map((l) => `${indent} * ${l}`.trimEnd()).join('\n');
  return `${indent}/**\n${body}\n${indent} */\n`;
};

// ---- the request, from catalogue().options ----

// An option's TypeScript type. A file-valued option (cli_unit "file": config, draft_config) carries a document:
// its text, or the parsed object. An open enum takes other spellings too (`accepts`): its values are suggestions.
function optionType(o) {
  const union = (values) => values.map(literal).join(' | ');
  switch (o.type) {
    case 'integer':
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'string': return o.cli_unit === 'file' ? 'string | Record<string, unknown>' : 'string';
    case 'enum': return o.closed ? union(o.values) : `${union(o.values)} | (string & {})`;
    case 'list': return o.values && o.closed ? `${union(o.values)} | string | Array<${union(o.values)}>` : 'string | string[]';
    case 'array': return o.min !== undefined ? 'number[]' : 'unknown[]';
    case 'object': return 'Record<string, unknown>';
    default: throw new Error(`option ${o.name}: no TypeScript type for schema type ${o.type}`);
  }
}

function optionDoc(o) {
  const range = o.min !== undefined || o.max !== undefined
    ? `Range: ${o.min ?? ''}${o.min_exclusive ? ' (exclusive)' : ''} to ${o.max ?? ''}${o.unit ? ` ${o.unit}` : ''}.`
    : o.unit ? `Unit: ${o.unit}.` : '';
  const def = o.default !== null && o.default !== undefined ? `Default: ${literal(o.default)}.` : o.default_text ? `Default: ${o.default_text}.` : '';
  return [o.doc ? `${o.doc[0].toUpperCase()}${o.doc.slice(1)}.` : '', o.accepts ? `Also accepts: ${o.accepts}.` : '',
    o.values_from ? `Values: catalogue().${o.values_from}.` : '', range, def,
    o.flag ? `CLI ${o.flag}${o.cli_unit && o.cli_unit !== 'file' ? ` (in ${o.cli_unit})` : ''}; URL parameter and attribute ${o.param}.` : ''];
}

export function requestTypes(options) {
  const top = options.filter((o) => !o.name.includes('.'));
  const nested = new Map();
  for (const o of options.filter((x) => x.name.includes('.'))) {
    const [group, field] = o.name.split('.');
    if (!nested.has(group)) nested.set(group, []);
    nested.get(group).push({ ...o, field });
  }
  let out = '/** What estimate(), estimateReport() and table() take: the core\'s options schema (catalogue().options). */\n';
  out += 'export interface EstimateRequest {\n';
  for (const o of top) {
    out += comment(optionDoc(o), '  ') + `  ${key(o.name)}?: ${optionType(o)};\n`;
    for (const alias of o.aliases.filter((a) => !a.startsWith('-')))
      out += comment([`@deprecated An older name of {@link EstimateRequest.${o.name}}.`], '  ') + `  ${key(alias)}?: EstimateRequest[${literal(o.name)}];\n`;
  }
  for (const [group, fields] of nested) out += comment([`The ${group} options (with mode "train").`], '  ') + `  ${key(group)}?: ${pascal(group)}Options;\n`;
  out += '  /** Any other field is not read: the report says so (issue unknown_option, a warning). */\n}\n';
  for (const [group, fields] of nested) {
    out += `\nexport interface ${pascal(group)}Options {\n`;
    for (const o of fields) out += comment(optionDoc(o), '  ') + `  ${key(o.field)}?: ${optionType(o)};\n`;
    out += '}\n';
  }
  return out;
}

const pascal = (s) => s.replace(/(^|[_\-.])(\w)/g, (_, __, c) => c.toUpperCase());

// ---- the replies, from the report's JSON Schema ----

function schemaType(s, indent) {
  if (s === true || s === undefined || (typeof s === 'object' && Object.keys(s).every((k) => k === 'description'))) return 'unknown';
  if (s.$ref) {
    const m = /^#\/\$defs\/(\w+)$/.exec(s.$ref);
    if (!m) throw new Error(`unsupported $ref ${s.$ref}`);
    return m[1];
  }
  if (s.const !== undefined) return literal(s.const);
  if (s.enum) return s.enum.map(literal).join(' | ');
  if (s.oneOf || s.anyOf) return (s.oneOf ?? s.anyOf).map((x) => parenthesize(schemaType(x, indent))).join(' | ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : [];
  if (!types.length) return 'unknown';
  return types.map((t) => parenthesize(oneType(t, s, indent))).join(' | ');
}

const parenthesize = (t) => (/[|&]/.test(t) && !/^[{(]/.test(t) ? `(${t})` : t);

function oneType(t, s, indent) {
  switch (t) {
    case 'integer':
    case 'number': return 'number';
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'null': return 'null';
    case 'array': return `Array<${schemaType(s.items ?? true, indent)}>`;
    case 'object': return objectType(s, indent);
    default: throw new Error(`unsupported schema type ${t}`);
  }
}

function objectType(s, indent) {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const inner = `${indent}  `;
  let body = '';
  for (const [name, p] of Object.entries(props))
    body += comment([p.description], inner) + `${inner}${key(name)}${required.has(name) ? '' : '?'}: ${schemaType(p, inner)};\n`;
  const extra = s.additionalProperties;
  if (extra && extra !== true) body += `${inner}[key: string]: ${schemaType(extra, inner)};\n`;
  else if (extra !== false && Object.keys(props).length) body += `${inner}/** Fields added in later versions (additive: schema_version stays). */\n${inner}[key: string]: unknown;\n`;
  if (!body) return 'Record<string, unknown>';
  return `{\n${body}${indent}}`;
}

function replyTypes(schema) {
  let out = '';
  for (const [name, def] of Object.entries(schema.$defs ?? {})) {
    out += `\n${comment([def.title, def.description], '')}`;
    const type = schemaType(def, '');
    out += type.startsWith('{') ? `export interface ${name} ${type}\n` : `export type ${name} = ${type};\n`;
  }
  if (!schema.$ref && !(schema.$defs ?? {}).Report) out += `\nexport type Report = ${schemaType(schema, '')};\n`;
  return out;
}

export async function generate() {
  const catalogue = await loadCatalogue();
  const schema = JSON.parse(fs.readFileSync(SCHEMA, 'utf8'));
  return `// Generated by node scripts/types.mjs from the core's options schema and api/report.schema.json: do not edit.\n` +
    `// schema_version ${catalogue.schema_version}\n\n${requestTypes(catalogue.options)}${replyTypes(schema)}`;
}

const isMain = process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const text = await generate();
  if (process.argv.includes('--write')) fs.writeFileSync(TYPES, text);
  else if (process.argv.includes('--check')) {
    const committed = fs.existsSync(TYPES) ? fs.readFileSync(TYPES, 'utf8') : '';
    if (committed !== text) {
      console.error('api/types.d.ts differs from what the schema gives: run node scripts/types.mjs --write');
      process.exit(1);
    }
  } else process.stdout.write(text);
}
