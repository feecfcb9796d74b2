/** The bus contract suite against the embedded (SQLite) backend, on a fresh temp file per test. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedBus } from '../../src/bus/embedded/embedded-bus.ts';
import { describeBusContract } from './bus-contract.ts';
import { RETENTION_MS } from './bus-contract-helpers.ts';

describeBusContract(
  'embedded',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hookhub-embedded-'));
    const path = join(dir, 'data', 'hookhub.db');
    let bus = await createEmbeddedBus({ path, retentionMs: RETENTION_MS });
    return {
      bus,
      reopen: async () => {
        await bus.close();
        bus = await createEmbeddedBus({ path, retentionMs: RETENTION_MS });
        return bus;
      },
      sweep: async () => void (await bus.prune()),
      cleanup: async () => {
        await bus.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { restart: true },
);
