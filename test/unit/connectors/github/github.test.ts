import { createHmac } from 'node:crypto';
import { sign as octokitSign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { githubConnector } from '../../../../connectors/github/index.ts';
import { PayloadError, VerificationError } from '../../../../src/errors.ts';
import { connectorContext, loadFixture, signedRequest } from '../../../helpers/connector-request.ts';

const now = new Date('2024-05-14T12:00:00Z');
const ctx = connectorContext(githubConnector, { type: 'github', secret: 'It’s a Secret to Everybody' }, now);
const prBody = loadFixture('github', 'pull_request.opened.json');
const meta = { id: '72d3162e-cc78-11e3-81ab-4c9367dc0958', event: 'pull_request' };

function signed(body: Buffer, overrides: Record<string, string | undefined> = {}, event = meta.event) {
  return signedRequest(githubConnector, ctx, body, { ...meta, event }, overrides);
}

describe('github connector: verification', () => {
  it('accepts a delivery signed like GitHub does and normalizes it', async () => {
    const { events, reply } = await githubConnector.handle(signed(prBody), ctx);
    expect(reply).toBeUndefined();
    expect(events).toEqual([
      expect.objectContaining({
        specversion: '1.0',
        id: meta.id,
        type: 'github.pull_request.opened',
        source: '/connectors/test',
        subject: 'acme/api#42',
        title: 'Add idempotency keys to POST /orders',
        url: 'https://github.com/acme/api/pull/42',
        actor: 'octocat',
        connector: 'test',
        time: now.toISOString(),
        data: JSON.parse(prBody.toString('utf8')) as unknown,
      }),
    ]);
  });

  it('signs exactly as @octokit/webhooks-methods does, and accepts its signatures', async () => {
    const expected = await octokitSign('It’s a Secret to Everybody', prBody.toString('utf8'));
    expect(githubConnector.sign(prBody, ctx, meta)['x-hub-signature-256']).toBe(expected);
    // GitHub's documented example: https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const docs = connectorContext(githubConnector, { type: 'github', secret: "It's a Secret to Everybody" }, now);
    const docSignature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(githubConnector.sign(Buffer.from('Hello, World!'), docs, meta)['x-hub-signature-256']).toBe(docSignature);
  });

  it('rejects a tampered body, a re-serialized body and a wrong secret', async () => {
    const request = signed(prBody);
    const tampered = { ...request, body: Buffer.from(prBody.toString('utf8').replace('"number": 42', '"number": 43')) };
    await expect(githubConnector.handle(tampered, ctx)).rejects.toThrow(VerificationError);
    const compact = { ...request, body: Buffer.from(JSON.stringify(JSON.parse(prBody.toString('utf8')))) };
    await expect(githubConnector.handle(compact, ctx)).rejects.toThrow(/does not match the body/);
    const other = connectorContext(githubConnector, { type: 'github', secret: 'another secret' }, now);
    await expect(githubConnector.handle(request, other)).rejects.toThrow(VerificationError);
  });

  it('accepts every secret of a rotation list', async () => {
    const old = connectorContext(githubConnector, { type: 'github', secret: 'old secret' }, now);
    const rotating = connectorContext(githubConnector, { type: 'github', secret: ['new secret', 'old secret'] }, now);
    const request = signedRequest(githubConnector, old, prBody, meta);
    const { events, bodyDigest } = await githubConnector.handle(request, rotating);
    expect(events[0]?.id).toBe(meta.id);
    // The content key's digest is the HMAC that matched: the body's, under the secret that signed it.
    expect(bodyDigest).toBe(createHmac('sha256', 'old secret').update(prBody).digest('hex'));
  });

  it('rejects missing headers with 401 and says which one', async () => {
    const cases: [string, RegExp][] = [
      ['x-hub-signature-256', /missing X-Hub-Signature-256 header \(set a secret/],
      ['x-github-event', /missing X-GitHub-Event header/],
      ['x-github-delivery', /missing X-GitHub-Delivery header/],
    ];
    for (const [header, message] of cases) {
      const request = signed(prBody, { [header]: undefined });
      await expect(githubConnector.handle(request, ctx)).rejects.toThrow(message);
    }
    const sha1Only = signed(prBody, { 'x-hub-signature-256': undefined, 'x-hub-signature': 'sha1=0123' });
    await expect(githubConnector.handle(sha1Only, ctx)).rejects.toThrow(/only the SHA-1 X-Hub-Signature was sent/);
  });

  it('rejects malformed signature, event and delivery headers', async () => {
    for (const bad of ['sha256=xyz', 'sha1=' + 'a'.repeat(40), 'a'.repeat(64), 'sha256=' + 'a'.repeat(63)]) {
      const request = signed(prBody, { 'x-hub-signature-256': bad });
      await expect(githubConnector.handle(request, ctx)).rejects.toThrow(/malformed X-Hub-Signature-256 header/);
    }
    await expect(githubConnector.handle(signed(prBody, { 'x-github-event': 'pull request' }), ctx)).rejects.toThrow(
      /malformed X-GitHub-Event/,
    );
    await expect(githubConnector.handle(signed(prBody, { 'x-github-delivery': 'a b' }), ctx)).rejects.toThrow(
      /malformed X-GitHub-Delivery/,
    );
  });

  it('answers 400 for authentic bodies it cannot use', async () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('not json'), /body is not JSON/],
      [prBody.subarray(0, 100), /body is truncated JSON/],
      [Buffer.alloc(0), /body is empty/],
      [Buffer.from([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
      [Buffer.from('[1,2]'), /not an object/],
    ];
    for (const [body, message] of cases) {
      const result = githubConnector.handle(signed(body), ctx);
      await expect(result).rejects.toThrow(PayloadError);
      await expect(githubConnector.handle(signed(body), ctx)).rejects.toThrow(message);
    }
  });
});

describe('github connector: content types and handshakes', () => {
  it('hands on the JSON text the data was parsed from, byte order mark left out', async () => {
    const pretty = Buffer.from(`\ufeff${JSON.stringify(JSON.parse(prBody.toString('utf8')), null, 2)}`);
    const { events, dataText } = await githubConnector.handle(signed(pretty), ctx);
    expect(dataText).toEqual([pretty.toString('utf8').slice(1)]);
    expect(JSON.parse(dataText?.[0] ?? '')).toEqual(events[0]?.data);
  });

  it('accepts the form-encoded content type, verifying the raw form body', async () => {
    const form = Buffer.from(`payload=${encodeURIComponent(prBody.toString('utf8'))}`);
    const request = signed(form, { 'content-type': 'application/x-www-form-urlencoded' });
    const { events, dataText } = await githubConnector.handle(request, ctx);
    expect(events[0]).toMatchObject({ type: 'github.pull_request.opened', subject: 'acme/api#42' });
    // The text the data came from is the form field, not the form body.
    expect(dataText).toEqual([prBody.toString('utf8')]);
    const noPayload = signed(Buffer.from('foo=1'), { 'content-type': 'application/x-www-form-urlencoded' });
    await expect(githubConnector.handle(noPayload, ctx)).rejects.toThrow(/no `payload` field/);
  });

  it('records a ping and answers it with the zen line', async () => {
    const body = loadFixture('github', 'ping.json');
    const { events, reply } = await githubConnector.handle(signed(body, {}, 'ping'), ctx);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'github.ping', subject: 'acme/api', title: 'Design for failure.' });
    expect(reply).toEqual({ status: 200, body: { ok: true, id: meta.id, zen: 'Design for failure.' } });
  });

  it('normalizes every bundled sample', async () => {
    const expected: Record<string, object> = {
      push: { type: 'github.push', subject: 'acme/api@main', title: 'Fix rate limiter off-by-one' },
      issues: { type: 'github.issues.opened', subject: 'acme/api#43', url: 'https://github.com/acme/api/issues/43' },
      release: { type: 'github.release.published', title: 'v2.4.0 — idempotent orders' },
      workflow_run: { type: 'github.workflow_run.completed', title: 'CI failure', subject: 'acme/api' },
      pull_request: { type: 'github.pull_request.opened' },
      ping: { type: 'github.ping' },
    };
    expect(Object.keys(githubConnector.samples).sort()).toEqual(Object.keys(expected).sort());
    for (const [event, file] of Object.entries(githubConnector.samples)) {
      const { events } = await githubConnector.handle(signed(loadFixture('github', file), {}, event), ctx);
      expect(events[0]).toMatchObject({ ...expected[event], actor: 'octocat' });
    }
  });
});

describe('github connector: config', () => {
  it('is strict about unknown keys but allows the planned ones', () => {
    const schema = githubConnector.configSchema;
    expect(schema.safeParse({ type: 'github', secrets: 'x' }).success).toBe(false);
    expect(schema.safeParse({ type: 'github', secret: 'x', extra: 1 }).success).toBe(false);
    expect(schema.safeParse({ type: 'github', secret: '' }).error?.message).toContain('secret is empty');
    const full = {
      type: 'github',
      secret: ['a', 'b'],
      repos: ['acme/api'],
      orgs: ['acme-labs'],
      events: ['push'],
      publicUrl: 'https://x',
      token: 't',
    };
    expect(schema.parse(full)).toEqual(full);
    expect(githubConnector.secretFields).toEqual(['secret', 'token', 'app.privateKey']);
  });
});
