/** Percentiles and status tallies, per operation, for the suite's printed figures. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export class Tally {
  readonly latencies = new Map<string, number[]>();
  readonly statuses = new Map<string, Map<number, number>>();

  record(op: string, status: number, ms: number): void {
    if (!this.latencies.has(op)) this.latencies.set(op, []);
    this.latencies.get(op)!.push(ms);
    const s = this.statuses.get(op) ?? new Map<number, number>();
    s.set(status, (s.get(status) ?? 0) + 1);
    this.statuses.set(op, s);
  }

  count(pred: (status: number) => boolean = () => true): number {
    let n = 0;
    for (const s of this.statuses.values()) for (const [status, c] of s) if (pred(status)) n += c;
    return n;
  }

  /** One line per operation: count, p50/p95/p99 ms, statuses. */
  table(): string {
    const rows = [...this.latencies.keys()].sort().map((op) => {
      const l = this.latencies.get(op)!;
      const st = [...this.statuses.get(op)!]
        .sort((a, b) => a[0] - b[0])
        .map(([k, v]) => `${k}×${v}`)
        .join(' ');
      return `  ${op.padEnd(22)} n=${String(l.length).padStart(6)}  p50 ${fmt(percentile(l, 50))}  p95 ${fmt(percentile(l, 95))}  p99 ${fmt(percentile(l, 99))} ms  [${st}]`;
    });
    return rows.join('\n');
  }
}

export const fmt = (ms: number) => (Number.isNaN(ms) ? '-' : ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)).padStart(6);
