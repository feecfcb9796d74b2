/** The benchmark's webhook: a real 2 KB GitHub `issues.opened` payload, signed by the connector's own sign(). */
import { readFileSync } from 'node:fs';
import { githubConnector } from '../../connectors/github/index.ts';

export interface SignedTemplate {
  body: Buffer;
  /** Headers valid for any delivery id: GitHub signs the body only. */
  headers: Record<string, string>;
}

export function githubTemplate(secret: string): SignedTemplate {
  const body = readFileSync(new URL('../../connectors/github/fixtures/issues.opened.json', import.meta.url));
  const ctx = { name: 'github', config: githubConnector.configSchema.parse({ type: 'github', secret }), now: () => new Date() };
  const headers = githubConnector.sign(body, ctx, { id: 'template', event: 'issues' });
  return { body, headers };
}
