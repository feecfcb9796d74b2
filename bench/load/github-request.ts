/**
 * The benchmark's webhooks, signed by the connector's own sign(): a real 2 KB GitHub `issues.opened`
 * payload (`small`), or a real 21 KB `pull_request.opened` from @octokit/webhooks-examples (`large`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { githubConnector } from '../../connectors/github/index.ts';

export type BenchPayload = 'small' | 'large';

export const PAYLOADS: Record<BenchPayload, { label: string; event: string }> = {
  small: { label: '2 KB GitHub issues.opened', event: 'issues' },
  large: { label: '21 KB GitHub pull_request.opened', event: 'pull_request' },
};

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

export function payloadBody(payload: BenchPayload): Buffer {
  if (payload === 'small') return readFileSync(new URL('../../connectors/github/fixtures/issues.opened.json', import.meta.url));
  const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as { name: string; examples: { action?: string }[] }[];
  const opened = examples.find((e) => e.name === 'pull_request')?.examples.find((e) => e.action === 'opened');
  if (!opened) throw new Error('@octokit/webhooks-examples has no pull_request.opened example');
  return Buffer.from(JSON.stringify(opened));
}

export function githubTemplate(secret: string, payload: BenchPayload = 'small'): SignedTemplate {
  const body = payloadBody(payload);
  const { event } = PAYLOADS[payload];
  const ctx = { name: 'github', config: githubConnector.configSchema.parse({ type: 'github', secret }), now: () => new Date() };
  const rest = body.subarray(body.indexOf('{') + 1);
  const delivery = (id: string): SignedDelivery => {
    const unique = Buffer.concat([Buffer.from(`{"delivery_nonce":${JSON.stringify(id)},`), rest]);
    return { body: unique, headers: githubConnector.sign(unique, ctx, { id, event }) };
  };
  return { ...delivery('template'), delivery };
}
