import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql as S, withSettings, withTransaction, type Tx } from '../server/db';
import { BUILTIN_MODEL, createBuiltinEmbedder } from '../server/domain/embeddings';
import { createIndex, upsertVectors } from '../server/domain/indexes';
import { createRecord, importJson } from '../server/domain/records';
import { searchByMeaning } from '../server/domain/search';
import { aiDeps, analyzeTables, fmt, percentile, timed, type Backend } from './lib';
import { loadLocomo, turnContent } from './locomo';
import { sql as sqlText } from '../server/db/sql/compose';

/**
 * Search by meaning at scale (`BENCH_SUITES=search npm run bench`).
 *
 * - Built-in model throughput on real sentences (LoCoMo dev turns), and single create p50 on a label
 *   with a managed index (the write embeds before it commits).
 * - Recall@10 of the ANN path against exact search (`exact: true`) on real embeddings: 2,000 LoCoMo
 *   sentences queried with 100 embedded LoCoMo questions. Their vectors are cached in .tmp across runs.
 * - Latency at 10k and 100k records, without a filter and with a 1% filter (`where: { bucket }`), and
 *   recall@10 of HNSW against exact. Embedding 100k texts with the built-in model takes ~35 min on a small
 *   machine, so these records carry an EXTERNAL 512-d index whose vectors are written directly
 *   (upsertVectors, 1,000 per call): normalised mixtures of two real sentence embeddings plus Gaussian
 *   noise, seeded, so they keep the clustered shape of real embeddings (near-duplicates included, which is
 *   harder for HNSW than distinct texts). Queries pass the embedded questions as queryVector, so these
 *   latencies exclude embedding the query text (~20-30 ms on the built-in model).
 *   The first size is written with the HNSW index maintained; beyond it the bench drops the HNSW index,
 *   writes the rest and rebuilds it in one CREATE INDEX. Each size is measured once with the planner
 *   statistics as they are, then after ANALYZE (see analyzeTables in lib.ts).
 * - Keyword and hybrid latency at each size: the bench fills the lexical column itself (only managed
 *   indexes fill it) from each record's text.
 *
 * BENCH_SEARCH_SIZES (default "10000,100000"), BENCH_SEARCH_QUERIES (default 100).
 */
const SIZES = (process.env.BENCH_SEARCH_SIZES ?? '10000,100000').split(',').map(Number);
const QUERIES = Number(process.env.BENCH_SEARCH_QUERIES ?? 100);
const BASE_SENTENCES = 2_000;
const BUCKETS = 100; // where: { bucket } keeps 1% of the records
const TEXT_QUERIES = Math.min(QUERIES, 30);
const EF_SEARCH = [40, 100, 200]; // the engine uses 400 (server/domain/search/search.ts ANN_EF_SEARCH)

type Real = {
  texts: string[];
  vectors: number[][];
  questions: string[];
  queries: number[][];
  source: string;
  cached: boolean;
  throughput: string;
};
let real: Real | null = null; // embedded once per process (and cached in .tmp across runs), shared by both backends
const CACHE = path.resolve('.tmp/bench-search-embeddings.json');

function sentences(): Promise<{ texts: string[]; questions: string[]; source: string }> {
  return loadLocomo().then((samples) => {
    if (samples) {
      const texts = [...new Set(samples.flatMap((s) => s.turns.map(turnContent)))].slice(0, BASE_SENTENCES);
      const qs = samples.flatMap((s) => s.qas.filter((q) => q.scored).map((q) => q.question));
      return {
        texts,
        questions: Array.from({ length: QUERIES }, (_, i) => qs[Math.floor((i * qs.length) / QUERIES)]!),
        source: 'LoCoMo dev turns and questions',
      };
    }
    const topics = [
      'prefers green tea in the morning',
      'moved to Lisbon last spring',
      'is allergic to peanuts',
      'works on a compiler in Rust',
      'plays the violin on weekends',
      'adopted a dog named Max',
    ];
    return {
      texts: Array.from(
        { length: BASE_SENTENCES },
        (_, i) => `user ${i % 311} said they ${topics[i % topics.length]} (${i})`,
      ),
      questions: Array.from({ length: QUERIES }, (_, i) => `what does user ${i} like ${topics[i % topics.length]}?`),
      source: 'template sentences (LoCoMo dev not found)',
    };
  });
}

/** Throughput of the built-in model on real sentences, then the 2,000 base vectors (from the .tmp cache when the same texts were embedded before). */
async function realEmbeddings(): Promise<Real> {
  if (real) return real;
  const { texts, questions, source } = await sentences();
  const e = createBuiltinEmbedder();
  const load = await timed(() => e.embed(['warm up']));
  const sample = texts.slice(0, 256);
  const tp = await timed(() => e.embed(sample));
  const chars = Math.round(sample.reduce((a, t) => a + t.length, 0) / sample.length);
  const throughput = `builtin model (independent of the backend; measured once per run): first call (load + 1 text) ${fmt(load.ms)} ms; ${sample.length} real sentences (${source}, ~${chars} chars) in one embed call (batched inside the embedder): ${Math.round(sample.length / (tp.ms / 1000))} texts/s`;
  const key = createHash('sha256')
    .update(JSON.stringify([BUILTIN_MODEL, texts, questions]))
    .digest('hex');
  try {
    const c = JSON.parse(fs.readFileSync(CACHE, 'utf8')) as { key: string; vectors: number[][]; queries: number[][] };
    if (c.key === key)
      return (real = { texts, vectors: c.vectors, questions, queries: c.queries, source, cached: true, throughput });
  } catch {
    // no cache yet
  }
  process.stderr.write(`  search: embedding ${texts.length} base sentences and ${questions.length} questions ...\n`);
  const vectors = await e.embed(texts);
  const queries = await e.embed(questions);
  fs.mkdirSync(path.dirname(CACHE), { recursive: true });
  fs.writeFileSync(CACHE, JSON.stringify({ key, vectors, queries }));
  return (real = { texts, vectors, questions, queries, source, cached: false, throughput });
}

/** mulberry32: a small seeded PRNG, so both backends get the same vectors. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Record n mixes base sentences i and j: its text is sentence i, its vector normalise(base[i] + w·base[j] + noise), w in [0, 0.6), noise of norm ~0.35. */
function mixture(n: number, count: number) {
  const r = rng(n * 2654435761 + 17);
  return { i: Math.floor(r() * count), j: Math.floor(r() * count), w: r() * 0.6, r };
}
function syntheticVector(base: number[][], n: number): number[] {
  const { i, j, w, r } = mixture(n, base.length);
  const a = base[i]!;
  const b = base[j]!;
  const sigma = 0.35 / Math.sqrt(a.length);
  const v = a.map((x, k) => {
    const g = Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r()); // Box-Muller
    return x + w * b[k]! + sigma * g;
  });
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return v.map((x) => Number((x / norm).toFixed(6)));
}

type Deps = ReturnType<typeof aiDeps>;
const ids = (hits: { __id: string }[]) => hits.map((h) => h.__id);
const recall = (got: string[], want: string[]) =>
  want.length === 0 ? 1 : got.filter((id) => want.includes(id)).length / want.length;

/** Runs `QUERIES` searches; returns latencies and the id lists. */
async function run(deps: Deps, queries: number[][], body: (i: number) => Record<string, unknown>) {
  const ms: number[] = [];
  const out: string[][] = [];
  for (let i = 0; i < queries.length; i++) {
    const t = await timed(() =>
      searchByMeaning(deps, {
        labels: ['DOC'],
        propertyName: 'text',
        queryVector: queries[i],
        mode: 'semantic',
        limit: 10,
        ...body(i),
      }),
    );
    ms.push(t.ms);
    out.push(ids(t.value.items));
  }
  return { ms, out, p: `p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms` };
}
/** The engine's ANN SQL for an unfiltered search, with hnsw.ef_search set for the transaction; and whether the planner kept HNSW with it. */
async function annWithEf(deps: Deps, indexId: string, queries: number[][], ef: number) {
  const ms: number[] = [];
  const out: string[][] = [];
  const sqlOf = (q: number[]) =>
    S.embeddingSql.vectorSearch(
      deps.projectId,
      { id: indexId, dimensions: 512, similarity: 'cosine' },
      q,
      null,
      10,
      0,
      false,
    );
  const withEf = <T>(fn: (tx: Tx) => Promise<T>) => withSettings(deps.db, S.embeddingSql.annSettings(ef, true), fn);
  for (const q of queries) {
    const t = await timed(() => withEf((tx) => tx.$queryRaw<{ id: string }[]>(sqlOf(q))));
    ms.push(t.ms);
    out.push(t.value.map((h) => h.id));
  }
  const plan = await withEf((tx) => tx.$queryRaw<Record<string, unknown>[]>(sqlText`EXPLAIN ${sqlOf(queries[0]!)}`));
  const hnsw = plan.some((r) => String(Object.values(r)[0]).includes('embedding_hnsw_'));
  return {
    out,
    p: `p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms${hnsw ? '' : ' (the planner chose an exact scan)'}`,
  };
}

const meanRecall = (got: string[][], want: string[][]) =>
  (got.reduce((s, g, i) => s + recall(g, want[i]!), 0) / got.length).toFixed(3);

/** Records DOC { n, bucket } and their external vectors, written in batches of 1000 through the API path (upsertVectors). */
async function addDocs(
  deps: Deps,
  indexId: string,
  from: number,
  to: number,
  textOf: (n: number) => string,
  vectorOf: (n: number) => number[],
  progress: (n: number) => void,
) {
  for (let start = from; start < to; start += 10_000) {
    const end = Math.min(to, start + 10_000);
    await importJson(deps, {
      label: 'DOC',
      data: Array.from({ length: end - start }, (_, k) => ({
        n: start + k,
        bucket: (start + k) % BUCKETS,
        text: textOf(start + k),
      })),
    });
    const rows = await deps.db.$queryRaw<{ id: string; n: number }[]>(
      sqlText`SELECT id::text AS id, (data->>'n')::int AS n FROM record WHERE project_id = ${deps.projectId}::uuid AND label = 'DOC' AND (data->>'n')::int >= ${start} AND (data->>'n')::int < ${end}`,
    );
    for (let i = 0; i < rows.length; i += 1000) {
      await upsertVectors(deps, {
        id: indexId,
        items: rows.slice(i, i + 1000).map((r) => ({ recordId: r.id, vector: vectorOf(r.n) })),
      });
    }
    progress(end);
  }
}

/** A long statement (index build, bulk update) in a transaction without the statement timeout. */
function long<T>(deps: Deps, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withTransaction(
    deps.db,
    async (tx) => {
      await tx.$executeRaw(sqlText`SET LOCAL maintenance_work_mem = '1GB'`);
      await tx.$executeRaw(sqlText`SET LOCAL statement_timeout = 0`);
      return fn(tx);
    },
    { timeoutMs: 3_600_000 },
  );
}

/**
 * Keyword and hybrid need the lexical column, which only managed indexes fill: fill it from each record's
 * text (the base sentence it mixes), as a managed index would have. With the HNSW index in place the
 * update also re-inserts each row into it.
 */
const fillLexical = (deps: Deps, indexId: string) =>
  timed(() =>
    long(deps, (tx) =>
      tx.$executeRaw(sqlText`UPDATE embedding e SET lexical = to_tsvector('english', r.data->>'text') FROM record r
        WHERE e.project_id = ${deps.projectId}::uuid AND e.index_id = ${indexId}::uuid AND e.lexical IS NULL AND r.project_id = e.project_id AND r.id = e.record_id`),
    ),
  );

/** Does an unfiltered ANN search (with the engine's settings) use the index's HNSW? */
async function planOf(deps: Deps, indexId: string, query: number[]): Promise<string> {
  const q = S.embeddingSql.vectorSearch(
    deps.projectId,
    { id: indexId, dimensions: 512, similarity: 'cosine' },
    query,
    null,
    10,
    0,
    false,
  );
  const rows = await withSettings(deps.db, S.embeddingSql.annSettings(400, true), (tx) =>
    tx.$queryRaw<Record<string, unknown>[]>(sqlText`EXPLAIN ${q}`),
  );
  return rows
    .map((r) => String(Object.values(r)[0]))
    .join('\n')
    .includes('embedding_hnsw_')
    ? 'HNSW'
    : 'exact scan (no HNSW)';
}

export async function benchSearch(b: Backend, report: (line: string) => void) {
  const r = await realEmbeddings();
  report(r.throughput);

  // Single create on a label with a managed builtin index: the text is embedded before the commit.
  {
    const deps = aiDeps(b, await b.newProject());
    await createIndex(deps, { label: 'MEMORY', propertyName: 'text' });
    await b.engram.hnsw.idle(); // its HNSW index is built in the background once the index commits
    await b.engram.backfill.idle();
    const samples: number[] = [];
    for (let i = 0; i < 100; i++)
      samples.push(
        (
          await timed(() =>
            createRecord(deps, {
              label: 'MEMORY',
              data: { user: `u${i % 5}`, text: r.texts[(i * 7) % r.texts.length]! },
            }),
          )
        ).ms,
      );
    report(
      `single create with embedding (100 sequential, managed builtin index): p50 ${fmt(percentile(samples, 50))} ms, p95 ${fmt(percentile(samples, 95))} ms`,
    );
  }

  // Recall of HNSW against exact search on the real embeddings.
  {
    const deps = aiDeps(b, await b.newProject());
    const ix = await createIndex(deps, { label: 'DOC', propertyName: 'text', external: true, dimensions: 512 });
    await b.engram.hnsw.idle();
    await addDocs(
      deps,
      ix.id,
      0,
      r.vectors.length,
      (n) => r.texts[n]!,
      (n) => r.vectors[n]!,
      () => {},
    );
    const before = await planOf(deps, ix.id, r.queries[0]!);
    await analyzeTables(b);
    const after = await planOf(deps, ix.id, r.queries[0]!);
    const ann = await run(deps, r.queries, () => ({}));
    const exact = await run(deps, r.queries, () => ({ exact: true }));
    report(
      `real embeddings (${r.vectors.length} LoCoMo sentences${r.cached ? ', vectors cached in .tmp' : ''}; ${r.queries.length} embedded questions): recall@10 of the ANN path vs exact ${meanRecall(ann.out, exact.out)}; ANN ${ann.p}; exact ${exact.p}; plan before ANALYZE: ${before}, after: ${after}`,
    );
  }

  // 10k and 100k records with synthetic (mixed real) 512-d vectors, one growing project. The first size is
  // written through upsertVectors with the HNSW index maintained; beyond it, the bench drops the HNSW
  // index, writes the rest and rebuilds it in one CREATE INDEX (much faster than 90k incremental inserts).
  const deps = aiDeps(b, await b.newProject());
  const annFiltered = { ...deps, exactSearchBelow: 0 }; // force the HNSW iterative scan under a filter
  const ix = await createIndex(deps, { label: 'DOC', propertyName: 'text', external: true, dimensions: 512 });
  await b.engram.hnsw.idle();
  // From here the bench drops and builds this HNSW index itself; the keeper would rebuild it mid-load.
  await b.engram.hnsw.stop();
  const synthText = (n: number) => r.texts[mixture(n, r.texts.length).i]!;
  const progress = (size: number) => (n: number) => process.stderr.write(`  search ${b.name}: ${n}/${size} vectors\n`);
  let have = 0;
  for (const size of SIZES) {
    let lex: { ms: number };
    if (have === 0) {
      const load = await timed(() =>
        addDocs(deps, ix.id, have, size, synthText, (n) => syntheticVector(r.vectors, n), progress(size)),
      );
      report(
        `${size} records: wrote records + vectors in batches of 1000 with HNSW maintained: ${(load.ms / 1000).toFixed(1)} s (${Math.round((size - have) / (load.ms / 1000))} vectors/s)`,
      );
      lex = await fillLexical(deps, ix.id);
    } else {
      await deps.db.$executeRaw(S.embeddingSql.dropHnsw(ix.id));
      const load = await timed(() =>
        addDocs(deps, ix.id, have, size, synthText, (n) => syntheticVector(r.vectors, n), progress(size)),
      );
      lex = await fillLexical(deps, ix.id);
      const build = await timed(() =>
        long(deps, (tx) => tx.$executeRaw(S.embeddingSql.createHnsw(ix.id, 512, 'cosine'))),
      );
      report(
        `${size} records: wrote ${size - have} more without HNSW in ${(load.ms / 1000).toFixed(1)} s (${Math.round((size - have) / (load.ms / 1000))} vectors/s), then built HNSW over ${size} in ${(build.ms / 1000).toFixed(1)} s`,
      );
    }
    have = size;
    const shipped = await planOf(deps, ix.id, r.queries[0]!);
    const asIs = await run(deps, r.queries.slice(0, 20), () => ({}));
    const an = await analyzeTables(b);
    const after = await planOf(deps, ix.id, r.queries[0]!);
    report(
      `${size}, no filter, as shipped (statistics as they are): plan ${shipped}, ${asIs.p} (20 queries); ANALYZE ${fmt(an.ms)} ms, then plan ${after}`,
    );
    const ann = await run(deps, r.queries, () => ({}));
    const exact = await run(deps, r.queries, () => ({ exact: true }));
    report(`${size}, no filter: ANN ${ann.p}; recall@10 vs exact ${meanRecall(ann.out, exact.out)}; exact ${exact.p}`);
    // What the candidate list size buys: pgvector's default 40, up to the engine's 400.
    const wider: string[] = [];
    for (const ef of EF_SEARCH) {
      const w = await annWithEf(deps, ix.id, r.queries, ef);
      wider.push(`ef_search ${ef}: recall@10 ${meanRecall(w.out, exact.out)}, ${w.p}`);
    }
    report(`${size}, no filter, the ANN leg at smaller ef_search values (the engine uses 400): ${wider.join('; ')}`);
    const where = (i: number) => ({ where: { bucket: i % BUCKETS } });
    const fExact = await run(deps, r.queries, where);
    const fAnn = await run(annFiltered, r.queries, where);
    const full = fAnn.out.filter((o) => o.length === 10).length;
    report(
      `${size}, filter 1% (${size / BUCKETS} candidates): default path (exact below ${deps.exactSearchBelow} candidates) ${fExact.p}; forced HNSW iterative scan ${fAnn.p}, recall@10 vs exact ${meanRecall(fAnn.out, fExact.out)}, ${full}/${r.queries.length} queries got 10 rows`,
    );

    const text = (i: number) => ({ query: r.questions[i]! });
    const tq = r.queries.slice(0, TEXT_QUERIES); // the unfiltered BM25 leg reads every record's tsvector: slow at 100k
    const kw = await run(deps, tq, (i) => ({ ...text(i), mode: 'keyword' }));
    const hy = await run(deps, tq, (i) => ({ ...text(i), mode: 'hybrid' }));
    const fKw = await run(deps, tq, (i) => ({ ...text(i), ...where(i), mode: 'keyword' }));
    const fHy = await run(deps, tq, (i) => ({ ...text(i), ...where(i), mode: 'hybrid' }));
    report(
      `${size}, text modes (${tq.length} queries; lexical column filled in ${(lex.ms / 1000).toFixed(1)} s; hybrid given the queryVector): no filter: keyword ${kw.p}, hybrid ${hy.p}; filter 1%: keyword ${fKw.p}, hybrid ${fHy.p}`,
    );
  }
}
