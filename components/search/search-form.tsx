'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { indexName, isBuilding, percentDone, type EmbeddingIndex } from '@/components/indexes/types';
import { useTRPC } from '@/components/providers/trpc';
import { addCondition, helperValue, MAX_LIMIT, MODES, parseVector, parseWhere, type SearchMode } from './search-params';

export type Draft = { indexId: string; q: string; mode: SearchMode; where: string; limit: string; kw: string };

const optionText = (ix: EmbeddingIndex) =>
  `${indexName(ix)}${ix.source === 'external' ? ' (external)' : ''}${isBuilding(ix) ? ` — building ${percentDone(ix.progress)}%` : ix.status === 'error' ? ' — failed' : ''}`;

/** Adds `{ property: value }` to the filter: properties come from the live schema of the index's label. */
function ConditionHelper({
  label,
  disabled,
  onAdd,
}: {
  label: string;
  disabled: boolean;
  onAdd: (property: string, value: unknown) => void;
}) {
  const trpc = useTRPC();
  const schema = useQuery(trpc.schema.get.queryOptions());
  const properties = schema.data?.labels.find((l) => l.name === label)?.properties ?? [];
  const [property, setProperty] = useState('');
  const [value, setValue] = useState('');
  const chosen = properties.some((p) => p.name === property) ? property : '';
  const add = () => {
    if (!chosen || disabled) return;
    onAdd(chosen, helperValue(value));
    setValue('');
  };
  return (
    <fieldset className="where-helper">
      <legend>Add a condition</legend>
      <div className="where-helper-row">
        <div className="field">
          <label htmlFor="where-helper-property">Property</label>
          <select id="where-helper-property" value={chosen} onChange={(e) => setProperty(e.target.value)}>
            <option value="">{schema.isPending ? 'Loading…' : 'Choose…'}</option>
            {properties.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <span className="where-helper-eq" aria-hidden="true">
          =
        </span>
        <div className="field field-grow">
          <label htmlFor="where-helper-value">Value</label>
          <input
            id="where-helper-value"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                add();
              }
            }}
            placeholder="alice, 42, true…"
          />
        </div>
        <div className="field field-action">
          <button type="button" className="button" disabled={!chosen || disabled} onClick={add}>
            Add to filter
          </button>
        </div>
      </div>
      {disabled ? <p className="hint">Fix the filter’s JSON to add conditions.</p> : null}
    </fieldset>
  );
}

/** The search form: index, mode, limit, query, and the `where` filter as JSON with a small helper. */
export function SearchForm({
  indexes,
  selected,
  draft,
  onChange,
  onSubmit,
  busy,
  vectorTooLong,
}: {
  indexes: EmbeddingIndex[];
  selected: EmbeddingIndex;
  draft: Draft;
  onChange: (patch: Partial<Draft>) => void;
  onSubmit: () => void;
  busy: boolean;
  vectorTooLong: boolean;
}) {
  const ids = { where: useId(), whereError: useId(), query: useId(), queryError: useId(), mode: useId() };
  const whereRef = useRef<HTMLTextAreaElement>(null);
  const vectorRef = useRef<HTMLTextAreaElement>(null);
  const queryRef = useRef<HTMLInputElement>(null);
  const [submitted, setSubmitted] = useState(false);
  const external = selected.source === 'external';
  const where = parseWhere(draft.where);
  const vector = external && draft.q.trim() ? parseVector(draft.q) : null;
  const vectorError =
    vector && !vector.ok
      ? vector.message
      : vector?.ok && vector.vector.length !== selected.dimensions
        ? `The index has ${selected.dimensions} dimensions; this vector has ${vector.vector.length}.`
        : vector?.ok && vectorTooLong
          ? 'This vector is too long to search from the console (the search travels in the URL): run it with the SDK or curl call below.'
          : null;
  const mode = external ? 'semantic' : draft.mode;

  return (
    <form
      className="card search-form"
      role="search"
      aria-label="Search by meaning"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (!where.ok) return whereRef.current?.focus();
        if (!draft.q.trim() || vectorError) return (external ? vectorRef : queryRef).current?.focus();
        onSubmit();
      }}
    >
      <div className="form-row">
        <div className="field search-index">
          <label htmlFor="search-index">Index</label>
          <select id="search-index" value={selected.id} onChange={(e) => onChange({ indexId: e.target.value })}>
            {indexes.map((ix) => (
              <option key={ix.id} value={ix.id}>
                {optionText(ix)}
              </option>
            ))}
          </select>
        </div>
        <fieldset className="field search-modes" disabled={external} aria-describedby={ids.mode}>
          <legend>Mode</legend>
          <div className="segmented">
            {MODES.map((m) => (
              <label key={m.id} className="segmented-option">
                <input
                  type="radio"
                  name="search-mode"
                  value={m.id}
                  checked={mode === m.id}
                  onChange={() => onChange({ mode: m.id })}
                />
                <span>{m.label}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {mode === 'hybrid' ? (
          <div className="field search-limit">
            <label htmlFor="search-keyword-weight">Keyword weight</label>
            <input
              id="search-keyword-weight"
              type="number"
              inputMode="decimal"
              min={0}
              max={1}
              step={0.05}
              value={draft.kw}
              onChange={(e) => onChange({ kw: e.target.value })}
              aria-describedby={ids.mode}
            />
          </div>
        ) : null}
        <div className="field search-limit">
          <label htmlFor="search-limit">Limit</label>
          <input
            id="search-limit"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_LIMIT}
            step={1}
            value={draft.limit}
            onChange={(e) => onChange({ limit: e.target.value })}
          />
        </div>
      </div>
      <p id={ids.mode} className="hint search-mode-hint">
        {external
          ? 'An external index is searched by vector only (semantic mode).'
          : `${MODES.find((m) => m.id === mode)?.label}: ${MODES.find((m) => m.id === mode)?.summary}.`}
        {mode === 'hybrid' && !external ? ' Keyword weight 0–1: the vector leg gets the rest (default 0.8).' : null}
      </p>

      <div className="form-row search-query-row">
        <div className="field field-grow">
          {external ? (
            <>
              <label htmlFor={ids.query}>Query vector ({selected.dimensions} numbers, JSON)</label>
              <textarea
                id={ids.query}
                ref={vectorRef}
                className="json-input"
                rows={3}
                spellCheck={false}
                value={draft.q}
                onChange={(e) => onChange({ q: e.target.value })}
                aria-invalid={vectorError ? true : undefined}
                aria-describedby={vectorError ? ids.queryError : undefined}
                placeholder="[0.12, -0.03, …]"
              />
            </>
          ) : (
            <>
              <label htmlFor={ids.query}>Query</label>
              <input
                id={ids.query}
                ref={queryRef}
                type="search"
                value={draft.q}
                onChange={(e) => onChange({ q: e.target.value })}
                aria-invalid={submitted && !draft.q.trim() ? true : undefined}
                aria-describedby={submitted && !draft.q.trim() ? ids.queryError : undefined}
                placeholder="e.g. what does the user like to eat?"
                maxLength={8192}
              />
            </>
          )}
          {vectorError || (submitted && !draft.q.trim()) ? (
            <p id={ids.queryError} className="field-error">
              {vectorError ?? (external ? 'Paste the query vector.' : 'Type what to search for.')}
            </p>
          ) : null}
        </div>
        <div className="field field-action">
          <button type="submit" className="button button-primary">
            {busy ? 'Searching…' : 'Search'}
          </button>
        </div>
      </div>
      {isBuilding(selected) ? (
        <p className="hint">This index is still being built ({percentDone(selected.progress)}%).</p>
      ) : null}

      <div className="field search-where">
        <div className="search-where-head">
          <label htmlFor={ids.where}>Filter (where)</label>
          {draft.where.trim() ? (
            <button type="button" className="link-button" onClick={() => onChange({ where: '' })}>
              Clear filter
            </button>
          ) : null}
        </div>
        <textarea
          id={ids.where}
          ref={whereRef}
          className="json-input"
          rows={Math.min(Math.max(draft.where.split('\n').length, 2), 12)}
          spellCheck={false}
          value={draft.where}
          onChange={(e) => onChange({ where: e.target.value })}
          aria-invalid={!where.ok ? true : undefined}
          aria-describedby={ids.whereError}
          placeholder='{ "user": "alice" }'
        />
        <p id={ids.whereError} className={where.ok ? 'hint' : 'field-error'}>
          {where.ok ? (
            <>
              Optional: a JSON object in the query language (operators, <code>$or</code>, related records). It is
              applied exactly: a record outside it is never returned.
            </>
          ) : (
            where.message
          )}
        </p>
      </div>
      <ConditionHelper
        label={selected.label}
        disabled={!where.ok}
        onAdd={(property, value) => onChange({ where: addCondition(draft.where, property, value) ?? draft.where })}
      />
    </form>
  );
}
