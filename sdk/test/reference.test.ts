import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sdkReference } from '../scripts/reference';

describe('docs/sdk-reference.md', () => {
  it('is what the SDK’s types say (regenerate with npm run docs:sdk)', () => {
    const committed = fs.readFileSync(
      path.resolve(import.meta.dirname, '..', '..', 'docs', 'sdk-reference.md'),
      'utf8',
    );
    const generated = sdkReference();
    expect(generated).toContain('### `db.records.find`');
    expect(generated).toContain('### `db.ai.indexes.create`');
    expect(generated).toContain('### `db.tx.run`');
    expect(committed).toBe(generated);
  }, 60_000);
});
