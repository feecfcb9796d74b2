/**
 * The single contract suite every EventBus backend passes (DESIGN §2).
 *
 * Usage, from a backend's `*.test.ts`:
 *   describeBusContract('embedded', async () => ({ bus, reopen, cleanup }));
 *
 * `makeBus` runs before every test and must return an isolated bus with empty streams;
 * `cleanup` runs after it (close the bus, remove storage). Only the EventBus interface is used.
 * Pass `{ restart: true }` to also check that data, dedup and unacked leases survive
 * `reopen()` (which the harness must then supply).
 */
import { afterEach, beforeEach, describe } from 'vitest';
import { createPumpTracker, type BusHarness, type MakeBus, type PumpTracker } from './bus-contract-helpers.ts';
import { publishCases } from './bus-contract-publish.ts';
import { consumeCases } from './bus-contract-consume.ts';
import { redeliveryCases } from './bus-contract-redelivery.ts';
import { historyCases } from './bus-contract-history.ts';
import { headCases } from './bus-contract-heads.ts';
import { countCases } from './bus-contract-counts.ts';
import { rangeCases } from './bus-contract-ranges.ts';
import { pendingCases } from './bus-contract-pending.ts';
import { restartCases } from './bus-contract-restart.ts';
import { retryCases } from './bus-contract-retry.ts';

export type { BusHarness, MakeBus } from './bus-contract-helpers.ts';

/** What each group of cases gets: the current harness and a pump tracker, both fresh per test. */
export interface ContractContext {
  harness(): BusHarness;
  pumps(): PumpTracker;
}

export interface BusContractOptions {
  /** Register the restart cases (requires `reopen`). */
  restart?: boolean;
}

export function describeBusContract(name: string, makeBus: MakeBus, options: BusContractOptions = {}): void {
  describe(`EventBus contract: ${name}`, () => {
    let current: BusHarness | undefined;
    let tracker: PumpTracker | undefined;
    const ctx: ContractContext = {
      harness: () => required(current, 'harness'),
      pumps: () => required(tracker, 'pump tracker'),
    };
    beforeEach(async () => {
      tracker = createPumpTracker();
      current = await makeBus();
    });
    afterEach(async () => {
      await tracker?.stopAll();
      await current?.cleanup();
      current = undefined;
    });
    publishCases(ctx);
    consumeCases(ctx);
    redeliveryCases(ctx);
    historyCases(ctx);
    headCases(ctx);
    countCases(ctx);
    rangeCases(ctx);
    retryCases(ctx);
    pendingCases(ctx);
    if (options.restart) restartCases(ctx);
  });
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`bus contract: no ${what} (makeBus failed?)`);
  return value;
}
