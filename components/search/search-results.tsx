import Link from 'next/link';
import { PropValue } from '@/components/records/prop-value';
import { Timestamp } from '@/components/records/timestamps';
import { recordHref } from '@/components/records/use-records-view';
import { Highlighted, queryTerms } from './highlight';
import type { SearchHit, SearchMode } from './search-params';

const MAX_TEXT = 1_000;
const MAX_PROPS = 8;

const SCORE_HELP: Record<SearchMode, string> = {
  hybrid: 'Score: reciprocal-rank fusion of the two legs (higher is better); each leg’s own score is shown beside it.',
  semantic: 'Score: similarity of the query’s vector to the record’s (higher is closer).',
  keyword: 'Score: BM25 full-text relevance (higher is better).',
};

export const formatScore = (n: number) =>
  n.toLocaleString('en-US', { maximumSignificantDigits: 3, useGrouping: false });

/** The link that opens the record in the Records page's drawer. */

/** The indexed property as text: a string, or a list of strings one a line (how Engram embeds it). */
function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('\n');
  return null;
}

function LegScore({ name, score }: { name: string; score: number | undefined }) {
  return (
    <span className="leg-score" title={score === undefined ? `Not among the ${name} leg’s candidates` : undefined}>
      <span className="leg-name">{name}</span>{' '}
      <span className="score-value">{score === undefined ? '—' : formatScore(score)}</span>
    </span>
  );
}

function Hit({
  hit,
  rank,
  property,
  terms,
  mode,
}: {
  hit: SearchHit;
  rank: number;
  property: string;
  terms: string[];
  mode: SearchMode;
}) {
  const { __id, __label, __proptypes, __createdAt, __updatedAt, __score, __scores, ...properties } = hit;
  // The record's catch-all properties widen __scores in the inferred type; the router's output schema fixes it.
  const legs = __scores as { semantic?: number; keyword?: number } | undefined;
  const full = textOf(properties[property]);
  const text = full && full.length > MAX_TEXT ? `${full.slice(0, MAX_TEXT - 1)}…` : full;
  const others = Object.entries(properties).filter(([name]) => name !== property);
  const headingId = `hit-${__id}`;
  return (
    <li>
      <article className="hit" aria-labelledby={headingId}>
        <header className="hit-head">
          <h3 id={headingId} className="hit-rank">
            <span className="visually-hidden">Result </span>#{rank}
          </h3>
          <span className="hit-score" data-testid="hit-score">
            <span className="leg-name">score</span> <strong className="score-value">{formatScore(__score)}</strong>
          </span>
          {mode === 'hybrid' ? (
            <span className="hit-legs" data-testid="hit-legs">
              <LegScore name="semantic" score={legs?.semantic} />
              <LegScore name="keyword" score={legs?.keyword} />
            </span>
          ) : null}
          <Link href={recordHref(hit.__label, hit.__id)} className="hit-open">
            Open record<span className="visually-hidden"> #{rank}</span> →
          </Link>
        </header>
        {text !== null ? (
          <p className="hit-text" title={full !== text ? (full ?? undefined) : undefined}>
            <Highlighted text={text} terms={terms} />
          </p>
        ) : (
          <p className="hit-text muted">No text in {property}.</p>
        )}
        <dl className="hit-props">
          <div>
            <dt>label</dt>
            <dd>
              <span className="label-tag">{__label}</span>
            </dd>
          </div>
          <div>
            <dt>created</dt>
            <dd>
              <Timestamp iso={__createdAt} />
            </dd>
          </div>
          <div>
            <dt>updated</dt>
            <dd>
              <Timestamp iso={__updatedAt} />
            </dd>
          </div>
          {others.slice(0, MAX_PROPS).map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>
                <PropValue value={value} type={__proptypes[name]} maxLength={60} />
              </dd>
            </div>
          ))}
          {others.length > MAX_PROPS ? (
            <div>
              <dt className="visually-hidden">more</dt>
              <dd className="muted">+{others.length - MAX_PROPS} more</dd>
            </div>
          ) : null}
        </dl>
      </article>
    </li>
  );
}

/** Ranked hits: score (and each leg’s in hybrid mode), the indexed text with the query’s words marked, the rest compact. */
export function SearchResults({
  items,
  total,
  property,
  query,
  mode,
}: {
  items: SearchHit[];
  total: number;
  property: string;
  query: string;
  mode: SearchMode;
}) {
  const terms = queryTerms(query);
  return (
    <>
      <p className="hint search-score-help">{SCORE_HELP[mode]}</p>
      {items.length === 0 ? (
        <div className="empty-state">
          <h3>No matches</h3>
          <p>
            {total > 0
              ? 'Every match is on an earlier page.'
              : 'Nothing in this index matches the query and the filter. Try another query, a looser filter, or another mode.'}
          </p>
        </div>
      ) : (
        <ol className="hit-list" aria-label="Search results">
          {items.map((hit, i) => (
            <Hit key={hit.__id} hit={hit} rank={i + 1} property={property} terms={terms} mode={mode} />
          ))}
        </ol>
      )}
    </>
  );
}
