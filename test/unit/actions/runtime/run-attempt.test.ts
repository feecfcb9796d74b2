/** What an action is handed for one attempt: the job, a logger bound to it, and its event read once, only when asked for. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { z } from 'zod';
import type { Action, ActionContext, Job } from '../../../../src/actions/action.ts';
import { runAttempt, type AttemptContext } from '../../../../src/actions/runtime/run-attempt.ts';
import type { EventBus, StreamName } from '../../../../src/bus/event-bus.ts';
import { createHubEvent } from '../../../../src/events/hub-event.ts';
import { jobLogger } from '../../../../src/observability/job-logger.ts';
import { openTempEmbeddedBus, silentLogger } from '../../../helpers/hub-fixtures.ts';

const event = createHubEvent({ id: 'evt_1', type: 'github.push', connector: 'github', data: { ref: 'refs/heads/main' } });
const job: Job = {
  id: 'evt_1:deploy:0',
  eventId: 'evt_1',
  eventType: event.type,
  rule: 'deploy',
  index: 0,
  action: 'probe',
  params: {},
  createdAt: event.time,
};

let bus: EventBus;
let reads: string[];
beforeEach(async () => {
  bus = await openTempEmbeddedBus();
  await bus.publish('events', { id: event.id, subject: event.type, payload: event });
  reads = [];
});
afterEach(() => bus.close());

/** The real bus's history, with each event read written down. */
function attemptContext(log = silentLogger): AttemptContext {
  const history = {
    query: bus.query.bind(bus),
    get: <T>(stream: StreamName, id: string) => {
      reads.push(id);
      return bus.get<T>(stream, id);
    },
  };
  return {
    deps: { fetch, now: () => new Date('2026-03-01T10:00:01Z'), channels: {}, history },
    log,
    timeoutMs: 5_000,
    stopSignal: new AbortController().signal,
    heartbeat: () => Promise.resolve(),
    heartbeatMs: 1_000,
  };
}

/** An action that answers with what `run` found out from its context. */
function probe(run: (ctx: ActionContext) => Promise<string>): Action {
  return { type: 'probe', paramsSchema: z.object({}), destination: () => 'probe', execute: async (_p, ctx) => ({ label: await run(ctx) }) };
}

it('reads the event from the bus once, on the first call, and hands back the same event after', async () => {
  let same = false;
  const outcome = await runAttempt(
    probe(async (ctx) => {
      const first = await ctx.event();
      same = first === (await ctx.event());
      return String(first?.data && (first.data as { ref: string }).ref);
    }),
    {},
    job,
    attemptContext(),
  );
  expect(outcome).toMatchObject({ ok: true, label: 'refs/heads/main' });
  expect(same).toBe(true);
  expect(reads).toEqual(['evt_1']);
});

it('does not read the event for an action that never asks for it', async () => {
  const outcome = await runAttempt(
    probe((ctx) => Promise.resolve(ctx.job.id)),
    {},
    job,
    attemptContext(),
  );
  expect(outcome).toMatchObject({ ok: true, label: 'evt_1:deploy:0' });
  expect(reads).toEqual([]);
});

it('gives undefined for an event retention has removed', async () => {
  const gone = { ...job, id: 'evt_gone:deploy:0', eventId: 'evt_gone' };
  const outcome = await runAttempt(
    probe(async (ctx) => ((await ctx.event()) === undefined ? 'no event' : 'an event')),
    {},
    gone,
    attemptContext(),
  );
  expect(outcome).toMatchObject({ ok: true, label: 'no event' });
});

it("writes the action's log lines with the job's event id, rule and job id", async () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const log = jobLogger(pino({ level: 'info' }, stream), job);
  const logging = probe((ctx) => {
    ctx.log.info({ step: 'sent' }, 'probe ran');
    return Promise.resolve('ok');
  });
  await runAttempt(logging, {}, job, attemptContext(log));
  expect(lines).toEqual([
    expect.objectContaining({ msg: 'probe ran', step: 'sent', eventId: 'evt_1', rule: 'deploy', jobId: 'evt_1:deploy:0' }),
  ]);
});
