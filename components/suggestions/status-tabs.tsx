'use client';

import { useRef } from 'react';
import type { SuggestionStatus } from './types';

export const STATUS_TABS: { id: SuggestionStatus; label: string }[] = [
  { id: 'suggested', label: 'Suggested' },
  { id: 'approved', label: 'Approved' },
  { id: 'rejected', label: 'Rejected' },
];

export const tabId = (s: SuggestionStatus) => `suggestions-tab-${s}`;
export const panelId = (s: SuggestionStatus) => `suggestions-panel-${s}`;

/** Suggested / Approved / Rejected with their counts; arrow keys move between tabs. */
export function StatusTabs({
  tab,
  counts,
  onTab,
}: {
  tab: SuggestionStatus;
  counts: Partial<Record<SuggestionStatus, number>>;
  onTab: (s: SuggestionStatus) => void;
}) {
  const refs = useRef<Partial<Record<SuggestionStatus, HTMLButtonElement | null>>>({});
  return (
    <div role="tablist" aria-label="Rules by status" className="tabs">
      {STATUS_TABS.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[t.id] = el;
          }}
          type="button"
          role="tab"
          id={tabId(t.id)}
          aria-selected={tab === t.id}
          aria-controls={panelId(t.id)}
          tabIndex={tab === t.id ? 0 : -1}
          className="tab"
          onClick={() => onTab(t.id)}
          onKeyDown={(e) => {
            if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
            const next =
              STATUS_TABS[(i + (e.key === 'ArrowRight' ? 1 : STATUS_TABS.length - 1)) % STATUS_TABS.length]!.id;
            onTab(next);
            refs.current[next]?.focus();
          }}
        >
          {t.label}
          {counts[t.id] !== undefined ? <span className="count"> ({counts[t.id]!.toLocaleString()})</span> : null}
        </button>
      ))}
    </div>
  );
}
