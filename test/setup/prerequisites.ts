/**
 * What `npm test` needs besides node_modules: a nats-server binary (the bus suites start their own) and a
 * system Chromium (the dashboard's browser test). Missing ones are installed with apt-get when this process
 * can (root and apt available); otherwise the step fails at once with the exact install command.
 */

export interface Prerequisite {
  name: string;
  /** Why the tests need it, shown before installing. */
  why: string;
  /** Where it is, or undefined when missing. */
  find(): string | undefined;
  /** Package name per distribution family. */
  packages: { debian: string; ubuntu: string; brew: string };
}

export type Platform = 'debian' | 'ubuntu' | 'macos' | 'other';

export interface PrerequisiteDeps {
  platform: Platform;
  /** Root with apt-get on PATH: this process may install system packages itself. */
  canApt: boolean;
  /** Runs a command with inherited stdio (so apt's progress shows); resolves with its exit code. */
  run(command: string, args: string[]): Promise<number>;
  log(line: string): void;
}

/** The exact command a person runs to install `missing` on `platform`. */
export function installCommand(missing: Prerequisite[], platform: Platform): string {
  switch (platform) {
    case 'debian':
    case 'ubuntu': {
      const names = missing.map((p) => p.packages[platform]).join(' ');
      return `sudo apt-get update && sudo apt-get install -y ${names}`;
    }
    case 'macos':
      return missing.map((p) => `brew install ${p.packages.brew}`).join(' && ');
    case 'other':
      return missing.map((p) => `install ${p.name} (Debian package: ${p.packages.debian})`).join('; ');
  }
}

/** Finds or installs every prerequisite; resolves with the exit code for the pretest step (0 = all present). */
export async function ensurePrerequisites(prerequisites: Prerequisite[], deps: PrerequisiteDeps): Promise<number> {
  const missing = prerequisites.filter((p) => p.find() === undefined);
  if (missing.length === 0) return 0;
  const names = missing.map((p) => p.name).join(' and ');
  const aptPlatform = deps.platform === 'debian' || deps.platform === 'ubuntu' ? deps.platform : undefined;
  if (!deps.canApt || aptPlatform === undefined) {
    deps.log(`npm test needs ${names}, which ${missing.length === 1 ? 'is' : 'are'} not installed.`);
    for (const p of missing) deps.log(`  ${p.name}: ${p.why}`);
    deps.log(`Install with:\n  ${installCommand(missing, deps.platform)}`);
    return 1;
  }
  for (const p of missing) deps.log(`installing ${p.name} with apt-get (${p.why})`);
  const packages = missing.map((p) => p.packages[aptPlatform]);
  const steps: [string, string[]][] = [
    ['apt-get', ['update']],
    ['apt-get', ['install', '-y', ...packages]],
  ];
  for (const [command, args] of steps) {
    const code = await deps.run(command, args);
    if (code !== 0) {
      deps.log(
        `\`${command} ${args.join(' ')}\` failed with exit code ${code}; install by hand:\n  ${installCommand(missing, aptPlatform)}`,
      );
      return 1;
    }
  }
  const stillMissing = missing.filter((p) => p.find() === undefined);
  if (stillMissing.length > 0) {
    deps.log(`apt-get finished but ${stillMissing.map((p) => p.name).join(' and ')} still cannot be found.`);
    return 1;
  }
  for (const p of missing) deps.log(`${p.name}: ${p.find() ?? ''}`);
  return 0;
}
