import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';

/** Runs `hookhub fail` whose action throws `value`, and returns what main wrote to stderr and its exit code. */
async function failWith(value: unknown): Promise<{ code: number; stderr: string }> {
  const program = new Command('hookhub').exitOverride();
  program.command('fail').action(() => {
    throw value;
  });
  let stderr = '';
  const code = await main(['node', 'hookhub', 'fail'], { program, stderr: (text) => (stderr += text) });
  return { code, stderr };
}

describe('hookhub: a command that throws something other than an Error', () => {
  it('says what failed instead of "error: undefined"', async () => {
    expect(await failWith(undefined)).toEqual({
      code: 1,
      stderr: 'error: the command failed without saying why (it threw undefined); please report this with the command you ran\n',
    });
    expect((await failWith('bus closed')).stderr).toBe('error: bus closed\n');
    expect((await failWith({ message: 'nats: timeout', code: 'TIMEOUT' })).stderr).toBe('error: nats: timeout\n');
    expect((await failWith(42)).stderr).toBe(
      'error: the command failed without saying why (it threw 42); please report this with the command you ran\n',
    );
  });

  it('never dumps a thrown object, which may hold a secret', async () => {
    const { stderr } = await failWith({ token: 'secret-token-value' });
    expect(stderr).toBe(
      'error: the command failed without saying why (it threw an object with no message); please report this with the command you ran\n',
    );
  });

  it('names an Error that has no message, and still prints an Error message as before', async () => {
    expect((await failWith(new TypeError())).stderr).toMatch(/^error: TypeError with no message \(at .+\); please report this/);
    expect((await failWith(new Error('cannot reach the hub'))).stderr).toBe('error: cannot reach the hub\n');
  });
});
