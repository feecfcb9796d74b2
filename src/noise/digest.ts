import type { Job } from '../actions/action.ts';
import { hashKey } from '../bus/nats/nats-names.ts';
import type { GroupItem, GroupState } from './groups.ts';

/** Jobs the noise layer itself publishes (digests, held events) start with this: never gate them again. */
export const NOISE_JOB_PREFIX = 'noise:';

/** What a digest job carries in `params.digest` for actions that render digests themselves. */
export interface Digest {
  key: string;
  /** How many events the digest stands for (may exceed `items.length`). */
  count: number;
  items: Omit<GroupItem, 'job'>[];
}

export function isNoiseJob(job: Pick<Job, 'id'>): boolean {
  return job.id.startsWith(NOISE_JOB_PREFIX);
}

/**
 * The job that sends a due group: the held job itself when it holds one event, otherwise a
 * digest built on the newest held job. The id depends only on the group (and when it was made) and its
 * flush number, so processes racing on the same flush publish one job (bus dedup).
 */
export function digestJob(state: GroupState, now: Date): Job | undefined {
  const last = state.items[state.items.length - 1];
  if (!last) return undefined;
  // Without the group's creation time, the first digest of a group made again for the key after the last
  // was forgotten had the id of that one's first digest, and the bus dropped it as a duplicate.
  const incarnation = state.createdAt === undefined ? '' : `${state.createdAt.toString(36)}:`;
  const id = `${NOISE_JOB_PREFIX}${hashKey(`${state.scope}|${state.key}`).slice(0, 24)}:${incarnation}${state.seq}`;
  const base = { ...last.job, id, createdAt: now.toISOString() };
  if (state.pending === 1 && state.items.length === 1) return base;
  const digest: Digest = { key: state.key, count: state.pending, items: state.items.map(({ job: _job, ...rest }) => rest) };
  return { ...base, params: digestParams(last.job, digest) };
}

/**
 * `notify` gets a ready-made message (its params are strict); any other action gets the held
 * job's params plus `digest`, and renders it itself (the subscription `chat` action does).
 */
export function digestParams(job: Job, digest: Digest): Record<string, unknown> {
  if (job.action !== 'notify') return { ...job.params, digest };
  const { channel, color } = job.params as { channel: string; color?: string };
  return {
    channel,
    title: `${digest.count} events: ${digest.key}`,
    text: digestLines(digest).join('\n'),
    ...(color ? { color } : {}),
  };
}

/** One line per listed event, plus "… and N more". */
export function digestLines(digest: Digest): string[] {
  const lines = digest.items.map((i) => {
    const what = i.title ?? i.type;
    return `• ${i.url ? `${what} (${i.url})` : what}${i.actor ? ` by ${i.actor}` : ''}`;
  });
  const more = digest.count - digest.items.length;
  if (more > 0) lines.push(`… and ${more} more`);
  return lines;
}
