/**
 * notify by email to a real local SMTP server that refuses some recipients at RCPT TO: the refused ones are
 * named in the attempt, a partly refused message is a delivery with a warning (never sent twice), and one
 * with every recipient refused fails: permanently for 5xx refusals, retried when one is a 4xx.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelSchema } from '../../src/actions/notify/channel-schema.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { attempts, embeddedBackend, eventually, makeJob, publishJob, startWorker, useDeliveryFixture } from './delivery-harness.ts';

const fx = useDeliveryFixture(embeddedBackend);

/** SMTP replies by recipient for the n-th session (1-based); an address not listed is accepted. */
type Refusals = (session: number) => Record<string, 450 | 550>;

interface Mailbox {
  port: number;
  /** Recipients of each message the server took. */
  received: string[][];
  close(): Promise<void>;
}

const servers: Mailbox[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function startMailbox(refusals: Refusals): Promise<Mailbox> {
  let sessions = 0;
  const received: string[][] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onMailFrom(_address, _session, callback) {
      sessions += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      const code = refusals(sessions)[address.address];
      if (code === undefined) return callback();
      const error = Object.assign(new Error(code === 550 ? '5.1.1 no such user' : '4.2.1 mailbox busy, try later'), { responseCode: code });
      callback(error);
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        received.push(session.envelope.rcptTo.map((r) => r.address));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const mailbox = {
    port: (smtp.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
  servers.push(mailbox);
  return mailbox;
}

function emailChannel(port: number, to: string[]) {
  return { ops: ChannelSchema.parse({ type: 'email', smtp: { host: '127.0.0.1', port, secure: false }, from: 'hub@example.com', to }) };
}

const TO = ['ops@example.com', 'gone@example.com', 'dev@example.com'];

describe('notify by email: recipients refused at RCPT TO', () => {
  it('delivers to the accepted recipients once, with a warning naming the refused one, in the record and the metrics', async () => {
    const mailbox = await startMailbox(() => ({ 'gone@example.com': 550 }));
    const metrics = createMetrics({ processMetrics: false });
    fx.workers.push(startWorker(fx.handle.bus, { channels: emailChannel(mailbox.port, TO), metrics }));
    const job = makeJob('notify', { channel: 'ops', title: 'Deploy failed', text: 'see the logs' });
    await publishJob(fx.handle.bus, job);
    await eventually(async () => (await attempts(fx.handle.bus, job.id)).length > 0, 'an attempt');
    const [attempt] = await attempts(fx.handle.bus, job.id);
    expect(attempt).toMatchObject({
      outcome: 'success',
      status: 250,
      warning: 'sent to 2 of 3 recipients; the SMTP server refused gone@example.com (550 5.1.1 no such user)',
    });
    expect(mailbox.received).toEqual([['ops@example.com', 'dev@example.com']]);
    // Counted just after the record is written.
    await eventually(async () => (await metrics.registry.metrics()).includes('outcome="success"} 1'), 'the success counted');
    const text = await metrics.registry.metrics();
    expect(text).toContain('hookhub_delivery_warnings_total{action="notify",channel="ops"} 1');
    expect(text).toContain('hookhub_deliveries_total{action="notify",channel="ops",outcome="success"} 1');
  });

  it('dead-letters at once when every recipient is refused with a 5xx, naming each', async () => {
    const mailbox = await startMailbox(() => ({ 'ops@example.com': 550, 'dev@example.com': 550 }));
    fx.workers.push(startWorker(fx.handle.bus, { channels: emailChannel(mailbox.port, ['ops@example.com', 'dev@example.com']) }));
    const job = makeJob('notify', { channel: 'ops', text: 'hello' });
    await publishJob(fx.handle.bus, job);
    await eventually(async () => (await fx.handle.bus.deadLetters()).length > 0, 'a dead letter');
    const [letter] = await fx.handle.bus.deadLetters();
    expect(letter?.reason).toBe(
      'permanent failure: SMTP server refused every recipient: ops@example.com (550 5.1.1 no such user), dev@example.com (550 5.1.1 no such user)',
    );
    expect(await attempts(fx.handle.bus, job.id)).toHaveLength(1);
    expect(mailbox.received).toEqual([]);
  });

  it('retries when every recipient is refused but one only for now (4xx), and sends once they are accepted', async () => {
    const firstTime: Record<string, 450 | 550> = { 'ops@example.com': 450, 'dev@example.com': 550 };
    const mailbox = await startMailbox((session) => (session === 1 ? firstTime : {}));
    fx.workers.push(startWorker(fx.handle.bus, { channels: emailChannel(mailbox.port, ['ops@example.com', 'dev@example.com']) }));
    const job = makeJob('notify', { channel: 'ops', text: 'hello' });
    await publishJob(fx.handle.bus, job);
    await eventually(async () => (await attempts(fx.handle.bus, job.id)).length === 2, 'two attempts');
    const list = await attempts(fx.handle.bus, job.id);
    expect(list.map((a) => [a.outcome, a.status])).toEqual([
      ['retry', 450],
      ['success', 250],
    ]);
    expect(list[0]?.error).toContain('SMTP server refused every recipient: ops@example.com (450 4.2.1 mailbox busy, try later)');
    expect(mailbox.received).toEqual([['ops@example.com', 'dev@example.com']]);
  });
});
