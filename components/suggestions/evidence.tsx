import Link from 'next/link';
import { recordHref } from '@/components/records/use-records-view';
import { percent, type Suggestion } from './types';
import { plural } from '@/components/ui/format';

/** Confidence as a percentage and a bar (a meter, so assistive tech reads the value). */
export function Confidence({ value, rule }: { value: number; rule: string }) {
  const pct = percent(value);
  return (
    <span className="coverage suggestion-confidence">
      <span className="muted" aria-hidden="true">
        confidence
      </span>
      <span
        className="coverage-bar"
        role="meter"
        aria-label={`Confidence of ${rule}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}%`}
      >
        <span style={{ width: `${pct}%` }} />
      </span>
      <span className="coverage-value">{pct}%</span>
    </span>
  );
}

/** What the analysis saw: matches, coverage, key uniqueness, what the name says, the kind of values. */
export function Evidence({ s }: { s: Suggestion }) {
  const e = s.evidence;
  return (
    <dl className="index-meta suggestion-evidence" aria-label="Evidence">
      <div>
        <dt>Matched</dt>
        <dd>
          {e.matched.toLocaleString()} of {plural(e.examined, 'record')} with {s.source.key}
        </dd>
      </div>
      <div>
        <dt>Coverage</dt>
        <dd>{percent(e.coverage)}%</dd>
      </div>
      <div>
        <dt>Key uniqueness</dt>
        <dd>{percent(e.uniqueness)}%</dd>
      </div>
      <div>
        <dt>Name</dt>
        <dd>{e.name.reason}</dd>
      </div>
      <div>
        <dt>Values</dt>
        <dd>{e.values.kind}</dd>
      </div>
      <div>
        <dt>Sampled</dt>
        <dd>{plural(e.sampled, `${s.source.label} record`)}</dd>
      </div>
    </dl>
  );
}

/** The matched pairs the analysis kept (up to 5), each end opening in the Records page's drawer. */
export function SamplePairs({ s }: { s: Suggestion }) {
  const samples = s.evidence.samples;
  if (samples.length === 0) return null;
  return (
    <details className="suggestion-samples">
      <summary>Sample pairs ({samples.length})</summary>
      <PairTable
        caption={`Sample pairs of ${s.source.label} and ${s.target.label}`}
        source={s.source.label}
        target={s.target.label}
        rows={samples.map((p) => ({ sourceId: p.sourceId, value: p.value, targetId: p.targetId }))}
      />
    </details>
  );
}

/** Source record, its value, target record: a table shared by the evidence and the preview. */
export function PairTable({
  caption,
  source,
  target,
  rows,
}: {
  caption: string;
  source: string;
  target: string;
  rows: { sourceId: string; value: string; targetId: string }[];
}) {
  return (
    <div className="table-wrap">
      <table className="table suggestion-pairs" aria-label={caption}>
        <thead>
          <tr>
            <th scope="col">{source}</th>
            <th scope="col">Value</th>
            <th scope="col">{target}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.sourceId}-${r.targetId}`}>
              <td>
                <Link
                  className="mono"
                  href={recordHref(source, r.sourceId)}
                  aria-label={`Open ${source} ${r.sourceId}`}
                >
                  {r.sourceId}
                </Link>
              </td>
              <td className="mono">{r.value}</td>
              <td>
                <Link
                  className="mono"
                  href={recordHref(target, r.targetId)}
                  aria-label={`Open ${target} ${r.targetId}`}
                >
                  {r.targetId}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
