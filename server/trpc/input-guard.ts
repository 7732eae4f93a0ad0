import { DomainError } from '@/server/errors';

/**
 * Checks every request input (REST and tRPC alike) before any schema sees it:
 * - `__proto__` as a key is refused: JSON.parse keeps it as an own key, but the first copy by
 *   assignment (a schema's record parse, a spread into `{}`) turns it into the prototype and the key
 *   silently disappears — a filter `{ "__proto__": {...} }` became the empty filter.
 * - strings (keys and values) with a NUL character or an unpaired surrogate are refused: PostgreSQL
 *   cannot store them in text or jsonb, and the database error would surface as a 500.
 * - nesting deeper than INPUT_MAX_DEPTH is refused before recursive schemas walk it.
 * The walk is iterative, so hostile depth cannot overflow the stack here.
 */
export const INPUT_MAX_DEPTH = 64;

type Frame = { value: unknown; depth: number; parent: Frame | null; key: string | number | null };

const pathOf = (f: Frame | null, last?: string | number): (string | number)[] => {
  const out: (string | number)[] = last === undefined ? [] : [last];
  for (let x = f; x && x.key !== null; x = x.parent) out.unshift(x.key);
  return out;
};

function badString(s: string): string | null {
  if (s.includes('\u0000')) return 'a NUL character (\\u0000)';
  if (!s.isWellFormed()) return 'an unpaired UTF-16 surrogate';
  return null;
}

export function checkInput(input: unknown, pathPrefix: (string | number)[] = []): void {
  const stack: Frame[] = [{ value: input, depth: 0, parent: null, key: null }];
  const fail = (
    frame: Frame | null,
    key: string | number | undefined,
    message: string,
    expected: string,
    got?: unknown,
  ): never => {
    const path = [...pathPrefix, ...pathOf(frame, key)];
    throw new DomainError('INVALID', `Invalid input at ${path.length ? path.join('.') : 'input'}: ${message}`, {
      path,
      expected,
      ...(got !== undefined ? { got } : {}),
    });
  };
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      const bad = badString(value);
      if (bad) fail(frame, undefined, `the string contains ${bad}`, 'well-formed text without NUL characters');
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (frame.depth >= INPUT_MAX_DEPTH) {
      const path = [...pathPrefix, ...pathOf(frame)];
      throw new DomainError('LIMIT_EXCEEDED', `The input nests deeper than ${INPUT_MAX_DEPTH} levels`, {
        path,
        limit: INPUT_MAX_DEPTH,
      });
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], depth: frame.depth + 1, parent: frame, key: i });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__')
        fail(frame, key, '"__proto__" is not allowed as a key', 'a key other than __proto__', key);
      const bad = badString(key);
      if (bad) fail(frame, undefined, `a key contains ${bad}`, 'keys of well-formed text without NUL characters');
      stack.push({ value: (value as Record<string, unknown>)[key], depth: frame.depth + 1, parent: frame, key });
    }
  }
}
