import type { Suggestion } from './types';

function End({ end }: { end: Suggestion['source'] }) {
  return (
    <>
      <span className="label-tag">{end.label}</span>
      <span className="mono">.{end.key === '$id' ? 'id' : end.key}</span>
    </>
  );
}

/**
 * `ORDER.customer_id → CUSTOMER.id` with label badges. The element holding it should carry
 * `aria-label={ruleName(s)}`: the badges would otherwise add spaces to its accessible name.
 */
export function RuleName({ s }: { s: Suggestion }) {
  return (
    <>
      <End end={s.source} /> <span aria-hidden="true">→</span> <End end={s.target} />
    </>
  );
}
