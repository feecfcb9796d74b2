import { describe, expect, it } from 'vitest';
import type { Connector } from '../../../connectors/connector.ts';
import { jiraConnector } from '../../../connectors/jira/index.ts';
import { metaConnector } from '../../../connectors/meta/index.ts';
import { razorpayConnector } from '../../../connectors/razorpay/index.ts';
import { stripeConnector } from '../../../connectors/stripe/index.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';

const NOW = new Date();

interface Case {
  connector: Connector;
  config: Record<string, unknown>;
  file: string;
  event: string;
  /** Where the sample carries its time. */
  path: (string | number)[];
}

const cases: Case[] = [
  {
    connector: stripeConnector,
    config: { type: 'stripe', secret: 'whsec_t' },
    file: 'payment_intent.succeeded.json',
    event: 'payment_intent.succeeded',
    path: ['created'],
  },
  {
    connector: jiraConnector,
    config: { type: 'jira', secret: 't' },
    file: 'jira_issue_created.json',
    event: 'jira:issue_created',
    path: ['timestamp'],
  },
  {
    connector: razorpayConnector,
    config: { type: 'razorpay', secret: 't' },
    file: 'payment.captured.json',
    event: 'payment.captured',
    path: ['created_at'],
  },
  {
    connector: metaConnector,
    config: { type: 'meta', appSecret: 't', verifyToken: 'v' },
    file: 'instagram-comments.json',
    event: 'instagram.comments',
    path: ['entry', 0, 'time'],
  },
] as Case[];

/** The sample with the number at `path` replaced by one no Date can hold. */
function outOfRange(body: Buffer, path: (string | number)[]): Buffer {
  const root = JSON.parse(body.toString('utf8')) as Record<string | number, unknown>;
  let parent = root;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = 1e308;
  return Buffer.from(JSON.stringify(root));
}

describe('a signed body whose timestamp is out of range', () => {
  it.each(cases.map((c) => [c.connector.type, c] as const))('%s: accepted with the receive time, not a 500', async (_type, c) => {
    const ctx = connectorContext(c.connector, c.config, NOW, c.connector.type);
    const body = outOfRange(loadFixture(c.connector.type, c.file), c.path);
    const result = await c.connector.handle(signedRequest(c.connector, ctx, body, { id: 'out-of-range-1', event: c.event }), ctx);
    expect(result.events.length).toBeGreaterThan(0);
    for (const event of result.events) expect(event.time).toBe(NOW.toISOString());
  });

  it('createHubEvent takes the receive time for an invalid Date', () => {
    const event = createHubEvent({ id: 'x', type: 't', connector: 'c', data: {}, time: new Date(Number.NaN) }, NOW);
    expect(event.time).toBe(NOW.toISOString());
  });
});
