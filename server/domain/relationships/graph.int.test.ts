import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engram } from '@/server/engram';
import { backendName, httpClient, startTestEngram, uniqueName } from '@/server/test/harness';

let engram: Engram;
let api: ReturnType<typeof httpClient>;
beforeAll(async () => {
  engram = await startTestEngram();
  api = httpClient(engram);
});
afterAll(() => engram?.close());

type Node = { id: string; label: string; caption: string | null; start: boolean; hidden: number };
type Graph = { nodes: Node[]; edges: { sourceId: string; targetId: string; type: string }[]; truncated: boolean };

async function project() {
  const name = uniqueName('graph');
  expect((await api.rest('POST', '/projects', { body: { name } })).status).toBe(201);
  const call = (method: string, path: string, body?: unknown) => api.rest(method, path, { project: name, body });
  const make = async (label: string, data: Record<string, unknown>) =>
    (await call('POST', '/records', { label, data })).body.data.__id as string;
  const link = (from: string, to: string | string[], type: string) =>
    call('POST', `/relationships/${from}`, { targetIds: to, type });
  const graph = async (input: unknown): Promise<Graph> => {
    const res = await call('POST', '/relationships/graph', input);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data as Graph;
  };
  return { name, call, make, link, graph };
}

/** Customers placing orders that contain a product; one customer referred another, one has no orders. */
async function shop() {
  const p = await project();
  const [ada, bob, cy] = [
    await p.make('Customer', { name: 'Ada' }),
    await p.make('Customer', { name: 'Bob' }),
    await p.make('Customer', { name: 'Cy' }),
  ];
  const [o1, o2, o3] = [
    await p.make('Order', { code: 'O1', total: 3 }),
    await p.make('Order', { code: 'O2' }),
    await p.make('Order', { code: 'O3' }),
  ];
  const lamp = await p.make('Product', { title: 'Lamp', price: 20 });
  await p.link(ada, [o1, o2], 'PLACED');
  await p.link(bob, o3, 'PLACED');
  await p.link(o1, lamp, 'CONTAINS');
  await p.link(o3, lamp, 'CONTAINS');
  await p.link(ada, bob, 'REFERRED');
  return { ...p, ada, bob, cy, o1, o2, o3, lamp };
}

const ids = (g: Graph) => g.nodes.map((n) => n.id).sort();
const hidden = (g: Graph) => Object.fromEntries(g.nodes.map((n) => [n.id, n.hidden]));
const edgeSet = (g: Graph) => g.edges.map((e) => `${e.sourceId} ${e.type} ${e.targetId}`).sort();

describe(`graph (${backendName})`, () => {
  it('starts from a label: its records, their neighbours, the edges among them, and what each node leaves out', async () => {
    const s = await shop();
    const g = await s.graph({ label: 'Customer' });
    expect(g.nodes.slice(0, 3).map((n) => [n.caption, n.start])).toEqual([
      ['Ada', true],
      ['Bob', true],
      ['Cy', true],
    ]);
    expect(ids(g)).toEqual([s.ada, s.bob, s.cy, s.o1, s.o2, s.o3].sort());
    expect(edgeSet(g)).toEqual(
      [
        `${s.ada} PLACED ${s.o1}`,
        `${s.ada} PLACED ${s.o2}`,
        `${s.ada} REFERRED ${s.bob}`,
        `${s.bob} PLACED ${s.o3}`,
      ].sort(),
    );
    expect(hidden(g)).toEqual({ [s.ada]: 0, [s.bob]: 0, [s.cy]: 0, [s.o1]: 1, [s.o2]: 0, [s.o3]: 1 });
    expect(g.nodes.find((n) => n.id === s.o1)).toEqual({
      id: s.o1,
      label: 'Order',
      caption: 'O1',
      start: false,
      hidden: 1,
    });
    expect(g.truncated).toBe(false);
    expect(await s.graph({ label: 'Nobody' })).toEqual({ nodes: [], edges: [], truncated: false });
  });

  it('starts from a record, and expands by asking again with more ids (edges and counts stay consistent)', async () => {
    const s = await shop();
    const one = await s.graph({ ids: [s.o1.toUpperCase()] });
    expect(ids(one)).toEqual([s.ada, s.o1, s.lamp].sort());
    expect(one.nodes[0]).toMatchObject({ id: s.o1, start: true });
    expect(hidden(one)).toEqual({ [s.o1]: 0, [s.ada]: 2, [s.lamp]: 1 });

    const expanded = await s.graph({ ids: [s.o1, s.lamp] });
    expect(ids(expanded)).toEqual([s.ada, s.o1, s.o3, s.lamp].sort());
    expect(edgeSet(expanded)).toEqual(
      [`${s.ada} PLACED ${s.o1}`, `${s.o1} CONTAINS ${s.lamp}`, `${s.o3} CONTAINS ${s.lamp}`].sort(),
    );
    expect(hidden(expanded)).toEqual({ [s.o1]: 0, [s.lamp]: 0, [s.ada]: 2, [s.o3]: 1 });

    // A label and ids together: the label's records join the expanded ones.
    const both = await s.graph({ label: 'Product', ids: [s.o2] });
    expect(ids(both)).toEqual([s.ada, s.o1, s.o2, s.o3, s.lamp].sort());
    expect(both.nodes.filter((n) => n.start).map((n) => n.id)).toEqual([s.o2, s.lamp]);
  });

  it('filters relationship types and neighbour labels; start records always show', async () => {
    const s = await shop();
    const referred = await s.graph({ label: 'Customer', types: ['REFERRED'] });
    expect(ids(referred)).toEqual([s.ada, s.bob, s.cy].sort());
    expect(edgeSet(referred)).toEqual([`${s.ada} REFERRED ${s.bob}`]);
    expect(hidden(referred)).toEqual({ [s.ada]: 0, [s.bob]: 0, [s.cy]: 0 });
    const none = await s.graph({ ids: [s.ada], types: [] });
    expect(none).toEqual({ nodes: [expect.objectContaining({ id: s.ada, hidden: 0 })], edges: [], truncated: false });

    const products = await s.graph({ ids: [s.o1], labels: ['Product'] });
    expect(ids(products)).toEqual([s.o1, s.lamp].sort());
    expect(edgeSet(products)).toEqual([`${s.o1} CONTAINS ${s.lamp}`]);
    // Counts stay within the filter: the lamp's other order and the order's customer are not "more".
    expect(hidden(products)).toEqual({ [s.o1]: 0, [s.lamp]: 0 });
    const orders = await s.graph({ label: 'Customer', labels: ['Order'] });
    expect(ids(orders)).toEqual([s.ada, s.bob, s.cy, s.o1, s.o2, s.o3].sort());
    expect(edgeSet(orders)).toContain(`${s.ada} REFERRED ${s.bob}`);
  });

  it('bounds the nodes: truncated, hidden counts, neighbours taken in turns across start records', async () => {
    const p = await project();
    const hub = await p.make('Hub', { name: 'big' });
    const small = await p.make('Hub', { name: 'small' });
    const leaves = (
      await p.call('POST', '/records/import/json', {
        label: 'Leaf',
        data: Array.from({ length: 30 }, (_, i) => ({ i })),
        options: { returnResult: true },
      })
    ).body.data.records.map((r: { __id: string }) => r.__id) as string[];
    await p.link(hub, leaves, 'HAS');
    await p.link(small, leaves.slice(27), 'HAS');

    const bounded = await p.graph({ ids: [hub], limit: 10 });
    expect(bounded.nodes).toHaveLength(10);
    expect(bounded.truncated).toBe(true);
    expect(bounded.nodes[0]).toMatchObject({ id: hub, hidden: 21 });
    expect(bounded.nodes.slice(1).map((n) => n.id)).toEqual(leaves.slice(0, 9));
    expect(bounded.nodes.slice(1).map((n) => n.caption)).toEqual(Array.from({ length: 9 }, (_, i) => String(i)));

    // Small's three leaves are its first three turns, so they beat the big hub's later leaves.
    const fair = await p.graph({ ids: [hub, small], limit: 8 });
    expect(fair.nodes.map((n) => n.id)).toEqual([
      hub,
      small,
      leaves[0],
      leaves[27],
      leaves[1],
      leaves[28],
      leaves[2],
      leaves[29],
    ]);
    expect(hidden(fair)[small]).toBe(0);

    // From a label, half the budget goes to its records first so their neighbours fit; what the
    // neighbours leave goes to more of the label's records.
    const fromLabel = await p.graph({ label: 'Leaf', limit: 10 });
    expect(fromLabel.nodes.filter((n) => n.start).map((n) => n.id)).toEqual(leaves.slice(0, 9));
    expect(ids(fromLabel)).toEqual([...leaves.slice(0, 9), hub].sort());
    expect(fromLabel.truncated).toBe(true);
    expect(hidden(fromLabel)[hub]).toBe(21);
    const unlinked = await p.graph({ label: 'Leaf', types: [], limit: 10 });
    expect(unlinked.nodes.map((n) => n.id)).toEqual(leaves.slice(0, 10));

    const all = await p.graph({ ids: [hub], limit: 500 });
    expect(all.nodes).toHaveLength(31);
    expect(all.truncated).toBe(false);
  });

  it('captions prefer name-like properties; records without text have none', async () => {
    const p = await project();
    const a = await p.make('Thing', { zeta: 'z', Title: 'A title', count: 2 });
    const b = await p.make('Thing', { flag: true, tags: ['a', 'b'] });
    const c = await p.make('Thing', { amount: 7, note: 'x'.repeat(200) });
    const g = await p.graph({ ids: [a, b, c] });
    expect(g.nodes.map((n) => n.caption)).toEqual(['A title', null, 'x'.repeat(80)]);
  });

  it('stays inside the project, names a missing record, and validates its input', async () => {
    const s = await shop();
    const other = await project();
    const zed = await other.make('Customer', { name: 'Zed' });
    expect((await other.graph({ label: 'Customer' })).nodes.map((n) => n.caption)).toEqual(['Zed']);
    const foreign = await other.call('POST', '/relationships/graph', { ids: [zed, s.ada] });
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.details).toMatchObject({ path: ['ids', 1], got: s.ada });
    expect((await s.graph({ label: 'Customer' })).nodes.map((n) => n.caption)).not.toContain('Zed');

    expect((await s.call('POST', '/relationships/graph', {})).body.error.details.path).toEqual(['label']);
    expect((await s.call('POST', '/relationships/graph', { ids: [s.ada], limit: 501 })).status).toBe(400);
    expect((await s.call('POST', '/relationships/graph', { ids: ['nope'] })).status).toBe(400);
    expect((await s.call('POST', '/relationships/graph', { ids: [s.ada], depth: 2 })).status).toBe(400);

    const viaTrpc = await api.trpcQuery('relationships.graph', { ids: [s.o2] }, { project: s.name });
    expect(viaTrpc.status).toBe(200);
    expect(viaTrpc.body.result.data.nodes.map((n: Node) => n.caption)).toEqual(['O2', 'Ada']);
  });
});
