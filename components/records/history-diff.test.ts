import { describe, expect, it } from 'vitest';
import { diffVersions, type Version } from './history-diff';

const v = (
  version: number,
  change: Version['change'],
  data: Version['data'],
  types: Version['types'] = null,
): Version => ({
  version,
  change,
  data,
  types: types ?? (data ? Object.fromEntries(Object.keys(data).map((k) => [k, typeof data[k]])) : null),
});

describe('diffVersions', () => {
  it('a create adds every property; a delete removes every one', () => {
    expect(diffVersions(undefined, v(1, 'create', { a: 1, b: 'x' })).map((c) => [c.name, c.kind])).toEqual([
      ['a', 'added'],
      ['b', 'added'],
    ]);
    expect(diffVersions(v(1, 'create', { a: 1 }), v(2, 'delete', null))).toEqual([
      { name: 'a', kind: 'removed', before: 1, typeBefore: 'number' },
    ]);
  });

  it('an update names what it added, removed and changed, values and types, and nothing else', () => {
    const changes = diffVersions(
      v(
        1,
        'create',
        { same: 1, gone: true, value: 'a', typed: '2024-01-01' },
        { same: 'number', gone: 'boolean', value: 'string', typed: 'string' },
      ),
      v(
        2,
        'update',
        { same: 1, value: 'b', typed: '2024-01-01', added: [1] },
        { same: 'number', value: 'string', typed: 'datetime', added: 'number[]' },
      ),
    );
    expect(changes).toEqual([
      { name: 'added', kind: 'added', after: [1], typeAfter: 'number[]' },
      { name: 'gone', kind: 'removed', before: true, typeBefore: 'boolean' },
      {
        name: 'typed',
        kind: 'changed',
        before: '2024-01-01',
        after: '2024-01-01',
        typeBefore: 'string',
        typeAfter: 'datetime',
      },
      { name: 'value', kind: 'changed', before: 'a', after: 'b', typeBefore: 'string', typeAfter: 'string' },
    ]);
  });
});
