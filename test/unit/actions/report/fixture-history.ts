/**
 * Fixture histories for report tests: events stored on a real embedded bus whose clock is set
 * before each publish, so every event has a known stored time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedBus } from '../../../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../../../src/bus/event-bus.ts';
import { createHubEvent, type HubEvent } from '../../../../src/events/hub-event.ts';

export interface FixtureBus {
  bus: EventBus;
  dir: string;
  at(time: string, event: HubEvent): Promise<void>;
  cleanup(): Promise<void>;
}

export async function openFixtureBus(): Promise<FixtureBus> {
  const dir = await mkdtemp(join(tmpdir(), 'hookhub-report-'));
  let clock = new Date('2026-01-01T00:00:00Z');
  const bus = await createEmbeddedBus({ path: join(dir, 'hub.db'), now: () => clock, retentionMs: 400 * 86_400_000 });
  return {
    bus,
    dir,
    async at(time, event) {
      clock = new Date(time);
      await bus.publish('events', { id: event.id, subject: event.type, payload: event });
    },
    async cleanup() {
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

let n = 0;
const repo = (full: string) => ({ full_name: full, html_url: `https://github.com/${full}` });

export function pr(action: 'opened' | 'closed', full: string, merged = false): HubEvent {
  return createHubEvent({
    id: `gh-${++n}`,
    type: `github.pull_request.${action}`,
    connector: 'github',
    data: { action, pull_request: { number: n, merged }, repository: repo(full) },
  });
}

export function workflowRun(full: string, conclusion: string): HubEvent {
  return createHubEvent({
    id: `gh-${++n}`,
    type: 'github.workflow_run.completed',
    connector: 'github',
    data: { action: 'completed', workflow_run: { conclusion }, repository: repo(full) },
  });
}

export function push(full: string): HubEvent {
  return createHubEvent({
    id: `gh-${++n}`,
    type: 'github.push',
    connector: 'github',
    data: { ref: 'refs/heads/main', repository: repo(full) },
  });
}

export function payment(outcome: 'succeeded' | 'payment_failed', amount: number, currency: string): HubEvent {
  const id = `evt_${++n}`;
  return createHubEvent({
    id,
    type: `stripe.payment_intent.${outcome}`,
    connector: 'stripe',
    data: {
      id,
      object: 'event',
      type: `payment_intent.${outcome}`,
      data: { object: { id: `pi_${n}`, object: 'payment_intent', amount, currency } },
    },
  });
}

/** The week before Monday 2026-11-30 09:00 Berlin (08:00Z): 10 GitHub events inside, 2 outside, Stripe noise. */
export async function seedEngineeringWeek(f: FixtureBus): Promise<void> {
  await f.at('2026-11-22T10:00:00Z', pr('opened', 'acme/api')); // before the window
  await f.at('2026-11-23T10:00:00Z', pr('opened', 'acme/api'));
  await f.at('2026-11-23T11:00:00Z', workflowRun('acme/api', 'success'));
  await f.at('2026-11-23T12:00:00Z', pr('opened', 'acme/web'));
  await f.at('2026-11-24T09:00:00Z', pr('closed', 'acme/api', true));
  await f.at('2026-11-24T09:30:00Z', workflowRun('acme/api', 'failure'));
  await f.at('2026-11-24T10:00:00Z', push('acme/api'));
  await f.at('2026-11-25T10:00:00Z', payment('succeeded', 1000, 'usd')); // not github
  await f.at('2026-11-26T15:00:00Z', pr('closed', 'acme/web', false));
  await f.at('2026-11-26T16:00:00Z', workflowRun('acme/web', 'success'));
  await f.at('2026-11-27T08:00:00Z', workflowRun('acme/web', 'timed_out'));
  await f.at('2026-11-29T23:30:00Z', push('acme/docs')); // 00:30 on the 30th in Berlin
  await f.at('2026-11-30T08:00:00Z', push('acme/api')); // the window end is exclusive
}

/** The 24 hours before 2026-11-30T07:00Z. */
export async function seedPaymentsDay(f: FixtureBus): Promise<void> {
  await f.at('2026-11-29T06:59:59Z', payment('succeeded', 99_999, 'usd')); // before the window
  await f.at('2026-11-29T08:00:00Z', payment('succeeded', 1999, 'usd'));
  await f.at('2026-11-29T09:00:00Z', payment('succeeded', 500, 'usd'));
  await f.at('2026-11-29T10:00:00Z', payment('succeeded', 1000, 'eur'));
  await f.at('2026-11-29T11:00:00Z', payment('payment_failed', 250, 'usd'));
  await f.at('2026-11-30T01:00:00Z', payment('succeeded', 5000, 'jpy'));
  await f.at('2026-11-30T02:00:00Z', push('acme/api')); // not a payment
}
