import { describe, expect, it } from 'vitest';
import { sortName } from './timestamps';
import { propertiesOf, type RecordItem } from './types';

describe('a record in the console', () => {
  const record: RecordItem = {
    __id: '0190a000-0000-7000-8000-000000000001',
    __label: 'NOTE',
    __proptypes: { text: 'string', createdAt: 'datetime' },
    __createdAt: '2026-01-02T03:04:05.678Z',
    __updatedAt: '2026-01-03T03:04:05.678Z',
    text: 'hello',
    createdAt: '2001-01-01',
  };

  it('its properties leave out the envelope and the system timestamps (the editor sends them back as data)', () => {
    expect(propertiesOf(record)).toEqual({ text: 'hello', createdAt: '2001-01-01' });
  });

  it('names a timestamp sort by its column, a property by itself', () => {
    expect([sortName('__createdAt'), sortName('__updatedAt'), sortName('createdAt')]).toEqual([
      'Created',
      'Updated',
      'createdAt',
    ]);
  });
});
