'use client';

import { useId } from 'react';
import { PAGE_SIZES } from './use-records-view';

/** "1–50 of 1,234", page size, previous and next. */
export function Pager({
  skip,
  limit,
  shown,
  total,
  onPage,
  onLimit,
}: {
  skip: number;
  limit: number;
  shown: number;
  total: number;
  onPage: (skip: number) => void;
  onLimit: (limit: number) => void;
}) {
  const id = useId();
  const sizes: number[] = PAGE_SIZES.includes(limit as (typeof PAGE_SIZES)[number])
    ? [...PAGE_SIZES]
    : [...PAGE_SIZES, limit].sort((a, b) => a - b);
  return (
    <nav className="pager" aria-label="Pages">
      <p className="pager-range" aria-live="polite">
        {shown === 0
          ? `0 of ${total.toLocaleString()}`
          : `${(skip + 1).toLocaleString()}–${(skip + shown).toLocaleString()} of ${total.toLocaleString()}`}
      </p>
      <div className="pager-size">
        <label htmlFor={`${id}-size`}>Per page</label>
        <select id={`${id}-size`} value={limit} onChange={(e) => onLimit(Number(e.target.value))}>
          {sizes.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <div className="row">
        <button
          type="button"
          className="button button-small"
          disabled={skip === 0}
          onClick={() => onPage(Math.max(0, skip - limit))}
        >
          ← Previous
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={skip + limit >= total}
          onClick={() => onPage(skip + limit)}
        >
          Next →
        </button>
      </div>
    </nav>
  );
}
