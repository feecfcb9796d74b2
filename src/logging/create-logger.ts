import { pino, type DestinationStream, type Logger } from 'pino';

/** Keys whose values are secrets wherever they appear (two levels deep), so a stray log line cannot leak them. */
const SECRET_PATHS = ['secret', 'token', 'password', 'pass', 'authToken', 'botToken', 'signingToken', 'apiKey', 'appSecret', 'privateKey', 'verifyToken', 'authorization', 'cookie']
  .flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'hookhub',
      level: options.level ?? 'info',
      redact: { paths: SECRET_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

export type { Logger };
