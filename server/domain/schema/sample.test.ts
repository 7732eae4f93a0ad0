import { describe, expect, it } from 'vitest';
import { samplePerLabel } from './sample';

describe('samplePerLabel', () => {
  it('samples 1000 recent records per label until the request-wide budget is shared out', () => {
    expect([1, 3, 10, 20, 100, 1000, 5000].map(samplePerLabel)).toEqual([1000, 1000, 1000, 500, 100, 10, 10]);
  });
});
