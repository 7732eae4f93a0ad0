import { describe, expect, it } from 'vitest';
import { formatCoverage, renderSchemaMarkdown } from './markdown';
import type { TSchema } from './schema.schema';

const schema: TSchema = {
  labels: [
    {
      name: 'USER',
      count: 1234,
      sampledFrom: 1000,
      properties: [
        { name: 'age', types: ['number'], count: 1000, coverage: 1000 / 1234, min: 18, max: 90 },
        { name: 'bio|x', types: ['string', 'null'], count: 1234, coverage: 1, samples: ['a | b', 'multi\nline'] },
        { name: 'born', types: ['datetime'], count: 1, coverage: 1 / 1234, min: '1990-01-01', max: '1990-01-01' },
        { name: 'flags', types: ['boolean'], count: 1233, coverage: 1233 / 1234 },
      ],
      relationships: [
        { type: 'HAS_POSTS', direction: 'out', label: 'posts', count: 12 },
        { type: 'FOLLOWS', direction: 'in', label: 'USER', count: 3 },
      ],
      indexes: [
        {
          id: '0190a000-0000-7000-8000-000000000001',
          property: 'bio|x',
          source: 'managed',
          model: 'use-lite',
          dimensions: 512,
          similarity: 'cosine',
          status: 'indexing',
          progress: { indexed: 10, total: 1234 },
        },
        {
          id: '0190a000-0000-7000-8000-000000000002',
          property: 'vec',
          source: 'external',
          model: 'external',
          dimensions: 3,
          similarity: 'inner',
          status: 'ready',
          progress: { indexed: 2, total: 2 },
        },
      ],
    },
    { name: 'empty', count: 1, sampledFrom: 1, properties: [], relationships: [], indexes: [] },
  ],
};

describe('renderSchemaMarkdown', () => {
  it('renders a heading, a property table and relationship lines per label', () => {
    expect(renderSchemaMarkdown(schema)).toBe(
      [
        '# Schema',
        '',
        "2 labels, 1,235 records. Coverage is the share of a label's records that have the property; values are ranges (min … max) or frequent samples.",
        '',
        '## USER (1,234 records)',
        '',
        '| property | type | coverage | values |',
        '|---|---|---|---|',
        '| age | number | 81% | 18 … 90 |',
        '| bio\\|x | string, null | 100% | "a \\| b", "multi\\\\nline" |',
        '| born | datetime | <0.1% | 1990-01-01 |',
        '| flags | boolean | >99.9% |  |',
        '',
        'Values from the 1,000 most recent records.',
        '',
        'Relationships:',
        '- (USER)-[:HAS_POSTS]->(posts) × 12',
        '- (USER)<-[:FOLLOWS]-(USER) × 3',
        '',
        'Searchable by meaning:',
        '- bio|x (use-lite, 512-d cosine; indexing, 10 of 1,234 embedded)',
        '- vec (external vectors, 3-d inner; ready)',
        '',
        '## empty (1 record)',
        '',
        'No properties.',
        '',
      ].join('\n'),
    );
  });

  it('says when there is nothing yet', () => {
    expect(renderSchemaMarkdown({ labels: [] })).toBe('# Schema\n\nNo records yet.\n');
  });

  it('formats coverage without rounding a partial property up to 100%', () => {
    expect([1, 0, 0.5, 2 / 3, 0.9995, 0.0004].map(formatCoverage)).toEqual([
      '100%',
      '0%',
      '50%',
      '66.7%',
      '>99.9%',
      '<0.1%',
    ]);
  });
});
