/**
 * A destination that answers 429 (a chat incoming webhook allowing about one message per window): a burst
 * to it pauses the destination instead of spending the jobs' attempts, and one that answers 429 forever
 * still ends in the dead letters. Real local HTTP sink, both buses.
 */
import { describe, expect, it } from 'vitest';
import { ChannelSchema } from '../../src/actions/notify/channel-schema.ts';
import { useNatsServer } from '../helpers/nats-server.ts';
import {
  attempts,
  embeddedBackend,
  eventually,
  makeJob,
  natsBackend,
  publishJob,
  startWorker,
  type Sink,
  type SinkReply,
} from './delivery-harness.ts';
import { useDeliveryFixture } from './delivery-harness.ts';

const natsServer = useNatsServer();

/** 429s used to open the circuit (30 s by default), which only delayed the same outcome: keep the tests short. */
const shortCooldown = { cooldownMs: 200 };

/** One 200 per `windowMs`; every other request gets 429 with `Retry-After: retryAfter` (seconds). */
function allowOnePer(windowMs: number, retryAfter: string): (sink: Sink) => void {
  return (sink) => {
    let openAt = 0;
    sink.reply = (): SinkReply => {
      const now = Date.now();
      if (now < openAt) return { status: 429, headers: { 'retry-after': retryAfter }, body: 'rate_limited' };
      openAt = now + windowMs;
      return { status: 200, body: 'ok' };
    };
  };
}

describe.each([embeddedBackend, natsBackend(() => natsServer().url)])('429 from a destination on the $name bus', (backend) => {
  const fx = useDeliveryFixture(backend);
  const slack = () => ({ eng: ChannelSchema.parse({ type: 'slack', url: `${fx.sink.url}/slack` }) });

  it('a burst of 30 notifications to one rate-limited chat webhook is all delivered, none dead-lettered', async () => {
    allowOnePer(50, '0.1')(fx.sink);
    // 4 attempts: before 429s paused the destination, each 429 used one and most of the burst was dead-lettered.
    const retry = { schedule: ['10s', '10s', '10s'], jitter: 0 };
    fx.workers.push(startWorker(fx.handle.bus, { channels: slack(), options: { retry, circuitBreaker: shortCooldown } }));
    const jobs = Array.from({ length: 30 }, (_, i) => makeJob('notify', { channel: 'eng', text: `message ${i}` }));
    for (const job of jobs) await publishJob(fx.handle.bus, job);

    await eventually(
      async () => fx.sink.delivered().length === 30 || (await fx.handle.bus.deadLetters()).length > 0,
      'the burst delivered (or a dead letter)',
      40_000,
    );
    expect(await fx.handle.bus.deadLetters()).toEqual([]);
    expect(new Set(fx.sink.delivered().map((r) => (JSON.parse(r.body) as { text: string }).text)).size).toBe(30);
    expect(fx.sink.requests.length).toBeGreaterThan(30);

    const records = (await Promise.all(jobs.map((job) => attempts(fx.handle.bus, job.id)))).flat();
    const limited = records.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({
      outcome: 'retry',
      rateLimited: true,
      error: 'rate limited by destination (429), retry after 0.1 s',
      response: 'rate_limited',
    });
  });

  it('a destination that answers 429 forever still dead-letters its jobs, with the reason', async () => {
    fx.sink.reply = () => ({ status: 429, headers: { 'retry-after': '0.1' } });
    const retry = { schedule: ['200ms', '200ms'], jitter: 0 };
    fx.workers.push(startWorker(fx.handle.bus, { channels: slack(), options: { retry, circuitBreaker: shortCooldown } }));
    const jobs = Array.from({ length: 3 }, (_, i) => makeJob('notify', { channel: 'eng', text: `message ${i}` }));
    for (const job of jobs) await publishJob(fx.handle.bus, job);

    await eventually(async () => (await fx.handle.bus.deadLetters()).length === 3, 'all three dead-lettered', 20_000);
    for (const letter of await fx.handle.bus.deadLetters()) {
      expect(letter.reason).toMatch(
        /^rate limited by destination \(429\) \d+ times over [\d.]+ s, longer than its retry schedule \(3 attempts over 0\.4 s\)/,
      );
      // No fewer 429s than the policy has attempts: a rate limit never dead-letters sooner than a failure would.
      expect(letter.attempts.length).toBeGreaterThanOrEqual(3);
      const records = letter.attempts as { rateLimited?: unknown; attempt?: unknown }[];
      expect(records.every((a) => a.rateLimited === true && a.attempt === 1)).toBe(true);
    }
    expect(fx.sink.delivered()).toEqual([]);
  });

  it('a job a destination keeps answering 429 comes back ever later once its attempts are spent, not every Retry-After', async () => {
    fx.sink.reply = () => ({ status: 429, headers: { 'retry-after': '0.1' } });
    // 3 attempts over 4 s: a job back every Retry-After (0.1 s and jitter) would meet about 18 429s first.
    const retry = { schedule: ['2s', '2s'], jitter: 0 };
    fx.workers.push(startWorker(fx.handle.bus, { channels: slack(), options: { retry, circuitBreaker: shortCooldown } }));
    await publishJob(fx.handle.bus, makeJob('notify', { channel: 'eng', text: 'always limited' }));

    await eventually(async () => (await fx.handle.bus.deadLetters()).length === 1, 'the job dead-lettered', 20_000);
    const [letter] = await fx.handle.bus.deadLetters();
    expect(letter?.attempts.length).toBeGreaterThanOrEqual(3);
    expect(letter?.attempts.length).toBeLessThanOrEqual(10);
  });

  it('when a pause ends, one held job goes first, and the rest only once it is answered', async () => {
    // Each job's first request gets 429; its next one 200 after 300 ms, long enough for the rest to come back
    // meanwhile (the pause is 0.2 s, and the held jobs return within one more pause of its end).
    const seen = new Set<string>();
    let probe: { open: boolean } | undefined;
    let duringProbe = 0;
    fx.sink.reply = (request) => {
      if (probe?.open) duringProbe += 1;
      if (!seen.has(request.body)) {
        seen.add(request.body);
        return { status: 429, headers: { 'retry-after': '0.2' }, body: 'rate_limited' };
      }
      if (!probe) {
        const first = { open: true };
        probe = first;
        setTimeout(() => (first.open = false), 300);
      }
      return { status: 200, body: 'ok', delayMs: 300 };
    };
    const retry = { schedule: ['10s', '10s', '10s'], jitter: 0 };
    fx.workers.push(startWorker(fx.handle.bus, { channels: slack(), options: { retry, circuitBreaker: shortCooldown } }));
    const jobs = Array.from({ length: 8 }, (_, i) => makeJob('notify', { channel: 'eng', text: `held ${i}` }));
    for (const job of jobs) await publishJob(fx.handle.bus, job);

    await eventually(() => fx.sink.delivered().length === 8, 'all delivered', 20_000);
    expect(probe).toBeDefined();
    // Without the probe, the jobs the pause held came back together and met the destination while it was still answering the first.
    expect(duringProbe).toBe(0);
    expect(await fx.handle.bus.deadLetters()).toEqual([]);
  });

  it("GitHub's 403 rate limit on a CI dispatch uses no attempt: a job with two attempts is dispatched after two of them", async () => {
    const secondary = JSON.stringify({
      message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    });
    let refusals = 2;
    fx.sink.reply = () => (refusals-- > 0 ? { status: 403, headers: { 'retry-after': '0.1' }, body: secondary } : { status: 204 });
    // Two attempts: two 403 rate limits that used them would dead-letter the dispatch.
    const retry = { schedule: ['10s'], jitter: 0 };
    fx.workers.push(startWorker(fx.handle.bus, { options: { retry, circuitBreaker: shortCooldown } }));
    const params = { provider: 'github', api: fx.sink.url, token: 'ghp_test', owner: 'acme', repo: 'api', workflow: 'ci.yml', ref: 'main' };
    const job = makeJob('ci', params);
    await publishJob(fx.handle.bus, job);

    // The success recorded, not only answered.
    await eventually(
      async () =>
        (await attempts(fx.handle.bus, job.id)).some((r) => r.outcome === 'success') || (await fx.handle.bus.deadLetters()).length > 0,
      'the dispatch recorded (or a dead letter)',
      10_000,
    );
    expect(await fx.handle.bus.deadLetters()).toEqual([]);
    const records = await attempts(fx.handle.bus, job.id);
    expect(records.map((r) => [r.status, r.rateLimited ?? false, r.attempt])).toEqual([
      [403, true, 1],
      [403, true, 1],
      [204, false, 1],
    ]);
    expect(records[0]?.error).toBe(
      'rate limited by destination (403), retry after 0.1 s: from GitHub: You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    );
  });

  it("one webhook URL's 429 holds only its own jobs, not other receivers on the same host", async () => {
    fx.sink.reply = (request) => (request.path === '/limited' ? { status: 429, headers: { 'retry-after': '60' } } : { status: 200 });
    fx.workers.push(startWorker(fx.handle.bus, { options: { circuitBreaker: shortCooldown } }));
    await publishJob(fx.handle.bus, makeJob('webhook', { url: `${fx.sink.url}/limited` }));
    await eventually(() => fx.sink.requests.some((r) => r.path === '/limited'), 'the 429', 10_000);
    await publishJob(fx.handle.bus, makeJob('webhook', { url: `${fx.sink.url}/open` }));
    // Paused for the whole origin, the other receiver's job would wait the 60 s out.
    await eventually(() => fx.sink.delivered().some((r) => r.path === '/open'), 'the other receiver served', 10_000);
    expect(fx.sink.requests.filter((r) => r.path === '/limited')).toHaveLength(1);
  });
});
