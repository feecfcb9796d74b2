import type { HubEvent } from '../events/hub-event.ts';
import type { HookObservation } from '../ingress/ingress-server.ts';
import { DEFAULT_HEADER_POLICY, isShownHeader, redactHeaders, type HeaderPolicy } from '../operations/header-policy.ts';

export interface RequestView {
  connector: string;
  method: string;
  status: number;
  time: string;
  durationMs: number;
  /** Only allowlisted header values; every other value is masked to its length. */
  headers: Record<string, string>;
}

export interface ConnectorCounts {
  /** Answered 2xx (stored, or a handshake). */
  accepted: number;
  /** Answered 4xx: bad signature, malformed, wrong content type, too large. */
  rejected: number;
  /** Answered 5xx: the bus could not persist. */
  failed: number;
  lastAccepted?: RequestView;
  lastError?: RequestView & { hint: string };
}

export interface ConnectorActivity {
  observe(observation: HookObservation): void;
  /** Counts since this process started, and the last success and error. */
  counts(connector: string): ConnectorCounts;
  /** The request that carried an event, when it is among the recent ones (matched by a header holding the event id). */
  requestFor(event: HubEvent): RequestView | undefined;
}

/** What an operator should check for each kind of rejection. */
export function hintFor(status: number): string {
  if (status === 401)
    return 'signature or token did not verify: check that the secret in hookhub.yaml matches the provider, and the server clock for timestamped signatures';
  if (status === 400) return 'the body was not what this provider sends (empty, not JSON, or missing fields)';
  if (status === 413) return 'the body is over server.bodyLimit';
  if (status === 415) return "the Content-Type is not one this provider sends: check the provider's content type setting";
  if (status === 404) return 'no connector with this name in hookhub.yaml';
  if (status === 405) return 'providers POST webhooks (GET only for handshakes)';
  if (status >= 500) return 'the hub could not store the event (bus unavailable): the provider will retry';
  return `answered ${status}`;
}

/**
 * In-memory, per process: recent /hooks requests (a ring of `capacity`) and per-connector counters.
 * Requests are kept as observed and turned into redacted views only when the dashboard asks: masking
 * every header of every webhook was a few microseconds per request for views nobody may ever read.
 */
export function createConnectorActivity(options: {
  connectors: readonly string[];
  capacity?: number;
  headerPolicy?: HeaderPolicy;
}): ConnectorActivity {
  const capacity = options.capacity ?? 500;
  const policy = options.headerPolicy ?? DEFAULT_HEADER_POLICY;
  const known = new Set(options.connectors);
  const recent: HookObservation[] = [];
  const counters = new Map<string, Counters>();
  const view = (o: HookObservation): RequestView => requestView(o, policy);
  // Only a header whose value the view shows can say which request carried an event, as before views were built on read.
  const showsValue = (o: HookObservation, value: string): boolean =>
    Object.entries(o.headers).some(([name, v]) => v === value && isShownHeader(name, policy));
  return {
    observe(observed) {
      // Random paths share one entry, so they cannot grow memory.
      const o = known.has(observed.connector) ? observed : { ...observed, connector: '_unknown' };
      recent.push(o);
      if (recent.length > capacity) recent.shift();
      countObservation(counters, o);
    },
    counts(connector) {
      const { lastAccepted, lastError, ...counts } = counters.get(connector) ?? { accepted: 0, rejected: 0, failed: 0 };
      return {
        ...counts,
        ...(lastAccepted ? { lastAccepted: view(lastAccepted) } : {}),
        ...(lastError ? { lastError: { ...view(lastError), hint: lastError.hint ?? hintFor(lastError.status) } } : {}),
      };
    },
    requestFor(event) {
      for (let i = recent.length - 1; i >= 0; i--) {
        const o = recent[i];
        if (o && o.connector === event.connector && o.status < 300 && showsValue(o, event.id)) return view(o);
      }
      return undefined;
    },
  };
}

/** A request as the dashboard shows it: header values outside the policy's allowlist masked. */
function requestView(o: HookObservation, policy: HeaderPolicy): RequestView {
  return {
    connector: o.connector,
    method: o.method,
    status: o.status,
    time: o.time.toISOString(),
    durationMs: Math.round(o.durationMs * 10) / 10,
    headers: redactHeaders(o.headers, policy),
  };
}

/** Counts a request as accepted, rejected or failed on its connector, and keeps it as that connector's last. */
function countObservation(counters: Map<string, Counters>, o: HookObservation): void {
  let c = counters.get(o.connector);
  if (!c) counters.set(o.connector, (c = { accepted: 0, rejected: 0, failed: 0 }));
  if (o.status < 300) {
    c.accepted += 1;
    c.lastAccepted = o;
  } else {
    if (o.status >= 500) c.failed += 1;
    else c.rejected += 1;
    c.lastError = o;
  }
}

/** ConnectorCounts as kept: the last success and error as observed, turned into views when read. */
type Counters = Omit<ConnectorCounts, 'lastAccepted' | 'lastError'> & { lastAccepted?: HookObservation; lastError?: HookObservation };
