import { sql, type Sql } from './compose';

/*
 * EXPLAIN for a compiled query, and a summary of the plan it returns: which indexes it reads and how.
 * Used by the query benchmark and by the index-use integration test; not by the API.
 */

/** The tables whose statistics the planner needs for Engram's queries (the embedded stats keeper, tests and benches analyze these). */
export const analyzeTables = (): Sql => sql`ANALYZE record, relationship, embedding`;

/** `EXPLAIN (FORMAT JSON)` of a compiled statement, its bind parameters kept. */
export const explainJson = (query: Sql, opts: { analyze?: boolean } = {}): Sql =>
  opts.analyze ? sql`EXPLAIN (ANALYZE, FORMAT JSON) ${query}` : sql`EXPLAIN (FORMAT JSON) ${query}`;

/** One node of a PostgreSQL JSON plan (only the fields read here). */
export type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Alias?: string;
  'Plan Rows'?: number;
  'Total Cost'?: number;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
  [k: string]: unknown;
};

export type PlanSummary = {
  /** Index names read anywhere in the plan (index, index-only and bitmap index scans), in plan order. */
  indexes: string[];
  /** Every "<node type> on <relation or index>" of the plan, in plan order. */
  scans: string[];
  /** Relations read with a full sequential scan. */
  seqScans: string[];
  root: PlanNode;
};

/** The root plan node of the rows `EXPLAIN (FORMAT JSON)` returns, whichever way the driver hands the json back. */
export function planRoot(rows: unknown[]): PlanNode {
  const row = rows[0] as Record<string, unknown> | undefined;
  if (!row) throw new Error('EXPLAIN returned no rows');
  let doc = row['QUERY PLAN'] ?? Object.values(row)[0];
  if (typeof doc === 'string') doc = JSON.parse(doc);
  const first = (Array.isArray(doc) ? doc[0] : doc) as { Plan?: PlanNode } | undefined;
  if (!first?.Plan) throw new Error('EXPLAIN output has no Plan');
  return first.Plan;
}

export function walkPlan(node: PlanNode, visit: (n: PlanNode) => void): void {
  visit(node);
  for (const child of node.Plans ?? []) walkPlan(child, visit);
}

export function summarizePlan(rows: unknown[]): PlanSummary {
  const root = planRoot(rows);
  const indexes: string[] = [];
  const scans: string[] = [];
  const seqScans: string[] = [];
  walkPlan(root, (n) => {
    const type = n['Node Type'];
    if (n['Index Name']) {
      if (!indexes.includes(n['Index Name'])) indexes.push(n['Index Name']);
      scans.push(`${type} on ${n['Index Name']}`);
    } else if (type === 'Seq Scan') {
      seqScans.push(n['Relation Name'] ?? '?');
      scans.push(`Seq Scan on ${n['Relation Name'] ?? '?'}`);
    }
  });
  return { indexes, scans, seqScans, root };
}
