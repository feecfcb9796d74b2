import { findConnector } from '../../connectors/index.ts';
import type { BusConfig } from '../config/config-schema.ts';
import type { HubConfig } from '../config/load-config.ts';
import { MIN_MASKED } from './event-view.ts';
import { channelSecrets, decoded } from './known-secrets.ts';
import { isSecretName } from './redact.ts';

export type SecretConfig = Pick<HubConfig, 'connectors' | 'channels' | 'bus' | 'api'> & Partial<Pick<HubConfig, 'subscriptions'>>;

/**
 * The secrets hookhub.yaml holds, for masking text the hub did not write: each connector's
 * `secretFields` (a GitHub webhook `secret`, its `token`, `app.privateKey`, Stripe's and Slack's signing
 * secrets), every channel's credentials, the chat bot tokens under `subscriptions`, the NATS
 * credentials (`bus.auth`, a `user:password@` or token in `bus.url`, an inline `bus.tls.key`) and the
 * `api.tokens`. Values shorter than MIN_MASKED are left out: they would mask common text.
 */
export function configSecrets(config: SecretConfig): string[] {
  const found = [
    ...Object.values(config.connectors).flatMap(connectorSecrets),
    ...Object.values(config.channels).flatMap((channel) => channelSecrets(channel as Readonly<Record<string, unknown>>)),
    ...secretNamed(config.subscriptions, 0),
    ...busSecrets(config.bus),
    ...config.api.tokens.map((entry) => entry.token),
  ];
  return [...new Set(found)].filter((value) => value.length >= MIN_MASKED);
}

/** The values of a connector block's `secretFields` (dotted paths; a field may hold a list, as a rotated `secret`). */
function connectorSecrets(block: { type: string } & Record<string, unknown>): string[] {
  return (findConnector(block.type)?.secretFields ?? []).flatMap((field) => stringsIn(valueAt(block, field)));
}

/** The value at a dotted path (`app.privateKey`), or undefined. */
export function valueAt(block: unknown, dotted: string): unknown {
  return dotted
    .split('.')
    .reduce<unknown>(
      (value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
      block,
    );
}

export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Strings under secret-named keys (a platform's `botToken`), at any depth. */
function secretNamed(value: unknown, depth: number): string[] {
  if (depth > 8 || value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
    isSecretName(key) ? stringsIn(item) : secretNamed(item, depth + 1),
  );
}

/** A NATS bus's password, token or NKey seed, what `bus.url` holds before an `@`, and TLS key text given inline. */
function busSecrets(bus: BusConfig): string[] {
  if (bus.type !== 'nats') return [];
  const auth = bus.auth;
  const key = bus.tls?.key;
  const inlineKey = key !== undefined && key.includes('-----BEGIN') ? [key] : [];
  return [...stringsIn([auth?.password, auth?.token, auth?.nkeySeed]), ...inlineKey, ...bus.url.split(',').flatMap(userinfo)];
}

/** `nats://user:password@host` or `nats://token@host`: the user (or token) and the password, as written and decoded. */
function userinfo(entry: string): string[] {
  const at = entry.lastIndexOf('@');
  if (at < 0) return [];
  const written = entry.slice(0, at).replace(/^\s*[a-z]+:\/\//i, '');
  const colon = written.indexOf(':');
  const parts = colon < 0 ? [written] : [written.slice(0, colon), written.slice(colon + 1)];
  return [...parts, ...parts.map(decoded)];
}
