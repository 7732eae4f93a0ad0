import { sql as S, withTransaction } from '@/server/db';
import type { ProjectDeps } from '../deps';

const { schemaSql } = S;

/**
 * Readers compact once this many delta rows have piled up. Summing up to this many costs a read about a
 * millisecond, while a compaction is a ~6 ms write transaction (bench/schema.ts, 100k records), so a
 * read-mostly project should not pay one per read. Imports add few rows (statement triggers: one per
 * label, property and type per statement); single-record writes add ~one per property.
 */
export const COMPACT_THRESHOLD = 1_000;

/** Folds the project's counter deltas into the stat tables, unless another compaction holds the project. */
export async function compactSchemaStats(deps: ProjectDeps): Promise<{ compacted: boolean }> {
  return withTransaction(deps.db, async (tx) => {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>(schemaSql.tryLockCompaction(deps.projectId));
    if (!lock?.locked) return { compacted: false };
    await tx.$executeRaw(schemaSql.compactStats(deps.projectId));
    await tx.$executeRaw(schemaSql.compactRelStats(deps.projectId));
    await tx.$executeRaw(schemaSql.deleteZeroStats(deps.projectId));
    await tx.$executeRaw(schemaSql.deleteZeroRelStats(deps.projectId));
    return { compacted: true };
  });
}

export async function compactIfNeeded(deps: ProjectDeps): Promise<void> {
  const [row] = await deps.db.$queryRaw<{ n: number }[]>(
    schemaSql.countDeltaRows(deps.projectId, COMPACT_THRESHOLD + 1),
  );
  if ((row?.n ?? 0) > COMPACT_THRESHOLD) await compactSchemaStats(deps);
}
