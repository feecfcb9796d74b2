import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging/create-logger.ts';
import { REDACTED, redactSecrets } from '../../../src/logging/redact-secrets.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger({ destination }) };
}

describe('redactSecrets', () => {
  it('censors secret-named keys in the first three levels, array items included', () => {
    const line = {
      token: 't0',
      config: { secret: 's1', nested: { password: 'p2', deeper: { apiKey: 'k3' } } },
      targets: [{ botToken: 'b2' }],
    };
    expect(redactSecrets(line)).toEqual({
      token: REDACTED,
      config: { secret: REDACTED, nested: { password: REDACTED, deeper: { apiKey: 'k3' } } },
      targets: [{ botToken: REDACTED }],
    });
    // The caller's object is left as it was.
    expect(line.config.secret).toBe('s1');
  });

  it('censors the credentials of a NATS bus block logged whole', () => {
    for (const auth of [{ nkeySeed: 'SUAM2QXYZNKEYSEED' }, { token: 'nats-token-0123' }, { user: 'hub', password: 'nats-pw-0123' }]) {
      const out = redactSecrets({ bus: { type: 'nats', url: 'nats://n1:4222', auth } });
      expect(JSON.stringify(out)).not.toMatch(/SUAM2QXYZNKEYSEED|nats-token-0123|nats-pw-0123/);
    }
  });

  it('returns what holds no secret as it is, without copying it', () => {
    const line = { eventId: 'e1', rule: 'r', meta: { attempt: 2, tags: ['a'] } };
    expect(redactSecrets(line)).toBe(line);
    // A Buffer comes back as it is (its bytes are not keys to look at).
    const body = Buffer.alloc(1_000_000);
    const withBody = { body };
    expect(redactSecrets(withBody)).toBe(withBody);
  });

  it('keeps the message and stack of an Error that holds a secret', () => {
    const err = Object.assign(new Error('refused'), { authorization: 'Bearer x' });
    const out = redactSecrets({ err }) as unknown as { err: Record<string, unknown> };
    expect(out.err.authorization).toBe(REDACTED);
    expect(out.err.message).toBe('refused');
    expect(String(out.err.stack)).toContain('refused');
  });
});

describe('createLogger redaction', () => {
  it('censors secrets in a line and in a child logger fields, and writes the rest', async () => {
    const { lines, logger } = capture();
    logger.child({ jobId: 'j1', token: 'child-s3cret' }).info({ headers: { cookie: 'c=1', 'x-id': 'x1' } }, 'sent');
    logger.flush();
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(out).not.toContain('child-s3cret');
    expect(out).not.toContain('c=1');
    const line = JSON.parse(out) as Record<string, unknown>;
    expect(line).toMatchObject({ jobId: 'j1', token: REDACTED, headers: { cookie: REDACTED, 'x-id': 'x1' }, msg: 'sent' });
  });
});

describe('child loggers', () => {
  it('keep their parents fields and censor their own, nested ones included', async () => {
    const { lines, logger } = capture();
    logger
      .child({ eventId: 'e1' })
      .child({ connector: { type: 'github', secret: 'nested-s3cret' } })
      .warn('rejected');
    logger.flush();
    await new Promise((r) => setImmediate(r));
    const out = lines.join('');
    expect(out).not.toContain('nested-s3cret');
    expect(JSON.parse(out)).toMatchObject({ eventId: 'e1', connector: { type: 'github', secret: REDACTED }, msg: 'rejected' });
  });
});
