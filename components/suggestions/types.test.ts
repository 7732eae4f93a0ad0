import { describe, expect, it } from 'vitest';
import { recordHref } from '@/components/records/use-records-view';
import { percent, pollAnalysis, progressPercent, ruleName, typeProblem, type Analysis } from './types';

describe('suggestions page helpers', () => {
  it('names a rule the way the page shows it, the record id as id', () => {
    expect(ruleName({ source: { label: 'ORDER', key: 'customer_id' }, target: { label: 'CUSTOMER', key: 'id' } })).toBe(
      'ORDER.customer_id → CUSTOMER.id',
    );
    expect(ruleName({ source: { label: 'NOTE', key: 'author' }, target: { label: 'USER', key: '$id' } })).toBe(
      'NOTE.author → USER.id',
    );
  });

  it('validates a relationship type as the server does', () => {
    expect(typeProblem('PLACED_BY')).toBeNull();
    expect(typeProblem('  ')).toBe('Enter a relationship type.');
    expect(typeProblem('x'.repeat(129))).toBe('At most 128 characters.');
    expect(typeProblem('A\tB')).toBe('No control characters.');
  });

  it('rounds shares down, so 100% means all', () => {
    expect(percent(0.999)).toBe(99);
    expect(percent(1)).toBe(100);
    expect(percent(0.93)).toBe(93);
    expect(progressPercent({ done: 4, total: 11 })).toBe(36);
    expect(progressPercent({ done: 0, total: 0 })).toBe(0);
  });

  it('polls every second only while an analysis runs', () => {
    const state = (status: Analysis['status']) => ({ state: { data: { status } as Analysis } });
    expect(pollAnalysis(state('running'))).toBe(1_000);
    expect(pollAnalysis(state('done'))).toBeGreaterThan(1_000);
  });

  it('links a record to the Records page drawer', () => {
    expect(recordHref('ORDER', '0190-ab')).toBe('/records?label=ORDER&record=0190-ab');
  });
});
