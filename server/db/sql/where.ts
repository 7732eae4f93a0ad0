import { and, join, jsonb, not, or, raw, sql, uuidList, FALSE, TRUE, type Sql } from './compose';
import { isoTime, sysColumn, type SysColumn } from './timestamps';

/**
 * The compiled form of a SearchQuery filter. server/domain/query parses and validates user JSON into
 * this tree; this file turns it into SQL over `record <alias>`. Property names, labels, types and values
 * are always bind parameters. Aliases are generated here (r, t1, t2, …), operators, casts and date parts
 * come from the closed tables below, and every sub-select carries the project scope.
 */
export type Scalar = string | number | boolean | null;
/** Kept for callers of the first version of this module. */
export type Primitive = Scalar;
export type CmpOp = 'gt' | 'gte' | 'lt' | 'lte';
export type ValueKind = 'number' | 'datetime' | 'string' | 'boolean';
export type DatePart = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';
export type TextOp = 'contains' | 'startsWith' | 'endsWith';
export type Direction = 'out' | 'in' | 'any';

/** The relationship type that marks a record as replaced by a newer one (`options.supersedes`, latestOnly). */
export const SUPERSEDES = 'SUPERSEDES';

export type Cond =
  | { kind: 'and' | 'or' | 'nor' | 'xor'; items: Cond[] }
  | { kind: 'not'; item: Cond }
  | { kind: 'id'; ids: string[] }
  | { kind: 'eq'; prop: string; value: Scalar }
  | { kind: 'in'; prop: string; values: Scalar[] }
  | { kind: 'cmp'; prop: string; op: CmpOp; value: number | string | boolean; as: ValueKind }
  | { kind: 'text'; prop: string; op: TextOp; value: string }
  | { kind: 'exists'; prop: string }
  | { kind: 'type'; prop: string; type: string }
  | { kind: 'part'; prop: string; part: DatePart; op: CmpOp | 'eq'; value: number }
  | {
      kind: 'related';
      label: string;
      types?: string[];
      direction: Direction;
      minHops: number;
      maxHops: number;
      where?: Cond;
      alias?: string;
    }
  // A system timestamp (never missing): compared as an instant with a datetime operand, as ISO-8601 text, or by a date part.
  | { kind: 'sysCmp'; col: SysColumn; op: CmpOp | 'eq'; value: string }
  | { kind: 'sysIn'; col: SysColumn; values: string[] }
  | { kind: 'sysText'; col: SysColumn; op: TextOp; value: string }
  | { kind: 'sysPart'; col: SysColumn; part: DatePart; op: CmpOp | 'eq'; value: number }
  // `then` for a record that has the property (even null), `else` for one that has not.
  | { kind: 'ifProp'; prop: string; then: Cond; else: Cond }
  // A newer record supersedes this one: an incoming SUPERSEDES relationship (latestOnly).
  | { kind: 'superseded' };

/**
 * What a name reads: a property, a system timestamp, or with both, the property for a record that has
 * it and the timestamp for one that has not (`createdAt`, which data as written may also hold).
 */
export type Field = { prop: string; sys?: SysColumn } | { prop?: undefined; sys: SysColumn };

const CMP: Record<CmpOp | 'eq', Sql> = { gt: raw('>'), gte: raw('>='), lt: raw('<'), lte: raw('<='), eq: raw('=') };
const CAST: Record<ValueKind, Sql> = {
  number: raw('numeric'),
  datetime: raw('timestamptz'),
  string: raw('text'),
  boolean: raw('boolean'),
};
const PART: Record<DatePart, Sql> = {
  year: raw('YEAR'),
  month: raw('MONTH'),
  day: raw('DAY'),
  hour: raw('HOUR'),
  minute: raw('MINUTE'),
  second: raw('SECOND'),
};

/** Compilation state: the project every sub-select is scoped to, and a counter for fresh aliases. */
export type Scope = { projectId: string; aliases: number };
export const newScope = (projectId: string): Scope => ({ projectId, aliases: 0 });

type Ctx = { scope: Scope; a: Sql };

/** Equality that also matches any element of an array property; both forms are served by the GIN index. */
function eq(a: Sql, prop: string, value: Scalar): Sql {
  const scalar = sql`${a}.data @> ${jsonb({ [prop]: value })}`;
  if (value === null) return scalar;
  return sql`(${scalar} OR ${a}.data @> ${jsonb({ [prop]: [value] })})`;
}

/** `test` applied to the value of a scalar property of type `t`, or to any element of a `t[]` property. */
function typed(a: Sql, prop: string, types: string[], test: (v: Sql) => Sql): Sql {
  const scalarTypes = types;
  const arrayTypes = types.map((t) => `${t}[]`);
  return sql`(CASE WHEN ${a}.types ->> ${prop} IN (${join(scalarTypes)}) THEN ${test(sql`(${a}.data ->> ${prop})`)}
    WHEN ${a}.types ->> ${prop} IN (${join(arrayTypes)}) THEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(${a}.data -> ${prop}) AS x(v) WHERE ${test(sql`x.v`)})
    ELSE FALSE END)`;
}

/** A value for LIKE / ILIKE that matches itself literally. */
export const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
const likePattern = (op: TextOp, value: string) =>
  op === 'contains'
    ? `%${escapeLike(value)}%`
    : op === 'startsWith'
      ? `${escapeLike(value)}%`
      : `%${escapeLike(value)}`;

function related(c: Extract<Cond, { kind: 'related' }>, ctx: Ctx): Sql {
  const { scope } = ctx;
  const t = raw(`t${++scope.aliases}`);
  const inner = c.where ? compile(c.where, { scope, a: t }) : TRUE;
  const typeFilter = (e: Sql) => (c.types && c.types.length > 0 ? sql`AND ${e}.type IN (${join(c.types)})` : sql``);
  const p = sql`${scope.projectId}::uuid`;

  if (c.minHops === 1 && c.maxHops === 1) {
    // One hop: edges carry both ends' labels, so the target label filters the edge index directly.
    const out = sql`SELECT e.source_id FROM relationship e JOIN record ${t} ON ${t}.project_id = e.project_id AND ${t}.id = e.target_id
      WHERE e.project_id = ${p} AND e.target_label = ${c.label} ${typeFilter(sql`e`)} AND ${t}.label = ${c.label} AND ${inner}`;
    const inc = sql`SELECT e.target_id FROM relationship e JOIN record ${t} ON ${t}.project_id = e.project_id AND ${t}.id = e.source_id
      WHERE e.project_id = ${p} AND e.source_label = ${c.label} ${typeFilter(sql`e`)} AND ${t}.label = ${c.label} AND ${inner}`;
    if (c.direction === 'out') return sql`${ctx.a}.id IN (${out})`;
    if (c.direction === 'in') return sql`${ctx.a}.id IN (${inc})`;
    return sql`${ctx.a}.id IN (${out} UNION ${inc})`;
  }

  // Several hops: walk back from the matching related records, one edge per step, and keep the
  // records reached at a depth within [minHops, maxHops]. `e.a_id -> e.b_id` is a step towards them.
  const steps = {
    out: sql`SELECT source_id AS a_id, target_id AS b_id, type FROM relationship WHERE project_id = ${p}`,
    in: sql`SELECT target_id AS a_id, source_id AS b_id, type FROM relationship WHERE project_id = ${p}`,
  };
  const edges = c.direction === 'any' ? sql`(${steps.out} UNION ALL ${steps.in})` : sql`(${steps[c.direction]})`;
  return sql`${ctx.a}.id IN (
    WITH RECURSIVE walk(id, depth) AS (
      SELECT ${t}.id, 0 FROM record ${t} WHERE ${t}.project_id = ${p} AND ${t}.label = ${c.label} AND ${inner}
      UNION
      SELECT e.a_id, w.depth + 1 FROM walk w JOIN ${edges} e ON e.b_id = w.id ${typeFilter(sql`e`)}
      WHERE w.depth < ${c.maxHops}
    )
    SELECT id FROM walk WHERE depth >= ${c.minHops})`;
}

function compile(c: Cond, ctx: Ctx): Sql {
  const { a } = ctx;
  switch (c.kind) {
    case 'and':
      return and(c.items.map((i) => compile(i, ctx)));
    case 'or':
      return or(c.items.map((i) => compile(i, ctx)));
    case 'nor':
      return not(or(c.items.map((i) => compile(i, ctx))));
    case 'xor':
      // Exactly one of the conditions holds.
      if (c.items.length === 0) return FALSE;
      return sql`((${join(
        c.items.map((i) => sql`(CASE WHEN ${compile(i, ctx)} THEN 1 ELSE 0 END)`),
        ' + ',
      )}) = 1)`;
    case 'not':
      // A condition on a missing property is FALSE, never NULL, so NOT is its plain complement.
      return not(compile(c.item, ctx));
    case 'id':
      return c.ids.length === 0 ? FALSE : sql`${a}.id IN (${uuidList(c.ids)})`;
    case 'eq':
      return eq(a, c.prop, c.value);
    case 'in':
      return or(c.values.map((v) => eq(a, c.prop, v)));
    case 'cmp': {
      const cast = CAST[c.as];
      const rhs = c.as === 'string' ? sql`${c.value}::text COLLATE "C"` : sql`${String(c.value)}::${cast}`;
      const lhs = (v: Sql) => (c.as === 'string' ? sql`${v} COLLATE "C"` : sql`${v}::${cast}`);
      return typed(a, c.prop, [c.as], (v) => sql`${lhs(v)} ${CMP[c.op]} ${rhs}`);
    }
    case 'text': {
      const pattern = likePattern(c.op, c.value);
      return typed(a, c.prop, ['string', 'datetime'], (v) => sql`${v} ILIKE ${pattern}`);
    }
    case 'exists':
      return sql`(${a}.types ? ${c.prop})`;
    case 'type':
      return sql`COALESCE(${a}.types ->> ${c.prop} = ${c.type}, FALSE)`;
    case 'part': {
      return typed(
        a,
        c.prop,
        ['datetime'],
        (v) => sql`floor(EXTRACT(${PART[c.part]} FROM ${v}::timestamptz AT TIME ZONE 'UTC')) ${CMP[c.op]} ${c.value}`,
      );
    }
    case 'related':
      return related(c, ctx);
    case 'sysCmp':
      return sql`${sysColumn(a, c.col)} ${CMP[c.op]} ${c.value}::timestamptz`;
    case 'sysIn':
      return c.values.length === 0
        ? FALSE
        : sql`${sysColumn(a, c.col)} IN (${join(c.values.map((v) => sql`${v}::timestamptz`))})`;
    case 'sysText':
      return sql`${isoTime(sysColumn(a, c.col))} ILIKE ${likePattern(c.op, c.value)}`;
    case 'sysPart':
      return sql`floor(EXTRACT(${PART[c.part]} FROM ${sysColumn(a, c.col)} AT TIME ZONE 'UTC')) ${CMP[c.op]} ${c.value}`;
    case 'ifProp':
      return sql`(CASE WHEN ${a}.types ? ${c.prop} THEN ${compile(c.then, ctx)} ELSE ${compile(c.else, ctx)} END)`;
    case 'superseded':
      return sql`EXISTS (SELECT 1 FROM relationship sup
        WHERE sup.project_id = ${a}.project_id AND sup.target_id = ${a}.id AND sup.type = ${SUPERSEDES})`;
  }
}

export function compileCond(c: Cond, scope: Scope, alias = 'r'): Sql {
  return compile(c, { scope, a: raw(alias) });
}

/** The full filter over `record r`: project scope first (always), then labels, then the condition tree. */
export function compileFilter(
  projectId: string,
  labels: string[] | undefined,
  cond: Cond | undefined,
  alias = 'r',
): Sql {
  const a = raw(alias);
  const parts: Sql[] = [sql`${a}.project_id = ${projectId}::uuid`];
  if (labels && labels.length > 0)
    parts.push(labels.length === 1 ? sql`${a}.label = ${labels[0]}` : sql`${a}.label IN (${join(labels)})`);
  if (cond) parts.push(compileCond(cond, newScope(projectId), alias));
  return and(parts);
}

export type OrderTerm = (Field & { dir: 'asc' | 'desc' }) | { id: true; dir: 'asc' | 'desc' };

/**
 * Typed order on a property, nulls (and missing) last: numbers, then datetimes, then booleans, then
 * strings in byte order (COLLATE "C", identical on PostgreSQL and PGlite); the id breaks ties.
 */
export function compileOrder(terms: OrderTerm[], alias = 'r'): Sql {
  const a = raw(alias);
  const parts: Sql[] = [];
  let idGiven = false;
  for (const t of terms) {
    const dir = t.dir === 'asc' ? sql`ASC` : sql`DESC`;
    if ('id' in t) {
      idGiven = true;
      parts.push(sql`${a}.id ${dir}`);
      continue;
    }
    parts.push(...propertyOrder(a, t, dir));
  }
  if (!idGiven) parts.push(terms.length === 0 ? sql`${a}.id DESC` : sql`${a}.id ASC`);
  return join(parts, ', ');
}

/**
 * The sort keys of a field. A system timestamp is one datetime key. A property that falls back to one
 * sorts the timestamp of a record without the property among the datetimes.
 */
export function propertyOrder(a: Sql, f: Field, dir: Sql): Sql[] {
  if (f.prop === undefined) return [sql`${sysColumn(a, f.sys)} ${dir}`];
  const p = f.prop;
  const fallback = f.sys ? sql` WHEN NOT (${a}.types ? ${p}) THEN ${sysColumn(a, f.sys)}` : sql``;
  return [
    sql`CASE WHEN ${a}.types ->> ${p} = 'number' THEN (${a}.data ->> ${p})::numeric END ${dir} NULLS LAST`,
    sql`CASE WHEN ${a}.types ->> ${p} = 'datetime' THEN (${a}.data ->> ${p})::timestamptz${fallback} END ${dir} NULLS LAST`,
    sql`CASE WHEN ${a}.types ->> ${p} = 'boolean' THEN (${a}.data ->> ${p})::boolean END ${dir} NULLS LAST`,
    sql`CASE WHEN ${a}.types ->> ${p} = 'string' THEN (${a}.data ->> ${p}) END COLLATE "C" ${dir} NULLS LAST`,
  ];
}
