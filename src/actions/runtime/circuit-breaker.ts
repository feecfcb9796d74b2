/** Per-destination circuit breaker settings. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. Default 5. */
  failureThreshold?: number;
  /** How long the circuit stays open before one half-open probe is let through. Default 30 s. */
  cooldownMs?: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreaker {
  /** `{ ok: true }` to go ahead, or how long until the next probe may be made. */
  admit(): { ok: true } | { ok: false; retryInMs: number };
  onSuccess(): void;
  onFailure(): void;
  /** Gives back an admitted half-open probe that was never made. */
  abandon(): void;
  state(): CircuitState;
}

/**
 * Closed -> open after N consecutive failures; after the cooldown exactly one probe is admitted
 * (half-open). The probe's success closes it, its failure opens it for another cooldown.
 */
export function createCircuitBreaker(options: CircuitBreakerOptions, now: () => Date): CircuitBreaker {
  const threshold = options.failureThreshold ?? 5;
  const cooldownMs = options.cooldownMs ?? 30_000;
  let failures = 0;
  let openedAt: number | undefined;
  let probing = false;

  const remaining = (): number => (openedAt === undefined ? 0 : openedAt + cooldownMs - now().getTime());
  return {
    admit() {
      if (openedAt === undefined) return { ok: true };
      const left = remaining();
      if (left > 0) return { ok: false, retryInMs: left };
      // Half-open: one probe at a time; everyone else waits roughly one more cooldown slice.
      if (probing) return { ok: false, retryInMs: Math.min(cooldownMs, 1_000) };
      probing = true;
      return { ok: true };
    },
    onSuccess() {
      failures = 0;
      openedAt = undefined;
      probing = false;
    },
    onFailure() {
      failures += 1;
      if (probing || failures >= threshold) openedAt = now().getTime();
      probing = false;
    },
    abandon() {
      probing = false;
    },
    state() {
      if (openedAt === undefined) return 'closed';
      return remaining() > 0 ? 'open' : 'half-open';
    },
  };
}
