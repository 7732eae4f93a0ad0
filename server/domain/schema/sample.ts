import { sql as S, withSettings, type Db } from '@/server/db';
import { SCHEMA_LIMITS, type TSchemaProperty } from './schema.schema';
import { getOrSet } from './util';

const { schemaSql } = S;

type PropSample = Pick<TSchemaProperty, 'min' | 'max' | 'samples'>;
export type LabelSample = { sampled: number; props: Map<string, PropSample> };

/** Datetimes are compared here, not cast in SQL: a value Date.parse cannot read is skipped instead of failing the query. */
function datetimeRange(values: string[]): { min: string; max: string } | undefined {
  let min: { s: string; t: number } | undefined;
  let max: { s: string; t: number } | undefined;
  for (const s of values) {
    const t = Date.parse(s);
    if (Number.isNaN(t)) continue;
    if (!min || t < min.t || (t === min.t && s < min.s)) min = { s, t };
    if (!max || t > max.t || (t === max.t && s > max.s)) max = { s, t };
  }
  return min && max ? { min: min.s, max: max.s } : undefined;
}

/** Records sampled per label when `labels` labels are asked for. */
export const samplePerLabel = (labels: number): number =>
  Math.max(
    SCHEMA_LIMITS.sampleRecordsMin,
    Math.min(SCHEMA_LIMITS.sampleRecords, Math.floor(SCHEMA_LIMITS.sampleBudget / Math.max(1, labels))),
  );

/** min/max and samples per label and property, from one query over the labels' recent records. */
export async function sampleLabels(
  db: Db,
  projectId: string,
  labels: string[],
  typeCounts: Map<string, Map<string, Map<string, number>>>,
) {
  const out = new Map<string, LabelSample>();
  if (labels.length === 0) return out;
  const query = schemaSql.selectSamples(projectId, labels, {
    perLabel: samplePerLabel(labels.length),
    perArray: SCHEMA_LIMITS.sampleArrayElements,
    samples: SCHEMA_LIMITS.samplesPerProperty,
    maxChars: SCHEMA_LIMITS.sampleChars,
  });
  const rows = await withSettings(db, schemaSql.SAMPLE_SETTINGS, (tx) => tx.$queryRaw<S.schemaSql.SampleRow[]>(query));
  // A property of several types shows the range of its most frequent ranged type (number or datetime).
  const rangeWeight = new Map<PropSample, number>();
  for (const r of rows) {
    const label = getOrSet(out, r.label, () => ({ sampled: 0, props: new Map() }));
    if (r.prop === null || r.type === null) {
      label.sampled = r.sampled;
      continue;
    }
    const acc = getOrSet(label.props, r.prop, () => ({}));
    const range =
      r.min_number !== null && r.max_number !== null
        ? { min: r.min_number, max: r.max_number }
        : r.datetimes
          ? datetimeRange(r.datetimes)
          : undefined;
    const base = r.type.replace('[]', '');
    const types = typeCounts.get(r.label)?.get(r.prop);
    const weight = (types?.get(base) ?? 0) + (types?.get(`${base}[]`) ?? 0);
    if (range && weight > (rangeWeight.get(acc) ?? -1)) {
      acc.min = range.min;
      acc.max = range.max;
      rangeWeight.set(acc, weight);
    }
    if (r.strings && r.strings.length > 0) {
      acc.samples = [...new Set([...(acc.samples ?? []), ...r.strings])].slice(0, SCHEMA_LIMITS.samplesPerProperty);
    }
  }
  return out;
}
