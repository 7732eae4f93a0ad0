/**
 * The datetime type: ISO-8601 date-times and date-only strings with real calendar values and offsets
 * PostgreSQL accepts, so every value typed datetime can be cast to timestamptz. Shared by records
 * (typing) and query (choosing how an operand compares).
 */
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** An offset PostgreSQL accepts: at most ±15:59. */
function validZone(zone: string | undefined): boolean {
  if (!zone || zone.toUpperCase() === 'Z') return true;
  const m = /^[+-](\d{2}):?(\d{2})?$/.exec(zone);
  return !!m && +m[1]! <= 15 && (m[2] === undefined || +m[2] <= 59);
}

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** ISO-8601 date-time or date-only string with real calendar values. */
export function isDatetimeString(s: string): boolean {
  if (s.length > 40) return false;
  const date = DATE_RE.exec(s);
  if (date) return validDate(+date[1]!, +date[2]!, +date[3]!);
  const dt = DATETIME_RE.exec(s);
  if (!dt) return false;
  const [, y, mo, d, h, mi, sec, zone] = dt;
  return validDate(+y!, +mo!, +d!) && +h! <= 23 && +mi! <= 59 && (sec === undefined || +sec <= 59) && validZone(zone);
}
