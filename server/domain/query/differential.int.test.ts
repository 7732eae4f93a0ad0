import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';
import { Dataset, typeOf, type RefEdge, type RefQuery, type RefRecord, type RefValue } from './reference';

/**
 * Differential property: random flat records, random edges and random SearchQueries (where with logic,
 * property operators and related-records blocks; labels; typed orderBy; skip/limit), evaluated by the
 * SQL engine and by the in-memory reference evaluator of ./reference.ts, give the same ids in the same
 * order and the same total. Every generated query is valid, so the engine must also answer 200.
 *
 * DIFF_RUNS (default 60) and DIFF_SEED (default: random, printed) tune and replay a run; a failure is
 * reported as found and minimised (DIFF_MINIMISE: the number of re-seeded attempts, 0 for none).
 */
let engram: Engram;
let api: ReturnType<typeof httpClient>;
beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
});
afterAll(() => engram?.close());

// ---------------------------------------------------------------------------------------------
// Data: values drawn from small pools so that equalities, ties and cross-type cases are common.

const LABELS = ['A', 'B', 'C'] as const;
const PROPS = ['n', 's', 'd', 'b', 'tags', 'opt'] as const;
const EDGE_TYPES = ['X', 'Y'] as const;

const NUMS = [-1, 0, 0.1, 1, 2, 2.5, 3, 10, 1e21];
// Mixed case, LIKE wildcards and the escape character (literal for $contains & co), strings that look
// like other types, a date with an impossible day (a string, not a datetime), and caseless non-ASCII
// text whose UTF-8 byte order differs from JavaScript's UTF-16 order ('｡' U+FF61 < '😀' U+1F600).
const STRS = ['a', 'A', 'ab', 'aB', 'ABC', 'b', 'x%y', 'x_y', 'xzy', '_', '', 'c\\d', '1', '2023-02-29', '｡', '😀', '€x'];
// Distinct spellings of the same instants (2024-01-01T00:00Z three ways), offsets, fractions, no offset (UTC).
const DTS = [
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '2024-01-01T01:00+01:00',
  '2023-12-31T23:30-00:30',
  '2023-12-31T23:59:59Z',
  '2024-01-01T10:00',
  '2024-02-29',
  '2024-03-15T12:30:45.5Z',
  '2025-06-30T05:06:07.123+05:30',
  '1969-12-31T23:59:59.999Z',
  '0001-01-01',
];

const num = fc.constantFrom(...NUMS);
const str = fc.constantFrom(...STRS);
const dt = fc.constantFrom(...DTS);
const bool = fc.boolean();
const scalar: fc.Arbitrary<RefValue> = fc.oneof(num, str, dt, bool, fc.constant(null));
const array: fc.Arbitrary<RefValue> = fc.oneof(
  fc.array(fc.constantFrom(...STRS, ...DTS.slice(0, 3)), { minLength: 1, maxLength: 3 }), // string[] (or datetime[] by chance)
  fc.array(dt, { minLength: 1, maxLength: 3 }), // datetime[]
  fc.array(num, { minLength: 1, maxLength: 3 }),
  fc.array(bool, { minLength: 1, maxLength: 2 }),
  fc.constant([] as RefValue),
);
/** Each property leans to one type but sometimes holds another, so typed operators meet the wrong type. */
const lean = (main: fc.Arbitrary<RefValue>) => fc.oneof({ arbitrary: main, weight: 4 }, { arbitrary: scalar, weight: 1 }, { arbitrary: array, weight: 1 });
const propValue: Record<(typeof PROPS)[number], fc.Arbitrary<RefValue>> = {
  n: lean(num),
  s: lean(str),
  d: lean(dt),
  b: lean(bool),
  tags: fc.oneof({ arbitrary: array, weight: 4 }, { arbitrary: scalar, weight: 1 }),
  opt: fc.oneof(scalar, array),
};
// Each property is present three times out of four.
const recordData: fc.Arbitrary<Record<string, RefValue>> = fc
  .record(Object.fromEntries(PROPS.map((p) => [p, fc.option(propValue[p], { freq: 4, nil: undefined })])))
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Record<string, RefValue>);

type GenRecord = { label: string; data: Record<string, RefValue> };
type GenEdge = { from: number; to: number; type: string };
const dataset = fc
  .record({
    records: fc.array(fc.record({ label: fc.constantFrom(...LABELS), data: recordData }), { minLength: 5, maxLength: 25, size: 'max' }),
    edges: fc.array(fc.record({ from: fc.nat(), to: fc.nat(), type: fc.constantFrom(...EDGE_TYPES) }), { minLength: 3, maxLength: 30, size: 'max' }),
  })
  .map(({ records, edges }) => ({ records: records as GenRecord[], edges: edges.map((e) => ({ ...e, from: e.from % records.length, to: e.to % records.length })) as GenEdge[] }));

// ---------------------------------------------------------------------------------------------
// Queries: the documented grammar, depth ≤ 3. `@id:k` stands for the k-th record's id (or an unknown
// id when there is no such record) and `@alias` for a fresh alias; both are filled in after seeding.

type Json = unknown;
type Prop = (typeof PROPS)[number];
const anyScalar: fc.Arbitrary<Json> = fc.oneof(num, str, dt, bool, fc.constant(null));
const textOperand = fc.constantFrom('a', 'A', 'B', 'ab', 'x%', '%y', '%', '_', 'x_y', '\\', 'c\\', 'c\\d', '', '2024', 't00', '01z', '+01:00', '.5', '😀');
const TYPES = ['string', 'number', 'boolean', 'datetime', 'null', 'string[]', 'number[]', 'boolean[]', 'datetime[]', 'array', 'vector'];
const PART_VALUES: Record<string, number[]> = {
  $year: [2023, 2024, 2025],
  $month: [1, 2, 3, 6, 12],
  $day: [1, 15, 29, 30, 31],
  $hour: [0, 5, 10, 12, 23],
  $minute: [0, 6, 30, 59],
  $second: [0, 7, 45, 59],
};
const partOp = fc.constantFrom(...Object.keys(PART_VALUES)).chain((p) => {
  const v = fc.constantFrom(...PART_VALUES[p]!);
  const cmp = fc.array(fc.tuple(fc.constantFrom('$eq', '$ne', '$gt', '$gte', '$lt', '$lte'), v), { minLength: 1, maxLength: 2 }).map((e) => Object.fromEntries(e));
  return fc.tuple(fc.constant(p), fc.oneof(v, cmp));
});
const hops = fc.oneof(fc.constantFrom(1, 2, 3), fc.constantFrom({ max: 2 }, { max: 3 }, { min: 1, max: 2 }, { min: 2, max: 3 }, { min: 1, max: 3 }, { min: 3, max: 3 }));
const relation: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...EDGE_TYPES),
  fc.record({ type: fc.constantFrom(...EDGE_TYPES), direction: fc.constantFrom('in', 'out'), hops }, { requiredKeys: [] }),
);
const orderBy = fc.oneof(
  fc.constantFrom('asc', 'desc'),
  fc.array(fc.tuple(fc.constantFrom(...PROPS), fc.constantFrom('asc', 'desc')), { minLength: 1, maxLength: 2 }).map((e) => Object.fromEntries(e)),
);
/** One item three times out of four, else two. */
const oneOrTwo = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.tuple(a), weight: 3 }, { arbitrary: fc.tuple(a, a), weight: 1 }) as fc.Arbitrary<T[]>;
/** `a` in `present` cases out of ten, otherwise absent. */
const sometimes = <T>(a: fc.Arbitrary<T>, present: number) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 10 - present }, { arbitrary: a, weight: present });

/**
 * Queries about one dataset: operands are mostly values the dataset holds for that property (or its
 * array elements), so that conditions select some records rather than none, and sometimes any value.
 */
function queriesFor(data: { records: GenRecord[] }): fc.Arbitrary<RefQuery> {
  const seen = (p: Prop) => [...new Set(data.records.flatMap((r) => (p in r.data ? [r.data[p]].flat() : [])))];
  const operand = (p: Prop, nullable = true): fc.Arbitrary<Json> => {
    const general = nullable ? anyScalar : fc.oneof(num, str, dt, bool);
    const own = seen(p).filter((v) => nullable || v !== null);
    return own.length === 0 ? general : fc.oneof({ arbitrary: fc.constantFrom(...own), weight: 3 }, { arbitrary: general, weight: 1 });
  };
  const cmpOperand = (p: Prop) => fc.oneof({ arbitrary: operand(p, false), weight: 6 }, { arbitrary: fc.constantFrom('2024-01-01T00:00Z', '2024-06', '2024-02-30', 'b', 'a%'), weight: 1 });

  /** Any operator may meet any property; each is likelier on the properties whose type it reads. */
  const operatorEntry = (p: Prop): fc.Arbitrary<[string, Json]> => {
    const texty = ['s', 'd', 'tags', 'opt'].includes(p);
    const datey = ['d', 'tags', 'opt'].includes(p);
    return fc.oneof(
      { arbitrary: fc.tuple(fc.constantFrom('$eq', '$ne'), operand(p)), weight: 4 },
      { arbitrary: fc.tuple(fc.constantFrom('$in', '$nin'), fc.array(operand(p), { maxLength: 4 })), weight: 4 },
      { arbitrary: fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), cmpOperand(p)), weight: 6 },
      { arbitrary: fc.tuple(fc.constantFrom('$contains', '$startsWith', '$endsWith'), textOperand), weight: texty ? 5 : 1 },
      { arbitrary: fc.tuple(fc.constant('$exists'), bool), weight: 2 },
      { arbitrary: fc.tuple(fc.constant('$type'), fc.constantFrom(...TYPES)), weight: 2 },
      { arbitrary: partOp, weight: datey ? 5 : 1 },
    );
  };
  /** [property, condition]: a scalar (equality) or an object of operators. */
  const propEntry: fc.Arbitrary<[string, Json]> = fc.oneof(
    ...PROPS.map((p) =>
      fc.tuple(
        fc.constant(p),
        fc.oneof({ arbitrary: operand(p), weight: 1 }, { arbitrary: oneOrTwo(operatorEntry(p)).map((e) => Object.fromEntries(e)), weight: 3 }),
      ),
    ),
  );

  const idRef = fc.oneof({ arbitrary: fc.nat({ max: data.records.length - 1 }), weight: 9 }, { arbitrary: fc.constant(-1), weight: 1 }).map((k) => `@id:${k}`);
  const idCond: fc.Arbitrary<Json> = fc.oneof(
    idRef,
    fc.record({ $eq: idRef }),
    fc.record({ $ne: idRef }),
    fc.record({ $in: fc.array(idRef, { maxLength: 4 }) }),
    fc.record({ $nin: fc.array(idRef, { maxLength: 4 }) }),
  );

  const whereAt = new Map<number, fc.Arbitrary<Record<string, Json>>>();
  function where(depth: number): fc.Arbitrary<Record<string, Json>> {
    const cached = whereAt.get(depth);
    if (cached) return cached;
    const entries: fc.WeightedArbitrary<[string, Json]>[] = [
      { arbitrary: propEntry, weight: 6 },
      { arbitrary: fc.tuple(fc.constant('$id'), idCond), weight: 1 },
    ];
    if (depth > 0) {
      const sub = where(depth - 1);
      // Empty filters and lists (true, or false for $or / $xor) are valid but rare.
      const list = fc.oneof(
        { arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }), weight: 6 }, // an array of filters
        { arbitrary: sub, weight: 3 }, // an object whose entries are the conditions
        { arbitrary: fc.constantFrom([], {}), weight: 1 },
      );
      entries.push(
        { arbitrary: fc.tuple(fc.constantFrom('$and', '$or', '$nor', '$xor'), list), weight: 2 },
        { arbitrary: fc.tuple(fc.constant('$not'), fc.oneof({ arbitrary: sub, weight: 9 }, { arbitrary: fc.constant({}), weight: 1 })), weight: 1 },
        { arbitrary: fc.tuple(fc.constantFrom(...LABELS, ...LABELS, 'D'), block(fc.oneof(sub, fc.constant({})))), weight: 3 },
      );
    }
    const arb = oneOrTwo(fc.oneof(...entries)).map((e) => Object.fromEntries(e));
    whereAt.set(depth, arb);
    return arb;
  }

  return fc
    .record({
      labels: sometimes(fc.subarray(['A', 'B', 'C', 'D'], { minLength: 1 }), 3),
      where: sometimes(where(3), 9),
      orderBy: sometimes(orderBy, 7),
      skip: sometimes(fc.nat({ max: 12 }), 3),
      limit: sometimes(fc.integer({ min: 1, max: 15 }), 4),
    })
    .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as RefQuery);
}

/** A related-records block: always recognisable as one ($relation, $alias, a property key, or {}). */
function block(inner: fc.Arbitrary<Record<string, Json>>): fc.Arbitrary<Record<string, Json>> {
  return fc.record({ rel: fc.option(relation, { nil: undefined }), alias: fc.boolean(), inner }).map(({ rel, alias, inner }) => {
    const b: Record<string, Json> = { ...inner };
    const plain = Object.keys(inner).length === 0 || Object.keys(inner).some((k) => !k.startsWith('$'));
    if (rel !== undefined || (!plain && !alias)) b.$relation = rel ?? 'X';
    if (alias) b.$alias = '@alias';
    return b;
  });
}

/** A dataset and the queries to ask about it. */
const scenario = dataset.chain((data) => fc.tuple(fc.constant(data), fc.array(queriesFor(data), { minLength: 1, maxLength: 8 })));

// ---------------------------------------------------------------------------------------------

const UNKNOWN_ID = '00000000-0000-7000-8000-000000000000';

/** Replaces `@id:k` and `@alias` placeholders. */
function resolve(q: Json, ids: string[], alias = { n: 0 }): Json {
  if (typeof q === 'string') {
    if (q.startsWith('@id:')) return ids[Number(q.slice(4))] ?? UNKNOWN_ID; // @id:-1 is unknown
    if (q === '@alias') return `$a${++alias.n}`;
    return q;
  }
  if (Array.isArray(q)) return q.map((x) => resolve(x, ids, alias));
  if (typeof q === 'object' && q !== null) return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, resolve(v, ids, alias)]));
  return q;
}

type Seeded = { project: string; records: RefRecord[]; edges: RefEdge[] };
const call = (project: string, method: string, path: string, body?: unknown) => api.rest(method, path, { project, body });

async function seed(data: { records: GenRecord[]; edges: GenEdge[] }): Promise<Seeded> {
  const project = uniqueName('diff');
  const created = await api.rest('POST', '/projects', { body: { name: project } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const ids: string[] = new Array(data.records.length);
  for (const label of LABELS) {
    const idx = data.records.flatMap((r, i) => (r.label === label ? [i] : []));
    if (idx.length === 0) continue;
    const res = await call(project, 'POST', '/records/import/json', { label, data: idx.map((i) => data.records[i]!.data), options: { returnResult: true } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const recs = res.body.data.records as { __id: string; __proptypes: Record<string, string> }[];
    expect(recs).toHaveLength(idx.length);
    recs.forEach((r, j) => {
      const i = idx[j]!;
      ids[i] = r.__id;
      // The reference's typing must agree with the engine's, or every later comparison is moot.
      const types = Object.fromEntries(Object.entries(data.records[i]!.data).map(([k, v]) => [k, typeOf(v)]));
      expect(r.__proptypes, JSON.stringify(data.records[i]!.data)).toEqual(types);
    });
  }
  // Edges, one call per (record, type): written from their sources ('out') or from their targets
  // ('in'), whichever takes fewer calls.
  const group = (by: 'from' | 'to') => {
    const batches = new Map<string, { poster: string; type: string; targets: Set<string> }>();
    for (const e of data.edges) {
      const [poster, other] = by === 'from' ? [ids[e.from]!, ids[e.to]!] : [ids[e.to]!, ids[e.from]!];
      const key = `${poster}|${e.type}`;
      if (!batches.has(key)) batches.set(key, { poster, type: e.type, targets: new Set() });
      batches.get(key)!.targets.add(other);
    }
    return [...batches.values()];
  };
  const [out, inc] = [group('from'), group('to')];
  const [batches, direction] = inc.length < out.length ? [inc, 'in'] : [out, 'out'];
  for (const b of batches) {
    const res = await call(project, 'POST', `/relationships/${b.poster}`, { targetIds: [...b.targets], type: b.type, direction });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
  const records = data.records.map((r, i) => ({ id: ids[i]!, label: r.label, data: r.data }));
  const edges = data.edges.map((e) => ({ source: ids[e.from]!, target: ids[e.to]!, type: e.type }));
  return { project, records, edges };
}

/** A readable account of a disagreement: records and edges by index (r0, r1, …), the query, both answers. */
function report(s: Seeded, q: Json, expected: Answer, got: Answer | string) {
  const name = new Map(s.records.map((r, i) => [r.id, `r${i}`]));
  const show = (ids: string[]) => ids.map((id) => name.get(id) ?? id).join(' ');
  const unname = (q: Json): Json => JSON.parse(JSON.stringify(q), (_k, v) => (typeof v === 'string' && name.has(v) ? name.get(v) : v));
  return [
    'records:',
    ...s.records.map((r, i) => `  r${i} ${r.label} ${JSON.stringify(r.data)}`),
    `edges: ${s.edges.map((e) => `${name.get(e.source)}-${e.type}->${name.get(e.target)}`).join(' ')}`,
    `query: ${JSON.stringify(unname(q))}`,
    `expected: [${show(expected.ids)}] total ${expected.total}`,
    `got:      ${typeof got === 'string' ? got : `[${show(got.ids)}] total ${got.total}`}`,
  ].join('\n');
}

type Answer = { ids: string[]; total: number };
type Data = { records: GenRecord[]; edges: GenEdge[] };
/** Runs one query on both sides: the reference's answer, and a description of any disagreement. */
async function compare(s: Seeded, generated: Json): Promise<{ expected: Answer; disagreement?: string }> {
  const q = resolve(generated, s.records.map((r) => r.id)) as RefQuery;
  const expected = new Dataset(s.records, s.edges).search(q);
  const res = await call(s.project, 'POST', '/records/search', q);
  if (res.status !== 200) return { expected, disagreement: `the engine refused a valid query (${res.status} ${JSON.stringify(res.body)})\n${report(s, q, expected, `status ${res.status}`)}` };
  const got = { ids: (res.body.data as { __id: string }[]).map((r) => r.__id), total: res.body.total as number };
  if (JSON.stringify(got) !== JSON.stringify(expected)) return { expected, disagreement: `the engine disagrees with the reference\n${report(s, q, expected, got)}` };
  return { expected };
}

/**
 * Greedy minimisation of a failing case (fast-check's own shrinking would seed a project per step
 * through `chain` and rarely gets far): drop records, edges, properties and parts of the query while
 * the disagreement remains. Bounded, so a failure is reported within a minute or so.
 */
async function minimise(data: Data, query: Json): Promise<string | undefined> {
  let budget = Number(process.env.DIFF_MINIMISE ?? 400);
  const fails = async (d: Data, q: Json) => {
    if (budget-- <= 0) return undefined;
    try {
      return (await compare(await seed(d), q)).disagreement;
    } catch {
      return undefined; // a candidate the reference cannot read (RefError), or that cannot be seeded, is no counterexample
    }
  };
  let best = await fails(data, query);
  if (!best) return undefined;
  const renumber = (q: Json, removed: number): Json =>
    JSON.parse(JSON.stringify(q), (_k, v) => {
      if (typeof v !== 'string' || !v.startsWith('@id:')) return v;
      const k = Number(v.slice(4));
      return k === removed ? '@id:-1' : k > removed ? `@id:${k - 1}` : v;
    });
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    // Parts of the query: every object key and array element, anywhere.
    for (const candidate of smaller(query)) {
      const m = await fails(data, candidate);
      if (m) [best, query, progress] = [m, candidate, true];
    }
    for (let i = data.records.length - 1; i >= 0 && data.records.length > 1; i--) {
      const d: Data = {
        records: data.records.filter((_, j) => j !== i),
        edges: data.edges.filter((e) => e.from !== i && e.to !== i).map((e) => ({ ...e, from: e.from > i ? e.from - 1 : e.from, to: e.to > i ? e.to - 1 : e.to })),
      };
      const q = renumber(query, i);
      const m = await fails(d, q);
      if (m) [best, data, query, progress] = [m, d, q, true];
    }
    for (let i = data.edges.length - 1; i >= 0; i--) {
      const d = { ...data, edges: data.edges.filter((_, j) => j !== i) };
      const m = await fails(d, query);
      if (m) [best, data, progress] = [m, d, true];
    }
    for (let i = 0; i < data.records.length; i++) {
      for (const k of Object.keys(data.records[i]!.data)) {
        const records = data.records.map((r, j) => (j === i ? { ...r, data: Object.fromEntries(Object.entries(r.data).filter(([p]) => p !== k)) } : r));
        const m = await fails({ ...data, records }, query);
        if (m) [best, data, progress] = [m, { ...data, records }, true];
      }
    }
  }
  return best;
}

/** The query with one object key or array element removed, for each one (outermost first). */
function* smaller(q: Json): Generator<Json> {
  if (Array.isArray(q)) {
    for (let i = 0; i < q.length; i++) yield q.filter((_, j) => j !== i);
    for (let i = 0; i < q.length; i++) for (const s of smaller(q[i])) yield q.map((x, j) => (j === i ? s : x));
  } else if (typeof q === 'object' && q !== null) {
    const entries = Object.entries(q);
    for (const [k] of entries) yield Object.fromEntries(entries.filter(([x]) => x !== k));
    for (const [k, v] of entries) for (const s of smaller(v)) yield Object.fromEntries(entries.map(([x, y]) => [x, x === k ? s : y]));
  }
}

const stats = { runs: 0, queries: 0, empty: 0, some: 0, all: 0 };
afterAll(() => console.log(`differential (${backendName}): ${stats.runs} datasets, ${stats.queries} queries; matched none ${stats.empty}, some ${stats.some}, all candidates ${stats.all}`));

describe(`query language: SQL engine vs reference evaluator (${backendName})`, () => {
  it('returns the same ids, in the same order, and the same total', async () => {
    const seed0 = process.env.DIFF_SEED ? Number(process.env.DIFF_SEED) : Math.floor(Math.random() * 2 ** 31);
    const numRuns = Number(process.env.DIFF_RUNS ?? 60);
    console.log(`differential (${backendName}): seed ${seed0}, ${numRuns} runs`);
    await fc.assert(
      fc.asyncProperty(scenario, async ([data, queries]) => {
        stats.runs++;
        const s = await seed(data);
        const ref = new Dataset(s.records, s.edges);
        for (const generated of queries) {
          const { expected, disagreement } = await compare(s, generated);
          if (disagreement) {
            const minimal = process.env.DIFF_MINIMISE === '0' ? undefined : await minimise(data, generated);
            throw new Error(`${disagreement}${minimal ? `\n\nminimised:\n${minimal}` : ''}`);
          }
          // How selective the queries are, to keep the generator honest (a test of empty answers proves little).
          stats.queries++;
          const candidates = ref.search({ labels: (generated as RefQuery).labels, limit: 1000 }).total;
          if (expected.total === 0) stats.empty++;
          else if (expected.total === candidates) stats.all++;
          else stats.some++;
        }
      }),
      // No fast-check shrinking (see minimise); the failing seed is printed for a replay.
      { seed: seed0, numRuns, endOnFailure: true },
    );
  }, 600_000);
});
