import { and, join, jsonb, not, or, sql, uuidList, FALSE, type Sql } from './compose';

/**
 * The compiled form of a SearchQuery filter. server/domain/query parses and validates user JSON into
 * this tree; this file turns the tree into SQL over `record r`. Property names and values are always
 * bind parameters; operators come from the closed set of node kinds below.
 */
export type Primitive = string | number | boolean | null;
export type Cond =
  | { kind: 'and'; items: Cond[] }
  | { kind: 'or'; items: Cond[] }
  | { kind: 'not'; item: Cond }
  | { kind: 'id'; ids: string[] }
  | { kind: 'eq'; prop: string; value: Primitive }
  | { kind: 'in'; prop: string; values: Primitive[] };

/** Equality that also matches any element of an array property; both forms are served by the GIN index. */
function eq(prop: string, value: Primitive): Sql {
  const scalar = sql`r.data @> ${jsonb({ [prop]: value })}`;
  if (value === null) return scalar;
  return sql`(${scalar} OR r.data @> ${jsonb({ [prop]: [value] })})`;
}

export function compileCond(c: Cond): Sql {
  switch (c.kind) {
    case 'and':
      return and(c.items.map(compileCond));
    case 'or':
      return or(c.items.map(compileCond));
    case 'not':
      return not(compileCond(c.item));
    case 'id':
      return c.ids.length === 0 ? FALSE : sql`r.id IN (${uuidList(c.ids)})`;
    case 'eq':
      return eq(c.prop, c.value);
    case 'in':
      return or(c.values.map((v) => eq(c.prop, v)));
  }
}

/** The full filter: project scope first (always), then labels, then the condition tree. */
export function compileFilter(projectId: string, labels: string[] | undefined, cond: Cond | undefined): Sql {
  const parts: Sql[] = [sql`r.project_id = ${projectId}::uuid`];
  if (labels && labels.length > 0) parts.push(labels.length === 1 ? sql`r.label = ${labels[0]}` : sql`r.label IN (${join(labels)})`);
  if (cond) parts.push(compileCond(cond));
  return and(parts);
}

export type OrderTerm = { prop: string; dir: 'asc' | 'desc' } | { id: true; dir: 'asc' | 'desc' };

/**
 * Typed order on a property, nulls (and missing) last: numbers, then datetimes, then booleans, then
 * strings in byte order (COLLATE "C", identical on PostgreSQL and PGlite); the id breaks ties.
 */
export function compileOrder(terms: OrderTerm[]): Sql {
  const parts: Sql[] = [];
  let idDir: 'asc' | 'desc' = 'desc';
  let idGiven = false;
  for (const t of terms) {
    const dir = t.dir === 'asc' ? sql`ASC` : sql`DESC`;
    if ('id' in t) {
      idDir = t.dir;
      idGiven = true;
      parts.push(sql`r.id ${dir}`);
      continue;
    }
    const p = t.prop;
    parts.push(sql`CASE WHEN r.types ->> ${p} = 'number' THEN (r.data ->> ${p})::numeric END ${dir} NULLS LAST`);
    parts.push(sql`CASE WHEN r.types ->> ${p} = 'datetime' THEN (r.data ->> ${p})::timestamptz END ${dir} NULLS LAST`);
    parts.push(sql`CASE WHEN r.types ->> ${p} = 'boolean' THEN (r.data ->> ${p})::boolean END ${dir} NULLS LAST`);
    parts.push(sql`CASE WHEN r.types ->> ${p} = 'string' THEN (r.data ->> ${p}) END COLLATE "C" ${dir} NULLS LAST`);
  }
  if (!idGiven) parts.push(idDir === 'desc' && terms.length === 0 ? sql`r.id DESC` : sql`r.id ASC`);
  return join(parts, ', ');
}
