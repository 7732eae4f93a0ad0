import { uuidv7 } from 'uuidv7';
import { sql as S, withTransaction, Prisma } from '@/server/db';
import type { ProjectDeps } from '../deps';
import { nameEvidence, typeFor } from './names';
import { confidenceOf, kindOf, specificity } from './values';
import { SUGGESTION_LIMITS, type TEvidence } from './suggestions.schema';

const { schemaSql, suggestionSql } = S;
const ID_KEY = suggestionSql.ID_KEY;

type LabelInfo = { label: string; count: number; props: Map<string, { n: number; types: Set<string> }> };
/** A key of a target label: its values (text → record id) and how unique they are. */
type Key = { label: string; key: string; ids: Map<string, string>; uniqueness: number };
/** A candidate source: one property of one label, its sampled values by record. */
type Source = {
  label: string;
  key: string;
  values: { id: string; value: string }[];
  examined: number;
  ownKey: boolean;
};
export type Candidate = {
  sourceLabel: string;
  sourceKey: string;
  targetLabel: string;
  targetKey: string;
  type: string;
  confidence: number;
  evidence: TEvidence;
};

export type Progress = (done: number, total: number) => Promise<void>;

const scalarTypes = (types: Set<string>) => [...types].every((t) => t === 'string' || t === 'number');

async function labelsOf(deps: ProjectDeps): Promise<LabelInfo[]> {
  const rows = await deps.db.$queryRaw<{ label: string; prop: string; type: string; n: number }[]>(
    schemaSql.selectCounts(deps.projectId),
  );
  const byLabel = new Map<string, LabelInfo>();
  for (const r of rows) {
    const info = byLabel.get(r.label) ?? { label: r.label, count: 0, props: new Map() };
    byLabel.set(r.label, info);
    if (r.prop === '') info.count = Number(r.n);
    else {
      const p = info.props.get(r.prop) ?? { n: 0, types: new Set<string>() };
      p.n += Number(r.n);
      p.types.add(r.type);
      info.props.set(r.prop, p);
    }
  }
  return [...byLabel.values()].filter((l) => l.count > 0).sort((a, b) => a.label.localeCompare(b.label));
}

/** Unique, well-covered scalar properties of a label, with every value (labels up to keyScanMax records). */
async function keysOf(deps: ProjectDeps, info: LabelInfo): Promise<Key[]> {
  if (info.count > SUGGESTION_LIMITS.keyScanMax) return [];
  const names = [...info.props]
    .filter(([, p]) => scalarTypes(p.types) && p.n / info.count >= SUGGESTION_LIMITS.keyCoverage)
    .map(([k]) => k)
    .slice(0, SUGGESTION_LIMITS.keysPerLabel);
  if (names.length === 0) return [];
  const rows = await deps.db.$queryRaw<Record<string, string | null>[]>(
    suggestionSql.keyValues(deps.projectId, info.label, names, info.count + 1),
  );
  const keys: Key[] = [];
  names.forEach((key, i) => {
    const ids = new Map<string, string>();
    let n = 0;
    for (const r of rows) {
      const v = r[`k${i}`];
      if (v === null || v === undefined) continue;
      n++;
      if (!ids.has(v)) ids.set(v, r.id!);
    }
    const uniqueness = n === 0 ? 0 : ids.size / n;
    if (uniqueness >= SUGGESTION_LIMITS.keyUniqueness) keys.push({ label: info.label, key, ids, uniqueness });
  });
  return keys;
}

/** The sampled scalar values of a label's properties (the newest sampleSize records). */
async function sourcesOf(deps: ProjectDeps, info: LabelInfo, ownKeys: Key[]): Promise<Source[]> {
  const props = [...info.props].filter(([, p]) => scalarTypes(p.types)).map(([k]) => k);
  if (props.length === 0) return [];
  const rows = await deps.db.$queryRaw<{ id: string; data: Record<string, unknown> }[]>(
    suggestionSql.sampleRecords(deps.projectId, info.label, SUGGESTION_LIMITS.sampleSize),
  );
  return props
    .map((key): Source => {
      const values: { id: string; value: string }[] = [];
      let chars = 0;
      for (const r of rows) {
        const v = r.data[key];
        if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) {
          const value = String(v);
          values.push({ id: r.id, value });
          chars += value.length;
        }
      }
      // A label's own identifier (unique, and named only by a key word: id, email) is not a reference.
      const own =
        ownKeys.some((k) => k.key === key) && /^(id|uuid|key|email|code|sku|slug|handle|username|login)$/i.test(key);
      return {
        label: info.label,
        key,
        values: chars / Math.max(1, values.length) <= SUGGESTION_LIMITS.maxValueLength ? values : [],
        examined: rows.length,
        ownKey: own,
      };
    })
    .filter((s) => s.values.length > 0 && !s.ownKey);
}

/** Target records among UUID-looking sampled values, by label: the matches of each label's `$id` key. */
async function idTargets(deps: ProjectDeps, sources: Source[]): Promise<Key[]> {
  const uuids = [
    ...new Set(sources.flatMap((s) => s.values.map((v) => v.value.toLowerCase()).filter((v) => kindOf(v) === 'uuid'))),
  ];
  const byLabel = new Map<string, Map<string, string>>();
  for (let i = 0; i < uuids.length; i += 5_000) {
    const found = await deps.db.$queryRaw<{ id: string; label: string }[]>(
      suggestionSql.existingIds(deps.projectId, uuids.slice(i, i + 5_000)),
    );
    for (const f of found) {
      const ids = byLabel.get(f.label) ?? new Map<string, string>();
      byLabel.set(f.label, ids.set(f.id, f.id));
    }
  }
  return [...byLabel].map(([label, ids]) => ({ label, key: ID_KEY, ids, uniqueness: 1 }));
}

function score(src: Source, key: Key): Candidate | null {
  if (src.label === key.label && src.key === key.key) return null;
  const matched: { id: string; value: string; target: string }[] = [];
  for (const v of src.values) {
    const target = key.ids.get(key.key === ID_KEY ? v.value.toLowerCase() : v.value);
    if (target !== undefined && !(src.label === key.label && target === v.id)) matched.push({ ...v, target });
  }
  if (matched.length === 0) return null;
  const coverage = matched.length / src.values.length;
  const name = nameEvidence(src.label, src.key, key.label, key.key);
  const spec = specificity(matched.map((m) => m.value));
  const confidence = confidenceOf({ name: name.score, coverage, specificity: spec.score, uniqueness: key.uniqueness });
  const evidence: TEvidence = {
    matched: matched.length,
    examined: src.values.length,
    sampled: src.examined,
    coverage: Math.round(coverage * 1000) / 1000,
    uniqueness: Math.round(key.uniqueness * 1000) / 1000,
    name,
    values: spec,
    samples: matched.slice(0, 5).map((m) => ({ sourceId: m.id, value: m.value, targetId: m.target })),
  };
  return {
    sourceLabel: src.label,
    sourceKey: src.key,
    targetLabel: key.label,
    targetKey: key.key,
    type: typeFor(src.key),
    confidence,
    evidence,
  };
}

/**
 * Finds candidate rules from the data: every scalar property of every label (sampled) against every
 * unique key of every label, the record id included. Keeps, per source property, the best-scoring
 * target that was not rejected, when it reaches the minimum confidence.
 */
export async function findCandidates(
  deps: ProjectDeps,
  progress: Progress,
  rejected: Set<string>,
): Promise<Candidate[]> {
  const labels = await labelsOf(deps);
  const total = labels.length * 2 + 1;
  let done = 0;
  await progress(done, total);
  const keys: Key[] = [];
  for (const info of labels) {
    keys.push(...(await keysOf(deps, info)));
    await progress(++done, total);
  }
  const sources: Source[] = [];
  for (const info of labels) {
    sources.push(
      ...(await sourcesOf(
        deps,
        info,
        keys.filter((k) => k.label === info.label),
      )),
    );
    await progress(++done, total);
  }
  keys.push(...(await idTargets(deps, sources)));
  const out: Candidate[] = [];
  for (const src of sources) {
    let best: Candidate | null = null;
    for (const key of keys) {
      const c = score(src, key);
      if (!c || rejected.has(ruleKey(c))) continue;
      if (!best || c.confidence > best.confidence) best = c;
    }
    if (best && best.confidence >= SUGGESTION_LIMITS.minConfidence) out.push(best);
  }
  await progress(++done, total);
  return out;
}

export const ruleKey = (r: { sourceLabel: string; sourceKey: string; targetLabel: string; targetKey: string }) =>
  JSON.stringify([r.sourceLabel, r.sourceKey, r.targetLabel, r.targetKey]);

/**
 * One analysis: candidates become `suggested` rows (new ones inserted, existing suggestions refreshed),
 * suggestions whose evidence is gone are removed, approved and rejected rules keep their status.
 * A source property that has an approved rule gets no competing suggestion.
 */
export async function analyzeProject(deps: ProjectDeps, progress: Progress): Promise<{ found: number }> {
  const existing = await deps.db.suggestion.findMany({ where: { projectId: deps.projectId } });
  const rejected = new Set(existing.filter((s) => s.status === 'rejected').map(ruleKey));
  const decided = new Set(
    existing.filter((s) => s.status === 'approved').map((s) => JSON.stringify([s.sourceLabel, s.sourceKey])),
  );
  const candidates = (await findCandidates(deps, progress, rejected)).filter(
    (c) => !decided.has(JSON.stringify([c.sourceLabel, c.sourceKey])),
  );
  const byKey = new Map(existing.map((s) => [ruleKey(s), s]));
  const keep = new Set(candidates.map(ruleKey));
  await withTransaction(deps.db, async (tx) => {
    const stale = existing.filter((s) => s.status === 'suggested' && !keep.has(ruleKey(s))).map((s) => s.id);
    if (stale.length > 0) await tx.suggestion.deleteMany({ where: { projectId: deps.projectId, id: { in: stale } } });
    const fresh = candidates.filter((c) => !byKey.has(ruleKey(c)));
    // skipDuplicates: another process analyzing the same project at once may have just inserted the rule.
    await tx.suggestion.createMany({
      data: fresh.map((c) => ({
        projectId: deps.projectId,
        id: uuidv7(),
        ...c,
        evidence: c.evidence as unknown as Prisma.InputJsonValue,
        status: 'suggested',
      })),
      skipDuplicates: true,
    });
    for (const c of candidates) {
      const prior = byKey.get(ruleKey(c));
      const evidence = c.evidence as unknown as Prisma.InputJsonValue;
      if (prior?.status === 'suggested') {
        await tx.suggestion.update({
          where: { projectId_id: { projectId: deps.projectId, id: prior.id } },
          data: { confidence: c.confidence, evidence, updatedAt: new Date() },
        });
      }
    }
  });
  return { found: candidates.length };
}
