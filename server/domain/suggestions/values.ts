/**
 * Value evidence: how likely is it that a source value matches a target key by chance? Small integers
 * overlap everywhere (ages, counts and ids all live in 1..100); an email or a UUID that matches is
 * almost surely the same thing. The kind of the matched values sets how much their overlap counts.
 */
export type ValueKind = 'uuid' | 'email' | 'text' | 'short-text' | 'integer' | 'large-integer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const INT = /^-?[0-9]{1,15}$/;

export function kindOf(value: string): ValueKind {
  if (INT.test(value)) return value.replace('-', '').length >= 6 ? 'large-integer' : 'integer';
  if (UUID.test(value)) return 'uuid';
  if (EMAIL.test(value)) return 'email';
  return value.length >= 6 ? 'text' : 'short-text';
}

const SPECIFICITY: Record<ValueKind, number> = {
  uuid: 1,
  email: 1,
  text: 0.8,
  'short-text': 0.5,
  'large-integer': 0.6,
  integer: 0.35,
};

/** The most common kind among the values, and its specificity in [0, 1]. */
export function specificity(values: string[]): { kind: ValueKind; score: number } {
  const counts = new Map<ValueKind, number>();
  for (const v of values) counts.set(kindOf(v), (counts.get(kindOf(v)) ?? 0) + 1);
  let kind: ValueKind = 'short-text';
  let best = -1;
  for (const [k, n] of counts)
    if (n > best || (n === best && SPECIFICITY[k] < SPECIFICITY[kind])) [kind, best] = [k, n];
  return { kind, score: SPECIFICITY[kind] };
}

/**
 * Confidence from the evidence: a noisy-OR of name and value evidence, scaled by how unique the key is.
 * Either strong names or specific, well-covered values can carry a rule alone; small numbers with no
 * name to back them cannot (0.9 · coverage · 0.35 ≤ 0.32).
 */
export function confidenceOf(e: { name: number; coverage: number; specificity: number; uniqueness: number }): number {
  const c = e.uniqueness * (1 - (1 - 0.9 * e.name) * (1 - 0.9 * e.coverage * e.specificity));
  return Math.round(Math.min(1, Math.max(0, c)) * 1000) / 1000;
}
