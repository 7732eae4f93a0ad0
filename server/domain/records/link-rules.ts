import { sql as S, withoutNestedLoops, type Db, type RuleRef } from '@/server/db';

const { suggestionSql } = S;

/**
 * Approved relationship rules on the write path: links the records just written by every approved
 * rule with either end on their labels, inside the write's transaction, so a record is linked when the
 * write returns. Records that existed before (updates) first lose the rule's edges, so a changed key
 * moves its edge instead of adding a second one.
 */
export async function linkByRules(tx: Db, projectId: string, written: { id: string; label: string }[], updated: ReadonlySet<string>): Promise<number> {
  if (written.length === 0) return 0;
  const labels = [...new Set(written.map((w) => w.label))];
  const rules = await tx.$queryRaw<RuleRef[]>(suggestionSql.approvedRulesFor(projectId, labels));
  let linked = 0;
  for (const rule of rules) {
    const sourceIds = written.filter((w) => w.label === rule.sourceLabel).map((w) => w.id);
    const targetIds = written.filter((w) => w.label === rule.targetLabel).map((w) => w.id);
    const touched = [...new Set([...sourceIds, ...targetIds])].filter((id) => updated.has(id));
    if (touched.length > 0) await tx.$executeRaw(suggestionSql.deleteRuleEdges(projectId, rule.id, touched));
    const scope = { sourceIds, targetIds };
    const insert = suggestionSql.insertRuleEdges(projectId, rule, scope);
    linked += suggestionSql.isBulk(scope) ? await withoutNestedLoops(tx, (t) => t.$executeRaw(insert)) : await tx.$executeRaw(insert);
  }
  return linked;
}
