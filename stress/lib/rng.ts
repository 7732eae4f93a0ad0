/**
 * A seeded PRNG (mulberry32) so a scenario's generated traffic is reproducible: the scenario prints its
 * seed, and STRESS_SEED replays it. Ids the server mints differ between runs; the sequence of generated
 * requests does not.
 */
export function stressSeed(): number {
  const env = process.env.STRESS_SEED;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
      throw new Error(`STRESS_SEED must be an integer 0..4294967295, got ${env}`);
    return n;
  }
  return Math.floor(Math.random() * 0x100000000);
}

export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick: empty list');
    return items[this.int(items.length)]!;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  /** A lowercase word, for names that must also be valid project names, labels and keys. */
  word(len = 8): string {
    let s = '';
    for (let i = 0; i < len; i++) s += 'abcdefghijklmnopqrstuvwxyz0123456789'[this.int(i === 0 ? 26 : 36)];
    return s;
  }

  /** A UUIDv7-shaped id nobody minted (the time part is random too). */
  uuid(): string {
    const hex = (n: number) => Array.from({ length: n }, () => '0123456789abcdef'[this.int(16)]).join('');
    return `${hex(8)}-${hex(4)}-7${hex(3)}-${'89ab'[this.int(4)]}${hex(3)}-${hex(12)}`;
  }
}
