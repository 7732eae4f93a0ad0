// The seed example: make MEMORY.output searchable by meaning, remember a decision for alice, then ask.
import { connect, untilReady } from './env';

const db = connect();

await db.ai.indexes.create({ label: 'MEMORY', propertyName: 'output' }).catch(() => undefined); // once per project
await db.records.create({
  label: 'MEMORY',
  data: { user_id: 'alice', output: 'We decided to launch the Pro plan in March, at $20 a month.' },
});
await db.records.create({ label: 'MEMORY', data: { user_id: 'alice', output: 'Alice prefers tea to coffee.' } });
await db.records.create({ label: 'MEMORY', data: { user_id: 'bob', output: 'Bob wants the Pro launch delayed.' } });
await untilReady(db, 'MEMORY', 'output');

const hits = await db.ai.search({
  labels: ['MEMORY'],
  propertyName: 'output',
  query: 'What did we decide about the Pro launch?',
  where: { user_id: 'alice' },
  limit: 3,
});
for (const hit of hits.items) console.log(`${hit.__score.toFixed(3)}  ${String(hit.output)}`);
