import { findConnector } from '../../connectors/index.ts';
import { DISPLAY_HEADERS } from './display-headers.ts';
import { isSecretName, maskValue } from './redact.ts';

/** Which request header values may be shown to viewers. Names are lowercase. */
export interface HeaderPolicy {
  /** Values shown as received (unless also in `hide`). Every other header shows its name and length only. */
  readonly show: ReadonlySet<string>;
  /** Never shown, even when allowlisted: wins over `show`. */
  readonly hide: ReadonlySet<string>;
}

/** The providers' signature and token headers (defence in depth: none is in DISPLAY_HEADERS either). */
const PROVIDER_SECRET_HEADERS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-hub-signature',
  'x-hub-signature-256',
  'stripe-signature',
  'webhook-signature',
  'x-slack-signature',
  'x-gitlab-token',
  'x-gitlab-signature',
  'x-shopify-hmac-sha256',
  'x-twilio-signature',
  'x-pagerduty-signature',
  'linear-signature',
  'sentry-hook-signature',
  'x-signature-ed25519',
  'x-razorpay-signature',
  'x-atlassian-webhook-signature',
];

/** The policy with no connector config: the fixed allowlist and the providers' secret headers. */
export const DEFAULT_HEADER_POLICY: HeaderPolicy = { show: new Set(DISPLAY_HEADERS), hide: new Set(PROVIDER_SECRET_HEADERS) };

/**
 * The fixed policy plus what connector configs name: a `header` next to a secret field (generic
 * `verify.apiKey.header`, `verify.hmac.header`) is hidden; other `…Header`/`header` fields (id, type,
 * timestamp) are shown.
 */
export function headerPolicyFor(connectors: Readonly<Record<string, { type: string }>>): HeaderPolicy {
  const show = new Set(DISPLAY_HEADERS);
  const hide = new Set(PROVIDER_SECRET_HEADERS);
  for (const config of Object.values(connectors)) {
    const secretFields = findConnector(config.type)?.secretFields ?? [];
    collectHeaders(config, new Set(secretFields), '', { show, hide });
  }
  for (const name of hide) show.delete(name);
  return { show, hide };
}

function collectHeaders(
  node: unknown,
  secretFields: ReadonlySet<string>,
  path: string,
  into: { show: Set<string>; hide: Set<string> },
): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return;
  const entries = Object.entries(node as Record<string, unknown>);
  const holdsSecret = entries.some(([key]) => secretFields.has(`${path}${key}`) || isSecretName(key));
  for (const [key, value] of entries) {
    if (typeof value === 'string' && /header$/i.test(key)) {
      (key === 'header' && holdsSecret ? into.hide : into.show).add(value.toLowerCase());
    } else {
      collectHeaders(value, secretFields, `${path}${key}.`, into);
    }
  }
}

/** Whether a header's value may be shown under `policy`. */
export function isShownHeader(name: string, policy: HeaderPolicy): boolean {
  const lower = name.toLowerCase();
  return policy.show.has(lower) && !policy.hide.has(lower) && !isSecretName(lower);
}

/** Request headers for display: allowlisted values as received, every other value masked to its length. */
export function redactHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  policy: HeaderPolicy = DEFAULT_HEADER_POLICY,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[name] = isShownHeader(name, policy) ? text : maskValue(text);
  }
  return out;
}
