import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/api/http-kit.ts';
import { createRulesRunner } from '../../../src/api/rules-off-loop.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import type { RulesTask } from '../../../src/operations/rules-task.ts';

const context = { channels: ['eng'], connectors: ['github'], connectorTypes: { github: 'github' } };
const validate: RulesTask = { kind: 'validate', yaml: 'rules: []\n', context };

describe('rules checks in a worker thread', () => {
  it('refuses a check while the slots are taken, before building its task (a backtest reads its events then)', async () => {
    const runRules = createRulesRunner({ maxConcurrent: 2, limitMs: 30_000 });
    const gates: (() => void)[] = [];
    const held = [0, 1].map(() => runRules(() => new Promise<RulesTask>((resolve) => gates.push(() => resolve(validate)))));
    let built = false;
    const refused = runRules(() => {
      built = true;
      return Promise.resolve(validate);
    });
    await expect(refused).rejects.toMatchObject({ status: 503 });
    expect(built).toBe(false);
    for (const open of gates) open();
    for (const answer of await Promise.all(held)) expect(answer).toMatchObject({ ok: true });
  }, 60_000);

  it('answers 422, not an internal error, when the worker runs out of heap', async () => {
    const runRules = createRulesRunner({ heapLimitMb: 64, limitMs: 30_000 });
    const payload = createHubEvent({ id: 'e', type: 'acme.blob', connector: 'github', data: { filler: 'x'.repeat(8 << 20) } });
    const big = JSON.stringify({ id: 'e', subject: 'acme.blob', seq: 1, time: payload.time, payload });
    const task: RulesTask = {
      kind: 'backtest',
      yaml: 'rules:\n  - name: r\n    on: ["**"]\n    do:\n      - notify: { channel: eng, text: "{{json data}}{{json data}}" }\n',
      context,
      events: Array.from({ length: 24 }, () => big),
      sizeLimited: false,
      now: new Date(0).toISOString(),
    };
    const failure = await runRules(task).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 422, message: expect.stringMatching(/more than a check may hold in memory/) as unknown });
  }, 60_000);

  it("counts the time limit from when the worker has loaded, not while it loads the rules engine (the hub's own start-up)", async () => {
    // Loading tsx and the rules engine in a new thread takes longer than this everywhere; checking `rules: []` does not.
    const limitMs = 250;
    const runRules = createRulesRunner({ limitMs });
    const started = performance.now();
    await expect(runRules(validate)).resolves.toMatchObject({ ok: true });
    expect(performance.now() - started).toBeGreaterThan(limitMs);
  }, 60_000);
});
