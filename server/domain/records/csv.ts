import { DomainError } from '@/server/errors';
import { LIMITS } from './limits';

/** RFC 4180 CSV: quoted fields, "" escapes, CR/LF/CRLF line ends, newlines inside quotes. */
export function parseCsv(text: string, delimiter = ','): string[][] {
  if (delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new DomainError('INVALID', 'The delimiter cannot be a quote or a line break', {
      path: ['options', 'delimiter'],
      got: delimiter,
    });
  }
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // skip a byte-order mark
  const endRow = () => {
    row.push(field);
    field = '';
    if (!(row.length === 1 && row[0] === '')) rows.push(row); // blank lines are skipped
    row = [];
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
      if (row.length > LIMITS.csvColumns)
        throw new DomainError('LIMIT_EXCEEDED', `More than ${LIMITS.csvColumns} columns on line ${line}`, {
          path: ['csv'],
          limit: LIMITS.csvColumns,
        });
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
    } else field += c;
  }
  if (quoted)
    throw new DomainError('INVALID', `Unterminated quoted field at line ${line}`, {
      path: ['csv'],
      expected: 'a closing quote',
      got: 'end of text',
    });
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

const NUMBER_RE = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** A CSV cell as a typed value; undefined (property left out) for an empty cell. */
export function csvCell(raw: string, infer: boolean): string | number | boolean | undefined {
  if (raw === '') return undefined;
  if (!infer) return raw;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (NUMBER_RE.test(raw)) {
    const n = Number(raw);
    // Keep long digit strings (ids, phone numbers) exact: only numbers that survive the round trip.
    if (
      Number.isFinite(n) &&
      (String(n) === raw || raw.includes('.') || /e/i.test(raw)) &&
      Math.abs(n) <= Number.MAX_SAFE_INTEGER
    )
      return n;
  }
  return raw;
}

export function csvToDocuments(
  text: string,
  opts: { delimiter?: string; header?: boolean; inferTypes?: boolean },
): Record<string, unknown>[] {
  const rows = parseCsv(text, opts.delimiter ?? ',');
  if (rows.length === 0) return [];
  const header = opts.header ?? true;
  const width = rows[0]!.length;
  const names = header ? rows[0]!.map((n) => n.trim()) : Array.from({ length: width }, (_, i) => `column${i + 1}`);
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (n === '')
      throw new DomainError('INVALID', `Column ${i + 1} has no name`, {
        path: ['csv', 0, i],
        expected: 'a column name',
      });
    if (seen.has(n))
      throw new DomainError('INVALID', `Column "${n}" appears twice in the header`, { path: ['csv', 0, i], got: n });
    seen.add(n);
  });
  const body = header ? rows.slice(1) : rows;
  const infer = opts.inferTypes ?? true;
  return body.map((cells, r) => {
    if (cells.length !== width) {
      const rowIndex = r + (header ? 1 : 0);
      throw new DomainError('INVALID', `Row ${rowIndex + 1} has ${cells.length} fields; the header has ${width}`, {
        path: ['csv', rowIndex],
        expected: `${width} fields`,
        got: cells.length,
      });
    }
    const doc: Record<string, unknown> = {};
    cells.forEach((cell, c) => {
      const v = csvCell(cell, infer);
      if (v !== undefined) doc[names[c]!] = v;
    });
    return doc;
  });
}
