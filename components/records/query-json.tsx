'use client';

import { useId, useRef, useState } from 'react';
import { useCopy } from '@/components/ui/use-copy';
import type { SearchQuery } from './query-export';

/**
 * The SearchQuery the builder makes, as JSON: read-only and copyable, or edited by hand and applied
 * (a parse error or an unsupported shape is shown under the box; nothing runs until it is fixed).
 */
export function QueryJson({ query, onApply }: { query: SearchQuery; onApply: (value: unknown) => string | null }) {
  const id = useId();
  const json = JSON.stringify(query, null, 2);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pre = useRef<HTMLPreElement>(null);
  const [copied, copy, clearCopied] = useCopy<'json'>();

  function apply() {
    if (editing === null) return;
    let value: unknown;
    try {
      value = JSON.parse(editing);
    } catch (e) {
      setError(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const problem = onApply(value);
    setError(problem);
    if (!problem) setEditing(null);
  }

  if (editing !== null) {
    return (
      <div className="query-json">
        <label htmlFor={`${id}-edit`}>SearchQuery (JSON)</label>
        <textarea
          id={`${id}-edit`}
          className="json-input query-json-edit"
          rows={Math.min(24, Math.max(6, editing.split('\n').length + 1))}
          value={editing}
          onChange={(e) => setEditing(e.target.value)}
          spellCheck={false}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : `${id}-help`}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              apply();
            }
          }}
        />
        <p id={`${id}-help`} className="hint">
          labels (one), where, orderBy (one property, or &quot;asc&quot;/&quot;desc&quot;), skip and limit. Ctrl+Enter
          applies.
        </p>
        {error ? (
          <p id={`${id}-error`} role="alert" className="alert alert-error">
            {error}
          </p>
        ) : null}
        <div className="row">
          <button type="button" className="button button-primary button-small" onClick={apply}>
            Apply JSON
          </button>
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setEditing(null);
              setError(null);
            }}
          >
            Cancel
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="query-json">
      <div className="query-json-toolbar">
        <button type="button" className="button button-small" onClick={() => void copy('json', json, pre.current)}>
          {copied?.result === 'copied' ? 'Copied' : 'Copy JSON'}
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            setEditing(json);
            clearCopied();
          }}
        >
          Edit JSON
        </button>
        <span role="status" className="hint">
          {copied?.result === 'copied'
            ? 'JSON copied to the clipboard.'
            : copied?.result === 'manual'
              ? 'Copying is not available here: the JSON is selected, press Ctrl+C (⌘C).'
              : ''}
        </span>
      </div>
      {/* Focusable so keyboard users can scroll it and select its text. */}
      <pre ref={pre} className="query-json-text" tabIndex={0} aria-label="SearchQuery JSON" data-testid="query-json">
        {json}
      </pre>
    </div>
  );
}
