/**
 * Property-based fuzzing of POST /hooks/<connector> for every registered connector: random bytes,
 * headers (signature-shaped and junk), content types, encodings, sizes, methods and paths.
 * The ingress must answer every request within a bound, never with 500, and never publish an
 * event it did not verify: the secrets are unknown to the fuzzer, so the bus must stay empty.
 * A second property signs real samples with each connector's own sign() and then tampers with
 * the body: such a request must be refused too, while the untampered one is accepted.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { IngressServer } from '../../src/ingress/ingress-server.ts';
import { loadFixture } from '../helpers/connector-request.ts';
import { openTempEmbeddedBus, silentLogger } from '../helpers/hub-fixtures.ts';
import { fuzzConnectors, TOKEN_ONLY } from './fuzz-connectors.ts';
import { fuzzRequest, type FuzzRequest } from './fuzz-requests.ts';

const ANSWER_WITHIN_MS = 5_000;
const connectors = fuzzConnectors();
let bus: EventBus;
let ingress: IngressServer;
let base = '';

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  ingress = new IngressServer({ connectors, bus, bodyLimit: 64 * 1024, logger: silentLogger });
  base = `http://127.0.0.1:${await ingress.listen(0)}`;
});

afterAll(async () => {
  await ingress.close();
  await bus.close();
});

/** Header values as an HTTP client can send them (visible ASCII and spaces). */
const printable = (value: string): string => value.replace(/[^\x20-\x7e]/g, '?');

/** Sends one request; resolves with the status, or rejects if no answer came within the bound. */
function send(req: FuzzRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, printable(v)]));
    const call = request(`${base}${req.path}`, {
      method: req.method,
      headers: { ...headers, 'content-length': req.body.length },
      agent: false,
    });
    const timer = setTimeout(() => call.destroy(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)), ANSWER_WITHIN_MS);
    call.on('response', (res) => {
      res.resume();
      res.on('end', () => {
        clearTimeout(timer);
        resolve(res.statusCode ?? 0);
      });
    });
    call.on('error', (err) => {
      clearTimeout(timer);
      // The server may close after answering 413 while the body is still being written.
      if ((err as NodeJS.ErrnoException).code === 'EPIPE' || (err as NodeJS.ErrnoException).code === 'ECONNRESET') resolve(413);
      else reject(err);
    });
    call.end(req.body);
  });
}

async function published(): Promise<number> {
  return (await bus.query({ stream: 'events', limit: 10 })).length;
}

describe('ingress fuzzing', () => {
  it('builds a fuzz configuration for every registered connector', () => {
    expect([...connectors.values()].filter((c) => !c.configured).map((c) => c.name)).toEqual([]);
  });

  it('answers random requests in time, never 202 or 500, and publishes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest([...connectors.keys()]), async (req) => {
        const status = await send(req);
        expect(status).not.toBe(202);
        expect(status).not.toBe(500);
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(600);
        expect(await published()).toBe(0);
      }),
      { numRuns: 1_000 },
    );
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
  }, 60_000);
});

describe('signed samples, then tampered', () => {
  /** Each connector's first sample, signed by its own sign() as the provider would. */
  const samples = [...connectors.values()].flatMap((instance) => {
    const [event, file] = Object.entries(instance.connector.samples)[0] ?? [];
    if (event === undefined || file === undefined) return [];
    const id = `fuzz-${instance.name}-${event}`.replace(/[^A-Za-z0-9-]/g, '-');
    const raw = loadFixture(instance.config.type, file);
    // As `hookhub trigger` does: samples carrying their own timestamp are made fresh first.
    const body = instance.connector.prepareSample?.(raw, { id, now: new Date() }) ?? raw;
    const ctx = { name: instance.name, config: instance.config, now: () => new Date() };
    const headers = instance.connector.sign(body, ctx, { id, event });
    return [{ name: instance.name, body, headers }];
  });

  it('accepts every untampered signed sample (the tamper property is not vacuous)', async () => {
    const statuses = await Promise.all(
      samples.map(async (s) => [s.name, await send({ method: 'POST', path: `/hooks/${s.name}`, headers: s.headers, body: s.body })]),
    );
    expect(statuses.filter(([, status]) => (status as number) < 200 || (status as number) > 299)).toEqual([]);
  });

  it('refuses a signed sample whose body was changed, and publishes nothing more', async () => {
    const before = (await bus.query({ stream: 'events', limit: 1_000 })).length;
    const signedBodies = samples.filter((s) => !TOKEN_ONLY.has(s.name));
    const tamper = fc.record({
      name: fc.constantFrom(...signedBodies.map((s) => s.name)),
      at: fc.nat(),
      xor: fc.integer({ min: 1, max: 255 }),
      how: fc.constantFrom('flip', 'append', 'truncate'),
    });
    await fc.assert(
      fc.asyncProperty(tamper, async ({ name, at, xor, how }) => {
        const sample = samples.find((s) => s.name === name)!;
        const body = Buffer.from(sample.body);
        // Twilio signs decoded form parameters, where a flipped byte can decode the same ('+' vs ' ', %2f vs %2F).
        const mode = how === 'flip' && sample.name === 'twilio' ? 'append' : how;
        const changed =
          mode === 'flip'
            ? (body.writeUInt8(body[at % body.length]! ^ xor, at % body.length), body)
            : mode === 'append'
              ? Buffer.concat([body, Buffer.from(`&x${at}`)])
              : body.subarray(0, at % body.length);
        const status = await send({ method: 'POST', path: `/hooks/${sample.name}`, headers: sample.headers, body: changed });
        expect({ connector: sample.name, mode, status: status >= 200 && status < 300 ? 'accepted' : 'refused' }).toEqual({
          connector: sample.name,
          mode,
          status: 'refused',
        });
      }),
      { numRuns: 500 },
    );
    expect((await bus.query({ stream: 'events', limit: 1_000 })).length).toBe(before);
  }, 60_000);
});
