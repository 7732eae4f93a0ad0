import { describe, expect, it } from 'vitest';
import { needsAnalyze } from './maintenance';

describe('embedded planner statistics', () => {
  it('analyzes never-analyzed tables with rows, and drift past max(1000, 10%)', () => {
    expect(needsAnalyze(0, -1)).toBe(false);
    expect(needsAnalyze(10, -1)).toBe(true);
    expect(needsAnalyze(900, 0)).toBe(false);
    expect(needsAnalyze(1_500, 0)).toBe(true);
    expect(needsAnalyze(105_000, 100_000)).toBe(false);
    expect(needsAnalyze(111_000, 100_000)).toBe(true);
    expect(needsAnalyze(80_000, 100_000)).toBe(true);
  });
});
