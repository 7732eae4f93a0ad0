'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { CreateIndexForm } from './create-index-form';
import { IndexList } from './index-list';
import { indexName, pollWhileBuilding, type EmbeddingIndex } from './types';

/** The Indexes page: create an embedding index, watch its backfill, retry a failure, delete. */
export function IndexesView() {
  const trpc = useTRPC();
  const list = useQuery(trpc.ai.indexes.list.queryOptions(undefined, { refetchInterval: pollWhileBuilding }));
  const [created, setCreated] = useState<EmbeddingIndex | null>(null);
  const indexes = list.data?.items ?? [];

  return (
    <>
      <header className="page-header">
        <h1>Indexes</h1>
        <p className="muted">
          An embedding index makes a text property searchable by meaning: Engram turns each record’s text into a vector,
          so <code>ai.search</code> finds “the user’s favourite food” in “I love sushi” — inside any exact filter, such
          as one user’s memories.
        </p>
      </header>

      <CreateIndexForm existing={indexes} onCreated={setCreated} />
      <p role="status" className="hint index-created">
        {created
          ? `Index on ${indexName(created)} created${created.status === 'ready' ? '.' : '; existing records are being embedded.'}`
          : ''}
      </p>

      <section aria-labelledby="indexes-heading">
        <h2 id="indexes-heading">Indexes{list.data ? <span className="count"> ({list.data.total})</span> : null}</h2>
        {list.isPending ? <Loading label="Loading indexes…" /> : null}
        {list.isError ? <ErrorMessage error={list.error} title="The indexes could not be loaded." /> : null}
        {list.data && indexes.length === 0 ? (
          <div className="empty-state">
            <h3>No indexes yet</h3>
            <p>
              Create one above on the property that holds your memories’ text (for example <code>text</code> or{' '}
              <code>content</code>). Existing records are embedded in the background, and every record written
              afterwards is searchable as soon as the write returns.
            </p>
          </div>
        ) : null}
        {indexes.length > 0 ? <IndexList indexes={indexes} /> : null}
      </section>
    </>
  );
}
