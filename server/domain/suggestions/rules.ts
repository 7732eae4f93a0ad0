import { sql as S, withoutNestedLoops, withSettings, withTransaction, type Db, type RuleRef } from '@/server/db';
import { DomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import type {
  TApproveInput,
  TDeleteSuggestionInput,
  TEvidence,
  TListSuggestionsInput,
  TSuggestion,
  TSuggestionId,
} from './suggestions.schema';

const { suggestionSql } = S;

type Row = {
  id: string;
  sourceLabel: string;
  sourceKey: string;
  targetLabel: string;
  targetKey: string;
  type: string;
  confidence: number;
  evidence: unknown;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  decidedAt: Date | null;
};

const ruleOf = (r: Row): RuleRef => ({
  id: r.id,
  sourceLabel: r.sourceLabel,
  sourceKey: r.sourceKey,
  targetLabel: r.targetLabel,
  targetKey: r.targetKey,
  type: r.type,
});

/** Edges made by each approved rule among the rows: one grouped query, not one per rule. */
async function edgeCounts(db: Db, projectId: string, rows: Row[]): Promise<Map<string, number>> {
  const approved = rows.filter((r) => r.status === 'approved').map((r) => r.id);
  if (approved.length === 0) return new Map();
  const counts = new Map(
    (await db.$queryRaw<{ origin: string; n: number }[]>(suggestionSql.countRuleEdges(projectId, approved))).map(
      (c) => [c.origin, c.n],
    ),
  );
  return new Map(approved.map((id) => [id, counts.get(suggestionSql.originOf(id)) ?? 0]));
}

const toSuggestion = (r: Row, edges: Map<string, number>): TSuggestion => ({
  id: r.id,
  source: { label: r.sourceLabel, key: r.sourceKey },
  target: { label: r.targetLabel, key: r.targetKey },
  type: r.type,
  direction: 'out',
  confidence: r.confidence,
  evidence: r.evidence as TEvidence,
  status: r.status as TSuggestion['status'],
  edges: edges.get(r.id) ?? 0,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
  decidedAt: r.decidedAt?.toISOString() ?? null,
});

const oneSuggestion = async (db: Db, projectId: string, r: Row) =>
  toSuggestion(r, await edgeCounts(db, projectId, [r]));

async function rowOf(db: Db, projectId: string, id: string, lock = false): Promise<Row> {
  if (lock) await db.$queryRaw(suggestionSql.lockSuggestion(projectId, id));
  const r = await db.suggestion.findUnique({ where: { projectId_id: { projectId, id } } });
  if (!r) throw new DomainError('NOT_FOUND', `Suggestion ${id} not found`, { path: ['id'], got: id });
  return r;
}

/**
 * Approval and withdrawal must see every record committed until they hold the rule's label locks, which
 * a repeatable-read snapshot (a POST /tx transaction) taken earlier does not.
 */
async function requireReadCommitted(tx: Db, doing: string): Promise<void> {
  const [t] = await tx.$queryRaw<{ isolation: string }[]>(suggestionSql.transactionIsolation());
  if (t?.isolation === 'repeatable read' || t?.isolation === 'serializable') {
    throw new DomainError(
      'INVALID',
      `${doing} a relationship rule cannot be part of a transaction opened with /tx: send it without a transaction id`,
      {
        path: ['transactionId'],
        expected: 'no transaction',
        got: t.isolation,
      },
    );
  }
}

/** How long approval and withdrawal wait for open writes of the rule's labels before giving up. */
const RULE_LOCK_WAIT_MS = 10_000;

/** Exclusive locks on both labels of the rule: waits for the writes of those labels in flight (see sql/suggestions.ts). */
async function lockRuleLabels(tx: Db, projectId: string, r: Row): Promise<void> {
  try {
    await withSettings(tx, { lock_timeout: `${RULE_LOCK_WAIT_MS}ms` }, (t) =>
      t.$queryRaw(suggestionSql.lockRuleLabels(projectId, [r.sourceLabel, r.targetLabel], 'exclusive')),
    );
  } catch (e) {
    if (sqlState(e) !== '55P03') throw e;
    throw new DomainError(
      'UNAVAILABLE',
      `Writes of ${r.sourceLabel} or ${r.targetLabel} records have been open for ${RULE_LOCK_WAIT_MS / 1000} s (a transaction not committed yet); retry once they finish`,
      {
        waitedMs: RULE_LOCK_WAIT_MS,
        labels: [r.sourceLabel, r.targetLabel],
      },
    );
  }
}

/** The SQLSTATE of a database error as Prisma's driver adapters report it. */
const sqlState = (e: unknown): string | undefined =>
  (e as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } } | null)?.meta?.driverAdapterError
    ?.cause?.originalCode;

/** Suggestions of one status (default `suggested`), most confident first. */
export async function listSuggestions(
  deps: ProjectDeps,
  q: TListSuggestionsInput,
): Promise<{ items: TSuggestion[]; total: number }> {
  const where = { projectId: deps.projectId, status: q.status ?? 'suggested' };
  const [rows, total] = await Promise.all([
    deps.db.suggestion.findMany({
      where,
      orderBy: [{ confidence: 'desc' }, { sourceLabel: 'asc' }, { sourceKey: 'asc' }, { id: 'asc' }],
      skip: q.skip ?? 0,
      take: q.limit ?? 100,
    }),
    deps.db.suggestion.count({ where }),
  ]);
  const edges = await edgeCounts(deps.db, deps.projectId, rows);
  return { items: rows.map((r) => toSuggestion(r, edges)), total };
}

export async function getSuggestion(deps: ProjectDeps, { id }: TSuggestionId): Promise<TSuggestion> {
  return oneSuggestion(deps.db, deps.projectId, await rowOf(deps.db, deps.projectId, id));
}

/** What approval would do now: how many edges it creates, how many exist, a few pairs. */
export async function previewSuggestion(deps: ProjectDeps, { id }: TSuggestionId) {
  const r = await rowOf(deps.db, deps.projectId, id);
  const rule = ruleOf(r);
  const [[c], [e], samples] = await withoutNestedLoops(
    deps.db,
    async (tx) =>
      [
        await tx.$queryRaw<{ n: number }[]>(suggestionSql.countNewPairs(deps.projectId, rule)),
        await tx.$queryRaw<{ n: number }[]>(suggestionSql.countRuleEdges(deps.projectId, [rule.id])),
        await tx.$queryRaw<{ sourceId: string; targetId: string; value: unknown }[]>(
          suggestionSql.samplePairs(deps.projectId, rule, 10),
        ),
      ] as const,
  );
  return {
    create: c?.n ?? 0,
    existing: e?.n ?? 0,
    samples: samples.map((s) => ({
      source: { id: s.sourceId, label: r.sourceLabel, value: s.value },
      target: { id: s.targetId, label: r.targetLabel },
    })),
  };
}

/**
 * Approves a rule: every matching pair becomes an edge in one transaction, and the rule stays active
 * for later writes. It first waits for the writes of the rule's labels in flight, so their records are
 * linked too (sql/suggestions.ts). Approving an approved rule again creates only edges that are missing
 * (none, unless someone removed some); asking for another type then is a CONFLICT (withdraw the rule first).
 */
export async function approveSuggestion(
  deps: ProjectDeps,
  q: TApproveInput,
): Promise<{ suggestion: TSuggestion; created: number }> {
  return withTransaction(deps.db, async (tx) => {
    await requireReadCommitted(tx, 'Approving');
    const r = await rowOf(tx, deps.projectId, q.id, true);
    if (r.status === 'approved' && q.type !== undefined && q.type !== r.type) {
      throw new DomainError(
        'CONFLICT',
        `The rule is approved with type ${r.type}; withdraw it (DELETE) before approving it with another type`,
        { path: ['type'], got: q.type, expected: r.type },
      );
    }
    const type = q.type ?? r.type;
    await lockRuleLabels(tx, deps.projectId, r);
    const decidedAt = r.status === 'approved' ? r.decidedAt : new Date();
    const row = await tx.suggestion.update({
      where: { projectId_id: { projectId: deps.projectId, id: r.id } },
      data: { status: 'approved', type, decidedAt, updatedAt: new Date() },
    });
    // A statement after the lock: its snapshot holds every record the writes we waited for committed.
    const created = await withoutNestedLoops(tx, (t) =>
      t.$executeRaw(suggestionSql.insertRuleEdges(deps.projectId, { ...ruleOf(r), type }, null)),
    );
    await tx.$executeRaw(suggestionSql.bumpRuleEpoch(deps.projectId));
    return { suggestion: await oneSuggestion(tx, deps.projectId, row), created };
  });
}

/** Rejects a suggested rule; analysis never proposes it again. An approved rule must be withdrawn (DELETE) instead. */
export async function rejectSuggestion(deps: ProjectDeps, { id }: TSuggestionId): Promise<TSuggestion> {
  return withTransaction(deps.db, async (tx) => {
    const r = await rowOf(tx, deps.projectId, id, true);
    if (r.status === 'approved')
      throw new DomainError(
        'CONFLICT',
        'The rule is approved; withdraw it with DELETE (optionally with deleteEdges=true)',
        { path: ['id'], got: id },
      );
    const row = await tx.suggestion.update({
      where: { projectId_id: { projectId: deps.projectId, id } },
      data: { status: 'rejected', decidedAt: r.decidedAt ?? new Date(), updatedAt: new Date() },
    });
    return oneSuggestion(tx, deps.projectId, row);
  });
}

/**
 * Withdraws a rule of any status: it stops applying to writes and, when asked, its edges go too (also
 * those of writes in flight, which it waits for, as approval does). A withdrawn rule may be suggested
 * again by a later analysis (reject it to prevent that).
 */
export async function deleteSuggestion(
  deps: ProjectDeps,
  q: TDeleteSuggestionInput,
): Promise<{ deleted: boolean; edgesDeleted: number }> {
  return withTransaction(deps.db, async (tx) => {
    await requireReadCommitted(tx, 'Withdrawing');
    const r = await rowOf(tx, deps.projectId, q.id, true);
    await lockRuleLabels(tx, deps.projectId, r);
    const edgesDeleted = q.deleteEdges ? await tx.$executeRaw(suggestionSql.deleteRuleEdges(deps.projectId, q.id)) : 0;
    await tx.suggestion.delete({ where: { projectId_id: { projectId: deps.projectId, id: q.id } } });
    await tx.$executeRaw(suggestionSql.bumpRuleEpoch(deps.projectId));
    return { deleted: true, edgesDeleted };
  });
}
