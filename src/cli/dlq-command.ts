import type { Command } from 'commander';
import {
  BulkRetryStoppedError,
  listAll,
  retryAllDeadLetters,
  retryDeadLetters,
  type DeadLetterSelection,
} from '../actions/runtime/dead-letters.ts';
import { bareNumberRefusal, parseDuration } from '../shared/duration.ts';
import type { DeadLetter, EventBus } from '../bus/event-bus.ts';
import { deadLetterWithMaskedJob } from '../operations/dead-letter-ops.ts';
import { hiddenValuesOrWarn, type HiddenValues } from './hidden-values.ts';
import { formatTable } from './text-table.ts';

export interface DlqCommandDeps {
  /** Opens the configured bus (`--config` is passed through when given). The command closes it. */
  openBus: (options: { config?: string }) => Promise<EventBus>;
  /** What `list --json` masks in the letters' job params, as the event page does (loadHiddenValues). */
  loadHidden: (options: { config?: string }) => Promise<HiddenValues>;
  /** Where results go. Default: process.stdout. */
  write?: (text: string) => void;
  /** Where warnings go. Default: process.stderr. */
  warn?: (text: string) => void;
  now?: () => Date;
}

interface CommonOptions {
  config?: string;
  json?: boolean;
  since?: string;
}

/** `hookhub dlq list [--json] [--since 2h|ISO]`, `hookhub dlq retry <id> | --all [--since …]` and `hookhub dlq purge --before 30d|ISO`. */
export function registerDlqCommand(program: Command, deps: DlqCommandDeps): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const now = deps.now ?? (() => new Date());
  const dlq = program.command('dlq').description('inspect and retry dead-lettered action jobs');

  dlq
    .command('list')
    .description('list dead letters, oldest first')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--since <when>', 'only those dead-lettered since a time (ISO 8601) or for a duration (e.g. 2h, 3d)')
    .option('--json', 'print JSON')
    .action(async (opts: CommonOptions) => {
      const since = parseSince(opts.since, now);
      // Only the JSON holds the letters' jobs and their params: the table needs no rules.
      const hidden = opts.json ? await hiddenValuesOrWarn(deps.loadHidden, opts, deps.warn) : undefined;
      await withBus(deps, opts, async (bus) => {
        const letters = await listAll(bus, since);
        if (hidden === undefined) return write(formatLetters(letters));
        const shown = await Promise.all(letters.map((letter) => deadLetterWithMaskedJob(bus, letter, hidden)));
        write(`${JSON.stringify(shown, null, 2)}\n`);
      });
    });

  dlq
    .command('retry [id]')
    .description('republish dead letters to the workers, keeping their idempotency key')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--all', 'retry every dead letter (optionally only those --since a time)')
    .option('--since <when>', 'with --all: only those dead-lettered since a time (ISO 8601) or duration (2h)')
    .option('--json', 'print JSON')
    .action(async (id: string | undefined, opts: CommonOptions & { all?: boolean }) => {
      const selection = selectionOf(id, opts, now);
      await withBus(deps, opts, (bus) => retryAndReport(bus, selection, { json: opts.json === true, write, now }));
    });

  registerPurge(dlq, deps, write, now);
}

function registerPurge(dlq: Command, deps: DlqCommandDeps, write: (text: string) => void, now: () => Date): void {
  dlq
    .command('purge')
    .description('delete dead letters for good (they are kept until retried or purged)')
    .requiredOption('--before <when>', 'those dead-lettered before a time (ISO 8601) or longer ago than a duration (e.g. 30d)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'print JSON')
    .action(async (opts: CommonOptions & { before: string }) => {
      const before = parseSince(opts.before, now, '--before') as Date;
      await withBus(deps, opts, async (bus) => {
        const purged = await bus.purgeDeadLetters(before);
        write(
          opts.json
            ? `${JSON.stringify({ purged, before: before.toISOString() })}\n`
            : `purged ${purged} dead letter(s) from before ${before.toISOString()}\n`,
        );
      });
    });
}

/**
 * Retries and prints what was retried, also when an error stopped a retry of all of them part way; then
 * fails with that error, or naming the letters another retry held.
 */
async function retryAndReport(
  bus: EventBus,
  selection: DeadLetterSelection,
  out: { json: boolean; write: (text: string) => void; now: () => Date },
): Promise<void> {
  const outcome =
    'id' in selection
      ? { retried: await retryDeadLetters(bus, selection, out.now, 'cli'), busy: [] }
      : await retryAllDeadLetters(bus, selection.since, out.now, 'cli').catch((error: unknown) => {
          if (error instanceof BulkRetryStoppedError) return error;
          throw error;
        });
  const { retried, busy } = outcome instanceof BulkRetryStoppedError ? outcome.done : outcome;
  if (out.json) out.write(`${JSON.stringify(retried)}\n`);
  else out.write(`${retried.map((r) => `retried ${r.id}\n`).join('')}${retried.length} job(s) queued for delivery\n`);
  if (outcome instanceof BulkRetryStoppedError) throw new Error(outcome.message);
  if (busy.length > 0) throw new Error(notRetried(busy));
}

/** Why `retry --all` fails after retrying the rest: the letters it left, and what to do. */
function notRetried(busy: readonly string[]): string {
  const shown = busy.slice(0, 20).join(', ') + (busy.length > 20 ? `, and ${busy.length - 20} more` : '');
  return (
    `${busy.length} dead letter(s) not retried: another retry or replay held them, or had just retried them (${shown}). ` +
    'Run the command again in a minute, or see `hookhub dlq list` for those still there'
  );
}

function selectionOf(id: string | undefined, opts: CommonOptions & { all?: boolean }, now: () => Date): DeadLetterSelection {
  if (id !== undefined && opts.all) throw new Error('give either a dead letter id or --all, not both');
  if (id !== undefined) {
    if (opts.since !== undefined) throw new Error('--since only goes with --all');
    return { id };
  }
  if (!opts.all) throw new Error('give a dead letter id, or --all (see `hookhub dlq list`)');
  const since = parseSince(opts.since, now);
  return since ? { all: true, since } : { all: true };
}

/** `2h` means two hours ago; anything else must be a date. `flag` names the option in errors. */
export function parseSince(value: string | undefined, now: () => Date, flag = '--since'): Date | undefined {
  if (value === undefined) return undefined;
  const bare = bareNumberRefusal(value);
  if (bare !== undefined) throw new Error(`${flag}: ${bare}`);
  const ms = parseDuration(value);
  const date = ms !== undefined ? new Date(now().getTime() - ms) : new Date(value);
  if (!Number.isNaN(date.getTime())) return date;
  throw new Error(
    ms !== undefined
      ? `${flag}: "${value}" reaches back further than a date can`
      : `${flag}: "${value}" is neither a date (2026-01-31T12:00:00Z) nor a duration (2h)`,
  );
}

/** Opens the bus for one command and always closes it. */
export async function withBus(
  deps: Pick<DlqCommandDeps, 'openBus'>,
  opts: { config?: string },
  run: (bus: EventBus) => Promise<void>,
): Promise<void> {
  const bus = await deps.openBus(opts.config === undefined ? {} : { config: opts.config });
  try {
    await run(bus);
  } finally {
    await bus.close();
  }
}

function formatLetters(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return 'no dead letters\n';
  const rows = letters.map((l) => [l.id, l.time, l.subject, String(l.attempts.length), l.reason.replace(/\s+/g, ' ')]);
  return formatTable(['ID', 'DEAD SINCE', 'ACTION', 'ATTEMPTS', 'REASON'], rows);
}
