import { describe, expect, it } from 'vitest';
import { gitlabConnector } from '../../../../connectors/gitlab/index.ts';
import { gitlabEventType } from '../../../../connectors/gitlab/normalize.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';
import { itVerifiesSignedBodies } from '../../../helpers/signed-connector-cases.ts';
import { objectContaining } from '../../../helpers/matchers.ts';

const NOW = new Date('2024-05-14T12:00:00Z');
const whsec = (fill: number) => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;
const signing = (signingToken: string | string[]) => connectorContext(gitlabConnector, { type: 'gitlab', signingToken }, NOW, 'gitlab');
const token = (secret: string | string[]) => connectorContext(gitlabConnector, { type: 'gitlab', secret }, NOW, 'gitlab');
const mr = loadFixture('gitlab', 'merge_request.json');
const meta = { id: '9e6f2b1c-4d3a-4c2b-8a1f-0e9d8c7b6a5f', event: 'merge_request' };

describe('gitlab connector: signing token (webhook-signature)', () => {
  itVerifiesSignedBodies({
    connector: gitlabConnector,
    ctx: signing(whsec(1)),
    rotated: signing([whsec(2), whsec(1)]),
    wrong: signing(whsec(3)),
    body: mr,
    meta,
    signatureHeaders: ['webhook-signature'],
    tampered: Buffer.from(mr.toString().replace('"MS-Viewport"', '"MS-Viewport 2"')),
  });

  it("checks the published Standard Webhooks vector, which GitLab's signing token follows", async () => {
    // https://github.com/standard-webhooks/standard-webhooks/blob/main/libraries/javascript/src/webhook.test.ts
    // GitLab signs "<webhook-id>.<webhook-timestamp>.<body>" the same way (gitlab-org/gitlab MR 230944).
    const ctx = connectorContext(
      gitlabConnector,
      { type: 'gitlab', signingToken: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
      new Date(1614265330_000),
    );
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const request = { method: 'POST', url: '/hooks/gitlab', headers, body: Buffer.from('{"test": 2432232314}') };
    // Verification passes; the vector's body simply is not a GitLab event.
    await expect(async () => gitlabConnector.handle(request, ctx)).rejects.toThrow(/object_kind/);
    const tampered = { ...request, body: Buffer.from('{"test": 2432232315}') };
    await expect(async () => gitlabConnector.handle(tampered, ctx)).rejects.toThrow(VerificationError);
  });

  it('names the event by the signed webhook-id: a captured request resent under new id headers keeps its id', async () => {
    const ctx = signing(whsec(1));
    const original = await gitlabConnector.handle(signedRequest(gitlabConnector, ctx, mr, meta), ctx);
    expect(original.events[0]?.id).toBe(meta.id);
    const resent = signedRequest(gitlabConnector, ctx, mr, meta, { 'idempotency-key': 'forged-1', 'x-gitlab-event-uuid': 'forged-2' });
    expect((await gitlabConnector.handle(resent, ctx)).events[0]?.id).toBe(meta.id);
  });

  it('rejects a stale or future webhook-timestamp', async () => {
    const ctx = signing(whsec(1));
    for (const offset of [-301_000, 301_000]) {
      const signer = { ...ctx, now: () => new Date(NOW.getTime() + offset) };
      await expect(async () => gitlabConnector.handle(signedRequest(gitlabConnector, signer, mr, meta), ctx)).rejects.toThrow(
        /timestamp is \d+ s (old|in the future)/,
      );
    }
  });
});

describe('gitlab connector: secret token (X-Gitlab-Token)', () => {
  const ctx = token('gl-token');

  it('accepts the token, every token of a rotation, and refuses others', async () => {
    expect((await gitlabConnector.handle(signedRequest(gitlabConnector, ctx, mr, meta), ctx)).events).toHaveLength(1);
    const rotated = token(['gl-new', 'gl-token']);
    expect((await gitlabConnector.handle(signedRequest(gitlabConnector, ctx, mr, meta), rotated)).events).toHaveLength(1);
    expect((await gitlabConnector.handle(signedRequest(gitlabConnector, rotated, mr, meta), rotated)).events).toHaveLength(1);
    await expect(async () => gitlabConnector.handle(signedRequest(gitlabConnector, token('guess'), mr, meta), ctx)).rejects.toThrow(
      /does not match/,
    );
    const missing = signedRequest(gitlabConnector, ctx, mr, meta, { 'x-gitlab-token': undefined });
    await expect(async () => gitlabConnector.handle(missing, ctx)).rejects.toThrow(/missing X-Gitlab-Token header/);
  });

  it('checks both when both are configured: the token alone is not enough', async () => {
    const both = connectorContext(gitlabConnector, { type: 'gitlab', secret: 'gl-token', signingToken: whsec(1) }, NOW);
    expect((await gitlabConnector.handle(signedRequest(gitlabConnector, both, mr, meta), both)).events).toHaveLength(1);
    const tokenOnly = signedRequest(gitlabConnector, ctx, mr, meta);
    await expect(async () => gitlabConnector.handle(tokenOnly, both)).rejects.toThrow(/missing webhook-id header/);
    const tampered = { ...signedRequest(gitlabConnector, both, mr, meta), body: Buffer.from(mr.toString().replace('MS-Viewport', 'X')) };
    await expect(async () => gitlabConnector.handle(tampered, both)).rejects.toThrow(VerificationError);
  });

  it('requires a secret or a signing token in the config', () => {
    expect(() => gitlabConnector.configSchema.parse({ type: 'gitlab' })).toThrow(/secret.*signingToken/);
    expect(() => gitlabConnector.configSchema.parse({ type: 'gitlab', secret: 'x', token: 'y' })).toThrow();
  });

  it('parses only after verifying', async () => {
    const request = signedRequest(gitlabConnector, ctx, Buffer.from('not json'), meta);
    await expect(async () => gitlabConnector.handle(request, ctx)).rejects.toThrow(PayloadError);
    await expect(async () => gitlabConnector.handle({ ...request, headers: {} }, ctx)).rejects.toThrow(VerificationError);
  });

  it('uses Idempotency-Key, else X-Gitlab-Event-UUID, else a digest of the body', async () => {
    const id = async (changes: Record<string, string | undefined>) =>
      (await gitlabConnector.handle(signedRequest(gitlabConnector, ctx, mr, meta, changes), ctx)).events[0]?.id;
    expect(await id({ 'idempotency-key': 'idem-1', 'x-gitlab-event-uuid': 'uuid-1' })).toBe('idem-1');
    expect(await id({ 'idempotency-key': undefined, 'x-gitlab-event-uuid': 'uuid-1' })).toBe('uuid-1');
    expect(await id({ 'idempotency-key': undefined, 'x-gitlab-event-uuid': undefined })).toMatch(/^gitlab:sha256-[0-9a-f]{64}$/);
  });

  it('types system hooks by event_name and sanitizes actions', () => {
    expect(gitlabEventType({ event_name: 'project_create' })).toBe('gitlab.project_create');
    expect(gitlabEventType({ object_kind: 'merge_request', object_attributes: { action: 'approved' } })).toBe(
      'gitlab.merge_request.approved',
    );
    expect(() => gitlabEventType({ object_kind: 'Merge Request' })).toThrow(PayloadError);
  });
});

describe('gitlab connector: normalization of every fixture', () => {
  const ctx = token('gl-token');
  const expected: Record<string, Record<string, unknown>> = {
    push: {
      type: 'gitlab.push',
      subject: 'mike/diaspora@master',
      title: 'fixed readme',
      actor: 'jsmith',
      url: 'http://example.com/mike/diaspora/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    },
    issue: {
      type: 'gitlab.issue.open',
      subject: 'gitlabhq/gitlab-test#23',
      title: 'New API: create/update/delete file',
      url: 'http://example.com/diaspora/issues/23',
      actor: 'root',
    },
    merge_request: {
      type: 'gitlab.merge_request.open',
      subject: 'gitlabhq/gitlab-test!1',
      title: 'MS-Viewport',
      url: 'http://example.com/diaspora/merge_requests/1',
      actor: 'root',
    },
    pipeline: {
      type: 'gitlab.pipeline',
      subject: 'gitlab-org/gitlab-test@master',
      title: 'pipeline 31 success',
      url: 'http://example.com/gitlab-org/gitlab-test/-/pipelines/31',
      actor: 'root',
    },
  };

  it('covers every sample', () => {
    expect(Object.keys(gitlabConnector.samples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [sample, attributes] of Object.entries(expected)) {
    it(`normalizes ${sample}`, async () => {
      const body = loadFixture('gitlab', gitlabConnector.samples[sample] ?? '');
      const request = signedRequest(gitlabConnector, ctx, body, { ...meta, event: sample });
      expect(request.headers['x-gitlab-event']).toMatch(/ Hook$/);
      const { events } = await gitlabConnector.handle(request, ctx);
      expect(events).toEqual([objectContaining({ ...attributes, id: meta.id, data: JSON.parse(body.toString()) as unknown })]);
    });
  }
});
