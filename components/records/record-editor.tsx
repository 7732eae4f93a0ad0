'use client';

import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTRPC } from '@/components/providers/trpc';
import { ErrorWithPath } from './error-with-path';
import { useRefreshData } from './use-refresh-data';
import { propertiesOf, type RecordItem } from './types';

type Mode = 'merge' | 'replace';

/** The text as a JSON object, or why it is not one. */
function parseObject(text: string): { data: Record<string, unknown> } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { problem: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { problem: 'The properties must be one JSON object: { "name": value, … }.' };
  return { data: value as Record<string, unknown> };
}

/**
 * The record's properties as JSON. Merge (PATCH) writes the given properties over the record's; replace
 * (PUT) makes them the record's only properties. Types are inferred again from the JSON.
 */
export function RecordEditor({ record, onDone }: { record: RecordItem; onDone: () => void }) {
  const id = useId();
  const trpc = useTRPC();
  const refresh = useRefreshData();
  const [text, setText] = useState(() => JSON.stringify(propertiesOf(record), null, 2));
  const [mode, setMode] = useState<Mode>('merge');
  const [problem, setProblem] = useState<string | null>(null);
  const options = {
    onSuccess: async () => {
      await refresh();
      onDone();
    },
  };
  const update = useMutation(trpc.records.update.mutationOptions(options));
  const set = useMutation(trpc.records.set.mutationOptions(options));
  const save = mode === 'merge' ? update : set;
  const busy = update.isPending || set.isPending;

  return (
    <form
      className="record-editor"
      aria-label="Edit properties"
      onSubmit={(e) => {
        e.preventDefault();
        const parsed = parseObject(text);
        if ('problem' in parsed) {
          setProblem(parsed.problem);
          return;
        }
        setProblem(null);
        update.reset();
        set.reset();
        save.mutate({ id: record.__id, data: parsed.data });
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-json`}>Properties (JSON)</label>
        <textarea
          id={`${id}-json`}
          className="json-input mono"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={Math.min(18, Math.max(6, text.split('\n').length + 1))}
          spellCheck={false}
          aria-invalid={problem !== null || save.isError || undefined}
          aria-describedby={`${id}-hint`}
          autoFocus
        />
      </div>
      <fieldset className="radio-group">
        <legend>How to save</legend>
        <label>
          <input
            type="radio"
            name={`${id}-mode`}
            value="merge"
            checked={mode === 'merge'}
            onChange={() => setMode('merge')}
          />
          Merge: change and add these properties, keep the others
        </label>
        <label>
          <input
            type="radio"
            name={`${id}-mode`}
            value="replace"
            checked={mode === 'replace'}
            onChange={() => setMode('replace')}
          />
          Replace: these become the only properties
        </label>
      </fieldset>
      <p id={`${id}-hint`} className="hint">
        Types are inferred from the JSON: numbers, true/false, null, ISO dates as datetimes, arrays of one type.
      </p>
      {problem ? (
        <div role="alert" className="alert alert-error">
          {problem}
        </div>
      ) : null}
      {save.isError ? <ErrorWithPath error={save.error} title="Not saved." /> : null}
      <div className="row">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onDone} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
