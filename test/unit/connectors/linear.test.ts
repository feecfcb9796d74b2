import { describe, expect, it } from 'vitest';
import { refreshLinearSample } from '../../../connectors/linear/fresh-sample.ts';
import { linearConnector } from '../../../connectors/linear/index.ts';
import { PayloadError, VerificationError } from '../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../helpers/signed-connector-cases.ts';

const ISSUE_TS = 1741079561200; // Issue.create.json's webhookTimestamp
const NOW = new Date(ISSUE_TS + 20_000);
const ctx = connectorContext(linearConnector, { type: 'linear', secret: 'lin-secret' }, NOW, 'linear');
const rotated = connectorContext(linearConnector, { type: 'linear', secret: ['lin-new', 'lin-secret'] }, NOW, 'linear');
const wrong = connectorContext(linearConnector, { type: 'linear', secret: 'nope' }, NOW, 'linear');
const issue = loadFixture('linear', 'Issue.create.json');
const meta = { id: '8e0f6a3c-3d5e-4b7a-9f1c-2d4e6f8a0b1c', event: 'Issue.create' };

// Published vector: the body and secret of @linear/sdk's webhook tests
// (packages/sdk/src/_tests/LinearWebhooks.test.ts in https://github.com/linear/linear). The SDK test
// signs `JSON.stringify(requestBody)` with "SECRET" at run time; the digests below are that computation.
const SDK_BODY = JSON.stringify({
  action: 'create',
  data: {
    id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9',
    createdAt: '2020-01-23T12:53:18.084Z',
    updatedAt: '2020-01-23T12:53:18.084Z',
    archivedAt: null,
    body: 'Indeed, I think this is definitely an improvement over the previous version.',
    edited: false,
    issueId: '539068e2-ae88-4d09-bd75-22eb4a59612f',
    userId: 'aacdca22-6266-4c0a-ab3c-8fa70a26765c',
  },
  type: 'Comment',
  url: 'https://linear.app/issue/LIN-1778/foo-bar#comment-77217de3-fb52-4dad-bb9a-b356beb93de8',
  createdAt: '2020-01-23T12:53:18.084Z',
  webhookTimestamp: 1677611643000,
});
const SDK_SIGNATURE = '8790fcbbea809950be9198408593c2a13f7591bba6c61adb589f709b5e1b186a';
const SDK_WRONG_SECRET_SIGNATURE = 'aabef14e90275cedd1706cd6a071c14a0ccd4ae1432c6ab876d67eb50e44fbd4';

describe('linear connector: @linear/sdk test vectors', () => {
  const sdkRequest = (signature: string) => ({
    method: 'POST',
    url: '/hooks/linear',
    headers: { 'content-type': 'application/json', 'linear-signature': signature, 'linear-delivery': 'd-1' },
    body: Buffer.from(SDK_BODY, 'utf8'),
  });
  const at = (ms: number) => connectorContext(linearConnector, { type: 'linear', secret: 'SECRET' }, new Date(ms), 'linear');

  it('"incorrect signature, should fail verification"', async () => {
    await expect(async () => linearConnector.handle(sdkRequest(SDK_WRONG_SECRET_SIGNATURE), at(1677611643000))).rejects.toThrow(
      /does not match/,
    );
  });

  it('"correct signature, incorrect timestamp should fail verification"', async () => {
    await expect(async () => linearConnector.handle(sdkRequest(SDK_SIGNATURE), at(Date.UTC(2026, 0, 1)))).rejects.toThrow(
      /timestamp is \d+ s old/,
    );
  });

  it('"correct signature, correct timestamp should pass verification"', async () => {
    const { events } = await linearConnector.handle(sdkRequest(SDK_SIGNATURE), at(1677611643000 + 59_000));
    expect(events[0]).toMatchObject({ id: 'd-1', type: 'linear.comment.create' });
  });
});

describe('linear connector: verification', () => {
  itVerifiesSignedBodies({
    connector: linearConnector,
    ctx,
    rotated,
    wrong,
    body: issue,
    meta,
    signatureHeaders: ['linear-signature'],
    tampered: Buffer.from(issue.toString().replace('"ENG-42"', '"ENG-43"')),
  });

  it('rejects a webhookTimestamp more than 60 s away, either way', async () => {
    const late = connectorContext(linearConnector, { type: 'linear', secret: 'lin-secret' }, new Date(ISSUE_TS + 61_000));
    const early = connectorContext(linearConnector, { type: 'linear', secret: 'lin-secret' }, new Date(ISSUE_TS - 61_000));
    const request = signedRequest(linearConnector, ctx, issue, meta);
    await expect(async () => linearConnector.handle(request, late)).rejects.toThrow(VerificationError);
    await expect(async () => linearConnector.handle(request, early)).rejects.toThrow(/in the future/);
  });

  it('honours a configured tolerance', async () => {
    const relaxed = connectorContext(
      linearConnector,
      { type: 'linear', secret: 'lin-secret', tolerance: 300 },
      new Date(ISSUE_TS + 200_000),
    );
    const { events } = await linearConnector.handle(signedRequest(linearConnector, ctx, issue, meta), relaxed);
    expect(events).toHaveLength(1);
  });

  it('rejects a signed body without webhookTimestamp', async () => {
    const body = Buffer.from(JSON.stringify({ type: 'Issue', action: 'create', data: {} }));
    await expect(async () => linearConnector.handle(signedRequest(linearConnector, ctx, body, meta), ctx)).rejects.toThrow(
      /webhookTimestamp/,
    );
  });

  it('answers 400 for a fresh signed body without type/action', async () => {
    const body = Buffer.from(JSON.stringify({ webhookTimestamp: NOW.getTime() }));
    await expect(async () => linearConnector.handle(signedRequest(linearConnector, ctx, body, meta), ctx)).rejects.toThrow(PayloadError);
  });

  it('refreshLinearSample makes a bundled sample pass at any time', async () => {
    const later = new Date('2030-01-01T00:00:00Z');
    const laterCtx = connectorContext(linearConnector, { type: 'linear', secret: 'lin-secret' }, later);
    const body = refreshLinearSample(issue, later);
    const { events } = await linearConnector.handle(signedRequest(linearConnector, laterCtx, body, meta), laterCtx);
    expect(events[0]?.type).toBe('linear.issue.create');
  });
});

describe('linear connector: normalization of every fixture', () => {
  const issueFields = {
    subject: 'ENG-42',
    title: 'Webhook retries double-charge customers',
    url: 'https://linear.app/acme/issue/ENG-42/webhook-retries-double-charge-customers',
    actor: 'Ada Lovelace',
  };
  const expected: Record<string, Record<string, unknown>> = {
    'Issue.create': { type: 'linear.issue.create', ...issueFields, time: '2025-03-04T09:12:41.120Z' },
    'Issue.update': { type: 'linear.issue.update', ...issueFields },
    'Comment.create': {
      type: 'linear.comment.create',
      subject: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9',
      title: 'Indeed, I think this is definitely an improvement over the previous version.',
      url: 'https://linear.app/issue/LIN-1778/foo-bar#comment-77217de3-fb52-4dad-bb9a-b356beb93de8',
      time: '2020-01-23T12:53:18.084Z',
    },
  };

  it('has an expectation for every sample', () => {
    expect(Object.keys(linearConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [event, file] of Object.entries(linearConnector.samples)) {
    it(`normalizes ${file}`, async () => {
      const body = refreshLinearSample(loadFixture('linear', file), NOW);
      const { events } = await linearConnector.handle(signedRequest(linearConnector, ctx, body, { id: 'd-2', event }), ctx);
      expect(events[0]).toMatchObject({ id: 'd-2', source: '/connectors/linear', ...expected[event] });
      expect(events[0]?.data).toEqual(JSON.parse(body.toString()));
    });
  }
});
