// Vercel AI SDK tools over Engram memory, bound to one user: pass `tools` to generateText/streamText and the
// model can remember, recall, relate and forget — only within alice's memories, whatever it asks for.
import { engramTools } from '@engram/sdk/ai';
import { connect } from './env';

const tools = engramTools({ db: connect(), scope: { user_id: 'alice' } });
const call = { toolCallId: 'example', messages: [] };

const decision = (await tools.remember.execute!({ text: 'We decided to launch the Pro plan in March' }, call)) as {
  id: string;
};
const reason = (await tools.remember.execute!(
  { text: 'Customers asked for a cheaper tier', properties: { topic: 'pricing' } },
  call,
)) as {
  id: string;
};
console.log(
  'related:',
  JSON.stringify(
    await tools.relate.execute!({ sourceId: decision.id, targetId: reason.id, type: 'FOLLOWS_FROM' }, call),
  ),
);
const recalled = (await tools.recall.execute!(
  { query: 'what did we decide about the Pro launch?', limit: 2 },
  call,
)) as {
  text: string;
  score: number;
}[];
for (const r of recalled) console.log(`recalled: ${r.text} (score ${r.score.toFixed(3)})`);
console.log('forgotten:', JSON.stringify(await tools.forget.execute!({ id: reason.id }, call)));
