'use client';

import { useId, useState } from 'react';
import { DEFAULT_OPERATOR, OPERATORS, operandOf, describeScalar, scalarType, takesValue, type Filter, type OperatorId, type Scalar } from './filter';

const QUOTE_TIP = 'Put a value in "quotes" to match it as text.';

/** How the value box will be read, so "42" vs 42 is never a surprise. */
function parsedHint(filter: Filter): string {
  const operand = operandOf(filter);
  const show = (v: Scalar) => `${describeScalar(v)} (${scalarType(v)})`;
  if (Array.isArray(operand)) {
    if (operand.length === 0) return 'Separate values with commas.';
    const tip = operand.some((v) => typeof v !== 'string') ? ` ${QUOTE_TIP}` : '';
    return `Matches any of: ${operand.map(show).join(', ')}.${tip}`;
  }
  return `Matches ${show(operand)}.${typeof operand === 'string' ? '' : ` ${QUOTE_TIP}`}`;
}

/**
 * Property, operator, value. The form keeps a draft; the page's filter (in the URL) changes on Apply,
 * so typing does not fire a query per keystroke. The parent remounts it (key) when the URL's filter changes.
 */
export function RecordFilter({
  filter,
  properties,
  onApply,
}: {
  filter: Filter | null;
  properties: string[];
  onApply: (filter: Filter | null) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState<Filter>(filter ?? { prop: '', op: DEFAULT_OPERATOR, value: '' });
  const op = OPERATORS.find((o) => o.id === draft.op) ?? OPERATORS[0];
  const hasValue = takesValue(op);

  return (
    <form
      className="filter-bar"
      aria-label="Filter records"
      onSubmit={(e) => {
        e.preventDefault();
        const prop = draft.prop.trim();
        onApply(prop ? { ...draft, prop } : null);
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-prop`}>Property</label>
        <input
          id={`${id}-prop`}
          list={`${id}-props`}
          value={draft.prop}
          onChange={(e) => setDraft({ ...draft, prop: e.target.value })}
          placeholder="e.g. name"
          autoComplete="off"
          maxLength={256}
        />
        <datalist id={`${id}-props`}>
          {properties.map((p) => (
            <option key={p} value={p} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={`${id}-op`}>Operator</label>
        <select id={`${id}-op`} value={draft.op} onChange={(e) => setDraft({ ...draft, op: e.target.value as OperatorId })}>
          {OPERATORS.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
      </div>
      {hasValue ? (
        <div className="field field-grow">
          <label htmlFor={`${id}-value`}>Value</label>
          <input
            id={`${id}-value`}
            value={draft.value}
            onChange={(e) => setDraft({ ...draft, value: e.target.value })}
            placeholder={op.takes === 'list' ? 'e.g. London, Paris' : 'e.g. 42, true, null or text'}
            aria-describedby={`${id}-hint`}
            autoComplete="off"
          />
        </div>
      ) : null}
      <div className="field field-action filter-actions">
        <button type="submit" className="button button-primary">
          Apply
        </button>
        {filter ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setDraft({ prop: '', op: DEFAULT_OPERATOR, value: '' });
              onApply(null);
            }}
          >
            Clear
          </button>
        ) : null}
      </div>
      {hasValue ? (
        <p id={`${id}-hint`} className="hint filter-hint">
          {draft.prop.trim() ? parsedHint(draft) : ''}
        </p>
      ) : null}
    </form>
  );
}
