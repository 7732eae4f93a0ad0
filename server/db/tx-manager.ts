import { randomUUID } from 'node:crypto';
import { DomainError } from '@/server/errors';
import { log } from '@/server/log';
import { Prisma, type PrismaClient } from './generated/client';
import { adoptTransaction, type Tx } from './transaction';
import { currentCallContext } from '@/server/call-context';
import * as historySql from './sql/history';
import * as savepointSql from './sql/savepoints';

/**
 * Transactions that span API calls. `begin` opens a Prisma interactive transaction and keeps its
 * callback waiting until commit, rollback or the TTL. Invariants:
 *
 * - Slots are reserved synchronously (before any await), so a burst of begins never exceeds maxOpen
 *   and, on the embedded database, nothing slips past `enterRoot` while a transaction is still opening.
 * - A transaction is one connection: the requests naming it run one at a time (`run` queues them), and
 *   each runs inside its own savepoint, so a failed statement rolls back that request only and leaves
 *   the transaction usable. A savepoint that cannot be rolled back (the connection died) ends the
 *   transaction as aborted.
 * - An ended transaction is remembered for ENDED_MEMORY_MS with how it ended: commit and rollback
 *   repeated are idempotent, anything else answers 409 with the reason (expired, aborted, committed,
 *   rolled back); an id never seen (or of another owner) answers 404.
 *
 * Embedded PGlite has one connection, which an open transaction holds. Requests outside it wait
 * (bounded by waitMs) in `enterRoot`, then fail UNAVAILABLE, and `begin` waits for the requests already
 * on the connection to leave, so no statement of theirs queues behind the transaction; `shared` runs read-only work that cannot see the
 * transaction's writes (lookups, other projects' reads) on its connection instead, in a savepoint, so
 * one tenant's transaction does not stop everyone else's reads. PostgreSQL gives each open transaction
 * its own pooled connection, up to maxOpen.
 */
export type TxOwner = { projectId: string; principal: string };
export type TxInfo = {
  id: string;
  projectId: string;
  principal: string;
  createdAt: string;
  expiresAt: string;
  ttlMs: number;
};
export type TxOptions = {
  defaultTtlMs: number;
  maxTtlMs: number;
  maxOpen: number;
  waitMs: number;
  exclusive: boolean;
  /** Called after a transaction committed (background work that must see its writes). */
  onCommit?: (info: TxInfo) => void;
};
export type TxEnd = 'committed' | 'rolled back' | 'expired' | 'aborted';

type Open = TxInfo & {
  tx: Tx;
  finish: (outcome: 'commit' | 'rollback') => void;
  settled: Promise<'committed' | 'failed'>;
  timer: NodeJS.Timeout;
  queue: Promise<void>;
  /** Set when the transaction can no longer commit (its TTL passed, or its connection failed). */
  doomed?: 'expired' | 'aborted';
};
type Ended = { owner: TxOwner; how: TxEnd; at: number };

const ROLLBACK = Symbol('rollback');
const ENDED_MEMORY_MS = 600_000;
const ENDED_MAX = 10_000;

export class TransactionManager {
  private readonly open = new Map<string, Open>();
  private readonly ended = new Map<string, Ended>();
  private opening = 0;
  private idleWaiters: (() => void)[] = [];
  /** Embedded: requests running on the root connection (outside any transaction). */
  private rootActive = 0;
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly db: PrismaClient,
    private readonly opts: TxOptions,
  ) {}

  /** Open transactions, including those still opening. */
  get size(): number {
    return this.open.size + this.opening;
  }

  list(projectId?: string): TxInfo[] {
    return [...this.open.values()].filter((t) => !projectId || t.projectId === projectId).map(info);
  }

  async begin(owner: TxOwner, ttlMs?: number): Promise<TxInfo> {
    const ttl = ttlMs ?? this.opts.defaultTtlMs;
    if (!Number.isInteger(ttl) || ttl < 1000 || ttl > this.opts.maxTtlMs) {
      throw new DomainError('INVALID', `ttl must be between 1000 and ${this.opts.maxTtlMs} ms`, {
        path: ['ttl'],
        expected: `1000..${this.opts.maxTtlMs}`,
        got: ttl,
      });
    }
    const deadline = Date.now() + this.opts.waitMs;
    if (this.opts.exclusive) {
      while (this.size > 0) await this.waitIdle('Another transaction is open on the embedded database', deadline);
    } else if (this.size >= this.opts.maxOpen) {
      throw new DomainError(
        'UNAVAILABLE',
        `Too many open transactions (${this.opts.maxOpen}); commit or roll back some first`,
        { limit: this.opts.maxOpen, reason: 'too-many-transactions' },
      );
    }
    // The check above and this reservation run without an await between them: the slot is ours.
    this.opening++;
    try {
      // Embedded: requests already running on the connection finish first; new ones wait (see enterRoot).
      if (this.opts.exclusive) await this.rootDrained(deadline);
      return info(await this.openOne(owner, ttl));
    } finally {
      this.opening--;
      this.wakeIfIdle();
    }
  }

  /**
   * Embedded database: a request that is not inside a transaction enters here before it touches the
   * database, waiting (bounded) while one is open or opening; `begin` in turn waits for the requests
   * inside to leave. PostgreSQL: no-op. Returns the function that leaves.
   */
  async enterRoot(): Promise<() => void> {
    if (!this.opts.exclusive) return () => {};
    const deadline = Date.now() + this.opts.waitMs;
    while (this.size > 0) await this.waitIdle('A transaction is open on the embedded database', deadline);
    this.rootActive++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.rootActive--;
      if (this.rootActive === 0) {
        const waiters = this.drainWaiters;
        this.drainWaiters = [];
        waiters.forEach((w) => w());
      }
    };
  }

  private async openOne(owner: TxOwner, ttl: number): Promise<Open> {
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
        {
          timeout: ttl + 60_000,
          maxWait: this.opts.waitMs,
          isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead,
        },
      )
      .then(() => 'committed' as const)
      .catch((e: unknown) => {
        failed(e);
        if (e !== ROLLBACK)
          log.warn('transaction ended with an error', { id, error: e instanceof Error ? e.message : String(e) });
        return 'failed' as const;
      });
    const tx = await opened.catch((e: unknown) => {
      log.warn('could not open a transaction', { id, error: e instanceof Error ? e.message : String(e) });
      throw new DomainError(
        'UNAVAILABLE',
        'Could not open a transaction: no database connection was available; retry',
        { reason: 'connection' },
      );
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
      queue: Promise.resolve(),
      timer: setTimeout(() => {
        log.info('transaction expired and was rolled back', { id, ttlMs: ttl });
        entry.doomed = 'expired';
        this.end(entry, 'expired');
      }, ttl),
    };
    entry.timer.unref?.();
    this.open.set(id, entry);
    // However it settles (commit, rollback, expiry, a dead connection), it is forgotten as open.
    void settled.then((outcome) => {
      if (this.open.get(id) === entry)
        this.end(entry, outcome === 'committed' ? 'committed' : (entry.doomed ?? 'aborted'));
    });
    return entry;
  }

  /** The open transaction of this owner; an ended one answers CONFLICT with how it ended, else NOT_FOUND. */
  get(id: string, owner: TxOwner): TxInfo {
    return info(this.entry(id, owner));
  }

  isOpen(id: string): boolean {
    return this.open.has(id);
  }

  /** The owner of an open transaction (admins may roll back any of their project's). */
  ownerOf(id: string): TxOwner | undefined {
    const t = this.open.get(id);
    return t ? { projectId: t.projectId, principal: t.principal } : undefined;
  }

  /** Runs one request's work on the transaction, after any earlier request on it, inside a savepoint. */
  async run<T>(id: string, owner: TxOwner, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const entry = this.entry(id, owner);
    return this.queued(entry, null, async () => {
      this.entry(id, owner); // it may have ended while this request waited
      const call = currentCallContext();
      return this.inSavepoint(entry, async (tx: Tx) => {
        if (call) await tx.$queryRaw(historySql.stampCall(call.actor, call.operation));
        return fn(tx);
      });
    });
  }

  /**
   * Embedded database: runs read-only work on the open transaction's connection (waiting, bounded, for
   * the request running on it), in a savepoint. For work that cannot observe that transaction's writes:
   * credential and project lookups, and reads of other projects. With no transaction open (or on
   * PostgreSQL) it runs on the root client.
   */
  async shared<T>(fn: (db: Tx | PrismaClient) => Promise<T>): Promise<T> {
    if (!this.opts.exclusive) return fn(this.db);
    if (this.opening > 0) await this.waitOpened(Date.now() + this.opts.waitMs);
    const entry = this.open.values().next().value;
    if (!entry) {
      const leave = await this.enterRoot();
      try {
        return await fn(this.db);
      } finally {
        leave();
      }
    }
    return this.queued(entry, Date.now() + this.opts.waitMs, () => this.inSavepoint(entry, fn));
  }

  /** The project of the transaction holding the embedded database, if one does. */
  holderProject(): string | undefined {
    if (!this.opts.exclusive) return undefined;
    return this.open.values().next().value?.projectId;
  }

  async commit(id: string, owner: TxOwner): Promise<{ id: string; status: 'committed' }> {
    const done = this.endedOf(id, owner);
    if (done === 'committed') return { id, status: 'committed' };
    const entry = this.entry(id, owner);
    await this.queued(entry, null, async () => {
      this.entry(id, owner);
      entry.finish('commit');
      const outcome = await entry.settled;
      if (outcome !== 'committed') {
        entry.doomed ??= 'aborted';
        throw new DomainError('CONFLICT', 'The transaction could not commit and was rolled back', {
          reason: entry.doomed,
          transactionId: id,
        });
      }
      this.end(entry, 'committed');
    });
    this.opts.onCommit?.(info(entry));
    return { id, status: 'committed' };
  }

  /** Rolls back (owner null: any owner — shutdown, admins). Repeating it, or after expiry, is harmless. */
  async rollback(id: string, owner: TxOwner | null): Promise<{ id: string; status: 'rolled back' }> {
    const entry = this.open.get(id);
    if (!entry || (owner && !sameOwner(entry, owner))) {
      const done = owner ? this.endedOf(id, owner) : this.ended.get(id)?.how;
      if (done && done !== 'committed') return { id, status: 'rolled back' };
      if (done === 'committed')
        throw new DomainError('CONFLICT', `Transaction ${id} was already committed`, {
          reason: 'committed',
          transactionId: id,
        });
      throw new DomainError('NOT_FOUND', `Transaction ${id} not found`, { transactionId: id });
    }
    // Not queued: a rollback must not wait behind a slow request; the request fails with the transaction.
    this.end(entry, 'rolled back');
    await entry.settled;
    return { id, status: 'rolled back' };
  }

  /** Rolls back every open transaction of an owner (its key is being revoked). */
  async rollbackOwnedBy(owner: TxOwner): Promise<number> {
    const mine = [...this.open.values()].filter((t) => sameOwner(t, owner));
    await Promise.all(mine.map((t) => this.rollback(t.id, null).catch(() => {})));
    return mine.length;
  }

  async rollbackAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.rollback(id, null).catch(() => {})));
  }

  private async inSavepoint<T, D extends Tx>(entry: Open, fn: (tx: D) => Promise<T>): Promise<T> {
    const tx = entry.tx as D;
    await tx.$executeRaw(savepointSql.savepoint).catch((e: unknown) => this.fail(entry, e));
    let out: T;
    try {
      out = await fn(tx);
      await tx.$executeRaw(savepointSql.release);
    } catch (e) {
      if (this.open.get(entry.id) !== entry) throw ended(entry.id, this.ended.get(entry.id)?.how ?? 'aborted'); // ended under the request
      await tx.$executeRaw(savepointSql.rollbackTo).catch((e2: unknown) => {
        log.warn('a request in a transaction failed and its savepoint could not be rolled back', {
          id: entry.id,
          error: e2 instanceof Error ? e2.message : String(e2),
        });
        entry.doomed = 'aborted';
        this.end(entry, 'aborted');
      });
      throw e;
    }
    return out;
  }

  private fail(entry: Open, e: unknown): never {
    entry.doomed = 'aborted';
    this.end(entry, 'aborted');
    throw new DomainError('CONFLICT', 'The transaction was aborted (its connection failed) and rolled back', {
      reason: 'aborted',
      transactionId: entry.id,
      cause: e instanceof Error ? e.message : String(e),
    });
  }

  /** Runs fn after the work queued on the transaction; deadline bounds the wait (null: no bound). */
  private async queued<T>(entry: Open, deadline: number | null, fn: () => Promise<T>): Promise<T> {
    const previous = entry.queue;
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    entry.queue = previous.then(() => mine);
    try {
      if (deadline === null) await previous;
      else
        await withDeadline(previous, deadline, () =>
          unavailable('A transaction is busy on the embedded database', this.opts.waitMs, this.size),
        );
      return await fn();
    } finally {
      release();
    }
  }

  private end(entry: Open, how: TxEnd): void {
    if (this.open.get(entry.id) !== entry) return;
    clearTimeout(entry.timer);
    this.open.delete(entry.id);
    this.remember(entry.id, { owner: { projectId: entry.projectId, principal: entry.principal }, how, at: Date.now() });
    if (how !== 'committed') entry.finish('rollback');
    this.wakeIfIdle();
  }

  private remember(id: string, e: Ended) {
    this.ended.set(id, e);
    const now = Date.now();
    for (const [k, v] of this.ended) {
      if (now - v.at <= ENDED_MEMORY_MS && this.ended.size <= ENDED_MAX) break; // oldest first: the rest are newer
      this.ended.delete(k);
    }
  }

  private endedOf(id: string, owner: TxOwner): TxEnd | undefined {
    const e = this.ended.get(id);
    if (!e || Date.now() - e.at > ENDED_MEMORY_MS || !sameOwner(e.owner, owner)) return undefined;
    return e.how;
  }

  private entry(id: string, owner: TxOwner): Open {
    const entry = this.open.get(id);
    if (entry && sameOwner(entry, owner)) {
      if (entry.doomed) throw ended(id, entry.doomed);
      return entry;
    }
    const how = this.endedOf(id, owner);
    if (how) throw ended(id, how);
    throw new DomainError('NOT_FOUND', `Transaction ${id} not found`, { transactionId: id });
  }

  private waitIdle(reason: string, deadline: number): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
          reject(unavailable(reason, this.opts.waitMs, this.size));
        },
        Math.max(0, deadline - Date.now()),
      );
      // Woken together, callers re-check in a loop: the first may have opened a transaction already.
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(done);
    });
  }

  /** Embedded: waits until no request runs on the root connection, at most until the deadline. */
  private rootDrained(deadline: number): Promise<void> {
    if (this.rootActive === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.drainWaiters = this.drainWaiters.filter((w) => w !== done);
          reject(unavailable('Requests are still running on the embedded database', this.opts.waitMs, this.size));
        },
        Math.max(0, deadline - Date.now()),
      );
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.drainWaiters.push(done);
    });
  }

  /** Embedded: waits until a transaction that is opening has opened (or failed to). */
  private async waitOpened(deadline: number): Promise<void> {
    while (this.opening > 0 && this.open.size === 0) {
      if (Date.now() > deadline)
        throw unavailable('A transaction is opening on the embedded database', this.opts.waitMs, this.size);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private wakeIfIdle() {
    if (this.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((w) => w());
  }
}

const sameOwner = (a: TxOwner, b: TxOwner) => a.projectId === b.projectId && a.principal === b.principal;

const info = (t: Open | TxInfo): TxInfo => ({
  id: t.id,
  projectId: t.projectId,
  principal: t.principal,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  ttlMs: t.ttlMs,
});

function ended(id: string, how: TxEnd): DomainError {
  const why: Record<TxEnd, string> = {
    expired: 'expired (its TTL passed) and was rolled back',
    aborted: 'was aborted and rolled back',
    committed: 'was already committed',
    'rolled back': 'was rolled back',
  };
  return new DomainError('CONFLICT', `Transaction ${id} ${why[how]}`, { reason: how, transactionId: id });
}

function unavailable(reason: string, waitMs: number, open: number): DomainError {
  return new DomainError('UNAVAILABLE', `${reason}; this request waited ${waitMs} ms for it to finish`, {
    reason: 'transaction-open',
    waitedMs: waitMs,
    openTransactions: open,
    retryAfterMs: 1000,
  });
}

function withDeadline<T>(p: Promise<T>, deadline: number, error: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(error()), Math.max(0, deadline - Date.now()));
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}
