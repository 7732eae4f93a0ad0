import { tool } from 'ai';
import { z } from 'zod';
import type { Engram } from './client';

/**
 * Vercel AI SDK tools over Engram memory: remember, recall, forget, relate. The caller binds them to a scope
 * (e.g. { user_id: 'alice' }); the model never sees or chooses it. Every write carries the scope's properties
 * (the model cannot override them) and every read, delete and link is confined to records of the scope, so a
 * model cannot reach another user's memories whatever arguments it invents.
 */
type Scalar = string | number | boolean;

export type EngramToolsOptions = {
  db: Engram;
  /** Fixed properties: set on every memory written, required of every memory read or changed. */
  scope: Record<string, Scalar>;
  /** Default MEMORY. */
  label?: string;
  /** The property holding a memory's text, searched by meaning (an index is created on first use). Default text. */
  propertyName?: string;
  mode?: 'semantic' | 'hybrid' | 'keyword';
};

const ZScalar = z.union([z.string().max(2_000), z.number(), z.boolean()]);
const ZId = z.uuid().describe('the id of a memory, as recall or remember returned it');

export function engramTools(options: EngramToolsOptions) {
  const { db, scope } = options;
  const label = options.label ?? 'MEMORY';
  const propertyName = options.propertyName ?? 'text';
  if (!scope || Object.keys(scope).length === 0)
    throw new Error('engramTools needs a scope (e.g. { user_id }): memories of every user must not be reachable');
  const scopeKeys = new Set(Object.keys(scope));
  let ready: Promise<void> | undefined;
  const setup = () =>
    (ready ??= (async () => {
      const indexes = await db.ai.indexes.list();
      if (indexes.some((i) => i.label === label && i.propertyName === propertyName)) return;
      await db.ai.indexes.create({ label, propertyName }).catch(async (e: unknown) => {
        const again = await db.ai.indexes.list();
        if (!again.some((i) => i.label === label && i.propertyName === propertyName)) throw e;
      });
    })().catch((e: unknown) => {
      ready = undefined;
      throw e;
    }));
  /** The ids among these that are memories of this scope. */
  const inScope = async (ids: string[]) =>
    new Set(
      (await db.records.find({ labels: [label], where: { ...scope, $id: { $in: ids } }, limit: ids.length })).items.map(
        (r) => r.__id,
      ),
    );

  return {
    remember: tool({
      description:
        'Store a memory: a fact, preference, decision or event worth recalling later, in one or two sentences.',
      inputSchema: z.object({
        text: z.string().min(1).max(10_000).describe('the memory, as a self-contained sentence'),
        properties: z
          .record(z.string().min(1).max(64), ZScalar)
          .optional()
          .describe('optional structured facts about it, e.g. { "topic": "pricing" }'),
      }),
      execute: async ({ text, properties }) => {
        await setup();
        const own = Object.fromEntries(
          Object.entries(properties ?? {}).filter(
            ([k]) => !scopeKeys.has(k) && k !== propertyName && !k.startsWith('$'),
          ),
        );
        const r = await db.records.create({ label, data: { ...own, [propertyName]: text, ...scope } });
        return { id: r.__id, createdAt: r.__createdAt };
      },
    }),

    recall: tool({
      description: 'Search the stored memories by meaning; answers the closest ones with their ids and scores.',
      inputSchema: z.object({
        query: z.string().min(1).max(2_000).describe('what to look for, in natural language'),
        limit: z.number().int().min(1).max(50).optional().describe('how many memories, default 5'),
        filter: z
          .record(z.string().min(1).max(64), ZScalar)
          .optional()
          .describe('only memories whose properties equal these, e.g. { "topic": "pricing" }'),
      }),
      execute: async ({ query, limit, filter }) => {
        await setup();
        const own = Object.fromEntries(
          Object.entries(filter ?? {}).filter(([k]) => !scopeKeys.has(k) && !k.startsWith('$')),
        );
        const hits = await db.ai.search({
          labels: [label],
          propertyName,
          query,
          where: { ...own, ...scope },
          limit: limit ?? 5,
          ...(options.mode ? { mode: options.mode } : {}),
        });
        return hits.items.map((h) => ({
          id: h.__id,
          text: String(h[propertyName] ?? ''),
          score: h.__score,
          createdAt: h.__createdAt,
        }));
      },
    }),

    forget: tool({
      description: 'Delete a memory by its id (from recall or remember).',
      inputSchema: z.object({ id: ZId }),
      execute: async ({ id }) => {
        const { deleted } = await db.records.delete({ labels: [label], where: { ...scope, $id: id } });
        return { deleted };
      },
    }),

    relate: tool({
      description: 'Link two memories, e.g. a decision and the event it followed from.',
      inputSchema: z.object({
        sourceId: ZId,
        targetId: ZId,
        type: z
          .string()
          .regex(/^[A-Z][A-Z0-9_]{0,63}$/)
          .describe('the relationship, in capitals, e.g. FOLLOWS_FROM or CONTRADICTS'),
      }),
      execute: async ({ sourceId, targetId, type }) => {
        const found = await inScope([sourceId, targetId]);
        if (!found.has(sourceId) || !found.has(targetId)) return { attached: 0, error: 'no such memory' };
        return db.relationships.attach({ sourceId, targetIds: targetId, type });
      },
    }),
  };
}
