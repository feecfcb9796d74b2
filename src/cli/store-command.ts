import { existsSync, statSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { PAGE_SIZE } from '../bus/embedded/open-database.ts';
import { repageDataFile } from '../bus/embedded/repage.ts';
import { readEnv } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import { configPathOption } from './config-path.ts';

export interface StoreCommandDeps {
  /** Where results go. Default: process.stdout. */
  write?: (text: string) => void;
  /** Where progress goes. Default: process.stderr. */
  progress?: (text: string) => void;
  /** How often progress is shown while the file is rewritten. Default 5 s. */
  tickMs?: number;
}

const MB = 1024 * 1024;

/** `hookhub store repage`: rewrites an embedded data file made before 16 KB pages with them. */
export function registerStoreCommand(program: Command, deps: StoreCommandDeps = {}): void {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const progress = deps.progress ?? ((text: string) => void process.stderr.write(text));
  const store = program.command('store').description("maintain the embedded bus's data file");
  store
    .command('repage')
    .description('rewrite a data file made before 16 KB pages with them (stop the hub first)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .action(async (opts: { config?: string }) => {
      const env = readEnv();
      const config = await loadConfig(configPathOption(opts.config, env), env);
      if (config.bus.type !== 'embedded') throw new Error('the configured bus is NATS: there is no data file to rewrite');
      const path = config.bus.path;
      if (!existsSync(path)) throw new Error(`no data file at ${path} (bus.path in ${config.file})`);
      if (pageSizeOf(path) === PAGE_SIZE) return write(`${path} already uses ${PAGE_SIZE / 1024} KB pages: nothing to do\n`);
      const size = statSync(path).size;
      const free = await freeBytes(dirname(path));
      // VACUUM builds the new file in a temporary one, then copies it back through a rollback journal.
      if (free < 2 * size) {
        throw new Error(`rewriting ${path} needs about ${mb(2 * size)} free next to it, and only ${mb(free)} is: free some space first`);
      }
      progress(`rewriting ${path} (${mb(size)}) with ${PAGE_SIZE / 1024} KB pages; a large file takes a while\n`);
      const started = Date.now();
      const ticker = setInterval(() => progress(`  still rewriting (${seconds(started)})\n`), deps.tickMs ?? 5_000);
      try {
        const result = await repageDataFile(path);
        write(`${path} now uses ${result.to / 1024} KB pages (it had ${result.from / 1024} KB), in ${seconds(started)}\n`);
      } finally {
        clearInterval(ticker);
      }
    });
}

function pageSizeOf(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}

async function freeBytes(folder: string): Promise<number> {
  const stats = await statfs(folder);
  return stats.bavail * stats.bsize;
}

const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;
