import type { z } from 'zod';
import type { HubEvent } from '../src/events/hub-event.ts';

/** What a connector sees of an incoming webhook. Headers are lowercased. */
export interface WebhookRequest {
  method: string;
  /** Path and query as received, e.g. `/hooks/github?x=1`. */
  url: string;
  headers: Readonly<Record<string, string | undefined>>;
  /** The raw bytes: verification must happen on these, never on re-serialized JSON. */
  body: Buffer;
}

/** A reply the connector wants sent instead of the standard `202 {"id","duplicate"}` (handshakes). */
export interface WebhookReply {
  status: number;
  body: string | Record<string, unknown>;
}

/** One item of a verified batch that can never become an event (Meta's `entry[].changes[]`, an Event Streams CloudEvent). */
export interface DroppedItem {
  /** Where it is in the body, e.g. `entry[0].changes[2]`. */
  item: string;
  /** What is wrong with it: never a secret, nor the item's content. */
  reason: string;
}

export interface ConnectorResult {
  /** Verified, normalized events to persist before answering. May be empty (pure handshakes). */
  events: HubEvent[];
  /**
   * Items of a verified batch that can never become events. The ingress stores `events`, answers 2xx
   * and reports these (a warning, `hookhub_ingress_dropped_items_total`, `hookhub.connector.rejections`):
   * refusing the whole batch would only make the provider retry it (or drop it) with the good items in it.
   */
  dropped?: readonly DroppedItem[];
  /** Sent after the events are durable; when absent the ingress answers 202 with the ids. */
  reply?: WebhookReply;
  /**
   * For each event, the JSON text its `data` was parsed from, when `data` is that parse unchanged
   * (nothing removed, as Slack's token is): the hub stores the text instead of serializing `data` again.
   */
  dataText?: readonly (string | undefined)[];
  /**
   * For a connector that signs only the body (Connector.signsOnlyBody): the verified signature, a keyed
   * digest of the raw body (GitHub's HMAC-SHA256 under the secret that matched). The content key is
   * made from it instead of hashing the body a second time (13 µs for a 21 KB payload).
   */
  bodyDigest?: string;
}

export interface ConnectorContext<Config> {
  /** The connector instance name from hookhub.yaml (`connectors.<name>`). */
  name: string;
  config: Config;
  /** Injected clock, for timestamp tolerance checks. */
  now: () => Date;
}

/**
 * A provider integration: verifies a request on its raw bytes and normalizes it into HubEvents.
 *
 * `handle` throws `VerificationError` (401) for a missing/bad signature or a stale timestamp,
 * and `PayloadError` (400) for a body it cannot use. It must verify before it parses.
 */
export interface Connector<Config extends { type: string } = { type: string }> {
  readonly type: string;
  /** Validates this connector's block in hookhub.yaml (including `type`). */
  readonly configSchema: z.ZodType<Config>;
  /**
   * Media types this provider sends (lowercase, no parameters), e.g. `['application/json']`.
   * The ingress answers 415 to anything else before the connector runs; a request without
   * a Content-Type is passed on (the body parser decides).
   */
  readonly contentTypes: readonly string[];
  /**
   * HTTP methods the provider uses (default `['POST']`): Meta's handshake and Twilio's GET webhooks add `GET`.
   * The ingress answers 405 to any other before the connector runs, so a browser or probe opening the URL
   * is told to POST instead of being refused as a bad signature.
   */
  readonly methods?: readonly ('GET' | 'POST')[];
  /** Names of config fields that hold secrets, so they are never logged. */
  readonly secretFields: readonly string[];
  /**
   * The `secretFields` a sender proves it holds on every delivery (a signing key, a shared token): one that is
   * too short can be guessed offline from a single signed webhook, so `hookhub start` warns about it.
   * Default: all of `secretFields`. Leave out public keys, API credentials and handshake-only tokens.
   */
  readonly deliverySecretFields?: readonly string[];
  /**
   * True when the signature covers the body alone, not the delivery id: a captured request would then
   * verify again under a new delivery id (or another unsigned event-type header), so the ingress
   * also dedups on a digest of the verified body (ConnectorResult.bodyDigest, else its SHA-256), within
   * the dedup horizon (BusMessage.contentKey).
   */
  signsOnlyBody?(config: Config): boolean;
  handle(request: WebhookRequest, ctx: ConnectorContext<Config>): ConnectorResult | Promise<ConnectorResult>;
  /**
   * The provider's side, for `hookhub trigger` and tests: headers that make `body` verify
   * under the connector's first secret, as the provider would send them.
   * `event` is the provider's event name (e.g. GitHub's `X-GitHub-Event`), `id` the delivery id.
   */
  sign(body: Buffer, ctx: ConnectorContext<Config>, meta: { id: string; event: string }): Record<string, string>;
  /**
   * For samples whose signed body carries its own id or timestamp (Stripe's `evt_` id, Linear's
   * `webhookTimestamp`): returns the body made fresh for `trigger`, so it is neither a duplicate nor stale.
   */
  prepareSample?(body: Buffer, meta: { id: string; now: Date }): Buffer;
  /** Sample payloads for `hookhub trigger <type> <event>`: event name -> file under connectors/<type>/fixtures/. */
  readonly samples: Readonly<Record<string, string>>;
}
