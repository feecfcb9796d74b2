import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrerequisites, installCommand, type Prerequisite, type PrerequisiteDeps } from '../../setup/prerequisites.ts';

// Each prerequisite is looked up in a temp folder only, so "missing" is real whatever this machine has installed.
let dir: string;
const inDir = (name: string, packages: Prerequisite['packages']): Prerequisite => ({
  name,
  why: `${name} is needed`,
  find: () => (existsSync(join(dir, name)) ? join(dir, name) : undefined),
  packages,
});
const nats = () => inDir('nats-server', { debian: 'nats-server', ubuntu: 'nats-server', brew: 'nats-server' });
const chromium = () => inDir('chromium', { debian: 'chromium', ubuntu: 'chromium-browser', brew: '--cask chromium' });

function install(name: string): void {
  writeFileSync(join(dir, name), '#!/bin/sh\n');
  chmodSync(join(dir, name), 0o755);
}

function deps(overrides: Partial<PrerequisiteDeps>): PrerequisiteDeps & { lines: string[]; commands: string[] } {
  const lines: string[] = [];
  const commands: string[] = [];
  return {
    platform: 'debian',
    canApt: false,
    run: (command, args) => {
      commands.push([command, ...args].join(' '));
      return Promise.resolve(0);
    },
    log: (line) => lines.push(line),
    lines,
    commands,
    ...overrides,
  };
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ensurePrerequisites', () => {
  it('passes quietly when everything is installed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookhub-prereq-'));
    install('nats-server');
    install('chromium');
    const d = deps({});
    expect(await ensurePrerequisites([nats(), chromium()], d)).toBe(0);
    expect(d.lines).toEqual([]);
  });

  it('fails at once with the exact install command when it cannot install (not root)', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookhub-prereq-'));
    install('chromium');
    const d = deps({ canApt: false });
    expect(await ensurePrerequisites([nats(), chromium()], d)).toBe(1);
    expect(d.commands).toEqual([]);
    expect(d.lines.join('\n')).toContain('npm test needs nats-server, which is not installed.');
    expect(d.lines.join('\n')).toContain('sudo apt-get update && sudo apt-get install -y nats-server');
  });

  it('installs what is missing with apt-get when root, then finds it', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookhub-prereq-'));
    const d = deps({
      canApt: true,
      run: (command, args) => {
        d.commands.push([command, ...args].join(' '));
        if (args[0] === 'install') args.slice(2).forEach(install);
        return Promise.resolve(0);
      },
    });
    expect(await ensurePrerequisites([nats(), chromium()], d)).toBe(0);
    expect(d.commands).toEqual(['apt-get update', 'apt-get install -y nats-server chromium']);
    expect(d.lines).toContain(`chromium: ${join(dir, 'chromium')}`);
  });

  it('reports a failed apt-get with the command to run by hand', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookhub-prereq-'));
    const d = deps({ canApt: true, platform: 'ubuntu', run: () => Promise.resolve(100) });
    expect(await ensurePrerequisites([chromium()], d)).toBe(1);
    expect(d.lines.at(-1)).toContain('sudo apt-get update && sudo apt-get install -y chromium-browser');
  });
});

describe('installCommand', () => {
  it('names the package manager of the platform', () => {
    dir = mkdtempSync(join(tmpdir(), 'hookhub-prereq-'));
    expect(installCommand([nats(), chromium()], 'macos')).toBe('brew install nats-server && brew install --cask chromium');
    expect(installCommand([nats()], 'ubuntu')).toBe('sudo apt-get update && sudo apt-get install -y nats-server');
  });
});
