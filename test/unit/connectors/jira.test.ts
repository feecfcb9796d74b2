import { describe, expect, it } from 'vitest';
import { jiraConnector } from '../../../connectors/jira/index.ts';
import { jiraEventType } from '../../../connectors/jira/normalize.ts';
import { PayloadError } from '../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../helpers/signed-connector-cases.ts';

const NOW = new Date('2025-03-04T11:10:00Z');
const ctx = connectorContext(jiraConnector, { type: 'jira', secret: 'jira-secret' }, NOW, 'jira');
const rotated = connectorContext(jiraConnector, { type: 'jira', secret: ['jira-new', 'jira-secret'] }, NOW, 'jira');
const wrong = connectorContext(jiraConnector, { type: 'jira', secret: 'nope' }, NOW, 'jira');
const created = loadFixture('jira', 'jira_issue_created.json');
const meta = { id: '1e0d3f2c-1a2b-4c3d-8e9f-0a1b2c3d4e5f', event: 'jira:issue_created' };

describe('jira connector: verification', () => {
  itVerifiesSignedBodies({
    connector: jiraConnector,
    ctx,
    rotated,
    wrong,
    body: created,
    meta,
    signatureHeaders: ['x-hub-signature'],
    tampered: Buffer.from(created.toString().replace('"ED-1"', '"ED-2"')),
  });

  it('uses X-Atlassian-Webhook-Identifier as the id, else a digest of the body', async () => {
    const withId = await jiraConnector.handle(signedRequest(jiraConnector, ctx, created, meta), ctx);
    // Unique only within one Jira site, so scoped by the connector.
    expect(withId.events[0]?.id).toBe(`jira:${meta.id}`);
    const request = signedRequest(jiraConnector, ctx, created, meta, { 'x-atlassian-webhook-identifier': undefined });
    const first = await jiraConnector.handle(request, ctx);
    const again = await jiraConnector.handle(request, ctx);
    expect(first.events[0]?.id).toMatch(/^jira:sha256-[0-9a-f]{64}$/);
    expect(again.events[0]?.id).toBe(first.events[0]?.id);
  });

  it('answers 400 for a signed body without webhookEvent', async () => {
    const request = signedRequest(jiraConnector, ctx, Buffer.from('{"timestamp":1}'), meta);
    await expect(async () => jiraConnector.handle(request, ctx)).rejects.toThrow(PayloadError);
  });
});

describe('jira connector: event types', () => {
  it('drops the jira: prefix and keeps other names', () => {
    expect(jiraEventType('jira:issue_created')).toBe('jira.issue_created');
    expect(jiraEventType('jira:worklog_updated')).toBe('jira.worklog_updated');
    expect(jiraEventType('comment_created')).toBe('jira.comment_created');
    expect(jiraEventType('sprint_started')).toBe('jira.sprint_started');
    expect(() => jiraEventType('issue created; drop table')).toThrow(PayloadError);
  });
});

describe('jira connector: normalization of every fixture', () => {
  const issue = {
    subject: 'ED-1',
    title: 'Payment webhook retries create duplicate invoices',
    url: 'https://acme.atlassian.net/browse/ED-1',
  };
  const expected: Record<string, Record<string, unknown>> = {
    'jira:issue_created': { type: 'jira.issue_created', ...issue, actor: 'Mia Krystof', time: '2025-03-04T10:00:00.123Z' },
    'jira:issue_updated': { type: 'jira.issue_updated', ...issue, actor: 'Mia Krystof', time: '2025-03-04T11:00:00.456Z' },
    comment_created: { type: 'jira.comment_created', ...issue, actor: 'Emma Richards', time: '2025-03-04T11:05:00.789Z' },
  };

  it('has an expectation for every sample', () => {
    expect(Object.keys(jiraConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [event, file] of Object.entries(jiraConnector.samples)) {
    it(`normalizes ${file}`, async () => {
      const body = loadFixture('jira', file);
      const { events } = await jiraConnector.handle(signedRequest(jiraConnector, ctx, body, { id: 'w-1', event }), ctx);
      expect(events[0]).toMatchObject({ id: 'jira:w-1', source: '/connectors/jira', ...expected[event] });
      expect(events[0]?.data).toEqual(JSON.parse(body.toString()));
    });
  }
});
