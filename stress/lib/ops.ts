import type { Answer } from './client';
import type { Tally } from './stats';

/**
 * Small pieces the scenarios share: a call that never throws (a refused or cut connection is status 0,
 * so it is counted like any other answer), concurrent client loops, a seeded random source, waiting on
 * a condition, and error keys for counting answers by status, code and reason.
 */

/** Runs one request; a refused or cut connection becomes status 0 with the error as its text. */
export async function attempt<T = any>(call: () => Promise<Answer<T>>): Promise<Answer<T>> {
  const t0 = performance.now();
  try {
    return await call();
  } catch (e) {
    const message =
      e instanceof Error ? `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}` : String(e);
    return {
      status: 0,
      body: { error: { code: 'NETWORK', message } } as T,
      ms: performance.now() - t0,
      text: message,
      contentType: null,
    };
  }
}

/** `attempt`, recorded in the tally under `op`. */
export async function timed<T = any>(tally: Tally, op: string, call: () => Promise<Answer<T>>): Promise<Answer<T>> {
  const a = await attempt(call);
  tally.record(op, a.status, a.ms);
  return a;
}

export const ok = (a: Answer) => a.status >= 200 && a.status < 300;

/** `status CODE/reason` of an answer, e.g. `503 UNAVAILABLE/transaction-open`: what scenarios count. */
export function errorKey(a: Answer): string {
  const e = a.body?.error;
  const reason = e?.details?.reason;
  return `${a.status} ${e?.code ?? '?'}${typeof reason === 'string' ? `/${reason}` : ''}`;
}

/** `n` loops of `body(i)` run concurrently until `seconds` pass; each loop finishes its current step. */
export async function runClients(
  n: number,
  seconds: number,
  body: (i: number, running: () => boolean) => Promise<void>,
): Promise<number> {
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  const running = () => performance.now() < until;
  await Promise.all(Array.from({ length: n }, (_, i) => body(i, running)));
  return (performance.now() - t0) / 1000;
}

/** mulberry32: a seeded source so a run's mix is reproducible from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value other than undefined; throws naming `what` after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Counts by key, printed as `key×n, …` (most frequent first). */
export class Counter {
  readonly counts = new Map<string, number>();
  add(key: string, n = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  total(pred: (key: string) => boolean = () => true): number {
    let n = 0;
    for (const [k, v] of this.counts) if (pred(k)) n += v;
    return n;
  }
  toString(): string {
    return (
      [...this.counts]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k}×${v}`)
        .join(', ') || 'none'
    );
  }
}
