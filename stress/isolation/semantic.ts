import type { Endpoint } from '../bad-input/endpoints';
import type { SeededProject } from '../lib/seed';
import { allows, request, type Call, type Principal } from './calls';

/**
 * Calls that name B's objects inside A's inputs, where the query language and the write paths could
 * reach across: `$id` filters, traversal blocks, relationship targets, vectors for B's records, batch ops
 * with raw ids and `{ "$op" }` references, graph starts, search, and — in the 'allowed' phase — writes to A
 * that match B's values (mergeBy on B's emails) or approve A's own suggestion. `expect: null` means the
 * call may succeed; then the leak scan and the snapshots (B unchanged, A unchanged in the 'refused'
 * phase) decide.
 */
type Def = { id: string; input: Record<string, unknown>; expect: number[] | null; note: string };

export function semanticCalls(
  a: SeededProject,
  b: SeededProject,
  principals: Principal[],
  endpoints: Endpoint[],
  phase: 'refused' | 'allowed',
): Call[] {
  const bc = b.records.customer[0]!;
  const bm = b.records.memory[0]!;
  const bd = b.records.doc[0]!;
  const ac = a.records.customer[0]!;
  const am = a.records.memory[0]!;
  const bEmail = `${b.marker}.c0@example.test`;
  const refused: Def[] = [
    { id: 'POST /records/search', input: { where: { $id: bc } }, expect: null, note: '$id = a B record' },
    {
      id: 'POST /records/search',
      input: { where: { $id: { $in: b.allRecordIds } } },
      expect: null,
      note: '$id $in every B record',
    },
    {
      id: 'POST /records/search',
      input: { labels: ['MEMORY'], where: { CUSTOMER: { $relation: { type: 'ABOUT', direction: 'out' }, $id: bc } } },
      expect: null,
      note: 'traversal to a B customer by $id',
    },
    {
      id: 'POST /records/search',
      input: { where: { CUSTOMER: { $relation: { direction: 'out', hops: { max: 3 } }, email: bEmail } } },
      expect: null,
      note: "traversal filtered on B's value",
    },
    { id: 'POST /records/search', input: { where: { email: bEmail } }, expect: null, note: "B's email as a filter" },
    {
      id: 'POST /records/search',
      input: { labels: ['CUSTOMER'], select: { n: { $count: '*' }, names: { $collect: '$record.name' } } },
      expect: null,
      note: 'aggregate over a label both projects have',
    },
    { id: 'POST /records/delete', input: { where: { $id: bc } }, expect: null, note: 'delete by $id of a B record' },
    {
      id: 'POST /records/delete',
      input: { labels: ['CUSTOMER'], where: { email: bEmail } },
      expect: null,
      note: "delete by B's value",
    },
    {
      id: 'POST /records/export/csv',
      input: { where: { $id: { $in: b.allRecordIds } } },
      expect: null,
      note: 'export B records by $id',
    },
    { id: 'POST /labels/search', input: { where: { $id: bc } }, expect: null, note: 'label counts by $id of B' },
    { id: 'POST /properties/search', input: { where: { $id: bc } }, expect: null, note: 'properties by $id of B' },
    { id: 'POST /properties/values', input: { property: 'email' }, expect: null, note: 'distinct emails' },
    {
      id: 'POST /properties/values',
      input: { property: 'name', query: b.marker },
      expect: null,
      note: "values containing B's marker",
    },
    {
      id: 'POST /relationships/search',
      input: { source: { where: { $id: bm } } },
      expect: null,
      note: 'edges from a B record',
    },
    {
      id: 'POST /relationships/search',
      input: { target: { where: { $id: bc } } },
      expect: null,
      note: 'edges to a B record',
    },
    { id: 'POST /relationships/graph', input: { ids: [bc, bm] }, expect: null, note: 'graph from B records' },
    {
      id: 'POST /relationships/graph',
      input: { label: 'CUSTOMER', limit: 500 },
      expect: null,
      note: 'graph of a shared label',
    },
    {
      id: 'POST /ai/search',
      input: { labels: ['MEMORY'], propertyName: 'text', query: `${b.marker} remembers tea`, mode: 'hybrid' },
      expect: null,
      note: "search for B's text",
    },
    {
      id: 'POST /ai/search',
      input: { labels: ['MEMORY'], propertyName: 'text', query: 'tea', mode: 'keyword', where: { $id: bm } },
      expect: null,
      note: 'search filtered to a B record',
    },
    {
      id: 'POST /ai/search',
      input: { labels: ['DOC'], propertyName: 'title', queryVector: [1, 0, 0.5], mode: 'semantic', exact: true },
      expect: null,
      note: 'vector search on an external index',
    },
    {
      id: 'POST /relationships/{sourceId}',
      input: { sourceId: ac, targetIds: [bc] },
      expect: [404],
      note: 'attach to a B record',
    },
    {
      id: 'POST /relationships/{sourceId}',
      input: { sourceId: ac, targetIds: [a.records.customer[1], bc] },
      expect: [404],
      note: 'attach to an A and a B record',
    },
    {
      id: 'PUT /relationships/{sourceId}',
      input: { sourceId: ac, targetIds: [bc] },
      expect: null,
      note: 'detach from a B record',
    },
    {
      id: 'POST /ai/indexes/{id}/vectors',
      input: { id: a.indexIds.external, items: [{ recordId: bd, vector: [1, 2, 3] }] },
      expect: [400, 404],
      note: 'a vector for a B record in an A index',
    },
    {
      id: 'POST /batch',
      input: { ops: [{ op: 'update', id: bc, data: { hacked: true } }] },
      expect: [400, 404],
      note: 'batch update of a B record',
    },
    {
      id: 'POST /batch',
      input: { ops: [{ op: 'set', id: bc, data: {} }] },
      expect: [400, 404],
      note: 'batch set of a B record',
    },
    {
      id: 'POST /batch',
      input: { ops: [{ op: 'delete', id: bc }] },
      expect: [400, 404],
      note: 'batch delete of a B record',
    },
    {
      id: 'POST /batch',
      input: {
        ops: [
          { op: 'create', label: 'ISO', data: { k: 1 } },
          { op: 'attach', sourceId: { $op: 0 }, targetIds: bc },
        ],
      },
      expect: [400, 404],
      note: '$op-created record attached to a B record',
    },
    {
      id: 'POST /batch',
      input: {
        ops: [
          { op: 'create', label: 'ISO', data: { k: 1 } },
          { op: 'attach', sourceId: bm, targetIds: { $op: 0 } },
        ],
      },
      expect: [400, 404],
      note: 'B record attached to a $op-created record',
    },
    {
      id: 'POST /batch',
      input: { ops: [{ op: 'attach', sourceId: bc, targetIds: ac }] },
      expect: [400, 404],
      note: 'batch attach from a B record',
    },
    {
      id: 'POST /batch',
      input: { ops: [{ op: 'detach', sourceId: am, targetIds: [bc] }] },
      expect: null,
      note: 'batch detach from a B record',
    },
    {
      id: 'GET /records/{id}/neighbors',
      input: { id: am, depth: 3 },
      expect: null,
      note: 'neighbours of an A record, 3 hops',
    },
    { id: 'GET /records/{id}/relationships', input: { id: am }, expect: null, note: "an A record's relationships" },
    { id: 'GET /schema', input: {}, expect: null, note: 'live schema' },
    { id: 'GET /schema/markdown', input: {}, expect: null, note: 'schema as Markdown' },
    { id: 'GET /relationships/suggestions', input: { status: 'suggested' }, expect: null, note: 'suggestions' },
    { id: 'GET /ai/indexes', input: {}, expect: null, note: 'indexes' },
    { id: 'GET /keys', input: {}, expect: null, note: 'keys' },
    { id: 'GET /tx', input: {}, expect: null, note: 'open transactions' },
    { id: 'GET /projects/current', input: {}, expect: null, note: 'current project' },
    {
      id: 'records.find',
      input: { where: { $id: { $in: b.allRecordIds } } },
      expect: null,
      note: 'tRPC find by B ids',
    },
    {
      id: 'records.search',
      input: { where: { CUSTOMER: { $relation: { direction: 'out' }, $id: bc } } },
      expect: null,
      note: 'tRPC traversal to a B record',
    },
    {
      id: 'relationships.attach',
      input: { sourceId: am, targetIds: [bc] },
      expect: [404],
      note: 'tRPC attach to a B record',
    },
    {
      id: 'batch.run',
      input: {
        ops: [
          { op: 'create', label: 'ISO' },
          { op: 'attach', sourceId: { $op: 0 }, targetIds: [bc] },
        ],
      },
      expect: [400, 404],
      note: 'tRPC batch $op to a B record',
    },
    {
      id: 'ai.search',
      input: { labels: ['MEMORY'], propertyName: 'text', query: `${b.marker} remembers`, mode: 'keyword' },
      expect: null,
      note: "tRPC keyword search for B's marker",
    },
  ];
  const allowed: Def[] = [
    {
      id: 'POST /records',
      input: { label: 'CUSTOMER', data: { email: bEmail, name: 'A, not B' }, options: { mergeBy: ['email'] } },
      expect: [201],
      note: "upsert by B's email",
    },
    {
      id: 'POST /records/import/json',
      input: {
        label: 'CUSTOMER',
        data: [{ email: `${b.marker}.c1@example.test`, name: 'imported into A' }],
        options: { mergeBy: ['email'], returnResult: true },
      },
      expect: [200],
      note: "import upserting by B's email",
    },
    {
      id: 'POST /batch',
      input: {
        ops: [{ op: 'upsert', label: 'CUSTOMER', data: { email: `${b.marker}.c2@example.test` }, mergeBy: ['email'] }],
      },
      expect: [200],
      note: "batch upsert by B's email",
    },
    ...(a.suggestionIds[0]
      ? [
          {
            id: 'POST /relationships/suggestions/{id}/approve',
            input: { id: a.suggestionIds[0] },
            expect: [200],
            note: "approving A's own suggestion",
          },
        ]
      : []),
    { id: 'POST /relationships/suggestions/analyze', input: { wait: true }, expect: [202], note: 'analysis of A' },
  ];
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  const calls: Call[] = [];
  for (const d of phase === 'refused' ? refused : allowed) {
    const e = byId.get(d.id);
    if (!e) throw new Error(`isolation: no operation ${d.id} (renamed? update stress/isolation/semantic.ts)`);
    const who =
      phase === 'allowed' ? principals.filter((p) => allows(p, e)).slice(0, 1) : principals.filter((p) => allows(p, e));
    for (const p of who)
      calls.push({
        group: phase === 'refused' ? "B's ids and values in A's inputs" : "A's writes naming B's values",
        principal: p,
        spec: request(e, d.input, p.headers, 'semantic', d.note),
        expect: d.expect,
        note: '',
      });
  }
  return calls;
}
