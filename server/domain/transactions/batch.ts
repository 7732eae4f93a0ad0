import { z } from 'zod';
import { withTransaction } from '@/server/db';
import { DomainError, isDomainError } from '@/server/errors';
import type { ProjectDeps } from '../deps';
import { createRecord, deleteRecord, setRecord, updateRecord, ZCreateRecordInput } from '../records';
import type { TBatchInput, TBatchResult, TRef as Ref } from './transactions.schema';
import { embedAhead } from '../indexes';
import { attachRelationships, detachRelationships, ZAttachInput, ZDetachInput } from '../relationships';

export async function runBatch(deps: ProjectDeps, { ops }: TBatchInput): Promise<TBatchResult> {
  // Embedding is network I/O for some providers: done before the transaction opens, not op by op inside it.
  const embedder = await embedAhead(
    deps,
    ops.map((op) => ('data' in op ? op.data : undefined)),
  );
  return withTransaction(deps.db, async (tx) => {
    const d = { ...deps, db: tx, embedder };
    const results: { op: string; index: number; result: unknown }[] = [];
    const created: (string | undefined)[] = [];
    for (const [i, op] of ops.entries()) {
      const id = (ref: Ref, field: string): string => {
        if (typeof ref === 'string') return ref;
        const earlier = ref.$op < i ? created[ref.$op] : undefined;
        // The path is the op's own: failedOp puts ['ops', i] in front.
        if (!earlier)
          throw new DomainError(
            'INVALID',
            `{ "$op": ${ref.$op} } must name an earlier create or upsert of this batch`,
            { path: [field], got: ref.$op },
          );
        return earlier;
      };
      const ids = (refs: Ref | Ref[], field: string) => (Array.isArray(refs) ? refs : [refs]).map((r) => id(r, field));
      try {
        // ZOp checks only the shape of create, upsert, attach and detach ops; their fields are checked here
        // with the schema of the op's own route, inside the try, so a bad field fails as "Op n failed" at
        // ['ops', n, …] like any other failure of the op.
        let result: unknown;
        switch (op.op) {
          case 'create': {
            const { op: _o, ...rest } = op;
            const rec = await createRecord(d, ZCreateRecordInput.parse(rest));
            created[i] = rec.__id;
            result = rec;
            break;
          }
          case 'upsert': {
            const rec = await createRecord(
              d,
              ZCreateRecordInput.parse({
                label: op.label,
                data: op.data,
                options: { mergeBy: op.mergeBy, mergeStrategy: op.mergeStrategy },
              }),
            );
            created[i] = rec.__id;
            result = rec;
            break;
          }
          case 'update':
            result = await updateRecord(d, { id: id(op.id, 'id'), data: op.data });
            break;
          case 'set':
            result = await setRecord(d, { id: id(op.id, 'id'), data: op.data });
            break;
          case 'delete':
            result = await deleteRecord(d, { id: id(op.id, 'id'), cascade: op.cascade });
            break;
          case 'attach':
            result = await attachRelationships(
              d,
              ZAttachInput.parse({
                sourceId: id(op.sourceId, 'sourceId'),
                targetIds: ids(op.targetIds, 'targetIds'),
                type: op.type,
                direction: op.direction,
                properties: op.properties,
              }),
            );
            break;
          case 'detach':
            result = await detachRelationships(
              d,
              ZDetachInput.parse({
                sourceId: id(op.sourceId, 'sourceId'),
                targetIds: ids(op.targetIds, 'targetIds'),
                types: op.types,
                direction: op.direction,
              }),
            );
            break;
        }
        results.push({ op: op.op, index: i, result });
      } catch (e) {
        throw failedOp(e, i, op.op);
      }
    }
    return { results };
  });
}

function failedOp(e: unknown, index: number, op: string): unknown {
  if (isDomainError(e)) {
    const path = ['ops', index, ...(e.details?.path ?? [])];
    return new DomainError(
      e.code,
      `Op ${index} (${op}) failed, nothing was written: ${e.message}`,
      { ...e.details, op: index, path },
      { tooLarge: e.tooLarge },
    );
  }
  if (e instanceof z.ZodError) {
    const issue = e.issues[0];
    return new DomainError('INVALID', `Op ${index} (${op}) failed, nothing was written: ${issue?.message}`, {
      op: index,
      path: ['ops', index, ...(issue?.path ?? []).map((k) => (typeof k === 'number' ? k : String(k)))],
    });
  }
  return e;
}
