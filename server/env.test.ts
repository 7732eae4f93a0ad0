import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from './env';

describe('environment', () => {
  it('has defaults for everything', () => {
    const env = readEnv({});
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.dataDir).toBe(path.resolve('./data'));
    expect(env.ENGRAM_STATEMENT_TIMEOUT_MS).toBe(30_000);
  });

  it('fails with a message naming the variable', () => {
    expect(() => readEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => readEnv({ ENGRAM_MASTER_KEY: 'short' })).toThrow(/ENGRAM_MASTER_KEY/);
    expect(() => readEnv({ ENGRAM_PG_POOL_MAX: '0' })).toThrow(/ENGRAM_PG_POOL_MAX/);
  });
});
