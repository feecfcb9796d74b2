import { PermanentError } from '../../errors.ts';
import type { ActionContext, ActionResult, Job } from '../action.ts';
import { notifyAction } from '../notify/index.ts';
import { parseDuration } from '../../shared/duration.ts';
import { joinUrl } from '../runtime/provider-response.ts';
import { createApprovalToken } from './approval-token.ts';
import { approvalSecretProblem, type CrosspostParams } from './crosspost-params.ts';
import type { PreparedPost } from './platform.ts';

/** The path the approval handler serves; the lead mounts it on the ingress. */
export const APPROVAL_PATH = '/approvals/';

/** The approval link for a job. Expiry counts from the job's creation, so a retried request sends the same link. */
export function approvalLink(approval: NonNullable<CrosspostParams['approval']>, job: Job): { url: string; expires: Date } {
  const expires = new Date(Date.parse(job.createdAt) + (parseDuration(approval.expires) ?? 86_400_000));
  const token = createApprovalToken({ jobId: job.id, expires: Math.floor(expires.getTime() / 1000) }, approval.secret);
  return { url: joinUrl(approval.url, `${APPROVAL_PATH}${token}`), expires };
}

/** Sends the "approve this post?" message with the link to the approval channel. */
export async function requestApproval(params: CrosspostParams, prepared: PreparedPost, ctx: ActionContext): Promise<ActionResult> {
  const { job } = ctx;
  const approval = params.approval;
  if (!approval) throw new PermanentError('no approval settings');
  if (ctx.channels[approval.channel] === undefined) throw new PermanentError(`approval: unknown channel "${approval.channel}"`);
  const problem = approvalSecretProblem(approval.secret);
  if (problem) throw new PermanentError(problem);
  if (!/^https?:\/\/[^/\s]+/.test(approval.url))
    throw new PermanentError(`approval.url must be the hub's public http(s) URL, got "${approval.url}"`);
  const link = approvalLink(approval, job);
  if (link.expires.getTime() <= ctx.now().getTime())
    throw new PermanentError(`approval link expired at ${link.expires.toISOString()} before it could be sent`);
  const text = [
    `Post to ${params.platform}${params.dryRun ? ' (dry run)' : ''}:`,
    '',
    prepared.text,
    '',
    `Approve or reject: ${link.url}`,
    `(link expires ${link.expires.toISOString()})`,
  ].join('\n');
  const sent = await notifyAction.execute(
    { channel: approval.channel, title: `Approve a ${params.platform} post?`, text, url: link.url },
    ctx,
  );
  return {
    ...(sent.status === undefined ? {} : { status: sent.status }),
    response: `awaiting approval in ${approval.channel} until ${link.expires.toISOString()}`,
  };
}
