// `npm test`'s pretest step: finds or installs nats-server and Chromium (see prerequisites.ts).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { findBinary, findChromium } from '../helpers/find-binary.ts';
import { ensurePrerequisites, type Platform, type Prerequisite } from './prerequisites.ts';

const PREREQUISITES: Prerequisite[] = [
  {
    name: 'nats-server',
    why: 'the NATS bus suites start their own server',
    find: () => findBinary('nats-server'),
    packages: { debian: 'nats-server', ubuntu: 'nats-server', brew: 'nats-server' },
  },
  {
    name: 'Chromium',
    why: "the dashboard's browser test drives it through playwright-core",
    find: () => findChromium(),
    packages: { debian: 'chromium', ubuntu: 'chromium-browser', brew: '--cask chromium' },
  },
];

function detectPlatform(): Platform {
  if (process.platform === 'darwin') return 'macos';
  if (process.platform !== 'linux') return 'other';
  let osRelease = '';
  try {
    osRelease = readFileSync('/etc/os-release', 'utf8');
  } catch {
    return 'other';
  }
  const field = (key: string) => new RegExp(`^${key}="?([^"\\n]*)"?$`, 'm').exec(osRelease)?.[1] ?? '';
  const family = [field('ID'), ...field('ID_LIKE').split(' ')];
  if (family.includes('ubuntu')) return 'ubuntu';
  return family.includes('debian') ? 'debian' : 'other';
}

function run(command: string, args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.once('error', () => resolve(127));
    child.once('exit', (code) => resolve(code ?? 1));
  });
}

const canApt = process.getuid?.() === 0 && findBinary('apt-get') !== undefined;
process.exitCode = await ensurePrerequisites(PREREQUISITES, {
  platform: detectPlatform(),
  canApt,
  run,
  log: (line) => process.stderr.write(`${line}\n`),
});
