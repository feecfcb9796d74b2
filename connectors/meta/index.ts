import type { Connector, ConnectorResult } from '../connector.ts';
import { parseJsonObject } from '../shared/json-body.ts';
import { signingSecret } from '../shared/secret-list.ts';
import { PayloadError } from '../../src/errors.ts';
import { MetaConfigSchema, type MetaConfig } from './config.ts';
import { answerMetaHandshake } from './handshake.ts';
import { normalizeMeta } from './normalize.ts';
import { signMeta, verifyMetaSignature } from './verify.ts';

/**
 * Meta Graph API webhooks: Facebook Pages, Instagram, WhatsApp Business, Messenger.
 * `GET` is the subscription handshake; `POST` is verified with the App Secret and split into one
 * event per change (`meta.<object>.<field>`, e.g. `meta.whatsapp_business_account.messages`).
 */
export const metaConnector: Connector<MetaConfig> = {
  type: 'meta',
  configSchema: MetaConfigSchema,
  contentTypes: ['application/json'],
  // GET is the subscription handshake.
  methods: ['GET', 'POST'],
  secretFields: ['appSecret', 'verifyToken'],
  // verifyToken only answers Meta's subscription handshake: guessing it forges no event.
  deliverySecretFields: ['appSecret'],
  samples: {
    'whatsapp_business_account.messages': 'whatsapp-messages.json',
    'instagram.comments': 'instagram-comments.json',
    'page.feed': 'page-feed.json',
    'page.messages': 'page-messages.json',
  },

  handle(request, ctx): ConnectorResult {
    const method = request.method.toUpperCase();
    if (method === 'GET') return answerMetaHandshake(request, ctx.config.verifyToken);
    if (method !== 'POST') throw new PayloadError(`${method} is not supported (Meta sends GET and POST)`);
    verifyMetaSignature(request, ctx.config.appSecret);
    const { events, dropped } = normalizeMeta(parseJsonObject(request.body), ctx.name, ctx.now());
    return dropped.length === 0 ? { events } : { events, dropped };
  },

  sign(body, ctx) {
    // `meta.event` and `meta.id` travel in the body (object, field, entry); Meta sends no such headers.
    return { 'content-type': 'application/json', ...signMeta(body, signingSecret(ctx.config.appSecret)) };
  },
};
