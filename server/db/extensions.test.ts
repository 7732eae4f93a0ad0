import { describe, expect, it } from 'vitest';
import { ExtensionVersionError, PGVECTOR_MIN, requirePgvector, versionAtLeast } from './extensions';

describe('extension versions', () => {
  it('compares versions part by part, as numbers', () => {
    expect(versionAtLeast('0.8.0', '0.8.0')).toBe(true);
    expect(versionAtLeast('0.8.1', '0.8.0')).toBe(true);
    expect(versionAtLeast('0.10.0', '0.8.0')).toBe(true); // not a string comparison
    expect(versionAtLeast('1.0', '0.8.0')).toBe(true); // a missing part counts as 0
    expect(versionAtLeast('0.8', '0.8.0')).toBe(true);
    expect(versionAtLeast('0.8.0-dev', '0.8.0')).toBe(true);
    expect(versionAtLeast('0.7.4', '0.8.0')).toBe(false);
    expect(versionAtLeast('0.7', '0.8.0')).toBe(false);
    expect(versionAtLeast('0.5.10', '0.8.0')).toBe(false);
    expect(versionAtLeast('', '0.8.0')).toBe(false);
    expect(versionAtLeast('unknown', '0.8.0')).toBe(false);
  });

  it('pgvector: 0.8 and later pass; older or missing is an error naming the found and the needed version', () => {
    expect(PGVECTOR_MIN).toBe('0.8.0');
    for (const ok of ['0.8.0', '0.8.1', '0.9.0', '1.2.3']) expect(() => requirePgvector(ok), ok).not.toThrow();
    const old = (() => {
      try {
        requirePgvector('0.7.4');
      } catch (e) {
        return e;
      }
    })();
    expect(old).toBeInstanceOf(ExtensionVersionError);
    expect(old).toMatchObject({ extension: 'vector', found: '0.7.4', needed: '0.8.0' });
    expect((old as Error).message).toBe(
      'The PostgreSQL database has vector 0.7.4; Engram needs vector >= 0.8.0 (upgrade it, then ALTER EXTENSION vector UPDATE)',
    );
    expect(() => requirePgvector(null)).toThrow(
      'The PostgreSQL database has no vector extension; Engram needs vector >= 0.8.0',
    );
  });
});
