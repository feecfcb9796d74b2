import { ConfigError } from '../errors.ts';

export type LogFormat = 'json' | 'pretty';

/** `LOG_FORMAT` wins; otherwise a person at a terminal gets pretty lines and anything else (files, collectors) gets JSON. */
export function chooseLogFormat(requested: string | undefined, stdoutIsTty: boolean): LogFormat {
  if (requested === undefined || requested === '') return stdoutIsTty ? 'pretty' : 'json';
  if (requested === 'json' || requested === 'pretty') return requested;
  throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${requested}"`);
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** `LOG_LEVEL`, checked before the logger exists (pino's own refusal names none of the levels). */
export function chooseLogLevel(requested: string | undefined): string {
  if (requested === undefined || requested === '') return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(requested)) return requested;
  throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${requested}"`);
}
