import type { Answer, Client } from './client';
import { Ledger, type Written } from './ledger';
import { Counter, errorKey, ok, pick, rng, runClients, timed } from './ops';
import { Tally } from './stats';

/**
 * The mixed client workload of the load and fault scenarios. Each client writes records of its own
 * (`client` = `part` = its index) and updates only those, so the expected final state of every record
 * is unambiguous; every answer goes to the ledger (acknowledged, refused, or lost) and the tally.
 * Besides the ledger, clients check what they can see at once: reads of their own writes (plain,
 * semantic, and inside a transaction), filters that return only their own records, and acknowledged
 * values equal to the ones sent.
 */
export type Mix = { create: number; update: number; search: number; semantic: number; batch: number };

export type WorkloadOptions = {
  /** Label of the records (it has a managed index on `text` when the mix searches by meaning). */
  label: string;
  /** Prefix of tokens and offset of parts, so several workloads can share one database. */
  tag: string;
  partBase?: number;
  mix: Mix;
  /** Cross-call transactions per second across all clients (0: none), at most `txMaxOpen` open at once. */
  txPerSecond: number;
  txMaxOpen?: number;
  seed?: number;
  /** Share a ledger with another workload on the same label (verification reads the label whole). */
  ledger?: Ledger;
};

type ClientState = { i: number; part: number; r: () => number; seq: number; mine: string[]; searches: number };

const WORDS =
  'tea coffee pricing invoice meeting alice bob carol deploy rollback latency cache index vector graph memory agent tool budget plan roadmap ticket review launch draft policy travel hotel flight doctor lunch gym'.split(
    ' ',
  );

export class Workload {
  readonly tally = new Tally();
  readonly ledger: Ledger;
  /** Non-2xx answers by `status CODE/reason`, with one example request and answer of each. */
  readonly errors = new Counter();
  readonly examples = new Map<string, string>();
  /** Broken invariants seen by the clients themselves (not by the final verification). */
  readonly violations: string[] = [];
  readonly checks = new Counter();
  readonly tx = new Counter();
  private readonly weights: [keyof Mix, number][];
  private txStarted = 0;
  private txOpen = 0;
  private t0 = 0;

  constructor(
    private readonly api: Client,
    private readonly opts: WorkloadOptions,
  ) {
    this.weights = Object.entries(opts.mix) as [keyof Mix, number][];
    this.ledger = opts.ledger ?? new Ledger();
  }

  /** `clients` loops for `seconds`; returns the seconds it took. */
  async run(clients: number, seconds: number): Promise<number> {
    this.t0 = performance.now();
    return runClients(clients, seconds, async (i, running) => {
      const c = this.client(i);
      while (running()) await this.step(c);
    });
  }

  /** `steps` operations on one client, every `txEvery`-th a transaction (seeding before a fault). */
  async steps(i: number, steps: number, txEvery = 0): Promise<void> {
    const c = this.client(i);
    for (let k = 1; k <= steps; k++) await (txEvery > 0 && k % txEvery === 0 ? this.transaction(c) : this.step(c));
  }

  client(i: number): ClientState {
    const part = (this.opts.partBase ?? 0) + i;
    return { i, part, r: rng((this.opts.seed ?? 1) * 7919 + i), seq: 0, mine: [], searches: 0 };
  }

  async step(c: ClientState): Promise<void> {
    if (this.takeTx()) return this.transaction(c);
    let x = c.r() * this.weights.reduce((s, [, w]) => s + w, 0);
    const [op] = this.weights.find(([, w]) => (x -= w) < 0) ?? this.weights[0]!;
    if (op === 'update' && c.mine.length > 0) return this.update(c);
    if (op === 'search') return this.search(c);
    if (op === 'semantic') return this.semantic(c);
    if (op === 'batch') return this.batch(c);
    return this.create(c);
  }

  /** Transactions are paced over the whole run (not per client), so their share is fixed by design. */
  private takeTx(): boolean {
    if (this.opts.txPerSecond <= 0) return false;
    const due = ((performance.now() - this.t0) / 1000) * this.opts.txPerSecond;
    if (this.txStarted + 1 > due || this.txOpen >= (this.opts.txMaxOpen ?? Infinity)) return false;
    this.txStarted++;
    return true;
  }

  private fresh(c: ClientState): { token: string; w: Written } {
    const seq = c.seq++;
    const token = `${this.opts.tag}-${c.i}-${String(seq).padStart(6, '0')}`;
    const data = { token, part: c.part, client: c.part, seq, text: words(c.r), n: Math.floor(c.r() * 1000), v: 0 };
    return { token, w: { label: this.opts.label, part: c.part, data } };
  }

  private async create(c: ClientState): Promise<void> {
    const { token, w } = this.fresh(c);
    const a = await this.call('create', 'POST', '/records', { label: w.label, data: w.data });
    this.settle(c, 'create', a, [{ token, w, id: () => a.body.data.__id, echo: () => a.body.data }]);
  }

  private async update(c: ClientState): Promise<void> {
    const token = pick(c.r, c.mine);
    const w = this.ledger.acked.get(token)!;
    const patch = this.patchFor(c, w);
    const a = await this.call('update', 'PATCH', `/records/${w.id}`, { data: patch });
    if (ok(a)) {
      this.ledger.update(token, patch);
      this.echo('update', a.body.data, w.data);
    } else if (a.status === 0) this.ledger.unsureValues.add(token);
  }

  private async search(c: ClientState): Promise<void> {
    const own = c.searches++ % 4 === 3 && c.mine.length > 0;
    const token = own ? c.mine[c.mine.length - 1]! : null;
    const where = token ? { token } : { client: c.part, n: { $gte: Math.floor(c.r() * 1000) } };
    const a = await this.call('search', 'POST', '/records/search', {
      labels: [this.opts.label],
      where,
      orderBy: { n: 'desc' },
      limit: 20,
    });
    if (!ok(a)) return;
    this.onlyMine(c, 'search', a.body.data);
    if (token)
      this.check(
        'read own write',
        a.body.total === 1 && a.body.data[0]?.token === token,
        `search for ${token} answered ${a.body.total} records`,
      );
  }

  private async semantic(c: ClientState): Promise<void> {
    const own = c.searches++ % 4 === 3 && c.mine.length > 0;
    const token = own ? c.mine[c.mine.length - 1]! : null;
    const w = token ? this.ledger.acked.get(token) : undefined;
    const body = w
      ? {
          labels: [this.opts.label],
          propertyName: 'text',
          query: w.data.text,
          where: { token },
          mode: 'semantic',
          limit: 5,
        }
      : { labels: [this.opts.label], propertyName: 'text', query: words(c.r), where: { client: c.part }, limit: 10 };
    const a = await this.call('semantic', 'POST', '/ai/search', body);
    if (!ok(a)) return;
    this.onlyMine(c, 'semantic', a.body.data);
    if (w)
      this.check(
        'find own write by meaning',
        a.body.data.length === 1 && a.body.data[0].__id === w.id,
        `semantic search for ${token} answered ${a.body.data.length} records`,
      );
  }

  private async batch(c: ClientState): Promise<void> {
    const x = this.fresh(c);
    const y = this.fresh(c);
    const ops: unknown[] = [
      { op: 'create', label: x.w.label, data: x.w.data },
      { op: 'create', label: y.w.label, data: y.w.data },
      { op: 'update', id: { $op: 0 }, data: { v: 1 } },
    ];
    x.w.data.v = 1;
    const mineToken = c.mine.length > 0 ? pick(c.r, c.mine) : null;
    const mine = mineToken ? this.ledger.acked.get(mineToken)! : null;
    const patch = mine ? this.patchFor(c, mine) : null;
    if (mine) ops.push({ op: 'update', id: mine.id, data: patch });
    const a = await this.call('batch', 'POST', '/batch', { ops });
    const result = (k: number) => a.body.data.results[k].result;
    this.settle(c, 'batch', a, [
      { token: x.token, w: x.w, id: () => result(0).__id, echo: () => result(2) },
      { token: y.token, w: y.w, id: () => result(1).__id, echo: () => result(1) },
    ]);
    if (mineToken && patch) {
      if (ok(a)) this.ledger.update(mineToken, patch);
      else if (a.status === 0) this.ledger.unsureValues.add(mineToken);
    }
  }

  /**
   * begin, two creates and an update of an older record, a read of its own write inside, then commit
   * (two in three) or rollback. Nothing is acknowledged before the commit answers.
   */
  private async transaction(c: ClientState): Promise<void> {
    this.txOpen++;
    try {
      await this.transactionSteps(c);
    } finally {
      this.txOpen--;
    }
  }

  private async transactionSteps(c: ClientState): Promise<void> {
    const begin = await this.call('tx.begin', 'POST', '/tx', { ttl: 30_000 });
    if (!ok(begin)) return void this.tx.add('begin refused');
    const tx = begin.body.data.id as string;
    const pending: { token: string; w: Written; lost: boolean }[] = [];
    for (let k = 0; k < 2; k++) {
      const { token, w } = this.fresh(c);
      const a = await this.call('tx.write', 'POST', '/records', { label: w.label, data: w.data }, tx);
      if (ok(a)) pending.push({ token, w: { ...w, id: a.body.data.__id }, lost: false });
      else if (a.status === 0) pending.push({ token, w, lost: true });
      else this.ledger.forbid(token, w.label, w.part, `refused inside a transaction: ${errorKey(a)}`);
    }
    const oldToken = c.mine.length > 0 ? pick(c.r, c.mine) : null;
    const old = oldToken ? this.ledger.acked.get(oldToken)! : null;
    const patch = old ? this.patchFor(c, old) : null;
    const upd = old ? await this.call('tx.write', 'PATCH', `/records/${old.id}`, { data: patch }, tx) : null;
    const seen = pending.find((p) => !p.lost);
    if (seen) {
      const a = await this.call(
        'tx.read',
        'POST',
        '/records/search',
        { labels: [this.opts.label], where: { token: seen.token } },
        tx,
      );
      if (ok(a))
        this.check(
          'read own write inside a transaction',
          a.body.total === 1,
          `search for ${seen.token} inside ${tx} answered ${a.body.total}`,
        );
    }
    const commit = c.r() < 2 / 3;
    const end = await this.call(
      commit ? 'tx.commit' : 'tx.rollback',
      'POST',
      `/tx/${tx}/${commit ? 'commit' : 'rollback'}`,
      {},
    );
    const committed = commit && ok(end);
    const lost = commit && end.status === 0;
    this.tx.add(
      committed
        ? 'committed'
        : lost
          ? 'commit answer lost'
          : commit
            ? `commit refused ${errorKey(end)}`
            : 'rolled back',
    );
    for (const p of pending) {
      if (committed && !p.lost) this.acknowledge(c, p.token, p.w);
      else if (committed || lost) this.ledger.unsure(p.token, p.w.label, p.w.part);
      else
        this.ledger.forbid(p.token, p.w.label, p.w.part, commit ? `commit refused: ${errorKey(end)}` : 'rolled back');
    }
    if (oldToken && patch && upd) {
      if (committed && ok(upd)) this.ledger.update(oldToken, patch);
      else if ((committed && upd.status === 0) || lost) this.ledger.unsureValues.add(oldToken);
    }
  }

  private patchFor(c: ClientState, w: Written): Record<string, unknown> {
    return { v: (w.data.v as number) + 1, n: Math.floor(c.r() * 1000), ...(c.r() < 0.3 ? { text: words(c.r) } : {}) };
  }

  /** A write outside a transaction: acknowledged, refused (so absent), or its answer lost. */
  private settle(
    c: ClientState,
    op: string,
    a: Answer,
    writes: { token: string; w: Written; id: () => string; echo: () => any }[],
  ): void {
    for (const x of writes) {
      if (ok(a)) {
        this.acknowledge(c, x.token, { ...x.w, id: x.id() });
        this.echo(op, x.echo(), x.w.data);
      } else if (a.status === 0) this.ledger.unsure(x.token, x.w.label, x.w.part);
      else this.ledger.forbid(x.token, x.w.label, x.w.part, `refused: ${errorKey(a)}`);
    }
  }

  private acknowledge(c: ClientState, token: string, w: Written): void {
    this.ledger.acknowledge(token, w);
    c.mine.push(token);
  }

  private echo(what: string, got: any, expected: Record<string, unknown>): void {
    const props = Object.fromEntries(Object.entries(got ?? {}).filter(([k]) => !k.startsWith('__')));
    this.check(
      `${what} acknowledged the values sent`,
      JSON.stringify(sorted(props)) === JSON.stringify(sorted(expected)),
      `${what} answered ${JSON.stringify(props)}, sent ${JSON.stringify(expected)}`,
    );
  }

  private onlyMine(c: ClientState, what: string, items: any[]): void {
    const others = items.filter((r) => r.client !== c.part);
    this.check(
      `${what} returns only the filtered records`,
      others.length === 0,
      `${what} for client ${c.part} returned ${others.length} records of other clients`,
    );
  }

  private check(what: string, holds: boolean, detail: string): void {
    this.checks.add(holds ? `${what}: held` : `${what}: BROKEN`);
    if (!holds && this.violations.length < 20) this.violations.push(`${what}: ${detail}`);
  }

  private async call(op: string, method: string, path: string, body: unknown, tx?: string): Promise<Answer> {
    const a = await timed(this.tally, op, () => this.api.rest(method, path, { body, tx }));
    if (!ok(a)) {
      const key = errorKey(a);
      this.errors.add(key);
      if (!this.examples.has(key))
        this.examples.set(
          key,
          `${method} /api/v1${path}${tx ? ` (in ${tx})` : ''} ${JSON.stringify(body).slice(0, 160)} → ${a.status} ${a.text.slice(0, 300)}`,
        );
    }
    return a;
  }

  /** Failures for every error answer the scenario does not expect, each with an example. */
  unexpectedErrors(expected: (key: string) => boolean): string[] {
    return [...this.errors.counts]
      .filter(([k]) => !expected(k))
      .map(([k, n]) => `${n} answers ${k}, e.g. ${this.examples.get(k)}`);
  }

  /** The figures every workload prints. */
  figures(seconds: number): Record<string, number | string> {
    const n = this.tally.count();
    const perOp = [...this.tally.latencies]
      .sort()
      .map(([op, l]) => `${op} ${(l.length / seconds).toFixed(1)}`)
      .join(', ');
    return {
      requests: n,
      'req/s': Number((n / seconds).toFixed(1)),
      'req/s by op': perOp,
      transactions: this.tx.toString(),
      'errors by status': this.errors.toString(),
      '5xx': this.errors.total((k) => k.startsWith('5')),
      'client-side checks': `${this.checks.total((k) => k.endsWith('held'))} held, ${this.checks.total((k) => k.endsWith('BROKEN'))} broken`,
    };
  }
}

function words(r: () => number): string {
  return Array.from({ length: 4 + Math.floor(r() * 5) }, () => pick(r, WORDS)).join(' ');
}

const sorted = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
