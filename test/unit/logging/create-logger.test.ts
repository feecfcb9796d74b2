import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging/create-logger.ts';

describe('createLogger', () => {
  it('never writes secret-named fields, even nested in a config block', async () => {
    let out = '';
    const destination = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const logger = createLogger({ destination });
    logger.info(
      {
        connector: { type: 'github', secret: 'gh-s3cret' },
        subscriptions: { slack: { botToken: 'xoxb-123' } },
        authorization: 'Bearer abc',
      },
      'started',
    );
    logger.flush();
    await new Promise((r) => setImmediate(r));
    expect(out).toContain('started');
    for (const secret of ['gh-s3cret', 'xoxb-123', 'Bearer abc']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });
});
