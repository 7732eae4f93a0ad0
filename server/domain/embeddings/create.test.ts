import { describe, expect, it } from 'vitest';
import { readEnv } from '@/server/env';
import { createEmbedder, embedderConfigFromEnv } from './create';

describe('embedder from the environment', () => {
  it('defaults to the built-in model, without loading it', () => {
    const env = readEnv({});
    expect(embedderConfigFromEnv(env)).toEqual({ provider: 'builtin' });
    const e = createEmbedder(embedderConfigFromEnv(env));
    expect([e.provider, e.model, e.dimensions]).toEqual(['builtin', 'universal-sentence-encoder-lite', 512]);
  });

  it('reads the openai settings with their defaults', () => {
    const env = readEnv({ ENGRAM_EMBEDDINGS_PROVIDER: 'openai', ENGRAM_OPENAI_API_KEY: '' });
    expect(embedderConfigFromEnv(env)).toEqual({
      provider: 'openai',
      baseUrl: 'https://api.openai.com/v1',
      apiKey: undefined,
      model: 'text-embedding-3-small',
      dimensions: 1536,
      timeoutMs: 30_000,
      retries: 3,
    });
    const local = readEnv({
      ENGRAM_EMBEDDINGS_PROVIDER: 'openai',
      ENGRAM_OPENAI_BASE_URL: 'http://localhost:11434/v1',
      ENGRAM_OPENAI_MODEL: 'nomic-embed-text',
      ENGRAM_OPENAI_DIMENSIONS: '768',
      ENGRAM_EMBEDDINGS_TIMEOUT_MS: '5000',
      ENGRAM_EMBEDDINGS_RETRIES: '0',
    });
    const e = createEmbedder(embedderConfigFromEnv(local));
    expect([e.provider, e.model, e.dimensions]).toEqual(['openai', 'nomic-embed-text', 768]);
  });

  it('rejects bad settings naming the variable', () => {
    expect(() => readEnv({ ENGRAM_EMBEDDINGS_PROVIDER: 'cohere' })).toThrow(/ENGRAM_EMBEDDINGS_PROVIDER/);
    expect(() => readEnv({ ENGRAM_OPENAI_BASE_URL: 'localhost:11434' })).toThrow(
      /ENGRAM_OPENAI_BASE_URL: must be an http/,
    );
    expect(() => readEnv({ ENGRAM_OPENAI_DIMENSIONS: '0' })).toThrow(/ENGRAM_OPENAI_DIMENSIONS/);
    expect(() => readEnv({ ENGRAM_EMBEDDINGS_RETRIES: '-1' })).toThrow(/ENGRAM_EMBEDDINGS_RETRIES/);
  });

  it('makes a fake embedder of the asked size', () => {
    expect(createEmbedder({ provider: 'fake', dimensions: 16 }).dimensions).toBe(16);
  });
});
