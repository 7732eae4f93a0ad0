'use client';

import Link from 'next/link';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorMessage } from '@/components/ui/error-message';
import { formatDateTime } from '@/components/ui/format';
import { indexName, isBuilding, percentDone, searchHref, SIMILARITY_LABELS, type EmbeddingIndex } from './types';

const STATUS_TEXT: Record<EmbeddingIndex['status'], string> = {
  pending: 'pending',
  indexing: 'indexing',
  ready: 'ready',
  error: 'failed',
};

/** The backfill's progress: a bar with `indexed / total` and the percentage. */
function Progress({ ix }: { ix: EmbeddingIndex }) {
  const { indexed, total } = ix.progress;
  const pct = percentDone(ix.progress);
  const text =
    total === 0 && ix.status === 'pending'
      ? 'Waiting to start…'
      : `${indexed.toLocaleString()} / ${total.toLocaleString()} records (${pct}%)`;
  return (
    <div className="index-progress">
      <div
        className="progress-bar"
        role="progressbar"
        aria-label={`Backfill of ${indexName(ix)}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={text}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="progress-text">{text}</span>
    </div>
  );
}

function IndexCard({ ix, onDelete }: { ix: EmbeddingIndex; onDelete: (ix: EmbeddingIndex) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const retry = useMutation(
    trpc.ai.indexes.retry.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.ai.indexes.list.queryKey() }),
    }),
  );
  const name = indexName(ix);
  const headingId = `index-${ix.id}`;
  return (
    <li>
      <article className="index-card" aria-labelledby={headingId}>
        <div className="index-card-head">
          {/* Named as one word: the label badge would otherwise add a space in the accessible name. */}
          <h3 id={headingId} className="index-name" aria-label={name}>
            <span className="label-tag">{ix.label}</span>
            <span className="mono">.{ix.propertyName}</span>
          </h3>
          <span className={`badge badge-index-${ix.status}`}>{STATUS_TEXT[ix.status]}</span>
          <div className="index-actions">
            {ix.status === 'ready' || isBuilding(ix) ? (
              <Link href={searchHref(ix)} className="button button-small">
                Search
              </Link>
            ) : null}
            <button
              type="button"
              className="button button-small button-danger-quiet"
              onClick={() => onDelete(ix)}
              aria-label={`Delete the index on ${name}`}
            >
              Delete
            </button>
          </div>
        </div>
        <dl className="index-meta">
          <div>
            <dt>Source</dt>
            <dd>{ix.source === 'managed' ? 'managed (Engram embeds)' : 'external (your vectors)'}</dd>
          </div>
          {ix.source === 'managed' ? (
            <div>
              <dt>Model</dt>
              <dd className="mono">
                {ix.provider} · {ix.model}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>Dimensions</dt>
            <dd>{ix.dimensions.toLocaleString()}</dd>
          </div>
          <div>
            <dt>Similarity</dt>
            <dd>{SIMILARITY_LABELS[ix.similarity]}</dd>
          </div>
          {ix.source === 'managed' && ix.status === 'ready' ? (
            <div>
              <dt>Backfill</dt>
              <dd>{ix.progress.total.toLocaleString()} existing records</dd>
            </div>
          ) : null}
          <div>
            <dt>Created</dt>
            <dd>
              <time dateTime={ix.createdAt}>{formatDateTime(ix.createdAt)}</time>
            </dd>
          </div>
        </dl>
        {isBuilding(ix) ? <Progress ix={ix} /> : null}
        {ix.status === 'error' ? (
          <div className="index-failure">
            <div role="alert" className="alert alert-error">
              <strong>The backfill failed</strong> after {ix.progress.indexed.toLocaleString()} of{' '}
              {ix.progress.total.toLocaleString()} records: {ix.error ?? 'no reason recorded.'}
            </div>
            <button
              type="button"
              className="button button-small"
              disabled={retry.isPending}
              onClick={() => retry.mutate({ id: ix.id })}
            >
              {retry.isPending ? 'Retrying…' : 'Retry'}
            </button>
            {retry.isError ? <ErrorMessage error={retry.error} title="Retry failed." /> : null}
          </div>
        ) : null}
      </article>
    </li>
  );
}

/** The project's embedding indexes, each with its status, backfill progress, retry and delete. */
export function IndexList({ indexes }: { indexes: EmbeddingIndex[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [deleting, setDeleting] = useState<EmbeddingIndex | null>(null);
  const remove = useMutation(
    trpc.ai.indexes.delete.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.ai.indexes.list.queryKey() });
        setDeleting(null);
      },
    }),
  );

  return (
    <>
      <ul className="index-list" aria-label="Embedding indexes">
        {indexes.map((ix) => (
          <IndexCard
            key={ix.id}
            ix={ix}
            onDelete={(target) => {
              remove.reset();
              setDeleting(target);
            }}
          />
        ))}
      </ul>
      <ConfirmDialog
        open={deleting !== null}
        title="Delete this index?"
        confirmLabel="Delete index"
        busyLabel="Deleting…"
        busy={remove.isPending}
        error={remove.isError ? remove.error : undefined}
        onConfirm={() => deleting && remove.mutate({ id: deleting.id })}
        onCancel={() => setDeleting(null)}
      >
        <p>
          The index on <strong>{deleting ? indexName(deleting) : ''}</strong> and its vectors are deleted; the records
          themselves stay. Searches on this property fail until a new index is built.
        </p>
      </ConfirmDialog>
    </>
  );
}
