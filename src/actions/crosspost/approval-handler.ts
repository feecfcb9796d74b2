import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { BusHistory, BusKv, BusStreams } from '../../bus/event-bus.ts';
import { KvConflictError } from '../../bus/kv.ts';
import type { Job } from '../action.ts';
import { APPROVAL_PATH } from './approval-request.ts';
import { verifyApprovalToken, readApprovalClaim } from './approval-token.ts';
import { resolveSecretReferences } from '../../operations/secret-references.ts';
import { approvalPage, pendingPage } from './approval-page.ts';
import { preparePost } from './index.ts';
import { approvalSecretProblem, CrosspostParamsSchema } from './crosspost-params.ts';
import { BodyTooLargeError, readBody, sendError } from '../../http/inbound.ts';

export interface ApprovalHandlerOptions {
  bus: Pick<BusStreams, 'get' | 'publish'> & BusHistory & BusKv;
  now: () => Date;
  logger: Logger;
  /** The environment: the job keeps approval.secret as a `${VAR}` reference, resolved from here. */
  vars?: Readonly<Record<string, string | undefined>>;
}

type Decision = 'approve' | 'reject';

/** One entry per decided job: the bus-wide lock that lets exactly one decision win, across processes too. */
const DECISIONS_BUCKET = 'approvals';

/** The form holds one short field; anything bigger is not a browser posting it. */
const FORM_LIMIT = 1_024;
const TOKEN = /^[A-Za-z0-9_-]{1,2048}\.[A-Za-z0-9_-]{43}$/;
const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // The token is in the URL: keep it out of caches and Referer headers, and the page out of frames.
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

/**
 * `GET /approvals/<token>` shows the pending post with Approve/Reject buttons; `POST` (form field
 * `decision`) decides. Approving publishes the job again as `<job id>:approved` with `approved`
 * set, so the workers post it with the usual retries; the bus dedup makes a second click harmless.
 * Mount it under APPROVAL_PATH in the ingress route table; any other path is a 404.
 */
export function createApprovalHandler(options: ApprovalHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    if (!path.startsWith(APPROVAL_PATH)) return sendError(res, 404, 'not found');
    handle(path.slice(APPROVAL_PATH.length), req, res, options).catch((error: unknown) => {
      options.logger.error({ err: error }, 'approval request failed');
      if (!res.headersSent) send(res, 503, approvalPage('Try again', '<p>The hub could not process this approval right now.</p>'));
    });
  };
}

async function handle(token: string, req: IncomingMessage, res: ServerResponse, options: ApprovalHandlerOptions): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'POST') return send(res, 405, approvalPage('Method not allowed', ''), { allow: 'GET, POST' });
  const invalid = () => send(res, 403, approvalPage('Invalid or expired link', '<p>This approval link is not valid (any more).</p>'));
  const claim = TOKEN.test(token) ? readApprovalClaim(token) : undefined;
  const stored = claim ? await options.bus.get<Job>('jobs', claim.jobId) : undefined;
  const resolved = stored ? resolveSecretReferences(stored.payload.params, stored.payload.secretRefs ?? [], options.vars ?? {}) : undefined;
  const parsed = resolved && 'params' in resolved ? CrosspostParamsSchema.safeParse(resolved.params) : undefined;
  const params = parsed?.success ? parsed.data : undefined;
  if (!stored || !params?.approval || approvalSecretProblem(params.approval.secret)) return invalid();
  const check = verifyApprovalToken(token, params.approval.secret, options.now());
  if (!check.ok) return invalid();
  const job = stored.payload;
  const already = (d: Decision) =>
    send(res, 409, approvalPage('Already decided', `<p>This post was already ${d === 'approve' ? 'approved' : 'rejected'}.</p>`));
  const earlier = await decisionOf(job, options);
  if (earlier) return already(earlier);
  if (req.method === 'GET')
    return send(res, 200, pendingPage(params.platform, preparePost(params, job).text, new Date(check.claim.expires * 1000)));
  const form = await readBody(req, FORM_LIMIT).catch((error: unknown) => {
    if (error instanceof BodyTooLargeError) return undefined;
    throw error;
  });
  if (!form) return tooLarge(req, res);
  const decision = decisionIn(form);
  if (!decision) return send(res, 400, approvalPage('Choose approve or reject', ''));
  const outcome = await decide(job, decision, options);
  if (outcome !== 'decided') return already(outcome.already);
  send(
    res,
    200,
    approvalPage(
      decision === 'approve' ? 'Approved' : 'Rejected',
      decision === 'approve' ? `<p>The ${params.platform} post is queued.</p>` : '<p>Nothing will be posted.</p>',
    ),
  );
}

/** The decision taken for this job, if any (older hubs recorded it only in the history). */
async function decisionOf(job: Job, options: ApprovalHandlerOptions): Promise<Decision | undefined> {
  const entry = await options.bus.kv(DECISIONS_BUCKET).get<{ decision: Decision }>(job.id);
  if (entry) return entry.value.decision;
  const recorded = (await options.bus.records(job.id)).find((r) => r.kind === 'approval');
  return recorded ? (recorded.data.decision as Decision) : undefined;
}

/**
 * Exactly one decision wins: it is claimed with a create-only write (revision 0) in a bus-wide bucket,
 * so two clicks, or two hub processes, cannot both pass. An approval whose job cannot be published
 * gives the claim back, so the user can try again instead of meeting "already decided".
 */
async function decide(job: Job, decision: Decision, options: ApprovalHandlerOptions): Promise<'decided' | { already: Decision }> {
  const time = options.now().toISOString();
  const bucket = options.bus.kv(DECISIONS_BUCKET);
  let revision: number;
  try {
    revision = await bucket.put(job.id, { decision, time }, { revision: 0 });
  } catch (error) {
    if (!(error instanceof KvConflictError)) throw error;
    return { already: (await decisionOf(job, options)) ?? decision };
  }
  if (decision === 'approve') {
    // The stored params, not the resolved ones: secrets stay `${VAR}` references in the new job too.
    const approved: Job = { ...job, id: `${job.id}:approved`, params: { ...job.params, approved: { at: time } }, createdAt: time };
    try {
      await options.bus.publish('jobs', { id: approved.id, subject: approved.action, payload: approved });
    } catch (error) {
      await bucket
        .delete(job.id, { revision })
        .catch((e: unknown) => options.logger.error({ err: e, jobId: job.id }, 'approval claim could not be released'));
      throw error;
    }
  }
  options.logger.info({ jobId: job.id, decision }, 'crosspost approval decided');
  // History is an observation (the event page shows it): losing it must not undo the decision.
  await options.bus
    .record({ ref: job.id, kind: 'approval', time, data: { decision } })
    .catch((error: unknown) => options.logger.warn({ err: error, jobId: job.id }, 'approval decided but not recorded in history'));
  return 'decided';
}

function decisionIn(form: Buffer): Decision | undefined {
  const decision = new URLSearchParams(form.toString('utf8')).get('decision');
  return decision === 'approve' || decision === 'reject' ? decision : undefined;
}

/** As the webhook route does: stop reading the upload, and close once the answer is out. */
function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => req.destroy());
  const page = approvalPage('Request too large', `<p>The approval form may be at most ${FORM_LIMIT} bytes.</p>`);
  send(res, 413, page, { connection: 'close' });
}

function send(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...HEADERS, ...extra }).end(html);
}
