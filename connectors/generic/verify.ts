import type { WebhookRequest } from '../connector.ts';
import { VerificationError } from '../../src/errors.ts';
import { matchesAnyHmac } from '../shared/body-hmac.ts';
import { getHeader } from '../shared/headers.ts';
import { safeEqualAny } from '../shared/safe-equal.ts';
import { assertFresh, parseUnixSeconds } from '../shared/timestamp.ts';
import type { GenericApiKey, GenericBasic, GenericConfig, GenericHmac } from './config.ts';

/** Runs the one configured check; throws VerificationError (401) when it fails. */
export function verifyGeneric(request: WebhookRequest, verify: GenericConfig['verify'], now: Date): void {
  if (verify.hmac) return verifyHmac(request, verify.hmac, now);
  if (verify.apiKey) return verifyApiKey(request, verify.apiKey);
  if (verify.basic) return verifyBasic(request, verify.basic);
  throw new VerificationError('no verification configured', { kind: 'unconfigured', setting: 'verify' });
}

/** The signed content as parts, so the raw body bytes are hashed untouched. */
export function signedParts(template: string, body: Buffer, values: { timestamp?: string; id?: string }): (string | Buffer)[] {
  return template.split(/(\{body\}|\{timestamp\}|\{id\})/).map((part) => {
    if (part === '{body}') return body;
    if (part === '{timestamp}') return values.timestamp ?? '';
    if (part === '{id}') return values.id ?? '';
    return part;
  });
}

function verifyHmac(request: WebhookRequest, hmac: GenericHmac, now: Date): void {
  const header = getHeader(request.headers, hmac.header);
  if (header === undefined) throw new VerificationError(`missing ${hmac.header} header`, { kind: 'missing' });
  const received = signaturesIn(header, hmac.prefix ?? '');
  if (received.length === 0) {
    throw new VerificationError(`malformed ${hmac.header} header (expected ${hmac.prefix ?? ''}<signature>)`, { kind: 'malformed' });
  }
  const timestamp = hmac.timestampHeader ? readRequired(request, hmac.timestampHeader) : undefined;
  if (timestamp !== undefined && hmac.timestampHeader) {
    assertFresh(parseUnixSeconds(timestamp, hmac.timestampHeader), now, hmac.tolerance);
  }
  const id = hmac.idHeader ? readRequired(request, hmac.idHeader) : undefined;
  const content = signedParts(hmac.signedContent, request.body, { timestamp, id });
  const ok = matchesAnyHmac({ algorithm: hmac.algorithm, encoding: hmac.encoding, secrets: hmac.secret, content, received });
  if (!ok)
    throw new VerificationError(`${hmac.header} does not match the request under any configured secret`, {
      kind: 'mismatch',
      signs: 'body',
      setting: 'verify.hmac.secret',
    });
}

/**
 * The signatures in a header value: space-separated entries (a sender rotating its secret sends
 * several), each starting with `prefix` (compared case-insensitively), which is removed.
 */
export function signaturesIn(header: string, prefix: string): string[] {
  const lower = prefix.toLowerCase();
  return header
    .split(/\s+/)
    .filter((entry) => entry.toLowerCase().startsWith(lower) && entry.length > prefix.length)
    .map((entry) => entry.slice(prefix.length));
}

function readRequired(request: WebhookRequest, name: string): string {
  const value = getHeader(request.headers, name);
  if (value === undefined) throw new VerificationError(`missing ${name} header`, { kind: 'missing' });
  return value;
}

function verifyApiKey(request: WebhookRequest, apiKey: GenericApiKey): void {
  const value = getHeader(request.headers, apiKey.header);
  if (value === undefined)
    throw new VerificationError(`missing ${apiKey.header} header`, { kind: 'missing', setting: 'verify.apiKey.secret' });
  const expected = apiKey.secret.map((secret) => `${apiKey.prefix ?? ''}${secret}`);
  if (!safeEqualAny(expected, [value]))
    throw new VerificationError(`${apiKey.header} does not match any configured key`, {
      kind: 'mismatch',
      signs: 'token',
      setting: 'verify.apiKey.secret',
    });
}

function verifyBasic(request: WebhookRequest, basic: GenericBasic): void {
  const value = getHeader(request.headers, 'Authorization');
  if (value === undefined)
    throw new VerificationError('missing Authorization header (basic auth is configured)', {
      kind: 'missing',
      setting: 'verify.basic.password',
    });
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(value);
  if (!match?.[1]) throw new VerificationError('malformed Authorization header (expected Basic credentials)', { kind: 'malformed' });
  const received = Buffer.from(match[1], 'base64').toString('utf8');
  const expected = basic.password.map((password) => `${basic.username}:${password}`);
  if (!safeEqualAny(expected, [received]))
    throw new VerificationError('basic credentials do not match', { kind: 'mismatch', signs: 'token', setting: 'verify.basic.password' });
}
