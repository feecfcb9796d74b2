import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs `script` (TypeScript, from the repo root) in a child and collects its stdout until it exits. */
function runChild(script: string): Promise<{ out: string; firstLineAfterMs: number | undefined }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let firstLineAfterMs: number | undefined;
  let marked = 0;
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (firstLineAfterMs === undefined && marked > 0 && out.includes('"msg":"lone"')) firstLineAfterMs = Date.now() - marked;
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
    if (err.includes('written')) marked = Date.now();
  });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve({ out, firstLineAfterMs }) : reject(new Error(`child exited ${code}: ${err}`)))),
  );
}

const LOGGER = `import { createLogger } from './src/logging/create-logger.ts'; const log = createLogger();`;

describe('JSON logs on stdout (batched)', () => {
  it('writes a lone line soon, without waiting for the batch to fill or the process to end', async () => {
    const { out, firstLineAfterMs } = await runChild(
      `${LOGGER} log.warn('lone'); process.stderr.write('written'); await new Promise((r) => setTimeout(r, 1500));`,
    );
    expect(out).toContain('"msg":"lone"');
    // Seen while the child was still running (it sleeps 1.5 s after logging), by the flush timer.
    expect(firstLineAfterMs).toBeDefined();
    expect(firstLineAfterMs!).toBeLessThan(1_000);
  });

  it('writes every buffered line when the process exits, in order', async () => {
    const { out } = await runChild(`${LOGGER} for (let i = 0; i < 500; i++) log.info({ i }, 'line'); process.exit(0);`);
    const numbers = out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { i: number }).i);
    expect(numbers).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });
});
