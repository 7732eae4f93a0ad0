/**
 * The query builder's operators and how a value typed in a text box becomes an operand. Operators live
 * in one table: what they are called, which `$key` they write, what kind of value they take and which
 * property types they make sense for. The builder offers whatever the table holds.
 */
export type Scalar = string | number | boolean | null;

/**
 * What an operator's value box holds: `scalar` (42, true, null or text; "quoted" is always text),
 * `compare` (a number, an ISO date or text), `list` (comma-separated scalars), `text` (taken as typed),
 * `boolean` (yes/no), `type` (a type name), `integer` (a whole number).
 */
export type ValueKind = 'scalar' | 'compare' | 'list' | 'text' | 'boolean' | 'type' | 'integer';

/** The base types a property can hold (array types count as their element type). */
type BaseType = 'string' | 'number' | 'boolean' | 'datetime';

type Operator = {
  id: string;
  key: `$${string}`;
  label: string;
  takes: ValueKind;
  /** Offered for properties of these types; undefined means every property. */
  for?: readonly BaseType[];
  /** Offered for array properties too. */
  arrays?: boolean;
};

export const OPERATORS = [
  { id: 'eq', key: '$eq', label: '=', takes: 'scalar', arrays: true },
  { id: 'ne', key: '$ne', label: '≠', takes: 'scalar', arrays: true },
  { id: 'gt', key: '$gt', label: '>', takes: 'compare', for: ['number', 'string', 'datetime'] },
  { id: 'gte', key: '$gte', label: '≥', takes: 'compare', for: ['number', 'string', 'datetime'] },
  { id: 'lt', key: '$lt', label: '<', takes: 'compare', for: ['number', 'string', 'datetime'] },
  { id: 'lte', key: '$lte', label: '≤', takes: 'compare', for: ['number', 'string', 'datetime'] },
  { id: 'in', key: '$in', label: 'is one of', takes: 'list', arrays: true },
  { id: 'nin', key: '$nin', label: 'is none of', takes: 'list', arrays: true },
  { id: 'contains', key: '$contains', label: 'contains', takes: 'text', for: ['string'] },
  { id: 'startsWith', key: '$startsWith', label: 'starts with', takes: 'text', for: ['string'] },
  { id: 'endsWith', key: '$endsWith', label: 'ends with', takes: 'text', for: ['string'] },
  { id: 'exists', key: '$exists', label: 'exists', takes: 'boolean', arrays: true },
  { id: 'type', key: '$type', label: 'has type', takes: 'type', arrays: true },
  { id: 'year', key: '$year', label: 'year =', takes: 'integer', for: ['datetime'] },
  { id: 'month', key: '$month', label: 'month =', takes: 'integer', for: ['datetime'] },
  { id: 'day', key: '$day', label: 'day =', takes: 'integer', for: ['datetime'] },
  { id: 'hour', key: '$hour', label: 'hour =', takes: 'integer', for: ['datetime'] },
  { id: 'minute', key: '$minute', label: 'minute =', takes: 'integer', for: ['datetime'] },
  { id: 'second', key: '$second', label: 'second =', takes: 'integer', for: ['datetime'] },
] as const satisfies readonly Operator[];

export type OperatorId = (typeof OPERATORS)[number]['id'];
export const DEFAULT_OPERATOR: OperatorId = 'eq';

export const operatorById = (id: string | null | undefined): Operator | undefined => OPERATORS.find((o) => o.id === id);
export const operatorByKey = (key: string): Operator | undefined => OPERATORS.find((o) => o.key === key);

/** The pseudo-property for record ids: `$id` takes an id, or a list with is one of / is none of. */
export const ID_PROP = '$id';
const ID_OPERATORS: readonly string[] = ['eq', 'ne', 'in', 'nin'];

/** The types `$type` accepts. */
export const VALUE_TYPES = [
  'string',
  'number',
  'boolean',
  'datetime',
  'null',
  'string[]',
  'number[]',
  'boolean[]',
  'datetime[]',
  'array',
  'vector',
] as const;

/**
 * The operators worth offering for a property with these types (as the schema reports them); every
 * operator when the types are unknown. The current operator stays in the list so a choice never vanishes.
 */
export function operatorsFor(prop: string, types: readonly string[] | undefined, current?: string): Operator[] {
  if (prop === ID_PROP) return OPERATORS.filter((o) => ID_OPERATORS.includes(o.id) || o.id === current);
  const known = (types ?? []).filter((t) => t !== 'null');
  if (known.length === 0) return [...OPERATORS];
  const scalars = new Set(known.filter((t) => !t.endsWith('[]') && t !== 'array' && t !== 'vector'));
  const hasArrays = known.some((t) => t.endsWith('[]') || t === 'array' || t === 'vector');
  return OPERATORS.filter((o: Operator) => {
    if (o.id === current) return true;
    if (!o.for) return scalars.size > 0 || (hasArrays && o.arrays === true);
    return o.for.some((t) => scalars.has(t));
  });
}

const NUMBER_RE = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER_RE = /^-?\d+$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** An ISO date (2024-01-31) or date-time (2024-01-31T09:30:00Z) with real calendar values, as the server reads them. */
export function isIsoDatetime(s: string): boolean {
  const m = DATE_RE.exec(s) ?? DATETIME_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate()) return false;
  return m[4] === undefined || (Number(m[4]) <= 23 && Number(m[5]) <= 59 && (m[6] === undefined || Number(m[6]) <= 59));
}

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
  const parts = text.match(/\s*"(?:[^"\\]|\\.)*"\s*(?=,|$)|[^,]+/g) ?? [];
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map(parseValue);
}

/** The text that parseValue reads back as `v` (strings are quoted only when they would read as something else). */
export function formatScalar(v: Scalar): string {
  if (typeof v !== 'string') return String(v);
  return v === '' || v.trim() !== v || parseValue(v) !== v ? JSON.stringify(v) : v;
}

/** The text that parseList reads back as `values`. */
export const formatList = (values: Scalar[]): string =>
  values.map((v) => (typeof v === 'string' && /[,"]/.test(v) ? JSON.stringify(v) : formatScalar(v))).join(', ');

export const scalarType = (v: Scalar): string => (v === null ? 'null' : typeof v);

export type Operand = { ok: true; value: unknown; note: string } | { ok: false; value: unknown; error: string };

/**
 * The operand an operator sends for the typed text, with a short note on how it was read (shown next to
 * the box) or why it cannot be sent. `types` are the property's types from the schema, when known,
 * so a date compared with a datetime property must look like one.
 */
export function operandOf(opId: OperatorId, text: string, types?: readonly string[]): Operand {
  const op = operatorById(opId) ?? OPERATORS[0];
  const t = text.trim();
  switch (op.takes) {
    case 'scalar': {
      if (t === '') return { ok: false, value: '', error: 'Enter a value (use "" for empty text).' };
      const v = parseValue(t);
      return { ok: true, value: v, note: scalarType(v) === 'string' ? 'text' : scalarType(v) };
    }
    case 'compare': {
      if (t === '') return { ok: false, value: '', error: 'Enter a number, an ISO date or text.' };
      const v = parseValue(t);
      if (v === null) return { ok: false, value: v, error: 'null cannot be compared; use = null or exists.' };
      const only = (types ?? []).filter((x) => x !== 'null');
      if (typeof v === 'string' && isIsoDatetime(v)) return { ok: true, value: v, note: 'datetime' };
      if (only.length > 0 && only.every((x) => x === 'datetime')) {
        return { ok: false, value: v, error: 'Enter an ISO date (2024-01-31) or date-time (2024-01-31T09:30:00Z).' };
      }
      if (only.length > 0 && only.every((x) => x === 'number') && typeof v !== 'number')
        return { ok: false, value: v, error: 'Enter a number.' };
      return { ok: true, value: v, note: typeof v === 'string' ? 'text' : typeof v };
    }
    case 'list': {
      const values = parseList(t);
      if (values.length === 0) return { ok: false, value: [], error: 'Enter one or more values, separated by commas.' };
      return { ok: true, value: values, note: values.length === 1 ? '1 value' : `${values.length} values` };
    }
    case 'text':
      if (text === '') return { ok: false, value: '', error: 'Enter some text.' };
      return { ok: true, value: text, note: 'text' };
    case 'boolean':
      return t === 'true' || t === 'false'
        ? { ok: true, value: t === 'true', note: '' }
        : { ok: false, value: t, error: 'Choose yes or no.' };
    case 'type':
      return (VALUE_TYPES as readonly string[]).includes(t)
        ? { ok: true, value: t, note: '' }
        : { ok: false, value: t, error: 'Choose a type.' };
    case 'integer':
      if (INTEGER_RE.test(t) && Number.isSafeInteger(Number(t)))
        return { ok: true, value: Number(t), note: 'whole number' };
      return {
        ok: false,
        value: t,
        error: `${op.key} takes a whole number, such as ${op.id === 'year' ? '2024' : '3'}.`,
      };
  }
}

/** The text box contents for an operand found in a query, or undefined when the box cannot hold it. */
export function textOf(opId: OperatorId, operand: unknown): string | undefined {
  const op = operatorById(opId) ?? OPERATORS[0];
  const scalar = (v: unknown): v is Scalar =>
    v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
  switch (op.takes) {
    case 'scalar':
      return scalar(operand) ? formatScalar(operand) : undefined;
    case 'compare':
      return scalar(operand) && operand !== null ? formatScalar(operand) : undefined;
    case 'list':
      return Array.isArray(operand) && operand.length > 0 && operand.every(scalar) ? formatList(operand) : undefined;
    case 'text':
      return typeof operand === 'string' && operand !== '' ? operand : undefined;
    case 'boolean':
      return typeof operand === 'boolean' ? String(operand) : undefined;
    case 'type':
      return typeof operand === 'string' && (VALUE_TYPES as readonly string[]).includes(operand) ? operand : undefined;
    case 'integer':
      // A string (say "abc") is kept so the box shows what the query holds and says what is wrong with it.
      return typeof operand === 'number' && Number.isInteger(operand)
        ? String(operand)
        : typeof operand === 'string'
          ? operand
          : undefined;
  }
}
