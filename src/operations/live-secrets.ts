import { MIN_MASKED } from './event-view.ts';
import { withForms } from './secret-forms.ts';

/**
 * Secrets the hub comes to hold while it runs, which hookhub.yaml does not show: the JWTs and
 * installation tokens a GitHub App's key mints, the JWT and NKey seed of `bus.auth.credsFile`.
 * Whoever obtains one adds it; createKnownSecrets masks them with the rest.
 */
export interface LiveSecrets {
  add(values: readonly string[]): void;
  /** Every form (withForms) of the values held: the same list until a new value comes, so callers can cache by it. */
  forms(): readonly string[];
}

/** Installation tokens live an hour and JWTs ten minutes: the latest few are all that still work, and every one kept costs each search. */
const KEPT = 16;

export function createLiveSecrets(): LiveSecrets {
  const values = new Set<string>();
  let forms: readonly string[] = [];
  return {
    add(added) {
      const fresh = added.filter((value) => value.length >= MIN_MASKED && !values.has(value));
      if (fresh.length === 0) return;
      for (const value of fresh) values.add(value);
      for (const oldest of [...values].slice(0, Math.max(0, values.size - KEPT))) values.delete(oldest);
      // Computed here, once per new value, so the workers pay nothing per attempt.
      forms = withForms(values);
    },
    forms: () => forms,
  };
}
