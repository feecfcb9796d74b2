import type { Job } from '../actions/action.ts';
import type { BusKv } from '../bus/event-bus.ts';
import type { HubEvent } from '../events/hub-event.ts';
import { readPath } from '../shared/when-filter.ts';
import { isActive } from './active-hours.ts';
import { isNoiseJob } from './digest.ts';
import { holdInGroup, noiseKvKey } from './groups.ts';
import { createMuteStore, type MuteStore } from './mutes.ts';
import type { NoiseSpec } from './noise-spec.ts';
import { takeThrottle } from './throttle.ts';

/** What the gate decided for one job. */
export type NoiseVerdict =
  | { send: true }
  | { send: false; reason: 'muted' | 'throttled' | 'inactive'; until?: string }
  | { send: false; reason: 'grouped' | 'held'; flushAt: string };

export interface NoiseInput {
  /** Whose noise state this is: a rule name or a subscription id. */
  scope: string;
  job: Job;
  event: HubEvent | undefined;
  /** Extra mute scopes to honour (e.g. the whole chat channel). */
  muteScopes?: readonly string[];
}

export interface NoiseGate {
  readonly mutes: MuteStore;
  admit(spec: NoiseSpec | undefined, input: NoiseInput): Promise<NoiseVerdict>;
}

export const NOISE_BUCKETS = { groups: 'noise-groups', throttle: 'noise-throttle', mutes: 'noise-mutes' } as const;

/**
 * Noise control shared through the bus (so several hub processes agree): mute windows and
 * mutes from chat, active hours, throttle, then grouping. Jobs the noise layer published itself
 * (digests) are only checked against mutes. In that order: a muted event is not counted by the throttle.
 */
export function createNoiseGate(deps: { bus: BusKv; now: () => Date }): NoiseGate {
  const mutes = createMuteStore(deps.bus.kv(NOISE_BUCKETS.mutes), deps.now);
  return {
    mutes,
    async admit(spec, input) {
      const now = deps.now();
      const mute = (spec?.mute ?? []).find((w) => (!w.from || Date.parse(w.from) <= now.getTime()) && now.getTime() < Date.parse(w.until));
      if (mute) return { send: false, reason: 'muted', until: mute.until };
      const running = await mutes.active([input.scope, ...(input.muteScopes ?? [])]);
      if (running) return { send: false, reason: 'muted', until: running.until };
      // Digests and held events were admitted once already; a mute since then still applies.
      if (!spec || isNoiseJob(input.job)) return { send: true };
      const hours = spec.activeHours;
      const outside = hours !== undefined && !isActive(hours, now);
      if (outside && hours.outside === 'drop') return { send: false, reason: 'inactive' };
      if (spec.throttle && !outside) {
        const key = noiseKvKey(input.scope, groupKey(spec, input));
        const ok = await takeThrottle(
          deps.bus.kv(NOISE_BUCKETS.throttle),
          key,
          { max: spec.throttle.max, perMs: spec.throttle.per },
          input.job.eventId,
          now.getTime(),
        );
        if (!ok) return { send: false, reason: 'throttled' };
      }
      if (!spec.group && !outside) return { send: true };
      const flushAt = await holdInGroup(
        deps.bus.kv(NOISE_BUCKETS.groups),
        {
          scope: groupScope(input),
          key: spec.group ? groupKey(spec, input) : 'held',
          job: input.job,
          event: input.event,
          waitMs: spec.group?.wait ?? 0,
          intervalMs: spec.group?.interval ?? 0,
          // With `outside: drop` too: events that came in during the hours wait for their next start, never sent outside them.
          ...(hours ? { activeHours: hours } : {}),
        },
        now.getTime(),
      );
      return { send: false, reason: spec.group ? 'grouped' : 'held', flushAt: new Date(flushAt).toISOString() };
    },
  };
}

/**
 * Each action of a rule groups on its own: a group keeps one item per event and its digest is built
 * on one held job, so a second action sharing the group was dropped. The first action keeps the
 * scope groups always had (groups pending across an upgrade stay whole).
 */
function groupScope(input: NoiseInput): string {
  return input.job.index > 0 ? `${input.scope}#${input.job.index}` : input.scope;
}

/** The group (and throttle) key: the values at `group.by` (default `subject`), or the event type. */
function groupKey(spec: NoiseSpec, input: NoiseInput): string {
  const paths = spec.group?.by ?? ['subject'];
  const values = paths.map((path) => {
    const value = input.event ? readPath(input.event, path) : undefined;
    return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  });
  return values.some((v) => v !== '') ? values.join(' · ') : input.job.eventType;
}
