import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

/**
 * Property: any JSON document either round-trips exactly through create/get (its nested objects
 * becoming child records) or is rejected with INVALID, and a small reference model of the typing rules
 * predicts which.
 */
let engram: Engram;
let api: ReturnType<typeof httpClient>;
let project: string;
const stats = [0, 0];
afterAll(() => console.log(`round-trip property: ${stats[1]} accepted, ${stats[0]} rejected`));
beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
  project = uniqueName('prop');
  await api.rest('POST', '/projects', { body: { name: project } });
});
afterAll(() => engram?.close());

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const validName = (k: string) => k.length >= 1 && k.length <= 256 && !k.startsWith('__') && !k.startsWith('$');
const validString = (s: string) => s.isWellFormed() && !s.includes('\u0000');

/** The reference model: does the typing accept this value, and how many direct children does it make? */
function accepts(doc: Record<string, unknown>): boolean {
  return Object.entries(doc).every(([k, v]) => {
    if (!validName(k)) return false;
    if (isObj(v)) return accepts(v);
    if (Array.isArray(v)) {
      if (v.some(isObj)) return v.every((el) => isObj(el) && accepts(el));
      const kinds = new Set(v.map((el) => (Array.isArray(el) ? 'array' : el === null ? 'null' : typeof el)));
      if (kinds.has('array') || kinds.has('null') || kinds.size > 1) return false;
      return v.every((el) => typeof el !== 'string' || validString(el));
    }
    return typeof v !== 'string' || validString(v);
  });
}

const childCount = (doc: Record<string, unknown>) =>
  Object.values(doc).reduce<number>((n, v) => n + (isObj(v) ? 1 : Array.isArray(v) && v.some(isObj) ? v.length : 0), 0);
const flatPart = (doc: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(doc).filter(([, v]) => !isObj(v) && !(Array.isArray(v) && v.some(isObj))));
// JSON has no negative zero: -0 is written as 0.
const normalize = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

const key = fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), fc.constantFrom('', '__id', '$x', 'a', 'tags', 'when'));
const leaf = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('2024-02-29', '2023-02-29', '2026-01-02T03:04:05Z'),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
}));
const doc = fc.dictionary(key, value.v, { maxKeys: 6 });

describe(`records round-trip property (${backendName})`, () => {
  it('accepts exactly what the model accepts and returns it unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(doc, async (data) => {
        const res = await api.rest('POST', '/records', { project, body: { label: 'PROP', data } });
        stats[accepts(data) ? 1 : 0]! += 1;
        if (!accepts(data)) {
          expect(res.status, JSON.stringify(data)).toBe(400);
          expect(['INVALID', 'LIMIT_EXCEEDED']).toContain(res.body.error.code);
          expect(Array.isArray(res.body.error.details.path)).toBe(true);
          return;
        }
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        const got = await api.rest('GET', `/records/${res.body.data.__id}`, { project });
        const { __id, __label, __proptypes, __createdAt, __updatedAt, ...props } = got.body.data;
        expect(props).toEqual(normalize(flatPart(data)));
        expect([__createdAt, __updatedAt]).toEqual([res.body.data.__createdAt, res.body.data.__createdAt]);
        expect(Object.keys(__proptypes).sort()).toEqual(Object.keys(props).sort());
        expect([__id, __label]).toEqual([res.body.data.__id, 'PROP']);
        const rels = await api.rest('GET', `/records/${__id}/relationships`, { project });
        expect(rels.body.data.filter((r: { direction: string }) => r.direction === 'out')).toHaveLength(
          childCount(data),
        );
      }),
      { numRuns: 150, seed: Number(process.env.FC_SEED ?? Date.now() % 100000) },
    );
  });
});
