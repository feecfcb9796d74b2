import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { githubConnector } from '../../../../connectors/github/index.ts';
import { connectorContext, signedRequest } from '../../../helpers/connector-request.ts';

interface WebhookDefinition {
  name: string;
  examples: Record<string, unknown>[];
}

// The package's main export is the JSON of every api.github.com example; the GHES variants sit beside it.
const require = createRequire(import.meta.url);
const sets: Record<string, WebhookDefinition[]> = {
  'api.github.com': require('@octokit/webhooks-examples') as WebhookDefinition[],
};
for (const ghes of ['ghes-31', 'ghes-32', 'ghes-33', 'ghes-34', 'ghes-35']) {
  sets[ghes] = require(`@octokit/webhooks-examples/${ghes}/index.json`) as WebhookDefinition[];
}

const now = new Date('2024-05-14T12:00:00Z');
const ctx = connectorContext(githubConnector, { type: 'github', secret: 'examples' }, now, 'gh');

describe.each(Object.entries(sets))('@octokit/webhooks-examples %s', (_set, definitions) => {
  it('has examples to check', () => {
    expect(definitions.reduce((n, d) => n + d.examples.length, 0)).toBeGreaterThan(40);
  });

  it.each(definitions.map((d) => [d.name, d] as const))('normalizes every %s example', async (name, definition) => {
    for (const [index, example] of definition.examples.entries()) {
      const body = Buffer.from(JSON.stringify(example, null, 2));
      const request = signedRequest(githubConnector, ctx, body, { id: `delivery-${index}`, event: name });
      const { events } = await githubConnector.handle(request, ctx);
      expect(events).toHaveLength(1);
      const event = events[0]!;
      const action = typeof example.action === 'string' ? `.${example.action.toLowerCase().replace(/[^a-z0-9_-]+/g, '_')}` : '';
      expect(event.type).toBe(`github.${name}${action}`);
      expect(event.type).toMatch(/^github(\.[a-z0-9_-]+){1,2}$/);
      expect(event).toMatchObject({ specversion: '1.0', id: `delivery-${index}`, source: '/connectors/gh', connector: 'gh' });
      expect(event.data).toEqual(example);
      expect(new Date(event.time).toISOString()).toBe(event.time);
      if (example.repository) expect(event.subject, `${name}[${index}]`).toMatch(/^[^/\s]+\/[^/\s]+([#@].+)?$/);
      for (const key of ['subject', 'title', 'url', 'actor'] as const) {
        if (key in event) expect(event[key], `${name}[${index}].${key}`).toMatch(/\S/);
      }
      if (event.url !== undefined) expect(event.url).toMatch(/^https?:\/\//);
    }
  });
});
