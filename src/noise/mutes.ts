import type { KvBucket } from '../bus/kv.ts';

/** A mute (snooze) set from chat or the API, until a time. */
export interface Mute {
  scope: string;
  until: string;
  by?: string;
  at: string;
}

export interface MuteStore {
  mute(scope: string, until: Date, by?: string): Promise<Mute>;
  /** True when there was a mute to lift. */
  unmute(scope: string): Promise<boolean>;
  /** The first mute still running for any of `scopes`, if one is. */
  active(scopes: readonly string[]): Promise<Mute | undefined>;
  /** Mutes still running, for `list`. */
  list(): Promise<Mute[]>;
}

/** Mutes in the bus kv bucket `noise-mutes`, keyed by scope (a subscription id, a channel, a rule). */
export function createMuteStore(kv: KvBucket, now: () => Date): MuteStore {
  const running = (mute: Mute | undefined): Mute | undefined => (mute && Date.parse(mute.until) > now().getTime() ? mute : undefined);
  return {
    async mute(scope, until, by) {
      const mute: Mute = { scope, until: until.toISOString(), at: now().toISOString(), ...(by ? { by } : {}) };
      await kv.put(scope, mute);
      return mute;
    },
    async unmute(scope) {
      const had = running((await kv.get<Mute>(scope))?.value) !== undefined;
      await kv.delete(scope);
      return had;
    },
    async active(scopes) {
      for (const scope of scopes) {
        const mute = running((await kv.get<Mute>(scope))?.value);
        if (mute) return mute;
      }
      return undefined;
    },
    async list() {
      return (await kv.entries<Mute>()).map((e) => e.value).filter((m) => running(m) !== undefined);
    },
  };
}
