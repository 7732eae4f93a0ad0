import { and, join, raw, sql, TRUE, type Sql } from './compose';
import { isoTime, sysColumn, type SysColumn } from './timestamps';
import { compileCond, propertyOrder, type Cond, type Field, type Scope } from './where';

/**
 * SELECT / GROUP BY over the records a filter matches. Every output row is built as one jsonb object
 * in SQL, so numbers, datetimes and collected records reach the caller exactly as JSON.
 *
 *   m        the matched root records
 *   g        one row per group: the group keys and the aggregates over root records
 *   a<n>     one CTE per alias used in aggregates: the same group keys and the aggregates over the
 *            (root, related) pairs of that alias — separate, so two aliases never multiply each other
 *   final    g LEFT JOIN each a<n> on the keys, ordered and paged after aggregation
 */
/**
 * source 'root' or an alias. prop null and no sys: the whole record; sys alone: that system timestamp;
 * prop and sys: the property for a record that has it, else the timestamp (see Field in where.ts).
 */
export type FieldRef = { source: string; prop: string | null; sys?: SysColumn };
export type Unit = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';
export type Expr =
  | { kind: 'field'; ref: FieldRef }
  | { kind: 'bucket'; ref: FieldRef; unit: Unit }
  | { kind: 'count'; source: string }
  | { kind: 'agg'; fn: 'sum' | 'avg' | 'min' | 'max'; ref: FieldRef }
  | {
      kind: 'collect';
      ref: FieldRef;
      unique: boolean;
      orderBy?: Field & { dir: 'asc' | 'desc' };
      limit?: number;
      where?: Cond;
    }
  | { kind: 'arith'; op: '+' | '-' | '*' | '/'; args: (Expr | number)[] };

export type AliasPairs = {
  alias: string;
  label: string;
  types?: string[];
  direction: 'out' | 'in' | 'any';
  minHops: number;
  maxHops: number;
  where?: Cond;
};

export type SelectSpec = {
  projectId: string;
  filter: Sql; // over `record r`, project scope included
  select: Record<string, Expr>;
  groupBy: string[]; // select keys
  perRecord: boolean; // group by the root record (plain fields next to aggregates, no groupBy)
  aliases: Map<string, AliasPairs>;
  orderBy: { key: string; dir: 'asc' | 'desc' }[];
  skip: number;
  limit: number;
};

const UNITS: Record<Unit, Sql> = {
  hour: raw("'hour'"),
  day: raw("'day'"),
  week: raw("'week'"),
  month: raw("'month'"),
  quarter: raw("'quarter'"),
  year: raw("'year'"),
};
const ARITH: Record<'+' | '-' | '*' | '/', Sql> = { '+': raw('+'), '-': raw('-'), '*': raw('*'), '/': raw('/') };

export const isAggregate = (e: Expr | number): boolean =>
  typeof e !== 'number' &&
  (e.kind === 'count' || e.kind === 'agg' || e.kind === 'collect' || (e.kind === 'arith' && e.args.some(isAggregate)));

/** A record as the API shows it: { __id, __label, __proptypes, __createdAt, __updatedAt, ...properties }. */
const recordJson = (a: Sql) =>
  sql`(jsonb_build_object('__id', ${a}.id::text, '__label', ${a}.label, '__proptypes', ${a}.types, '__createdAt', ${isoTime(sql`${a}.created_at`)}, '__updatedAt', ${isoTime(sql`${a}.updated_at`)}) || ${a}.data)`;
const isWhole = (f: FieldRef) => f.prop === null && f.sys === undefined;
/** The property's JSON, or the timestamp's ISO text; a fallback field is the property when the record has it. */
function value(a: Sql, f: FieldRef): Sql {
  if (isWhole(f)) return recordJson(a);
  const stamp = f.sys ? sql`to_jsonb(${isoTime(sysColumn(a, f.sys))})` : null;
  if (f.prop === null) return stamp!;
  return stamp
    ? sql`(CASE WHEN ${a}.types ? ${f.prop} THEN ${a}.data -> ${f.prop} ELSE ${stamp} END)`
    : sql`${a}.data -> ${f.prop}`;
}
const typedNum = (a: Sql, f: FieldRef) =>
  f.prop === null
    ? sql`NULL::numeric`
    : sql`(CASE WHEN ${a}.types ->> ${f.prop} = 'number' THEN (${a}.data ->> ${f.prop})::numeric END)`;
function typedTime(a: Sql, f: FieldRef): Sql {
  if (f.prop === null) return f.sys ? sysColumn(a, f.sys) : sql`NULL::timestamptz`;
  const fallback = f.sys ? sql` WHEN NOT (${a}.types ? ${f.prop}) THEN ${sysColumn(a, f.sys)}` : sql``;
  return sql`(CASE WHEN ${a}.types ->> ${f.prop} = 'datetime' THEN (${a}.data ->> ${f.prop})::timestamptz${fallback} END)`;
}
const typedText = (a: Sql, f: FieldRef) =>
  f.prop === null
    ? sql`NULL::text`
    : sql`(CASE WHEN ${a}.types ->> ${f.prop} = 'string' THEN ${a}.data ->> ${f.prop} END) COLLATE "C"`;

/** Related record pairs (root_id, rel_id) of an alias: the records its where-block speaks of. */
function pairs(p: AliasPairs, scope: Scope): Sql {
  const t = raw(`t${++scope.aliases}`);
  const pid = sql`${scope.projectId}::uuid`;
  const inner = p.where ? compileCond(p.where, scope, `t${scope.aliases}`) : TRUE;
  const typeFilter = p.types && p.types.length > 0 ? sql`AND e.type IN (${join(p.types)})` : sql``;
  if (p.minHops === 1 && p.maxHops === 1) {
    const out = sql`SELECT e.source_id AS root_id, e.target_id AS rel_id FROM relationship e JOIN record ${t} ON ${t}.project_id = e.project_id AND ${t}.id = e.target_id
      WHERE e.project_id = ${pid} AND e.target_label = ${p.label} ${typeFilter} AND ${inner}`;
    const inc = sql`SELECT e.target_id AS root_id, e.source_id AS rel_id FROM relationship e JOIN record ${t} ON ${t}.project_id = e.project_id AND ${t}.id = e.source_id
      WHERE e.project_id = ${pid} AND e.source_label = ${p.label} ${typeFilter} AND ${inner}`;
    return p.direction === 'out' ? out : p.direction === 'in' ? inc : sql`${out} UNION ${inc}`;
  }
  const steps = {
    out: sql`SELECT source_id AS a_id, target_id AS b_id, type FROM relationship WHERE project_id = ${pid}`,
    in: sql`SELECT target_id AS a_id, source_id AS b_id, type FROM relationship WHERE project_id = ${pid}`,
  };
  const edges = p.direction === 'any' ? sql`(${steps.out} UNION ALL ${steps.in})` : sql`(${steps[p.direction]})`;
  return sql`WITH RECURSIVE walk(start, id, depth) AS (
      SELECT ${t}.id, ${t}.id, 0 FROM record ${t} WHERE ${t}.project_id = ${pid} AND ${t}.label = ${p.label} AND ${inner}
      UNION
      SELECT w.start, e.a_id, w.depth + 1 FROM walk w JOIN ${edges} e ON e.b_id = w.id ${typeFilter}
      WHERE w.depth < ${p.maxHops})
    SELECT DISTINCT id AS root_id, start AS rel_id FROM walk WHERE depth >= ${p.minHops}`;
}

type Leaf = { col: string; source: string; sql: Sql };

export function compileSelect(spec: SelectSpec, scope: Scope): { rows: Sql; total: Sql } {
  const r = raw('r');
  const a = raw('a');
  // Per-record rows group by the record itself; its plain fields ride along as keys.
  const plainKeys = Object.keys(spec.select).filter((k) => !isAggregate(spec.select[k]!));
  const keys = spec.perRecord ? ['__id', ...plainKeys] : spec.groupBy;
  const keyExpr = (k: string): Sql => {
    if (k === '__id') return sql`r.id::text`;
    const e = spec.select[k]!;
    return plain(e, r);
  };

  // Plain (non-aggregate) expressions over a record alias, as jsonb.
  function plain(e: Expr, rec: Sql): Sql {
    switch (e.kind) {
      case 'field':
        return value(rec, e.ref);
      case 'bucket': {
        const t = typedTime(rec, e.ref);
        return sql`to_jsonb(${isoTime(sql`date_trunc(${UNITS[e.unit]}, ${t}, 'UTC')`)})`;
      }
      case 'arith':
        return sql`to_jsonb(${numericOf(e, (x) => sql`(${plain(x, rec)})`)})`;
      default:
        throw new Error('aggregate in a plain position');
    }
  }

  // Every aggregate leaf becomes a column of g (root) or of its alias CTE.
  const leaves: Leaf[] = [];
  function leaf(e: Expr): Sql {
    const source = e.kind === 'count' ? e.source : e.kind === 'agg' || e.kind === 'collect' ? e.ref.source : 'root';
    const rec = source === 'root' ? r : a;
    let body: Sql;
    switch (e.kind) {
      case 'count':
        // Root records appear once per group (g groups m, one row per record); related ones may repeat.
        body = source === 'root' ? sql`to_jsonb(count(*))` : sql`to_jsonb(count(DISTINCT a.id))`;
        break;
      case 'agg': {
        const f = e.ref;
        if (e.fn === 'sum' || e.fn === 'avg') body = sql`to_jsonb(${raw(e.fn)}(${typedNum(rec, f)}))`;
        else {
          const fn = raw(e.fn);
          body = sql`COALESCE(to_jsonb(${fn}(${typedNum(rec, f)})), to_jsonb(${isoTime(sql`${fn}(${typedTime(rec, f)})`)}), to_jsonb(${fn}(${typedText(rec, f)})))`;
        }
        break;
      }
      case 'collect': {
        const item = value(rec, e.ref);
        // A property is collected from the records that have it; a timestamp (or a fallback field) every record has.
        const has = e.ref.prop !== null && e.ref.sys === undefined ? sql`${rec}.types ? ${e.ref.prop}` : null;
        const conds = [
          ...(e.where ? [compileCond(e.where, scope, source === 'root' ? 'r' : 'a')] : []),
          ...(has ? [has] : []),
        ];
        const filter = conds.length > 0 ? sql`FILTER (WHERE ${join(conds, ' AND ')})` : sql``;
        const order = e.orderBy
          ? sql`ORDER BY ${join(propertyOrder(rec, e.orderBy, e.orderBy.dir === 'asc' ? sql`ASC` : sql`DESC`), ', ')}, ${rec}.id`
          : sql`ORDER BY ${rec}.id`;
        const agg = e.unique ? sql`array_agg(DISTINCT ${item}) ${filter}` : sql`array_agg(${item} ${order}) ${filter}`;
        const limited = e.limit ? sql`(${agg})[1:${e.limit}]` : agg;
        body = sql`COALESCE(to_jsonb(${limited}), '[]'::jsonb)`;
        break;
      }
      default:
        throw new Error('not a leaf');
    }
    const col = `c${leaves.length + 1}`;
    leaves.push({ col, source, sql: body });
    return raw(`${source === 'root' ? 'g' : cteName(source)}.${col}`);
  }

  const aliasNames = new Map<string, string>();
  const cteName = (alias: string) => {
    if (!aliasNames.has(alias)) aliasNames.set(alias, `a${aliasNames.size + 1}`);
    return aliasNames.get(alias)!;
  };

  function numericOf(e: Expr | number, atom: (x: Expr) => Sql): Sql {
    if (typeof e === 'number') return sql`${e}::numeric`;
    if (e.kind === 'arith') {
      const [first, ...rest] = e.args.map((x) => numericOf(x, atom));
      return rest.reduce<Sql>(
        (acc, x) => (e.op === '/' ? sql`(${acc} / NULLIF(${x}, 0))` : sql`(${acc} ${ARITH[e.op]} ${x})`),
        first!,
      );
    }
    return sql`(CASE WHEN jsonb_typeof(${atom(e)}) = 'number' THEN (${atom(e)})::text::numeric END)`;
  }

  // Final expressions over g / a<n> columns.
  function output(k: string, e: Expr): Sql {
    if (!isAggregate(e)) return raw(`g.k${keys.indexOf(k) + 1}`); // the parser made every plain key a group key
    if (e.kind === 'arith') return sql`to_jsonb(${numericOf(e, leaf)})`;
    return leaf(e);
  }

  const outputs = Object.entries(spec.select).map(([k, e]) => sql`${k}::text, ${output(k, e)}`);
  if (spec.perRecord) outputs.unshift(sql`'__id', to_jsonb(g.k1)`);

  const keyCols = keys.map((k, i) => sql`${keyExpr(k)} AS ${raw(`k${i + 1}`)}`);
  const groupClause =
    keys.length > 0
      ? sql`GROUP BY ${join(
          keys.map((_, i) => raw(`${i + 1}`)),
          ', ',
        )}`
      : sql``;
  const rootLeaves = leaves.filter((l) => l.source === 'root');
  // With no keys, count(*) makes g a single row (an aggregate over all matched records).
  const gCols = [
    ...keyCols,
    ...rootLeaves.map((l) => sql`${l.sql} AS ${raw(l.col)}`),
    ...(keys.length === 0 ? [sql`count(*) AS n_all`] : []),
  ];
  const ctes: Sql[] = [
    sql`m AS (SELECT r.* FROM record r WHERE ${spec.filter})`,
    sql`g AS (SELECT ${join(gCols, ', ')} FROM m r ${groupClause})`,
  ];
  const joins: Sql[] = [];
  for (const [alias, name] of aliasNames) {
    const ap = spec.aliases.get(alias)!;
    const cols = leaves.filter((l) => l.source === alias).map((l) => sql`${l.sql} AS ${raw(l.col)}`);
    ctes.push(sql`${raw(name)} AS (SELECT ${join([...keyCols, ...cols], ', ')}
      FROM m r JOIN (${pairs(ap, scope)}) p ON p.root_id = r.id JOIN record a ON a.project_id = ${spec.projectId}::uuid AND a.id = p.rel_id
      ${groupClause})`);
    const on =
      keys.length > 0
        ? and(keys.map((_, i) => sql`g.${raw(`k${i + 1}`)} IS NOT DISTINCT FROM ${raw(name)}.${raw(`k${i + 1}`)}`))
        : TRUE;
    joins.push(sql`LEFT JOIN ${raw(name)} ON ${on}`);
  }

  // Aggregates over an alias with no related record in a group are empty, not missing.
  const rowSql = sql`jsonb_build_object(${join(outputs, ', ')})`;
  const orderTerms = spec.orderBy.map((o) => {
    const dir = o.dir === 'asc' ? sql`ASC` : sql`DESC`;
    const v = sql`(x.row -> ${o.key})`;
    return sql`CASE WHEN jsonb_typeof(${v}) = 'number' THEN (${v})::text::numeric END ${dir} NULLS LAST, CASE WHEN jsonb_typeof(${v}) = 'string' THEN ${v} ->> 0 END COLLATE "C" ${dir} NULLS LAST, CASE WHEN jsonb_typeof(${v}) = 'boolean' THEN (${v})::text::boolean END ${dir} NULLS LAST`;
  });
  orderTerms.push(sql`x.row::text COLLATE "C" ASC`);
  const withClause = sql`WITH ${join(ctes, ', ')}`;
  const rows = sql`${withClause}
    SELECT x.row FROM (SELECT ${rowSql} AS row FROM g ${joins.length > 0 ? join(joins, ' ') : sql``}) x
    ORDER BY ${join(orderTerms, ', ')}
    LIMIT ${spec.limit} OFFSET ${spec.skip}`;
  const total = sql`${withClause} SELECT count(*)::int AS n FROM g`;
  return { rows, total };
}
