/**
 * TEST-ONLY. A small in-memory reference evaluator of the SearchQuery `where` / `labels` / `orderBy` /
 * `skip` / `limit` semantics, written from the documented semantics (issue 4, DESIGN.md §4) and
 * independently of the SQL compiler: it shares no code with server/db or the parser, so the
 * differential test (differential.int.test.ts) compares two implementations, not one twice.
 * It lives in server/test, outside the production tree; only tests import it.
 *
 * Covered: flat records (no nested objects), the where grammar ($and $or $nor $xor $not $id, property
 * operators, related-records blocks with $relation type/direction/hops and $alias), typed orderBy
 * (numbers, datetimes, booleans, strings, then nulls/missing/other; ties by id ascending), paging, and
 * the system timestamps: `__createdAt` / `__updatedAt` always, `createdAt` / `updatedAt` for a record
 * without such a property (docs/query-language.md, "System timestamps").
 * Not covered: select, groupBy, aggregation, vectors.
 */

export type RefScalar = string | number | boolean | null;
export type RefValue = RefScalar | string[] | number[] | boolean[] | [];
/** `createdAt` / `updatedAt`: the record's system timestamps as the engine returned them (ISO-8601). */
export type RefRecord = {
  id: string;
  label: string;
  data: Record<string, RefValue>;
  createdAt: string;
  updatedAt: string;
};
export type RefEdge = { source: string; target: string; type: string };
export type RefWhere = Record<string, unknown>;
export type RefQuery = {
  labels?: string[];
  where?: RefWhere;
  orderBy?: 'asc' | 'desc' | Record<string, 'asc' | 'desc'>;
  skip?: number;
  limit?: number;
};

/** The reference refuses what it does not understand, so a generator bug cannot pass silently. */
export class RefError extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is RefScalar => v === null || ['string', 'number', 'boolean'].includes(typeof v);

// ---------------------------------------------------------------------------------------------
// Types and datetimes

/** `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`. */
const DT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** The instant (ms since the epoch, UTC) of a datetime string, or undefined when it is not one. */
export function parseDatetime(s: string): number | undefined {
  const m = DT_RE.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, sec] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  const daysInMonth = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth[mo - 1]! || h > 23 || mi > 59 || sec > 59) return undefined;
  let offsetMin = 0;
  const off = m[8];
  if (off && off !== 'Z') {
    const oh = Number(off.slice(1, 3));
    const om = Number(off.slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (off[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, sec, ms);
  return date.getTime() - offsetMin * 60_000;
}

export const isDatetime = (s: string) => parseDatetime(s) !== undefined;

/** The stored type of a flat JSON value. */
export function typeOf(v: RefValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    if (v.length === 0) return 'array';
    const first = v[0];
    if (typeof first === 'string') return (v as string[]).every(isDatetime) ? 'datetime[]' : 'string[]';
    return `${typeof first}[]`;
  }
  if (typeof v === 'string') return isDatetime(v) ? 'datetime' : 'string';
  return typeof v;
}

/** UTF-8 byte order (code point order; equal to it for well-formed strings). */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

// ---------------------------------------------------------------------------------------------
// Conditions on one record

/** The values a typed operator looks at: the scalar when its type is one of `types`, or the elements of a `t[]`. */
function typedValues(rec: RefRecord, prop: string, types: string[]): RefScalar[] {
  if (!(prop in rec.data)) return [];
  const v = rec.data[prop]!;
  const t = typeOf(v);
  if (types.includes(t)) return [v as RefScalar];
  if (types.some((x) => `${x}[]` === t)) return v as RefScalar[];
  return [];
}

function scalarEquals(a: RefScalar, b: RefScalar): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  return a === b;
}

function eq(rec: RefRecord, prop: string, v: RefScalar): boolean {
  if (!(prop in rec.data)) return false;
  const stored = rec.data[prop]!;
  if (Array.isArray(stored)) return v !== null && (stored as RefScalar[]).some((el) => scalarEquals(el, v));
  return scalarEquals(stored, v);
}

type Cmp = '$gt' | '$gte' | '$lt' | '$lte';
const CMP_OPS = ['$gt', '$gte', '$lt', '$lte'];
function cmpHolds(op: Cmp, c: number): boolean {
  switch (op) {
    case '$gt':
      return c > 0;
    case '$gte':
      return c >= 0;
    case '$lt':
      return c < 0;
    case '$lte':
      return c <= 0;
  }
}
const sign = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

function compare(rec: RefRecord, prop: string, op: Cmp, operand: unknown): boolean {
  if (typeof operand === 'number') {
    return typedValues(rec, prop, ['number']).some((x) => cmpHolds(op, sign(x as number, operand)));
  }
  if (typeof operand === 'boolean') {
    return typedValues(rec, prop, ['boolean']).some((x) => cmpHolds(op, sign(Number(x), Number(operand))));
  }
  if (typeof operand === 'string') {
    const instant = parseDatetime(operand);
    if (instant !== undefined) {
      return typedValues(rec, prop, ['datetime']).some((x) => cmpHolds(op, sign(parseDatetime(x as string)!, instant)));
    }
    return typedValues(rec, prop, ['string']).some((x) => cmpHolds(op, compareBytes(x as string, operand)));
  }
  throw new RefError(`${op} takes a number, string or boolean`);
}

function text(rec: RefRecord, prop: string, op: string, operand: unknown): boolean {
  if (typeof operand !== 'string') throw new RefError(`${op} takes a string`);
  // Case-insensitive; the generated strings are ASCII, where lower-casing is locale-independent.
  const needle = operand.toLowerCase();
  return typedValues(rec, prop, ['string', 'datetime']).some((x) => {
    const hay = (x as string).toLowerCase();
    if (op === '$contains') return hay.includes(needle);
    if (op === '$startsWith') return hay.startsWith(needle);
    return hay.endsWith(needle);
  });
}

const PARTS: Record<string, (d: Date) => number> = {
  $year: (d) => d.getUTCFullYear(),
  $month: (d) => d.getUTCMonth() + 1,
  $day: (d) => d.getUTCDate(),
  $hour: (d) => d.getUTCHours(),
  $minute: (d) => d.getUTCMinutes(),
  $second: (d) => d.getUTCSeconds(),
};

function part(rec: RefRecord, prop: string, op: string, operand: unknown): boolean {
  const get = PARTS[op]!;
  const values = typedValues(rec, prop, ['datetime']).map((x) => get(new Date(parseDatetime(x as string)!)));
  if (typeof operand === 'number') return values.some((x) => x === operand);
  if (!isObject(operand) || Object.keys(operand).length === 0)
    throw new RefError(`${op} takes a number or a comparison object`);
  // Each comparison is its own condition over the array (like the other operators ANDed in one object).
  return Object.entries(operand).every(([cmp, n]) => {
    if (typeof n !== 'number') throw new RefError(`${op}.${cmp} takes a number`);
    if (cmp === '$eq') return values.some((x) => x === n);
    if (cmp === '$ne') return !values.some((x) => x === n);
    if (CMP_OPS.includes(cmp)) return values.some((x) => cmpHolds(cmp as Cmp, sign(x, n)));
    throw new RefError(`unknown comparison ${cmp}`);
  });
}

function operator(rec: RefRecord, prop: string, op: string, operand: unknown): boolean {
  switch (op) {
    case '$eq':
    case '$ne': {
      if (!isScalar(operand)) throw new RefError(`${op} takes a scalar`);
      const r = eq(rec, prop, operand);
      return op === '$eq' ? r : !r;
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand) || !operand.every(isScalar)) throw new RefError(`${op} takes an array of scalars`);
      const r = operand.some((v) => eq(rec, prop, v));
      return op === '$in' ? r : !r;
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte':
      return compare(rec, prop, op, operand);
    case '$contains':
    case '$startsWith':
    case '$endsWith':
      return text(rec, prop, op, operand);
    case '$exists':
      if (typeof operand !== 'boolean') throw new RefError('$exists takes a boolean');
      return prop in rec.data === operand;
    case '$type':
      return prop in rec.data && typeOf(rec.data[prop]!) === operand;
  }
  if (op in PARTS) return part(rec, prop, op, operand);
  throw new RefError(`unknown operator ${op}`);
}

// ---------------------------------------------------------------------------------------------
// System timestamps

const RESERVED: Record<string, 'createdAt' | 'updatedAt'> = { __createdAt: 'createdAt', __updatedAt: 'updatedAt' };
const FALLBACK: Record<string, 'createdAt' | 'updatedAt'> = { createdAt: 'createdAt', updatedAt: 'updatedAt' };

/** The timestamp a key reads on this record: always for a reserved name, for a fallback name only when the record lacks the property. */
function stampOf(rec: RefRecord, key: string): string | undefined {
  if (Object.hasOwn(RESERVED, key)) return rec[RESERVED[key]!];
  if (Object.hasOwn(FALLBACK, key) && !(key in rec.data)) return rec[FALLBACK[key]!];
  return undefined;
}

/** A timestamp is a datetime that is never missing: instants compare, its text is the ISO-8601 form, its type is datetime. */
function stampOperator(iso: string, op: string, operand: unknown): boolean {
  const t = parseDatetime(iso);
  if (t === undefined) throw new RefError(`not a timestamp: ${iso}`);
  const same = (v: unknown) => typeof v === 'string' && parseDatetime(v) === t;
  switch (op) {
    case '$eq':
    case '$ne':
      if (!isScalar(operand)) throw new RefError(`${op} takes a scalar`);
      return op === '$eq' ? same(operand) : !same(operand);
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand) || !operand.every(isScalar)) throw new RefError(`${op} takes an array of scalars`);
      const hit = operand.some(same);
      return op === '$in' ? hit : !hit;
    }
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      if (!['number', 'string', 'boolean'].includes(typeof operand))
        throw new RefError(`${op} takes a number, string or boolean`);
      const other = typeof operand === 'string' ? parseDatetime(operand) : undefined;
      return other !== undefined && cmpHolds(op, sign(t, other));
    }
    case '$contains':
    case '$startsWith':
    case '$endsWith': {
      if (typeof operand !== 'string') throw new RefError(`${op} takes a string`);
      const [hay, needle] = [iso.toLowerCase(), operand.toLowerCase()];
      return op === '$contains'
        ? hay.includes(needle)
        : op === '$startsWith'
          ? hay.startsWith(needle)
          : hay.endsWith(needle);
    }
    case '$exists':
      if (typeof operand !== 'boolean') throw new RefError('$exists takes a boolean');
      return operand;
    case '$type':
      return operand === 'datetime';
  }
  if (op in PARTS) {
    const x = PARTS[op]!(new Date(t));
    if (typeof operand === 'number') return x === operand;
    if (!isObject(operand) || Object.keys(operand).length === 0)
      throw new RefError(`${op} takes a number or a comparison object`);
    return Object.entries(operand).every(([cmp, n]) => {
      if (typeof n !== 'number') throw new RefError(`${op}.${cmp} takes a number`);
      if (cmp === '$eq') return x === n;
      if (cmp === '$ne') return x !== n;
      if (CMP_OPS.includes(cmp)) return cmpHolds(cmp as Cmp, sign(x, n));
      throw new RefError(`unknown comparison ${cmp}`);
    });
  }
  throw new RefError(`unknown operator ${op}`);
}

function stampMatches(iso: string, value: unknown): boolean {
  if (isScalar(value)) return stampOperator(iso, '$eq', value);
  if (!isObject(value)) throw new RefError('bad condition on a timestamp');
  return Object.entries(value).every(([op, operand]) => stampOperator(iso, op, operand));
}

// ---------------------------------------------------------------------------------------------
// Related records

/** A label key opens a block when its value is an object that is not purely operators. */
export function isBlock(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 0 || keys.some((k) => k === '$relation' || k === '$alias' || !k.startsWith('$'));
}

type Relation = { type?: string; direction: 'out' | 'in' | 'any'; min: number; max: number };

function relation(rel: unknown): Relation {
  if (rel === undefined) return { direction: 'any', min: 1, max: 1 };
  if (typeof rel === 'string') return { type: rel, direction: 'any', min: 1, max: 1 };
  if (!isObject(rel)) throw new RefError('$relation is a string or an object');
  const r: Relation = { direction: 'any', min: 1, max: 1 };
  if (rel.type !== undefined) r.type = String(rel.type);
  if (rel.direction !== undefined) {
    if (rel.direction !== 'in' && rel.direction !== 'out') throw new RefError('bad direction');
    r.direction = rel.direction;
  }
  const hops = rel.hops;
  if (typeof hops === 'number') [r.min, r.max] = [hops, hops];
  else if (isObject(hops)) {
    if (hops.min === undefined && hops.max !== undefined) [r.min, r.max] = [1, Number(hops.max)];
    else if (hops.min !== undefined && hops.max !== undefined) [r.min, r.max] = [Number(hops.min), Number(hops.max)];
    else throw new RefError('the reference takes hops as n, { max } or { min, max }');
  } else if (hops !== undefined) throw new RefError('bad hops');
  return r;
}

export class Dataset {
  readonly byId = new Map<string, RefRecord>();
  /** Neighbours by direction of travel: `out` follows source → target, `in` target → source. */
  private readonly adj = { out: new Map<string, RefEdge[]>(), in: new Map<string, RefEdge[]>() };

  constructor(
    readonly records: RefRecord[],
    readonly edges: RefEdge[],
  ) {
    for (const r of records) this.byId.set(r.id, r);
    for (const e of edges) {
      if (!this.adj.out.has(e.source)) this.adj.out.set(e.source, []);
      if (!this.adj.in.has(e.target)) this.adj.in.set(e.target, []);
      this.adj.out.get(e.source)!.push(e);
      this.adj.in.get(e.target)!.push(e);
    }
  }

  /** Ids at the end of some walk of exactly k steps from `start`, for each k in [min, max]. */
  reachable(start: string, rel: Relation): Set<string> {
    const found = new Set<string>();
    let frontier = new Set([start]);
    for (let k = 1; k <= rel.max; k++) {
      const next = new Set<string>();
      for (const id of frontier) {
        if (rel.direction !== 'in')
          for (const e of this.adj.out.get(id) ?? [])
            if (rel.type === undefined || e.type === rel.type) next.add(e.target);
        if (rel.direction !== 'out')
          for (const e of this.adj.in.get(id) ?? [])
            if (rel.type === undefined || e.type === rel.type) next.add(e.source);
      }
      if (k >= rel.min) for (const id of next) found.add(id);
      frontier = next;
    }
    return found;
  }

  // -------------------------------------------------------------------------------------------
  // where

  matches(rec: RefRecord, where: unknown): boolean {
    if (!isObject(where)) throw new RefError('a filter is an object');
    return Object.entries(where).every(([k, v]) => this.entry(rec, k, v));
  }

  private list(rec: RefRecord, value: unknown): boolean[] {
    if (Array.isArray(value)) return value.map((w) => this.matches(rec, w));
    if (isObject(value)) return Object.entries(value).map(([k, v]) => this.entry(rec, k, v));
    throw new RefError('a logical operator takes an array or an object');
  }

  private entry(rec: RefRecord, key: string, value: unknown): boolean {
    switch (key) {
      case '$and':
        return this.list(rec, value).every(Boolean);
      case '$or':
        return this.list(rec, value).some(Boolean);
      case '$nor':
        return !this.list(rec, value).some(Boolean);
      case '$xor':
        return this.list(rec, value).filter(Boolean).length === 1;
      case '$not':
        return !this.matches(rec, value);
      case '$id':
        return this.id(rec, value);
    }
    if (key.startsWith('$')) throw new RefError(`unknown key ${key}`);
    if (Object.hasOwn(RESERVED, key) && isBlock(value)) throw new RefError(`${key} is a timestamp, not a label`);
    if (isBlock(value)) return this.related(rec, key, value);
    const stamp = stampOf(rec, key);
    if (stamp !== undefined) return stampMatches(stamp, value);
    if (isScalar(value)) return eq(rec, key, value);
    if (!isObject(value)) throw new RefError(`bad condition on ${key}`);
    return Object.entries(value).every(([op, operand]) => operator(rec, key, op, operand));
  }

  private id(rec: RefRecord, value: unknown): boolean {
    const norm = (v: unknown) => String(v).toLowerCase();
    if (typeof value === 'string') return rec.id === norm(value);
    if (isObject(value) && Object.keys(value).length === 1) {
      const [op, operand] = Object.entries(value)[0]!;
      if (op === '$eq') return rec.id === norm(operand);
      if (op === '$ne') return rec.id !== norm(operand);
      if ((op === '$in' || op === '$nin') && Array.isArray(operand)) {
        const hit = operand.some((v) => rec.id === norm(v));
        return op === '$in' ? hit : !hit;
      }
    }
    throw new RefError('bad $id');
  }

  private related(rec: RefRecord, label: string, block: Record<string, unknown>): boolean {
    const rel = relation(block.$relation);
    const inner = Object.fromEntries(Object.entries(block).filter(([k]) => k !== '$relation' && k !== '$alias'));
    for (const id of this.reachable(rec.id, rel)) {
      const t = this.byId.get(id)!;
      if (t.label === label && this.matches(t, inner)) return true;
    }
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // search

  search(q: RefQuery): { ids: string[]; total: number } {
    // Undocumented corners the reference will not guess at.
    if (q.labels && q.labels.length === 0) throw new RefError('labels: [] is not specified');
    if (typeof q.orderBy === 'object' && Object.keys(q.orderBy).length === 0)
      throw new RefError('orderBy: {} is not specified');
    let hits = this.records.filter(
      (r) => (!q.labels || q.labels.includes(r.label)) && (q.where === undefined || this.matches(r, q.where)),
    );
    hits = [...hits].sort(this.comparator(q.orderBy));
    const skip = q.skip ?? 0;
    const limit = q.limit ?? 100;
    return { ids: hits.slice(skip, skip + limit).map((r) => r.id), total: hits.length };
  }

  private comparator(orderBy: RefQuery['orderBy']): (a: RefRecord, b: RefRecord) => number {
    const byId = (a: RefRecord, b: RefRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    if (orderBy === undefined) return (a, b) => -byId(a, b);
    if (orderBy === 'asc') return byId;
    if (orderBy === 'desc') return (a, b) => -byId(a, b);
    const terms = Object.entries(orderBy);
    return (a, b) => {
      for (const [prop, dir] of terms) {
        const ka = sortKey(a, prop);
        const kb = sortKey(b, prop);
        if (ka.group !== kb.group) return ka.group - kb.group;
        const c = compareKeys(ka, kb);
        if (c !== 0) return dir === 'asc' ? c : -c;
      }
      return byId(a, b);
    };
  }
}

/** Typed order: numbers, then datetimes, then booleans, then strings; anything else (missing, null, arrays) last. */
type SortKey =
  { group: 0; v: number } | { group: 1; v: number } | { group: 2; v: number } | { group: 3; v: string } | { group: 4 };
function sortKey(rec: RefRecord, prop: string): SortKey {
  const stamp = stampOf(rec, prop);
  if (stamp !== undefined) return { group: 1, v: parseDatetime(stamp)! };
  if (!(prop in rec.data)) return { group: 4 };
  const v = rec.data[prop]!;
  switch (typeOf(v)) {
    case 'number':
      return { group: 0, v: v as number };
    case 'datetime':
      return { group: 1, v: parseDatetime(v as string)! };
    case 'boolean':
      return { group: 2, v: Number(v) };
    case 'string':
      return { group: 3, v: v as string };
    default:
      return { group: 4 };
  }
}
function compareKeys(a: SortKey, b: SortKey): number {
  if (a.group === 4 || b.group === 4) return 0;
  if (a.group === 3 && b.group === 3) return compareBytes(a.v, b.v);
  return sign(a.v as number, b.v as number);
}
