/** fast-check arbitraries for hostile webhook requests: methods, paths, headers, content types, encodings, bodies. */
import fc from 'fast-check';

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Header names the connectors read, so random values reach their parsers. */
const SIGNATURE_HEADERS = [
  'x-hub-signature-256',
  'x-hub-signature',
  'x-github-event',
  'x-github-delivery',
  'stripe-signature',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'svix-id',
  'svix-timestamp',
  'svix-signature',
  'x-slack-signature',
  'x-slack-request-timestamp',
  'x-signature-ed25519',
  'x-signature-timestamp',
  'x-gitlab-token',
  'x-gitlab-event',
  'x-twilio-signature',
  'x-shopify-hmac-sha256',
  'x-shopify-topic',
  'x-razorpay-signature',
  'x-razorpay-event-id',
  'x-pagerduty-signature',
  'linear-signature',
  'linear-delivery',
  'sentry-hook-signature',
  'sentry-hook-resource',
  'x-event-key',
  'x-request-uuid',
  'x-atlassian-webhook-identifier',
  'x-hub-signature-256 ',
  'x-acme-signature',
  'idempotency-key',
  'x-gitlab-event-uuid',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/JSON',
  'application/json;charset=latin1',
  '',
  ';',
  'application/',
];

const hexString = (len: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: len, maxLength: len });

/** Values shaped like signatures (right prefixes, wrong content) as well as plain junk. */
const headerValue = fc.oneof(
  fc.string({ maxLength: 100 }),
  hexString(64).map((h) => `sha256=${h}`),
  fc.tuple(fc.integer({ min: 0, max: 2 ** 32 }), hexString(64)).map(([t, h]) => `t=${t},v1=${h}`),
  fc.base64String({ maxLength: 60 }).map((b) => `v1,${b}`),
  fc.integer({ min: 0, max: 2 ** 33 }).map(String),
  fc.uuid(),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
);

const jsonBody = fc.jsonValue({ maxDepth: 4 }).map((v) => new TextEncoder().encode(JSON.stringify(v)));
const body = fc.oneof(
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 2_048 }) },
  { weight: 3, arbitrary: jsonBody },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 500 }).map((s) => new TextEncoder().encode(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 200_000 }).map((n) => new Uint8Array(n).fill(0x7b)) },
);

export function fuzzRequest(connectorNames: readonly string[]): fc.Arbitrary<FuzzRequest> {
  const name = fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...connectorNames) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
  const query = fc.oneof(
    fc.constant(''),
    fc.string({ maxLength: 30 }).map((q) => `?${encodeURIComponent(q)}`),
    fc.constant('?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x'),
  );
  return fc.record({
    method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE'),
    path: fc.tuple(name, query).map(([n, q]) => `/hooks/${encodeURIComponent(n)}${q}`),
    headers: fc
      .record({
        signature: fc.dictionary(fc.constantFrom(...SIGNATURE_HEADERS), headerValue, { maxKeys: 6 }),
        contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: undefined }),
        encoding: fc.option(fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'x-unknown'), { nil: undefined }),
      })
      .map(({ signature, contentType, encoding }) => ({
        ...Object.fromEntries(Object.entries(signature).map(([k, v]) => [k.trim(), v])),
        ...(contentType === undefined ? {} : { 'content-type': contentType }),
        ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
      })),
    body,
  });
}
