import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { RetryableError } from '../../../../src/errors.ts';
import type { Card, ChatMessage } from '../../../../src/subscriptions/cards/card.ts';
import type { ChatPoster } from '../../../../src/subscriptions/chat/chat-poster.ts';
import { postThreaded } from '../../../../src/subscriptions/chat/threads.ts';
import { openTempEmbeddedBus } from '../../../helpers/hub-fixtures.ts';

/** Records calls like a chat API; ids count up. `hold` delays posts, to race two events. */
function recordingPoster() {
  const calls: string[] = [];
  let n = 0;
  let release: (() => void) | undefined;
  const gate = { hold: false };
  const poster: ChatPoster = {
    async post(_channel, card, parent) {
      if (gate.hold) await new Promise<void>((r) => (release = r));
      calls.push(`post ${card.title}${parent ? ` in ${parent}` : ''}`);
      return `m${++n}`;
    },
    reply(_channel, text, parent) {
      calls.push(`reply "${text}" in ${parent}`);
      return Promise.resolve(`m${++n}`);
    },
    update(_channel, id, card) {
      calls.push(`update ${id} to ${card.state}`);
      return Promise.resolve();
    },
  };
  return { poster, calls, gate, release: () => release?.() };
}

const parent = (state: string): Card => ({ title: 'PR #1 Fix', state, fields: [] });
const message = (state: string, line: string): Required<ChatMessage> => ({
  card: parent(state),
  thread: { key: 'acme/api#1', parent: parent(state), line },
});

describe('postThreaded', () => {
  let bus: EventBus;
  beforeEach(async () => void (bus = await openTempEmbeddedBus()));
  afterEach(() => bus.close());
  const input = (m: Required<ChatMessage>, opening = false) => ({ scope: 'slack|C1', channel: 'C1', message: m, opening, now: Date.now() });

  it('posts the parent once, threads follow-ups, updates the parent when the state changes', async () => {
    const { poster, calls } = recordingPoster();
    const kv = bus.kv('chat-threads');
    await postThreaded(poster, kv, input(message('open', 'ana opened the pull request'), true));
    await postThreaded(poster, kv, input(message('open', 'carla approved')));
    await postThreaded(poster, kv, input(message('merged', 'ben merged the pull request')));
    expect(calls).toEqual([
      'post PR #1 Fix',
      'reply "carla approved" in m1',
      'update m1 to merged',
      'reply "ben merged the pull request" in m1',
    ]);
  });

  it('a first event that is not the opening posts the parent and then its line', async () => {
    const { poster, calls } = recordingPoster();
    await postThreaded(poster, bus.kv('chat-threads'), input(message('open', 'dan commented: hi')));
    expect(calls).toEqual(['post PR #1 Fix', 'reply "dan commented: hi" in m1']);
  });

  it('a second event while the parent is being posted is retried, not posted as a second parent', async () => {
    const { poster, calls, gate, release } = recordingPoster();
    const kv = bus.kv('chat-threads');
    gate.hold = true;
    const first = postThreaded(poster, kv, input(message('open', 'opened'), true));
    await new Promise((r) => setTimeout(r, 50));
    await expect(postThreaded(poster, kv, input(message('open', 'carla approved')))).rejects.toBeInstanceOf(RetryableError);
    release();
    await first;
    gate.hold = false;
    await postThreaded(poster, kv, input(message('open', 'carla approved')));
    expect(calls).toEqual(['post PR #1 Fix', 'reply "carla approved" in m1']);
  });
});
