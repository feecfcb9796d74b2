/** A token bucket: `rate` tokens per `perMs`, holding at most `burst`. */
export interface TokenBucketOptions {
  rate: number;
  perMs: number;
  /** Default: `rate`. */
  burst?: number;
}

export interface TokenBucket {
  /** Takes a token and returns 0, or returns how long until one is available (taking nothing). */
  take(): number;
}

export function createTokenBucket(options: TokenBucketOptions, now: () => Date): TokenBucket {
  const capacity = Math.max(1, options.burst ?? options.rate);
  const msPerToken = options.perMs / options.rate;
  let tokens = capacity;
  let last = now().getTime();
  return {
    take() {
      const t = now().getTime();
      tokens = Math.min(capacity, tokens + (t - last) / msPerToken);
      last = t;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - tokens) * msPerToken);
    },
  };
}
