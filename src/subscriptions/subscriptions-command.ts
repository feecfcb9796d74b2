import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { formatTable } from '../cli/text-table.ts';
import { describeSubscription } from './commands/describe.ts';
import { originOf } from './compile/compile-subscription.ts';
import type { OpenedSubscriptions } from './open-subscriptions.ts';
import { createSubscriptionStore } from './subscription-store.ts';
import { exportSubscriptionsYaml } from './compile/subscription-rules.ts';

export interface SubscriptionsCommandDeps {
  /** Loads hookhub.yaml and opens its bus (undefined: no data yet). The command closes the bus. */
  open: (options: { config?: string }) => Promise<OpenedSubscriptions | undefined>;
  write?: (text: string) => void;
}

interface Options {
  config?: string;
  json?: boolean;
  output?: string;
}

type SubscriptionStore = ReturnType<typeof createSubscriptionStore>;
type WithStore = <T>(opts: Options, run: (store: SubscriptionStore) => Promise<T>) => Promise<T | undefined>;

/** `hookhub subscriptions list [--json]`, `export [-o file]` and `remove <id>`. */
export function registerSubscriptionsCommand(program: Command, deps: SubscriptionsCommandDeps): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const withStore = storeRunner(deps);
  const subs = program.command('subscriptions').description('chat subscriptions made with /hookhub subscribe');
  registerList(subs, withStore, write);
  registerExport(subs, withStore, write);
  registerRemove(subs, withStore, write);
}

/** Runs a command on the store of the opened bus (an empty one when there is no data yet), then closes the bus. */
function storeRunner(deps: SubscriptionsCommandDeps): WithStore {
  return async <T>(opts: Options, run: (store: SubscriptionStore) => Promise<T>): Promise<T | undefined> => {
    const opened = await deps.open(opts.config === undefined ? {} : { config: opts.config });
    if (!opened)
      return run({
        list: () => Promise.resolve([]),
        get: () => Promise.resolve(undefined),
        inChannel: () => Promise.resolve([]),
        put: () => Promise.resolve(undefined),
        update: () => Promise.resolve(undefined),
        delete: () => Promise.resolve(undefined),
      });
    try {
      return await run(createSubscriptionStore(opened.bus));
    } finally {
      await opened.bus.close();
    }
  };
}

function registerList(subs: Command, withStore: WithStore, write: (text: string) => void): void {
  subs
    .command('list')
    .description('every subscription, with its channel and origin')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'print JSON')
    .action((opts: Options) =>
      withStore(opts, async (store) => {
        const all = await store.list();
        if (opts.json) return write(`${JSON.stringify(all, null, 2)}\n`);
        write(
          formatTable(
            ['ID', 'SUBSCRIPTION', 'ORIGIN'],
            all.map((s) => [s.id, describeSubscription(s), originOf(s)]),
          ),
        );
        write(`${all.length} subscription(s)\n`);
      }),
    );
}

function registerExport(subs: Command, withStore: WithStore, write: (text: string) => void): void {
  subs
    .command('export')
    .description('write the subscriptions as a YAML rules file (to keep them in git)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((opts: Options) =>
      withStore(opts, async (store) => {
        const yaml = exportSubscriptionsYaml(await store.list());
        if (opts.output) await writeFile(opts.output, yaml);
        else write(yaml);
      }),
    );
}

function registerRemove(subs: Command, withStore: WithStore, write: (text: string) => void): void {
  subs
    .command('remove <id>')
    .description('delete a subscription (as /hookhub unsubscribe would)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .action((id: string, opts: Options) =>
      withStore(opts, async (store) => {
        const sub = await store.get(id);
        if (!sub) throw new Error(`no subscription with id ${id} (see hookhub subscriptions list)`);
        await store.delete(id);
        write(`removed ${id}: ${describeSubscription(sub)}\n`);
      }),
    );
}
