/** A real crash: a child process is SIGKILLed while holding leases; nothing acked is lost. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import type { Delivery } from '../../../../src/bus/event-bus.ts';
import { spawnFixture, waitForLine } from './child-process.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('keeps published messages and redelivers unacked leases after a SIGKILL', async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookhub-crash-'));
  const path = join(dir, 'hookhub.db');
  const child = spawnFixture('crash-worker.ts', [path]);
  await waitForLine(child, 'ready');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;

  const bus = await createEmbeddedBus({ path });
  try {
    const stored = await bus.query({ stream: 'jobs' });
    expect(stored.map((m) => m.id)).toEqual(['a1', 'a2', 'a3']);
    const received: Delivery[] = [];
    const subscription = bus.consume('jobs', 'worker', { ackWaitMs: 500 });
    for await (const delivery of subscription) {
      received.push(delivery);
      await delivery.ack();
      if (received.length === 2) break;
    }
    expect(received.map((d) => [d.id, d.deliveryCount])).toEqual([
      ['a2', 2],
      ['a3', 2],
    ]);
  } finally {
    await bus.close();
  }
});
