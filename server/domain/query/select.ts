import { DomainError } from '@/server/errors';
import type { AliasPairs, Expr, FieldRef, Unit } from '@/server/db';
import { fieldOf } from './fields';
import { parseWhere, type Aliases } from './parse';

/**
 * Parses `select`, `groupBy` and the select-mode `orderBy` into what server/db/sql/select.ts compiles.
 * Field references are "$record.<property>", "$<alias>.<property>", or "$record" / "$<alias>" for whole
 * records (in $collect and $count). `__createdAt` / `__updatedAt` as the property are the system
 * timestamps, and `createdAt` / `updatedAt` fall back to them (see fields.ts).
 */
export const SELECT_LIMITS = { maxKeys: 50, maxGroupBy: 10, maxCollect: 1_000, maxArithArgs: 10 } as const;
const UNITS: Unit[] = ['hour', 'day', 'week', 'month', 'quarter', 'year'];
const ARITH = { $add: '+', $subtract: '-', $multiply: '*', $divide: '/' } as const;
const AGGS = { $sum: 'sum', $avg: 'avg', $min: 'min', $max: 'max' } as const;

type Path = (string | number)[];
const invalid = (path: Path, message: string, expected: string, got?: unknown) =>
  new DomainError('INVALID', `${message} at ${path.join('.')}`, {
    path,
    expected,
    got: typeof got === 'object' && got !== null ? JSON.stringify(got).slice(0, 100) : got,
  });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAgg = (e: Expr | number): boolean =>
  typeof e !== 'number' &&
  (e.kind === 'count' || e.kind === 'agg' || e.kind === 'collect' || (e.kind === 'arith' && e.args.some(isAgg)));

export type ParsedSelect = {
  select: Record<string, Expr>;
  groupBy: string[];
  perRecord: boolean;
  aliases: Map<string, AliasPairs>;
  orderBy: { key: string; dir: 'asc' | 'desc' }[];
};

class SelectParser {
  readonly used = new Map<string, AliasPairs>();
  constructor(
    private readonly aliases: Aliases,
    private readonly maxHops: number,
  ) {}

  ref(v: unknown, path: Path, opts: { whole?: boolean; aliasOk?: boolean } = {}): FieldRef {
    if (typeof v !== 'string' || !v.startsWith('$'))
      throw invalid(path, 'A field is "$record.<property>" or "$<alias>.<property>"', '"$record.name"', v);
    const dot = v.indexOf('.');
    const source = dot < 0 ? v : v.slice(0, dot);
    const prop = dot < 0 ? null : v.slice(dot + 1);
    if (prop === '') throw invalid(path, 'A property name is missing after the dot', '"$record.name"', v);
    if (prop === null && !opts.whole) throw invalid(path, 'Name a property: "$record.<property>"', '"$record.name"', v);
    const field = prop === null ? { prop: null } : { prop: null, ...fieldOf(prop) };
    if (source === '$record') return { source: 'root', ...field };
    if (!opts.aliasOk)
      throw invalid(
        path,
        'Plain fields come from $record; related records ($alias) appear inside aggregates',
        '"$record.<property>"',
        v,
      );
    const alias = this.aliases.get(source);
    if (!alias)
      throw invalid(
        path,
        `Unknown alias ${source}: declare it with "$alias" in a related block of where`,
        'a declared alias',
        v,
      );
    if (!alias.topLevel)
      throw invalid(
        path,
        `The alias ${source} is inside another related block; aggregate over aliases of blocks directly in where`,
        'a top-level alias',
        v,
      );
    const c = alias.cond;
    this.used.set(source, {
      alias: source,
      label: c.label,
      types: c.types,
      direction: c.direction,
      minHops: c.minHops,
      maxHops: c.maxHops,
      where: c.where,
    });
    return { source, ...field };
  }

  expr(v: unknown, path: Path): Expr {
    if (typeof v === 'string') return { kind: 'field', ref: this.ref(v, path) };
    if (!isObject(v) || Object.keys(v).length !== 1)
      throw invalid(
        path,
        'A select expression is a field string or an object with one operator',
        '$count, $sum, $avg, $min, $max, $collect, $timeBucket, $add, …',
        v,
      );
    const [op, arg] = Object.entries(v)[0]!;
    const at = [...path, op];
    if (op === '$count') {
      if (arg === '*' || arg === '$record') return { kind: 'count', source: 'root' };
      return { kind: 'count', source: this.ref(arg, at, { whole: true, aliasOk: true }).source };
    }
    if (op in AGGS)
      return { kind: 'agg', fn: AGGS[op as keyof typeof AGGS], ref: this.ref(arg, at, { aliasOk: true }) };
    if (op === '$timeBucket') {
      if (!isObject(arg)) throw invalid(at, '$timeBucket takes { field, unit }', '{ field, unit }', arg);
      const unit = arg.unit as Unit;
      if (!UNITS.includes(unit))
        throw invalid([...at, 'unit'], `unit is one of ${UNITS.join(', ')}`, UNITS.join(' | '), arg.unit);
      return { kind: 'bucket', ref: this.ref(arg.field, [...at, 'field']), unit };
    }
    if (op === '$collect') {
      const o = isObject(arg) ? arg : typeof arg === 'string' ? { field: arg } : null;
      if (!o) throw invalid(at, '$collect takes a field or { field, unique, orderBy, limit, where }', 'object', arg);
      for (const k of Object.keys(o))
        if (!['field', 'unique', 'orderBy', 'limit', 'where'].includes(k))
          throw invalid([...at, k], `Unknown $collect option ${k}`, 'field, unique, orderBy, limit, where', k);
      const ref = this.ref(o.field ?? '$record', [...at, 'field'], { whole: true, aliasOk: true });
      if (o.unique !== undefined && typeof o.unique !== 'boolean')
        throw invalid([...at, 'unique'], 'unique is a boolean', 'boolean', o.unique);
      let limit: number | undefined;
      if (o.limit !== undefined) {
        if (
          typeof o.limit !== 'number' ||
          !Number.isInteger(o.limit) ||
          o.limit < 1 ||
          o.limit > SELECT_LIMITS.maxCollect
        )
          throw invalid([...at, 'limit'], `limit is 1..${SELECT_LIMITS.maxCollect}`, 'integer', o.limit);
        limit = o.limit;
      }
      let orderBy: Extract<Expr, { kind: 'collect' }>['orderBy'];
      if (o.orderBy !== undefined) {
        if (!isObject(o.orderBy) || Object.keys(o.orderBy).length !== 1)
          throw invalid([...at, 'orderBy'], 'orderBy is { property: "asc" | "desc" }', 'object', o.orderBy);
        const [prop, dir] = Object.entries(o.orderBy)[0]!;
        if (dir !== 'asc' && dir !== 'desc')
          throw invalid([...at, 'orderBy', prop], 'asc or desc', '"asc" | "desc"', dir);
        orderBy = { ...fieldOf(prop), dir };
      }
      if (o.unique && (orderBy || limit))
        throw invalid([...at, 'unique'], 'unique values cannot also be ordered or limited', 'unique alone', true);
      const where =
        o.where === undefined ? undefined : parseWhere(o.where, [...at, 'where'], { maxHops: this.maxHops });
      return { kind: 'collect', ref, unique: o.unique === true, orderBy, limit, where };
    }
    if (op in ARITH) {
      if (!Array.isArray(arg) || arg.length < 2 || arg.length > SELECT_LIMITS.maxArithArgs)
        throw invalid(at, `${op} takes 2..${SELECT_LIMITS.maxArithArgs} operands`, 'array', arg);
      const args = arg.map((x, i) => (typeof x === 'number' && Number.isFinite(x) ? x : this.expr(x, [...at, i])));
      const kinds = new Set(args.filter((x) => typeof x !== 'number').map((x) => isAgg(x)));
      if (kinds.size > 1)
        throw invalid(at, 'Arithmetic mixes aggregates with plain fields', 'all aggregates or all plain fields', op);
      for (const [i, x] of args.entries())
        if (typeof x !== 'number' && x.kind === 'collect')
          throw invalid([...at, i], '$collect is not a number', 'a numeric expression', '$collect');
      return { kind: 'arith', op: ARITH[op as keyof typeof ARITH], args };
    }
    throw invalid(
      at,
      `Unknown select operator ${op}`,
      '$count, $sum, $avg, $min, $max, $collect, $timeBucket, $add, $subtract, $multiply, $divide',
      op,
    );
  }
}

export function parseSelect(
  input: { select: unknown; groupBy?: unknown; orderBy?: unknown },
  aliases: Aliases,
  maxHops: number,
): ParsedSelect {
  if (!isObject(input.select) || Object.keys(input.select).length === 0)
    throw invalid(['select'], 'select is an object of named expressions', '{ name: expression }', input.select);
  const entries = Object.entries(input.select);
  if (entries.length > SELECT_LIMITS.maxKeys) {
    throw new DomainError('LIMIT_EXCEEDED', `select has more than ${SELECT_LIMITS.maxKeys} keys`, {
      path: ['select'],
      limit: SELECT_LIMITS.maxKeys,
    });
  }
  const parser = new SelectParser(aliases, maxHops);
  const select: Record<string, Expr> = {};
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > 64 || k.startsWith('__') || k.startsWith('$'))
      throw invalid(['select', k], 'A select key has 1-64 characters and does not start with "__" or "$"', 'a name', k);
    select[k] = parser.expr(v, ['select', k]);
  }
  const plainKeys = entries.map(([k]) => k).filter((k) => !isAgg(select[k]!));
  const hasAgg = plainKeys.length < entries.length;

  let groupBy: string[] = [];
  if (input.groupBy !== undefined) {
    const g = typeof input.groupBy === 'string' ? [input.groupBy] : input.groupBy;
    if (!Array.isArray(g) || g.length === 0 || g.length > SELECT_LIMITS.maxGroupBy)
      throw invalid(
        ['groupBy'],
        `groupBy lists 1..${SELECT_LIMITS.maxGroupBy} select keys`,
        'array of select keys',
        input.groupBy,
      );
    g.forEach((k, i) => {
      if (typeof k !== 'string' || !(k in select))
        throw invalid(['groupBy', i], 'groupBy names keys of select', 'a select key', k);
      if (isAgg(select[k]!)) throw invalid(['groupBy', i], 'Cannot group by an aggregate', 'a plain select key', k);
    });
    groupBy = [...new Set(g as string[])];
    const missing = plainKeys.find((k) => !groupBy.includes(k));
    if (missing)
      throw invalid(
        ['select', missing],
        `The plain field ${missing} must be listed in groupBy (or be an aggregate)`,
        'a groupBy key',
        missing,
      );
  }
  const perRecord = groupBy.length === 0 && (!hasAgg || plainKeys.length > 0);

  const orderBy: { key: string; dir: 'asc' | 'desc' }[] = [];
  if (typeof input.orderBy === 'string') {
    if (!perRecord)
      throw invalid(
        ['orderBy'],
        'Order grouped rows by a select key: { key: "asc" | "desc" }',
        'object',
        input.orderBy,
      );
    orderBy.push({ key: '__id', dir: input.orderBy as 'asc' | 'desc' });
  } else if (isObject(input.orderBy)) {
    for (const [k, dir] of Object.entries(input.orderBy)) {
      if (!(k in select) && !(perRecord && k === '__id'))
        throw invalid(['orderBy', k], 'With select, orderBy names select keys', 'a select key', k);
      orderBy.push({ key: k, dir: dir as 'asc' | 'desc' });
    }
  }
  return { select, groupBy, perRecord, aliases: parser.used, orderBy };
}
