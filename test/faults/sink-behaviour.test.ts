/**
 * A sink that answers slowly (past the attempt timeout), with errors, or by resetting the
 * connection: each job is retried until it succeeds and never attempted again after a 2xx;
 * a sink that always fails gets exactly the configured attempts and the job is dead-lettered.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sinkRule, type BusChoice } from '../../bench/lib/hub-config.ts';
import { eventually } from '../helpers/hub-fixtures.ts';
import { startCountingSink, type SinkAnswer } from './helpers/counting-sink.ts';
import { sinkKey } from './helpers/delivery-checks.ts';
import { createFaultHub, faultDir, stopAll } from './helpers/fault-hub.ts';
import { openBus } from './helpers/stored-events.ts';
import { sendAll } from './helpers/webhook-load.ts';

/** Attempts each kind of id needs before its 2xx, and how the sink fails the ones before. */
const SCRIPT: Record<string, { attempts: number; fail: SinkAnswer }> = {
  slow: { attempts: 2, fail: { delayMs: 3_000 } },
  error: { attempts: 3, fail: 'error' },
  reset: { attempts: 2, fail: 'reset' },
};
const RETRIES = 3;

function answer(key: string, attempt: number): SinkAnswer {
  const kind = key.split('-')[0] ?? '';
  if (kind === 'dead') return 'error';
  const script = SCRIPT[kind];
  return script && attempt < script.attempts ? script.fail : 'ok';
}

describe('a misbehaving sink', () => {
  it('is retried to success without repeats, and a hopeless one is dead-lettered after the configured attempts', async () => {
    const sink = await startCountingSink(answer);
    const dir = faultDir('sink');
    const bus: BusChoice = { type: 'embedded', path: join(dir, 'hookhub.db') };
    const policy = { timeout: '1s', retry: { schedule: Array(RETRIES).fill('300ms'), jitter: 0 }, circuitBreaker: { failures: 1_000 } };
    const hub = await createFaultHub({ dir, bus, rules: { 'sink.yaml': sinkRule(sink.url, policy) }, allowlist: ['127.0.0.1'] });
    try {
      await hub.start();
      const run = randomUUID().slice(0, 8);
      const ids = ['slow', 'error', 'reset', 'dead'].flatMap((kind) => [0, 1, 2].map((i) => `${kind}-${run}-${i}`));
      const answers = await sendAll(hub.url, ids, 4);
      expect(answers.map((a) => a.outcome)).toEqual(ids.map(() => 202));

      const settled = (): boolean =>
        ids.every((id) => (id.startsWith('dead') ? sink.received.get(sinkKey(id)) === RETRIES + 1 : sink.effects.has(sinkKey(id))));
      await eventually(settled, 60_000, 'every job to succeed or use up its attempts');
      await new Promise((r) => setTimeout(r, 2_000));
      for (const id of ids) {
        const kind = id.split('-')[0] ?? '';
        const expected = kind === 'dead' ? RETRIES + 1 : SCRIPT[kind]!.attempts;
        expect({ id, attempts: sink.received.get(sinkKey(id)) }).toEqual({ id, attempts: expected });
      }
      expect(ids.filter((id) => id.startsWith('dead')).some((id) => sink.effects.has(sinkKey(id)))).toBe(false);

      await hub.kill('SIGTERM');
      const store = await openBus(bus);
      try {
        const dead = (await store.deadLetters()).map((d) => d.id).sort();
        expect(dead).toEqual(
          ids
            .filter((id) => id.startsWith('dead'))
            .map(sinkKey)
            .sort(),
        );
      } finally {
        await store.close();
      }
    } finally {
      await stopAll([hub]);
      await sink.close();
    }
  }, 120_000);
});
