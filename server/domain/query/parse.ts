import { DomainError } from '@/server/errors';
import type { Cond, OrderTerm, Primitive } from '@/server/db';
import { QUERY_LIMITS, type TSearchQuery } from './query.schema';

type Path = (string | number)[];
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SUPPORTED = ['$and', '$or', '$not', '$id', '$eq', '$in'];

const invalid = (path: Path, message: string, expected: string, got?: unknown) =>
  new DomainError('INVALID', `${message} at ${path.join('.')}`, { path, expected, got });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPrimitive = (v: unknown): v is Primitive => v === null || ['string', 'number', 'boolean'].includes(typeof v);

class WhereParser {
  private nodes = 0;

  private tick(path: Path, depth: number) {
    if (++this.nodes > QUERY_LIMITS.maxNodes) {
      throw new DomainError('LIMIT_EXCEEDED', `The filter has more than ${QUERY_LIMITS.maxNodes} conditions`, { path, limit: QUERY_LIMITS.maxNodes });
    }
    if (depth > QUERY_LIMITS.maxDepth) {
      throw new DomainError('LIMIT_EXCEEDED', `The filter is nested deeper than ${QUERY_LIMITS.maxDepth} levels at ${path.join('.')}`, { path, limit: QUERY_LIMITS.maxDepth });
    }
  }

  block(where: unknown, path: Path, depth: number): Cond {
    if (!isObject(where)) throw invalid(path, 'A filter must be an object', 'object', Array.isArray(where) ? 'array' : typeof where);
    const items = Object.entries(where).map(([key, value]) => this.entry(key, value, [...path, key], depth));
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private list(value: unknown, path: Path, depth: number): Cond[] {
    if (!Array.isArray(value)) throw invalid(path, 'Expected an array of filters', 'array', typeof value);
    return value.map((v, i) => this.block(v, [...path, i], depth + 1));
  }

  private entry(key: string, value: unknown, path: Path, depth: number): Cond {
    this.tick(path, depth);
    switch (key) {
      case '$and':
        return { kind: 'and', items: this.list(value, path, depth) };
      case '$or':
        return { kind: 'or', items: this.list(value, path, depth) };
      case '$not':
        return { kind: 'not', item: this.block(value, path, depth + 1) };
      case '$id':
        return { kind: 'id', ids: this.ids(value, path) };
    }
    if (key.startsWith('$')) throw invalid(path, `Unknown operator ${key}`, `one of ${SUPPORTED.join(', ')} or a property name`, key);
    return this.property(key, value, path);
  }

  private ids(value: unknown, path: Path): string[] {
    const check = (v: unknown, p: Path) => {
      if (typeof v !== 'string' || !UUID_RE.test(v)) throw invalid(p, 'A record id must be a UUID', 'uuid', v);
      return v.toLowerCase();
    };
    if (typeof value === 'string') return [check(value, path)];
    if (isObject(value) && Object.keys(value).length === 1 && '$in' in value) {
      return this.inList(value.$in, [...path, '$in']).map((v, i) => check(v, [...path, '$in', i]));
    }
    throw invalid(path, '$id takes an id or { "$in": [ids] }', 'uuid or { $in: uuid[] }', value);
  }

  private inList(value: unknown, path: Path): Primitive[] {
    if (!Array.isArray(value)) throw invalid(path, '$in takes an array', 'array', typeof value);
    if (value.length > QUERY_LIMITS.maxIn) {
      throw new DomainError('LIMIT_EXCEEDED', `$in has more than ${QUERY_LIMITS.maxIn} values at ${path.join('.')}`, { path, limit: QUERY_LIMITS.maxIn });
    }
    value.forEach((v, i) => {
      if (!isPrimitive(v)) throw invalid([...path, i], '$in values must be strings, numbers, booleans or null', 'primitive', typeof v);
    });
    return value as Primitive[];
  }

  private property(prop: string, value: unknown, path: Path): Cond {
    if (isPrimitive(value)) return { kind: 'eq', prop, value };
    if (Array.isArray(value)) throw invalid(path, 'Compare with one value, or list several with { "$in": [...] }', 'a value or an operator object', 'array');
    if (!isObject(value)) throw invalid(path, 'Unsupported condition', 'a value or an operator object', typeof value);
    const ops = Object.entries(value).map(([op, operand]): Cond => {
      const at = [...path, op];
      switch (op) {
        case '$eq':
          if (!isPrimitive(operand)) throw invalid(at, '$eq takes a string, number, boolean or null', 'primitive', typeof operand);
          return { kind: 'eq', prop, value: operand };
        case '$in':
          return { kind: 'in', prop, values: this.inList(operand, at) };
        default:
          throw invalid(at, `Unknown operator ${op}`, `one of ${SUPPORTED.filter((s) => s === '$eq' || s === '$in').join(', ')}`, op);
      }
    });
    if (ops.length === 0) throw invalid(path, 'An empty condition', 'at least one operator', '{}');
    return ops.length === 1 ? ops[0]! : { kind: 'and', items: ops };
  }
}

/** Parses a user `where` into the condition tree the SQL compiler takes; undefined for no filter. */
export function parseWhere(where: unknown, path: Path = ['where']): Cond | undefined {
  if (where === undefined || (isObject(where) && Object.keys(where).length === 0)) return undefined;
  return new WhereParser().block(where, path, 1);
}

export function parseOrder(orderBy: TSearchQuery['orderBy']): OrderTerm[] {
  if (orderBy === undefined) return [];
  if (typeof orderBy === 'string') return [{ id: true, dir: orderBy }];
  return Object.entries(orderBy).map(([key, dir]) => {
    if (key === '$id' || key === '__id') return { id: true as const, dir };
    if (key.startsWith('$') || key.startsWith('__')) throw invalid(['orderBy', key], 'Order by a property name or $id', 'property name', key);
    return { prop: key, dir };
  });
}

export const isEmptyFilter = (labels: string[] | undefined, where: unknown) =>
  (!labels || labels.length === 0) && (where === undefined || (isObject(where) && Object.keys(where).length === 0));
