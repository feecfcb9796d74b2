import { KvConflictError, type KvBucket } from '../../bus/kv.ts';
import { RetryableError } from '../../errors.ts';
import type { ChatMessage } from '../cards/card.ts';
import type { ChatPoster } from './chat-poster.ts';

export const THREADS_BUCKET = 'chat-threads';

/** The parent message of one PR/issue in one channel. */
interface ThreadState {
  id?: string;
  state?: string;
  /** Forgotten after this (ms): a PR quiet for 30 days gets a new parent message. */
  until?: number;
  /** Set while one process posts the parent, so a concurrent event waits instead of posting a second one. */
  claimedAt?: number;
}

const CLAIM_MS = 60_000;
const KEEP_MS = 30 * 86_400_000;

/**
 * Posts a PR/issue event threaded: the first event posts the parent card; later ones update the
 * parent in place when its state changed (opened → merged) and add a reply in its thread.
 * The parent's id lives in the bus kv (`chat-threads`), shared by every hub process.
 */
export async function postThreaded(
  poster: ChatPoster,
  kv: KvBucket,
  input: { scope: string; channel: string; message: Required<ChatMessage>; opening: boolean; now: number },
): Promise<string> {
  const { channel, message, now } = input;
  const key = `${input.scope}|${message.thread.key}`;
  const entry = await kv.get<ThreadState>(key);
  const current = entry?.value;
  if (!current?.id) {
    if (current?.claimedAt !== undefined && now - current.claimedAt < CLAIM_MS) {
      throw new RetryableError(`the parent message for ${message.thread.key} is being posted`, 1_000);
    }
    const revision = await claim(kv, key, entry?.revision ?? 0, now, message.thread.key);
    const parentId = await poster.post(channel, message.thread.parent);
    await kv.put(key, { id: parentId, state: message.thread.parent.state, until: now + KEEP_MS } satisfies ThreadState, { revision });
    if (input.opening) return parentId;
    return poster.reply(channel, message.thread.line, parentId);
  }
  const changed = message.thread.parent.state !== current.state;
  if (changed) await poster.update(channel, current.id, message.thread.parent);
  if (changed || (current.until ?? 0) - now < KEEP_MS / 2) {
    await kv.put(key, { id: current.id, state: message.thread.parent.state, until: now + KEEP_MS } satisfies ThreadState);
  }
  return poster.reply(channel, message.thread.line, current.id);
}

async function claim(kv: KvBucket, key: string, revision: number, now: number, what: string): Promise<number> {
  try {
    return await kv.put(key, { claimedAt: now, until: now + CLAIM_MS } satisfies ThreadState, { revision });
  } catch (error) {
    if (error instanceof KvConflictError) throw new RetryableError(`the parent message for ${what} is being posted`, 1_000);
    throw error;
  }
}
