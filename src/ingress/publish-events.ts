import { createHash } from 'node:crypto';
import type { ConnectorResult } from '../../connectors/connector.ts';
import type { BusStreams, PublishResult } from '../bus/event-bus.ts';
import { eventJson } from '../events/event-json.ts';
import type { ConnectorInstance } from './hooks-route.ts';

/** Publishes every event of the request at once; resolves when the bus has committed them all. */
export function publishEvents(
  bus: BusStreams,
  instance: ConnectorInstance,
  body: Buffer,
  result: ConnectorResult,
): Promise<PublishResult[]> {
  const contentKeys = contentKeysOf(instance, body, result);
  return Promise.all(
    result.events.map((event, i) => {
      const dataText = result.dataText?.[i];
      const json = dataText === undefined ? undefined : eventJson(event, dataText);
      return bus.publish('events', { id: event.id, subject: event.type, payload: event, contentKey: contentKeys?.[i], json });
    }),
  );
}

/** For a provider that signs only the body: one key per event of the body, so a replay under a new delivery id is a duplicate. */
function contentKeysOf(instance: ConnectorInstance, body: Buffer, result: ConnectorResult): string[] | undefined {
  const count = result.events.length;
  if (count === 0 || instance.connector.signsOnlyBody?.(instance.config) !== true) return undefined;
  const digest = result.bodyDigest ?? createHash('sha256').update(body).digest('hex');
  return Array.from({ length: count }, (_, i) => `${instance.name}:${digest}:${i}`);
}
