import { expect, test } from '@playwright/test';
import { asMaster, createProject, expectError, expectStatus, REST } from '../../helpers/api';
import { E2E_DATABASE_KIND } from '../../helpers/env';

/**
 * Tests that hold a transaction open on purpose. On the embedded database that holds the only
 * connection, so this project runs after the others, one test at a time (playwright.config.ts).
 */
test('while a transaction is open, a request outside it answers 503 (embedded) or does not see it (PostgreSQL)', async ({
  request,
}) => {
  const p = await createProject(request, 'txwait');
  const h = asMaster(p.id);
  const tx = (await (await request.post(`${REST}/tx`, { headers: h, data: { ttl: 20_000 } })).json()).data.id as string;
  await expectStatus(
    await request.post(`${REST}/records`, {
      headers: { ...h, 'x-transaction-id': tx },
      data: { label: 'W', data: {} },
    }),
    201,
  );
  const outside = await request.post(`${REST}/records/search`, { headers: h, data: { labels: ['W'] } });
  if (E2E_DATABASE_KIND === 'embedded') await expectError(outside, 503, 'UNAVAILABLE');
  else expect((await outside.json()).total).toBe(0);
  await expectStatus(await request.post(`${REST}/tx/${tx}/rollback`, { headers: h }), 200);
});
