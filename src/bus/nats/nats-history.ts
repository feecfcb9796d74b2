import type { JetStreamClient } from '@nats-io/jetstream';
import type { HistoryRecord } from '../event-bus.ts';
import type { NatsNames } from './nats-names.ts';
import { readRange, type ReadDeps } from './nats-read.ts';

export interface HistoryDeps extends ReadDeps {
  js: JetStreamClient;
  names: NatsNames;
  timeoutMs: number;
}

/**
 * History records live in their own stream, one subject per ref (`<prefix>.history.<sha256(ref)>`),
 * so all records of a ref are read back in append order with a single-subject filter.
 */
export async function appendRecord(deps: HistoryDeps, entry: HistoryRecord): Promise<void> {
  const body = new TextEncoder().encode(JSON.stringify(entry));
  await deps.js.publish(deps.names.historySubject(entry.ref), body, {
    timeout: deps.timeoutMs,
    expect: { streamName: deps.names.historyStream },
  });
}

export async function readRecords(deps: HistoryDeps, ref: string): Promise<HistoryRecord[]> {
  const out: HistoryRecord[] = [];
  const range = readRange(deps, { stream: deps.names.historyStream, filter: deps.names.historySubject(ref) });
  for await (const msg of range) {
    const record = msg.json<HistoryRecord>();
    // sha256 collisions are not a practical concern, but a ref mismatch must never leak a record.
    if (record.ref === ref) out.push(record);
  }
  return out;
}
