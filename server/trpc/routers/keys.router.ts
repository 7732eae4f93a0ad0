import { z } from 'zod';
import {
  createApiKey,
  listApiKeys,
  revokeApiKey,
  ZApiKey,
  ZCreateApiKeyInput,
  ZCreatedApiKey,
} from '@/server/domain/auth';
import { router } from '../init';
import { projectProcedure } from '../procedures';

export const keysRouter = router({
  create: projectProcedure('admin', { transactional: false })
    .meta({
      openapi: {
        method: 'POST',
        path: '/keys',
        summary: 'Create an API key; the secret is returned once',
        tags: ['keys'],
        status: 201,
      },
    })
    .input(ZCreateApiKeyInput)
    .output(ZCreatedApiKey)
    .mutation(({ ctx, input }) => createApiKey(ctx.deps, input)),

  list: projectProcedure('admin', { transactional: false })
    .meta({
      openapi: {
        method: 'GET',
        path: '/keys',
        summary: "List the project's API keys (never their secrets)",
        tags: ['keys'],
        envelope: 'list',
      },
    })
    .input(z.object({}).optional())
    .output(z.object({ items: z.array(ZApiKey), total: z.number().int() }))
    .query(({ ctx }) => listApiKeys(ctx.deps)),

  revoke: projectProcedure('admin', { transactional: false, endsKeyTransactions: true })
    .meta({
      openapi: {
        method: 'DELETE',
        path: '/keys/{id}',
        summary: 'Revoke an API key (its open transactions are rolled back)',
        tags: ['keys'],
      },
    })
    .input(z.object({ id: z.uuid() }))
    .output(ZApiKey)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, input.id)),
});
