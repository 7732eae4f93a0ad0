'use client';

import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorWithPath } from '@/components/records/error-with-path';
import { Confidence, Evidence, SamplePairs } from './evidence';
import { PreviewPanel } from './preview-panel';
import { RuleName } from './rule-name';
import { ruleName, typeProblem, type Suggestion } from './types';
import { plural } from '@/components/ui/format';
import { useRefreshSuggestions } from './use-refresh-suggestions';

type Props = {
  s: Suggestion;
  /** The relationship type as edited (the list keeps it, so bulk approval uses it too). */
  type: string;
  onType: (type: string) => void;
  selected: boolean;
  onSelect: (selected: boolean) => void;
  /** A bulk action is running: one decision at a time. */
  busy: boolean;
  onNotice: (message: string) => void;
};

/** One suggested rule: confidence, evidence, sample pairs, a preview, and approve (with its type) or reject. */
export function SuggestionCard({ s, type, onType, selected, onSelect, busy, onNotice }: Props) {
  const trpc = useTRPC();
  const refresh = useRefreshSuggestions();
  const [previewing, setPreviewing] = useState(false);
  const rule = ruleName(s);
  const ids = {
    heading: `sug-${s.id}`,
    type: `sug-type-${s.id}`,
    error: `sug-type-error-${s.id}`,
    preview: `sug-preview-${s.id}`,
  };
  const problem = typeProblem(type);
  const approve = useMutation(
    trpc.suggestions.approve.mutationOptions({
      onSuccess: async (r) => {
        onNotice(`Approved ${rule} as ${r.suggestion.type}. Created ${plural(r.created, 'relationship')}.`);
        await refresh();
      },
    }),
  );
  const reject = useMutation(
    trpc.suggestions.reject.mutationOptions({
      onSuccess: async () => {
        onNotice(`Rejected ${rule}. It will not be suggested again.`);
        await refresh();
      },
    }),
  );
  const pending = approve.isPending || reject.isPending;
  const disabled = busy || pending;

  return (
    <li>
      <article className="index-card suggestion-card" aria-labelledby={ids.heading}>
        <div className="index-card-head">
          <input
            type="checkbox"
            checked={selected}
            disabled={disabled}
            onChange={(e) => onSelect(e.target.checked)}
            aria-label={`Select ${rule}`}
          />
          <h3 id={ids.heading} className="index-name" aria-label={rule}>
            <RuleName s={s} />
          </h3>
          <Confidence value={s.confidence} rule={rule} />
        </div>
        <Evidence s={s} />
        <SamplePairs s={s} />
        <form
          className="form-row suggestion-decide"
          onSubmit={(e) => {
            e.preventDefault();
            if (!problem) approve.mutate({ id: s.id, type: type.trim() });
          }}
        >
          <div className="field">
            <label htmlFor={ids.type}>Relationship type</label>
            <input
              id={ids.type}
              className="mono"
              value={type}
              maxLength={200}
              disabled={disabled}
              aria-invalid={problem ? true : undefined}
              aria-describedby={problem ? ids.error : undefined}
              onChange={(e) => {
                onType(e.target.value);
                approve.reset();
              }}
            />
            {problem ? (
              <p id={ids.error} className="field-error">
                {problem}
              </p>
            ) : null}
          </div>
          <div className="field field-action suggestion-buttons">
            <button
              type="submit"
              className="button button-primary"
              disabled={disabled || problem !== null}
              aria-label={`Approve ${rule}`}
            >
              {approve.isPending ? 'Approving…' : 'Approve'}
            </button>
            <button
              type="button"
              className="button"
              disabled={disabled}
              aria-label={`Reject ${rule}`}
              onClick={() => reject.mutate({ id: s.id })}
            >
              {reject.isPending ? 'Rejecting…' : 'Reject'}
            </button>
            <button
              type="button"
              className="button button-quiet"
              aria-expanded={previewing}
              aria-controls={previewing ? ids.preview : undefined}
              aria-label={`Preview ${rule}`}
              onClick={() => setPreviewing((v) => !v)}
            >
              Preview
            </button>
          </div>
        </form>
        {previewing ? <PreviewPanel s={s} type={type} id={ids.preview} /> : null}
        {approve.isError ? <ErrorWithPath error={approve.error} title={`${rule} was not approved.`} /> : null}
        {reject.isError ? <ErrorWithPath error={reject.error} title={`${rule} was not rejected.`} /> : null}
      </article>
    </li>
  );
}
