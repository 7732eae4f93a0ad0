import type { Rng } from '../lib/rng';

/**
 * Just enough JSON Schema to generate requests from the OpenAPI document (and from the tRPC procedures'
 * zod inputs, converted the same way): a plausible valid value, the fields of an input with the JSON
 * types each allows, and values that break a field's type or its constraints.
 */
export type JsonSchema = Record<string, any>;
export type Path = (string | number)[];
export type Field = { path: Path; schema: JsonSchema; required: boolean; allowed: Set<string> | null };

export class Schemas {
  constructor(private readonly root: JsonSchema) {}

  resolve(s: JsonSchema | undefined): JsonSchema {
    let cur = s ?? {};
    for (let i = 0; i < 16 && typeof cur.$ref === 'string'; i++) {
      const parts = (cur.$ref as string).replace(/^#\//, '').split('/');
      cur = parts.reduce<any>((node, k) => node?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], this.root) ?? {};
    }
    return cur;
  }

  /** An optional object input comes as `anyOf: [object, not-given]`: the object part. */
  objectPart(s: JsonSchema): JsonSchema {
    const r = this.resolve(s);
    const alt = (r.anyOf ?? r.oneOf) as JsonSchema[] | undefined;
    if (alt) return this.resolve(alt.find((x) => this.resolve(x).type === 'object') ?? r);
    return r;
  }

  /** The JSON types a value may have here, or null when the schema does not say (anything goes). */
  allowedTypes(s: JsonSchema): Set<string> | null {
    const r = this.resolve(s);
    if ('const' in r) return new Set([jsonType(r.const)]);
    if (Array.isArray(r.enum)) return new Set(r.enum.map(jsonType));
    const alt = (r.anyOf ?? r.oneOf) as JsonSchema[] | undefined;
    if (alt) {
      const out = new Set<string>();
      for (const a of alt) {
        const t = this.allowedTypes(a);
        if (t === null) return null;
        for (const x of t) out.add(x);
      }
      return out;
    }
    if (r.type === undefined) return Array.isArray(r.allOf) ? (this.allowedTypes(r.allOf[0]) ?? null) : null;
    const types = new Set<string>(Array.isArray(r.type) ? r.type : [r.type]);
    if (types.has('integer')) types.add('number-integer');
    return types;
  }

  /** Every field down to `maxDepth` (array items as index 0), with whether its parent requires it. */
  fields(s: JsonSchema, maxDepth = 3, base: Path = []): Field[] {
    const r = this.objectPart(s);
    const out: Field[] = [];
    const props = (r.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set<string>(r.required ?? []);
    for (const [name, sub] of Object.entries(props)) {
      const path = [...base, name];
      out.push({ path, schema: sub, required: required.has(name), allowed: this.allowedTypes(sub) });
      if (path.length >= maxDepth) continue;
      const inner = this.firstShape(sub);
      if (inner.type === 'object' && inner.properties) out.push(...this.fields(inner, maxDepth, path));
      if (inner.type === 'array' && inner.items) {
        const item = this.firstShape(inner.items);
        const itemPath = [...path, 0];
        out.push({ path: itemPath, schema: inner.items, required: false, allowed: this.allowedTypes(inner.items) });
        if (item.type === 'object' && item.properties && itemPath.length < maxDepth + 1)
          out.push(...this.fields(item, maxDepth + 1, itemPath));
      }
    }
    return out;
  }

  /** The first concrete alternative of a union (what `example` builds). */
  firstShape(s: JsonSchema): JsonSchema {
    const r = this.resolve(s);
    const alt = (r.anyOf ?? r.oneOf) as JsonSchema[] | undefined;
    if (alt && alt.length) return this.firstShape(alt.find((a) => this.resolve(a).type !== 'null') ?? alt[0]!);
    return r;
  }

  /** A plausible valid value; `idFor` supplies real ids for uuid fields by name. */
  example(s: JsonSchema, name: string, ctx: ExampleContext, depth = 0): unknown {
    const r = this.firstShape(s);
    if ('const' in r) return r.const;
    if (Array.isArray(r.enum)) return r.enum[0];
    if (depth > 6) return undefined;
    const type = Array.isArray(r.type) ? r.type.find((t: string) => t !== 'null') : r.type;
    switch (type) {
      case 'string':
        return exampleString(r, name, ctx);
      case 'integer':
      case 'number': {
        const lo =
          typeof r.minimum === 'number'
            ? r.minimum
            : typeof r.exclusiveMinimum === 'number'
              ? r.exclusiveMinimum + 1
              : 1;
        return typeof r.maximum === 'number' ? Math.min(lo, r.maximum) : lo;
      }
      case 'boolean':
        return false;
      case 'array': {
        const n = Math.max(r.minItems ?? 0, name === 'ops' || name === 'items' ? 1 : 0);
        return Array.from({ length: n }, () => this.example(r.items ?? {}, singular(name), ctx, depth + 1));
      }
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const req of (r.required ?? []) as string[]) {
          const v = this.example(r.properties?.[req] ?? {}, req, ctx, depth + 1);
          if (v !== undefined) out[req] = v;
        }
        if (!r.properties && r.additionalProperties !== false && (name === 'data' || name === 'properties'))
          out.note = `bad-input ${ctx.rng.word(4)}`;
        return out;
      }
      default:
        return name === 'value' ? 'x' : undefined;
    }
  }
}

export type ExampleContext = { rng: Rng; idFor: (name: string) => string };

const singular = (name: string) => (name.endsWith('Ids') ? name.slice(0, -1) : name === 'ids' ? 'id' : name);

function exampleString(r: JsonSchema, name: string, ctx: ExampleContext): string {
  if (r.format === 'uuid' || /^\^\(\[0-9a-fA-F\]\{8\}/.test(r.pattern ?? '')) return ctx.idFor(name);
  if (r.format === 'date-time') return '2031-01-01T00:00:00.000Z';
  const byName: Record<string, string> = {
    label: 'BADINPUT',
    propertyName: 'text',
    property: 'text',
    csv: 'a,b\n1,2',
    query: 'tea',
    masterKey: 'not-the-master-key',
    type: 'RELATED_TO',
  };
  let s = byName[name] ?? (r.pattern ? ctx.rng.word(6) : `bad input ${ctx.rng.word(4)}`);
  if (typeof r.maxLength === 'number' && s.length > r.maxLength) s = s.slice(0, r.maxLength);
  if (typeof r.minLength === 'number' && s.length < r.minLength) s = s.padEnd(r.minLength, 'x');
  return s;
}

export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/**
 * Values of the wrong JSON type for a field allowing `allowed`. Numeric fields never get null, true or
 * [] — zod's coerce turns those into 0/1 — so every replacement is invalid whatever the schema coerces.
 */
export function wrongTypeValues(allowed: Set<string>): unknown[] {
  const numeric = allowed.has('number') || allowed.has('integer');
  const candidates: [string, unknown][] = [
    ['string', 'not-a-number-ü'],
    ['number', 123.5],
    ['boolean', true],
    ['null', null],
    ['array', ['x', 1]],
    ['object', { zz: 1 }],
  ];
  return candidates
    .filter(([t]) => !allowed.has(t) && !(t === 'number' && allowed.has('number')))
    .filter(([t]) => !(numeric && (t === 'null' || t === 'boolean')))
    .map(([, v]) => v);
}

/** Values of the right type that break a constraint (enum, format, pattern, length, range, item count). */
export function badValues(s: JsonSchema, schemas: Schemas): unknown[] {
  const r = schemas.firstShape(s);
  const out: unknown[] = [];
  if (Array.isArray(r.enum) && r.enum.every((e: unknown) => typeof e === 'string')) out.push('zz-not-in-enum');
  if (r.type === 'string') {
    if (r.format === 'uuid') out.push('not-a-uuid', '01234567-89ab-9def-0123-456789abcdef');
    if (r.format === 'date-time') out.push('2026-13-45T99:99:99Z');
    if (r.pattern && r.format !== 'uuid') out.push('\u0001 !');
    if (typeof r.minLength === 'number' && r.minLength > 0) out.push('');
    if (typeof r.maxLength === 'number' && r.maxLength < 100_000) out.push('x'.repeat(r.maxLength + 1));
  }
  if (r.type === 'integer' || r.type === 'number') {
    if (typeof r.minimum === 'number') out.push(r.minimum - 1);
    if (typeof r.maximum === 'number' && r.maximum < Number.MAX_SAFE_INTEGER) out.push(r.maximum + 1);
    if (r.type === 'integer') out.push(1.5);
  }
  if (r.type === 'array') {
    if (typeof r.minItems === 'number' && r.minItems > 0) out.push([]);
  }
  return out;
}

/** Sets a value at a path, making the objects and arrays on the way (never through __proto__). */
export function setAt(root: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  let node: any = root;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    const nextIsIndex = typeof path[i + 1] === 'number';
    if (node[k] === undefined || node[k] === null || typeof node[k] !== 'object') node[k] = nextIsIndex ? [] : {};
    node = node[k];
  }
  node[path[path.length - 1]!] = value;
  return root;
}

export function deleteAt(root: Record<string, unknown>, path: Path): Record<string, unknown> {
  let node: any = root;
  for (let i = 0; i < path.length - 1; i++) {
    node = node?.[path[i]!];
    if (node === undefined || node === null) return root;
  }
  if (node && typeof node === 'object') delete node[path[path.length - 1]!];
  return root;
}

export const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));
