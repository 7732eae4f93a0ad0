import { z } from 'zod';
import { authorize, resolveProject, type Principal, type Requirement } from '@/server/domain/auth';
import type { BaseDeps, ProjectDeps } from '@/server/domain/deps';
import type { Embedder } from '@/server/domain/embeddings';
import type { TProject } from '@/server/domain/projects';
import { PROJECT_HEADER, TX_HEADER } from '@/server/contract';
import { withCallContext } from '@/server/call-context';
import { DomainError } from '@/server/errors';
import type { Context, Services } from './context';
import { baseProcedure, middleware } from './init';
import { checkInput } from './input-guard';

export { PROJECT_HEADER, TX_HEADER };

/**
 * The order of every call: authenticate (headers only: no input has been read), then read and check
 * the input, then resolve the project, then run — inside the named transaction, on the embedded
 * database's shared connection, or on its own. On the embedded database every lookup goes through
 * `transactions.shared`, so a request never blocks on the one connection an open transaction holds.
 */

/** Reads the input, refuses hostile shapes, and puts this call's tRPC `transactionId` on its context. */
const checkedInput = middleware(async ({ next, getRawInput }) => {
  const raw = await getRawInput();
  checkInput(raw);
  if (!hasTransactionId(raw)) return next();
  const parsed = ZTxId.safeParse(raw.transactionId);
  if (!parsed.success)
    throw new DomainError('INVALID', 'transactionId must be the id of an open transaction', {
      path: ['transactionId'],
      expected: 'uuid',
      got: raw.transactionId,
    });
  // Per call, on this call's context only: in a tRPC batch the other calls keep their own.
  return next({ ctx: { transactionId: parsed.data } });
});

/** Takes `transactionId` out of the input before the procedure's own (strict) schema sees it. */
const withoutTransactionId = middleware(async ({ next, getRawInput }) => {
  const raw = await getRawInput();
  if (!hasTransactionId(raw)) return next();
  const { transactionId: _, ...rest } = raw;
  return next({ getRawInput: async () => rest });
});

const hasTransactionId = (raw: unknown): raw is Record<string, unknown> & { transactionId: unknown } =>
  Boolean(raw) && typeof raw === 'object' && !Array.isArray(raw) && 'transactionId' in (raw as object);

const ZTxId = z.uuid();

function headerTransaction(headers: Headers): string | undefined {
  const raw = headers.get(TX_HEADER)?.trim();
  if (!raw) return undefined;
  const parsed = ZTxId.safeParse(raw);
  if (!parsed.success)
    throw new DomainError('INVALID', `The ${TX_HEADER} header must be the id of an open transaction`, {
      path: ['headers', TX_HEADER],
      expected: 'uuid',
      got: raw,
    });
  return parsed.data;
}

/** The transaction this call names (header, or tRPC input), if any. */
const namedTransaction = (ctx: Pick<Context, 'headers' | 'transactionId'>): string | undefined =>
  headerTransaction(ctx.headers) ?? ctx.transactionId;

const authed = (needs: Requirement) =>
  baseProcedure
    .use(async ({ ctx, next }) => {
      const principal: Principal = await ctx.authenticate();
      authorize(principal, needs);
      return next({ ctx: { principal } });
    })
    .use(checkedInput)
    .use(withoutTransactionId);

/** Open to anyone (health, login). */
export const publicProcedure = baseProcedure.use(checkedInput).use(withoutTransactionId).meta({ auth: 'public' });

/** Who owns a transaction: a key by its id; the master key and console sessions by their kind. */
export const principalId = (p: Principal): string => (p.kind === 'key' ? `key:${p.keyId}` : p.kind);

/**
 * Runs the rest of a call that is not inside a named transaction. Embedded database: a read of a
 * project other than the one an open transaction belongs to runs on that transaction's connection
 * (it cannot see the transaction's writes, which stay in its own project); anything else waits,
 * bounded, for the database to be free.
 */
async function outsideTransaction<T extends { ok: boolean }>(
  services: Services,
  type: string,
  projectId: string | null,
  run: (db: BaseDeps['db'] | null) => Promise<T>,
): Promise<T> {
  const { transactions } = services;
  const holder = transactions.holderProject();
  if (holder !== undefined && type === 'query' && projectId !== holder)
    return transactions.shared((db) => settled(run(db)));
  const leave = await transactions.enterRoot();
  try {
    return await run(null);
  } finally {
    leave();
  }
}

/**
 * tRPC's `next` reports a failure as a result instead of throwing; the savepoint around it must see the
 * failure to roll back, so it is thrown here (and mapped as usual by the base procedure).
 */
async function settled<T extends { ok: boolean }>(result: Promise<T>): Promise<T> {
  const r = await result;
  if (!r.ok) throw (r as unknown as { error: unknown }).error;
  return r;
}

function refuseTransaction(ctx: Pick<Context, 'headers' | 'transactionId'>, what: string) {
  if (namedTransaction(ctx)) {
    throw new DomainError(
      'INVALID',
      `${what} does not run inside a transaction; call it without ${TX_HEADER} / transactionId`,
      { path: ['headers', TX_HEADER], expected: 'no transaction' },
    );
  }
}

/** Master key or console session only: administration across projects; never inside a transaction. */
export const masterProcedure = authed('master')
  .meta({ auth: 'master' })
  .use(async ({ ctx, next, type }) => {
    refuseTransaction(ctx, 'Administration across projects');
    return outsideTransaction(ctx.services, type, null, (db) =>
      next({ ctx: { deps: { db: db ?? ctx.services.root } satisfies BaseDeps } }),
    );
  });

/**
 * changesData: the procedure writes records or relationships, so once it has committed (a call outside
 * an open transaction, or the commit of one) relationship suggestions are re-analyzed after a pause.
 * transactional: false — the call refuses to run inside a transaction (analysis, keys: work that must
 * commit on its own or that a transaction would deadlock).
 * endsKeyTransactions: the input's `id` is an API key about to be revoked: its open transactions are
 * rolled back first, so revoking a key that holds the embedded database does not wait behind it.
 */
type ScopeOptions = { changesData?: boolean; transactional?: boolean; endsKeyTransactions?: boolean };

/**
 * Auth plus the project the call acts on, without running the call anywhere yet: the /tx routes use it
 * directly (they only talk to the transaction manager, so they never wait for the database).
 */
export const projectScope = (needs: Exclude<Requirement, 'master'>) =>
  authed(needs)
    .meta({ auth: needs })
    .use(async ({ ctx, next }) => {
      const project: TProject = await ctx.services.transactions.shared((db) =>
        resolveProject({ db }, ctx.principal, ctx.headers.get(PROJECT_HEADER)),
      );
      const deps: ProjectDeps & { embedder: Embedder } = {
        ...ctx.services.projectDeps,
        db: ctx.services.root,
        projectId: project.id,
      };
      return next({ ctx: { project, deps, owner: { projectId: project.id, principal: principalId(ctx.principal) } } });
    });

/**
 * Project-scoped work. The project comes from the credentials (a key's own project) or, for the
 * master key and console sessions, from the x-project-id header; `deps` carries that scope into
 * the domain so no procedure can pick another. Inside a named transaction the whole call runs on it
 * (reads see its writes), in a savepoint of its own.
 */
export const projectProcedure = (needs: Exclude<Requirement, 'master'>, opts: ScopeOptions = {}) =>
  projectScope(needs).use(async ({ ctx, next, type, path, getRawInput }) => {
    const { transactions, touched } = ctx.services;
    const run = async () => {
      const txId = namedTransaction(ctx);
      if (txId) {
        if (opts.transactional === false) refuseTransaction(ctx, 'This call');
        return transactions.run(txId, ctx.owner, (tx) => settled(next({ ctx: { deps: { ...ctx.deps, db: tx } } })));
      }
      if (opts.endsKeyTransactions) {
        const id = ((await getRawInput()) as { id?: unknown } | undefined)?.id;
        if (typeof id === 'string')
          await transactions.rollbackOwnedBy({ projectId: ctx.project.id, principal: `key:${id}` });
      }
      const result = await outsideTransaction(ctx.services, type, ctx.project.id, (db) =>
        db ? next({ ctx: { deps: { ...ctx.deps, db } } }) : next(),
      );
      if (result.ok && opts.changesData) touched(ctx.project.id);
      return result;
    };
    // The history the database writes names the caller and the operation (server/call-context.ts). Only writes
    // carry it, so a read's transactions (searches run in one) send no stamp statement.
    return type === 'mutation' ? withCallContext({ actor: principalId(ctx.principal), operation: path }, run) : run();
  });
