'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorMessage } from '@/components/ui/error-message';
import { formatDateTime } from '@/components/ui/format';
import { Loading } from '@/components/ui/loading';

const seconds = (ms: number) => `${Math.max(0, Math.round(ms / 1000))} s`;

/** Open cross-call transactions of the project: age, TTL, owner; an admin can roll one back. */
export function OpenTransactions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery({ ...trpc.tx.list.queryOptions(), refetchInterval: 2_000 });
  const [target, setTarget] = useState<string | null>(null);
  const rollback = useMutation(
    trpc.tx.rollback.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.tx.list.queryKey() });
        setTarget(null);
      },
    }),
  );
  const now = list.dataUpdatedAt;

  return (
    <section aria-labelledby="tx-heading">
      <h2 id="tx-heading">Open transactions{list.data ? <span className="count"> ({list.data.total})</span> : null}</h2>
      {list.isPending ? <Loading label="Loading transactions…" /> : null}
      {list.isError ? <ErrorMessage error={list.error} title="The transactions could not be loaded." /> : null}
      {list.data?.items.length === 0 ? (
        <div className="empty-state">
          <h3>No open transactions</h3>
          <p>Transactions opened with POST /api/v1/tx appear here until they commit, roll back or expire.</p>
        </div>
      ) : null}
      {list.data && list.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" aria-labelledby="tx-heading">
            <thead>
              <tr>
                <th scope="col">Id</th>
                <th scope="col">Opened</th>
                <th scope="col">Age</th>
                <th scope="col">TTL</th>
                <th scope="col">Expires in</th>
                <th scope="col">Owner</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((t) => (
                <tr key={t.id}>
                  <th scope="row">
                    <code>{t.id.slice(0, 8)}…</code>
                  </th>
                  <td>{formatDateTime(t.createdAt)}</td>
                  <td>{seconds(now - Date.parse(t.createdAt))}</td>
                  <td>{seconds(t.ttlMs)}</td>
                  <td>{seconds(Date.parse(t.expiresAt) - now)}</td>
                  <td>
                    <code>{t.principal}</code>
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      onClick={() => {
                        rollback.reset();
                        setTarget(t.id);
                      }}
                    >
                      Roll back
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={target !== null}
        title="Roll back this transaction?"
        confirmLabel="Roll back"
        busyLabel="Rolling back…"
        busy={rollback.isPending}
        error={rollback.error}
        onConfirm={() => target && rollback.mutate({ id: target })}
        onCancel={() => setTarget(null)}
      >
        <p>Its writes are discarded, and the client that opened it gets an error on its next call.</p>
      </ConfirmDialog>
    </section>
  );
}
