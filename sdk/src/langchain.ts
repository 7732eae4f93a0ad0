import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { BaseListChatMessageHistory } from '@langchain/core/chat_history';
import { Document } from '@langchain/core/documents';
import {
  mapChatMessagesToStoredMessages,
  mapStoredMessagesToChatMessages,
  type BaseMessage,
  type StoredMessage,
} from '@langchain/core/messages';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { Engram } from './client';
import type { EngramRecord } from './types';

/**
 * LangChain.js on Engram: a retriever whose search runs on the server (Engram embeds the query; no embeddings
 * client-side), and a chat message history kept as records.
 */

type Scalar = string | number | boolean;

export type EngramRetrieverOptions = BaseRetrieverInput & {
  db: Engram;
  /** The labels searched, each with an embedding index on propertyName. */
  labels: string[];
  /** The property whose index is searched; it becomes the document's pageContent. */
  propertyName: string;
  /** An exact filter every search is confined to (the query language, e.g. { user_id: 'alice' }). */
  where?: Record<string, unknown>;
  /** Documents returned, default 4. */
  k?: number;
  mode?: 'semantic' | 'hybrid' | 'keyword';
  minScore?: number;
};

const SYSTEM = new Set(['__id', '__label', '__proptypes', '__createdAt', '__updatedAt', '__score', '__scores']);

export class EngramRetriever extends BaseRetriever {
  static lc_name() {
    return 'EngramRetriever';
  }
  lc_namespace = ['engram', 'retrievers'];
  private readonly opts: EngramRetrieverOptions;

  constructor(options: EngramRetrieverOptions) {
    super(options);
    this.opts = options;
  }

  override async _getRelevantDocuments(query: string, _run?: CallbackManagerForRetrieverRun): Promise<Document[]> {
    const { db, labels, propertyName, where, k = 4, mode, minScore } = this.opts;
    const hits = await db.ai.search({
      labels,
      propertyName,
      query,
      ...(where ? { where } : {}),
      limit: k,
      ...(mode ? { mode } : {}),
      ...(minScore !== undefined ? { minScore } : {}),
    });
    return hits.items.map(
      (h) =>
        new Document({
          id: h.__id,
          pageContent: String(h[propertyName] ?? ''),
          metadata: {
            ...Object.fromEntries(Object.entries(h).filter(([key]) => !SYSTEM.has(key) && key !== propertyName)),
            id: h.__id,
            label: h.__label,
            score: h.__score,
            createdAt: h.__createdAt,
            updatedAt: h.__updatedAt,
          },
        }),
    );
  }
}

export type EngramChatMessageHistoryOptions = {
  db: Engram;
  sessionId: string;
  /** Default CHAT_MESSAGE. */
  label?: string;
  /** Fixed properties on every message of this history and on every read of it (e.g. { user_id: 'alice' }). */
  scope?: Record<string, Scalar>;
};

/**
 * A conversation as records of `label`: one per message, with `session_id`, `type` (human, ai, system, tool…),
 * `content` (the text, for filters and search) and `message` (LangChain's stored form, JSON, read back
 * verbatim). Messages come back in the order they were written (record ids are time-ordered UUIDv7).
 */
export class EngramChatMessageHistory extends BaseListChatMessageHistory {
  lc_namespace = ['engram', 'chat_history'];
  private readonly db: Engram;
  private readonly label: string;
  private readonly where: Record<string, Scalar>;

  constructor(options: EngramChatMessageHistoryOptions) {
    super();
    this.db = options.db;
    this.label = options.label ?? 'CHAT_MESSAGE';
    this.where = { ...options.scope, session_id: options.sessionId };
  }

  async getMessages(): Promise<BaseMessage[]> {
    const stored: StoredMessage[] = [];
    for await (const r of this.db.records.iterate(
      { labels: [this.label], where: this.where, orderBy: 'asc' },
      { pageSize: 500 },
    ))
      stored.push(JSON.parse(String((r as EngramRecord).message)) as StoredMessage);
    return mapStoredMessagesToChatMessages(stored);
  }

  async addMessage(message: BaseMessage): Promise<void> {
    await this.addMessages([message]);
  }

  override async addMessages(messages: BaseMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const stored = mapChatMessagesToStoredMessages(messages);
    await this.db.records.createMany({
      label: this.label,
      data: stored.map((m) => ({
        type: m.type,
        content: typeof m.data.content === 'string' ? m.data.content : JSON.stringify(m.data.content),
        message: JSON.stringify(m),
        ...this.where,
      })),
    });
  }

  async clear(): Promise<void> {
    await this.db.records.delete({ labels: [this.label], where: this.where });
  }
}
