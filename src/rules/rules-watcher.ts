import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from 'pino';
import { formatDiagnostic, type Diagnostic } from './diagnostics.ts';
import type { LoadResult, RuleSet } from './rule.ts';

export interface RulesWatcherOptions {
  /** The rules folder. Every change in it (new, renamed, deleted files) triggers a reload. */
  dir: string;
  /** Loads and validates the whole folder (e.g. `() => loadRuleSet(dir, context)`). */
  load: () => Promise<LoadResult>;
  /** Called with the new rule set once everything in it is valid: swap it in. */
  onChange: (ruleSet: RuleSet) => void;
  /** Called when a reload has errors; the last good rule set stays in force. */
  onError?: (diagnostics: Diagnostic[]) => void;
  logger: Logger;
  /** Quiet period after the last change before reloading. Default 100 ms. */
  debounceMs?: number;
}

export interface RulesWatcher {
  /** Why the running rules are not the files on disk (for /readyz), or undefined when they are. */
  readonly degraded: string | undefined;
  /** Reloads now (also used after the watch is re-established). */
  reload(): Promise<void>;
  close(): void;
}

/**
 * Watches the rules folder and hot-reloads: validate everything first, then swap atomically.
 * A broken file keeps the last good rules running, logs each problem as file:line:col, and
 * sets `degraded`. Reloads never overlap; changes during a reload cause one more reload.
 */
export function createRulesWatcher(options: RulesWatcherOptions): RulesWatcher {
  const { dir, logger, debounceMs = 100 } = options;
  let degraded: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let closed = false;

  const reloadOnce = async () => {
    let result: LoadResult;
    try {
      result = await options.load();
    } catch (error) {
      degraded = `rules: reload failed: ${(error as Error).message}`;
      logger.error({ err: error, dir }, 'rules reload failed; keeping the last good rules');
      return;
    }
    if (closed) return;
    for (const d of result.diagnostics) logger[d.severity === 'error' ? 'error' : 'warn'](formatDiagnostic(d));
    if (!result.ok) {
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      const first = errors[0];
      degraded = `rules: ${errors.length} error${errors.length === 1 ? '' : 's'}, running the last good rules${first ? `; ${formatDiagnostic(first)}` : ''}`;
      options.onError?.(result.diagnostics);
      return;
    }
    degraded = undefined;
    options.onChange(result.ruleSet);
    logger.info({ rules: result.ruleSet.rules.length, files: result.ruleSet.files.length }, 'rules reloaded');
  };

  const reload = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await reloadOnce();
      } while (again && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  };

  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dir, { persistent: false }, schedule);
    watcher.on('error', (error) => {
      degraded = `rules: no longer watching ${dir}: ${error.message}`;
      logger.error({ err: error, dir }, 'rules folder watch failed; changes are not picked up');
    });
  } catch (error) {
    degraded = `rules: cannot watch ${dir}: ${(error as Error).message}`;
    logger.error({ err: error, dir }, 'cannot watch the rules folder; changes are not picked up');
  }

  return {
    get degraded() {
      return degraded;
    },
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      watcher?.close();
    },
  };
}
