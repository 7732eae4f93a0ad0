import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AIMessage,
  HumanMessage,
  mapChatMessagesToStoredMessages,
  SystemMessage,
  ToolMessage,
} from '@langchain/core/messages';
import { generateText } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engram } from '../src';
import { engramTools } from '../src/ai';
import { EngramChatMessageHistory, EngramRetriever } from '../src/langchain';

/**
 * The LangChain.js retriever and chat history, and the Vercel AI SDK tools, on Engram in-process (both
 * backends). The tools are driven by the AI SDK itself (generateText with a scripted model standing in for
 * the LLM), so their input schemas are checked by the SDK and their results reach the conversation.
 */
const databaseUrl = process.env.DATABASE_URL || undefined;
const ENV = { ENGRAM_EMBEDDINGS_PROVIDER: 'fake', ENGRAM_SUGGEST_DEBOUNCE_MS: '0' };
let dataDir: string | undefined;
let root: Engram;
let n = 0;

beforeAll(async () => {
  dataDir = databaseUrl ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), 'engram-fw-'));
  root = await Engram.embedded(databaseUrl ? { databaseUrl, env: ENV } : { dataDir, env: ENV });
});
afterAll(async () => {
  await root?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function project(): Promise<Engram> {
  const name = `fw-${process.pid}-${Date.now().toString(36)}-${n++}`;
  await root.projects.create({ name });
  return root.withProject(name);
}

/** A stand-in for the LLM: each generateText call answers with the next scripted tool call. */
function scriptedModel(calls: { toolName: string; input: unknown }[]) {
  let i = 0;
  return new MockLanguageModelV3({
    doGenerate: async () => {
      const call = calls[i++]!;
      return {
        content: [
          { type: 'tool-call', toolCallId: `call-${i}`, toolName: call.toolName, input: JSON.stringify(call.input) },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: {
          inputTokens: { total: 1, noCache: 1, cacheRead: 0, cacheWrite: 0 },
          outputTokens: { total: 1, text: 1, reasoning: 0 },
        },
        warnings: [],
      };
    },
  });
}

describe(`framework backends (${databaseUrl ? 'postgres' : 'embedded'})`, () => {
  it('LangChain retriever: the server embeds the query; documents come back ranked inside the filter', async () => {
    const db = await project();
    await db.ai.indexes.create({ label: 'MEMORY', propertyName: 'text' });
    await db.records.createMany({
      label: 'MEMORY',
      data: [
        { user_id: 'alice', text: 'We decided to launch the Pro plan in March', topic: 'launch' },
        { user_id: 'alice', text: 'Alice drinks green tea' },
        { user_id: 'bob', text: 'Bob decided to launch Pro in May' },
      ],
    });
    const retriever = new EngramRetriever({
      db,
      labels: ['MEMORY'],
      propertyName: 'text',
      where: { user_id: 'alice' },
      k: 2,
    });
    const docs = await retriever.invoke('what did we decide about the Pro launch');
    expect(docs.map((d) => d.pageContent)).toEqual([
      'We decided to launch the Pro plan in March',
      'Alice drinks green tea',
    ]);
    expect(docs[0]!.metadata).toMatchObject({ user_id: 'alice', topic: 'launch', label: 'MEMORY' });
    expect(docs[0]!.metadata.score).toBeGreaterThan(docs[1]!.metadata.score);
    expect(docs[0]!.id).toBe(docs[0]!.metadata.id);
  });

  it('LangChain chat history: messages round-trip verbatim and in order, per session, and clear', async () => {
    const db = await project();
    const a = new EngramChatMessageHistory({ db, sessionId: 's1', scope: { user_id: 'alice' } });
    const b = new EngramChatMessageHistory({ db, sessionId: 's2', scope: { user_id: 'alice' } });
    const messages = [
      new SystemMessage('You are helpful.'),
      new HumanMessage('What is 2 + 2?'),
      new AIMessage({ content: '', tool_calls: [{ id: 't1', name: 'calc', args: { expr: '2+2' } }] }),
      new ToolMessage({ content: '4', tool_call_id: 't1' }),
      new AIMessage('It is 4.'),
    ];
    await a.addMessages(messages.slice(0, 2));
    for (const m of messages.slice(2)) await a.addMessage(m);
    await b.addUserMessage('another conversation');
    const back = await a.getMessages();
    expect(mapChatMessagesToStoredMessages(back)).toEqual(mapChatMessagesToStoredMessages(messages));
    expect((await b.getMessages()).map((m) => m.content)).toEqual(['another conversation']);
    expect(await db.labels.find({ where: { session_id: 's1' } })).toEqual({ CHAT_MESSAGE: 5 });
    await a.clear();
    expect(await a.getMessages()).toEqual([]);
    expect(await b.getMessages()).toHaveLength(1);
  });

  it('Vercel AI SDK tools: remember, recall, relate, forget through generateText, confined to the caller’s scope', async () => {
    const db = await project();
    const bobTools = engramTools({ db, scope: { user_id: 'bob' } });
    const bobMemory = (await bobTools.remember.execute!(
      { text: 'Bob decided to delay the Pro launch' },
      { toolCallId: 'x', messages: [] },
    )) as { id: string };

    const tools = engramTools({ db, scope: { user_id: 'alice' } });
    const run = async (toolName: string, input: unknown) => {
      const result = await generateText({ model: scriptedModel([{ toolName, input }]), tools, prompt: 'go' });
      expect(result.toolResults, JSON.stringify(result.content)).toHaveLength(1);
      return result.toolResults[0]!.output as never;
    };
    // The model tries to write into another user's scope: the scope wins.
    const decision: { id: string } = await run('remember', {
      text: 'We decided to launch the Pro plan in March',
      properties: { user_id: 'bob', topic: 'launch' },
    });
    const tea: { id: string } = await run('remember', { text: 'Alice drinks green tea' });
    expect((await db.records.get(decision.id)).user_id).toBe('alice');

    const recalled: { id: string; text: string; score: number }[] = await run('recall', {
      query: 'what did we decide about the Pro launch',
      filter: { user_id: 'bob' },
    });
    expect(recalled.map((r) => r.id)).toEqual([decision.id, tea.id]);
    expect(recalled.every((r) => r.id !== bobMemory.id)).toBe(true);

    expect(await run('relate', { sourceId: tea.id, targetId: decision.id, type: 'RELATES_TO' })).toEqual({
      attached: 1,
    });
    expect(await run('relate', { sourceId: tea.id, targetId: bobMemory.id, type: 'RELATES_TO' })).toMatchObject({
      attached: 0,
    });
    expect(await run('forget', { id: bobMemory.id })).toEqual({ deleted: 0 });
    expect((await db.records.get(bobMemory.id)).user_id).toBe('bob');
    expect(await run('forget', { id: tea.id })).toEqual({ deleted: 1 });

    // An input the schema refuses never reaches Engram: the SDK reports the tool error to the model.
    const bad = await generateText({
      model: scriptedModel([{ toolName: 'forget', input: { id: 'not-a-uuid' } }]),
      tools,
      prompt: 'go',
    });
    expect(bad.toolResults).toHaveLength(0);
    expect(bad.content.some((c) => c.type === 'tool-error')).toBe(true);
    expect((await db.records.find({ labels: ['MEMORY'] })).total).toBe(2);
    expect(() => engramTools({ db, scope: {} })).toThrow(/scope/);
  });
});
