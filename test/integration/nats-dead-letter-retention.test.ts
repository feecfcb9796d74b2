import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNatsBus, type NatsBus } from '../../src/bus/nats/nats-bus.ts';
import { startNatsServer, type NatsServerHandle } from '../helpers/nats-server.ts';

let server: NatsServerHandle;
let bus: NatsBus;

beforeAll(async () => {
  server = await startNatsServer();
  // A retention far shorter than the wait below: only dead letters must outlive it.
  bus = await createNatsBus({ url: server.url, retentionMs: 1_000 });
});
afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

describe('dead letters on NATS', () => {
  it('stay past the retention period until they are retried or purged', async () => {
    await bus.deadLetter({
      id: 'job-1:rule:0',
      subject: 'notify',
      payload: { n: 1 },
      reason: 'attempts exhausted',
      time: new Date().toISOString(),
      attempts: [],
    });
    await new Promise((r) => setTimeout(r, 2_500));
    expect((await bus.deadLetters()).map((d) => d.id)).toEqual(['job-1:rule:0']);
    expect(await bus.purgeDeadLetters(new Date(Date.now() + 1_000))).toBe(1);
    expect(await bus.countDeadLetters()).toBe(0);
  });
});
