import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createIndex, getIndex } from '../server/domain/indexes';
import { importJson } from '../server/domain/records';
import { searchByMeaning } from '../server/domain/search';
import { aiDeps, analyzeTables, fmt, percentile, timed, type Backend } from './lib';

/**
 * LoCoMo dev retrieval (../shared/data/locomo/README.md): one TURN record per dialogue turn, scoped by
 * conversation; a managed index on TURN.content with the built-in model; every scored question (883 on
 * dev) searched inside its own conversation (`where: { conversation_id }`, limit 50) in each mode; the
 * results scored by the shared evaluator (../shared/scripts/locomo-eval.mjs), next to its plain BM25
 * reference. Results files land in .tmp/locomo-<mode>-<backend>.jsonl.
 */
const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared');
export const LOCOMO_DATASET = process.env.BENCH_LOCOMO_DATASET ?? path.join(SHARED, 'data/locomo/dev.json');
export const LOCOMO_EVAL = path.join(SHARED, 'scripts/locomo-eval.mjs');
const OUT_DIR = path.resolve('.tmp');
export const MODES = ['semantic', 'hybrid', 'keyword'] as const;
const SHIPPED_SAMPLE = Number(process.env.BENCH_LOCOMO_SHIPPED_SAMPLE ?? 5);

export type LocomoTurn = {
  sample_id: string;
  session: number;
  session_date_time: string | null;
  session_time: string | null;
  speaker: string;
  dia_id: string;
  text: string;
  blip_caption: string | null;
};
export type LocomoQa = {
  qa_id: string;
  sample_id: string;
  question: string;
  category: number;
  scored: boolean;
  evidence: string[];
};
export type LocomoSample = { sample_id: string; turns: LocomoTurn[]; qas: LocomoQa[] };
type Metrics = Record<'R@5' | 'R@10' | 'R@25' | 'R@50' | 'Hit@5' | 'Hit@10' | 'MRR@10', number> & {
  n: number;
  scope_leaks: number;
  missing: number;
};
export type LocomoScore = {
  categories: Record<string, Metrics>;
  latency_ms: { p50: number; p95: number; mean: number } | null;
};

/** The shared evaluator is an ES module outside the repository: imported at run time, never copied. */
export async function loadLocomo(): Promise<LocomoSample[] | null> {
  if (!fs.existsSync(LOCOMO_DATASET) || !fs.existsSync(LOCOMO_EVAL)) return null;
  const ev = (await import(pathToFileURL(LOCOMO_EVAL).href)) as { loadDataset: (file: string) => LocomoSample[] };
  return ev.loadDataset(LOCOMO_DATASET);
}

/** The text embedded (and indexed for keywords) per turn: who said it, what, and the image caption, the only content of a shared image. */
export const turnContent = (t: LocomoTurn) =>
  `${t.speaker}: ${t.text}${t.blip_caption ? ` [image: ${t.blip_caption}]` : ''}`;

export function turnRecord(t: LocomoTurn): Record<string, unknown> {
  return {
    conversation_id: t.sample_id,
    speaker: t.speaker,
    dia_id: t.dia_id,
    session: t.session,
    ...(t.session_date_time ? { session_date: t.session_date_time } : {}),
    ...(t.session_time ? { session_time: t.session_time } : {}),
    text: t.text,
    ...(t.blip_caption ? { blip_caption: t.blip_caption } : {}),
    content: turnContent(t),
  };
}

/** Scores a results file with the shared evaluator; returns its JSON summary. */
export function scoreLocomo(resultsFile: string): LocomoScore {
  const json = resultsFile.replace(/\.jsonl$/, '') + '.score.json';
  execFileSync(process.execPath, [LOCOMO_EVAL, 'score', LOCOMO_DATASET, resultsFile, '--json', json], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return JSON.parse(fs.readFileSync(json, 'utf8')) as LocomoScore;
}

/** The evaluator's reference: plain Okapi BM25 (k1 1.2, b 0.75) over "speaker: text [shares caption]", in memory. */
export function locomoBaseline(method = 'bm25'): LocomoScore {
  const json = path.join(OUT_DIR, `locomo-baseline-${method}.json`);
  execFileSync(process.execPath, [LOCOMO_EVAL, 'baseline', LOCOMO_DATASET, '--method', method, '--json', json], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return (JSON.parse(fs.readFileSync(json, 'utf8')) as { methods: Record<string, LocomoScore> }).methods[method]!;
}

export const scoreLine = (s: LocomoScore) => {
  const o = s.categories.overall!;
  const cats = ['1', '2', '3', '4'].map((c) => `${c}:${s.categories[c]?.['R@10'].toFixed(3)}`).join(' ');
  return `R@5 ${o['R@5'].toFixed(3)}, R@10 ${o['R@10'].toFixed(3)}, MRR@10 ${o['MRR@10'].toFixed(3)} (n ${o.n}; R@10 by category ${cats}${o.scope_leaks ? `; SCOPE LEAKS ${o.scope_leaks}` : ''})`;
};

export async function benchLocomo(b: Backend, report: (line: string) => void) {
  const samples = await loadLocomo();
  if (!samples) {
    report(`skipped: ${LOCOMO_DATASET} or ${LOCOMO_EVAL} not found`);
    return;
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const deps = aiDeps(b, await b.newProject());
  const turns = samples.flatMap((s) => s.turns);
  const queries = samples.flatMap((s) => s.qas.filter((q) => q.scored));

  const imported = await timed(async () => {
    for (const s of samples) await importJson(deps, { label: 'TURN', data: s.turns.map(turnRecord) });
  });
  report(`import ${turns.length} turns of ${samples.length} conversations: ${fmt(imported.ms)} ms`);

  // The index is created on existing records, so this times the backfill job (embedding included).
  const backfill = await timed(async () => {
    const ix = await createIndex(deps, { label: 'TURN', propertyName: 'content' });
    await b.engram.backfill.idle();
    return getIndex(deps, ix.id);
  });
  const ix = backfill.value;
  if (ix.status !== 'ready') throw new Error(`index ${ix.status}: ${ix.error}`);
  report(
    `backfill of TURN.content with ${ix.model} (${ix.dimensions}-d): ${(backfill.ms / 1000).toFixed(1)} s for ${ix.progress.indexed} turns (${Math.round(ix.progress.indexed / (backfill.ms / 1000))} turns/s)`,
  );

  const search = (q: LocomoQa, mode: (typeof MODES)[number]) =>
    searchByMeaning(deps, {
      labels: ['TURN'],
      propertyName: 'content',
      query: q.question,
      where: { conversation_id: q.sample_id },
      limit: 50,
      mode,
    });

  // As shipped, right after the bulk load: no table statistics (see analyzeTables). A small sample only.
  const sample = Array.from(
    { length: SHIPPED_SAMPLE },
    (_, i) => queries[Math.floor((i * queries.length) / SHIPPED_SAMPLE)]!,
  );
  for (const mode of MODES) {
    const ms: number[] = [];
    for (const q of sample) ms.push((await timed(() => search(q, mode))).ms);
    report(
      `as shipped, before ANALYZE (${sample.length} queries): ${mode} p50 ${fmt(percentile(ms, 50))} ms, max ${fmt(Math.max(...ms))} ms`,
    );
  }
  const an = await analyzeTables(b);
  report(`ANALYZE: ${fmt(an.ms)} ms; everything below is measured after it`);

  const bm25 = locomoBaseline('bm25');
  report(`reference: plain BM25 in memory (shared evaluator): ${scoreLine(bm25)}`);
  const lines: string[] = [
    `| mode | R@5 | R@10 | MRR@10 | p50 ms | p95 ms |`,
    `|---|---:|---:|---:|---:|---:|`,
    `| BM25 reference (in memory) | ${bm25.categories.overall!['R@5'].toFixed(3)} | ${bm25.categories.overall!['R@10'].toFixed(3)} | ${bm25.categories.overall!['MRR@10'].toFixed(3)} | | |`,
  ];
  for (const mode of MODES) {
    const out: string[] = [];
    const ms: number[] = [];
    let done = 0;
    for (const q of queries) {
      const t = await timed(() => search(q, mode));
      ms.push(t.ms);
      out.push(
        JSON.stringify({
          qa_id: q.qa_id,
          ranked: t.value.items.map((h) => `${h.conversation_id as string}:${h.dia_id as string}`),
          latency_ms: Number(t.ms.toFixed(3)),
        }),
      );
      if (++done % 300 === 0) process.stderr.write(`  locomo ${b.name} ${mode}: ${done}/${queries.length}\n`);
    }
    const file = path.join(OUT_DIR, `locomo-${mode}-${b.name}.jsonl`);
    fs.writeFileSync(file, out.join('\n') + '\n');
    const s = scoreLocomo(file);
    report(`${mode}: ${scoreLine(s)}; latency p50 ${fmt(percentile(ms, 50))} ms, p95 ${fmt(percentile(ms, 95))} ms`);
    const o = s.categories.overall!;
    lines.push(
      `| ${mode} | ${o['R@5'].toFixed(3)} | ${o['R@10'].toFixed(3)} | ${o['MRR@10'].toFixed(3)} | ${fmt(percentile(ms, 50))} | ${fmt(percentile(ms, 95))} |`,
    );
  }
  for (const l of lines) report(l);
}
