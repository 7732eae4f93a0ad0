import { randomUUID } from 'node:crypto';
import { adoptTransaction, Prisma, type PrismaClient, type Tx } from '@/server/db';
import { DomainError } from '@/server/errors';
import { log } from '@/server/log';

/**
 * Transactions that span API calls. `begin` opens a Prisma interactive transaction and keeps its
 * callback waiting until commit, rollback or the TTL; every request naming the id runs its statements on
 * that transaction, one request at a time (a transaction is one connection: its statements never
 * interleave with another's). A TTL that passes rolls back; the id then answers CONFLICT "expired" for a
 * while, then NOT_FOUND. Shutdown rolls back whatever is open.
 *
 * Embedded PGlite has one connection, so while a transaction is open, requests outside it wait (bounded
 * by waitMs) and then fail UNAVAILABLE; a second begin waits the same way. PostgreSQL gives each open
 * transaction its own pooled connection, up to maxOpen.
 */
export type TxOwner = { projectId: string; principal: string };
export type TxInfo = { id: string; projectId: string; principal: string; createdAt: string; expiresAt: string; ttlMs: number };
export type TxOptions = { defaultTtlMs: number; maxTtlMs: number; maxOpen: number; waitMs: number; exclusive: boolean };

type Open = TxInfo & {
  tx: Tx;
  finish: (outcome: 'commit' | 'rollback') => void;
  settled: Promise<'committed' | 'rolled back'>;
  timer: NodeJS.Timeout;
  lock: Promise<void>;
};

const ROLLBACK = Symbol('rollback');

export class TransactionManager {
  private readonly open = new Map<string, Open>();
  private readonly expired = new Map<string, number>(); // id -> when it expired (remembered 10 minutes)
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: PrismaClient,
    private readonly opts: TxOptions,
  ) {}

  get size(): number {
    return this.open.size;
  }

  list(projectId?: string): TxInfo[] {
    return [...this.open.values()].filter((t) => !projectId || t.projectId === projectId).map(info);
  }

  async begin(owner: TxOwner, ttlMs?: number): Promise<TxInfo> {
    const ttl = ttlMs ?? this.opts.defaultTtlMs;
    if (ttl < 1000 || ttl > this.opts.maxTtlMs) {
      throw new DomainError('INVALID', `ttl must be between 1000 and ${this.opts.maxTtlMs} ms`, { path: ['ttl'], expected: `1000..${this.opts.maxTtlMs}`, got: ttl });
    }
    if (this.opts.exclusive && this.open.size > 0) await this.waitIdle('Another transaction is open on the embedded database');
    if (this.open.size >= this.opts.maxOpen) {
      throw new DomainError('UNAVAILABLE', `Too many open transactions (${this.opts.maxOpen}); commit or roll back some first`, { limit: this.opts.maxOpen });
    }
    const id = randomUUID();
    let finish!: (o: 'commit' | 'rollback') => void;
    const decided = new Promise<'commit' | 'rollback'>((resolve) => (finish = resolve));
    let ready!: (tx: Tx) => void;
    let failed!: (e: unknown) => void;
    const opened = new Promise<Tx>((resolve, reject) => ((ready = resolve), (failed = reject)));
    const settled = this.db
      .$transaction(
        async (tx) => {
          ready(adoptTransaction(tx));
          if ((await decided) === 'rollback') throw ROLLBACK;
        },
        // Repeatable read: a transaction that would overwrite a concurrent commit fails (40001) instead of
        // losing that update; the client retries.
        { timeout: ttl + 60_000, maxWait: this.opts.waitMs, isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead },
      )
      .then(() => 'committed' as const)
      .catch((e: unknown) => {
        failed(e);
        if (e === ROLLBACK) return 'rolled back' as const;
        log.warn('transaction ended with an error', { id, error: e instanceof Error ? e.message : String(e) });
        return 'rolled back' as const;
      })
      .finally(() => this.forget(id));
    const tx = await opened.catch((e: unknown) => {
      throw new DomainError('UNAVAILABLE', `Could not open a transaction: ${e instanceof Error ? e.message : String(e)}`);
    });
    const now = Date.now();
    const entry: Open = {
      id,
      projectId: owner.projectId,
      principal: owner.principal,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + ttl).toISOString(),
      ttlMs: ttl,
      tx,
      finish,
      settled,
      lock: Promise.resolve(),
      timer: setTimeout(() => {
        this.expired.set(id, Date.now());
        log.info('transaction expired and was rolled back', { id, ttlMs: ttl });
        finish('rollback');
      }, ttl),
    };
    entry.timer.unref?.();
    this.open.set(id, entry);
    return info(entry);
  }

  /**
   * The connection of an open transaction, without checking its owner: on the embedded database every
   * statement of a request that names a transaction, authentication included, must run on it (the one
   * connection is held by the transaction). Ownership is checked right after, by `run`.
   */
  peek(id: string): Tx | undefined {
    // PostgreSQL: lookups use the pool (a transaction aborted by an error must still be able to roll back).
    return this.opts.exclusive ? this.open.get(id)?.tx : undefined;
  }

  /** Embedded database: the connection of whichever transaction is open (admin lookups while one is). */
  peekAny(): Tx | undefined {
    return this.opts.exclusive ? this.open.values().next().value?.tx : undefined;
  }

  isOpen(id: string): boolean {
    return this.open.has(id);
  }

  /** The open transaction of this owner, or NOT_FOUND / CONFLICT (expired). */
  get(id: string, owner: TxOwner): TxInfo {
    return info(this.entry(id, owner));
  }

  /** Runs one request's work on the transaction, after any earlier request on it finished. */
  async run<T>(id: string, owner: TxOwner, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const entry = this.entry(id, owner);
    const previous = entry.lock;
    let release!: () => void;
    entry.lock = new Promise<void>((r) => (release = r));
    await previous;
    try {
      this.entry(id, owner); // it may have expired while this request waited
      return await fn(entry.tx);
    } finally {
      release();
    }
  }

  async commit(id: string, owner: TxOwner): Promise<{ id: string; status: 'committed' }> {
    const entry = this.entry(id, owner);
    await entry.lock;
    entry.finish('commit');
    const outcome = await entry.settled;
    if (outcome !== 'committed') throw new DomainError('CONFLICT', 'The transaction could not commit and was rolled back', { reason: 'aborted' });
    return { id, status: 'committed' };
  }

  async rollback(id: string, owner: TxOwner | null): Promise<{ id: string; status: 'rolled back' }> {
    const entry = owner ? this.entry(id, owner) : this.open.get(id);
    if (!entry) throw new DomainError('NOT_FOUND', `Transaction ${id} not found`);
    entry.finish('rollback');
    await entry.settled;
    return { id, status: 'rolled back' };
  }

  async rollbackAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.rollback(id, null).catch(() => {})));
  }

  /**
   * Embedded database: a request outside any transaction waits for open ones to finish, at most
   * waitMs, then fails UNAVAILABLE saying why.
   */
  async gate(): Promise<void> {
    if (this.opts.exclusive && this.open.size > 0) await this.waitIdle('A transaction is open on the embedded database');
  }

  private waitIdle(reason: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        reject(new DomainError('UNAVAILABLE', `${reason}; this request waited ${this.opts.waitMs} ms for it to finish`, { waitedMs: this.opts.waitMs, openTransactions: this.open.size }));
      }, this.opts.waitMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(done);
    });
  }

  private entry(id: string, owner: TxOwner): Open {
    const entry = this.open.get(id);
    if (entry && entry.projectId === owner.projectId && entry.principal === owner.principal) return entry;
    const when = this.expired.get(id);
    if (when !== undefined && Date.now() - when < 600_000) {
      throw new DomainError('CONFLICT', `Transaction ${id} expired (its TTL passed) and was rolled back`, { reason: 'expired', transactionId: id });
    }
    throw new DomainError('NOT_FOUND', `Transaction ${id} not found`, { transactionId: id });
  }

  private forget(id: string) {
    const entry = this.open.get(id);
    if (entry) clearTimeout(entry.timer);
    this.open.delete(id);
    for (const [k, t] of this.expired) if (Date.now() - t > 600_000) this.expired.delete(k);
    if (this.open.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    } else if (this.idleWaiters.length > 0 && !this.opts.exclusive) {
      // nothing to do: only the embedded database waits for idleness
    }
  }
}

const info = (t: Open | TxInfo): TxInfo => ({ id: t.id, projectId: t.projectId, principal: t.principal, createdAt: t.createdAt, expiresAt: t.expiresAt, ttlMs: t.ttlMs });
