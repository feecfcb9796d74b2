import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/connector.ts';
import { connectorRegistry } from '../../../connectors/index.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';

const SECRET = 'body digest secret';
const now = new Date();

/** Connectors whose signature is an HMAC-SHA256 of the body alone, and how they encode it. */
const BODY_SIGNERS: [keyof typeof connectorRegistry, 'hex' | 'base64'][] = [
  ['github', 'hex'],
  ['bitbucket', 'hex'],
  ['jira', 'hex'],
  ['razorpay', 'hex'],
  ['sentry', 'hex'],
  ['shopify', 'base64'],
];

describe('bodyDigest of connectors that sign only the body', () => {
  it.each(BODY_SIGNERS)('%s hands on the HMAC it verified as the content key digest', async (type, encoding) => {
    const connector = connectorRegistry[type] as Connector;
    expect(connector.signsOnlyBody?.(connector.configSchema.parse({ type, secret: SECRET }))).toBe(true);
    const ctx = connectorContext(connector, { type, secret: SECRET }, now);
    const [event, file] = Object.entries(connector.samples)[0]!;
    const body = connector.prepareSample?.(loadFixture(type, file), { id: 'd-1', now }) ?? loadFixture(type, file);
    const result = await connector.handle(signedRequest(connector, ctx, body, { id: 'd-1', event }), ctx);
    expect(result.bodyDigest).toBe(createHmac('sha256', SECRET).update(body).digest(encoding));
    // Another body, another digest: the key follows the signed bytes, not the delivery.
    const other = Buffer.concat([body, Buffer.from(' ')]);
    const again = await connector.handle(signedRequest(connector, ctx, other, { id: 'd-2', event }), ctx);
    expect(again.bodyDigest).not.toBe(result.bodyDigest);
  });
});
