/** notify through the worker to real local sinks (chat webhooks, an SMTP server), plus the SSRF guard, breaker and metrics in the loop. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { describe, expect, it } from 'vitest';
import { ChannelSchema } from '../../src/actions/notify/channel-schema.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { attempts, delay, embeddedBackend, eventually, makeJob, publishJob, startWorker, useDeliveryFixture } from './delivery-harness.ts';
import { arrayContaining, objectContaining } from '../helpers/matchers.ts';

const fx = useDeliveryFixture(embeddedBackend);

const message = {
  title: 'PR #42 opened: Fix <b>',
  text: 'alice opened *acme/api#42* & asks for review',
  url: 'https://github.com/acme/api/pull/42',
};

/** Channels as hookhub.yaml gives them, each checked by the schema the config loader uses. */
function channelsOf(blocks: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(blocks).map(([name, block]) => [name, ChannelSchema.parse(block)]));
}

describe('notify to chat channels', () => {
  it.each(['slack', 'discord', 'teams', 'mattermost', 'webhook'] as const)('%s receives its platform payload', async (type) => {
    const channels = channelsOf({ eng: { type, url: `${fx.sink.url}/${type}` } });
    fx.workers.push(startWorker(fx.handle.bus, { channels }));
    const job = makeJob('notify', { channel: 'eng', ...message, fields: [{ title: 'Repo', value: 'acme/api', short: true }] });
    await publishJob(fx.handle.bus, job);
    await eventually(() => fx.sink.delivered().length === 1, `${type} delivery`);
    const [request] = fx.sink.requests;
    expect(request?.path).toBe(`/${type}`);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe(job.id);
    const body = JSON.parse(request?.body ?? '') as Record<string, unknown>;
    const expected: Record<typeof type, unknown> = {
      // mrkdwn: `<` and `&` from the event are escaped, so they cannot form a mention or a link.
      slack: {
        text: 'PR #42 opened: Fix &lt;b&gt;: alice opened *acme/api#42* &amp; asks for review',
        blocks: arrayContaining([objectContaining({ type: 'header' })]),
      },
      discord: { embeds: [expect.objectContaining({ title: message.title, url: message.url })] },
      teams: { type: 'message', attachments: [expect.objectContaining({ contentType: 'application/vnd.microsoft.card.adaptive' })] },
      mattermost: { attachments: [expect.objectContaining({ title: message.title, title_link: message.url })] },
      webhook: { type: 'hookhub.notification', id: job.id, channel: 'eng', text: message.text, source: objectContaining({ rule: 'rule' }) },
    };
    expect(body).toMatchObject(expected[type] as Record<string, unknown>);
  });

  it('signs a webhook channel with Standard Webhooks when its secret is whsec_', async () => {
    const channels = channelsOf({
      hooks: { type: 'webhook', url: fx.sink.url, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', headers: { 'x-team': 'eng' } },
    });
    fx.workers.push(startWorker(fx.handle.bus, { channels }));
    const job = makeJob('notify', { channel: 'hooks', text: 'hi' });
    await publishJob(fx.handle.bus, job);
    await eventually(() => fx.sink.delivered().length === 1, 'signed delivery');
    const headers = fx.sink.requests[0]?.headers ?? {};
    expect(headers['webhook-id']).toBe(job.id);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(headers['x-team']).toBe('eng');
  });

  it('dead-letters a notify to an unknown channel without retrying', async () => {
    fx.workers.push(startWorker(fx.handle.bus, { channels: {} }));
    await publishJob(fx.handle.bus, makeJob('notify', { channel: 'nope', text: 'x' }));
    await eventually(async () => (await fx.handle.bus.deadLetters()).length === 1, 'dead letter');
    expect((await fx.handle.bus.deadLetters())[0]?.reason).toContain('unknown channel "nope"');
  });
});

describe('notify by email', () => {
  it('arrives at a local SMTP server with the rendered subject and body', async () => {
    const received: { from: string; to: string[]; raw: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString(),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    try {
      const port = (smtp.server.address() as AddressInfo).port;
      const channels = channelsOf({
        ops: {
          type: 'email',
          smtp: { host: '127.0.0.1', port, secure: false },
          from: 'hookhub@example.com',
          to: ['ops@example.com', 'dev@example.com'],
        },
      });
      fx.workers.push(startWorker(fx.handle.bus, { channels }));
      const job = makeJob('notify', {
        channel: 'ops',
        title: 'Deploy failed: api',
        text: 'The deploy of api@1.2.3 failed.\nSee the logs.',
        url: 'https://ci.example/run/7',
      });
      await publishJob(fx.handle.bus, job);
      await eventually(() => received.length === 1, 'email received');
      const [mail] = received;
      expect(mail?.from).toBe('hookhub@example.com');
      expect(mail?.to).toEqual(['ops@example.com', 'dev@example.com']);
      expect(mail?.raw).toMatch(/^Subject: Deploy failed: api\r?$/m);
      expect(mail?.raw).toContain('The deploy of api@1.2.3 failed.');
      expect(mail?.raw).toContain('https://ci.example/run/7');
      expect(mail?.raw).toContain(`X-Hookhub-Job: ${job.id}`);
      await eventually(async () => (await attempts(fx.handle.bus, job.id))[0]?.outcome === 'success', 'success record');
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});

describe('protection in the loop', () => {
  it('the SSRF guard refuses loopback, metadata and localhost targets: dead-lettered, nothing sent', async () => {
    fx.workers.push(startWorker(fx.handle.bus, { options: { network: {} } }));
    const port = new URL(fx.sink.url).port;
    const targets = [
      `http://127.0.0.1:${port}/`,
      'http://169.254.169.254/latest/meta-data/',
      `http://[::1]:${port}/`,
      `http://localhost:${port}/`,
    ];
    for (const url of targets) await publishJob(fx.handle.bus, makeJob('webhook', { url }));
    await eventually(async () => (await fx.handle.bus.deadLetters()).length === targets.length, 'all refused');
    for (const letter of await fx.handle.bus.deadLetters()) expect(letter.reason).toMatch(/permanent failure: refused/);
    expect(fx.sink.requests).toHaveLength(0);
  });

  it('an open circuit defers jobs without using their attempts, and metrics count outcomes', async () => {
    fx.sink.reply = () => ({ status: 503 });
    const metrics = createMetrics({ processMetrics: false });
    fx.workers.push(
      startWorker(fx.handle.bus, {
        metrics,
        options: { circuitBreaker: { failures: 2, cooldownMs: 60_000 }, retry: { schedule: ['50ms', '50ms', '50ms', '50ms'], jitter: 0 } },
      }),
    );
    const jobs = [makeJob('webhook', { url: fx.sink.url }), makeJob('webhook', { url: fx.sink.url })];
    for (const job of jobs) await publishJob(fx.handle.bus, job);
    await eventually(() => fx.sink.requests.length === 2, 'two failed attempts');
    // With a closed circuit both jobs would be retried within ~50 ms; an open one defers them for the cooldown.
    await eventually(
      async () => (await metrics.registry.getSingleMetricAsString('hookhub_deliveries_total')).includes('outcome="deferred"'),
      'a deferred job',
    );
    await delay(400);
    expect(fx.sink.requests).toHaveLength(2);
    const used = await Promise.all(jobs.map(async (job) => (await attempts(fx.handle.bus, job.id)).length));
    expect(used.reduce((a, b) => a + b, 0)).toBe(2);
    const text = await metrics.registry.metrics();
    expect(text).toContain('hookhub_deliveries_total{action="webhook",channel="",outcome="retry"} 2');
    expect(text).toMatch(/hookhub_delivery_attempt_duration_seconds_count\{action="webhook",channel="",outcome="retry"\} 2/);
    expect(text).toContain('hookhub_dlq_depth 0');
  });
});
