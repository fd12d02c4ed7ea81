// Checks real answers against the node's OpenAPI 3.1 document. No JSON Schema validator is
// installed (no ajv in node_modules), so this is a small one for the subset document.ts uses:
// type (one or a list), properties, required, additionalProperties (boolean or schema), items,
// minItems/maxItems, enum, const, allOf, anyOf, if/then/else, $ref to #/components/schemas.
// Keywords outside the subset throw, so the document cannot silently use something unchecked.
import { openApiDocument } from '../../src/api/openapi/document.js';

type Schema = Record<string, unknown>;

const KNOWN = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'enum', 'const', 'allOf', 'anyOf',
  'if', 'then', 'else', '$ref', 'description', 'contentMediaType',
]);

function typeOf(v: unknown): string[] {
  if (v === null) return ['null'];
  if (Array.isArray(v)) return ['array'];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'number'] : ['number'];
  return [typeof v];
}

const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Problems of `value` against `schema` (empty when it validates), each with its JSON path. */
export function validate(value: unknown, schema: Schema, root: Schema, path = '$'): string[] {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key)) throw new Error(`openapi validator: keyword ${key} at ${path} is not supported`);
  const errors: string[] = [];
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = ((root.components as Schema).schemas as Record<string, Schema>)[name];
    if (!target) throw new Error(`openapi validator: unknown $ref ${schema.$ref}`);
    errors.push(...validate(value, target, root, path));
  }
  if (schema.type !== undefined) {
    const wanted = ([] as string[]).concat(schema.type as string);
    if (!typeOf(value).some((t) => wanted.includes(t))) return [...errors, `${path}: ${JSON.stringify(value)?.slice(0, 80)} is not ${wanted.join(' or ')}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).some((e) => deepEqual(e, value))) errors.push(`${path}: not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && !deepEqual(schema.const, value)) errors.push(`${path}: not ${JSON.stringify(schema.const)}`);
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in o)) errors.push(`${path}: ${key} is required`);
    const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
    for (const [key, v] of Object.entries(o)) {
      if (props[key]) errors.push(...validate(v, props[key], root, `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: ${key} is not allowed`);
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...validate(v, schema.additionalProperties as Schema, root, `${path}.${key}`));
    }
  }
  if (Array.isArray(value)) {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((v, i) => errors.push(...validate(v, schema.items as Schema, root, `${path}[${i}]`)));
  }
  for (const s of (schema.allOf as Schema[] | undefined) ?? []) errors.push(...validate(value, s, root, path));
  if (schema.anyOf) {
    const all = (schema.anyOf as Schema[]).map((s) => validate(value, s, root, path));
    if (!all.some((e) => e.length === 0)) errors.push(`${path}: matches none of anyOf (${all.map((e) => e[0]).join(' | ')})`);
  }
  if (schema.if) {
    const branch = validate(value, schema.if as Schema, root, path).length === 0 ? schema.then : schema.else;
    if (branch) errors.push(...validate(value, branch as Schema, root, path));
  }
  return errors;
}

/** The documented JSON answer schema of `METHOD /v1/...` (path templates like {other} match), or undefined. */
export function answerSchema(method: string, path: string, doc: Schema = openApiDocument()): Schema | undefined {
  const paths = doc.paths as Record<string, Record<string, Schema>>;
  const clean = path.split('?')[0]!.replace(/\/{2,}/g, '/');
  const template = paths[clean] ? clean : Object.keys(paths).find((p) => new RegExp(`^${p.replace(/\{\w+\}/g, '[^/]+')}$`).test(clean));
  if (!template) return undefined;
  const op = paths[template]![method.toLowerCase()] as Schema | undefined;
  const content = ((op?.responses as Record<string, Schema> | undefined)?.['200']?.content ?? {}) as Record<string, { schema: Schema }>;
  return content['application/json']?.schema;
}

/** Every answer checked so far, by "METHOD path" (so a test can say which endpoints it covered). */
export const checkedAnswers = new Map<string, number>();

/**
 * Throws when a JSON answer of a /v1 endpoint does not match the document (or the endpoint is not
 * documented). HTTP 404/405 answers and non-/v1 paths are not API answers and pass.
 */
export function checkAnswer(method: string, path: string, status: number, body: unknown): void {
  const clean = path.split('?')[0]!;
  if (!clean.startsWith('/v1/') || status === 404 || status === 405 || status === 503) return;
  const doc = openApiDocument();
  const schema = answerSchema(method, clean, doc);
  if (!schema) throw new Error(`OpenAPI: ${method} ${clean} is not in /v1/openapi.json`);
  const errors = status === 200 ? validate(body, schema, doc) : validate(body, { $ref: '#/components/schemas/Envelope' }, doc);
  if (errors.length) throw new Error(`OpenAPI: the answer of ${method} ${clean} (HTTP ${status}) does not match the document:\n  ${errors.slice(0, 8).join('\n  ')}\nanswer: ${JSON.stringify(body).slice(0, 600)}`);
  const key = `${method.toUpperCase()} ${clean}`;
  checkedAnswers.set(key, (checkedAnswers.get(key) ?? 0) + 1);
}
