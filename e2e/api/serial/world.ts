import { expect } from '@playwright/test';
import { untilReady, type Client } from '../contract/contract';

/**
 * A small project state that every kind of write inside a transaction changes, and a snapshot of it,
 * so a test can say exactly what a commit keeps and a rollback leaves. Made outside any transaction.
 */
export type World = { x: string; y: string; z: string; t1: string; ext: string; note: string };

export async function makeWorld(c: Client): Promise<World> {
  const recs = (
    await c.ok('POST /records/import/json', {
      body: {
        data: {
          OLD: [
            { name: 'x', v: 1 },
            { name: 'y', v: 2 },
            { name: 'z', v: 3 },
          ],
          TARGET: [{ name: 't1' }],
        },
        options: { returnResult: true },
      },
    })
  ).data.records as { __id: string; name: string }[];
  const id = Object.fromEntries(recs.map((r) => [r.name, r.__id]));
  await c.ok('POST /relationships/{sourceId}', {
    params: { sourceId: id.x! },
    body: { targetIds: id.t1!, type: 'OLD_LINK' },
  });
  const ext = (
    await c.ok('POST /ai/indexes', { body: { label: 'OLD', propertyName: 'vec', external: true, dimensions: 2 } })
  ).data.id as string;
  const note = (await c.ok('POST /ai/indexes', { body: { label: 'NOTE', propertyName: 'text' } })).data.id as string;
  await untilReady(c, note);
  await c.ok('POST /records', { body: { label: 'NOTE', data: { text: 'bob rides his bicycle to work' } } });
  return { x: id.x!, y: id.y!, z: id.z!, t1: id.t1!, ext, note };
}

export type Snapshot = {
  labels: Record<string, number>;
  old: Record<string, unknown>[];
  edges: string[];
  indexes: string[];
  /** Keyword hits for "tea" among the notes (deterministic, unlike a similarity ranking). */
  tea: string[];
};

const bare = ({
  __createdAt: _c,
  __updatedAt: _u,
  __id: _i,
  __proptypes: _p,
  __label: _l,
  ...props
}: Record<string, unknown>) => props;

/** `meaning: false` leaves out the search (see the PostgreSQL index-DDL test in tx-rest.spec.ts). */
export async function snapshot(c: Client, { meaning = true } = {}): Promise<Snapshot> {
  const labels = (await c.ok('POST /labels/search', { body: {} })).data;
  const old = (await c.ok('POST /records/search', { body: { labels: ['OLD'], orderBy: { name: 'asc' } } })).data.map(
    bare,
  );
  const edges = (await c.ok('POST /relationships/search', { body: { limit: 1000 } })).data
    .map(
      (e: { sourceLabel: string; type: string; targetLabel: string }) => `${e.sourceLabel}-${e.type}->${e.targetLabel}`,
    )
    .sort();
  const indexes = (await c.ok('GET /ai/indexes')).data
    .map((i: { label: string; propertyName: string; source: string }) => `${i.label}.${i.propertyName}:${i.source}`)
    .sort();
  const tea = meaning
    ? (
        await c.ok('POST /ai/search', {
          body: { labels: ['NOTE'], propertyName: 'text', query: 'tea', mode: 'keyword' },
        })
      ).data.map((r: { text: string }) => r.text)
    : [];
  return { labels, old, edges, indexes, tea };
}

export const BEFORE: Snapshot = {
  labels: { NOTE: 1, OLD: 3, TARGET: 1 },
  old: [
    { name: 'x', v: 1 },
    { name: 'y', v: 2 },
    { name: 'z', v: 3 },
  ],
  edges: ['OLD-OLD_LINK->TARGET'],
  indexes: ['NOTE.text:managed', 'OLD.vec:external'],
  tea: [],
};

/** What `writeEverything` (REST or tRPC) leaves, as seen inside the transaction and after its commit. */
export const AFTER: Snapshot = {
  labels: { BATCH: 1, CSV: 2, J: 2, NEW: 1, NOTE: 2, OLD: 2, TARGET: 1, part: 1 },
  old: [
    { name: 'x', v: 1, patched: true },
    { name: 'y', only: 'this' },
  ],
  edges: ['BATCH-BATCH_LINK->NEW', 'NEW-HAS_PART->part', 'NEW-NEW_LINK->TARGET'],
  indexes: ['NEW.vec:external', 'NOTE.text:managed'],
  tea: ['alice drinks green tea every morning'],
};

export const TEA = 'alice drinks green tea every morning';

/** Asserts a snapshot, label counts compared as sorted entries so the message lists what differs. */
export function expectSnapshot(got: Snapshot, want: Snapshot, when: string) {
  expect({ ...got, labels: Object.entries(got.labels).sort() }, when).toEqual({
    ...want,
    labels: Object.entries(want.labels).sort(),
  });
}
