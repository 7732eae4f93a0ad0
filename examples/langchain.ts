// LangChain.js on Engram: a retriever (the server embeds the query) and a chat history kept as records.
import { AIMessage, HumanMessage } from '@langchain/core/messages';
import { EngramChatMessageHistory, EngramRetriever } from '@engram/sdk/langchain';
import { connect, untilReady } from './env';

const db = connect();
await db.ai.indexes.create({ label: 'NOTE', propertyName: 'body' }).catch(() => undefined);
await db.records.createMany({
  label: 'NOTE',
  data: [
    { user_id: 'alice', body: 'The Pro plan launches in March at $20 a month.' },
    { user_id: 'alice', body: 'The office is closed on Fridays.' },
    { user_id: 'bob', body: 'Bob thinks the Pro plan should launch in May.' },
  ],
});
await untilReady(db, 'NOTE', 'body');

const retriever = new EngramRetriever({
  db,
  labels: ['NOTE'],
  propertyName: 'body',
  where: { user_id: 'alice' },
  k: 2,
});
for (const doc of await retriever.invoke('When does Pro launch?'))
  console.log(`retrieved: ${doc.pageContent} (score ${Number(doc.metadata.score).toFixed(3)})`);

const history = new EngramChatMessageHistory({ db, sessionId: 'example-session', scope: { user_id: 'alice' } });
await history.clear();
await history.addMessages([new HumanMessage('When does Pro launch?'), new AIMessage('In March, at $20 a month.')]);
for (const m of await history.getMessages()) console.log(`history: ${m.getType()}: ${String(m.content)}`);
