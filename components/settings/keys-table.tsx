'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC, type ApiKey } from '@/components/providers/trpc';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { ErrorMessage } from '@/components/ui/error-message';
import { formatDate, formatDateTime } from '@/components/ui/format';
import { Loading } from '@/components/ui/loading';

type Status = 'active' | 'revoked' | 'expired';

const statusOf = (k: ApiKey, now: number): Status =>
  k.revokedAt ? 'revoked' : k.expiresAt && Date.parse(k.expiresAt) <= now ? 'expired' : 'active';

const When = ({ iso, empty, dateOnly = false }: { iso: string | null; empty: string; dateOnly?: boolean }) =>
  iso ? (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {dateOnly ? formatDate(iso) : formatDateTime(iso)}
    </time>
  ) : (
    <span className="muted">{empty}</span>
  );

export function KeysTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.keys.list.queryOptions());
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const revoke = useMutation(
    trpc.keys.revoke.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.projects.current.queryKey() }),
        ]);
        setRevoking(null);
      },
    }),
  );
  // Expiry is judged at the time of the last fetch: render stays pure, and refetches keep it current.
  const now = keys.dataUpdatedAt;

  return (
    <section aria-labelledby="keys-heading">
      <h2 id="keys-heading">Keys{keys.data ? <span className="count"> ({keys.data.total})</span> : null}</h2>
      {keys.isPending ? <Loading label="Loading keys…" /> : null}
      {keys.isError ? <ErrorMessage error={keys.error} title="The keys could not be loaded." /> : null}
      {keys.data?.items.length === 0 ? (
        <div className="empty-state">
          <h3>No API keys yet</h3>
          <p>Create one above to let an app or agent read or write this project.</p>
        </div>
      ) : null}
      {keys.data && keys.data.items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" aria-labelledby="keys-heading">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Scope</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => {
                const status = statusOf(k, now);
                return (
                  <tr key={k.id}>
                    <th scope="row">{k.name}</th>
                    <td>
                      <code>{k.prefix}</code>
                    </td>
                    <td>{k.scope}</td>
                    <td>
                      <When iso={k.createdAt} empty="" dateOnly />
                    </td>
                    <td>
                      <When iso={k.lastUsedAt} empty="Never" />
                    </td>
                    <td>
                      <When iso={k.expiresAt} empty="Never" dateOnly />
                    </td>
                    <td>
                      <span className={`badge badge-${status}`}>{status}</span>
                    </td>
                    <td className="actions">
                      {status !== 'revoked' ? (
                        <button
                          type="button"
                          className="button button-small button-danger-quiet"
                          onClick={() => {
                            revoke.reset();
                            setRevoking(k);
                          }}
                        >
                          Revoke
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}

      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this API key?"
        confirmLabel="Revoke key"
        busyLabel="Revoking…"
        busy={revoke.isPending}
        error={revoke.isError ? revoke.error : undefined}
        onConfirm={() => revoking && revoke.mutate({ id: revoking.id })}
        onCancel={() => setRevoking(null)}
      >
        <p>
          Calls with “{revoking?.name}” (<code>{revoking?.prefix}</code>) are refused from now on. This cannot be
          undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
