import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMIT,
  graphHref,
  graphInputOf,
  graphViewSearch,
  MAX_IDS,
  MAX_LIMIT,
  readGraphView,
  type GraphView,
} from './graph-params';

const A = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const B = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const C = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d';
const read = (q: string) => readGraphView(new URLSearchParams(q));
const options = { types: ['KNOWS', 'PLACED'], labels: ['Customer', 'Order'] };

describe('graph view in the URL', () => {
  it('reads label, ids (repeated or comma-separated, lower-cased, valid only), filters and limit', () => {
    expect(
      read(
        `label=Customer&id=${A.toUpperCase()},nope&id=${B}&id=${A}&expand=${A}&expand=${C}&hideType=KNOWS&hideLabel=Order&limit=200`,
      ),
    ).toEqual({
      label: 'Customer',
      ids: [A, B],
      expanded: [C],
      hideTypes: ['KNOWS'],
      hideLabels: ['Order'],
      limit: 200,
    });
    expect(read('limit=9999').limit).toBe(MAX_LIMIT);
    expect(read('limit=-3').limit).toBe(DEFAULT_LIMIT);
    const many = Array.from(
      { length: MAX_IDS + 5 },
      (_, i) => `id=${A.slice(0, -3)}${String(i).padStart(3, '0')}`,
    ).join('&');
    expect(read(many).ids).toHaveLength(MAX_IDS);
    expect(read(`${many.replaceAll('id=', 'expand=')}&id=${A}`)).toMatchObject({
      ids: [A],
      expanded: expect.any(Array),
    });
    expect(read(`${many.replaceAll('id=', 'expand=')}&id=${A}`).expanded).toHaveLength(MAX_IDS - 1);
  });

  it('writes what it reads, and links to a record', () => {
    const view: GraphView = { label: 'Order', ids: [A], expanded: [B], hideTypes: ['A B'], hideLabels: [], limit: 300 };
    expect(read(graphViewSearch(view).slice(1))).toEqual(view);
    expect(
      graphViewSearch({ label: null, ids: [], expanded: [], hideTypes: [], hideLabels: [], limit: DEFAULT_LIMIT }),
    ).toBe('');
    expect(graphHref({ id: A })).toBe(`/graph?id=${A}`);
    expect(graphHref({ label: 'A&B' })).toBe('/graph?label=A%26B');
  });

  it('builds the API input: nothing without a start, filters as what stays shown', () => {
    expect(graphInputOf(read(''), options)).toBeNull();
    expect(graphInputOf(read('label=Customer'), options)).toEqual({ label: 'Customer', limit: DEFAULT_LIMIT });
    expect(graphInputOf(read(`label=Customer&expand=${B}`), options)).toEqual({
      label: 'Customer',
      ids: [B],
      limit: DEFAULT_LIMIT,
    });
    expect(graphInputOf(read(`id=${A}&expand=${B}`), options)).toMatchObject({ ids: [A, B] });
    expect(graphInputOf(read(`id=${A}&hideType=KNOWS&hideLabel=Order&hideLabel=Gone`), options)).toEqual({
      ids: [A],
      types: ['PLACED'],
      labels: ['Customer'],
      limit: DEFAULT_LIMIT,
    });
    expect(graphInputOf(read(`id=${A}&hideType=KNOWS&hideType=PLACED`), options)).toMatchObject({ types: [] });
  });
});
