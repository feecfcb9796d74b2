/** The bus contract suite against the embedded (SQLite) backend, on a fresh temp file per test. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventBus } from '../../src/bus/event-bus.ts';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import { describeBusContract } from './bus-contract.ts';

describeBusContract(
  'embedded',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookhub-embedded-'));
    const path = join(dir, 'data', 'hookhub.db');
    let bus: EventBus = await createEmbeddedBus({ path });
    return {
      bus,
      reopen: async () => {
        await bus.close();
        bus = await createEmbeddedBus({ path });
        return bus;
      },
      cleanup: async () => {
        await bus.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { restart: true },
);
