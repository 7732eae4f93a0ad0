import { z } from 'zod';

/**
 * An atomic batch: every op runs in one transaction, in order; the first failure rolls all of them
 * back and names its index. An id may be `{ "$op": n }`: the record created by op n of this batch.
 */
export const MAX_BATCH_OPS = 1_000;

export const ZRef = z.union([z.uuid(), z.object({ $op: z.number().int().min(0) }).strict()]);
export const ZOp = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('create'),
      label: z.string(),
      data: z.record(z.string(), z.unknown()).optional(),
      properties: z.array(z.unknown()).optional(),
      options: z.record(z.string(), z.unknown()).optional(),
      vectors: z.array(z.unknown()).optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('upsert'),
      label: z.string(),
      data: z.record(z.string(), z.unknown()),
      mergeBy: z.array(z.string()).min(1),
      mergeStrategy: z.enum(['append', 'rewrite']).optional(),
    })
    .strict(),
  z.object({ op: z.literal('update'), id: ZRef, data: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ op: z.literal('set'), id: ZRef, data: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ op: z.literal('delete'), id: ZRef, cascade: z.boolean().optional() }).strict(),
  z
    .object({
      op: z.literal('attach'),
      sourceId: ZRef,
      targetIds: z.union([ZRef, z.array(ZRef)]),
      type: z.string().optional(),
      direction: z.enum(['out', 'in']).optional(),
      properties: z.record(z.string(), z.unknown()).optional(),
    })
    .strict(),
  z
    .object({
      op: z.literal('detach'),
      sourceId: ZRef,
      targetIds: z.union([ZRef, z.array(ZRef)]),
      types: z.union([z.string(), z.array(z.string())]).optional(),
      direction: z.enum(['out', 'in', 'both']).optional(),
    })
    .strict(),
]);
export const ZBatchInput = z.object({ ops: z.array(ZOp).min(1).max(MAX_BATCH_OPS) }).strict();
export type TBatchInput = z.output<typeof ZBatchInput>;
export const ZBatchResult = z.object({
  results: z.array(z.object({ op: z.string(), index: z.number().int(), result: z.unknown() })),
});

export type TBatchResult = z.infer<typeof ZBatchResult>;
export type TRef = z.infer<typeof ZRef>;

/** Cross-call transactions: what a caller sends and sees. */
export const ZTransaction = z.object({
  id: z.uuid(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ttlMs: z.number().int(),
});
export const ZTransactionFull = ZTransaction.extend({
  principal: z.string().describe('the key (key:<id>), master or session that owns it'),
});
export const ZTransactionId = z.object({ id: z.uuid() });
export const ZTransactionOutcome = z.object({ id: z.uuid(), status: z.enum(['committed', 'rolled back']) });
export const ZBeginInput = z
  .object({
    ttl: z
      .number()
      .int()
      .min(1000)
      .optional()
      .describe('ms until it is rolled back (default 30 s, max ENGRAM_TX_MAX_TTL_MS)'),
  })
  .strict()
  .optional();
