import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import { DeadLetterBusyError, retryDeadLetters } from '../../../src/actions/runtime/dead-letters.ts';
import { REPUBLISH_CLAIM_LEASE_MS } from '../../../src/actions/runtime/republish-claim.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { loadEventHistory } from '../../../src/operations/event-status.ts';
import { replayEvent } from '../../../src/operations/replay-event.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';

const RULES = `rules:
  - name: first
    on: github.push
    do:
      - notify: { channel: eng, text: "one {{subject}}" }
  - name: second
    on: github.push
    do:
      - notify: { channel: eng, text: "two" }
      - notify: { channel: eng, text: "three" }
`;
const context = { registry: actions, channels: ['eng'], connectors: ['github'] };
const ruleSet = compileRuleSources([{ file: 'r.yaml', text: RULES }], context).ruleSet;
const now = () => new Date('2026-01-31T12:00:00Z');
const event = createHubEvent({ id: 'push-1', type: 'github.push', connector: 'github', subject: 'acme/api', data: {} });
let bus: EventBus;

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  await bus.publish('events', { id: event.id, subject: event.type, payload: event });
});
afterAll(() => bus.close());

describe('replay decisions, job by job', () => {
  it('queues new jobs, requeues dead ones, and leaves delivered and in-flight ones alone', async () => {
    const id = (rule: string, index: number) => `push-1:${rule}:${index}`;
    // first:0 delivered; second:0 dead-lettered; second:1 held by a worker (stored, not settled).
    await bus.publish('jobs', { id: id('first', 0), subject: 'notify', payload: {} });
    await bus.record({ ref: id('first', 0), kind: 'attempt', time: now().toISOString(), data: { attempt: 1, outcome: 'success' } });
    await bus.publish('jobs', { id: id('second', 0), subject: 'notify', payload: {} });
    await bus.record({
      ref: id('second', 0),
      kind: 'attempt',
      time: now().toISOString(),
      data: { attempt: 1, outcome: 'failed', status: 400 },
    });
    await bus.record({
      ref: id('second', 0),
      kind: 'dead-letter',
      time: now().toISOString(),
      data: { reason: 'permanent failure: HTTP 400' },
    });
    await bus.deadLetter({
      id: id('second', 0),
      subject: 'notify',
      payload: {},
      reason: 'permanent failure: HTTP 400',
      time: now().toISOString(),
      attempts: [],
    });
    await bus.publish('jobs', { id: id('second', 1), subject: 'notify', payload: {} });

    const dry = await replayEvent(bus, ruleSet, event, { registry: actions, now, dryRun: true });
    expect(dry.jobs.map((j) => [j.id, j.decision])).toEqual([
      [id('first', 0), 'skipped-delivered'],
      [id('second', 0), 'requeued'],
      [id('second', 1), 'skipped-in-progress'],
    ]);
    expect(dry.report.matched.map((m) => m.rule)).toEqual(['first', 'second']);
    expect(await bus.deadLetters()).toHaveLength(1);

    const real = await replayEvent(bus, ruleSet, event, { registry: actions, now, actor: 'alice' });
    expect(real.jobs.map((j) => j.decision)).toEqual(['skipped-delivered', 'requeued', 'skipped-in-progress']);
    expect(await bus.deadLetters()).toEqual([]);
    const requeued = await bus.query({ stream: 'jobs', subject: 'notify', limit: 10 });
    expect(requeued.filter((m) => m.id === id('second', 0))).toHaveLength(2);
    expect((requeued.at(-1)?.payload as { params: { text: string } }).params.text).toBe('two');
    const history = await loadEventHistory(bus, event.id);
    expect(history.rules.filter((r) => r.replay).map((r) => r.rule)).toEqual(['first', 'second']);
    expect(history.jobs.find((j) => j.id === id('second', 0))).toMatchObject({ state: 'queued', replays: 1 });
  });

  it('takes only the dead letter it replayed: one the job got again meanwhile stays', async () => {
    const other = createHubEvent({ id: 'push-3', type: 'github.push', connector: 'github', data: {} });
    const jobId = 'push-3:first:0';
    const letter = { id: jobId, subject: 'notify', payload: {}, reason: 'permanent failure: HTTP 400', attempts: [] };
    await bus.publish('jobs', { id: jobId, subject: 'notify', payload: {} });
    await bus.record({ ref: jobId, kind: 'dead-letter', time: now().toISOString(), data: { reason: letter.reason } });
    await bus.deadLetter({ ...letter, time: now().toISOString() });
    const again = { ...letter, reason: 'permanent failure: HTTP 400 on the replay', time: '2026-01-31T12:00:01.000Z' };
    // A worker takes the republished job and dead-letters it again before the replay has taken the first letter.
    const racing = new Proxy(bus, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (key !== 'publish') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (...args: Parameters<EventBus['publish']>) => {
          const result = await target.publish(...args);
          if (args[1].id === jobId) await target.deadLetter(again);
          return result;
        };
      },
    });
    const result = await replayEvent(racing, ruleSet, other, { registry: actions, now });
    expect(result.jobs.find((j) => j.id === jobId)?.decision).toBe('requeued');
    expect(await bus.getDeadLetter(jobId)).toEqual(again);
    await bus.takeDeadLetter(jobId);
  });

  it('republishes each job once when two replays of the event and a dead-letter retry race', async () => {
    const other = createHubEvent({ id: 'push-4', type: 'github.push', connector: 'github', data: {} });
    const dead = 'push-4:first:0';
    await bus.publish('jobs', { id: dead, subject: 'notify', payload: {} });
    await bus.record({ ref: dead, kind: 'dead-letter', time: now().toISOString(), data: { reason: 'permanent failure: HTTP 400' } });
    await bus.deadLetter({
      id: dead,
      subject: 'notify',
      payload: {},
      reason: 'permanent failure: HTTP 400',
      time: now().toISOString(),
      attempts: [],
    });
    const [a, b, retry] = await Promise.allSettled([
      replayEvent(bus, ruleSet, other, { registry: actions, now }),
      replayEvent(bus, ruleSet, other, { registry: actions, now }),
      retryDeadLetters(bus, { id: dead }, now),
    ]);
    if (a.status === 'rejected' || b.status === 'rejected') throw new Error('a replay failed');
    const decisions = (jobId: string) => [a, b].map((r) => r.value.jobs.find((j) => j.id === jobId)?.decision).sort();
    const requeues = decisions(dead).filter((d) => d === 'requeued').length + (retry.status === 'fulfilled' ? 1 : 0);
    expect(requeues).toBe(1);
    expect(decisions('push-4:second:0')).toEqual(['queued', 'skipped-in-progress']);
    const stored = await bus.query({ stream: 'jobs', limit: 1000 });
    // The original copy of the dead job and one republished copy; one copy of each new job.
    expect(stored.filter((m) => m.id === dead)).toHaveLength(2);
    expect(stored.filter((m) => m.id === 'push-4:second:0')).toHaveLength(1);
    expect(stored.filter((m) => m.id === 'push-4:second:1')).toHaveLength(1);
    expect(await bus.getDeadLetter(dead)).toBeUndefined();
  });

  it('claims each job at its own time, so a retry during a replay that outlasts the lease is refused', async () => {
    const other = createHubEvent({ id: 'push-5', type: 'github.push', connector: 'github', data: {} });
    const dead = 'push-5:second:0';
    let clock = now().getTime();
    const tick = () => new Date(clock);
    await bus.publish('jobs', { id: dead, subject: 'notify', payload: {} });
    await bus.record({ ref: dead, kind: 'dead-letter', time: tick().toISOString(), data: { reason: 'permanent failure: HTTP 400' } });
    const letter = { id: dead, subject: 'notify', payload: {}, reason: 'permanent failure: HTTP 400', attempts: [] };
    await bus.deadLetter({ ...letter, time: tick().toISOString() });
    let retry: Promise<unknown> | undefined;
    // The replay runs past the lease on its first job; a retry of the dead one starts while the replay holds it.
    const slow = new Proxy(bus, {
      get(target, key) {
        const value = Reflect.get(target, key) as unknown;
        if (key !== 'records') return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return async (ref: string) => {
          if (ref === 'push-5:first:0') clock += 2 * REPUBLISH_CLAIM_LEASE_MS;
          if (ref === dead) retry ??= retryDeadLetters(bus, { id: dead }, tick).catch((error: unknown) => error);
          return target.records(ref);
        };
      },
    });
    const result = await replayEvent(slow, ruleSet, other, { registry: actions, now: tick });
    expect(await retry).toBeInstanceOf(DeadLetterBusyError);
    expect(result.jobs.find((j) => j.id === dead)?.decision).toBe('requeued');
    const stored = await bus.query({ stream: 'jobs', limit: 1000 });
    // The original copy and the replay's.
    expect(stored.filter((m) => m.id === dead)).toHaveLength(2);
  });

  it('queues a job for a rule added after the event, bypassing dedup', async () => {
    const other = createHubEvent({ id: 'push-2', type: 'github.push', connector: 'github', data: {} });
    const result = await replayEvent(bus, ruleSet, other, { registry: actions, now });
    expect(result.jobs.map((j) => j.decision)).toEqual(['queued', 'queued', 'queued']);
    expect(await bus.get('jobs', 'push-2:second:1')).toBeDefined();
  });
});
