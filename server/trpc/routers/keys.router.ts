import { createApiKey, listApiKeys, revokeApiKey } from '@/server/domain/auth';
import { contract } from '@/server/contract';
import { router } from '../init';
import { projectProcedure } from '../procedures';

export const keysRouter = router({
  create: projectProcedure('admin', { transactional: false })
    .meta({ openapi: contract.keys.create.openapi })
    .input(contract.keys.create.input)
    .output(contract.keys.create.output)
    .mutation(({ ctx, input }) => createApiKey(ctx.deps, input)),

  list: projectProcedure('admin', { transactional: false })
    .meta({ openapi: contract.keys.list.openapi })
    .input(contract.keys.list.input)
    .output(contract.keys.list.output)
    .query(({ ctx }) => listApiKeys(ctx.deps)),

  revoke: projectProcedure('admin', { transactional: false, endsKeyTransactions: true })
    .meta({ openapi: contract.keys.revoke.openapi })
    .input(contract.keys.revoke.input)
    .output(contract.keys.revoke.output)
    .mutation(({ ctx, input }) => revokeApiKey(ctx.deps, input.id)),
});
