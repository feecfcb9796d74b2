import { describe, expect, it } from 'vitest';
import { bitbucketConnector } from '../../../connectors/bitbucket/index.ts';
import { PayloadError } from '../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../helpers/signed-connector-cases.ts';

const NOW = new Date('2025-03-04T10:20:30Z');
const ctx = connectorContext(bitbucketConnector, { type: 'bitbucket', secret: 'bb-secret' }, NOW, 'bb');
const rotated = connectorContext(bitbucketConnector, { type: 'bitbucket', secret: ['bb-new', 'bb-secret'] }, NOW, 'bb');
const wrong = connectorContext(bitbucketConnector, { type: 'bitbucket', secret: 'not-the-secret' }, NOW, 'bb');
const push = loadFixture('bitbucket', 'repo_push.json');
const meta = { id: '2d1a0c3e-5b4f-4e8a-9c7d-6f5e4d3c2b1a', event: 'repo:push' };

describe('bitbucket connector: verification', () => {
  itVerifiesSignedBodies({
    connector: bitbucketConnector,
    ctx,
    rotated,
    wrong,
    body: push,
    meta,
    signatureHeaders: ['x-hub-signature'],
    tampered: Buffer.from(push.toString().replace('"main"', '"mainx"')),
  });

  it('maps a valid delivery to bitbucket.<event key>, id X-Request-UUID', async () => {
    const { events } = await bitbucketConnector.handle(signedRequest(bitbucketConnector, ctx, push, meta), ctx);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ id: meta.id, type: 'bitbucket.repo.push', source: '/connectors/bb' });
  });

  it('rejects a sha1= signature as malformed', async () => {
    const sha1 = signedRequest(bitbucketConnector, ctx, push, meta, { 'x-hub-signature': `sha1=${'a'.repeat(40)}` });
    await expect(async () => bitbucketConnector.handle(sha1, ctx)).rejects.toThrow(/malformed/);
  });

  it('answers 400 for a signed body without an event key, and derives an id when none is sent', async () => {
    const noKey = signedRequest(bitbucketConnector, ctx, push, meta, { 'x-event-key': undefined });
    await expect(async () => bitbucketConnector.handle(noKey, ctx)).rejects.toThrow(PayloadError);
    const noId = signedRequest(bitbucketConnector, ctx, push, meta, { 'x-request-uuid': undefined });
    const { events } = await bitbucketConnector.handle(noId, ctx);
    expect(events[0]?.id).toMatch(/^bb:sha256-[0-9a-f]{64}$/);
  });

  it('takes a Data Center X-Request-Id and the event key from the body', async () => {
    const body = loadFixture('bitbucket', 'pr_opened.json');
    const request = signedRequest(bitbucketConnector, ctx, body, meta, {
      'x-request-uuid': undefined,
      'x-event-key': undefined,
      'x-request-id': 'a4fd1a05-6bd5-4f34-9f62-8d1ad3d37b36',
    });
    const { events } = await bitbucketConnector.handle(request, ctx);
    expect(events[0]).toMatchObject({ id: 'a4fd1a05-6bd5-4f34-9f62-8d1ad3d37b36', type: 'bitbucket.pr.opened' });
  });
});

describe('bitbucket connector: normalization of every fixture', () => {
  const expected: Record<string, Record<string, unknown>> = {
    'repo:push': {
      type: 'bitbucket.repo.push',
      subject: 'acme/payments-api',
      title: 'Deduplicate retried payment webhooks',
      url: 'https://bitbucket.org/acme/payments-api/branches/compare/8f5952f4dcffd7b311181d48eb0394b0cca21410..e0e377d186e4f0e937bdb487a23384fe002df649',
      actor: 'Ada Lovelace',
    },
    'pullrequest:created': {
      type: 'bitbucket.pullrequest.created',
      subject: 'acme/payments-api#17',
      title: 'Deduplicate retried payment webhooks',
      url: 'https://bitbucket.org/acme/payments-api/pull-requests/17',
      actor: 'Ada Lovelace',
    },
    'pr:opened': {
      type: 'bitbucket.pr.opened',
      subject: 'PROJ/repository#1',
      title: 'a new file added',
      url: 'http://bitbucket.example.com/projects/PROJ/repos/repository/pull-requests/1',
      actor: 'Administrator',
    },
  };

  it('has an expectation for every sample', () => {
    expect(Object.keys(bitbucketConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [event, file] of Object.entries(bitbucketConnector.samples)) {
    it(`normalizes ${file}`, async () => {
      const body = loadFixture('bitbucket', file);
      const request = signedRequest(bitbucketConnector, ctx, body, { id: 'delivery-1', event });
      const { events } = await bitbucketConnector.handle(request, ctx);
      expect(events[0]).toMatchObject({ id: 'delivery-1', time: NOW.toISOString(), ...expected[event] });
      expect(events[0]?.data).toEqual(JSON.parse(body.toString()));
    });
  }
});
