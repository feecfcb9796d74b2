import type { Logger } from 'pino';
import type { Job } from '../actions/action.ts';

/** A child logger that puts eventId, rule and jobId (and the action type) on every line about a job. */
export function jobLogger(logger: Logger, job: Pick<Job, 'id' | 'eventId' | 'rule' | 'action'>): Logger {
  return logger.child({ eventId: job.eventId, rule: job.rule, jobId: job.id, action: job.action });
}
