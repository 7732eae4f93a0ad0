import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { sql as S, type Db } from '@/server/db';
import { log } from '@/server/log';
import type { SuggestionsPort } from '../deps';
import { analyzeProject } from './analyze';

const { suggestionSql } = S;

export type AnalysisTrigger = 'manual' | 'writes';

/** What request handlers see of the analyzer (ProjectDeps.suggestions). */
export type SuggestionsHandle = SuggestionsPort;

export type Run = { started: Promise<void>; finished: Promise<void> };

class Stopped extends Error {}
class LeaseLost extends Error {}

/** How often a caller waiting on another server's pass looks at the row, and for how long at most. */
const POLL_MS = 200;
const WAIT_LIMIT_MS = 120_000;

/**
 * One per process. Writes to a project (re)start a debounce timer; when it fires, the project is
 * analyzed in the background. Progress and outcome live in suggestion_analysis, so the console can
 * poll them. `busy` holds analysis back while the embedded database has an open transaction.
 *
 * Several servers may share one PostgreSQL, each debouncing the writes it served; the project's row is
 * what they agree on (migration 0009). A request records `requested_at` (the database's clock) and is
 * served once a pass that started at or after it has ended: the requester claims the pass under a lease
 * (renewed as it progresses) or, when another server holds it, waits for that pass and checks again.
 * So writes served by any number of servers cause one pass, plus one for requests that came while it
 * ran, never one per server; a server that dies mid-pass leaves a lease that lapses and is taken over.
 * Within a process, the requests of one project are served one after another.
 */
export class SuggestionAnalyzer implements SuggestionsHandle {
  private readonly running = new Map<string, Promise<void>>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; first: number; last: number }>();
  /** Passes this server ran (tests, logs). */
  passesRun = 0;
  private stopped = false;
  readonly owner = `${os.hostname()}:${process.pid}:${randomUUID()}`;

  constructor(
    private readonly db: Db,
    private readonly opts: { debounceMs: number; busy?: () => boolean },
  ) {}

  touched(projectId: string): void {
    const wait = this.opts.debounceMs;
    if (wait <= 0 || this.stopped) return;
    const prior = this.timers.get(projectId);
    if (prior) clearTimeout(prior.timer);
    const last = Date.now();
    const first = prior?.first ?? last;
    // Writes that never pause still get analyzed: at most 6 debounce periods after the first one.
    const delay = Math.max(0, Math.min(wait, first + 6 * wait - last));
    const timer = setTimeout(() => {
      this.timers.delete(projectId);
      // Any pass that started after the last write this server saw has seen it.
      this.run(projectId, 'writes', Date.now() - last);
    }, delay);
    timer.unref();
    this.timers.set(projectId, { timer, first, last });
  }

  /**
   * A pass for the project, run here or by whichever server holds it: `started` resolves once a pass
   * covering this request is under way, `finished` once it has ended (the row holds the outcome).
   */
  run(projectId: string, trigger: AnalysisTrigger, agoMs = 0): Run {
    if (this.stopped) return { started: Promise.resolve(), finished: Promise.resolve() };
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const before = this.running.get(projectId);
    // A pass of this server is under way: the request is served after it (by another, if it must).
    if (before) markStarted();
    const asked = Date.now();
    const finished = (before ?? Promise.resolve())
      // The request dates from when it was made, however long it queued here.
      .then(() => this.serve(projectId, trigger, agoMs + (Date.now() - asked), markStarted))
      .catch((e: unknown) => {
        if (!(e instanceof Stopped))
          log.warn('relationship suggestion analysis failed', {
            projectId,
            reason: e instanceof Error ? e.message : String(e),
          });
      })
      .finally(() => {
        markStarted();
        if (this.running.get(projectId) === finished) this.running.delete(projectId);
      });
    this.running.set(projectId, finished);
    return { started, finished };
  }

  /** Resolves when no analysis of this server is running or queued (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Shutdown: pending timers are dropped; a running analysis stops at its next step. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    await Promise.all([...this.running.values()]);
  }

  /** Serves one request: until a pass that started at or after it has ended, run one or wait for one. */
  private async serve(
    projectId: string,
    trigger: AnalysisTrigger,
    agoMs: number,
    markStarted: () => void,
  ): Promise<void> {
    await this.step();
    const [req] = await this.db.$queryRaw<{ claimed: boolean; requestedAt: Date }[]>(
      suggestionSql.requestAnalysis(projectId, this.owner, trigger, agoMs),
    );
    let claimed = req!.claimed;
    const deadline = Date.now() + WAIT_LIMIT_MS;
    for (;;) {
      if (!claimed) {
        const [s] = await this.db.$queryRaw<{ status: string; startedAt: Date; abandoned: boolean }[]>(
          suggestionSql.analysisState(projectId),
        );
        if (s && s.status !== 'running' && s.startedAt.getTime() >= req!.requestedAt.getTime()) return; // served
        if (!s || s.status !== 'running' || s.abandoned)
          claimed =
            (await this.db.$queryRaw<unknown[]>(suggestionSql.claimAnalysis(projectId, this.owner, trigger))).length >
            0;
      }
      if (claimed) {
        markStarted();
        await this.pass(projectId, trigger);
        return; // this pass started after the request
      }
      // Another server's pass is under way: wait for it, then look again.
      markStarted();
      if (Date.now() > deadline) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
      await this.step();
    }
  }

  /** One pass under the lease; its outcome goes to the row. */
  private async pass(projectId: string, trigger: AnalysisTrigger): Promise<void> {
    const started = Date.now();
    this.passesRun++;
    let outcome: { found: number } | { error: string };
    try {
      const { found } = await analyzeProject({ db: this.db, projectId }, async (done, total) => {
        await this.step();
        const held = await this.db.$queryRaw<unknown[]>(
          suggestionSql.analysisProgress(projectId, this.owner, done, total),
        );
        if (held.length === 0) throw new LeaseLost();
      });
      outcome = { found };
      log.debug('relationship suggestions analyzed', { projectId, trigger, found, ms: Date.now() - started });
    } catch (e) {
      if (e instanceof LeaseLost) {
        log.warn('relationship suggestion analysis lost its lease to another server', { projectId });
        return;
      }
      const reason =
        e instanceof Stopped ? 'interrupted: the server stopped' : e instanceof Error ? e.message : String(e);
      if (!(e instanceof Stopped)) log.warn('relationship suggestion analysis failed', { projectId, reason });
      outcome = { error: reason };
    }
    await this.db.$executeRaw(suggestionSql.finishAnalysis(projectId, this.owner, outcome)).catch(() => {});
  }

  private async step(): Promise<void> {
    while (this.opts.busy?.()) {
      if (this.stopped) throw new Stopped();
      await new Promise((r) => setTimeout(r, 100));
    }
    if (this.stopped) throw new Stopped();
  }
}
