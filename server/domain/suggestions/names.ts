/**
 * Name evidence: does a property's name read like a reference to a label's key? `customer_id` names
 * the label `customers` and the key `id`; `owner_email` names the key `email`; `parent_id` in a label
 * points back at that label. Words, not an LLM: tokens, a singular form, and two small word lists.
 */

/** Suffixes that mark a property as holding some record's key. */
const KEY_WORDS = new Set([
  'id',
  'ids',
  'uuid',
  'key',
  'ref',
  'fk',
  'email',
  'code',
  'sku',
  'slug',
  'handle',
  'username',
  'login',
  'no',
  'num',
  'number',
]);
/** Words that point from a record to another of its own label. */
const SELF_WORDS = new Set([
  'parent',
  'child',
  'manager',
  'supervisor',
  'mentor',
  'previous',
  'prev',
  'next',
  'predecessor',
  'successor',
  'reply',
  'replies',
  'root',
  'original',
  'duplicate',
  'related',
  'linked',
  'superseded',
  'supersedes',
]);
/** Words naming an id-like key, which a target's record id ($id) satisfies. */
const ID_WORDS = new Set(['id', 'ids', 'uuid', 'key', 'ref', 'fk']);

/** Lower-case words of a name: snake, kebab, dotted, spaced and camelCase all split. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A plain English singular, good enough for labels: customers → customer, categories → category, boxes → box. */
export function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(ses|xes|zes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export type NameEvidence = { score: number; reason: string };

/** The reference part of a property name (`customer` of `customer_id`) and its key word (`id`), if any. */
export function splitReference(property: string): { stem: string[]; keyWord: string | null } {
  const w = words(property);
  const last = w[w.length - 1];
  if (last && KEY_WORDS.has(last)) return { stem: w.slice(0, -1), keyWord: last };
  return { stem: w, keyWord: null };
}

const sameWords = (a: string[], b: string[]) =>
  a.length > 0 && a.length === b.length && a.every((x, i) => singular(x) === singular(b[i]!));

/**
 * How strongly the source property's name points at (targetLabel.targetKey), in [0, 1].
 * 1: names the label and the key (customer_id → customers.id); 0.9: the same name as a unique key of
 * another label (customer_id → customers.customer_id); 0.8: a self-reference word within one label
 * (parent_id); 0.7: names the label only; 0.4: names the key only (owner_email → users.email); 0.2: a
 * key word that does not fit the key; 0: nothing (age).
 */
export function nameEvidence(
  sourceLabel: string,
  sourceKey: string,
  targetLabel: string,
  targetKey: string,
): NameEvidence {
  const { stem, keyWord } = splitReference(sourceKey);
  const label = words(targetLabel).map(singular);
  const stemS = stem.map(singular);
  const keyWords = targetKey === '$id' ? null : words(targetKey);
  const keyFits =
    keyWord !== null &&
    (targetKey === '$id'
      ? ID_WORDS.has(keyWord)
      : singular(keyWords![keyWords!.length - 1] ?? '') === singular(keyWord));
  const namesLabel =
    stemS.length > 0 && (sameWords(stemS, label) || stemS[stemS.length - 1] === label[label.length - 1]);
  const self = sourceLabel === targetLabel && stemS.some((s) => SELF_WORDS.has(s));
  const keyName = targetKey === '$id' ? 'the record id' : `key ${targetKey}`;
  if (namesLabel && (keyFits || keyWord === null))
    return { score: 1, reason: `"${sourceKey}" names ${targetLabel}${keyWord ? ` and ${keyName}` : ''}` };
  if (keyWords && sourceLabel !== targetLabel && sameWords(words(sourceKey), keyWords))
    return { score: 0.9, reason: `"${sourceKey}" is also the name of ${targetLabel}'s unique key` };
  if (self && (keyFits || keyWord === null))
    return { score: 0.8, reason: `"${sourceKey}" reads as a reference within ${sourceLabel}` };
  if (namesLabel) return { score: 0.7, reason: `"${sourceKey}" names ${targetLabel}` };
  if (keyFits) return { score: 0.4, reason: `"${sourceKey}" names ${keyName}` };
  if (keyWord) return { score: 0.2, reason: `"${sourceKey}" ends in "${keyWord}", a key-like word` };
  return { score: 0, reason: `"${sourceKey}" does not read as a reference` };
}

/** The relationship type a rule proposes: the reference part of the name (customer_id → CUSTOMER), else REFERS_TO. */
export function typeFor(sourceKey: string): string {
  const { stem } = splitReference(sourceKey);
  const t = stem.join('_').toUpperCase().slice(0, 64);
  return t.length > 0 ? t : 'REFERS_TO';
}
