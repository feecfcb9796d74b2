/**
 * The whole scheduled-report path on a real bus: cron tick → hookhub.schedule.<rule> event →
 * rule router → report job → delivery worker → report files, with the numbers from history.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { actions } from '../../src/actions/index.ts';
import { createDeliveryWorker } from '../../src/actions/runtime/delivery-worker.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import { createHubEvent } from '../../src/events/hub-event.ts';
import { createRuleRouter } from '../../src/rules/rule-router.ts';
import { createScheduler } from '../../src/scheduler/create-scheduler.ts';
import { eventually } from '../contract/bus-contract-helpers.ts';
import { ruleSetFrom } from '../unit/scheduler/rule-sets.ts';

describe('scheduled report end to end', () => {
  it('a cron tick produces a report file with the counts of the events in its window', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookhub-sched-report-'));
    const bus = await createEmbeddedBus({ path: join(dir, 'hub.db') });
    const logger = pino({ level: 'silent' });
    const out = join(dir, 'reports');
    const rules = ruleSetFrom(`rules:
  - name: pushes
    schedule: "*/2 * * * * *"
    do:
      - report:
          title: "Pushes"
          template: weekly-engineering-digest
          window: 1h
          on: github.push
          metrics:
            top_repos: { groupBy: data.repository.full_name }
          output: ${JSON.stringify(out)}
`);
    for (const [i, repo] of ['acme/api', 'acme/api', 'acme/web'].entries()) {
      const event = createHubEvent({
        id: `push-${i}`,
        type: 'github.push',
        connector: 'github',
        data: { repository: { full_name: repo } },
      });
      await bus.publish('events', { id: event.id, subject: event.type, payload: event });
    }
    const now = () => new Date();
    const router = createRuleRouter({ bus, getRuleSet: () => rules, registry: actions, logger, now });
    const worker = createDeliveryWorker({
      bus,
      registry: actions,
      channels: {},
      logger,
      now,
      options: { retry: { schedule: [200], jitter: 0 } },
    });
    const scheduler = createScheduler({ bus, getRuleSet: () => rules, logger });
    router.start();
    worker.start();
    scheduler.start();
    try {
      // The first tick may be the catch-up of the tick just before the events were stored (its window
      // ends there); the next ones include them.
      const latest = async () => {
        const files = (await readdir(join(out, 'pushes')).catch(() => [])).filter((f) => f.endsWith('.md')).sort();
        return files.length === 0 ? '' : readFile(join(out, 'pushes', files[files.length - 1]!), 'utf8');
      };
      await eventually(async () => (await latest()).includes('_3 events in total'), 'a report with the three pushes', 15_000);
      expect(await latest()).toContain('| acme/api | 2 |\n| acme/web | 1 |');
      const attempts = async () => {
        const jobs = await bus.query<{ id: string }>({ stream: 'jobs', subject: 'report' });
        const records = await Promise.all(jobs.map(async (j) => (await bus.records(j.id)).filter((r) => r.kind === 'attempt')));
        return records.flat().map((r) => r.data);
      };
      // The file is written during the attempt; the attempt's record follows once it has returned.
      await eventually(async () => (await attempts()).some((a) => /^3 events .*; wrote /.test(String(a.response))), 'the attempt record');
      const responses = await attempts();
      expect(responses.every((a) => a.outcome === 'success')).toBe(true);
      expect(responses.some((a) => /^3 events .*; wrote /.test(String(a.response)))).toBe(true);
    } finally {
      await scheduler.stop();
      await router.stop();
      await worker.stop();
      await bus.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
