import { describe, expect, it } from 'vitest';
import { recordThroughOutage, type OutageRetry } from '../../../../src/actions/runtime/record-through-outage.ts';
import { NatsUnavailableError } from '../../../../src/bus/nats/nats-unavailable-error.ts';

/** What nats.js throws for a write to a stream that has no leader (no responders). */
const noLeader = (): Error => Object.assign(new Error('jetstream is not enabled: no responders'), { name: 'JetStreamNotEnabled' });

function retry(withinMs: number, signal = new AbortController().signal) {
  const calls = { keepAlive: 0, warnings: 0 };
  const options: OutageRetry = {
    withinMs,
    stopSignal: signal,
    keepAlive: () => ((calls.keepAlive += 1), Promise.resolve()),
    log: { warn: () => void (calls.warnings += 1) },
  };
  return { options, calls };
}

/** A write that fails with `errors` in turn, then succeeds; counts its calls. */
function writer(...errors: Error[]) {
  const state = { calls: 0 };
  const write = (): Promise<void> => {
    const error = errors[state.calls++];
    return error ? Promise.reject(error) : Promise.resolve();
  };
  return { write, state };
}

describe('recordThroughOutage', () => {
  it('writes again while the bus cannot be reached, keeping the job held, and says so once', async () => {
    const { write, state } = writer(noLeader(), new NatsUnavailableError('not confirmed'), noLeader());
    const { options, calls } = retry(10_000);
    await recordThroughOutage(write, options);
    expect(state.calls).toBe(4);
    expect(calls).toEqual({ keepAlive: 3, warnings: 1 });
  });

  it('throws at once when the record itself fails', async () => {
    const broken = new TypeError('Converting circular structure to JSON');
    const { write, state } = writer(broken);
    await expect(recordThroughOutage(write, retry(10_000).options)).rejects.toBe(broken);
    expect(state.calls).toBe(1);
  });

  it('gives up with the last error once the outage outlasts withinMs', async () => {
    const { write, state } = writer(...Array.from({ length: 50 }, noLeader));
    await expect(recordThroughOutage(write, retry(700).options)).rejects.toThrow('no responders');
    // The first pause (250 ms) fits in 700 ms; the second (500 ms) would end past it.
    expect(state.calls).toBe(2);
  });

  it('gives up when the worker stops hard', async () => {
    const stop = new AbortController();
    const { write, state } = writer(...Array.from({ length: 50 }, noLeader));
    const { options } = retry(60_000, stop.signal);
    // Stopped during the first pause: the write is tried once more, then given up.
    const keepAlive = options.keepAlive;
    options.keepAlive = () => (stop.abort(), keepAlive());
    await expect(recordThroughOutage(write, options)).rejects.toThrow('no responders');
    expect(state.calls).toBe(2);
  });
});
