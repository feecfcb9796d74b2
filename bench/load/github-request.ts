/** The benchmark's webhook: a real 2 KB GitHub `issues.opened` payload, signed by the connector's own sign(). */
import { readFileSync } from 'node:fs';
import { githubConnector } from '../../connectors/github/index.ts';

export interface SignedDelivery {
  body: Buffer;
  headers: Record<string, string>;
}

export interface SignedTemplate extends SignedDelivery {
  /**
   * One delivery as GitHub sends it: a body of its own (the payload plus a `delivery_nonce`), signed,
   * with `id` as X-GitHub-Delivery. GitHub signs only the body, so the hub treats the same body
   * under another delivery id as a replay: a load must never resend one body.
   */
  delivery(id: string): SignedDelivery;
}

export function githubTemplate(secret: string): SignedTemplate {
  const body = readFileSync(new URL('../../connectors/github/fixtures/issues.opened.json', import.meta.url));
  const ctx = { name: 'github', config: githubConnector.configSchema.parse({ type: 'github', secret }), now: () => new Date() };
  const rest = body.subarray(body.indexOf('{') + 1);
  const delivery = (id: string): SignedDelivery => {
    const unique = Buffer.concat([Buffer.from(`{"delivery_nonce":${JSON.stringify(id)},`), rest]);
    return { body: unique, headers: githubConnector.sign(unique, ctx, { id, event: 'issues' }) };
  };
  return { ...delivery('template'), delivery };
}
