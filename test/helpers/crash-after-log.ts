/**
 * A process that logs through the hub's logger, then on SIGUSR2 logs one more line and crashes with an
 * uncaught exception before the line's batch is written: pino's exit handler must write it (or give up).
 */
import { createLogger } from '../../src/logging/create-logger.ts';

const logger = createLogger();
logger.info('ready');
setTimeout(() => logger.flush(), 10);
process.on('SIGUSR2', () => {
  logger.info('about to crash');
  throw new Error('crash for the test');
});
setInterval(() => undefined, 1_000);
