/**
 * One instance of every registered connector type, each with a test secret that a fuzzer does
 * not know. Configs that cover the body with a signature are preferred, so a tampered body must fail.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { z } from 'zod';
import { connectorRegistry } from '../../connectors/index.ts';
import type { Connector } from '../../connectors/connector.ts';
import type { ConnectorInstance } from '../../src/ingress/hooks-route.ts';

const SECRET = 'fuzz-secret-6b1d0e2f9a7c4e58';
const WHSEC = `whsec_${Buffer.from('fuzz-whsec-key-0123456789abcdef').toString('base64')}`;

function ed25519Hex(): { publicKey: string; privateKey: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const pub = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32);
  return { publicKey: pub.toString('hex'), privateKey: seed.toString('hex') };
}

/** Candidate config blocks, most specific first; the first one a connector's schema accepts is used. */
function candidates(type: string): Record<string, unknown>[] {
  return [
    // GitLab's plain X-Gitlab-Token does not cover the body: use its signing token.
    { type, signingToken: WHSEC },
    { type, secret: SECRET },
    { type, secret: WHSEC },
    { type, authToken: SECRET, publicUrl: 'https://hooks.example.com' },
    { type, token: SECRET },
    { type, appSecret: SECRET, verifyToken: 'fuzz-verify-token' },
    { type, ...ed25519Hex() },
    { type, provider: 'acme', verify: { hmac: { header: 'X-Acme-Signature', secret: SECRET } } },
  ];
}

/** Providers that authenticate with a shared token and sign nothing (Mattermost slash commands): a changed body still verifies. */
export const TOKEN_ONLY: ReadonlySet<string> = new Set(['mattermost']);

export interface FuzzConnector extends ConnectorInstance {
  /** Whether a configuration could be built (else the registry gained a connector this file must learn). */
  configured: boolean;
}

export function fuzzConnectors(): Map<string, FuzzConnector> {
  const out = new Map<string, FuzzConnector>();
  for (const [type, connector] of Object.entries(connectorRegistry) as [string, Connector][]) {
    const schema = connector.configSchema as z.ZodType<{ type: string } & Record<string, unknown>>;
    const parsed = candidates(type)
      .map((c) => schema.safeParse(c))
      .find((r) => r.success);
    out.set(type, { name: type, connector, config: parsed?.success ? parsed.data : { type }, configured: parsed?.success === true });
  }
  return out;
}
