import { createHash } from 'node:crypto';
import { createHubEvent, type HubEvent } from '../events/hub-event.ts';

/** The `source` of every event the hub publishes about its own trouble. */
export const META_SOURCE = '/hookhub';

/** The meta-event types (docs/rules.md#meta-events-alerts-on-the-hubs-own-trouble). Scheduled ticks (`hookhub.schedule.*`) are not among them. */
export const META_TYPES = [
  'hookhub.job.dead_lettered',
  'hookhub.destination.circuit_opened',
  'hookhub.destination.circuit_closed',
  'hookhub.connector.rejections',
  'hookhub.rules.reload_failed',
  'hookhub.consumer.stalled',
  'hookhub.consumer.recovered',
] as const;
export type MetaType = (typeof META_TYPES)[number];

const META_SET: ReadonlySet<string> = new Set(META_TYPES);

export function isMetaEventType(type: string): type is MetaType {
  return META_SET.has(type);
}

export interface MetaEventInit {
  /** Stable when several hub processes would report the same thing, so the bus keeps one. */
  id: string;
  subject: string;
  title: string;
  data: Record<string, unknown>;
}

/** The connector name meta-events carry: the hub itself, not a configured connector. */
export const META_CONNECTOR = 'hookhub';

/** A CloudEvent with `source: /hookhub` and connector `hookhub`; rules match it like any event. */
export function createMetaEvent(type: MetaType, init: MetaEventInit, now: Date): HubEvent {
  const event = createHubEvent(
    { id: init.id, type, connector: META_CONNECTOR, subject: init.subject, title: init.title, data: init.data, time: now },
    now,
  );
  return { ...event, source: META_SOURCE };
}

/** Short stable ids for long keys (URLs as destinations, diagnostics). */
export function metaId(type: MetaType, ...parts: string[]): string {
  return `${type}:${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24)}`;
}
