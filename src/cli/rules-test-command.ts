import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createHubEvent, type HubEvent } from '../events/hub-event.ts';
import { dryRun, formatDryRun } from '../rules/dry-run.ts';
import { sampleEvents } from '../rules/sample-event.ts';
import type { CommonOptions, RulesCli, RulesCommandContext } from './rules-command.ts';

type TestOptions = CommonOptions & { event?: string; sample?: string; type?: string; connector?: string };

/** Registers `hookhub rules test`: a dry run of the loaded rules against one event or a connector sample. */
export function registerRulesTest(rules: Command, cli: RulesCli) {
  rules
    .command('test')
    .description('dry run: which rules an event matches, why near misses did not, and the rendered actions; sends nothing')
    .option('-e, --event <file>', 'a HubEvent (CloudEvents JSON) file, or - for stdin; with --sample or --type, a raw provider payload')
    .option(
      '-s, --sample <connector:event>',
      "run a provider payload through the connector as at ingress (e.g. github:pull_request); without --event, the connector's bundled sample",
    )
    .option('-t, --type <type>', 'wrap the --event file as a raw payload with this event type (no connector normalization)')
    .option('--connector <name>', 'connector name for --type (default: the first segment of the type)')
    .option('-r, --rules <dir>', 'rules folder or file (default: from hookhub.yaml)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'machine-readable output')
    .action(async (opts: TestOptions) => {
      if (!opts.event && !opts.sample) throw new Error('rules test needs --event <file|-> or --sample <connector:event>');
      const { result, ctx } = await cli.load(opts);
      if (!cli.report(result)) return;
      const events = await readEvents(opts, ctx, cli);
      const runs = events.map((event) => dryRun(result.ruleSet, event, { registry: ctx.registry, now: cli.now }));
      if (opts.json) cli.out.write(`${JSON.stringify(runs.length === 1 ? runs[0] : runs, null, 2)}\n`);
      else cli.out.write(runs.map(formatDryRun).join('\n'));
      if (runs.some((run) => run.matched.some((m) => m.errors.length > 0))) cli.fail(1);
    });
}

async function readEvents(opts: TestOptions, ctx: RulesCommandContext, cli: RulesCli): Promise<HubEvent[]> {
  const text =
    opts.event === undefined
      ? undefined
      : opts.event === '-'
        ? await (cli.deps.readStdin ?? readProcessStdin)()
        : await readFile(opts.event, 'utf8');
  if (opts.sample) {
    if (!ctx.connectorConfigs) throw new Error('--sample needs the connectors of hookhub.yaml, which this command was not given');
    const body = text === undefined ? undefined : Buffer.from(text);
    return sampleEvents({ spec: opts.sample, connectors: ctx.connectorConfigs, now: cli.now, ...(body ? { body } : {}) });
  }
  return [parseEvent(text ?? '', { ...opts, event: opts.event ?? '-' }, cli.now())];
}

/** A HubEvent as stored by hookhub, or (with --type) a raw provider payload wrapped into one. */
function parseEvent(text: string, opts: { type?: string; connector?: string; event: string }, now: Date): HubEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${opts.event}: not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (opts.type) {
    const connector = opts.connector ?? opts.type.split('.')[0] ?? 'test';
    return createHubEvent({ id: 'dry-run', type: opts.type, connector, data: value }, now);
  }
  const event = storedEvent(value);
  if (!event || typeof event !== 'object' || typeof event.type !== 'string' || typeof event.id !== 'string') {
    throw new Error(
      `${opts.event}: not a HubEvent (CloudEvents JSON with id, type, connector, data); save a stored one with ` +
        '`hookhub events show <id> --json > event.json`, or for a raw provider payload pass --type <event type>',
    );
  }
  return { ...event, connector: event.connector ?? event.source?.replace('/connectors/', '') ?? '' } as HubEvent;
}

/** The event itself, or the one `hookhub events show <id> --json` holds under `event`: how a real one is saved. */
function storedEvent(value: unknown): Partial<HubEvent> | null {
  const shown = value as { summary?: unknown; event?: unknown } | null;
  if (shown && typeof shown === 'object' && shown.summary && shown.event && typeof shown.event === 'object') return shown.event;
  return value as Partial<HubEvent> | null;
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
