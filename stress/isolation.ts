import { restEndpoints, trpcEndpoints, type Endpoint } from './bad-input/endpoints';
import { resourceOf } from './bad-input/gen';
import type { Spec } from './bad-input/render';
import { send, type Outcome } from './bad-input/send';
import {
  allows,
  escalationCalls,
  pathIdCalls,
  principalsOf,
  projectHeaderCalls,
  request,
  type Call,
  type Principal,
} from './isolation/calls';
import { semanticCalls } from './isolation/semantic';
import { client } from './lib/client';
import { Rng, stressSeed } from './lib/rng';
import type { Scenario } from './lib/scenario';
import { seedProject, type SeededProject } from './lib/seed';
import { createDatabase, startServer } from './lib/server';
import { diffSnapshots, snapshot } from './lib/snapshot';

/**
 * Isolation: two seeded projects A and B; A's principals (the master key acting on A, A's read, write
 * and admin keys) call every operation with B's ids in paths, bodies, filters ($id), traversal blocks,
 * batch ops (raw ids and `{ "$op" }` references), relationship targets, index, suggestion and key ids,
 * B's open transaction, x-project-id naming B, and scopes too small for the operation. Invariants: no
 * response to A contains anything of B it was not sent (B is seeded with unique markers and every
 * response body is scanned for them and for B's ids); every forbidden call answers the documented
 * 401/403/404, a B project named from A's key answers exactly as a project that does not exist; B's data
 * is unchanged at the end, and A's is unchanged by the calls that must not write; no 5xx.
 */
const CONCURRENCY = 4;
const SHOW = 15;

type Outcomes = Record<
  'as expected' | 'other refusal' | 'empty 2xx' | 'leak' | 'escalation' | '5xx' | 'no answer' | 'existence told',
  number
>;

export const isolation: Scenario = async (backend) => {
  const started = Date.now();
  const seed = stressSeed();
  const rng = new Rng(seed);
  console.log(`[isolation ${backend}] seed ${seed} (STRESS_SEED=${seed} replays it)`);
  const db = backend === 'postgres' ? await createDatabase('engram_stress_isolation') : null;
  const server = await startServer({ backend, databaseUrl: db?.url, env: { ENGRAM_SUGGEST_DEBOUNCE_MS: '0' } });
  const failures: string[] = [];
  try {
    const http = client(server.url);
    const a = await seedProject(http, `iso-a-${rng.word(6)}`, `ISOA${rng.word(10)}`);
    const b = await seedProject(http, `iso-b-${rng.word(6)}`, `ISOB${rng.word(10)}`);
    const principals = principalsOf(a);
    const doc = (await http.rest('GET', '/openapi.json', { token: null })).body;
    const endpoints = [...restEndpoints(doc), ...trpcEndpoints()];
    const tokens = secretsOf(b);
    const bBefore = await snapshot(http, [b.name]);

    const outcomes: Outcomes = {
      'as expected': 0,
      'other refusal': 0,
      'empty 2xx': 0,
      leak: 0,
      escalation: 0,
      '5xx': 0,
      'no answer': 0,
      'existence told': 0,
    };
    const byGroup = new Map<string, number>();
    const covered = new Set<string>();
    const problems: string[] = [];
    const judge = (c: Call, o: Outcome): void => {
      byGroup.set(c.group, (byGroup.get(c.group) ?? 0) + 1);
      covered.add(`${c.spec.endpoint.surface} ${c.spec.endpoint.id}`);
      const where = `${c.group}: ${c.spec.note} [as ${c.principal.name}] — ${c.spec.method} ${c.spec.path.slice(0, 160)}`;
      if (o.error !== undefined)
        return void (outcomes['no answer']++, problems.push(`[no answer] ${where}: ${o.error}`));
      if (o.status >= 500)
        return void (outcomes['5xx']++, problems.push(`[5xx] ${where} → ${o.status} ${o.text.slice(0, 300)}`));
      const leaked = leaks(tokens, c.spec, o.text);
      if (leaked.length)
        return void (
          outcomes.leak++,
          problems.push(
            `[leak] ${where} → ${o.status}: the answer holds B's ${leaked.join(', ')}: ${o.text.slice(0, 400)}`,
          )
        );
      if (c.expect && !c.expect.includes(o.status)) {
        if (o.status < 300)
          return void (
            outcomes.escalation++,
            problems.push(
              `[escalation] ${where} → ${o.status} (expected ${c.expect.join('/')}): ${o.text.slice(0, 300)}`,
            )
          );
        outcomes['other refusal']++;
        problems.push(`[status] ${where} → ${o.status} (expected ${c.expect.join('/')}): ${o.text.slice(0, 300)}`);
        return;
      }
      if (o.status < 300 && !c.expect) outcomes['empty 2xx']++;
      else outcomes['as expected']++;
    };
    const run = async (calls: Call[]) => {
      const queue = [...calls];
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let c = queue.shift(); c; c = queue.shift()) judge(c, await send(server.url, c.spec));
        }),
      );
      return calls.length;
    };
    let made = 0;

    // 1. Calls that must write nothing anywhere (no transaction open: on the embedded database one would hold writes).
    const aBefore = await snapshot(http, [a.name]);
    const nonTx = endpoints.filter((e) => resourceOf(e) !== 'tx');
    const headerCalls = projectHeaderCalls(endpoints, a, b, principals, rng);
    made += await run([
      ...pathIdCalls(nonTx, a, b, principals, rng, b.tx.committed),
      ...headerCalls,
      ...escalationCalls(endpoints, a, principals, rng),
      ...semanticCalls(a, b, principals, endpoints, 'refused'),
    ]);
    made += await existenceTwins(server.url, headerCalls, outcomes, problems);
    for (const d of diffSnapshots(aBefore, await snapshot(http, [a.name])))
      failures.push(`[escalation] A changed by calls that must write nothing: ${d}`);

    // 2. B's open transaction, named from A: as if it did not exist, and still B's afterwards.
    const bTx = (await http.rest('POST', '/tx', { token: b.keys.write, body: { ttl: 60_000 } })).body.data.id as string;
    const txEndpoints = endpoints.filter(
      (e) => resourceOf(e) === 'tx' && e.pathParams.length + (e.input?.properties?.id ? 1 : 0) > 0,
    );
    made += await run([
      ...pathIdCalls(txEndpoints, a, b, principals, rng, bTx),
      ...txHeaderCalls(endpoints, principals, a, bTx, rng),
    ]);
    const still = await http.rest('GET', `/tx/${bTx}`, { token: b.keys.write });
    if (still.status !== 200)
      failures.push(
        `[escalation] B's transaction after A's calls: GET /tx/${bTx} with B's key answered ${still.status} ${still.text.slice(0, 200)} (expected 200, still open)`,
      );
    await http.rest('POST', `/tx/${bTx}/rollback`, { token: b.keys.write });

    // 3. Writes A may make that name B's values (mergeBy on B's emails, approving A's own suggestion): B unchanged.
    made += await run(semanticCalls(a, b, principals, endpoints, 'allowed'));

    for (const d of diffSnapshots(bBefore, await snapshot(http, [b.name])))
      failures.push(`[escalation] B changed: ${d}`);
    const changed = failures.filter((f) => f.startsWith('[escalation]')).length;
    const health = await http.call('GET', '/api/health', { token: null });
    if (health.status !== 200) failures.push(`health after the run: ${health.status}`);
    failures.unshift(...problems.slice(0, SHOW));
    if (problems.length > SHOW) failures.splice(SHOW, 0, `… and ${problems.length - SHOW} more`);
    return {
      scenario: 'isolation',
      backend,
      seconds: (Date.now() - started) / 1000,
      figures: {
        seed,
        'calls made': made,
        'by outcome': Object.entries(outcomes)
          .map(([k, n]) => `${k}×${n}`)
          .join(', '),
        'by group': [...byGroup].map(([k, n]) => `${k}×${n}`).join(', '),
        leaks: outcomes.leak + outcomes['existence told'],
        escalations: outcomes.escalation + changed,
        '5xx': outcomes['5xx'],
        'B tokens scanned for': tokens.length,
        'operations covered': `${covered.size}/${endpoints.length} (REST and tRPC)`,
      },
      failures,
    };
  } finally {
    await server.stop();
    await db?.drop();
  }
};

/** What of B must never reach A: its project id and name, marker, every id, every key secret. */
function secretsOf(b: SeededProject): string[] {
  return [
    b.id,
    b.name,
    b.marker,
    ...b.allRecordIds,
    b.indexIds.managed,
    b.indexIds.external,
    ...b.suggestionIds,
    ...Object.values(b.keyIds),
    ...b.victimKeyIds,
    ...Object.values(b.keys),
    b.tx.committed,
    b.tx.rolledBack,
  ];
}

/** B's tokens in the answer that the request did not carry (an error echoing the id it was sent is no leak). */
function leaks(tokens: string[], spec: Spec, text: string): string[] {
  const sent = `${spec.path} ${JSON.stringify(spec.headers)} ${spec.body?.kind === 'text' ? spec.body.text : ''}`;
  const decoded = safeDecode(sent);
  return tokens
    .filter((t) => text.includes(t) && !sent.includes(t) && !decoded.includes(t))
    .map((t) => (t.startsWith('egk_') ? 'key secret' : t));
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/**
 * "As if B did not exist": each x-project-id call again with a project that does not exist; status and
 * body must match once the name is swapped back.
 */
async function existenceTwins(url: string, calls: Call[], outcomes: Outcomes, problems: string[]): Promise<number> {
  let n = 0;
  for (const c of calls.filter((x) => x.spec.endpoint.surface === 'rest' || x.spec.method === 'GET').slice(0, 400)) {
    const real = c.spec.headers['x-project-id']!;
    const fake =
      real.includes('-') && real.length === 36 ? '01900000-0000-7000-8000-000000000000' : 'iso-no-such-project';
    const twin: Spec = { ...c.spec, headers: { ...c.spec.headers, 'x-project-id': fake } };
    const [x, y] = [await send(url, c.spec), await send(url, twin)];
    n += 2;
    const norm = (o: Outcome, v: string) =>
      o.error !== undefined ? o.error : `${o.status} ${o.text.split(v).join('<project>')}`;
    if (norm(x, real) !== norm(y, fake)) {
      outcomes['existence told']++;
      problems.push(
        `[existence told] ${c.spec.note} [as ${c.principal.name}]: B answered ${norm(x, real).slice(0, 200)} — a missing project ${norm(y, fake).slice(0, 200)}`,
      );
    }
  }
  return n;
}

/** x-transaction-id (REST) / transactionId (tRPC) naming B's open transaction on A's writes and reads: 404. */
function txHeaderCalls(
  endpoints: Endpoint[],
  principals: Principal[],
  a: SeededProject,
  bTx: string,
  rng: Rng,
): Call[] {
  const picks = endpoints.filter((e) =>
    [
      'POST /records',
      'POST /records/search',
      'GET /records/{id}',
      'records.create',
      'records.find',
      'batch.run',
    ].includes(e.id),
  );
  const calls: Call[] = [];
  for (const e of picks) {
    for (const p of principals.filter((x) => allows(x, e))) {
      const id = rng.pick(a.allRecordIds);
      const input: Record<string, unknown> =
        e.id.includes('create') || e.id === 'POST /records'
          ? { label: 'ISO_TX', data: { k: 1 } }
          : e.id === 'batch.run'
            ? { ops: [{ op: 'create', label: 'ISO_TX' }] }
            : e.id.includes('{id}')
              ? { id }
              : {};
      const viaInput = e.surface === 'trpc';
      const spec = request(
        e,
        viaInput ? { ...input, transactionId: bTx } : input,
        viaInput ? p.headers : { ...p.headers, 'x-transaction-id': bTx },
        "B's transaction",
        `${e.id} inside B's open transaction`,
      );
      calls.push({ group: "B's transaction", principal: p, spec, expect: [404], note: '' });
    }
  }
  return calls;
}
