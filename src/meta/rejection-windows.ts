/** Names for refused webhook answers (the ingress statuses, docs/connectors.md). */
const REASONS: Readonly<Record<number, string>> = {
  400: 'malformed',
  401: 'bad_signature',
  403: 'forbidden',
  404: 'unknown_connector',
  405: 'method_not_allowed',
  413: 'too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'hub_unavailable',
};

/** The reason for an unusable item of a verified batch, dropped while the rest of the batch was stored. */
export const DROPPED_ITEM = 'dropped_item';

export function rejectionReason(status: number): string {
  return REASONS[status] ?? `http_${status}`;
}

export interface ClosedWindow {
  connector: string;
  since: Date;
  until: Date;
  counts: Record<string, number>;
  /** By reason: what to check, from the window's latest refusal that came with a hint (signatures). */
  hints: Record<string, string>;
}

/**
 * Refused requests counted per connector in aligned windows (00:00, 00:05, …). A window is handed
 * out once, when it has ended, so each connector yields at most one report per window.
 */
export function createRejectionWindows(windowMs: number) {
  const open = new Map<string, { start: number; counts: Record<string, number>; hints: Record<string, string> }>();
  const close = (connector: string): ClosedWindow | undefined => {
    const window = open.get(connector);
    if (!window) return undefined;
    open.delete(connector);
    const { counts, hints } = window;
    return { connector, since: new Date(window.start), until: new Date(window.start + windowMs), counts, hints };
  };
  return {
    /** Counts `count` refusals (default 1); returns the connector's previous window when this one starts a new window. */
    add(connector: string, reason: string, now: Date, hint?: string, count = 1): ClosedWindow | undefined {
      const start = Math.floor(now.getTime() / windowMs) * windowMs;
      const current = open.get(connector);
      const closed = current && current.start !== start ? close(connector) : undefined;
      const window = open.get(connector) ?? { start, counts: {}, hints: {} };
      window.counts[reason] = (window.counts[reason] ?? 0) + count;
      if (hint !== undefined) window.hints[reason] = hint;
      open.set(connector, window);
      return closed;
    },
    /** Windows that have ended by `now` (all of them with `all`). */
    due(now: Date, all = false): ClosedWindow[] {
      const ended = [...open].filter(([, w]) => all || w.start + windowMs <= now.getTime()).map(([connector]) => connector);
      return ended.flatMap((connector) => close(connector) ?? []);
    },
  };
}
