/**
 * A second hub process for the exactly-once schedule test: runs a scheduler with an every-second
 * rule on the bus given on the command line, prints each tick's outcome as a JSON line, and exits
 * when stdin closes or after the given time.
 * Usage: scheduler-child.ts embedded <file> <ms> | nats <url> <prefix> <ms>
 */
import { pino } from 'pino';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createNatsBus } from '../../src/bus/nats/nats-bus.ts';
import { createScheduler } from '../../src/scheduler/create-scheduler.ts';
import { ruleSetFrom, scheduledRule } from '../unit/scheduler/rule-sets.ts';

const [kind, target, third, fourth] = process.argv.slice(2);
const bus: EventBus =
  kind === 'nats' ? await createNatsBus({ url: target ?? '', prefix: third ?? '' }) : await createEmbeddedBus({ path: target ?? '' });
const runMs = Number(kind === 'nats' ? fourth : third);
const rules = ruleSetFrom(`rules:\n${scheduledRule('every-second', '* * * * * *')}`);
const scheduler = createScheduler({
  bus,
  getRuleSet: () => rules,
  logger: pino({ level: 'silent' }),
  onFire: (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
});
scheduler.start();
process.stdout.write('ready\n');
await new Promise((resolve) => setTimeout(resolve, runMs));
await scheduler.stop();
await bus.close();
process.stdout.write('done\n');
