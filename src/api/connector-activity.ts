import type { HubEvent } from '../events/hub-event.ts';
import type { HookObservation } from '../ingress/ingress-server.ts';
import { DEFAULT_HEADER_POLICY, redactHeaders, type HeaderPolicy } from '../operations/header-policy.ts';

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

/** In-memory, per process: recent /hooks requests (a ring of `capacity`) and per-connector counters. */
export function createConnectorActivity(options: {
  connectors: readonly string[];
  capacity?: number;
  headerPolicy?: HeaderPolicy;
}): ConnectorActivity {
  const capacity = options.capacity ?? 500;
  const policy = options.headerPolicy ?? DEFAULT_HEADER_POLICY;
  const known = new Set(options.connectors);
  const recent: RequestView[] = [];
  const counters = new Map<string, ConnectorCounts>();
  return {
    observe(o) {
      // Random paths share one entry, so they cannot grow memory.
      const connector = known.has(o.connector) ? o.connector : '_unknown';
      const view: RequestView = {
        connector,
        method: o.method,
        status: o.status,
        time: o.time.toISOString(),
        durationMs: Math.round(o.durationMs * 10) / 10,
        headers: redactHeaders(o.headers, policy),
      };
      recent.push(view);
      if (recent.length > capacity) recent.shift();
      let c = counters.get(connector);
      if (!c) counters.set(connector, (c = { accepted: 0, rejected: 0, failed: 0 }));
      if (o.status < 300) {
        c.accepted += 1;
        c.lastAccepted = view;
      } else {
        if (o.status >= 500) c.failed += 1;
        else c.rejected += 1;
        c.lastError = { ...view, hint: hintFor(o.status) };
      }
    },
    counts(connector) {
      return counters.get(connector) ?? { accepted: 0, rejected: 0, failed: 0 };
    },
    requestFor(event) {
      for (let i = recent.length - 1; i >= 0; i--) {
        const view = recent[i];
        if (view && view.connector === event.connector && view.status < 300 && Object.values(view.headers).includes(event.id)) return view;
      }
      return undefined;
    },
  };
}
