import Link from 'next/link';
import { formatDatetime, TypeBadge } from '@/components/records/prop-value';
import { recordsHref } from '@/components/records/use-records-view';
import type { SchemaLabel, SchemaProperty } from './types';

const percent = (coverage: number) => `${Math.round(coverage * 1000) / 10}%`;

const showBound = (v: string | number, p: SchemaProperty) =>
  typeof v === 'number'
    ? v.toLocaleString(undefined, { maximumFractionDigits: 6 })
    : p.types.some((t) => t.startsWith('datetime'))
      ? formatDatetime(v)
      : v;

function Values({ property: p }: { property: SchemaProperty }) {
  if (p.min !== undefined && p.max !== undefined) {
    return (
      <span className="range">
        {p.min === p.max ? (
          showBound(p.min, p)
        ) : (
          <>
            {showBound(p.min, p)} <span className="muted">–</span> {showBound(p.max, p)}
          </>
        )}
      </span>
    );
  }
  if (p.samples && p.samples.length > 0) {
    return (
      <span className="chips">
        {p.samples.map((s) => (
          <span className="chip" key={s} title={s}>
            {s.length > 40 ? `${s.slice(0, 39)}…` : s}
          </span>
        ))}
      </span>
    );
  }
  return null;
}

function Coverage({ property: p, total }: { property: SchemaProperty; total: number }) {
  return (
    <span className="coverage" title={`${p.count.toLocaleString()} of ${total.toLocaleString()} records`}>
      <span className="coverage-bar" aria-hidden="true">
        <span style={{ width: percent(p.coverage) }} />
      </span>
      <span className="coverage-value">{percent(p.coverage)}</span>
    </span>
  );
}

/** One label of the live schema: its properties (types, coverage, values) and its relationships. */
export function LabelCard({ label, anchorOf }: { label: SchemaLabel; anchorOf: (name: string) => string | undefined }) {
  const anchor = anchorOf(label.name);
  const headingId = `${anchor}-heading`;
  const sampled = label.sampledFrom !== undefined && label.sampledFrom < label.count;
  return (
    <article className="card schema-card" id={anchor} aria-labelledby={headingId}>
      <header className="schema-card-header">
        <h2 id={headingId}>{label.name}</h2>
        <span className="count">
          {label.count.toLocaleString()} {label.count === 1 ? 'record' : 'records'}
        </span>
        <Link href={recordsHref(label.name)} className="schema-browse">
          Browse records →
        </Link>
      </header>

      {label.properties.length === 0 ? (
        <p className="muted">No properties.</p>
      ) : (
        <div className="table-wrap">
          <table className="table schema-table" aria-label={`Properties of ${label.name}`}>
            <thead>
              <tr>
                <th scope="col">Property</th>
                <th scope="col">Type</th>
                <th scope="col">Coverage</th>
                <th scope="col">{sampled ? 'Values (recent records)' : 'Values'}</th>
              </tr>
            </thead>
            <tbody>
              {label.properties.map((p) => (
                <tr key={p.name}>
                  <th scope="row">{p.name}</th>
                  <td>
                    <span className="chips">
                      {p.types.map((t) => (
                        <TypeBadge key={t} type={t} />
                      ))}
                    </span>
                  </td>
                  <td>
                    <Coverage property={p} total={label.count} />
                  </td>
                  <td className="values-cell">
                    <Values property={p} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {sampled ? (
        <p className="hint">
          Ranges and samples come from the {label.sampledFrom?.toLocaleString()} most recent records; counts and
          coverage from all.
        </p>
      ) : null}

      <h3 className="schema-rels-heading">Relationships</h3>
      {label.relationships.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="schema-rels" aria-label={`Relationships of ${label.name}`}>
          {label.relationships.map((r) => {
            const other = anchorOf(r.label);
            const otherLink = other ? <a href={`#${other}`}>{r.label}</a> : <span>{r.label}</span>;
            return (
              <li key={`${r.direction}-${r.type}-${r.label}`}>
                {r.direction === 'out' ? (
                  <>
                    <span className="rel-type">{r.type} →</span> {otherLink}
                  </>
                ) : (
                  <>
                    <span className="rel-type">← {r.type}</span> {otherLink}
                  </>
                )}
                <span className="count"> × {r.count.toLocaleString()}</span>
              </li>
            );
          })}
        </ul>
      )}

      {label.indexes.length > 0 ? (
        <>
          <h3 className="schema-rels-heading">Searchable by meaning</h3>
          <ul className="schema-rels" aria-label={`Embedding indexes of ${label.name}`}>
            {label.indexes.map((ix) => (
              <li key={ix.id}>
                <span className="rel-type">{ix.property}</span>{' '}
                {ix.source === 'external' ? 'external vectors' : ix.model}, {ix.dimensions}-d {ix.similarity}
                <span className="count">
                  {' '}
                  ·{' '}
                  {ix.status === 'ready'
                    ? 'ready'
                    : `${ix.status}, ${ix.progress.indexed.toLocaleString()} of ${ix.progress.total.toLocaleString()} embedded`}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </article>
  );
}
