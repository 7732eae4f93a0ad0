import type { Env } from '@/server/env';
import { createBuiltinEmbedder } from './builtin';
import type { Embedder } from './embedder';
import { createFakeEmbedder } from './fake';
import { createOpenAiEmbedder, type OpenAiEmbedderConfig } from './openai';

export type EmbedderConfig =
  { provider: 'builtin' } | ({ provider: 'openai' } & OpenAiEmbedderConfig) | { provider: 'fake'; dimensions?: number };

export function createEmbedder(config: EmbedderConfig): Embedder {
  switch (config.provider) {
    case 'builtin':
      return createBuiltinEmbedder();
    case 'openai':
      return createOpenAiEmbedder(config);
    case 'fake':
      return createFakeEmbedder({ dimensions: config.dimensions });
  }
}

type EmbeddingEnv = Pick<
  Env,
  | 'ENGRAM_EMBEDDINGS_PROVIDER'
  | 'ENGRAM_OPENAI_BASE_URL'
  | 'ENGRAM_OPENAI_API_KEY'
  | 'ENGRAM_OPENAI_MODEL'
  | 'ENGRAM_OPENAI_DIMENSIONS'
  | 'ENGRAM_EMBEDDINGS_TIMEOUT_MS'
  | 'ENGRAM_EMBEDDINGS_RETRIES'
>;

/** The provider the environment asks for (ENGRAM_EMBEDDINGS_PROVIDER, default builtin). */
export function embedderConfigFromEnv(env: EmbeddingEnv): EmbedderConfig {
  if (env.ENGRAM_EMBEDDINGS_PROVIDER === 'builtin') return { provider: 'builtin' };
  // A deterministic bag-of-words embedder: for tests and demos, never for real recall.
  if (env.ENGRAM_EMBEDDINGS_PROVIDER === 'fake') return { provider: 'fake' };
  return {
    provider: 'openai',
    baseUrl: env.ENGRAM_OPENAI_BASE_URL,
    apiKey: env.ENGRAM_OPENAI_API_KEY,
    model: env.ENGRAM_OPENAI_MODEL,
    dimensions: env.ENGRAM_OPENAI_DIMENSIONS,
    timeoutMs: env.ENGRAM_EMBEDDINGS_TIMEOUT_MS,
    retries: env.ENGRAM_EMBEDDINGS_RETRIES,
  };
}
