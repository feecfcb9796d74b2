import { describe, expect, it } from 'vitest';
import { summarizeHistory } from '../../../../src/actions/runtime/attempt-history.ts';
import type { HistoryRecord } from '../../../../src/bus/event-bus.ts';

const rec = (kind: string, data: Record<string, unknown> = {}): HistoryRecord => ({ ref: 'j', kind, time: '2026-01-01T00:00:00Z', data });

describe('summarizeHistory', () => {
  it('counts attempts of the current cycle; a replay starts a new one but the dead letter keeps them all', () => {
    const history = summarizeHistory([
      rec('attempt', { attempt: 1, outcome: 'retry' }),
      rec('attempt', { attempt: 2, outcome: 'failed' }),
      rec('dead-letter'),
      rec('replay'),
      rec('attempt', { attempt: 1, outcome: 'retry' }),
    ]);
    expect(history).toMatchObject({ succeeded: false, deadLettered: false, replayed: true });
    expect(history.attempts).toHaveLength(1);
    expect(history.allAttempts).toHaveLength(3);
  });

  it('a success in any cycle means never again; a dead letter without replay is settled', () => {
    expect(summarizeHistory([rec('attempt', { outcome: 'success' }), rec('replay')]).succeeded).toBe(true);
    expect(summarizeHistory([rec('attempt', { outcome: 'failed' }), rec('dead-letter')]).deadLettered).toBe(true);
    expect(summarizeHistory([rec('rule', { matched: true })])).toMatchObject({ attempts: [], succeeded: false });
  });
});
