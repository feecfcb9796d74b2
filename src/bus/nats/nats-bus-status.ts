import type { JetStreamManager } from '@nats-io/jetstream';
import type { BusStatus } from '../event-bus.ts';
import type { ConnectionState } from './nats-connection.ts';
import type { NatsNames } from './nats-names.ts';

/** Ready while connected and JetStream answers for the events stream. */
export async function natsBusStatus(
  connection: ConnectionState,
  jsm: JetStreamManager,
  names: NatsNames,
  failed?: (error: unknown) => void,
): Promise<BusStatus> {
  const problem = connection.problem();
  if (problem !== undefined) return { ok: false, detail: problem };
  try {
    await jsm.streams.info(names.stream('events'));
    return { ok: true };
  } catch (err) {
    failed?.(err);
    return { ok: false, detail: `JetStream not answering: ${err instanceof Error ? err.message : String(err)}` };
  }
}
