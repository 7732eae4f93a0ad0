'use client';

import { useState } from 'react';
import type { ColorOf } from './graph-style';

export type FilterOption = { name: string; count: number };

function FilterGroup({
  legend,
  options,
  hidden,
  swatch,
  onChange,
}: {
  legend: string;
  options: FilterOption[];
  hidden: string[];
  swatch?: ColorOf;
  onChange: (hidden: string[]) => void;
}) {
  // The URL is the truth, but it arrives a render later: until then the boxes show what was just ticked,
  // so a controlled checkbox does not snap back for a moment.
  const urlKey = hidden.join('\u0000');
  const [shown, setShown] = useState({ urlKey, hidden });
  if (shown.urlKey !== urlKey) setShown({ urlKey, hidden });
  const change = (next: string[]) => {
    setShown({ urlKey, hidden: next });
    onChange(next);
  };
  if (options.length === 0) return null;
  return (
    <fieldset className="graph-filter">
      <legend>{legend}</legend>
      {shown.hidden.length > 0 ? (
        <button type="button" className="link-button graph-filter-all" onClick={() => change([])}>
          Show all {legend.toLowerCase()}
        </button>
      ) : null}
      {options.map((o) => (
        <label key={o.name} className="checkbox">
          <input
            type="checkbox"
            checked={!shown.hidden.includes(o.name)}
            onChange={(e) =>
              change(e.target.checked ? shown.hidden.filter((h) => h !== o.name) : [...shown.hidden, o.name])
            }
          />
          {swatch ? <span className="graph-swatch" style={{ background: swatch(o.name) }} aria-hidden="true" /> : null}
          {o.name}
          <span className="muted"> ({o.count.toLocaleString()})</span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Which relationship types and which labels of neighbours the graph shows. The options are the project's
 * (from the live schema), so an unticked one stays listed while nothing of it is on the canvas.
 */
export function GraphFilters({
  colorOf,
  types,
  labels,
  hideTypes,
  hideLabels,
  onChange,
}: {
  colorOf: ColorOf;
  types: FilterOption[];
  labels: FilterOption[];
  hideTypes: string[];
  hideLabels: string[];
  onChange: (patch: { hideTypes?: string[]; hideLabels?: string[] }) => void;
}) {
  return (
    <div className="graph-filters">
      <FilterGroup
        legend="Relationship types"
        options={types}
        hidden={hideTypes}
        onChange={(h) => onChange({ hideTypes: h })}
      />
      <FilterGroup
        legend="Labels"
        options={labels}
        hidden={hideLabels}
        swatch={colorOf}
        onChange={(h) => onChange({ hideLabels: h })}
      />
    </div>
  );
}
