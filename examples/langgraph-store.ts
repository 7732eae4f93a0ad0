// LangGraph.js long-term memory on Engram: the BaseStore an agent's graph is compiled with
// (`graph.compile({ store })`), used here directly as a node would use it.
import { EngramStore } from '@engram/sdk/langgraph';
import { connect } from './env';

const store = new EngramStore(connect());
await store.setup(); // the embedding index the store searches with

const ns = ['users', 'alice', 'memories'];
await store.put(ns, 'launch', { text: 'We decided to launch the Pro plan in March', kind: 'decision' });
await store.put(ns, 'drink', { text: 'Alice prefers tea to coffee', kind: 'preference' });
await store.put(['users', 'bob', 'memories'], 'launch', { text: 'Bob wants the launch delayed', kind: 'decision' });

console.log('get:', (await store.get(ns, 'drink'))?.value.text);
const decisions = await store.search(['users'], { filter: { kind: 'decision' } });
console.log(
  'decisions:',
  decisions
    .map((i) => i.namespace.join('/'))
    .sort()
    .join(', '),
);
const [best] = await store.search(ns, { query: 'what did we decide about the Pro launch?', limit: 1 });
console.log('search:', best?.value.text, `(score ${best?.score?.toFixed(3)})`);
console.log('namespaces:', JSON.stringify(await store.listNamespaces({ prefix: ['users'], maxDepth: 2 })));
await store.delete(ns, 'drink');
console.log('after delete:', JSON.stringify(await store.get(ns, 'drink')));
