import { describe, expect, it } from 'vitest';
import type { HookDelivery } from '../../../src/github/deliveries-api.ts';
import { selectRedeliveries } from '../../../src/github/select-redeliveries.ts';

let id = 0;
const d = (guid: string, status_code: number, minute: number, redelivery = false): HookDelivery => ({
  id: ++id,
  guid,
  delivered_at: new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString(),
  redelivery,
  status: status_code === 0 ? 'failed to connect to host' : String(status_code),
  status_code,
  event: 'push',
  action: null,
});

describe('selectRedeliveries', () => {
  it('keeps GUIDs without any successful attempt, oldest first, once each', () => {
    const { failed } = selectRedeliveries(
      [d('b', 0, 5), d('a', 502, 1), d('a', 0, 3, true), d('ok', 202, 2), d('later-ok', 0, 1), d('later-ok', 202, 9, true)],
      3,
    );
    expect(failed.map((x) => [x.guid, x.delivered_at.slice(11, 16)])).toEqual([
      ['a', '12:03'],
      ['b', '12:05'],
    ]);
  });

  it('gives up on a GUID refused after maxRedeliveries redeliveries', () => {
    const attempts = [d('x', 413, 1), d('x', 413, 2, true), d('x', 413, 3, true)];
    expect(selectRedeliveries(attempts, 2)).toMatchObject({ failed: [], gaveUp: [{ guid: 'x' }] });
    expect(selectRedeliveries(attempts, 3).failed.map((x) => x.guid)).toEqual(['x']);
  });
});
