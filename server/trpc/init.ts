import { initTRPC } from '@trpc/server';
import type { Context } from './context';
import { errorBody, toTRPCError } from './errors';
import type { Requirement } from '@/server/domain/auth';
import type { OpenApiMeta } from '@/server/contract';

export type { OpenApiMeta };

export type Meta = { openapi?: OpenApiMeta; auth?: Requirement | 'public' | 'session' };

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      const { body } = errorBody(error);
      return { ...shape, message: body.message, data: { ...shape.data, stack: undefined, domain: body } };
    },
  });

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

/** Every procedure starts here: domain and validation errors leave as typed tRPC errors. */
export const baseProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  if (!result.ok) throw toTRPCError(result.error);
  return result;
});
