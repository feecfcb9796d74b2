import { LRUCache } from 'lru-cache';
import { createCircuitBreaker, type CircuitBreaker, type CircuitState } from './circuit-breaker.ts';
import type { DestinationPolicy } from './destination-policy.ts';
import { createTokenBucket, type TokenBucket } from './token-bucket.ts';

export interface GuardDefaults {
  /** Per-destination concurrency when the destination sets none. Default 4. */
  concurrency: number;
  failureThreshold: number;
  cooldownMs: number;
  /** Delay before re-offering a job whose destination is at its concurrency limit. */
  busyDelayMs: number;
  /** Destinations tracked at once (LRU). Default 10,000. */
  maxTracked?: number;
}

export type Admission =
  | { ok: true; release: (outcome: 'success' | 'failure' | 'neutral') => void }
  | { ok: false; delayMs: number; reason: 'circuit-open' | 'rate-limited' | 'busy' | 'paused' | 'probing' };

export interface DestinationGuards {
  /** Admits one attempt to `key`, or says how long to wait. Admitted attempts must be released. */
  admit(key: string, policy: DestinationPolicy): Admission;
  circuit(key: string): CircuitState;
  /**
   * Admits nothing to `key` for `ms` (a 429's Retry-After), or longer if it is paused longer already; then
   * one attempt alone (a probe), and the rest once it ends without a new pause. Attempts already in flight
   * are not stopped.
   */
  pause(key: string, policy: DestinationPolicy, ms: number): void;
  /** How long `key` stays paused (0 when it is not). */
  pausedFor(key: string): number;
  /** Destinations with state in this process (at most the cap). */
  tracked(): number;
}

/**
 * Webhook URLs can be templated, so the number of destinations is unbounded: past this many, the
 * least recently used destination's state is forgotten, whatever its circuit (an open breaker
 * included), so memory stays bounded.
 */
const MAX_TRACKED = 10_000;

interface DestinationState {
  inFlight: number;
  breaker: CircuitBreaker;
  bucket?: TokenBucket;
  /** Epoch ms until which the destination asked us to wait (429). */
  pausedUntil?: number;
  /** Paused, and no attempt since has ended without pausing it again: the next attempt goes alone. */
  probeDue?: boolean;
  /** That attempt is in flight. */
  probing?: boolean;
}

/** Pause (429), concurrency limit, token-bucket rate limit and circuit breaker, per destination, in this process. */
export function createDestinationGuards(defaults: GuardDefaults, now: () => Date): DestinationGuards {
  const states = new LRUCache<string, DestinationState>({ max: defaults.maxTracked ?? MAX_TRACKED });

  const stateOf = (key: string, policy: DestinationPolicy): DestinationState => {
    let state = states.get(key);
    if (state === undefined) {
      state = newDestinationState(policy, defaults, now);
      states.set(key, state);
    }
    return state;
  };

  const pausedFor = (state: DestinationState | undefined): number => Math.max(0, (state?.pausedUntil ?? 0) - now().getTime());

  return {
    admit(key, policy) {
      const state = stateOf(key, policy);
      const paused = pausedFor(state);
      if (paused > 0) return { ok: false, delayMs: paused, reason: 'paused' };
      // The jobs a pause held back would all come back at its end and could meet the 429 again: one goes first.
      if (state.probing) return { ok: false, delayMs: defaults.busyDelayMs, reason: 'probing' };
      if (state.inFlight >= (policy.concurrency ?? defaults.concurrency)) {
        return { ok: false, delayMs: defaults.busyDelayMs, reason: 'busy' };
      }
      const circuit = state.breaker.admit();
      if (!circuit.ok) return { ok: false, delayMs: circuit.retryInMs, reason: 'circuit-open' };
      const wait = state.bucket?.take() ?? 0;
      if (wait > 0) {
        state.breaker.abandon();
        return { ok: false, delayMs: wait, reason: 'rate-limited' };
      }
      return admitOne(state, () => pausedFor(state) > 0);
    },
    pause(key, policy, ms) {
      const state = stateOf(key, policy);
      state.pausedUntil = Math.max(state.pausedUntil ?? 0, now().getTime() + Math.max(0, ms));
      state.probeDue = true;
    },
    pausedFor: (key) => pausedFor(states.peek(key)),
    circuit(key) {
      return states.peek(key)?.breaker.state() ?? 'closed';
    },
    tracked: () => states.size,
  };
}

/** A destination first seen: its breaker (and bucket, when it sets a rate limit) with its policy over the defaults. */
function newDestinationState(policy: DestinationPolicy, defaults: GuardDefaults, now: () => Date): DestinationState {
  const breaker = createCircuitBreaker(
    {
      failureThreshold: policy.circuitBreaker?.failures ?? defaults.failureThreshold,
      cooldownMs: policy.circuitBreaker?.cooldown ?? defaults.cooldownMs,
    },
    now,
  );
  return { inFlight: 0, breaker, ...(policy.rateLimit ? { bucket: createTokenBucket(policy.rateLimit, now) } : {}) };
}

/**
 * Counts one more attempt in flight; its release (only the first counts) tells the breaker how it went. The
 * first attempt after a pause is its probe: the destination is no longer paused once it ends without
 * `pausedAgain()` (a 429 pauses before its release).
 */
function admitOne(state: DestinationState, pausedAgain: () => boolean): Admission {
  state.inFlight += 1;
  const probe = state.probeDue === true;
  if (probe) state.probing = true;
  let released = false;
  return {
    ok: true,
    release(outcome) {
      if (released) return;
      released = true;
      state.inFlight -= 1;
      if (probe) {
        state.probing = false;
        state.probeDue = pausedAgain();
      }
      if (outcome === 'success') state.breaker.onSuccess();
      else if (outcome === 'failure') state.breaker.onFailure();
      else state.breaker.abandon();
    },
  };
}
