/**
 * The Records page's simple filter: one property, one operator, one value typed in a text box.
 * Operators live in one table; the query language grows ($gt, $contains, $exists…) by adding rows here,
 * and the form offers whatever the table holds.
 */
export type Scalar = string | number | boolean | null;

type Operator = {
  id: string;
  label: string;
  /** `one` value, a comma-separated `list`, or `none` (the operator is the whole condition). */
  takes: 'one' | 'list' | 'none';
  condition: (value: Scalar | Scalar[]) => Record<string, unknown>;
};

export const OPERATORS = [
  { id: 'eq', label: 'equals', takes: 'one', condition: (v) => ({ $eq: v }) },
  { id: 'in', label: 'is one of', takes: 'list', condition: (v) => ({ $in: v }) },
] as const satisfies readonly Operator[];

export type OperatorId = (typeof OPERATORS)[number]['id'];
export const DEFAULT_OPERATOR: OperatorId = 'eq';

export const operatorById = (id: string | null | undefined): Operator | undefined => OPERATORS.find((o) => o.id === id);
export const takesValue = (op: Operator): boolean => op.takes !== 'none';

export type Filter = { prop: string; op: OperatorId; value: string };

const NUMBER_RE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A typed value from the text box: numbers, true/false and null become those; "quoted" text is always
 * a string (to match "42" stored as text); anything else is the string as typed.
 */
export function parseValue(text: string): Scalar {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try {
      const s: unknown = JSON.parse(t);
      if (typeof s === 'string') return s;
    } catch {
      // Not a valid JSON string: fall through and keep the text as typed.
    }
    return t.slice(1, -1);
  }
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (NUMBER_RE.test(t) && Number.isFinite(Number(t))) return Number(t);
  return t;
}

/** Comma-separated values, each typed by parseValue; a comma inside "quotes" does not split. */
export function parseList(text: string): Scalar[] {
  const parts = text.match(/"(?:[^"\\]|\\.)*"|[^,]+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '').map(parseValue);
}

export const describeScalar = (v: Scalar): string => (v === null ? 'null' : typeof v === 'string' ? `“${v}”` : String(v));

export const scalarType = (v: Scalar): string => (v === null ? 'null' : typeof v);

/** The parsed operand of a filter, for the form's hint and for the query. */
export function operandOf(filter: Filter): Scalar | Scalar[] {
  const takes = operatorById(filter.op)?.takes;
  return takes === 'list' ? parseList(filter.value) : takes === 'none' ? null : parseValue(filter.value);
}

/** The `where` of a SearchQuery for a filter, or undefined when the filter is incomplete. */
export function whereOf(filter: Filter | null): Record<string, unknown> | undefined {
  if (!filter || filter.prop === '') return undefined;
  const op = operatorById(filter.op);
  if (!op) return undefined;
  if (op.takes === 'none') return { [filter.prop]: op.condition(null) };
  if (op.takes === 'list') {
    const values = parseList(filter.value);
    return values.length > 0 ? { [filter.prop]: op.condition(values) } : undefined;
  }
  return { [filter.prop]: op.condition(parseValue(filter.value)) };
}
