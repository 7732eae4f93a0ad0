import type { Endpoint } from './endpoints';
import { baseInput, finish, objectSlots, target, type CaseDef } from './gen';
import { deepArray, deepObject, hole, PROTO, toJson } from './render';
import { badValues, clone, deleteAt, setAt, wrongTypeValues, type Field, type Path, type Schemas } from './schema';

/**
 * Request classes that break the JSON input itself, generated from each endpoint's schema: every field
 * with a wrong type, every required field missing, every constraint broken, extra fields, non-object
 * inputs, hostile nesting, NUL / lone surrogates / `__proto__` anywhere, sizes within and past the limits.
 */
const fieldCache = new Map<string, Field[]>();
function fieldsOf(e: Endpoint, s: Schemas): Field[] {
  if (!e.input) return [];
  let f = fieldCache.get(e.id);
  if (!f) fieldCache.set(e.id, (f = s.fields(e.input, 3)));
  return f;
}

/** (field, value) pairs, at most three values per field. */
function pairs(e: Endpoint, s: Schemas, values: (f: Field) => unknown[]): { field: Field; value: unknown }[] {
  const out: { field: Field; value: unknown }[] = [];
  for (const field of fieldsOf(e, s)) for (const value of values(field).slice(0, 3)) out.push({ field, value });
  return out;
}

const wrongPairs = (e: Endpoint, s: Schemas) => pairs(e, s, (f) => (f.allowed ? wrongTypeValues(f.allowed) : []));
const badPairs = (e: Endpoint, s: Schemas) => pairs(e, s, (f) => badValues(f.schema, s));
const fmt = (p: Path) => (p.length ? p.join('.') : '(input)');
const isGet = (e: Endpoint) => e.method === 'GET';
/** The request carries a body (REST other than GET; tRPC mutations). */
const hasBody = (e: Endpoint) => e.method !== 'GET';
/** The input is JSON this suite can shape (REST bodies, every tRPC input). */
const jsonInput = (e: Endpoint) => Boolean(e.input) && (e.surface === 'trpc' || hasBody(e));

const exists = (root: unknown, path: Path) => {
  let node: any = root;
  for (const k of path.slice(0, -1)) {
    node = node?.[k];
    if (node === undefined || node === null || typeof node !== 'object') return false;
  }
  return true;
};

export const inputCases: CaseDef[] = [
  {
    kind: 'wrong type',
    variants: (e, s) => (jsonInput(e) ? wrongPairs(e, s).length : 0),
    make: (e, s, ctx, v) => {
      const { field, value } = wrongPairs(e, s)[v]!;
      const t = target(e, ctx);
      const input = setAt(baseInput(e, s, ctx, t), field.path, clone(value));
      return finish(
        e,
        'wrong type',
        true,
        `${fmt(field.path)} = ${JSON.stringify(value)} (allowed: ${[...field.allowed!].join('|')})`,
        input,
        t,
      );
    },
  },
  {
    kind: 'bad value',
    variants: (e, s) => (jsonInput(e) ? badPairs(e, s).length : 0),
    make: (e, s, ctx, v) => {
      const { field, value } = badPairs(e, s)[v]!;
      const t = target(e, ctx);
      const input = setAt(baseInput(e, s, ctx, t), field.path, clone(value));
      return finish(e, 'bad value', true, `${fmt(field.path)} = ${JSON.stringify(value).slice(0, 60)}`, input, t);
    },
  },
  {
    kind: 'missing required',
    variants: (e, s) => (jsonInput(e) ? fieldsOf(e, s).filter((f) => f.required).length : 0),
    make: (e, s, ctx, v) => {
      const field = fieldsOf(e, s).filter((f) => f.required)[v]!;
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      // Only a field the base input holds: removing it from an absent optional parent removes nothing.
      if (!exists(base, field.path)) return null;
      return finish(e, 'missing required', true, `without ${fmt(field.path)}`, deleteAt(base, field.path), t);
    },
  },
  {
    kind: 'extra field',
    variants: (e) => (jsonInput(e) ? 4 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const slots = objectSlots(base);
      const slot = slots[v % slots.length]!;
      const key = ['zzExtra', '$where', '__id', 'admin'][v]!;
      const strict = slotSchema(e, s, slot)?.additionalProperties === false;
      return finish(
        e,
        'extra field',
        strict,
        `${fmt([...slot, key])} added${strict ? ' (strict object)' : ''}`,
        setAt(base, [...slot, key], 1),
        t,
      );
    },
  },
  {
    kind: 'not an object',
    variants: (e) => (e.hasInput && (e.surface === 'trpc' || hasBody(e)) ? 6 : 0),
    make: (e, _s, ctx, v) => {
      const value = [[], 'a string', 5, true, null, [{}]][v];
      return finish(e, 'not an object', e.hasInput, `input = ${JSON.stringify(value)}`, value, target(e, ctx));
    },
  },
  {
    kind: 'deep nesting',
    variants: (e) => (e.surface === 'trpc' || hasBody(e) ? 6 : 0),
    make: (e, s, ctx, v) => {
      // A query's input travels in the URL: depths that fit in 16 KiB there.
      const shapes = isGet(e)
        ? [
            () => deepObject(65),
            () => deepObject(200),
            () => deepArray(65),
            () => deepArray(1000),
            () => deepArray(2000),
            () => '{"a":['.repeat(100) + '1' + ']}'.repeat(100),
          ]
        : [
            () => deepObject(65),
            () => deepObject(1000),
            () => deepObject(100_000),
            () => deepArray(65),
            () => deepArray(100_000),
            () => '{"a":['.repeat(5000) + '1' + ']}'.repeat(5000),
          ];
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const fields = fieldsOf(e, s);
      const path = fields.length ? ctx.rng.pick(fields).path : ['zzDeep'];
      return finish(
        e,
        'deep nesting',
        true,
        `${fmt(path)} nested (shape ${v})`,
        setAt(base, path, hole(shapes[v]!())),
        t,
      );
    },
  },
  {
    kind: 'nesting within 64',
    variants: (e) => (e.surface === 'trpc' || hasBody(e) ? 1 : 0),
    make: (e, s, ctx) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const slot = ctx.rng.pick(objectSlots(base));
      return finish(
        e,
        'nesting within 64',
        false,
        `${fmt([...slot, 'zzDeep'])} nested 40 levels`,
        setAt(base, [...slot, 'zzDeep'], hole(deepObject(40))),
        t,
      );
    },
  },
  {
    kind: 'NUL / lone surrogate',
    variants: (e) => (e.surface === 'trpc' || hasBody(e) ? 6 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const bad = ['ok\ud800', '\udc00ok', 'a\u0000b', 'x\udbff'][v % 4]!;
      if (v < 3) {
        const strings = fieldsOf(e, s).filter((f) => f.allowed?.has('string'));
        const path = strings.length ? ctx.rng.pick(strings).path : ['zzText'];
        return finish(
          e,
          'NUL / lone surrogate',
          true,
          `${fmt(path)} = ${JSON.stringify(bad)}`,
          setAt(base, path, bad),
          t,
        );
      }
      const slot = ctx.rng.pick(objectSlots(base));
      const key = v === 5 ? 'k\u0000' : bad;
      return finish(
        e,
        'NUL / lone surrogate',
        true,
        `key ${JSON.stringify(key)} in ${fmt(slot)}`,
        setAt(base, [...slot, key], 1),
        t,
      );
    },
  },
  {
    kind: '__proto__ key',
    variants: (e) => (e.surface === 'trpc' || hasBody(e) ? 4 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const slots = objectSlots(base);
      const slot = v === 0 ? [] : slots[v % slots.length]!;
      const value = v === 3 ? { isAdmin: true, projectId: ctx.b.id } : v === 2 ? [] : {};
      return finish(e, '__proto__ key', true, `__proto__ in ${fmt(slot)}`, setAt(base, [...slot, PROTO], value), t);
    },
  },
  {
    kind: 'constructor / prototype keys',
    variants: (e) => (e.surface === 'trpc' || hasBody(e) ? 3 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const slot = ctx.rng.pick(objectSlots(base));
      const [key, value] = (
        [
          ['constructor', { prototype: { polluted: 1 } }],
          ['prototype', { polluted: 1 }],
          ['constructor', 'x'],
        ] as const
      )[v]!;
      return finish(
        e,
        'constructor / prototype keys',
        false,
        `${key} in ${fmt(slot)}`,
        setAt(base, [...slot, key], clone(value)),
        t,
      );
    },
  },
  {
    kind: 'huge string',
    heavy: true,
    variants: (e) => (e.surface === 'trpc' || hasBody(e) ? 2 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const strings = fieldsOf(e, s).filter((f) => f.allowed?.has('string'));
      const path = strings.length ? ctx.rng.pick(strings).path : ['zzText'];
      // Past the limit (413); within it (a GET's URL: past 16 KiB, so 431).
      const size = v === 0 ? ctx.maxBody + 10_000 : isGet(e) ? 20_000 : Math.floor(ctx.maxBody * 0.4);
      const mustReject = v === 0 || isGet(e);
      return finish(
        e,
        'huge string',
        mustReject,
        `${fmt(path)} = ${size} characters`,
        setAt(base, path, 'x'.repeat(size)),
        t,
      );
    },
  },
  {
    kind: 'huge array',
    heavy: true,
    variants: (e) => (e.surface === 'trpc' || hasBody(e) ? 2 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      const arrays = fieldsOf(e, s).filter((f) => f.allowed?.has('array'));
      const path = arrays.length ? ctx.rng.pick(arrays).path : ['zzList'];
      const n = v === 0 ? Math.ceil(ctx.maxBody / 2) + 1000 : isGet(e) ? 5000 : 50_000;
      const mustReject = v === 0 || isGet(e);
      return finish(
        e,
        'huge array',
        mustReject,
        `${fmt(path)} = [0 × ${n}]`,
        setAt(base, path, hole(`[${'0,'.repeat(n - 1)}0]`)),
        t,
      );
    },
  },
  {
    kind: 'body over the limit',
    heavy: true,
    variants: (e) => (hasBody(e) ? 3 : 0),
    make: (e, s, ctx, v) => {
      const t = target(e, ctx);
      const base = baseInput(e, s, ctx, t);
      // Just over (1..4096 bytes), with a declared length and chunked; and chunked, a whole limit over.
      const over = v === 2 ? ctx.maxBody : ctx.rng.range(1, 4096);
      const text = padTo(toJson(base), ctx.maxBody + over);
      const body = v === 0 ? { kind: 'text' as const, text } : { kind: 'chunked' as const, text };
      return finish(
        e,
        'body over the limit',
        true,
        `${text.length} bytes (${over} over), ${v === 0 ? 'content-length' : 'chunked'}`,
        base,
        t,
        { body },
      );
    },
  },
];

/** The schema of the object at `slot` in the endpoint's input (top level: the input itself). */
function slotSchema(e: Endpoint, s: Schemas, slot: Path) {
  if (!e.input) return undefined;
  let node = s.objectPart(e.input);
  for (const k of slot) {
    node = typeof k === 'number' ? s.firstShape(node.items ?? {}) : s.firstShape(node.properties?.[k] ?? {});
  }
  return node;
}

/** JSON text of exactly `size` bytes: an extra padding member (ASCII, so bytes = characters). */
function padTo(json: string, size: number): string {
  const head = '{"zzPad":"';
  const tail = json.startsWith('{') && json.length > 2 ? `",${json.slice(1)}` : '"}';
  return head + 'x'.repeat(Math.max(0, size - head.length - tail.length)) + tail;
}
