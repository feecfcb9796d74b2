import { ConfigError } from '../errors.ts';

export type LogFormat = 'json' | 'pretty';

/** `LOG_FORMAT` wins; otherwise a person at a terminal gets pretty lines and anything else (files, collectors) gets JSON. */
export function chooseLogFormat(requested: string | undefined, stdoutIsTty: boolean): LogFormat {
  if (requested === undefined || requested === '') return stdoutIsTty ? 'pretty' : 'json';
  if (requested === 'json' || requested === 'pretty') return requested;
  throw new ConfigError(`LOG_FORMAT must be json or pretty, got "${requested}"`);
}
