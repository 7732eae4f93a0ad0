import type { PropType } from './types';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
// A date-only value names a calendar day, not an instant: format it in UTC so no time zone shifts the day.
const DATE_UTC = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export function formatDatetime(value: string): string {
  const d = new Date(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(d.getTime())) return value;
  return DATE_ONLY.test(value) ? DATE_UTC.format(d) : DATE_TIME.format(d);
}

const elementType = (type: PropType | undefined): PropType | undefined =>
  type?.endsWith('[]') ? (type.slice(0, -2) as PropType) : undefined;

/** Table cells cut long strings; the drawer shows them whole. */
const cut = (s: string, max: number | undefined) =>
  max !== undefined && s.length > max ? `${s.slice(0, max - 1)}…` : s;

/**
 * One property value, formatted by its type: datetimes readable (the stored text in the tooltip), arrays
 * as chips, null as a muted "null". A missing property (undefined) renders nothing.
 */
export function PropValue({
  value,
  type,
  maxLength,
}: {
  value: unknown;
  type: PropType | undefined;
  maxLength?: number;
}) {
  if (value === undefined) return null;
  if (value === null) return <span className="value-null">null</span>;
  if (type === 'vector' && Array.isArray(value))
    return <span className="muted">vector · {value.length} dimensions</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="value-null">[ ]</span>;
    const shown = maxLength !== undefined ? value.slice(0, 6) : value;
    return (
      <span className="chips">
        {shown.map((el, i) => (
          <span className="chip" key={i}>
            <PropValue value={el} type={elementType(type)} maxLength={maxLength === undefined ? undefined : 40} />
          </span>
        ))}
        {shown.length < value.length ? <span className="muted">+{value.length - shown.length}</span> : null}
      </span>
    );
  }
  if (type === 'datetime' && typeof value === 'string') {
    return (
      <time dateTime={value} title={value}>
        {formatDatetime(value)}
      </time>
    );
  }
  if (typeof value === 'boolean') return <span className={`value-bool value-${value}`}>{String(value)}</span>;
  if (typeof value === 'number') return <span className="value-number">{String(value)}</span>;
  if (typeof value === 'string') {
    const shown = cut(value, maxLength);
    return shown === value ? <>{value}</> : <span title={value}>{shown}</span>;
  }
  return <code>{JSON.stringify(value)}</code>;
}

/** A property type as a small coloured badge, coloured by family (text, number, time, boolean, null, list). */
export function TypeBadge({ type }: { type: string }) {
  const family = type === 'vector' ? 'vector' : type.endsWith('[]') || type === 'array' ? 'list' : type;
  return <span className={`type-badge type-${family}`}>{type}</span>;
}
