import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import { PermanentError, RetryableError } from '../../errors.ts';
import type { ActionDeps, ActionResult } from '../action.ts';
import type { Channel } from './channel-schema.ts';
import { formatEmail } from './format/email.ts';
import type { NotifyParams } from './notify-params.ts';
import { allRefusedError, describeRefusals, refusalsOf } from './smtp-refusals.ts';

type EmailChannel = Extract<Channel, { type: 'email' }>;

/** Sends one email through the channel's SMTP server, connecting to the address the SSRF guard checked. */
export async function sendEmail(
  channel: EmailChannel,
  params: NotifyParams,
  deps: ActionDeps,
  idempotencyKey: string,
): Promise<ActionResult> {
  const { smtp } = channel;
  const address = deps.resolveAddress ? (await deps.resolveAddress(smtp.host)).address : smtp.host;
  const transport = nodemailer.createTransport({
    host: address,
    port: smtp.port,
    secure: smtp.secure ?? smtp.port === 465,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.pass ?? '' } } : {}),
    // Certificates are checked against the configured name, not the pinned address.
    ...(isIP(smtp.host) ? {} : { tls: { servername: smtp.host } }),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 15_000,
  });
  const content = formatEmail(params);
  const abort = new Promise<never>((_, reject) => {
    const onAbort = (): void => reject(deps.signal.reason instanceof Error ? deps.signal.reason : new Error('aborted'));
    if (deps.signal.aborted) onAbort();
    deps.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const info = await Promise.race([
      transport.sendMail({
        from: channel.from,
        to: channel.to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        // The job id makes redeliveries recognisable as the same message.
        messageId: `<${encodeURIComponent(idempotencyKey)}@hookhub>`,
        headers: { 'X-Hookhub-Job': idempotencyKey },
      }),
      abort,
    ]);
    return sentResult(info);
  } catch (error) {
    throw classifySmtpError(error);
  } finally {
    transport.close();
  }
}

/**
 * The message went out to the recipients the server accepted. Those it refused are named as the attempt's
 * warning: a retry would send the message again to everyone who accepted it (SMTP has no idempotency key, and
 * mailboxes do not dedup on Message-ID), so a partly refused message counts as delivered, with the warning.
 */
function sentResult(info: { response?: string; accepted?: unknown[] }): ActionResult {
  const response = (info.response ?? '').slice(0, 2_048);
  const refusals = refusalsOf(info);
  if (refusals.length === 0) return { status: 250, response };
  const accepted = info.accepted?.length ?? 0;
  const warning = `sent to ${accepted} of ${accepted + refusals.length} recipients; the SMTP server refused ${describeRefusals(refusals)}`;
  return { status: 250, response, warning };
}

/** SMTP 5xx replies are permanent (bad recipient, auth refused); 4xx and connection errors retry. */
function classifySmtpError(error: unknown): unknown {
  const refusals = refusalsOf(error);
  if (refusals.length > 0) return allRefusedError(refusals);
  const code = (error as { responseCode?: unknown }).responseCode;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'number' && code >= 500) return new PermanentError(`SMTP ${code}: ${message}`, code);
  if ((error as { code?: unknown }).code === 'EAUTH') return new PermanentError(`SMTP authentication failed: ${message}`);
  if (typeof code === 'number') return new RetryableError(`SMTP ${code}: ${message}`, undefined, code);
  return error;
}
