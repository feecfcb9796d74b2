import { MIN_MASKED } from './event-view.ts';
import { secretForms } from './secret-forms.ts';

/**
 * Secrets the hub comes to hold while it runs, which hookhub.yaml does not show: the JWTs and
 * installation tokens a GitHub App's key mints, the JWT and NKey seed of `bus.auth.credsFile`.
 * Whoever obtains one adds it; createKnownSecrets masks them with the rest.
 */
export interface LiveSecrets {
  /** `validUntil`: when they stop working (a token's `expires_at`), kept a few minutes past it; without it, kept for good (the creds file's). */
  add(values: readonly string[], validUntil?: Date): void;
  /** Every form (secretForms) of the values still valid: the same list until the set changes, so callers can cache by it. */
  forms(): readonly string[];
}

/**
 * Only a bound on memory: a value is kept as long as it can work (an installation token an hour, one per
 * installation), and past this many the soonest to expire go first.
 */
export const MAX_LIVE_SECRETS = 1_000;

/** Kept this long past their expiry: the hub's clock may run ahead of the issuer's, and a token works until the issuer's says so. */
const CLOCK_SKEW_MS = 5 * 60_000;

interface Held {
  validUntil: number;
  forms: readonly string[];
}

export function createLiveSecrets(now: () => Date = () => new Date()): LiveSecrets {
  const held = new Map<string, Held>();
  let forms: readonly string[] = [];
  let nextExpiry = Infinity;
  // Computed when the set changes (a new value, one expired), once per change, so the workers pay nothing per attempt.
  const refresh = (added: boolean) => {
    const before = held.size;
    dropExpired(held, now().getTime());
    evictSoonestToExpire(held, MAX_LIVE_SECRETS);
    nextExpiry = Math.min(Infinity, ...[...held.values()].map((entry) => entry.validUntil));
    if (added || held.size !== before) forms = formsOf(held);
  };
  return {
    add(added, validUntil) {
      const until = validUntil === undefined ? Infinity : validUntil.getTime() + CLOCK_SKEW_MS;
      if (until <= now().getTime()) return;
      let changed = false;
      for (const value of added) {
        if (value.length < MIN_MASKED) continue;
        const entry = held.get(value);
        if (entry) entry.validUntil = Math.max(entry.validUntil, until);
        else {
          held.set(value, { validUntil: until, forms: secretForms(value) });
          changed = true;
        }
      }
      if (changed || nextExpiry <= now().getTime()) refresh(changed);
    },
    forms() {
      if (nextExpiry <= now().getTime()) refresh(false);
      return forms;
    },
  };
}

/** Every form of every value held, once, longest first (as withForms gives them). */
function formsOf(held: ReadonlyMap<string, Held>): readonly string[] {
  return [...new Set([...held.values()].flatMap((entry) => entry.forms))].sort((a, b) => b.length - a.length);
}

function dropExpired(held: Map<string, Held>, at: number): void {
  for (const [value, entry] of held) if (entry.validUntil <= at) held.delete(value);
}

function evictSoonestToExpire(held: Map<string, Held>, max: number): void {
  if (held.size <= max) return;
  const soonestFirst = [...held].sort(([, a], [, b]) => a.validUntil - b.validUntil);
  for (const [value] of soonestFirst.slice(0, held.size - max)) held.delete(value);
}
