/**
 * The approval flow through the real delivery worker: the held job sends its link, the approval
 * endpoint queues `<job>:approved`, and the worker posts it exactly once.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createApprovalHandler } from '../../../../src/actions/crosspost/approval-handler.ts';
import { embeddedBackend, eventually, makeJob, publishJob, startWorker } from '../../../integration/delivery-harness.ts';
import { startFakeApi } from '../ci/fake-api.ts';

describe('crosspost approval through the delivery worker', () => {
  it('posts only after approval, once, even when approved twice', async () => {
    const handle = await embeddedBackend.open();
    const hub = createServer(createApprovalHandler({ bus: handle.bus, now: () => new Date(), logger: pino({ level: 'silent' }) }));
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    const hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    const chat = await startFakeApi(() => ({ status: 200, body: 'ok' }));
    const masto = await startFakeApi(() => ({ status: 200, body: { id: '7', url: 'https://mastodon.example/@hub/7' } }));
    const worker = startWorker(handle.bus, { channels: { ops: { type: 'slack', url: `${chat.url}/hook` } } });
    try {
      const job = makeJob('crosspost', {
        platform: 'mastodon',
        instance: masto.url,
        token: 'masto-token',
        text: 'v3 is out',
        approval: { channel: 'ops', url: hubUrl, secret: 'a-long-enough-approval-secret-for-tests' },
      });
      await publishJob(handle.bus, job);
      await eventually(() => chat.requests.length === 1, 'the approval request in the channel');
      expect(masto.requests).toHaveLength(0);
      const link = /http:\/\/127\.0\.0\.1:\d+\/approvals\/[A-Za-z0-9_.-]+/.exec(chat.requests[0]!.body)?.[0] ?? '';
      const approve = () =>
        fetch(link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
      const [first, second] = await Promise.all([approve(), approve()]);
      // Racing clicks: each is accepted or told it was already decided; the bus dedup keeps one approved job.
      expect([first.status, second.status]).toContain(200);
      for (const status of [first.status, second.status]) expect([200, 409]).toContain(status);
      await eventually(() => masto.requests.length === 1, 'the post');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(masto.requests).toHaveLength(1);
      expect(JSON.parse(masto.requests[0]!.body)).toMatchObject({ status: 'v3 is out' });
      expect(masto.requests[0]?.headers['idempotency-key']).toBe(`${job.id}:approved`);
    } finally {
      await worker.stop();
      await new Promise((resolve) => hub.close(resolve));
      await chat.close();
      await masto.close();
      await handle.cleanup();
    }
  });
});
