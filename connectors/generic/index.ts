import type { Connector } from '../connector.ts';
import { hmac } from '../shared/hmac.ts';
import { parseJsonBodyText } from '../shared/json-body.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { GenericConfigSchema, type GenericConfig } from './config.ts';
import { normalizeGeneric } from './normalize.ts';
import { signedParts, verifyGeneric } from './verify.ts';

/**
 * Any provider hookhub does not name: HMAC (header, algorithm, encoding, prefix, signed-content template,
 * timestamp tolerance), an API key header, or basic auth; type and id from configured headers or JSON paths.
 */
export const genericConnector: Connector<GenericConfig> = {
  type: 'generic',
  configSchema: GenericConfigSchema,
  contentTypes: ['application/json'],
  secretFields: ['verify.hmac.secret', 'verify.apiKey.secret', 'verify.basic.password'],
  // An API key or a password proves the sender, not the request: only an HMAC whose event id is unsigned can be replayed.
  signsOnlyBody: (config) => config.verify.hmac !== undefined && !signsEventId(config),
  handle(request, ctx) {
    verifyGeneric(request, ctx.config.verify, ctx.now());
    // The body is the event's data unchanged, so its text is stored as it came.
    const { value: payload, text } = parseJsonBodyText(request.body);
    return { events: [normalizeGeneric(request, payload, ctx.config, ctx.name, ctx.now())], dataText: [text] };
  },
  sign(body, ctx, meta) {
    const { verify, typeFrom, idFrom } = ctx.config;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (typeFrom?.header) headers[typeFrom.header.toLowerCase()] = meta.event;
    if (idFrom?.header) headers[idFrom.header.toLowerCase()] = meta.id;
    return { ...headers, ...authHeaders(body, ctx.config, verify, ctx.now(), meta.id) };
  },
  samples: {
    'order.created': 'order.created.json',
    'invoice.paid': 'invoice.paid.json',
  },
};

/**
 * Whether the signature covers the id that names the event: `{id}` is signed, and `idFrom` (which wins
 * over `idHeader`) reads no other header. A different header would let a captured request come back as
 * a new event under any id.
 */
function signsEventId(config: GenericConfig): boolean {
  const hmac = config.verify.hmac;
  if (hmac === undefined || !hmac.signedContent.includes('{id}')) return false;
  const idFromHeader = config.idFrom?.header?.toLowerCase();
  return idFromHeader === undefined || idFromHeader === hmac.idHeader?.toLowerCase();
}

function authHeaders(body: Buffer, config: GenericConfig, verify: GenericConfig['verify'], now: Date, id: string): Record<string, string> {
  if (verify.apiKey) return { [verify.apiKey.header.toLowerCase()]: `${verify.apiKey.prefix ?? ''}${signingSecret(verify.apiKey.secret)}` };
  if (verify.basic) {
    const credentials = `${verify.basic.username}:${signingSecret(verify.basic.password)}`;
    return { authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
  }
  if (!verify.hmac) throw new Error(`generic connector for ${config.provider} has no verification to sign with`);
  const h = verify.hmac;
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const digest = hmac(h.algorithm, signingSecret(h.secret), signedParts(h.signedContent, body, { timestamp, id }), h.encoding);
  const headers: Record<string, string> = { [h.header.toLowerCase()]: `${h.prefix ?? ''}${digest}` };
  if (h.timestampHeader) headers[h.timestampHeader.toLowerCase()] = timestamp;
  if (h.idHeader) headers[h.idHeader.toLowerCase()] = id;
  return headers;
}
