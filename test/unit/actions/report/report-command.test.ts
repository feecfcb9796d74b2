import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { actions } from '../../../../src/actions/index.ts';
import { registerReportCommand, type ReportContext } from '../../../../src/cli/report-command.ts';
import { compileRuleSources } from '../../../../src/rules/compile-rule-sources.ts';
import { loadRuleSet } from '../../../../src/rules/load-rule-set.ts';
import { openFixtureBus, seedPaymentsDay, type FixtureBus } from './fixture-history.ts';
import { startFakeApi } from '../ci/fake-api.ts';
import { checkXml } from './xml-check.ts';

let f: FixtureBus;
beforeEach(async () => {
  f = await openFixtureBus();
  await seedPaymentsDay(f);
});
afterEach(async () => f.cleanup());

const run = (...args: string[]): Promise<string> => runWith({}, ...args);

/** What the last run printed, also when it failed. */
let lastOutput = '';

async function runWith(context: Partial<ReportContext>, ...args: string[]): Promise<string> {
  const loaded = await loadRuleSet('rules/scheduled-reports.yaml', { registry: actions, channels: [], connectors: ['github', 'stripe'] });
  let out = '';
  lastOutput = '';
  const program = new Command('hookhub').exitOverride();
  registerReportCommand(program, {
    open: () => Promise.resolve({ bus: f.bus, ruleSet: loaded.ruleSet, channels: {}, fetch, close: () => Promise.resolve(), ...context }),
    write: (text) => {
      out += text;
      lastOutput = out;
    },
    now: () => new Date('2026-11-30T07:00:00Z'),
  });
  await program.parseAsync(['node', 'hookhub', 'report', 'run', ...args]);
  return out;
}

describe('hookhub report run', () => {
  it("renders the rule's report over its own window ending now", async () => {
    const out = await run('daily-payments-summary');
    expect(out).toContain('## Succeeded: 4');
    expect(out).toContain('| USD | 2 | $24.99 |');
  });

  it('--since widens the window (a duration back from --until, or an ISO time)', async () => {
    const out = await run('daily-payments-summary', '--since', '48h', '--until', '2026-11-30T07:00:00Z');
    expect(out).toContain('## Succeeded: 5');
    expect(out).toContain('| USD | 3 | $1,024.98 |');
    expect(await run('daily-payments-summary', '--since', '2026-11-30T00:00:00Z')).toContain('## Succeeded: 1');
  });

  it('--format html prints the page; --out writes md, html and svg', async () => {
    const dir = join(f.dir, 'out');
    const out = await run('daily-payments-summary', '--format', 'html', '--out', dir);
    expect(checkXml(out.slice(0, out.indexOf('</html>') + 7), { html: true }).problems).toEqual([]);
    const files = (await readdir(join(dir, 'daily-payments-summary'))).sort();
    expect(files).toEqual(['2026-11-30T07-00-00Z.html', '2026-11-30T07-00-00Z.md', '2026-11-30T07-00-00Z.svg']);
    expect(await readFile(join(dir, 'daily-payments-summary', files[1]!), 'utf8')).toContain('Failure rate: 20.0%');
  });

  it('--deliver posts the chat text to the report channel and says so', async () => {
    const shipped = await readFile('rules/scheduled-reports.yaml', 'utf8');
    const text = shipped.replace('template: daily-payments-summary', 'template: daily-payments-summary\n          channel: payments');
    const loaded = compileRuleSources([{ file: 'rules/scheduled-reports.yaml', text }], {
      registry: actions,
      channels: ['payments'],
      connectors: ['github', 'stripe'],
    });
    const sink = await startFakeApi(() => ({ status: 200, body: 'ok' }));
    try {
      const channels = { payments: { type: 'slack', url: `${sink.url}/hook` } };
      const out = await runWith({ ruleSet: loaded.ruleSet, channels }, 'daily-payments-summary', '--deliver');
      expect(out).toContain('delivered to payments (200)');
      expect((JSON.parse(sink.requests[0]!.body) as { text: string }).text).toContain('Succeeded: 4');
    } finally {
      await sink.close();
    }
  });

  it('--deliver that fails still prints the report and what was written, then fails naming the channel', async () => {
    const shipped = await readFile('rules/scheduled-reports.yaml', 'utf8');
    const text = shipped.replace('template: daily-payments-summary', 'template: daily-payments-summary\n          channel: payments');
    const loaded = compileRuleSources([{ file: 'rules/scheduled-reports.yaml', text }], {
      registry: actions,
      channels: ['payments'],
      connectors: ['github', 'stripe'],
    });
    const sink = await startFakeApi(() => ({ status: 500, body: 'down' }));
    const dir = join(f.dir, 'out');
    const channels = { payments: { type: 'slack', url: `${sink.url}/hook` } };
    const error = await runWith({ ruleSet: loaded.ruleSet, channels }, 'daily-payments-summary', '--deliver', '--out', dir)
      .catch((e: unknown) => e)
      .finally(() => sink.close());
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^--deliver: the report above was not delivered to payments: .*500/);
    const out = lastOutput;
    expect(out).toContain('## Succeeded: 4');
    expect(out).toMatch(/^wrote .*2026-11-30T07-00-00Z\.md$/m);
    expect(out).not.toContain('delivered to');
  });

  it('names the rules that have reports when the rule is unknown', async () => {
    await expect(run('nope')).rejects.toThrow(
      'no rule "nope" with a report action; rules with reports: weekly-engineering-digest, daily-payments-summary',
    );
  });
});
