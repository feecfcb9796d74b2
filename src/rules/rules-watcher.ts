import { statSync, watch, type FSWatcher } from 'node:fs';
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
  /** node:fs `watch`; a test passes its own to reach the watcher it makes. */
  watch?: typeof watch;
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
  let closed = false;

  const reloadOnce = async () => {
    try {
      const result = await options.load();
      if (!closed) degraded = apply(result, options);
    } catch (error) {
      degraded = `rules: reload failed: ${(error as Error).message}`;
      reportReloadFailure(error, options);
    }
    if (!closed) folder.check();
  };

  const reload = coalescedReloads(reloadOnce, () => closed);

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  };

  const folder = createFolderWatch(dir, options.watch ?? watch, schedule, (detail, error) => {
    degraded = `rules: ${detail}`;
    logger.error({ err: error, dir }, `rules folder: ${detail}`);
  });

  return {
    get degraded() {
      return degraded;
    },
    reload,
    close() {
      closed = true;
      clearTimeout(timer);
      folder.close();
    },
  };
}

/** Logs a reload that threw and reports it to onError as a diagnostic on the folder. */
function reportReloadFailure(error: unknown, options: RulesWatcherOptions): void {
  const { dir } = options;
  options.logger.error({ err: error, dir }, 'rules reload failed; keeping the last good rules');
  options.onError?.([{ file: dir, line: 0, col: 0, severity: 'error', message: `reload failed: ${(error as Error).message}` }]);
}

/** Reloads never overlap: a call during a reload returns that reload and makes it run once more. */
function coalescedReloads(reloadOnce: () => Promise<void>, isClosed: () => boolean): () => Promise<void> {
  let running: Promise<void> | undefined;
  let again = false;
  return async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await reloadOnce();
      } while (again && !isClosed());
    })().finally(() => {
      running = undefined;
    });
    return running;
  };
}

/**
 * fs.watch on the folder itself, so new, renamed and deleted files are seen (and ConfigMap
 * symlink swaps). `check()` re-arms it when the folder was deleted and recreated or replaced
 * (a watch follows the old inode); while the folder is missing, or after the watch failed (Node
 * closes a watcher before it reports an error), it looks again (every second, or backing off to 30 s
 * while the watch keeps failing), and reloads then, since changes made meanwhile were not seen.
 */
function createFolderWatch(dir: string, watchDir: typeof watch, onEvent: () => void, onFail: (detail: string, error: Error) => void) {
  let watcher: FSWatcher | undefined;
  // Inode numbers are reused at once on Linux, so a recreated folder is told apart by its birth time too.
  const identity = () => {
    const info = statSync(dir);
    return `${info.ino}:${info.birthtimeMs}`;
  };
  let watched: string | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;
  // A watch that keeps failing (out of inotify watches) is logged at 1, 2, 4… up to 30 s, not every second.
  let failures = 0;
  const lookAgain = (afterMs = 1000) => {
    clearTimeout(retry);
    if (closed) return;
    retry = setTimeout(onEvent, afterMs);
    retry.unref();
  };
  const failed = (detail: string, error: Error) => {
    onFail(detail, error);
    lookAgain(Math.min(30_000, 1000 * 2 ** failures++));
  };
  const arm = (): boolean => {
    watcher?.close();
    watcher = undefined;
    try {
      watched = identity();
      const armed = watchDir(dir, { persistent: false }, onEvent);
      watcher = armed;
      failures = 0;
      armed.on('error', (error) => {
        if (watcher === armed) watcher = undefined;
        armed.close();
        failed(`no longer watching ${dir}: ${error.message}; watching it again shortly`, error);
      });
      return true;
    } catch (error) {
      failed(`cannot watch ${dir}: ${(error as Error).message}; trying again shortly`, error as Error);
      return false;
    }
  };
  arm();
  return {
    check() {
      clearTimeout(retry);
      let current: string;
      try {
        current = identity();
      } catch {
        watcher?.close();
        watcher = undefined;
        lookAgain();
        return;
      }
      if (current !== watched || !watcher) {
        if (arm()) onEvent();
      }
    },
    close() {
      closed = true;
      clearTimeout(retry);
      watcher?.close();
    },
  };
}

/** Logs the diagnostics and swaps the rule set in when it has no error. Returns the degraded detail. */
function apply(result: LoadResult, options: RulesWatcherOptions): string | undefined {
  const { logger } = options;
  for (const d of result.diagnostics) logger[d.severity === 'error' ? 'error' : 'warn'](formatDiagnostic(d));
  if (!result.ok) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    options.onError?.(result.diagnostics);
    // The lines above say what is wrong; this one says what the hub does about it.
    logger.error({ dir: options.dir, errors: errors.length }, 'rules reload failed; keeping the last good rules');
    return `rules: ${errors.length} error${errors.length === 1 ? '' : 's'}, running the last good rules${first ? `; ${formatDiagnostic(first)}` : ''}`;
  }
  options.onChange(result.ruleSet);
  logger.info({ rules: result.ruleSet.rules.length, files: result.ruleSet.files.length }, 'rules reloaded');
  return undefined;
}
