'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorMessage } from '@/components/ui/error-message';
import { Loading } from '@/components/ui/loading';
import { diffVersions, type PropertyChange, type Version } from './history-diff';
import { PropValue } from './prop-value';
import { Timestamp } from './timestamps';
import type { PropType } from './types';
import { useRefreshData } from './use-refresh-data';

const PAGE = 50;

type Row = Version & { operation: string | null; actor: string | null; at: string; label: string };

function Diff({ changes }: { changes: PropertyChange[] }) {
  if (changes.length === 0) return <p className="muted">No property changed.</p>;
  return (
    <div className="table-wrap">
      <table className="table history-diff" aria-label="Changes">
        <thead>
          <tr>
            <th scope="col">Property</th>
            <th scope="col">Before</th>
            <th scope="col">After</th>
          </tr>
        </thead>
        <tbody>
          {changes.map((c) => (
            <tr key={c.name} className={`diff-${c.kind}`}>
              <th scope="row">
                {c.name} <span className="muted">({c.kind})</span>
              </th>
              <td className="value-cell">
                {c.kind === 'added' ? '—' : <PropValue value={c.before} type={c.typeBefore as PropType | undefined} />}
              </td>
              <td className="value-cell">
                {c.kind === 'removed' ? '—' : <PropValue value={c.after} type={c.typeAfter as PropType | undefined} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The record's versions, newest first, each with what it changed; any earlier version can be restored. */
export function RecordHistory({ id }: { id: string }) {
  const trpc = useTRPC();
  const refresh = useRefreshData();
  const [limit, setLimit] = useState(PAGE);
  const history = useQuery(trpc.records.history.queryOptions({ id, limit }));
  const [restoring, setRestoring] = useState<number | null>(null);
  const restore = useMutation(
    trpc.records.restore.mutationOptions({
      onSuccess: async () => {
        setRestoring(null);
        await refresh();
      },
    }),
  );
  const items = (history.data?.items ?? []) as Row[];
  const total = history.data?.total ?? 0;

  return (
    <section aria-labelledby="drawer-history-heading" className="drawer-section">
      <h3 id="drawer-history-heading">History {history.data ? <span className="count">({total})</span> : null}</h3>
      {history.isPending ? <Loading label="Loading history…" /> : null}
      {history.isError ? <ErrorMessage error={history.error} title="The history could not be loaded." /> : null}
      {history.data && items.length === 0 ? <p className="muted">No versions yet.</p> : null}
      <ol className="history-list" aria-label="Versions">
        {items.map((v, i) => {
          const previous = items[i + 1];
          const current = i === 0;
          return (
            <li key={v.version}>
              <details>
                <summary>
                  <span className="mono">v{v.version}</span> <span className="label-tag">{v.change}</span>{' '}
                  <Timestamp iso={v.at} />{' '}
                  <span className="muted">{[v.operation, v.actor].filter(Boolean).join(' · ')}</span>
                </summary>
                <Diff changes={diffVersions(previous, v)} />
                {!current && v.data ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => {
                      restore.reset();
                      setRestoring(v.version);
                    }}
                  >
                    Restore v{v.version}…
                  </button>
                ) : null}
              </details>
            </li>
          );
        })}
      </ol>
      {items.length < total ? (
        <button type="button" className="button button-quiet" onClick={() => setLimit((l) => l + PAGE)}>
          Show older versions
        </button>
      ) : null}
      <ConfirmDialog
        open={restoring !== null}
        title={`Restore version ${restoring ?? ''}?`}
        confirmLabel="Restore"
        busyLabel="Restoring…"
        busy={restore.isPending}
        error={restore.isError ? restore.error : undefined}
        onConfirm={() => restoring !== null && restore.mutate({ id, version: restoring })}
        onCancel={() => setRestoring(null)}
      >
        <p>The record&apos;s properties become those of version {restoring}. The change is kept as a new version.</p>
      </ConfirmDialog>
    </section>
  );
}
