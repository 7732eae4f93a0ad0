import { initTRPC } from '@trpc/server';
import type { Context } from './context';
import { errorBody, toTRPCError } from './errors';
import type { Requirement } from '@/server/domain/auth';

/** REST exposure of a procedure; server/trpc/rest.ts and openapi.ts read it. */
export type OpenApiMeta = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: `/${string}`;
  summary: string;
  tags: string[];
  /** `list`: the procedure returns { items, total } and REST answers { data: items, total }. */
  envelope?: 'data' | 'list';
  /** HTTP status on success (201 for creations). */
  status?: number;
  /** Answer REST with one string field of the output as a raw body of this type (e.g. Markdown). */
  raw?: { contentType: string; field: string };
};
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
