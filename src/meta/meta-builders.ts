import type { HubEvent } from '../events/hub-event.ts';
import { createMetaEvent, metaId } from './meta-event.ts';
import { DROPPED_ITEM } from './rejection-windows.ts';

export interface DeadLetteredInfo {
  jobId: string;
  eventId: string;
  eventType: string;
  rule: string;
  action: string;
  destination: string;
  reason: string;
  attempts: number;
  time: string;
}

export function deadLetteredEvent(info: DeadLetteredInfo, now: Date): HubEvent {
  return createMetaEvent(
    'hookhub.job.dead_lettered',
    {
      id: metaId('hookhub.job.dead_lettered', info.jobId, info.time),
      subject: info.rule,
      title: `Job of rule ${info.rule} (${info.action} to ${info.destination || 'its destination'}) dead-lettered after ${info.attempts} attempt${info.attempts === 1 ? '' : 's'}: ${info.reason}`,
      data: {
        job: info.jobId,
        event: info.eventId,
        eventType: info.eventType,
        rule: info.rule,
        action: info.action,
        destination: info.destination,
        lastError: info.reason,
        attempts: info.attempts,
        deadLetteredAt: info.time,
      },
    },
    now,
  );
}

export interface CircuitInfo {
  destination: string;
  state: 'open' | 'closed';
  /** The job whose attempt changed the state. */
  jobId: string;
  rule: string;
  process: string;
}

export function circuitEvent(info: CircuitInfo, now: Date): HubEvent {
  const type = info.state === 'open' ? 'hookhub.destination.circuit_opened' : 'hookhub.destination.circuit_closed';
  return createMetaEvent(
    type,
    {
      id: metaId(type, info.process, info.destination, now.toISOString()),
      subject: info.destination,
      title:
        info.state === 'open'
          ? `Circuit opened for ${info.destination}: deliveries paused after repeated failures`
          : `Circuit closed for ${info.destination}: deliveries flow again`,
      data: { destination: info.destination, state: info.state, job: info.jobId, rule: info.rule, process: info.process },
    },
    now,
  );
}

export interface RejectionsInfo {
  connector: string;
  /** The 5-minute window, ISO times. */
  since: string;
  until: string;
  counts: Record<string, number>;
  /** By reason: what to check (the latest refused signature's hint); absent when none came with one. */
  hints?: Record<string, string>;
}

export function rejectionsEvent(info: RejectionsInfo, now: Date): HubEvent {
  const total = Object.values(info.counts).reduce((a, b) => a + b, 0);
  const by = Object.entries(info.counts)
    .sort((a, b) => b[1] - a[1])
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  return createMetaEvent(
    'hookhub.connector.rejections',
    {
      // One per connector and window, whichever hub process reports it first.
      id: metaId('hookhub.connector.rejections', info.connector, info.since),
      subject: info.connector,
      title: `${rejectionsHeadline(info.counts, total)} on connector ${info.connector} (${by})`,
      data: {
        connector: info.connector,
        since: info.since,
        until: info.until,
        total,
        counts: info.counts,
        ...(info.hints && Object.keys(info.hints).length > 0 ? { hints: info.hints } : {}),
      },
    },
    now,
  );
}

/** `3 webhooks refused`, `2 batch items dropped`, or both: a dropped item is not a refused request. */
function rejectionsHeadline(counts: Record<string, number>, total: number): string {
  const dropped = counts[DROPPED_ITEM] ?? 0;
  const refused = total - dropped;
  const parts = [
    ...(refused > 0 || dropped === 0 ? [`${refused} webhook${refused === 1 ? '' : 's'} refused`] : []),
    ...(dropped > 0 ? [`${dropped} batch item${dropped === 1 ? '' : 's'} dropped`] : []),
  ];
  return parts.join(' and ');
}

export function reloadFailedEvent(diagnostics: readonly string[], dir: string, now: Date): HubEvent {
  return createMetaEvent(
    'hookhub.rules.reload_failed',
    {
      id: metaId('hookhub.rules.reload_failed', dir, ...diagnostics),
      subject: dir,
      title: `Rules reload failed (${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}); the last good rules keep running: ${diagnostics[0] ?? ''}`,
      data: { dir, errors: diagnostics },
    },
    now,
  );
}

export interface ConsumerInfo {
  consumer: string;
  state: 'stalled' | 'recovered';
  /** When it last made progress, ISO. */
  since?: string;
  pending?: number;
  process: string;
}

export function consumerEvent(info: ConsumerInfo, now: Date): HubEvent {
  const type = info.state === 'stalled' ? 'hookhub.consumer.stalled' : 'hookhub.consumer.recovered';
  return createMetaEvent(
    type,
    {
      id: metaId(type, info.process, info.consumer, info.since ?? now.toISOString()),
      subject: info.consumer,
      title:
        info.state === 'stalled'
          ? `Consumer ${info.consumer} has work and makes no progress${info.since ? ` since ${info.since}` : ''}`
          : `Consumer ${info.consumer} makes progress again`,
      data: {
        consumer: info.consumer,
        state: info.state,
        ...(info.since ? { since: info.since } : {}),
        ...(info.pending !== undefined ? { pending: info.pending } : {}),
        process: info.process,
      },
    },
    now,
  );
}
