export {
  type Embedder,
  type EmbeddingProvider,
  type EmbedOptions,
  MAX_TEXT_CHARS,
  cutText,
  textHash,
  cosineSimilarity,
} from './embedder';
export { createEmbedder, embedderConfigFromEnv, type EmbedderConfig } from './create';
export { createBuiltinEmbedder, BUILTIN_MODEL, BUILTIN_DIMENSIONS } from './builtin';
export { createOpenAiEmbedder, type OpenAiEmbedderConfig } from './openai';
export { createFakeEmbedder, FAKE_DEFAULT_DIMENSIONS } from './fake';
export { embedQuery, createQueryCache, LruCache, QUERY_CACHE_SIZE, type QueryCache } from './query-cache';
