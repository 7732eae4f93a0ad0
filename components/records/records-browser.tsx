'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { ImportDialog } from '@/components/import/import-dialog';
import { useTRPC } from '@/components/providers/trpc';
import { Loading } from '@/components/ui/loading';
import { LabelSidebar } from './label-sidebar';
import { Pager } from './pager';
import type { SearchQuery } from './query-export';
import { parseQ, QueryPanel } from './query-panel';
import { RecordDrawer } from './record-drawer';
import { RecordsTable } from './records-table';
import { sortName } from './timestamps';
import type { FindInput } from './types';
import { useRecordsView } from './use-records-view';

/** The Records page: labels at the side, the query builder, typed table with paging, the record drawer and Import. */
export function RecordsBrowser() {
  const trpc = useTRPC();
  const [view, navigate] = useRecordsView();
  const [importing, setImporting] = useState(false);

  const where = useMemo(() => parseQ(view.q).where, [view.q]);
  const input: SearchQuery & FindInput = {
    ...(view.label ? { labels: [view.label] } : {}),
    ...(where ? { where } : {}),
    orderBy: view.sort ? { [view.sort]: view.dir } : view.dir,
    skip: view.skip,
    limit: view.limit,
  };
  const search = useQuery({ ...trpc.records.find.queryOptions(input), placeholderData: keepPreviousData });
  const items = search.data?.items ?? [];

  const sortBy = (prop: string | null) =>
    navigate({
      sort: prop,
      dir: view.sort === prop ? (view.dir === 'asc' ? 'desc' : 'asc') : prop === null ? 'desc' : 'asc',
      skip: 0,
    });

  return (
    <>
      <header className="page-header page-header-row">
        <div>
          <h1>Records</h1>
          <p className="muted">
            Browse records by label, query them, and open one to see its properties and relationships.
          </p>
        </div>
        <button type="button" className="button button-primary" onClick={() => setImporting(true)}>
          Import…
        </button>
      </header>

      <div className="records-layout">
        <LabelSidebar
          current={view.label}
          onSelect={(label) => navigate({ label, skip: 0, sort: null, dir: 'desc' })}
        />

        <section className="records-main" aria-labelledby="records-heading">
          <h2 id="records-heading" className="records-heading">
            {view.label ?? 'All records'}
            {search.data ? <span className="count"> ({search.data.total.toLocaleString()})</span> : null}
            {search.isFetching && !search.isPending ? (
              <span className="spinner spinner-inline" aria-hidden="true" />
            ) : null}
          </h2>
          <QueryPanel view={view} query={input} error={search.isError ? search.error : null} navigate={navigate} />

          {search.isPending ? <Loading label="Loading records…" /> : null}

          {search.data && items.length === 0 ? (
            search.data.total > 0 ? (
              <div className="empty-state">
                <h3>No records on this page</h3>
                <p>
                  <button type="button" className="link-button" onClick={() => navigate({ skip: 0 })}>
                    Go to the first page
                  </button>
                </p>
              </div>
            ) : view.q ? (
              <div className="empty-state">
                <h3>No records match this query</h3>
                <p>
                  <button type="button" className="link-button" onClick={() => navigate({ q: null, skip: 0 })}>
                    Clear the query
                  </button>
                </p>
              </div>
            ) : (
              <div className="empty-state">
                <h3>{view.label ? `No ${view.label} records` : 'No records yet'}</h3>
                <p>
                  <button type="button" className="link-button" onClick={() => setImporting(true)}>
                    Import JSON, JSONL or CSV
                  </button>{' '}
                  or create them with <code>POST /api/v1/records</code>.
                </p>
              </div>
            )
          ) : null}

          {items.length > 0 ? (
            <>
              <div className="table-toolbar">
                <p className="muted">
                  {view.sort ? (
                    <>
                      Sorted by <strong>{sortName(view.sort)}</strong> (
                      {view.dir === 'asc' ? 'ascending' : 'descending'}, missing last).{' '}
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => navigate({ sort: null, dir: 'desc', skip: 0 })}
                      >
                        Newest first
                      </button>
                    </>
                  ) : (
                    <>
                      {view.dir === 'desc' ? 'Newest first.' : 'Oldest first.'}{' '}
                      <button type="button" className="link-button" onClick={() => sortBy(null)}>
                        {view.dir === 'desc' ? 'Oldest first' : 'Newest first'}
                      </button>
                    </>
                  )}
                </p>
              </div>
              <RecordsTable
                items={items}
                showLabel={view.label === null}
                sort={view.sort}
                dir={view.dir}
                selected={view.record}
                onSort={sortBy}
                onOpen={(record) => navigate({ record })}
              />
              <Pager
                skip={view.skip}
                limit={view.limit}
                shown={items.length}
                total={search.data?.total ?? 0}
                onPage={(skip) => navigate({ skip })}
                onLimit={(limit) => navigate({ limit, skip: 0 })}
              />
            </>
          ) : null}
        </section>
      </div>

      <RecordDrawer
        id={view.record}
        onOpen={(record) => navigate({ record })}
        onClose={() => navigate({ record: null })}
      />
      <ImportDialog
        open={importing}
        onClose={() => setImporting(false)}
        onImported={(label) => label && navigate({ label, q: null, skip: 0, sort: null, dir: 'desc' })}
      />
    </>
  );
}
