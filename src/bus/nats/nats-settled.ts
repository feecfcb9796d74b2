import type { ClusterInfo } from '@nats-io/jetstream';

/**
 * Polls (every 250 ms, bounded) until a stream's or consumer's cluster shows a leader and `replicas - 1`
 * current peers: after a scale-up or a step-down it elects a leader and copies to the new peers, and
 * until then reads of it time out. `what` names it in the error.
 */
export async function waitForCurrentReplicas(
  what: string,
  readCluster: () => Promise<ClusterInfo | undefined>,
  replicas: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const cluster = await readCluster().catch(() => undefined);
    const peers = cluster?.replicas ?? [];
    if (cluster?.leader && peers.length === replicas - 1 && peers.every((p) => p.current)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not settle on ${replicas} current replicas within ${timeoutMs / 1000} s`);
}
