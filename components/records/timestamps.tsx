import { formatDatetime } from './prop-value';

/** The system timestamps every record carries, as the query language names them (orderBy, where). */
export const TIMESTAMP_COLUMNS = [
  { key: '__createdAt', label: 'Created' },
  { key: '__updatedAt', label: 'Updated' },
] as const;

/** How the page names a sort key: a timestamp by its column's name, a property by its own. */
export const sortName = (key: string) => TIMESTAMP_COLUMNS.find((c) => c.key === key)?.label ?? key;

/** A system timestamp, readable in the viewer's time zone, the exact UTC instant in the tooltip. */
export function Timestamp({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={iso} className="timestamp">
      {formatDatetime(iso)}
    </time>
  );
}

/** Created and updated, as a description list (the record drawer). */
export function RecordTimestamps({ record }: { record: { __createdAt: string; __updatedAt: string } }) {
  return (
    <dl className="record-timestamps" aria-label="Timestamps">
      <div>
        <dt>created</dt>
        <dd>
          <Timestamp iso={record.__createdAt} />
        </dd>
      </div>
      <div>
        <dt>updated</dt>
        <dd>
          <Timestamp iso={record.__updatedAt} />
        </dd>
      </div>
    </dl>
  );
}
