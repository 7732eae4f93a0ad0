'use client';

import { useMutation } from '@tanstack/react-query';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage } from '@/components/ui/error-message';
import { formatDateTime } from '@/components/ui/format';
import { RuleName } from './rule-name';
import { percent, ruleName, type Suggestion } from './types';
import { useRefreshSuggestions } from './use-refresh-suggestions';

/** Rejected rules, which analysis never proposes again unless the rejection is forgotten. */
export function RejectedList({ items, onNotice }: { items: Suggestion[]; onNotice: (message: string) => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshSuggestions();
  const forget = useMutation(
    trpc.suggestions.delete.mutationOptions({
      onSuccess: async (_r, input) => {
        const s = items.find((x) => x.id === input.id);
        onNotice(`Forgot the rejection of ${s ? ruleName(s) : 'the rule'}. The next analysis may suggest it again.`);
        await refresh();
      },
    }),
  );

  return (
    <>
      {forget.isError ? <ErrorMessage error={forget.error} title="The rejection was not forgotten." /> : null}
      <div className="table-wrap">
        <table className="table" aria-label="Rejected rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Proposed type</th>
              <th scope="col">Confidence</th>
              <th scope="col">Rejected</th>
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
                <td>{percent(s.confidence)}%</td>
                <td>{s.decidedAt ? <time dateTime={s.decidedAt}>{formatDateTime(s.decidedAt)}</time> : null}</td>
                <td className="actions">
                  <button
                    type="button"
                    className="button button-small button-quiet"
                    disabled={forget.isPending}
                    aria-label={`Forget rejection of ${ruleName(s)}`}
                    onClick={() => forget.mutate({ id: s.id })}
                  >
                    {forget.isPending && forget.variables?.id === s.id ? 'Forgetting…' : 'Forget rejection'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
