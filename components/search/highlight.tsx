import { Fragment } from 'react';

/** Words of the query worth marking: letters and digits, two characters or more, longest first. */
export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) ?? [];
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits text into plain and matching parts (case-insensitive, whole text kept). */
export function splitByTerms(text: string, terms: string[]): { text: string; match: boolean }[] {
  if (terms.length === 0 || !text) return [{ text, match: false }];
  const re = new RegExp(`(${terms.map(escape).join('|')})`, 'giu');
  return text
    .split(re)
    .filter((part) => part !== '')
    .map((part) => ({ text: part, match: terms.includes(part.toLowerCase()) }));
}

/** The text with the query's words in <mark>. */
export function Highlighted({ text, terms }: { text: string; terms: string[] }) {
  return (
    <>
      {splitByTerms(text, terms).map((part, i) =>
        part.match ? <mark key={i}>{part.text}</mark> : <Fragment key={i}>{part.text}</Fragment>,
      )}
    </>
  );
}
