/**
 * Retention on NATS never loses unfinished work (issue 13): with a 1 s retention, a job nobody has
 * acked and a dead letter outlive it, and so do their history records, while a finished job past
 * retention and its records are swept.
 */
import { expect, it } from 'vitest';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { delay, message } from '../contract/bus-contract-helpers.ts';
import { useNatsServer } from '../helpers/nats-server.ts';

const natsServer = useNatsServer();
const RETENTION_MS = 1_000;

it('keeps unfinished jobs and dead letters past retention, and sweeps finished ones', async () => {
  const bus = await createNatsBus({ url: natsServer().url, prefix: 'retention', retentionMs: RETENTION_MS, pruneEveryMs: 60_000 });
  try {
    await bus.publish('jobs', message('done', 'slack'));
    await bus.publish('jobs', message('pending', 'slack'));
    await bus.deadLetter({ id: 'dead', subject: 'slack', payload: {}, reason: 'test', time: new Date().toISOString(), attempts: [] });
    for (const ref of ['done', 'pending', 'dead']) await bus.record({ ref, kind: 'attempt', time: new Date().toISOString(), data: {} });
    for await (const delivery of bus.consume('jobs', 'worker', { ackWaitMs: 1_000 })) {
      if (delivery.id === 'done') await delivery.ack();
      else break;
    }
    await delay(RETENTION_MS + 500);
    await bus.publish('jobs', message('fresh', 'slack'));
    const purged = await bus.prune(RETENTION_MS);
    expect(await bus.records('pending')).toHaveLength(1);
    expect(await bus.records('dead')).toHaveLength(1);
    expect(await bus.records('done')).toEqual([]);
    // The finished job and its record.
    expect(purged).toBe(2);
    expect((await bus.query({ stream: 'jobs' })).map((m) => m.id)).toEqual(['pending', 'fresh']);
    expect(await bus.countDeadLetters()).toBe(1);
    // The unfinished job is still delivered to its consumer (after its ack wait).
    const redelivered: string[] = [];
    for await (const delivery of bus.consume('jobs', 'worker', { ackWaitMs: 1_000 })) {
      redelivered.push(delivery.id);
      await delivery.ack();
      if (redelivered.includes('pending') && redelivered.includes('fresh')) break;
    }
    expect(redelivered.sort()).toEqual(['fresh', 'pending']);
  } finally {
    await bus.close();
  }
});
