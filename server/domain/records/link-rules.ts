import { sql as S, withoutNestedLoops, type Db, type RuleRef } from '@/server/db';

const { suggestionSql } = S;

/** A record just written: its data now and, for an update, its data before. */
export type Written = { id: string; label: string; data: Record<string, unknown>; before?: Record<string, unknown> };

/** Does the write touch what the rule matches on, at this end? A new record always does; an update only when the key's value changed. */
function keyChanged(w: Written, key: string): boolean {
  if (!w.before) return true;
  if (key === suggestionSql.ID_KEY) return false;
  return JSON.stringify(w.before[key]) !== JSON.stringify(w.data[key]);
}

/**
 * Approved relationship rules on the write path: links the records just written by every approved
 * rule with either end on their labels, inside the write's transaction, so a record is linked when the
 * write returns. An updated record whose key changed first loses the rule's edges, so the edge moves
 * instead of a second one appearing; an update that leaves the key alone leaves its edges alone.
 *
 * The labels' rule locks are held (shared) from before the rules are read until the write commits, so
 * an approval or withdrawal of a rule on them waits for this write, or this write for it (see
 * sql/suggestions.ts); a repeatable-read transaction whose snapshot predates such a change fails 40001.
 */
export async function linkByRules(tx: Db, projectId: string, written: Written[]): Promise<number> {
  if (written.length === 0) return 0;
  const labels = [...new Set(written.map((w) => w.label))];
  const [lock] = await tx.$queryRaw<{ isolation: string }[]>(suggestionSql.lockRuleLabels(projectId, labels, 'shared'));
  if (lock?.isolation === 'repeatable read' || lock?.isolation === 'serializable')
    await tx.$executeRaw(suggestionSql.probeRuleEpoch(projectId));
  const rules = await tx.$queryRaw<RuleRef[]>(suggestionSql.approvedRulesFor(projectId, labels));
  let linked = 0;
  for (const rule of rules) {
    const sources = written.filter((w) => w.label === rule.sourceLabel && keyChanged(w, rule.sourceKey));
    const targets = written.filter((w) => w.label === rule.targetLabel && keyChanged(w, rule.targetKey));
    if (sources.length === 0 && targets.length === 0) continue;
    const moved = [...new Set([...sources, ...targets].filter((w) => w.before).map((w) => w.id))];
    if (moved.length > 0) await tx.$executeRaw(suggestionSql.deleteRuleEdges(projectId, rule.id, moved));
    const scope = { sourceIds: sources.map((w) => w.id), targetIds: targets.map((w) => w.id) };
    const insert = suggestionSql.insertRuleEdges(projectId, rule, scope);
    linked += suggestionSql.isBulk(scope)
      ? await withoutNestedLoops(tx, (t) => t.$executeRaw(insert))
      : await tx.$executeRaw(insert);
  }
  return linked;
}
