import { PermanentError, RetryableError } from '../../errors.ts';

/** One recipient the SMTP server refused at `RCPT TO`, as nodemailer reports it. */
interface RefusedRecipient {
  recipient?: string;
  responseCode?: number;
  response?: string;
}

const MAX_REPLY = 160;

/** `ops@example.com (550 5.1.1 no such user)`, one per refused recipient, joined. */
export function describeRefusals(refusals: readonly RefusedRecipient[]): string {
  return refusals
    .map((r) => {
      const reply = typeof r.response === 'string' ? r.response.trim().slice(0, MAX_REPLY) : String(r.responseCode ?? 'refused');
      return `${r.recipient ?? '?'} (${reply})`;
    })
    .join(', ');
}

/** The refusals nodemailer lists on a sent message's info or on its "all recipients were rejected" error. */
export function refusalsOf(value: unknown): RefusedRecipient[] {
  const list = (value as { rejectedErrors?: unknown } | null)?.rejectedErrors;
  return Array.isArray(list) ? (list as RefusedRecipient[]) : [];
}

/**
 * The server refused every recipient, so nothing was sent: permanent when every refusal is a 5xx (no such
 * mailbox, relaying denied), else retryable, since a 4xx (mailbox busy, greylisting) may pass later and a
 * retry cannot reach anyone twice.
 */
export function allRefusedError(refusals: readonly RefusedRecipient[]): Error {
  const codes = refusals.map((r) => (typeof r.responseCode === 'number' ? r.responseCode : 0));
  const permanent = codes.every((code) => code >= 500);
  const message = `SMTP server refused every recipient: ${describeRefusals(refusals)}`;
  const last = codes.at(-1);
  return permanent
    ? new PermanentError(message, last)
    : new RetryableError(message, undefined, codes.find((c) => c >= 400 && c < 500) ?? last);
}
