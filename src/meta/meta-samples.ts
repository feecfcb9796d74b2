import type { HubEvent } from '../events/hub-event.ts';
import { circuitEvent, consumerEvent, deadLetteredEvent, rejectionsEvent, reloadFailedEvent } from './meta-builders.ts';
import { META_TYPES } from './meta-event.ts';
import { verificationHint } from '../ingress/verification-hint.ts';

type Sample = (now: Date, id: string) => HubEvent;

/** Made with the same builders as the live events, so a rule tested on a sample sees the real shape. */
const SAMPLES: Readonly<Record<string, Sample>> = {
  'job.dead_lettered': (now, id) =>
    deadLetteredEvent(
      {
        jobId: `${id}:notify-payments:0`,
        eventId: id,
        eventType: 'stripe.payment_intent.payment_failed',
        rule: 'notify-payments',
        action: 'notify',
        destination: 'payments',
        reason: 'attempts exhausted (10): HTTP 503 Service Unavailable',
        attempts: 10,
        time: now.toISOString(),
      },
      now,
    ),
  'destination.circuit_opened': (now, id) =>
    circuitEvent(
      { destination: 'channel:payments', state: 'open', jobId: `${id}:notify-payments:0`, rule: 'notify-payments', process: 'sample' },
      now,
    ),
  'destination.circuit_closed': (now, id) =>
    circuitEvent(
      { destination: 'channel:payments', state: 'closed', jobId: `${id}:notify-payments:0`, rule: 'notify-payments', process: 'sample' },
      now,
    ),
  'connector.rejections': (now) =>
    rejectionsEvent(
      {
        connector: 'github',
        since: new Date(now.getTime() - 300_000).toISOString(),
        until: now.toISOString(),
        counts: { bad_signature: 42, malformed: 1 },
        hints: {
          bad_signature: verificationHint({ kind: 'mismatch', signs: 'body' }, { name: 'github', type: 'github', secretField: 'secret' }),
        },
      },
      now,
    ),
  'rules.reload_failed': (now) =>
    reloadFailedEvent(['rules/payments.yaml:7:11: unknown channel "paymnets" (did you mean "payments"?)'], 'rules', now),
  'consumer.stalled': (now) =>
    consumerEvent(
      { consumer: 'workers', state: 'stalled', since: new Date(now.getTime() - 120_000).toISOString(), pending: 37, process: 'sample' },
      now,
    ),
  'consumer.recovered': (now) => consumerEvent({ consumer: 'workers', state: 'recovered', process: 'sample' }, now),
};

/** The sample names: the meta types without `hookhub.`. */
export const META_SAMPLE_NAMES: readonly string[] = META_TYPES.map((t) => t.slice('hookhub.'.length));

/** A sample meta-event (`job.dead_lettered` or `hookhub.job.dead_lettered`) with a fresh id, marked `sample: true`. */
export function metaSample(name: string, now: Date, id: string): HubEvent {
  const build = SAMPLES[name.replace(/^hookhub\./, '')];
  if (!build) throw new Error(`no meta-event "${name}"; hookhub samples: ${META_SAMPLE_NAMES.join(', ')}`);
  const event = build(now, id);
  return { ...event, id: `sample:${id}`, data: { ...(event.data as Record<string, unknown>), sample: true } };
}
