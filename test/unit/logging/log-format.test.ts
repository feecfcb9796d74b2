import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logging/create-logger.ts';
import { chooseLogFormat, chooseLogLevel } from '../../../src/logging/log-format.ts';

describe('chooseLogFormat', () => {
  it('is pretty on a terminal and JSON otherwise', () => {
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
    expect(chooseLogFormat(undefined, false)).toBe('json');
  });

  it('lets LOG_FORMAT override the terminal check either way', () => {
    expect(chooseLogFormat('json', true)).toBe('json');
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
  });

  it('refuses an unknown LOG_FORMAT with the accepted values', () => {
    expect(() => chooseLogFormat('yaml', false)).toThrow('LOG_FORMAT must be json or pretty, got "yaml"');
  });
});

describe('chooseLogLevel', () => {
  it('takes a pino level name, and info by default', () => {
    expect(chooseLogLevel(undefined)).toBe('info');
    expect(chooseLogLevel('debug')).toBe('debug');
  });

  it('refuses an unknown LOG_LEVEL with the accepted values', () => {
    expect(() => chooseLogLevel('verbose')).toThrow(
      'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
    );
  });
});

describe('createLogger in pretty format', () => {
  it('writes readable lines, not JSON, and still redacts secrets', async () => {
    let out = '';
    const destination = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    const logger = createLogger({ format: 'pretty', destination });
    logger.info({ connector: { type: 'github', secret: 'gh-s3cret' } }, 'hookhub listening');
    await expect.poll(() => out).toContain('hookhub listening');
    expect(out).toContain('INFO');
    expect(out.trimStart().startsWith('{')).toBe(false);
    expect(out).not.toContain('gh-s3cret');
    expect(out).toContain('[redacted]');
  });
});
