import { DomainError } from '@/server/errors';
import type { CmpOp, Cond, DatePart, Direction, OrderTerm, Scalar, TextOp, ValueKind } from '@/server/db';
import { isDatetimeString } from '../datetime';
import { fallbackColumnOf, fieldOf, systemColumnOf, type SysColumn } from './fields';
import { QUERY_LIMITS, type TSearchQuery } from './query.schema';

/**
 * Parses a user `where` into the condition tree the SQL compiler takes, checking every operator and
 * operand and reporting the JSON path of anything refused. Limits (depth, node count, $in size, hops)
 * are enforced here, before any SQL exists.
 */
type Path = (string | number)[];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const LOGIC_OPS = ['$and', '$or', '$not', '$nor', '$xor'] as const;
export const FIELD_OPS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$contains',
  '$startsWith',
  '$endsWith',
  '$exists',
  '$type',
  '$year',
  '$month',
  '$day',
  '$hour',
  '$minute',
  '$second',
] as const;
export const RELATION_KEYS = ['$relation', '$alias'] as const;
const CMP: Record<string, CmpOp> = { $gt: 'gt', $gte: 'gte', $lt: 'lt', $lte: 'lte' };
const TEXT: Record<string, TextOp> = { $contains: 'contains', $startsWith: 'startsWith', $endsWith: 'endsWith' };
const PARTS: Record<string, DatePart> = {
  $year: 'year',
  $month: 'month',
  $day: 'day',
  $hour: 'hour',
  $minute: 'minute',
  $second: 'second',
};
const TYPES = [
  'string',
  'number',
  'boolean',
  'datetime',
  'null',
  'string[]',
  'number[]',
  'boolean[]',
  'datetime[]',
  'array',
  'vector',
];

const invalid = (path: Path, message: string, expected: string, got?: unknown) =>
  new DomainError('INVALID', `${message} at ${path.join('.')}`, {
    path,
    expected,
    got: typeof got === 'object' && got !== null ? JSON.stringify(got).slice(0, 100) : got,
  });
const limit = (path: Path, message: string, value: number) =>
  new DomainError('LIMIT_EXCEEDED', `${message} at ${path.join('.')}`, { path, limit: value });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A property condition is an object of operators only; any other object is a related-records block. */
export function isRelationBlock(v: unknown): v is Record<string, unknown> {
  if (!isObject(v)) return false;
  const keys = Object.keys(v);
  return (
    keys.length === 0 ||
    keys.some(
      (k) =>
        !k.startsWith('$') ||
        k === '$relation' ||
        k === '$alias' ||
        (LOGIC_OPS as readonly string[]).includes(k) ||
        k === '$id',
    )
  );
}

export type ParseOptions = { maxHops: number };
export type Aliases = Map<string, { label: string; cond: Extract<Cond, { kind: 'related' }>; topLevel: boolean }>;

class WhereParser {
  private nodes = 0;
  private relDepth = 0;
  readonly aliases: Aliases = new Map();
  constructor(private readonly opts: ParseOptions) {}

  private tick(path: Path, depth: number) {
    if (++this.nodes > QUERY_LIMITS.maxNodes)
      throw limit(path, `The filter has more than ${QUERY_LIMITS.maxNodes} conditions`, QUERY_LIMITS.maxNodes);
    if (depth > QUERY_LIMITS.maxDepth)
      throw limit(path, `The filter is nested deeper than ${QUERY_LIMITS.maxDepth} levels`, QUERY_LIMITS.maxDepth);
  }

  block(where: unknown, path: Path, depth: number, skip: readonly string[] = []): Cond {
    if (!isObject(where)) throw invalid(path, 'A filter must be an object', 'object', describe(where));
    const items = Object.entries(where)
      .filter(([k]) => !skip.includes(k))
      .map(([key, value]) => this.entry(key, value, [...path, key], depth));
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  /** $and/$or/... take an array of filters, or an object whose entries are the filters. */
  private list(value: unknown, path: Path, depth: number): Cond[] {
    if (Array.isArray(value)) return value.map((v, i) => this.block(v, [...path, i], depth + 1));
    if (isObject(value)) return Object.entries(value).map(([k, v]) => this.entry(k, v, [...path, k], depth + 1));
    throw invalid(path, 'Expected an array of filters', 'array or object', describe(value));
  }

  private entry(key: string, value: unknown, path: Path, depth: number): Cond {
    this.tick(path, depth);
    switch (key) {
      case '$and':
        return { kind: 'and', items: this.list(value, path, depth) };
      case '$or':
        return { kind: 'or', items: this.list(value, path, depth) };
      case '$nor':
        return { kind: 'nor', items: this.list(value, path, depth) };
      case '$xor':
        return { kind: 'xor', items: this.list(value, path, depth) };
      case '$not':
        return { kind: 'not', item: this.block(value, path, depth + 1) };
      case '$id':
        return this.id(value, path);
    }
    if (key.startsWith('$'))
      throw invalid(path, `Unknown operator ${key}`, `${LOGIC_OPS.join(', ')}, $id, a property name or a label`, key);
    const sys = systemColumnOf(key);
    if (sys) return this.timestamp(key, sys, value, path);
    if (isRelationBlock(value)) return this.related(key, value, path, depth);
    const cond = this.property(key, value, path);
    const fallback = fallbackColumnOf(key);
    // The record's own property when it has one (even null), else the timestamp: data as written is never shadowed.
    return fallback ? { kind: 'ifProp', prop: key, then: cond, else: onTimestamp(cond, fallback) } : cond;
  }

  /** `__createdAt` / `__updatedAt`: the same operators as on a datetime property, with datetime operands only. */
  private timestamp(key: string, col: SysColumn, value: unknown, path: Path): Cond {
    if (isRelationBlock(value))
      throw invalid(
        path,
        `${key} is a system timestamp: give a datetime or operators`,
        'a datetime condition',
        describe(value),
      );
    const datetime = (v: unknown, at: Path) => {
      if (typeof v !== 'string' || !isDatetimeString(v))
        throw invalid(
          at,
          `${key} compares with an ISO-8601 datetime`,
          'a datetime string',
          typeof v === 'string' ? v : describe(v),
        );
    };
    if (isScalar(value)) datetime(value, path);
    else if (isObject(value)) {
      for (const [op, operand] of Object.entries(value)) {
        if (['$eq', '$ne', '$gt', '$gte', '$lt', '$lte'].includes(op)) datetime(operand, [...path, op]);
        else if ((op === '$in' || op === '$nin') && Array.isArray(operand))
          operand.forEach((v, i) => datetime(v, [...path, op, i]));
      }
    }
    return onTimestamp(this.property(key, value, path), col);
  }

  private id(value: unknown, path: Path): Cond {
    const check = (v: unknown, p: Path) => {
      if (typeof v !== 'string' || !UUID_RE.test(v)) throw invalid(p, 'A record id must be a UUID', 'uuid', v);
      return v.toLowerCase();
    };
    if (typeof value === 'string') return { kind: 'id', ids: [check(value, path)] };
    if (isObject(value) && Object.keys(value).length === 1) {
      const [op, operand] = Object.entries(value)[0]!;
      const at = [...path, op];
      if (op === '$eq') return { kind: 'id', ids: [check(operand, at)] };
      if (op === '$ne') return { kind: 'not', item: { kind: 'id', ids: [check(operand, at)] } };
      if (op === '$in' || op === '$nin') {
        const ids = this.inList(operand, at).map((v, i) => check(v, [...at, i]));
        return op === '$in' ? { kind: 'id', ids } : { kind: 'not', item: { kind: 'id', ids } };
      }
    }
    throw invalid(path, '$id takes an id or one of { $eq, $ne, $in, $nin }', 'uuid or { $in: uuid[] }', value);
  }

  private inList(value: unknown, path: Path): Scalar[] {
    if (!Array.isArray(value)) throw invalid(path, 'Expected an array of values', 'array', describe(value));
    if (value.length > QUERY_LIMITS.maxIn)
      throw limit(path, `More than ${QUERY_LIMITS.maxIn} values`, QUERY_LIMITS.maxIn);
    value.forEach((v, i) => {
      if (!isScalar(v))
        throw invalid([...path, i], 'Values must be strings, numbers, booleans or null', 'a scalar', describe(v));
    });
    return value as Scalar[];
  }

  private related(label: string, block: Record<string, unknown>, path: Path, depth: number): Cond {
    if (label.length > 128) throw invalid(path, 'A label has at most 128 characters', 'label', label.slice(0, 40));
    let types: string[] | undefined;
    let direction: Direction = 'any';
    let minHops = 1;
    let maxHops = 1;
    const rel = block.$relation;
    const at = [...path, '$relation'];
    if (typeof rel === 'string') types = [rel];
    else if (isObject(rel)) {
      for (const k of Object.keys(rel))
        if (!['type', 'direction', 'hops'].includes(k))
          throw invalid([...at, k], `Unknown $relation field ${k}`, 'type, direction or hops', k);
      if (rel.type !== undefined) {
        if (typeof rel.type === 'string' && rel.type.length > 0) types = [rel.type];
        else if (
          Array.isArray(rel.type) &&
          rel.type.length > 0 &&
          rel.type.every((t) => typeof t === 'string' && t.length > 0)
        )
          types = rel.type as string[];
        else
          throw invalid(
            [...at, 'type'],
            'A relationship type is a non-empty string (or an array of them)',
            'string',
            rel.type,
          );
      }
      if (rel.direction !== undefined) {
        if (rel.direction !== 'in' && rel.direction !== 'out')
          throw invalid(
            [...at, 'direction'],
            'direction is "in" or "out" (omit it for both)',
            '"in" | "out"',
            rel.direction,
          );
        direction = rel.direction;
      }
      if (rel.hops !== undefined) [minHops, maxHops] = this.hops(rel.hops, [...at, 'hops']);
    } else if (rel !== undefined)
      throw invalid(at, '$relation is a type or { type, direction, hops }', 'string or object', describe(rel));

    let alias: string | undefined;
    if (block.$alias !== undefined) {
      if (
        typeof block.$alias !== 'string' ||
        !/^\$[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(block.$alias) ||
        block.$alias === '$record'
      ) {
        throw invalid([...path, '$alias'], 'An alias looks like "$name" (not $record)', '"$name"', block.$alias);
      }
      alias = block.$alias;
      if (this.aliases.has(alias))
        throw invalid([...path, '$alias'], `The alias ${alias} is used twice`, 'a unique alias', alias);
    }
    const rest = Object.keys(block).filter((k) => k !== '$relation' && k !== '$alias');
    const topLevel = this.relDepth === 0;
    this.relDepth++;
    const where = rest.length > 0 ? this.block(block, path, depth + 1, RELATION_KEYS) : undefined;
    this.relDepth--;
    const cond: Extract<Cond, { kind: 'related' }> = {
      kind: 'related',
      label,
      types,
      direction,
      minHops,
      maxHops,
      where,
      alias,
    };
    if (alias) this.aliases.set(alias, { label, cond, topLevel });
    return cond;
  }

  private hops(v: unknown, path: Path): [number, number] {
    const int = (x: unknown, p: Path) => {
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 1)
        throw invalid(p, 'Hops are whole numbers from 1', 'integer ≥ 1', x);
      if (x > this.opts.maxHops) throw limit(p, `At most ${this.opts.maxHops} hops`, this.opts.maxHops);
      return x;
    };
    if (typeof v === 'number') {
      const n = int(v, path);
      return [n, n];
    }
    if (isObject(v)) {
      for (const k of Object.keys(v))
        if (k !== 'min' && k !== 'max') throw invalid([...path, k], 'hops takes min and max', 'min, max', k);
      const min = v.min === undefined ? 1 : int(v.min, [...path, 'min']);
      const max = v.max === undefined ? Math.max(min, 1) : int(v.max, [...path, 'max']);
      if (min > max) throw invalid(path, 'hops.min is greater than hops.max', 'min ≤ max', v);
      return [min, max];
    }
    throw invalid(path, 'hops is a number or { min, max }', 'number or object', describe(v));
  }

  private property(prop: string, value: unknown, path: Path): Cond {
    if (prop.length > 256) throw invalid(path, 'A property name has at most 256 characters', 'name', prop.slice(0, 40));
    if (isScalar(value)) return { kind: 'eq', prop, value };
    if (Array.isArray(value))
      throw invalid(
        path,
        'Compare with one value, or list several with { "$in": [...] }',
        'a value or an operator object',
        'array',
      );
    if (!isObject(value))
      throw invalid(path, 'Unsupported condition', 'a value or an operator object', describe(value));
    const ops = Object.entries(value).map(([op, operand]) => this.operator(prop, op, operand, [...path, op]));
    return ops.length === 1 ? ops[0]! : { kind: 'and', items: ops };
  }

  private operator(prop: string, op: string, operand: unknown, at: Path): Cond {
    switch (op) {
      case '$eq':
      case '$ne': {
        if (!isScalar(operand))
          throw invalid(at, `${op} takes a string, number, boolean or null`, 'a scalar', describe(operand));
        const eq: Cond = { kind: 'eq', prop, value: operand };
        return op === '$eq' ? eq : { kind: 'not', item: eq };
      }
      case '$in':
      case '$nin': {
        const c: Cond = { kind: 'in', prop, values: this.inList(operand, at) };
        return op === '$in' ? c : { kind: 'not', item: c };
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        let as: ValueKind;
        if (typeof operand === 'number' && Number.isFinite(operand)) as = 'number';
        else if (typeof operand === 'boolean') as = 'boolean';
        else if (typeof operand === 'string') as = isDatetimeString(operand) ? 'datetime' : 'string';
        else
          throw invalid(
            at,
            `${op} takes a number, a string, a datetime or a boolean`,
            'number | string | boolean',
            describe(operand),
          );
        return { kind: 'cmp', prop, op: CMP[op]!, value: operand, as };
      }
      case '$contains':
      case '$startsWith':
      case '$endsWith':
        if (typeof operand !== 'string') throw invalid(at, `${op} takes a string`, 'string', describe(operand));
        return { kind: 'text', prop, op: TEXT[op]!, value: operand };
      case '$exists':
        if (typeof operand !== 'boolean')
          throw invalid(at, '$exists takes true or false', 'boolean', describe(operand));
        return operand ? { kind: 'exists', prop } : { kind: 'not', item: { kind: 'exists', prop } };
      case '$type':
        if (typeof operand !== 'string' || !TYPES.includes(operand))
          throw invalid(at, `$type takes one of ${TYPES.join(', ')}`, TYPES.join(' | '), operand);
        return { kind: 'type', prop, type: operand };
    }
    const part = PARTS[op];
    if (part) {
      if (typeof operand === 'number' && Number.isInteger(operand))
        return { kind: 'part', prop, part, op: 'eq', value: operand };
      if (isObject(operand) && Object.keys(operand).length > 0) {
        const items = Object.entries(operand).map(([cmp, n]): Cond => {
          const p = [...at, cmp];
          if (typeof n !== 'number' || !Number.isInteger(n))
            throw invalid(p, `${op} compares with a whole number`, 'integer', describe(n));
          if (cmp === '$eq') return { kind: 'part', prop, part, op: 'eq', value: n };
          if (cmp === '$ne') return { kind: 'not', item: { kind: 'part', prop, part, op: 'eq', value: n } };
          if (CMP[cmp]) return { kind: 'part', prop, part, op: CMP[cmp], value: n };
          throw invalid(p, `${op} takes $eq, $ne, $gt, $gte, $lt or $lte`, 'comparison', cmp);
        });
        return items.length === 1 ? items[0]! : { kind: 'and', items };
      }
      throw invalid(
        at,
        `${op} takes a whole number or a comparison object`,
        'integer or { $gte, … }',
        describe(operand),
      );
    }
    throw invalid(at, `Unknown operator ${op}`, FIELD_OPS.join(', '), op);
  }
}

const ALWAYS: Cond = { kind: 'and', items: [] };
const NEVER: Cond = { kind: 'or', items: [] };

/**
 * A property condition, read against a system timestamp instead: the timestamp is a datetime that is
 * never missing, so it equals and compares with datetime operands (as instants), matches text as its
 * ISO-8601 form, exists, and has the type datetime.
 */
function onTimestamp(c: Cond, col: SysColumn): Cond {
  switch (c.kind) {
    case 'and':
    case 'or':
    case 'nor':
    case 'xor':
      return { kind: c.kind, items: c.items.map((i) => onTimestamp(i, col)) };
    case 'not':
      return { kind: 'not', item: onTimestamp(c.item, col) };
    case 'eq':
      return typeof c.value === 'string' && isDatetimeString(c.value)
        ? { kind: 'sysCmp', col, op: 'eq', value: c.value }
        : NEVER;
    case 'in':
      return {
        kind: 'sysIn',
        col,
        values: c.values.filter((v): v is string => typeof v === 'string' && isDatetimeString(v)),
      };
    case 'cmp':
      return c.as === 'datetime' ? { kind: 'sysCmp', col, op: c.op, value: String(c.value) } : NEVER;
    case 'text':
      return { kind: 'sysText', col, op: c.op, value: c.value };
    case 'exists':
      return ALWAYS;
    case 'type':
      return c.type === 'datetime' ? ALWAYS : NEVER;
    case 'part':
      return { kind: 'sysPart', col, part: c.part, op: c.op, value: c.value };
    default:
      throw new Error(`a property condition has no ${c.kind}`);
  }
}

export type ParsedWhere = { cond: Cond | undefined; aliases: Aliases };

/** Parses a user `where`; `cond` is undefined for no filter. The hop limit is the caller's to give (see whereFor). */
export function parseWhere(where: unknown, path: Path, opts: ParseOptions): Cond | undefined {
  return parseWhereWithAliases(where, path, opts).cond;
}

/** A request's `where` under the server's hop limit (ENGRAM_MAX_HOPS, carried by deps). */
export const whereFor = (deps: { maxHops?: number }, where: unknown, path: Path = ['where']): Cond | undefined =>
  parseWhere(where, path, { maxHops: deps.maxHops ?? QUERY_LIMITS.maxHops });

/** With latestOnly, the filter also leaves out records a newer one supersedes. */
export const latestOnly = (cond: Cond | undefined, on: boolean | undefined): Cond | undefined => {
  if (!on) return cond;
  const fresh: Cond = { kind: 'not', item: { kind: 'superseded' } };
  return cond ? { kind: 'and', items: [cond, fresh] } : fresh;
};

export function parseWhereWithAliases(where: unknown, path: Path, opts: ParseOptions): ParsedWhere {
  const parser = new WhereParser(opts);
  if (where === undefined || (isObject(where) && Object.keys(where).length === 0))
    return { cond: undefined, aliases: parser.aliases };
  return { cond: parser.block(where, path, 1), aliases: parser.aliases };
}

export function parseOrder(orderBy: TSearchQuery['orderBy']): OrderTerm[] {
  if (orderBy === undefined) return [];
  if (typeof orderBy === 'string') return [{ id: true, dir: orderBy }];
  return Object.entries(orderBy).map(([key, dir]): OrderTerm => {
    if (key === '$id' || key === '__id') return { id: true as const, dir };
    if (!systemColumnOf(key) && (key.startsWith('$') || key.startsWith('__'))) {
      throw invalid(
        ['orderBy', key],
        'Order by a property name, $id, __createdAt or __updatedAt',
        'property name',
        key,
      );
    }
    return { ...fieldOf(key), dir };
  });
}

export const isEmptyFilter = (labels: string[] | undefined, where: unknown) =>
  (!labels || labels.length === 0) && (where === undefined || (isObject(where) && Object.keys(where).length === 0));
