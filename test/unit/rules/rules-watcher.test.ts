import { watch, type FSWatcher } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRuleSet } from '../../../src/rules/load-rule-set.ts';
import type { RuleSet } from '../../../src/rules/rule.ts';
import { createRulesWatcher, type RulesWatcher } from '../../../src/rules/rules-watcher.ts';
import { testContext } from './test-context.ts';

const rule = (name: string) => `rules:\n  - name: ${name}\n    on: github.push\n    do: [{ notify: { channel: eng, text: hi } }]\n`;

async function eventually(check: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('rules watcher (hot reload)', () => {
  let dir: string;
  let watcher: RulesWatcher | undefined;
  let current: RuleSet;
  let logs: string[];
  const names = () => current.rules.map((r) => r.name);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hookhub-watch-'));
    await writeFile(join(dir, 'a.yaml'), rule('first'));
    current = (await loadRuleSet(dir, testContext)).ruleSet;
    logs = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
    watcher = createRulesWatcher({ dir, load: () => loadRuleSet(dir, testContext), onChange: (rs) => (current = rs), logger: pino(sink) });
  });

  afterEach(async () => {
    watcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('picks up edited, new, renamed and deleted files promptly (100 ms debounce; bound 3 s for a loaded machine)', async () => {
    await writeFile(join(dir, 'a.yaml'), rule('edited'));
    await eventually(() => names().join() === 'edited', 'the edit', 3_000);
    await writeFile(join(dir, 'b.yaml'), rule('added'));
    await eventually(() => names().join() === 'edited,added', 'the new file', 3_000);
    await rename(join(dir, 'b.yaml'), join(dir, '0.yaml'));
    await eventually(() => names().join() === 'added,edited', 'the rename', 3_000);
    await unlink(join(dir, '0.yaml'));
    await eventually(() => names().join() === 'edited', 'the deletion', 3_000);
    expect(watcher?.degraded).toBeUndefined();
  });

  it('keeps the last good rules when a file breaks, reports file:line, and recovers', async () => {
    await writeFile(join(dir, 'b.yaml'), rule('second'));
    await eventually(() => names().length === 2, 'the second file');
    await writeFile(
      join(dir, 'b.yaml'),
      'rules:\n  - name: second\n    on: github.push\n    do: [{ notify: { channel: nope, text: hi } }]\n',
    );
    await eventually(() => watcher?.degraded !== undefined, 'degraded');
    expect(watcher?.degraded).toMatch(/^rules: 1 error, running the last good rules; .*b\.yaml:4:31: notify: unknown channel "nope"/);
    expect(names()).toEqual(['first', 'second']);
    expect(logs.join('')).toContain('b.yaml:4:31: notify: unknown channel');
    expect(logs.join('')).toContain('rules reload failed; keeping the last good rules');
    await writeFile(join(dir, 'b.yaml'), rule('fixed'));
    await eventually(() => watcher?.degraded === undefined && names().join() === 'first,fixed', 'recovery');
  });

  it('recovers when the folder is deleted and created again', async () => {
    await rm(dir, { recursive: true, force: true });
    await eventually(() => watcher?.degraded !== undefined, 'degraded while the folder is missing');
    expect(names()).toEqual(['first']);
    await mkdir(dir);
    await writeFile(join(dir, 'a.yaml'), rule('back'));
    await eventually(() => watcher?.degraded === undefined && names().join() === 'back', 'recovery', 10_000);
    await writeFile(join(dir, 'a.yaml'), rule('watched-again'));
    await eventually(() => names().join() === 'watched-again', 'changes in the new folder');
  });

  it('watches again after the watch fails, and picks up what changed meanwhile', async () => {
    const made: FSWatcher[] = [];
    watcher?.close();
    watcher = createRulesWatcher({
      dir,
      load: () => loadRuleSet(dir, testContext),
      onChange: (rs) => (current = rs),
      logger: pino({ level: 'silent' }),
      watch: ((...args: Parameters<typeof watch>) => {
        const made1 = watch(...args);
        made.push(made1);
        return made1;
      }) as typeof watch,
    });
    // What Node does when the watch itself fails (EMFILE, ENOSPC…): it closes the watcher, then emits the error.
    made[0]?.close();
    made[0]?.emit('error', Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }));
    expect(watcher.degraded).toMatch(/no longer watching .*ENOSPC/);
    await writeFile(join(dir, 'a.yaml'), rule('changed-meanwhile'));
    await eventually(() => names().join() === 'changed-meanwhile' && watcher?.degraded === undefined, 'the change made meanwhile');
    await writeFile(join(dir, 'a.yaml'), rule('watched-again'));
    await eventually(() => names().join() === 'watched-again', 'changes seen by the new watch');
    expect(made.length).toBeGreaterThan(1);
  });

  it('coalesces a burst of writes into few reloads', async () => {
    let loads = 0;
    watcher?.close();
    watcher = createRulesWatcher({
      dir,
      load: () => (loads++, loadRuleSet(dir, testContext)),
      onChange: (rs) => (current = rs),
      logger: pino({ level: 'silent' }),
    });
    for (let i = 0; i < 20; i++) await writeFile(join(dir, 'a.yaml'), rule(`v${i}`));
    await eventually(() => names().join() === 'v19', 'the last version');
    expect(loads).toBeLessThan(5);
  });
});
