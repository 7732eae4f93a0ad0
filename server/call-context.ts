import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who is calling and through which API operation, for the history the database writes (record_version,
 * relationship_event). The tRPC middleware runs each call inside `withCallContext`; every transaction the
 * call opens, and every call on a cross-call transaction, copies it into the transaction-local settings
 * engram.actor and engram.op, which the history triggers read. One store per process, on globalThis (Next.js
 * may evaluate this module more than once).
 */
export type CallContext = { actor: string; operation: string };

const KEY = Symbol.for('engram.callContext');
const storage = ((globalThis as unknown as Record<symbol, AsyncLocalStorage<CallContext>>)[KEY] ??=
  new AsyncLocalStorage<CallContext>());

export const withCallContext = <T>(ctx: CallContext, fn: () => T): T => storage.run(ctx, fn);
export const currentCallContext = (): CallContext | undefined => storage.getStore();
