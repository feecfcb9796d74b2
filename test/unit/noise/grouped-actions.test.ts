import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Job } from '../../../src/actions/action.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { admitJobs } from '../../../src/noise/admit-jobs.ts';
import { createGroupFlusher } from '../../../src/noise/group-flusher.ts';
import { createNoiseGate } from '../../../src/noise/noise-gate.ts';
import { NoiseSpecSchema } from '../../../src/noise/noise-spec.ts';
import { openTempEmbeddedBus, silentLogger } from '../../helpers/hub-fixtures.ts';

let clock = new Date('2026-11-30T10:00:00Z');
const now = () => clock;

/** The jobs a rule with two notify actions (channels eng and ops) plans for push `n`. */
function twoActionPush(n: number) {
  const event = createHubEvent(
    { id: `push-${n}`, type: 'github.push', connector: 'github', subject: 'acme/api@main', title: `push ${n}`, data: {} },
    clock,
  );
  const jobs: Job[] = ['eng', 'ops'].map((channel, index) => ({
    id: `push-${n}:r:${index}`,
    eventId: event.id,
    eventType: event.type,
    rule: 'r',
    index,
    action: 'notify',
    params: { channel, text: `push ${n}` },
    createdAt: clock.toISOString(),
  }));
  return { event, jobs };
}

describe('grouping a rule with several actions', () => {
  let bus: EventBus;
  beforeEach(async () => {
    clock = new Date('2026-11-30T10:00:00Z');
    bus = await openTempEmbeddedBus();
  });
  afterEach(() => bus.close());

  it('sends one digest per action, each listing every event', async () => {
    const gate = createNoiseGate({ bus, now });
    const spec = NoiseSpecSchema.parse({ group: { wait: '1m' } });
    for (const n of [1, 2, 3]) {
      const { event, jobs } = twoActionPush(n);
      const { send, held } = await admitJobs(gate, spec, 'r', jobs, event);
      expect(send).toEqual([]);
      expect(held).toHaveLength(2);
    }
    clock = new Date(clock.getTime() + 60_000);
    await createGroupFlusher({ bus, now, logger: silentLogger }).flushDue();
    const digests = (await bus.query<Job>({ stream: 'jobs', limit: 100 })).map((m) => m.payload.params);
    expect(digests.map((p) => [p.channel, p.title]).sort()).toEqual([
      ['eng', '3 events: acme/api@main'],
      ['ops', '3 events: acme/api@main'],
    ]);
  });
});
