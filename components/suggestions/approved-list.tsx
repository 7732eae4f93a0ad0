'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { formatDateTime } from '@/components/ui/format';
import { RuleName } from './rule-name';
import { percent, ruleName, type Suggestion } from './types';
import { plural } from '@/components/ui/format';
import { useRefreshSuggestions } from './use-refresh-suggestions';

/** Approved rules with the edges each has made; withdraw one, optionally with its edges. */
export function ApprovedList({ items, onNotice }: { items: Suggestion[]; onNotice: (message: string) => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshSuggestions();
  const [withdrawing, setWithdrawing] = useState<Suggestion | null>(null);
  const [deleteEdges, setDeleteEdges] = useState(false);
  const withdraw = useMutation(
    trpc.suggestions.delete.mutationOptions({
      onSuccess: async (r, input) => {
        const s = items.find((x) => x.id === input.id);
        const kept = !input.deleteEdges && s && s.edges > 0 ? ` Its ${plural(s.edges, 'relationship')} stay.` : '';
        onNotice(
          `Withdrew ${s ? ruleName(s) : 'the rule'}.${r.edgesDeleted > 0 ? ` Deleted ${plural(r.edgesDeleted, 'relationship')}.` : kept}`,
        );
        setWithdrawing(null);
        await refresh();
      },
    }),
  );

  return (
    <>
      <div className="table-wrap">
        <table className="table" aria-label="Approved rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Type</th>
              <th scope="col" className="num">
                Relationships
              </th>
              <th scope="col">Confidence</th>
              <th scope="col">Approved</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((s) => (
              <tr key={s.id} aria-label={ruleName(s)}>
                <th scope="row" aria-label={ruleName(s)}>
                  <RuleName s={s} />
                </th>
                <td className="mono">{s.type}</td>
                <td className="num" data-testid="rule-edges">
                  {s.edges.toLocaleString()}
                </td>
                <td>{percent(s.confidence)}%</td>
                <td>{s.decidedAt ? <time dateTime={s.decidedAt}>{formatDateTime(s.decidedAt)}</time> : null}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-small button-danger-quiet"
                    aria-label={`Withdraw ${ruleName(s)}`}
                    onClick={() => {
                      withdraw.reset();
                      setDeleteEdges(false);
                      setWithdrawing(s);
                    }}
                  >
                    Withdraw
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ConfirmDialog
        open={withdrawing !== null}
        title="Withdraw this rule?"
        confirmLabel="Withdraw rule"
        busyLabel="Withdrawing…"
        busy={withdraw.isPending}
        error={withdraw.isError ? withdraw.error : undefined}
        onConfirm={() => withdrawing && withdraw.mutate({ id: withdrawing.id, deleteEdges })}
        onCancel={() => setWithdrawing(null)}
      >
        <p>
          <strong>{withdrawing ? ruleName(withdrawing) : ''}</strong> stops linking records written from now on. A later
          analysis may suggest it again; reject it then to keep it away.
        </p>
        {withdrawing && withdrawing.edges > 0 ? (
          <label className="checkbox">
            <input
              type="checkbox"
              checked={deleteEdges}
              disabled={withdraw.isPending}
              onChange={(e) => setDeleteEdges(e.target.checked)}
            />{' '}
            Also delete its {plural(withdrawing.edges, 'relationship')}
          </label>
        ) : null}
      </ConfirmDialog>
    </>
  );
}
