/**
 * A fetch whose every call ends within `timeoutMs` (headers and body): a GitHub API that accepts the
 * connection and never answers would otherwise hold the sync's pass chain for undici's 300 s per wait
 * (per retry), and a body that trickles in, for good.
 * A plain controller and timer rather than AbortSignal.any(), which on Node 20 can drop a timeout signal.
 */
export function boundedFetch(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return (input, init) => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException(`GitHub API gave no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    timer.unref();
    const outer = init?.signal;
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener('abort', () => controller.abort(outer.reason), { once: true });
    return fetchImpl(input, { ...init, signal: controller.signal });
  };
}
