import type { BackendName } from './server';

/**
 * What every scenario of the reliability suite returns. `failures` are broken invariants (a lost
 * acknowledged write, a 5xx, a leak): any failure fails `npm run test:stress`. `figures` are printed.
 */
export type ScenarioResult = {
  scenario: string;
  backend: BackendName;
  seconds: number;
  figures: Record<string, number | string>;
  /** Per-operation latency/status table (Tally.table()), when the scenario measures operations. */
  table?: string;
  failures: string[];
};

export type ScenarioOptions = {
  /** Scale factor for CI time budgets: 1 = the figures (50 clients × 60 s, 10,000 bad requests). */
  scale: number;
  /** PostgreSQL admin URL for scenarios that make databases (see lib/server.ts). */
  pgAdminUrl: string;
};

export type Scenario = (backend: BackendName, opts: ScenarioOptions) => Promise<ScenarioResult>;
