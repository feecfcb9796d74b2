import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LogFormat } from './log-format.ts';
import { batchedStdout } from './batched-stdout.ts';
import { redactSecrets } from './redact-secrets.ts';

export interface LoggerOptions {
  level?: string;
  destination?: DestinationStream;
  /** `pretty`: one readable line per entry (colored when the output supports it); default `json`. */
  format?: LogFormat;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const logger = pino(
    {
      name: 'hookhub',
      level: options.level ?? 'info',
      // Secret-named keys are censored in the first three levels of every line (redact-secrets.ts).
      formatters: { log: redactSecrets },
      base: undefined,
    },
    options.format === 'pretty' ? prettyStream(options.destination) : (options.destination ?? batchedStdout()),
  );
  // pino writes a child logger's fields apart from its lines' formatter: they are censored here. A child is
  // created from its parent's prototype, so children of children come through this too.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with each parent as `this`
  const makeChild = logger.child;
  logger.child = function child<ChildLevels extends string = never>(
    this: Logger,
    bindings: Bindings,
    childOptions?: ChildLoggerOptions<ChildLevels>,
  ): Logger<ChildLevels> {
    return makeChild.call(this, redactSecrets(bindings), childOptions) as Logger<ChildLevels>;
  };
  return logger;
}

function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  return pinoPretty({ destination: destination ?? 1, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name', singleLine: true });
}

export type { Logger };
