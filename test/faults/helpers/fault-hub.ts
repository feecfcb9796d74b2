/** A hub child process for one fault scenario: fixed port and config, so it can be killed and started again. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHubConfig, type HubConfigSpec } from '../../../bench/lib/hub-config.ts';
import { startHubProcess, type NodeProcess, type SpawnOptions } from '../../../bench/lib/hub-process.ts';
import { freePort } from '../../../bench/lib/run-child.ts';

export interface FaultHub {
  readonly url: string;
  readonly configFile: string;
  /** The running process (throws when none). */
  process(): NodeProcess;
  start(): Promise<NodeProcess>;
  /** kill -9 (or another signal); resolves once it exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function faultDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hookhub-fault-${prefix}-`));
}

export async function createFaultHub(
  spec: Omit<HubConfigSpec, 'port'>,
  spawn: Omit<SpawnOptions, 'readyTimeoutMs'> = {},
): Promise<FaultHub> {
  const port = await freePort();
  const configFile = writeHubConfig({ ...spec, port });
  let current: NodeProcess | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    configFile,
    process() {
      if (!current) throw new Error('hub is not running');
      return current;
    },
    async start() {
      current = await startHubProcess(configFile, port, spawn);
      return current;
    },
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      const proc = current;
      current = undefined;
      await proc?.kill(signal);
    },
  };
}

/** Stops every hub (SIGTERM) whatever happened in the test. */
export async function stopAll(hubs: readonly FaultHub[]): Promise<void> {
  await Promise.all(hubs.map((h) => h.kill('SIGTERM').catch(() => undefined)));
}
