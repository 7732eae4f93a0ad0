'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { keepPreviousData, skipToken, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { indexName, percentDone, pollWhileBuilding } from '@/components/indexes/types';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorWithPath } from '@/components/records/error-with-path';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { CodePanel } from './code-panel';
import { SearchForm, type Draft } from './search-form';
import {
  clampLimit,
  clampWeight,
  readSearchView,
  searchInputOf,
  searchViewQuery,
  vectorTooLong,
  type SearchView as View,
} from './search-params';
import { SearchResults } from './search-results';

const draftOf = (view: View): Draft => ({
  indexId: '',
  q: view.q,
  mode: view.mode,
  where: view.where,
  limit: String(view.limit),
  kw: String(view.keywordWeight),
});

/**
 * The Search page: pick an index, type a query, narrow it with an exact `where` filter, pick the mode.
 * The search that ran lives in the URL (reload, Back and shared links show the same results); the form
 * is a draft until Search is pressed.
 */
export function SearchView() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const pathname = usePathname();
  const urlQuery = params.toString();
  const view = useMemo(() => readSearchView(new URLSearchParams(urlQuery)), [urlQuery]);

  const indexes = useQuery(trpc.ai.indexes.list.queryOptions(undefined, { refetchInterval: pollWhileBuilding }));
  const items = useMemo(() => indexes.data?.items ?? [], [indexes.data]);
  const viewIndex = items.find((ix) => ix.label === view.label && ix.propertyName === view.property);
  const input = indexes.data ? searchInputOf(view, viewIndex?.source === 'external') : null;
  const search = useQuery(trpc.ai.search.queryOptions(input ?? skipToken, { placeholderData: keepPreviousData }));

  // The form starts from the URL, and starts over when the URL changes (Back, a link).
  const [draft, setDraft] = useState(() => draftOf(view));
  const [draftFor, setDraftFor] = useState(urlQuery);
  if (draftFor !== urlQuery) {
    setDraftFor(urlQuery);
    setDraft(draftOf(view));
  }
  const defaultIndex = viewIndex ?? items.find((ix) => ix.status === 'ready') ?? items[0];
  const selected = items.find((ix) => ix.id === draft.indexId) ?? defaultIndex;

  const external = selected?.source === 'external';
  const draftView: View | null = selected
    ? {
        label: selected.label,
        property: selected.propertyName,
        q: draft.q,
        mode: draft.mode,
        where: draft.where,
        limit: clampLimit(draft.limit),
        keywordWeight: clampWeight(draft.kw),
      }
    : null;
  // A long query vector cannot be searched from here (see MAX_URL_VECTOR_CHARS): offer the calls instead.
  const tooLong = external && vectorTooLong(draft.q);
  const tooLongInput = tooLong && draftView ? searchInputOf(draftView, true) : null;

  function run() {
    if (!draftView || tooLong) return;
    const next = searchViewQuery(draftView);
    if (next === (urlQuery ? `?${urlQuery}` : '')) void search.refetch();
    else window.history.pushState(null, '', `${pathname}${next}`);
  }

  return (
    <>
      <header className="page-header">
        <h1>Search</h1>
        <p className="muted">
          Find records by meaning inside an exact filter — the way an agent recalls one user’s memories. Results show
          their scores, and the same search as an SDK call and as curl.
        </p>
      </header>

      {indexes.isPending ? <Loading label="Loading indexes…" /> : null}
      {indexes.isError ? <ErrorMessage error={indexes.error} title="The indexes could not be loaded." /> : null}
      {indexes.data && items.length === 0 ? (
        <div className="empty-state">
          <h2>No indexes yet</h2>
          <p>
            Search by meaning needs an embedding index on a text property (such as a memory’s <code>text</code>).{' '}
            <Link href="/indexes">Create one on the Indexes page</Link>; existing records are embedded in the
            background.
          </p>
        </div>
      ) : null}

      {selected ? (
        <SearchForm
          indexes={items}
          selected={selected}
          draft={draft}
          onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
          onSubmit={run}
          busy={search.isFetching}
          vectorTooLong={tooLong}
        />
      ) : null}
      {tooLongInput ? <CodePanel input={tooLongInput} /> : null}

      {input && indexes.data && !tooLongInput ? (
        <>
          <section className="search-results" aria-labelledby="results-heading" aria-busy={search.isFetching}>
            <div className="results-head">
              <h2 id="results-heading">
                Results
                {search.data && !search.isPlaceholderData ? (
                  <span className="count"> ({search.data.items.length.toLocaleString()})</span>
                ) : null}
              </h2>
              {search.isFetching ? <Loading label="Searching…" /> : null}
            </div>
            {viewIndex && viewIndex.status !== 'ready' ? (
              <p className="warning">
                {viewIndex.status === 'error'
                  ? `The index on ${indexName(viewIndex)} failed to build, so results cover only the records embedded before it stopped. Retry it on the Indexes page.`
                  : `The index on ${indexName(viewIndex)} is still being built (${percentDone(viewIndex.progress)}%): results cover the records embedded so far.`}
              </p>
            ) : null}
            {search.isError ? <ErrorWithPath error={search.error} title="The search failed." /> : null}
            {search.data && !search.isError ? (
              <SearchResults
                items={search.data.items}
                total={search.data.total}
                property={input.propertyName}
                query={input.query ?? ''}
                mode={input.mode ?? 'hybrid'}
              />
            ) : null}
          </section>
          <CodePanel input={input} />
        </>
      ) : null}
      {!input && !tooLongInput && selected && indexes.data ? (
        <p className="hint">Type a query and press Search.</p>
      ) : null}
    </>
  );
}
