import type { Db } from '@/server/db';
import { log } from '@/server/log';
import type { SuggestionsPort } from '../deps';
import { analyzeProject } from './analyze';

export type AnalysisTrigger = 'manual' | 'writes';

/** What request handlers see of the analyzer (ProjectDeps.suggestions). */
export type SuggestionsHandle = SuggestionsPort;

export type Run = { started: Promise<void>; finished: Promise<void> };

class Stopped extends Error {}

/**
 * One per process. Writes to a project (re)start a debounce timer; when it fires, the project is
 * analyzed in the background. At most one analysis per project runs at a time; a write during one
 * schedules another pass after it. Progress and outcome live in suggestion_analysis, so the console
 * can poll them. `busy` holds analysis back while the embedded database has an open transaction.
 */
export class SuggestionAnalyzer implements SuggestionsHandle {
  private readonly running = new Map<string, Run>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; first: number }>();
  /** Projects to analyze once more when their running analysis ends, and why. */
  private readonly again = new Map<string, AnalysisTrigger>();
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly opts: { debounceMs: number; busy?: () => boolean },
  ) {}

  touched(projectId: string): void {
    const wait = this.opts.debounceMs;
    if (wait <= 0 || this.stopped) return;
    const prior = this.timers.get(projectId);
    if (prior) clearTimeout(prior.timer);
    const first = prior?.first ?? Date.now();
    // Writes that never pause still get analyzed: at most 6 debounce periods after the first one.
    const delay = Math.max(0, Math.min(wait, first + 6 * wait - Date.now()));
    const timer = setTimeout(() => {
      this.timers.delete(projectId);
      if (this.running.has(projectId)) this.again.set(projectId, this.again.get(projectId) ?? 'writes');
      else this.run(projectId, 'writes');
    }, delay);
    timer.unref();
    this.timers.set(projectId, { timer, first });
  }

  run(projectId: string, trigger: AnalysisTrigger): Run {
    const current = this.running.get(projectId);
    if (current) {
      if (trigger === 'writes') return current;
      // Asked for now while a pass runs: that pass may have read the data before this request, so one
      // more pass follows it, and `finished` waits for that one.
      this.again.set(projectId, 'manual');
      return { started: current.started, finished: current.finished.then(() => this.running.get(projectId)?.finished) };
    }
    if (this.stopped) return { started: Promise.resolve(), finished: Promise.resolve() };
    let markStarted = () => {};
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const finished = this.analyze(projectId, trigger, markStarted).finally(() => {
      markStarted();
      this.running.delete(projectId);
      const next = this.again.get(projectId);
      this.again.delete(projectId);
      if (next && !this.stopped) this.run(projectId, next);
    });
    const run = { started, finished };
    this.running.set(projectId, run);
    return run;
  }

  /** Resolves when no analysis is running or scheduled to rerun (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.finished));
  }

  /** Shutdown: pending timers are dropped; a running analysis stops at its next step. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    await Promise.all([...this.running.values()].map((r) => r.finished));
  }

  private async step(): Promise<void> {
    while (this.opts.busy?.()) {
      if (this.stopped) throw new Stopped();
      await new Promise((r) => setTimeout(r, 100));
    }
    if (this.stopped) throw new Stopped();
  }

  private async analyze(projectId: string, trigger: AnalysisTrigger, markStarted: () => void): Promise<void> {
    const started = Date.now();
    const row = { status: 'running', trigger, done: 0, total: 0, found: 0, error: null, startedAt: new Date(), finishedAt: null };
    try {
      await this.step();
      await this.db.suggestionAnalysis.upsert({ where: { projectId }, create: { projectId, ...row }, update: row });
      markStarted();
      const { found } = await analyzeProject({ db: this.db, projectId }, async (done, total) => {
        await this.step();
        await this.db.suggestionAnalysis.update({ where: { projectId }, data: { done, total } });
      });
      await this.db.suggestionAnalysis.update({ where: { projectId }, data: { status: 'done', found, finishedAt: new Date() } });
      log.debug('relationship suggestions analyzed', { projectId, trigger, found, ms: Date.now() - started });
    } catch (e) {
      const reason = e instanceof Stopped ? 'interrupted: the server stopped' : e instanceof Error ? e.message : String(e);
      if (!(e instanceof Stopped)) log.warn('relationship suggestion analysis failed', { projectId, reason });
      await this.db.suggestionAnalysis.updateMany({ where: { projectId }, data: { status: 'error', error: reason, finishedAt: new Date() } }).catch(() => {});
    }
  }
}
