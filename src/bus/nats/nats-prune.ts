import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { sweepHistory } from './nats-history-retention.ts';
import { dropKvDeleteMarkers } from './nats-legacy-index.ts';
import type { NatsNames } from './nats-names.ts';
import { sweepStream } from './nats-retention.ts';
import type { NatsStores } from './nats-setup.ts';

export interface NatsPruneDeps {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: NatsNames;
  stores: NatsStores;
}

/**
 * One bus's retention pass (NatsBus.prune), with what it keeps between passes: the history sweep's per-ref
 * memo (nats-history-retention.ts), so a restart looks at each kept ref once, and whether this process has
 * cleared the kv delete markers an older release left (once per process).
 */
export function createNatsPrune(deps: NatsPruneDeps): (messagesMs: number, recordsMs: number) => Promise<number> {
  const { js, jsm, names, stores } = deps;
  const oldestSeq = new Map<string, number>();
  let kvMarkersDropped = false;
  return async (messagesMs, recordsMs) => {
    const cutoffMs = Date.now() - messagesMs;
    let purged = 0;
    for (const stream of ['events', 'jobs'] as const) purged += await sweepStream(jsm, names.stream(stream), cutoffMs);
    const history = { stream: names.historyStream, subject: (key: string) => `${names.prefix}.history.${key}` };
    const jobs = { stream: names.stream('jobs'), filter: names.filter('jobs') };
    const sweep = { js, jsm, history, jobs, deadLetters: stores.deadLetters.kv, oldestSeq };
    purged += await sweepHistory(sweep, Date.now() - recordsMs);
    // Last, so a failure here (reported as the pass's) holds back none of the sweeps above.
    if (!kvMarkersDropped) {
      await dropKvDeleteMarkers(js, jsm, names.prefix);
      kvMarkersDropped = true;
    }
    return purged;
  };
}
