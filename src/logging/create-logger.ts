import { pino, type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogFormat } from './log-format.ts';

/** Keys whose values are secrets wherever they appear (two levels deep), so a stray log line cannot leak them. */
const SECRET_PATHS = [
  'secret',
  'token',
  'password',
  'pass',
  'authToken',
  'botToken',
  'signingToken',
  'apiKey',
  'appSecret',
  'privateKey',
  'verifyToken',
  'authorization',
  'cookie',
].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
  /** `pretty`: one readable line per entry (colored when the output supports it); default `json`. */
  format?: LogFormat;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: 'hookhub',
      level: options.level ?? 'info',
      redact: { paths: SECRET_PATHS, censor: '[redacted]' },
      base: undefined,
    },
    options.format === 'pretty' ? prettyStream(options.destination) : (options.destination ?? pino.destination({ dest: 1, sync: false })),
  );
}

function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  return pinoPretty({ destination: destination ?? 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', singleLine: true });
}

export type { Logger };
