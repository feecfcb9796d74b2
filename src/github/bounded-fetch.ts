/**
 * A fetch whose every call ends within `timeoutMs` (headers and body): a GitHub API that accepts the
 * connection and never answers would otherwise hold the sync's pass chain for undici's 300 s per wait
 * (per retry), and a body that trickles in, for good.
 * A plain controller and timer rather than AbortSignal.any(), which on Node 20 can drop a timeout signal.
 * The timer and the listener on the caller's signal go as soon as the body has been read to its end, or
 * the call fails: a long-lived caller signal would otherwise gain one listener per call, for good.
 */
export function boundedFetch(fetchImpl: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const controller = new AbortController();
    const outer = init?.signal ?? undefined;
    const forward = () => controller.abort(outer?.reason);
    const timer = setTimeout(
      () => controller.abort(new DOMException(`GitHub API gave no answer within ${timeoutMs} ms`, 'TimeoutError')),
      timeoutMs,
    );
    timer.unref();
    const release = () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', forward);
    };
    // Any abort ends the call: a body nobody reads to its end still lets go of the caller's signal then.
    controller.signal.addEventListener('abort', release, { once: true });
    if (outer?.aborted) forward();
    else outer?.addEventListener('abort', forward, { once: true });
    try {
      return releasedAtEnd(await fetchImpl(input, { ...init, signal: controller.signal }), release);
    } catch (err) {
      release();
      throw err;
    }
  };
}

/** Statuses whose response has no body (Response refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** The response with its body passed through, so that its end, failure or cancel calls `release`. */
function releasedAtEnd(response: Response, release: () => void): Response {
  const source = response.body;
  if (source === null || NULL_BODY.has(response.status)) {
    release();
    return response;
  }
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(stream) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          stream.close();
        } else stream.enqueue(value);
      } catch (err) {
        release();
        stream.error(err);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  const passed = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  // Octokit reports the URL that answered (after redirects); a constructed Response has none.
  Object.defineProperty(passed, 'url', { value: response.url });
  return passed;
}
