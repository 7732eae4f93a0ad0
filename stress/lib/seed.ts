import type { Client } from './client';

/**
 * A project with a bit of everything, made through the API with the master key: customers, orders that
 * point at them by id (so analysis suggests a rule), memories with a nested child record and a managed
 * index on their text, documents with an external 3-d index, explicit relationships, keys of every scope
 * (plus spare "victim" keys that scenarios may revoke), and one committed and one rolled-back transaction.
 * Every string value carries `marker`, so a scenario can recognise this project's data in any response.
 */
export type SeededProject = {
  name: string;
  id: string;
  marker: string;
  records: { customer: string[]; order: string[]; memory: string[]; doc: string[]; child: string[] };
  allRecordIds: string[];
  labels: string[];
  indexIds: { managed: string; external: string };
  suggestionIds: string[];
  keys: { read: string; write: string; admin: string };
  keyIds: { read: string; write: string; admin: string };
  victimKeyIds: string[];
  tx: { committed: string; rolledBack: string };
};

async function must(
  http: Client,
  method: string,
  path: string,
  project: string | undefined,
  body?: unknown,
  token?: string,
): Promise<any> {
  const r = await http.rest(method, path, { project, body, token });
  if (r.status >= 300) throw new Error(`seed: ${method} ${path} answered ${r.status}: ${r.text.slice(0, 400)}`);
  return r.body?.data;
}

/** Labels get `suffix` so a re-seed after destructive traffic makes fresh suggestions (a rejected rule is never suggested again). */
export async function seedProject(
  http: Client,
  name: string,
  marker: string,
  opts: { create?: boolean; suffix?: string; victims?: number } = {},
): Promise<SeededProject> {
  const sfx = opts.suffix ?? '';
  const L = { customer: `CUSTOMER${sfx}`, order: `ORDER${sfx}`, memory: `MEMORY${sfx}`, doc: `DOC${sfx}` };
  const project =
    opts.create === false
      ? (await must(http, 'GET', '/projects/current', name)).project
      : await must(http, 'POST', '/projects', undefined, { name });
  const p = name;
  const customer: string[] = [];
  for (let i = 0; i < 4; i++)
    customer.push(
      (
        await must(http, 'POST', '/records', p, {
          label: L.customer,
          data: {
            name: `${marker} customer ${i}`,
            email: `${marker}.c${i}@example.test`,
            tier: i % 2 ? 'pro' : 'free',
          },
        })
      ).__id,
    );
  const order: string[] = [];
  for (let i = 0; i < 8; i++)
    order.push(
      (
        await must(http, 'POST', '/records', p, {
          label: L.order,
          data: { customer_id: customer[i % 4], total: 10 * i, note: `${marker} order ${i}` },
        })
      ).__id,
    );
  const memory: string[] = [];
  const child: string[] = [];
  for (let i = 0; i < 4; i++) {
    const r = await must(http, 'POST', '/records', p, {
      label: L.memory,
      data: { text: `${marker} remembers tea number ${i}`, importance: i, meta: { source: `${marker} meta ${i}` } },
    });
    memory.push(r.__id);
  }
  const children = await must(http, 'POST', '/records/search', p, { labels: ['meta'], limit: 1000 });
  for (const c of children ?? []) child.push(c.__id);
  const imported = await must(http, 'POST', '/records/import/json', p, {
    label: L.doc,
    data: [1, 2, 3].map((i) => ({ title: `${marker} doc ${i}` })),
    options: { returnResult: true },
  });
  const doc: string[] = imported.records.map((r: any) => r.__id);
  await must(http, 'POST', `/relationships/${memory[0]}`, p, {
    targetIds: customer.slice(0, 2),
    type: 'ABOUT',
    properties: { why: `${marker} edge` },
  });
  await must(http, 'POST', `/relationships/${doc[0]}`, p, { targetIds: [memory[1]], type: 'CITES' });
  const managed = await must(http, 'POST', '/ai/indexes', p, { label: L.memory, propertyName: 'text' });
  const external = await must(http, 'POST', '/ai/indexes', p, {
    label: L.doc,
    propertyName: 'title',
    external: true,
    dimensions: 3,
  });
  await must(http, 'POST', `/ai/indexes/${external.id}/vectors`, p, {
    items: doc.map((id, i) => ({ recordId: id, vector: [1, i, 0.5] })),
  });
  await must(http, 'POST', '/relationships/suggestions/analyze', p, { wait: true });
  const suggestions = await must(http, 'GET', '/relationships/suggestions', p);
  const key = async (scope: string, label: string) =>
    must(http, 'POST', '/keys', p, { name: `${label} ${scope}`, scope });
  const read = await key('read', 'stress');
  const write = await key('write', 'stress');
  const admin = await key('admin', 'stress');
  const victimKeyIds: string[] = [];
  for (let i = 0; i < (opts.victims ?? 2); i++) victimKeyIds.push((await key('read', `victim${i}`)).id);
  const committed = (await must(http, 'POST', '/tx', p, { ttl: 30_000 })).id;
  await must(http, 'POST', `/tx/${committed}/commit`, p);
  const rolledBack = (await must(http, 'POST', '/tx', p, { ttl: 30_000 })).id;
  await must(http, 'POST', `/tx/${rolledBack}/rollback`, p);
  await waitForIndexes(http, p);
  return {
    name,
    id: project.id,
    marker,
    records: { customer, order, memory, doc, child },
    allRecordIds: [...customer, ...order, ...memory, ...doc, ...child],
    labels: [L.customer, L.order, L.memory, L.doc, 'meta'],
    indexIds: { managed: managed.id, external: external.id },
    suggestionIds: (suggestions ?? []).map((s: any) => s.id),
    keys: { read: read.key, write: write.key, admin: admin.key },
    keyIds: { read: read.id, write: write.id, admin: admin.id },
    victimKeyIds,
    tx: { committed, rolledBack },
  };
}

/** Waits (bounded) until every managed index of the project has finished its backfill. */
export async function waitForIndexes(http: Client, project: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await must(http, 'GET', '/ai/indexes', project);
    if (list.every((i: any) => i.status === 'ready' || i.status === 'error')) return;
    if (Date.now() > deadline)
      throw new Error(
        `seed: indexes of ${project} not ready within ${timeoutMs} ms: ${JSON.stringify(list.map((i: any) => i.status))}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
