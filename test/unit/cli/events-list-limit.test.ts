import { Command } from 'commander';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { actions } from '../../../src/actions/index.ts';
import type { EventBus } from '../../../src/bus/event-bus.ts';
import { registerEventsCommand } from '../../../src/cli/events-command.ts';
import { createHubEvent } from '../../../src/events/hub-event.ts';
import { SEARCH_BUDGET } from '../../../src/operations/list-events.ts';
import { EMPTY_RULE_SET } from '../../../src/rules/rule-set.ts';
import { openTempEmbeddedBus } from '../../helpers/hub-fixtures.ts';
import { keepOpen } from '../../helpers/keep-open-bus.ts';

let bus: EventBus;

beforeAll(async () => {
  bus = await openTempEmbeddedBus();
  for (let start = 0; start <= SEARCH_BUDGET; start += 1_000) {
    await Promise.all(
      Array.from({ length: 1_000 }, (_, k) => {
        const event = createHubEvent({ id: `e${start + k}`, type: 'test.thing', connector: 'github', subject: 'hay', data: {} });
        return bus.publish('events', { id: event.id, subject: event.type, payload: event });
      }),
    );
  }
}, 60_000);
afterAll(() => bus.close());

async function run(...args: string[]): Promise<string> {
  let out = '';
  const program = new Command('hookhub').exitOverride();
  registerEventsCommand(program, {
    openBus: () => Promise.resolve(keepOpen(bus)),
    loadRules: () => Promise.resolve(EMPTY_RULE_SET),
    loadHidden: () => Promise.resolve({ values: new Set<string>(), warnings: [] }),
    registry: actions,
    write: (t) => void (out += t),
  });
  await program.parseAsync(['node', 'hookhub', ...args]);
  return out;
}

it('events list says when a text search stopped at its limit, and where to go on', async () => {
  const out = await run('events', 'list', '--q', 'needle');
  expect(out).toMatch(
    /^no events match\nolder: --cursor \d+ \(the search stopped at its limit, back to \S+: older events were not searched\)\n$/,
  );
  const json = JSON.parse(await run('events', 'list', '--q', 'needle', '--json')) as { searchLimited?: boolean; scanned: number };
  expect(json).toMatchObject({ searchLimited: true, scanned: SEARCH_BUDGET });
});
