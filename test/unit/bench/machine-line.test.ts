import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { natsServerLine } from '../../../bench/machine.ts';

describe("the results' machine line", () => {
  const savedPath = process.env.PATH;
  let dir: string | undefined;
  afterEach(() => {
    process.env.PATH = savedPath;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A `nats-server` first on PATH that runs `script`. */
  const fakeNatsServer = (script: string): string => {
    dir = mkdtempSync(join(tmpdir(), 'hookhub-fake-nats-'));
    const file = join(dir, 'nats-server');
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
    process.env.PATH = `${dir}${delimiter}${savedPath ?? ''}`;
    return file;
  };

  it('names the version and path of the nats-server that the NATS rows start (the first on PATH)', () => {
    const file = fakeNatsServer("echo 'nats-server: v2.10.27'");
    expect(natsServerLine()).toBe(`nats-server v2.10.27 (${file})`);
  });

  it('says so when that nats-server does not run', () => {
    const file = fakeNatsServer('exit 3');
    expect(natsServerLine()).toBe(`nats-server of unknown version (${file})`);
  });

  it('gives up on a nats-server that does not answer', () => {
    const file = fakeNatsServer('exec sleep 30');
    const started = Date.now();
    expect(natsServerLine(200)).toBe(`nats-server of unknown version (${file})`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
