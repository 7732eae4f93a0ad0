import { z } from 'zod';

export const SIMILARITIES = ['cosine', 'euclidean', 'inner'] as const;
export const MAX_DIMENSIONS = 2_000; // pgvector's HNSW limit for `vector`
export const MAX_VECTORS_PER_CALL = 1_000;

export const ZCreateIndexInput = z
  .object({
    label: z.string().min(1).max(128),
    propertyName: z.string().min(1).max(256),
    external: z
      .boolean()
      .optional()
      .describe('the caller brings the vectors (POST /ai/indexes/{id}/vectors); otherwise Engram embeds the property'),
    dimensions: z
      .number()
      .int()
      .min(1)
      .max(MAX_DIMENSIONS)
      .optional()
      .describe('required for external indexes; must match the embedder for managed ones'),
    similarity: z.enum(SIMILARITIES).optional().describe('default cosine'),
  })
  .strict();
export type TCreateIndexInput = z.output<typeof ZCreateIndexInput>;

export const ZIndex = z.object({
  id: z.uuid(),
  label: z.string(),
  propertyName: z.string(),
  source: z.enum(['managed', 'external']),
  provider: z.string(),
  model: z.string(),
  dimensions: z.number().int(),
  similarity: z.enum(SIMILARITIES),
  status: z.enum(['pending', 'indexing', 'ready', 'error']),
  error: z.string().nullable(),
  progress: z.object({ indexed: z.number().int(), total: z.number().int() }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TIndex = z.infer<typeof ZIndex>;

export const ZVector = z.array(z.number()).min(1).max(MAX_DIMENSIONS);
export const ZVectorsInput = z
  .object({
    id: z.uuid(),
    items: z
      .array(z.object({ recordId: z.uuid(), vector: ZVector }).strict())
      .min(1)
      .max(MAX_VECTORS_PER_CALL),
  })
  .strict();
export type TVectorsInput = z.output<typeof ZVectorsInput>;
