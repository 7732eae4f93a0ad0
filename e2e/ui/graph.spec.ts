import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { asMaster, createProject, expectStatus, REST, type Project } from '../helpers/api';
import { logInTo } from '../helpers/console';

/**
 * The Graph page on projects of their own. Cytoscape draws on a canvas, so the test reads the
 * accessible lists beside it ("Graph nodes", "Graph edges"), which show exactly what the canvas does.
 */
async function post<T = any>(
  request: APIRequestContext,
  project: Project,
  path: string,
  data: unknown,
  status = 200,
): Promise<T> {
  const res = await request.post(`${REST}${path}`, { headers: asMaster(project.id), data });
  await expectStatus(res, status);
  return ((await res.json()) as { data: T }).data;
}

/** Customers with nested orders (HAS_ORDERS), a product two orders contain, a referral between customers. */
async function seedShop(request: APIRequestContext, project: Project) {
  await post(request, project, '/records/import/json', {
    label: 'Customer',
    data: [
      { name: 'Ada', orders: [{ code: 'O-1' }, { code: 'O-2' }] },
      { name: 'Bob', orders: [{ code: 'O-3' }] },
      { name: 'Cy' },
    ],
  });
  const find = async (label: string) =>
    Object.fromEntries(
      (
        await post<{ __id: string; name?: string; code?: string }[]>(request, project, '/records/search', {
          labels: [label],
        })
      ).map((r) => [r.name ?? r.code, r.__id]),
    );
  const customers = await find('Customer');
  const orders = await find('orders');
  const lamp = (
    await post<{ __id: string }>(
      request,
      project,
      '/records',
      { label: 'Product', data: { title: 'Lamp', price: 20 } },
      201,
    )
  ).__id;
  await post(request, project, `/relationships/${orders['O-1']}`, { targetIds: [lamp], type: 'CONTAINS' });
  await post(request, project, `/relationships/${orders['O-3']}`, { targetIds: [lamp], type: 'CONTAINS' });
  await post(request, project, `/relationships/${customers.Ada}`, { targetIds: [customers.Bob], type: 'REFERRED' });
  return { lamp, o1: orders['O-1']! };
}

const nodes = (page: Page) => page.getByRole('list', { name: 'Graph nodes' }).getByRole('listitem');
const edges = (page: Page) => page.getByRole('list', { name: 'Graph edges' }).getByRole('listitem');
/** The edges listed, in any order (the API orders them by record id). */
const expectEdges = (page: Page, expected: string[]) =>
  expect
    .poll(async () => (await edges(page).allInnerTexts()).map((t) => t.trim()).sort())
    .toEqual([...expected].sort());
/** Taps a node on the canvas where Cytoscape drew it, once the layout has settled. */
async function tapNode(page: Page, id: string) {
  const canvas = page.getByTestId('graph-canvas');
  await expect(canvas).toHaveAttribute('data-layout', 'done');
  // Cytoscape keeps its instance on the container (`_cyreg`); the test reads where the node is drawn.
  const at = await canvas.evaluate(
    (el, nodeId) =>
      (el as unknown as { _cyreg: { cy: any } })._cyreg.cy.getElementById(nodeId).renderedPosition() as {
        x: number;
        y: number;
      },
    id,
  );
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(box.x + at.x, box.y + at.y);
}
const typeFilter = (page: Page, name: string) =>
  page.getByRole('group', { name: 'Relationship types' }).getByRole('checkbox', { name: new RegExp(`^${name} \\(`) });
const labelFilter = (page: Page, name: string) =>
  page.getByRole('group', { name: 'Labels' }).getByRole('checkbox', { name: new RegExp(`^${name} \\(`) });

test('graph: from a label, expand, details, from a record, type and label filters', async ({ page, request }) => {
  const project = await createProject(request, 'ui-graph');
  await logInTo(page, project, '/graph');

  await test.step('an empty project says so', async () => {
    await expect(page.getByRole('heading', { name: 'No records yet' })).toBeVisible();
  });

  const { lamp, o1 } = await seedShop(request, project);

  await test.step('start from a label: its records, their neighbours and the edges among them', async () => {
    await page.reload();
    await page.getByLabel('Label', { exact: true }).selectOption('Customer');
    await page.getByRole('button', { name: 'Show graph' }).click();
    await expect(page).toHaveURL(/\/graph\?label=Customer$/);
    await expect(nodes(page)).toHaveCount(6);
    await expectEdges(page, [
      'Ada HAS_ORDERS → O-1',
      'Ada HAS_ORDERS → O-2',
      'Ada REFERRED → Bob',
      'Bob HAS_ORDERS → O-3',
    ]);
    await expect(page.getByRole('status').filter({ hasText: 'Showing 6 nodes and 4 relationships.' })).toBeVisible();
    // Cytoscape loaded and drew (on a canvas the lists stand in for).
    await expect(page.getByTestId('graph-canvas').locator('canvas').first()).toBeAttached();
  });

  await test.step('expand a node: its neighbour joins, with every edge among the nodes shown', async () => {
    await nodes(page).filter({ hasText: 'O-1' }).getByRole('button', { name: 'Expand O-1 (+1 more)' }).click();
    await expect(page).toHaveURL(new RegExp(`\\?label=Customer&expand=${o1}$`));
    await expect(nodes(page)).toHaveCount(7);
    await expect(edges(page)).toHaveCount(6);
    await expect(edges(page).filter({ hasText: 'CONTAINS' })).toHaveCount(2);
    await expect(edges(page).filter({ hasText: 'O-3 CONTAINS → Lamp' })).toBeVisible();
    await expect(page.getByRole('button', { name: /^Expand / })).toHaveCount(0);
  });

  await test.step('select a node: its label, properties and a link to the record', async () => {
    await page.getByRole('button', { name: 'Lamp', exact: true }).click();
    const details = page.getByRole('region', { name: 'Lamp' });
    await expect(details).toContainText('Product');
    await expect(details.getByRole('definition')).toContainText(['20', 'Lamp']);
    await details.getByRole('link', { name: 'Open in Records' }).click();
    await expect(page).toHaveURL(new RegExp(`/records\\?label=Product&record=${lamp}$`));
    await expect(page.getByRole('dialog').getByRole('heading', { name: lamp })).toBeVisible();
  });

  await test.step('open the graph from a record (the drawer links to it)', async () => {
    await page.getByRole('dialog').getByRole('link', { name: 'Show in graph' }).click();
    await expect(page).toHaveURL(new RegExp(`/graph\\?id=${lamp}$`));
    await expect(nodes(page)).toHaveCount(3);
    await expectEdges(page, ['O-1 CONTAINS → Lamp', 'O-3 CONTAINS → Lamp']);
    await expect(
      nodes(page).filter({ hasText: 'O-3' }).getByRole('button', { name: 'Expand O-3 (+1 more)' }),
    ).toBeVisible();
  });

  await test.step('filter relationship types', async () => {
    await nodes(page)
      .filter({ hasText: 'O-1' })
      .getByRole('button', { name: /^Expand O-1/ })
      .click();
    await expect(nodes(page)).toHaveCount(4);
    await expectEdges(page, ['Ada HAS_ORDERS → O-1', 'O-1 CONTAINS → Lamp', 'O-3 CONTAINS → Lamp']);
    await typeFilter(page, 'HAS_ORDERS').uncheck();
    await expect(page).toHaveURL(/hideType=HAS_ORDERS/);
    await expectEdges(page, ['O-1 CONTAINS → Lamp', 'O-3 CONTAINS → Lamp']);
    await expect(nodes(page)).toHaveCount(3);
    await page.getByRole('button', { name: 'Show all relationship types' }).click();
    await expect(typeFilter(page, 'HAS_ORDERS')).toBeChecked();
    await expect(nodes(page)).toHaveCount(4);
  });

  await test.step('filter labels (the start record always shows)', async () => {
    await labelFilter(page, 'orders').uncheck();
    // O-3 (an order reached from the lamp) goes; O-1 stays as a start record, Ada as its neighbour.
    await expectEdges(page, ['Ada HAS_ORDERS → O-1', 'O-1 CONTAINS → Lamp']);
    await expect(nodes(page)).toHaveCount(3);
    await expect(nodes(page).filter({ hasText: 'O-3' })).toHaveCount(0);
    await page.goBack();
    await expect(labelFilter(page, 'orders')).toBeChecked();
    await expect(nodes(page)).toHaveCount(4);
  });
});

test('graph: a bounded graph offers more; no relationships and a missing record say so', async ({ page, request }) => {
  const project = await createProject(request, 'ui-graph-more');
  const hub = (
    await post<{ __id: string }>(
      request,
      project,
      '/records',
      { label: 'Hub', data: { name: 'Hub', leaves: Array.from({ length: 105 }, (_, i) => ({ n: i })) } },
      201,
    )
  ).__id;
  await post(request, project, '/records', { label: 'Lonely', data: { name: 'Solo' } }, 201);
  await logInTo(page, project, `/graph?id=${hub}`);

  await test.step('at most 100 nodes, with "+k more" on the hub and a way to show more', async () => {
    await expect(nodes(page)).toHaveCount(100);
    await expect(page.getByText('Not everything fits in 100 nodes.')).toBeVisible();
    await expect(
      nodes(page).first().getByRole('button', { name: 'Show more nodes around Hub (+6 more)' }),
    ).toBeVisible();
    await page.getByRole('button', { name: 'Show up to 200 nodes' }).click();
    await expect(nodes(page)).toHaveCount(106);
    await expect(edges(page)).toHaveCount(105);
    await expect(page.getByText('Not everything fits in')).toHaveCount(0);
  });

  await test.step('tap a node on the canvas: it is selected and expanded', async () => {
    const [leaf] = await post<{ __id: string }[]>(request, project, '/records/search', {
      labels: ['leaves'],
      where: { n: 104 },
    });
    await page.goto(`/graph?id=${leaf!.__id}`);
    await expect(nodes(page)).toHaveCount(2);
    await tapNode(page, hub);
    await expect(page.getByRole('region', { name: 'Hub' })).toBeVisible();
    await expect(page).toHaveURL(new RegExp(`expand=${hub}`));
    await expect(nodes(page)).toHaveCount(100);
  });

  await test.step('a record without relationships', async () => {
    await page.getByLabel('Label', { exact: true }).selectOption('Lonely');
    await page.getByLabel('or record id').fill('');
    await page.getByRole('button', { name: 'Show graph' }).click();
    await expect(nodes(page)).toHaveText(['Solo Lonely start']);
    await expect(page.getByText('These records have no relationships within the filters.')).toBeVisible();
  });

  await test.step('a record id that does not exist', async () => {
    const ghost = '01900000-0000-7000-8000-00000000abcd';
    await page.getByLabel('or record id').fill(ghost);
    await page.getByRole('button', { name: 'Show graph' }).click();
    await expect(page.getByRole('alert').filter({ hasText: `Record ${ghost} not found` })).toBeVisible();
  });
});
