import path from 'node:path';
import { z } from 'zod';

/**
 * Every environment variable Engram reads, with its default. The README's configuration table mirrors
 * this schema; keep them in step.
 */
const ZEnv = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ENGRAM_DATA_DIR: z.string().min(1).default('./data'),
  ENGRAM_MASTER_KEY: z
    .string()
    .min(24, 'must be at least 24 characters')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ENGRAM_SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  ENGRAM_PG_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  ENGRAM_PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  ENGRAM_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  ENGRAM_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  ENGRAM_MAX_HOPS: z.coerce.number().int().min(1).max(10).default(5),
  ENGRAM_EXACT_SEARCH_BELOW: z.coerce.number().int().min(0).max(10_000_000).default(10_000),
  ENGRAM_TX_DEFAULT_TTL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  ENGRAM_TX_MAX_TTL_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  ENGRAM_TX_MAX_OPEN: z.coerce.number().int().min(1).max(1000).default(32),
  ENGRAM_TX_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
  ENGRAM_SUGGEST_DEBOUNCE_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  ENGRAM_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  // Embeddings (server/domain/embeddings): the built-in model runs offline; `openai` is any
  // OpenAI-compatible POST {base}/embeddings (OpenAI, Ollama, vLLM, TEI).
  ENGRAM_EMBEDDINGS_PROVIDER: z.enum(['builtin', 'openai', 'fake']).default('builtin'),
  ENGRAM_OPENAI_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default('https://api.openai.com/v1'),
  ENGRAM_OPENAI_API_KEY: z
    .string()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  ENGRAM_OPENAI_MODEL: z.string().min(1).default('text-embedding-3-small'),
  ENGRAM_OPENAI_DIMENSIONS: z.coerce.number().int().min(1).max(16_000).default(1536),
  ENGRAM_EMBEDDINGS_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  ENGRAM_EMBEDDINGS_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
});

export type Env = z.infer<typeof ZEnv> & { dataDir: string };

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = ZEnv.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.ENGRAM_DATA_DIR) };
}
