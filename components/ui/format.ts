const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDateTime = (iso: string): string => DATE_TIME.format(new Date(iso));
export const formatDate = (iso: string): string => DATE.format(new Date(iso));

/** `3 relationships`, `1 rule`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

/** Percent done, 0–100, rounded down so 100% means all of it. */
export const percentOf = (done: number, total: number) =>
  total > 0 ? Math.floor((Math.min(done, total) / total) * 100) : 0;
