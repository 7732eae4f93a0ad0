import { authenticate, authorize, resolveProject, SESSION_COOKIE, type Principal, type Requirement } from '@/server/domain/auth';
import type { ProjectDeps } from '@/server/domain/deps';
import type { TProject } from '@/server/domain/projects';
import { readCookie } from './context';
import { baseProcedure } from './init';

export const PROJECT_HEADER = 'x-project-id';

/**
 * Authentication. On the embedded database an open transaction holds the only connection, so a request
 * that names one (x-transaction-id, or the id of /tx/{id}/… routes) does its lookups on it, and any
 * other request first waits (bounded) for open transactions to finish, before touching the database.
 */
/**
 * tRPC callers name a transaction with `transactionId` in the input: it is taken out here, before the
 * procedure's own (strict) input schema sees the input.
 */
const transactionInput = baseProcedure.use(async ({ ctx, next, getRawInput }) => {
  const raw = await getRawInput().catch(() => undefined);
  if (raw && typeof raw === 'object' && !Array.isArray(raw) && 'transactionId' in raw) {
    const { transactionId, ...rest } = raw as Record<string, unknown>;
    if (typeof transactionId === 'string') ctx.transactionId = transactionId.trim();
    return next({ getRawInput: async () => rest });
  }
  return next();
});

const authed = (needs: Requirement, opts: ScopeOptions = {}) =>
  transactionInput.use(async ({ ctx, next, getRawInput }) => {
    const { engram, headers } = ctx;
    let txId = headers.get(TX_HEADER)?.trim() || ctx.transactionId || undefined;
    if (!txId && opts.txFromInput) {
      const raw = (await getRawInput().catch(() => undefined)) as { id?: unknown } | undefined;
      if (typeof raw?.id === 'string') txId = raw.id;
    }
    const txDb = txId ? engram.transactions.peek(txId) : opts.anyTx ? engram.transactions.peekAny() : undefined;
    if (!txDb && !(txId && engram.transactions.isOpen(txId))) await engram.transactions.gate();
    const db = txDb ?? engram.db.prisma;
    const principal: Principal = await authenticate(
      { db, masterKey: engram.masterKey.key, sessionSecret: engram.sessionSecret },
      { authorization: headers.get('authorization'), sessionCookie: readCookie(headers, SESSION_COOKIE) },
    );
    authorize(principal, needs);
    return next({ ctx: { principal, lookupDb: db } });
  });

/** Open to anyone (health, login). */
export const publicProcedure = baseProcedure.meta({ auth: 'public' });

/** Master key or console session only: administration across projects. */
export const masterProcedure = authed('master').meta({ auth: 'master' });

export const TX_HEADER = 'x-transaction-id';

/** Who owns a transaction: a key by its id; the master key and console sessions by their kind. */
export const principalId = (p: Principal): string => (p.kind === 'key' ? `key:${p.keyId}` : p.kind);

/** Auth plus the project the call acts on (see projectProcedure), without transaction handling. */
/**
 * txFromInput: the transaction is named by the input's `id` (the /tx/{id} routes).
 * anyTx: administration of transactions, which must not wait behind the one it may roll back.
 */
/**
 * changesData: the procedure writes records or relationships, so once it has committed (a call outside
 * an open transaction, or the commit of one) relationship suggestions are re-analyzed after a pause.
 */
type ScopeOptions = { txFromInput?: boolean; anyTx?: boolean; changesData?: boolean };

export const projectScope = (needs: Exclude<Requirement, 'master'>, opts: ScopeOptions = {}) =>
  authed(needs, opts)
    .meta({ auth: needs })
    .use(async ({ ctx, next }) => {
      const project: TProject = await resolveProject({ db: ctx.lookupDb }, ctx.principal, ctx.headers.get(PROJECT_HEADER));
      const { engram } = ctx;
      const deps: ProjectDeps = {
        db: engram.db.prisma,
        projectId: project.id,
        maxHops: engram.env.ENGRAM_MAX_HOPS,
        embedder: engram.embedder,
        queryCache: engram.queryCache,
        backfill: engram.backfill,
        exactSearchBelow: engram.env.ENGRAM_EXACT_SEARCH_BELOW,
        suggestions: engram.suggestions,
      };
      const result = await next({ ctx: { project, deps, owner: { projectId: project.id, principal: principalId(ctx.principal) } } });
      if (result.ok && opts.changesData && !ctx.headers.get(TX_HEADER) && !ctx.transactionId) engram.suggestions.touched(project.id);
      return result;
    });

/**
 * Project-scoped work. The project comes from the credentials (a key's own project) or, for the
 * master key and console sessions, from the x-project-id header; `deps` carries that scope into
 * the domain so no procedure can pick another. With an x-transaction-id header the whole procedure
 * runs on that open transaction (reads see its writes); without one it runs on its own, after any
 * transaction holding the embedded database has finished (bounded wait).
 */
export const projectProcedure = (needs: Exclude<Requirement, 'master'>, opts: Pick<ScopeOptions, 'changesData'> = {}) =>
  projectScope(needs, opts).use(async ({ ctx, next }) => {
    const txId = ctx.headers.get(TX_HEADER) || ctx.transactionId;
    if (txId) {
      return ctx.engram.transactions.run(txId.trim(), ctx.owner, (tx) => next({ ctx: { deps: { ...ctx.deps, db: tx } } }));
    }
    return next();
  });
