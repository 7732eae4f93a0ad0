import { DomainError } from '@/server/errors';
import { isDatetimeString } from '../datetime';
import { LIMITS } from './limits';

/**
 * Property types. Values are stored exactly as written; the type says how they compare and sort.
 * `array` is an empty array, whose element type is unknown.
 */
export const SCALAR_TYPES = ['string', 'number', 'boolean', 'datetime', 'null'] as const;
export const ARRAY_TYPES = ['string[]', 'number[]', 'boolean[]', 'datetime[]'] as const;
export const PROPERTY_TYPES = [...SCALAR_TYPES, ...ARRAY_TYPES, 'array', 'vector'] as const;
export type PropType = (typeof PROPERTY_TYPES)[number];
export type JsonPath = (string | number)[];
export type Primitive = string | number | boolean | null;

export { isDatetimeString };

const invalid = (path: JsonPath, message: string, expected: string, got?: unknown) =>
  new DomainError('INVALID', `${message} at ${path.join('.') || '(root)'}`, { path, expected, got });

const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

export function checkString(s: string, path: JsonPath): void {
  if (!s.isWellFormed()) throw invalid(path, 'A string contains an unpaired surrogate', 'well-formed UTF-16 text');
  if (s.includes('\u0000')) throw invalid(path, 'A string contains a NUL character', 'text without \\u0000');
  if (s.length * 3 > LIMITS.stringBytes && Buffer.byteLength(s) > LIMITS.stringBytes) {
    throw new DomainError(
      'LIMIT_EXCEEDED',
      `A string is longer than ${LIMITS.stringBytes} bytes at ${path.join('.')}`,
      { path, limit: LIMITS.stringBytes },
      { tooLarge: true },
    );
  }
}

function primitiveType(v: unknown, path: JsonPath): Exclude<PropType, `${string}[]` | 'array' | 'vector'> {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      if (!Number.isFinite(v)) throw invalid(path, 'A number must be finite', 'a finite number', String(v));
      return 'number';
    case 'string':
      checkString(v, path);
      return isDatetimeString(v) ? 'datetime' : 'string';
    default:
      throw invalid(
        path,
        `A ${describe(v)} cannot be stored as a property`,
        'a string, number, boolean, null or an array of one of them',
        describe(v),
      );
  }
}

/** The type of a property value, or INVALID naming the path (mixed arrays, nested arrays, non-JSON). */
export function inferType(v: unknown, path: JsonPath): PropType {
  if (!Array.isArray(v)) return primitiveType(v, path);
  if (v.length > LIMITS.arrayLength) {
    throw new DomainError(
      'LIMIT_EXCEEDED',
      `An array has more than ${LIMITS.arrayLength} elements at ${path.join('.')}`,
      { path, limit: LIMITS.arrayLength },
    );
  }
  if (v.length === 0) return 'array';
  let kind: 'string' | 'number' | 'boolean' | null = null;
  let allDatetimes = true;
  v.forEach((el, i) => {
    const t = Array.isArray(el) ? 'array' : primitiveType(el, [...path, i]);
    const k = t === 'datetime' ? 'string' : t;
    if (k === 'null' || k === 'array') {
      throw invalid(
        [...path, i],
        'Arrays may hold only strings, numbers or booleans',
        'a string, number or boolean',
        k,
      );
    }
    if (kind !== null && k !== kind) {
      throw invalid([...path, i], `A mixed array: ${kind} and ${k} elements`, `a ${kind}`, k);
    }
    kind = k;
    if (t !== 'datetime') allDatetimes = false;
  });
  if (kind === 'string') return allDatetimes ? 'datetime[]' : 'string[]';
  return `${kind!}[]` as PropType;
}

/** Converts a value to an explicitly declared type, or INVALID when it cannot be. */
export function coerceToType(type: PropType, value: unknown, path: JsonPath): unknown {
  const scalar = (t: string, v: unknown, p: JsonPath): Primitive => {
    switch (t) {
      case 'string':
        if (typeof v === 'string') {
          checkString(v, p);
          return v;
        }
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        break;
      case 'number':
        if (typeof v === 'number' && Number.isFinite(v)) return v;
        if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
        break;
      case 'boolean':
        if (typeof v === 'boolean') return v;
        if (v === 'true' || v === 'false') return v === 'true';
        break;
      case 'datetime':
        if (typeof v === 'string' && isDatetimeString(v)) return v;
        break;
      case 'null':
        if (v === null) return null;
        break;
    }
    throw invalid(
      p,
      `The value does not fit the declared type ${t}`,
      t,
      v === null ? null : typeof v === 'object' ? describe(v) : v,
    );
  };
  if (type === 'vector') {
    if (
      !Array.isArray(value) ||
      value.length === 0 ||
      value.length > 16_000 ||
      !value.every((x) => typeof x === 'number' && Number.isFinite(x))
    ) {
      throw invalid(
        path,
        'A vector must be a non-empty array of finite numbers (at most 16000)',
        'vector',
        describe(value),
      );
    }
    return value;
  }
  if (type === 'array') {
    if (Array.isArray(value) && value.length === 0) return value;
    throw invalid(path, 'The type "array" is only for an empty array', 'an empty array', describe(value));
  }
  if (type.endsWith('[]')) {
    if (!Array.isArray(value))
      throw invalid(path, `The value does not fit the declared type ${type}`, type, describe(value));
    if (value.length > LIMITS.arrayLength) {
      throw new DomainError(
        'LIMIT_EXCEEDED',
        `An array has more than ${LIMITS.arrayLength} elements at ${path.join('.')}`,
        { path, limit: LIMITS.arrayLength },
      );
    }
    return value.map((el, i) => scalar(type.slice(0, -2), el, [...path, i]));
  }
  return scalar(type, value, path);
}
