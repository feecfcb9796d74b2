/**
 * The NATS user block in docs/operations.md ("The hub's NATS permissions"), read from the doc itself, on a
 * real nats-server: a bus logged in as that user goes through everything it does, and a user missing
 * one of those permissions is refused, so the block is no wider than it needs to be.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const PASSWORD = 'pw-3c2b1a0f9e8d';

function documentedBlock(): string {
  const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
  const section = doc.split("### The hub's NATS permissions")[1] ?? '';
  const block = /```\n(authorization \{[\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error("docs/operations.md has no authorization block under The hub's NATS permissions");
  return block.replace('$NATS_PASSWORD', `"${PASSWORD}"`);
}

const documented = useNatsServer({ config: documentedBlock() });
const withoutKv = useNatsServer({ config: documentedBlock().replace('"$KV.>"', '"$KV.other.>"') });

async function openBus(url: string) {
  return createNatsBus({ url, auth: { user: 'hookhub', password: PASSWORD }, timeoutMs: 3_000 });
}

describe("the documented NATS user's permissions", () => {
  it('let a bus publish, consume, query, dead-letter, use KV and prune', async () => {
    const bus = await openBus(documented().url);
    try {
      await bus.publish('events', { id: 'perm-1', subject: 'github.push', payload: { n: 1 } });
      await bus.publish('jobs', { id: 'perm-1:rule:0', subject: 'notify', payload: { n: 1 } });
      expect((await bus.get('events', 'perm-1'))?.payload).toEqual({ n: 1 });
      expect((await bus.query({ stream: 'events', limit: 10 })).map((m) => m.id)).toEqual(['perm-1']);
      const subscription = bus.consume('jobs', 'workers');
      for await (const delivery of subscription) {
        expect(delivery.id).toBe('perm-1:rule:0');
        await delivery.ack();
        break;
      }
      await subscription.stop();
      // The server applies an ack after answering it: the consumer's floor moves a moment later.
      await eventually(async () => (await bus.finishedThrough('jobs', 'workers')) === 1, 5_000, 'the ack floor at the job');
      await bus.record({ ref: 'perm-1:rule:0', kind: 'attempt', time: new Date().toISOString(), data: { ok: false } });
      expect(await bus.records('perm-1:rule:0')).toHaveLength(1);
      const letter = {
        id: 'perm-1:rule:0',
        subject: 'notify',
        payload: { n: 1 },
        reason: 'attempts exhausted',
        time: new Date().toISOString(),
        attempts: [],
      };
      await bus.deadLetter(letter);
      expect((await bus.deadLetters()).map((d) => d.id)).toEqual(['perm-1:rule:0']);
      expect((await bus.takeDeadLetter('perm-1:rule:0'))?.id).toBe('perm-1:rule:0');
      await bus.deadLetter(letter);
      expect(await bus.purgeDeadLetters(new Date(Date.now() + 1_000))).toBe(1);
      const kv = bus.kv('subscriptions');
      const revision = await kv.put('a', { on: true });
      expect((await kv.entries()).map((e) => e.key)).toEqual(['a']);
      await kv.delete('a', { revision });
      expect(await kv.get('a')).toBeUndefined();
      expect(await bus.prune(0)).toBeGreaterThanOrEqual(1);
      expect(await bus.status()).toEqual({ ok: true });
    } finally {
      await bus.close();
    }
  }, 60_000);

  it('are checked: a user without $KV.> may not write a KV entry', async () => {
    const bus = await openBus(withoutKv().url);
    try {
      await bus.publish('events', { id: 'perm-2', subject: 'github.push', payload: {} });
      await expect(bus.kv('subscriptions').put('a', { on: true })).rejects.toThrow(
        /Permissions Violation for Publish to "\$KV\.hookhub_kv_subscriptions\./,
      );
    } finally {
      await bus.close();
    }
  }, 60_000);
});
