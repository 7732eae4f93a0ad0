import { isDeepStrictEqual } from 'node:util';
import type { Client } from './client';

/**
 * What the clients were told, checked against what the database holds. Every write carries a unique
 * `token` and a small integer `part` (so verification reads ≤ 1000-record pages by part). A token is
 * - acknowledged: the server said the write happened; it must be present exactly once with the values
 *   it was acknowledged with, merged with its acknowledged updates (each record has one writer, so the
 *   latest acknowledged update is unambiguous);
 * - forbidden: rolled back, or refused with an answer saying it did not happen; it must be absent;
 * - unknown: the answer was lost (a cut connection); present at most once.
 */
export type Written = { label: string; part: number; id?: string; data: Record<string, unknown> };

export type Verdict = { figures: Record<string, number | string>; failures: string[] };

type SqlFn = (text: string, params?: unknown[]) => Promise<any[]>;

const SHOW = 5;

export class Ledger {
  readonly acked = new Map<string, Written>();
  readonly forbidden = new Map<string, { label: string; part: number; why: string }>();
  readonly unknown = new Map<string, { label: string; part: number }>();
  /** Acknowledged records one of whose updates lost its answer: presence is checked, values are not. */
  readonly unsureValues = new Set<string>();
  updates = 0;

  acknowledge(token: string, w: Written): void {
    this.acked.set(token, { ...w, data: { ...w.data } });
  }

  update(token: string, patch: Record<string, unknown>): void {
    const w = this.acked.get(token);
    if (!w) throw new Error(`ledger: update of unknown token ${token}`);
    Object.assign(w.data, patch);
    this.updates++;
  }

  forbid(token: string, label: string, part: number, why: string): void {
    this.forbidden.set(token, { label, part, why });
  }

  unsure(token: string, label: string, part: number): void {
    this.unknown.set(token, { label, part });
  }

  private parts(): Map<string, Set<number>> {
    const out = new Map<string, Set<number>>();
    const add = (label: string, part: number) => out.set(label, (out.get(label) ?? new Set()).add(part));
    for (const m of [this.acked, this.forbidden, this.unknown]) for (const w of m.values()) add(w.label, w.part);
    return out;
  }

  /** Reads every part back through the API (and, with `sql`, counts per label directly) and compares. */
  async verify(api: Client, opts: { sql?: SqlFn } = {}): Promise<Verdict> {
    const failures: string[] = [];
    const found = new Map<string, any[]>();
    const apiTotals = new Map<string, number>();
    for (const [label, parts] of this.parts()) {
      let inParts = 0;
      for (const part of parts) {
        const rows = await readPart(api, label, part);
        if (typeof rows === 'string') {
          failures.push(rows);
          continue;
        }
        inParts += rows.length;
        for (const r of rows) found.set(r.token, [...(found.get(r.token) ?? []), r]);
      }
      const all = await api.rest('POST', '/records/search', { body: { labels: [label], limit: 1 } });
      apiTotals.set(label, all.body?.total);
      if (all.status !== 200)
        failures.push(`verification: counting ${label} answered ${all.status} ${all.text.slice(0, 200)}`);
      else if (all.body.total !== inParts)
        failures.push(
          `${label}: ${all.body.total} records in all, but ${inParts} in the parts this run wrote (records with an unknown part)`,
        );
    }

    const lost: string[] = [];
    const duplicated: string[] = [];
    const wrong: string[] = [];
    const resurrected: string[] = [];
    const phantom: string[] = [];
    let unknownPresent = 0;
    for (const [token, w] of this.acked) {
      const rows = found.get(token) ?? [];
      if (rows.length === 0) lost.push(`${token} (${w.label} ${w.id ?? 'id not returned'})`);
      else if (rows.length > 1) duplicated.push(`${token} ×${rows.length}`);
      const r = rows[0];
      if (!r || this.unsureValues.has(token)) continue;
      if (w.id && r.__id !== w.id) wrong.push(`${token}: id ${r.__id}, acknowledged ${w.id}`);
      const props = Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('__')));
      if (!isDeepStrictEqual(props, w.data))
        wrong.push(`${token}: holds ${JSON.stringify(props)}, acknowledged ${JSON.stringify(w.data)}`);
    }
    for (const [token, f] of this.forbidden) if (found.has(token)) resurrected.push(`${token} (${f.why})`);
    for (const [token, rows] of found) {
      if (this.unknown.has(token)) {
        unknownPresent++;
        if (rows.length > 1) duplicated.push(`${token} ×${rows.length} (outcome unknown)`);
      } else if (!this.acked.has(token) && !this.forbidden.has(token)) phantom.push(`${token} ×${rows.length}`);
    }
    const report = (what: string, xs: string[]) => {
      if (xs.length)
        failures.push(`${xs.length} ${what}: ${xs.slice(0, SHOW).join('; ')}${xs.length > SHOW ? '; …' : ''}`);
    };
    report('acknowledged writes missing', lost);
    report('records present more than once', duplicated);
    report('records not holding their acknowledged values', wrong);
    report('writes present that must not be (rolled back or refused)', resurrected);
    report('records no client wrote', phantom);

    const figures: Record<string, number | string> = {
      'acknowledged records': this.acked.size,
      'acknowledged updates': this.updates,
      'present (of acknowledged)': this.acked.size - lost.length,
      'must be absent (rolled back / refused)': this.forbidden.size,
      'present though absent': resurrected.length,
      'outcome unknown (present/total)': `${unknownPresent}/${this.unknown.size}`,
    };
    if (opts.sql) failures.push(...(await crossCheck(opts.sql, apiTotals)));
    return { figures, failures };
  }
}

/** All records of one part of a label, token order, paged by 1000; a string is the failure. */
async function readPart(api: Client, label: string, part: number): Promise<any[] | string> {
  const byId = new Map<string, any>();
  for (let skip = 0; ; skip += 1000) {
    const a = await api.rest('POST', '/records/search', {
      body: { labels: [label], where: { part }, orderBy: { token: 'asc' }, skip, limit: 1000 },
    });
    if (a.status !== 200)
      return `verification: reading ${label} part ${part} answered ${a.status} ${a.text.slice(0, 200)}`;
    for (const r of a.body.data) byId.set(r.__id, r);
    if (a.body.data.length < 1000 || skip + 1000 >= a.body.total) {
      if (byId.size !== a.body.total)
        return `${label} part ${part}: paging returned ${byId.size} distinct records of ${a.body.total}`;
      return [...byId.values()];
    }
  }
}

/** PostgreSQL: the records per label and their distinct tokens, counted in SQL, match the API's totals. */
async function crossCheck(sql: SqlFn, apiTotals: Map<string, number>): Promise<string[]> {
  const rows = await sql(
    `SELECT label, count(*)::int AS n, count(DISTINCT data->>'token')::int AS tokens FROM record WHERE label = ANY($1) GROUP BY label`,
    [[...apiTotals.keys()]],
  );
  const out: string[] = [];
  for (const [label, total] of apiTotals) {
    const r = rows.find((x) => x.label === label) ?? { n: 0, tokens: 0 };
    if (r.n !== total) out.push(`SQL: ${r.n} ${label} records in the database, the API counts ${total}`);
    if (r.tokens !== r.n) out.push(`SQL: ${r.n} ${label} records but ${r.tokens} distinct tokens (duplicates)`);
  }
  return out;
}
