import { describe, expect, it } from 'vitest';
import { REPEAT_WINDOW_MS, waitForShutdownSignal } from '../../../src/cli/shutdown-signals.ts';

/** Signals sent by hand, a clock moved by hand, and what the process was told. */
function harness() {
  const listeners = new Map<NodeJS.Signals, ((signal: NodeJS.Signals) => void)[]>();
  let time = 0;
  const warnings: string[] = [];
  const exits: number[] = [];
  const done = waitForShutdownSignal({
    on: (signal, listener) => listeners.set(signal, [...(listeners.get(signal) ?? []), listener]),
    now: () => time,
    warn: (message) => warnings.push(message),
    exit: (code) => exits.push(code),
  });
  const send = (signal: NodeJS.Signals) => listeners.get(signal)?.forEach((listener) => listener(signal));
  return { done, send, advance: (ms: number) => (time += ms), warnings, exits };
}

describe('the signals that stop hookhub start', () => {
  it('start the shutdown at the first, and take the copy npm passes on moments later as the same request', async () => {
    const h = harness();
    h.send('SIGINT');
    h.advance(5);
    h.send('SIGINT');
    await expect(h.done).resolves.toBe('SIGINT');
    expect(h.exits).toEqual([]);
    expect(h.warnings).toEqual([]);
  });

  it('end the process when one comes again later, with the code a shell gives that signal', async () => {
    const h = harness();
    h.send('SIGTERM');
    await h.done;
    h.advance(REPEAT_WINDOW_MS);
    h.send('SIGTERM');
    expect(h.exits).toEqual([143]);
    h.send('SIGINT');
    expect(h.exits).toEqual([143, 130]);
    expect(h.warnings[0]).toBe('SIGTERM again while shutting down: exiting now, without waiting for the shutdown to finish');
  });
});
