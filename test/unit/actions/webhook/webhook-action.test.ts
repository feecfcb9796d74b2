import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionDeps, Job } from '../../../../src/actions/action.ts';
import { createOutboundGuard } from '../../../../src/actions/runtime/ssrf/guarded-fetch.ts';
import { webhookAction, WebhookParamsSchema } from '../../../../src/actions/webhook/index.ts';
import { actionContext } from '../../../helpers/action-context.ts';
import { actions } from '../../../../src/actions/index.ts';
import { compileRuleSources } from '../../../../src/rules/compile-rule-sources.ts';
import { formatDiagnostic } from '../../../../src/rules/diagnostics.ts';
import { planJobs } from '../../../../src/rules/plan-jobs.ts';
import { event } from '../../rules/test-context.ts';

const seen: { method: string; headers: IncomingHttpHeaders; body: string }[] = [];
let server: Server;
let url = '';
const guard = createOutboundGuard({ allow: ['127.0.0.1'] });
const now = new Date('2026-03-01T10:00:00Z');
const deps = (): ActionDeps => ({ fetch: guard.fetch, now: () => now, channels: {}, signal: AbortSignal.timeout(5_000) });
const job: Job = {
  id: 'evt_1:deploy:0',
  eventId: 'evt_1',
  eventType: 'github.push',
  rule: 'deploy',
  index: 0,
  action: 'webhook',
  params: {},
  createdAt: now.toISOString(),
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(201).end('created');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
});
afterAll(async () => {
  guard.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('webhook action', () => {
  it('POSTs a JSON body signed with Standard Webhooks and an idempotency key', async () => {
    const params = WebhookParamsSchema.parse({ url, body: { a: 1 }, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    expect(await webhookAction.execute(params, actionContext(job, deps()))).toEqual({ status: 201, response: 'created' });
    const request = seen.at(-1);
    expect(request?.method).toBe('POST');
    expect(request?.body).toBe('{"a":1}');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'idempotency-key': job.id,
      'webhook-id': job.id,
      'webhook-timestamp': '1772359200',
    });
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    const expected = createHmac('sha256', key).update(`${job.id}.1772359200.{"a":1}`).digest('base64');
    expect(request?.headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('sends a text body with a user content type, another method and a GitHub-style signature', async () => {
    const params = WebhookParamsSchema.parse({
      url,
      method: 'PUT',
      headers: { 'Content-Type': 'application/xml', 'X-Custom': 'yes' },
      body: '<a/>',
      signature: { style: 'github', secret: 'gh' },
    });
    await webhookAction.execute(params, actionContext(job, deps()));
    const request = seen.at(-1);
    expect(request?.method).toBe('PUT');
    expect(request?.headers['content-type']).toBe('application/xml');
    expect(request?.headers['x-custom']).toBe('yes');
    expect(request?.headers['x-hub-signature-256']).toBe(`sha256=${createHmac('sha256', 'gh').update('<a/>').digest('hex')}`);
  });

  it('a secret that Standard Webhooks signing cannot use fails when the rules load, without being repeated', () => {
    const text = `rules:\n  - name: upgrade\n    on: stripe.**\n    do:\n      - webhook: { url: https://api.acme.test/up, secret: \${UPGRADE_SECRET} }\n`;
    const load = (secret: string) =>
      compileRuleSources([{ file: 'rules/pay.yaml', text }], {
        registry: actions,
        channels: [],
        connectors: ['stripe'],
        vars: { UPGRADE_SECRET: secret },
      });
    const plain = load('s3cr3t-shared-with-the-receiver');
    expect(plain.ok).toBe(false);
    const printed = plain.diagnostics.map(formatDiagnostic).join('\n');
    expect(printed).toMatch(
      /^rules\/pay\.yaml:5:\d+: .*must start with whsec_ \(for a plain HMAC secret, use signature: \{ style: hmac, secret \}\)/m,
    );
    expect(printed).not.toContain('s3cr3t');
    const short = load('whsec_c2hvcnQ=');
    expect(short.ok).toBe(false);
    expect(short.diagnostics.map(formatDiagnostic).join('\n')).toContain('too short (at least 16 bytes of base64)');
    expect(load('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').ok).toBe(true);
    expect(WebhookParamsSchema.safeParse({ url, secret: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', '{{data.key}}'] }).success).toBe(true);
  });

  it('a header that fetch would refuse fails when the rules load or when the event renders into it, once, without its value', () => {
    const load = (headers: string) =>
      compileRuleSources(
        [
          {
            file: 'rules/f.yaml',
            text: `rules:\n  - name: forward\n    on: github.**\n    do:\n      - webhook: { url: https://api.acme.test/in, headers: ${headers} }\n`,
          },
        ],
        { registry: actions, channels: [], connectors: ['github'], vars: {} },
      );
    const badName = load('{ "x title": "a" }');
    expect(badName.ok).toBe(false);
    expect(badName.diagnostics.map(formatDiagnostic).join('\n')).toMatch(/^rules\/f\.yaml:5:\d+: .*a header name is letters/m);
    const loaded = load('{ x-title: "{{data.title}}" }');
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const rule = loaded.ruleSet.rules[0]!;
    const render = (title: string) =>
      planJobs({ rule, outcome: 'matched' }, event({ type: 'github.issues.opened', data: { title } }), {
        registry: actions,
        now: () => now,
      });
    const broken = render('first line\nX-Injected: yes');
    expect(broken.jobs).toEqual([]);
    const refused =
      'headers.x-title: a header value cannot hold a line break (CR, LF), NUL or a character beyond Latin-1 (write {{urlEncode …}} for event text)';
    expect(broken.errors[0]?.error).toBe(refused);
    expect(render('修复 🚀').errors[0]?.error).toBe(refused);
    expect(render('café').jobs[0]?.params.headers).toEqual({ 'x-title': 'café' });
    expect(render('one line').jobs[0]?.params.headers).toEqual({ 'x-title': 'one line' });
  });

  it('names its destination by origin, and takes delivery settings from its params', () => {
    const params = WebhookParamsSchema.parse({ url: 'https://api.example.com:8443/x?y=1', retry: { schedule: ['1s'] }, rateLimit: '2/s' });
    expect(webhookAction.destination(params, { channels: {} })).toBe('url:https://api.example.com:8443');
    expect(webhookAction.policy?.(params, { channels: {} })).toMatchObject({
      retry: { schedule: [1_000] },
      rateLimit: { rate: 2, perMs: 1_000 },
    });
  });
});
