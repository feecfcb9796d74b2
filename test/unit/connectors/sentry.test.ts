import { describe, expect, it } from 'vitest';
import { sentryConnector } from '../../../connectors/sentry/index.ts';
import { PayloadError, VerificationError } from '../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../helpers/signed-connector-cases.ts';

const NOW = new Date('2025-03-04T12:00:00Z');
const NOW_S = String(NOW.getTime() / 1000);
const ctx = connectorContext(sentryConnector, { type: 'sentry', secret: 'client-secret' }, NOW, 'sentry');
const rotated = connectorContext(sentryConnector, { type: 'sentry', secret: ['client-new', 'client-secret'] }, NOW, 'sentry');
const wrong = connectorContext(sentryConnector, { type: 'sentry', secret: 'nope' }, NOW, 'sentry');
const issue = loadFixture('sentry', 'issue.created.json');
const meta = { id: '5d3a3f4c1e0b4f6a9b8c7d6e5f4a3b2c', event: 'issue.created' };

describe('sentry connector: verification', () => {
  itVerifiesSignedBodies({
    connector: sentryConnector,
    ctx,
    rotated,
    wrong,
    body: issue,
    meta,
    signatureHeaders: ['sentry-hook-signature'],
    tampered: Buffer.from(issue.toString().replace('"FRONT-END-9"', '"FRONT-END-8"')),
  });

  it('sends and checks Sentry-Hook-Timestamp in Unix seconds', () => {
    expect(sentryConnector.sign(issue, ctx, meta)['sentry-hook-timestamp']).toBe(NOW_S);
  });

  it('rejects a Sentry-Hook-Timestamp outside the tolerance (300 s by default)', async () => {
    const stale = signedRequest(sentryConnector, ctx, issue, meta, { 'sentry-hook-timestamp': String(Number(NOW_S) - 301) });
    await expect(async () => sentryConnector.handle(stale, ctx)).rejects.toThrow(/301 s old/);
    const ok = signedRequest(sentryConnector, ctx, issue, meta, { 'sentry-hook-timestamp': String(Number(NOW_S) - 299) });
    expect((await sentryConnector.handle(ok, ctx)).events).toHaveLength(1);
    const garbled = signedRequest(sentryConnector, ctx, issue, meta, { 'sentry-hook-timestamp': '2025-03-04T12:00:00Z' });
    await expect(async () => sentryConnector.handle(garbled, ctx)).rejects.toThrow(VerificationError);
  });

  it('accepts a delivery without Sentry-Hook-Timestamp (it is optional and unsigned)', async () => {
    const request = signedRequest(sentryConnector, ctx, issue, meta, { 'sentry-hook-timestamp': undefined });
    expect((await sentryConnector.handle(request, ctx)).events).toHaveLength(1);
  });

  it('answers 400 without Sentry-Hook-Resource, and derives an id without Request-ID', async () => {
    const noResource = signedRequest(sentryConnector, ctx, issue, meta, { 'sentry-hook-resource': undefined });
    await expect(async () => sentryConnector.handle(noResource, ctx)).rejects.toThrow(PayloadError);
    const noId = signedRequest(sentryConnector, ctx, issue, meta, { 'request-id': undefined });
    expect((await sentryConnector.handle(noId, ctx)).events[0]?.id).toMatch(/^sentry:sha256-[0-9a-f]{64}$/);
  });
});

describe('sentry connector: normalization of every fixture', () => {
  const expected: Record<string, Record<string, unknown>> = {
    'issue.created': {
      type: 'sentry.issue.created',
      subject: 'FRONT-END-9',
      title: 'ReferenceError: blooopy is not defined',
      actor: 'Sentry',
    },
    'event_alert.triggered': {
      type: 'sentry.event_alert.triggered',
      subject: '1117540176',
      title: 'ReferenceError: heck is not defined',
      url: 'https://sentry.io/organizations/test-org/issues/1117540176/events/e4874d664c3540c1a32eab185f12c5ab/',
      actor: 'Sentry',
    },
    'metric_alert.resolved': {
      type: 'sentry.metric_alert.resolved',
      subject: 'Too many errors',
      title: 'Resolved: Too many errors',
      url: 'https://sentry.io/organizations/baz/alerts/1/',
      actor: 'Sentry',
    },
    'installation.created': {
      type: 'sentry.installation.created',
      subject: 'test-org',
      title: 'webhooks-galore',
      actor: 'Meredith Heller',
    },
  };

  it('has an expectation for every sample', () => {
    expect(Object.keys(sentryConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [event, file] of Object.entries(sentryConnector.samples)) {
    it(`normalizes ${file}`, async () => {
      const body = loadFixture('sentry', file);
      const { events } = await sentryConnector.handle(signedRequest(sentryConnector, ctx, body, { id: 'r-1', event }), ctx);
      expect(events[0]).toMatchObject({ id: 'r-1', source: '/connectors/sentry', time: NOW.toISOString(), ...expected[event] });
      expect(events[0]?.data).toEqual(JSON.parse(body.toString()));
    });
  }
});
