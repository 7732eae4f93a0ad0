'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorMessage, errorText } from '@/components/ui/error-message';
import { SuggestionCard } from './suggestion-card';
import { ruleName, typeProblem, type Suggestion } from './types';
import { plural } from '@/components/ui/format';
import { useRefreshSuggestions } from './use-refresh-suggestions';

type Bulk = { action: 'approve' | 'reject'; targets: { s: Suggestion; type: string }[] };

/**
 * The queue: a card per suggested rule, with a selection for "Approve selected" / "Reject selected".
 * Bulk decisions go one by one (each approval is its own transaction), and a failure stops nothing
 * else: the summary names what did not go through.
 */
export function SuggestedList({ items, onNotice }: { items: Suggestion[]; onNotice: (message: string) => void }) {
  const trpc = useTRPC();
  // Bulk decisions call these one after another.
  const approveOne = useMutation(trpc.suggestions.approve.mutationOptions());
  const rejectOne = useMutation(trpc.suggestions.reject.mutationOptions());
  const refresh = useRefreshSuggestions();
  const [checked, setChecked] = useState<Set<string>>(() => new Set());
  const [types, setTypes] = useState<Record<string, string>>({});
  const typeOf = (s: Suggestion) => types[s.id] ?? s.type;
  // Rules decided elsewhere (or by another tab) drop out of the selection on their own.
  const selected = items.filter((s) => checked.has(s.id));
  const invalid = selected.filter((s) => typeProblem(typeOf(s)) !== null);

  const bulk = useMutation({
    mutationFn: async ({ action, targets }: Bulk) => {
      let created = 0;
      const failed: string[] = [];
      for (const { s, type } of targets) {
        try {
          if (action === 'approve') created += (await approveOne.mutateAsync({ id: s.id, type: type.trim() })).created;
          else await rejectOne.mutateAsync({ id: s.id });
        } catch (e) {
          failed.push(`${ruleName(s)}: ${errorText(e)}`);
        }
      }
      return { action, done: targets.length - failed.length, created, failed };
    },
    onSuccess: async (r) => {
      const verb = r.action === 'approve' ? 'Approved' : 'Rejected';
      const made = r.action === 'approve' ? ` Created ${plural(r.created, 'relationship')}.` : '';
      const failures = r.failed.length > 0 ? ` ${plural(r.failed.length, 'rule')} failed: ${r.failed.join('; ')}` : '';
      onNotice(`${verb} ${plural(r.done, 'rule')}.${made}${failures}`);
      setChecked(new Set());
      await refresh();
    },
  });

  const run = (action: Bulk['action']) =>
    bulk.mutate({ action, targets: selected.map((s) => ({ s, type: typeOf(s) })) });
  const all = items.length > 0 && selected.length === items.length;
  const busyLabel = bulk.isPending ? (bulk.variables?.action === 'approve' ? 'Approving…' : 'Rejecting…') : null;

  return (
    <>
      <div className="suggestion-bulk" role="group" aria-label="Bulk actions">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={all}
            disabled={bulk.isPending}
            onChange={(e) => setChecked(new Set(e.target.checked ? items.map((s) => s.id) : []))}
          />{' '}
          Select all
        </label>
        <span className="muted">{selected.length > 0 ? `${selected.length} selected` : ''}</span>
        <button
          type="button"
          className="button button-small button-primary"
          disabled={bulk.isPending || selected.length === 0 || invalid.length > 0}
          onClick={() => run('approve')}
        >
          {bulk.variables?.action === 'approve' && busyLabel ? busyLabel : 'Approve selected'}
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={bulk.isPending || selected.length === 0}
          onClick={() => run('reject')}
        >
          {bulk.variables?.action === 'reject' && busyLabel ? busyLabel : 'Reject selected'}
        </button>
        {invalid.length > 0 ? (
          <span className="field-error">Fix the relationship type of {invalid.map(ruleName).join(', ')} first.</span>
        ) : null}
      </div>
      {bulk.isError ? <ErrorMessage error={bulk.error} title="The bulk action failed." /> : null}
      <ul className="index-list" aria-label="Suggested rules">
        {items.map((s) => (
          <SuggestionCard
            key={s.id}
            s={s}
            type={typeOf(s)}
            onType={(type) => setTypes((t) => ({ ...t, [s.id]: type }))}
            selected={checked.has(s.id)}
            onSelect={(on) =>
              setChecked((c) => {
                const next = new Set(c);
                if (on) next.add(s.id);
                else next.delete(s.id);
                return next;
              })
            }
            busy={bulk.isPending}
            onNotice={onNotice}
          />
        ))}
      </ul>
    </>
  );
}
