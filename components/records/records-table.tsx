'use client';

import { PropValue, TypeBadge } from './prop-value';
import { Timestamp, TIMESTAMP_COLUMNS } from './timestamps';
import { shortId, type PropType, type RecordItem } from './types';

/** Beyond this many properties the table would only scroll sideways; the drawer shows them all. */
const MAX_COLUMNS = 30;

type Column = { name: string; types: PropType[]; numeric: boolean };

/** The union of the page's property names, most common first, each with the types seen in its cells. */
export function columnsOf(items: RecordItem[]): Column[] {
  const seen = new Map<string, { count: number; types: Set<PropType> }>();
  for (const r of items) {
    for (const [name, type] of Object.entries(r.__proptypes)) {
      const c = seen.get(name) ?? { count: 0, types: new Set<PropType>() };
      c.count += 1;
      c.types.add(type);
      seen.set(name, c);
    }
  }
  return [...seen.entries()]
    .sort(([a, x], [b, y]) => y.count - x.count || a.localeCompare(b))
    .map(([name, { types }]) => {
      const list = [...types];
      return {
        name,
        types: list,
        numeric: list.every((t) => t === 'number' || t === 'null') && list.includes('number'),
      };
    });
}

function SortButton({
  name,
  label = name,
  sort,
  dir,
  onSort,
}: {
  name: string;
  label?: string;
  sort: string | null;
  dir: 'asc' | 'desc';
  onSort: (prop: string) => void;
}) {
  const active = sort === name;
  return (
    <button type="button" className="sort-button" onClick={() => onSort(name)} title={`Sort by ${label}`}>
      {label}
      <span aria-hidden="true" className="sort-mark">
        {active ? (dir === 'asc' ? '▲' : '▼') : ''}
      </span>
    </button>
  );
}

export function RecordsTable({
  items,
  showLabel,
  sort,
  dir,
  selected,
  onSort,
  onOpen,
}: {
  items: RecordItem[];
  showLabel: boolean;
  sort: string | null;
  dir: 'asc' | 'desc';
  selected: string | null;
  onSort: (prop: string) => void;
  onOpen: (id: string) => void;
}) {
  const all = columnsOf(items);
  const columns = all.slice(0, MAX_COLUMNS);
  const ariaSort = (name: string) => (sort === name ? (dir === 'asc' ? 'ascending' : 'descending') : undefined);

  return (
    <>
      <div className="table-wrap">
        <table className="table records-table" aria-label="Records">
          <thead>
            <tr>
              <th scope="col">Record</th>
              {showLabel ? <th scope="col">Label</th> : null}
              {TIMESTAMP_COLUMNS.map((c) => (
                <th scope="col" key={c.key} aria-sort={ariaSort(c.key)}>
                  <SortButton name={c.key} label={c.label} sort={sort} dir={dir} onSort={onSort} />
                </th>
              ))}
              {columns.map((c) => (
                <th scope="col" key={c.name} aria-sort={ariaSort(c.name)} className={c.numeric ? 'num' : undefined}>
                  <SortButton name={c.name} sort={sort} dir={dir} onSort={onSort} />
                  <span className="column-types">
                    {c.types.map((t) => (
                      <TypeBadge key={t} type={t} />
                    ))}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr
                key={r.__id}
                className={r.__id === selected ? 'clickable-row is-selected' : 'clickable-row'}
                onClick={() => onOpen(r.__id)}
              >
                <th scope="row">
                  {/* The row is clickable with a mouse; this button is the keyboard and screen-reader way in. */}
                  <button
                    type="button"
                    className="link-button mono"
                    onClick={(e) => {
                      e.stopPropagation();
                      onOpen(r.__id);
                    }}
                    aria-label={`Open record ${r.__id}`}
                    title={r.__id}
                  >
                    {shortId(r.__id)}
                  </button>
                </th>
                {showLabel ? (
                  <td>
                    <span className="label-tag">{r.__label}</span>
                  </td>
                ) : null}
                {TIMESTAMP_COLUMNS.map((c) => (
                  <td key={c.key} className="timestamp-cell">
                    <Timestamp iso={r[c.key]} />
                  </td>
                ))}
                {columns.map((c) => (
                  <td key={c.name} className={c.numeric ? 'num' : undefined}>
                    <PropValue value={r[c.name]} type={r.__proptypes[c.name]} maxLength={60} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {all.length > columns.length ? (
        <p className="hint">
          Showing {columns.length} of {all.length} properties; open a record to see all of them.
        </p>
      ) : null}
    </>
  );
}
