'use client';

import { useState } from 'react';
import { isRecordId } from './graph-params';

export type LabelOption = { name: string; count: number };

/** Where the graph starts: a label (its first records), a pasted record id, or both. */
export function StartForm({
  labels,
  label,
  id,
  onStart,
}: {
  labels: LabelOption[];
  label: string | null;
  id: string | null;
  onStart: (start: { label: string | null; id: string | null }) => void;
}) {
  const [draftLabel, setDraftLabel] = useState(label ?? '');
  const [draftId, setDraftId] = useState(id ?? '');
  const [error, setError] = useState<string | null>(null);
  const options = label && !labels.some((l) => l.name === label) ? [...labels, { name: label, count: 0 }] : labels;

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const recordId = draftId.trim();
    if (recordId && !isRecordId(recordId))
      return setError('A record id is a UUID, like 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b.');
    if (!recordId && !draftLabel) return setError('Choose a label or paste a record id.');
    setError(null);
    onStart({ label: draftLabel || null, id: recordId ? recordId.toLowerCase() : null });
  }

  return (
    <form className="graph-start card" aria-label="Start the graph" onSubmit={submit} noValidate>
      <div className="form-row">
        <div className="field">
          <label htmlFor="graph-start-label">Label</label>
          <select id="graph-start-label" value={draftLabel} onChange={(e) => setDraftLabel(e.target.value)}>
            <option value="">—</option>
            {options.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name} ({l.count.toLocaleString()})
              </option>
            ))}
          </select>
        </div>
        <div className="field field-grow">
          <label htmlFor="graph-start-id">or record id</label>
          <input
            id="graph-start-id"
            className="mono"
            value={draftId}
            onChange={(e) => setDraftId(e.target.value)}
            placeholder="0190a1b2-…"
            aria-invalid={error && draftId ? 'true' : undefined}
            aria-describedby="graph-start-error"
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="field field-action">
          <button type="submit" className="button button-primary">
            Show graph
          </button>
        </div>
      </div>
      <p id="graph-start-error" className="hint" role={error ? 'alert' : undefined}>
        {error ?? ''}
      </p>
    </form>
  );
}
