import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import { RetryingBus } from '../../src/bus/retrying-bus.ts';
import { silentLogger } from '../helpers/hub-fixtures.ts';
import { ADMIN_TOKEN, bearer, startApiHub, type ApiHub } from './api-harness.ts';

describe('the operator API while the event store cannot be opened', () => {
  let hub: ApiHub;
  let bus: RetryingBus;

  beforeAll(async () => {
    // As `hookhub start` opens it: the hub runs, and keeps trying to open a store whose folder cannot exist.
    bus = new RetryingBus({ kind: 'embedded', open: () => createEmbeddedBus({ path: '/dev/null/hookhub.db' }), logger: silentLogger });
    await bus.firstAttempt;
    hub = await startApiHub({ bus });
  });
  afterAll(async () => {
    await hub?.stop();
    await bus?.close();
  });

  it.each(['/api/events', '/api/dlq', '/api/events/some-id', '/api/events/stream'])(
    'GET %s answers 503 with Retry-After and says why, not 500',
    async (path) => {
      const res = await fetch(`${hub.base}${path}`, { headers: bearer(ADMIN_TOKEN) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      expect(((await res.json()) as { error: string }).error).toMatch(/^event store unavailable: the data file cannot be written/);
    },
  );

  it('a mutation too', async () => {
    const res = await fetch(`${hub.base}/api/dlq/retry`, {
      method: 'POST',
      headers: { ...bearer(ADMIN_TOKEN), 'content-type': 'application/json' },
      body: JSON.stringify({ all: true }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });
});
