import { createHook } from 'node:async_hooks';
import { getEventListeners, once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { boundedFetch } from '../../../src/github/bounded-fetch.ts';
import { createGithubClient } from '../../../src/github/github-client.ts';
import { eventually, silentLogger } from '../../helpers/hub-fixtures.ts';

/** A bound no other timer in the process uses, so the test can tell this file's timers apart. */
const TIMEOUT_MS = 987_654;
const CALLS = 30;

let server: Server;
let base: string;
/** Timers set with TIMEOUT_MS that are neither cleared nor fired, by async id. */
const liveTimers = new Set<number>();
const timerHook = createHook({
  init(id, type, _trigger, resource) {
    if (type === 'Timeout' && (resource as { _idleTimeout?: number })._idleTimeout === TIMEOUT_MS) liveTimers.add(id);
  },
  destroy: (id) => void liveTimers.delete(id),
});
const warnings: string[] = [];
const onWarning = (warning: Error) => void warnings.push(`${warning.name}: ${warning.message}`);

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/cut') {
      // Headers and half a body, then the connection drops.
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"half":');
      setImmediate(() => res.destroy());
      return;
    }
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"never":');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  liveTimers.clear();
  warnings.length = 0;
  timerHook.enable();
  process.on('warning', onWarning);
});
afterEach(() => {
  timerHook.disable();
  process.off('warning', onWarning);
});

/** No listener left on `signal`, no bound's timer alive, and Node never warned about a listener leak. */
async function expectNothingLeft(signal: AbortSignal): Promise<void> {
  expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  // Timer destroy hooks run on a later turn of the event loop.
  await eventually(() => liveTimers.size === 0, 5_000, 'every bound timer gone');
  expect(warnings.filter((w) => w.includes('MaxListenersExceeded'))).toEqual([]);
}

describe('boundedFetch with one long-lived caller signal', () => {
  it('leaves no listener and no timer behind after many calls whose bodies were read', async () => {
    const stop = new AbortController();
    const bounded = boundedFetch(fetch, TIMEOUT_MS);
    for (let i = 0; i < CALLS; i++) {
      const res = await bounded(`${base}/repos/${i}`, { signal: stop.signal });
      expect(await res.json()).toEqual({ path: `/repos/${i}` });
      expect(res.url).toBe(`${base}/repos/${i}`);
    }
    await expectNothingLeft(stop.signal);
  });

  it('through the GitHub client, as the sync calls it', async () => {
    const stop = new AbortController();
    const client = createGithubClient({ apiUrl: base, auth: { token: 'ghp_test' }, logger: silentLogger, requestTimeoutMs: TIMEOUT_MS });
    for (let i = 0; i < CALLS; i++) {
      const { data, url } = await client.request('GET /repos/{owner}/{repo}', {
        owner: 'acme',
        repo: `r${i}`,
        request: { signal: stop.signal },
      });
      expect(data).toEqual({ path: `/repos/acme/r${i}` });
      expect(url).toBe(`${base}/repos/acme/r${i}`);
    }
    await expectNothingLeft(stop.signal);
  });

  it('lets go when a body breaks off, and when a call fails before any answer', async () => {
    const stop = new AbortController();
    const bounded = boundedFetch(fetch, TIMEOUT_MS);
    for (let i = 0; i < CALLS; i++) {
      const res = await bounded(`${base}/cut`, { signal: stop.signal });
      await expect(res.text()).rejects.toThrow();
      await expect(bounded('http://127.0.0.1:1/refused', { signal: stop.signal })).rejects.toThrow();
    }
    await expectNothingLeft(stop.signal);
  });
});

describe('boundedFetch still bounds headers and body', () => {
  it('ends a body that never finishes with a TimeoutError, and the caller can still stop a call', async () => {
    const bounded = boundedFetch(fetch, 200);
    const stalled = await bounded(`${base}/stall`);
    await expect(stalled.text()).rejects.toMatchObject({ name: 'TimeoutError' });
    const stop = new AbortController();
    const held = await boundedFetch(fetch, TIMEOUT_MS)(`${base}/stall`, { signal: stop.signal });
    const reading = held.text();
    stop.abort(new Error('sync stopped'));
    await expect(reading).rejects.toThrow('sync stopped');
    await expectNothingLeft(stop.signal);
  });
});
