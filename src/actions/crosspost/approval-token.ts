import { createHmac, timingSafeEqual } from 'node:crypto';

/** What an approval link names: the job, and when the link stops working. */
export interface ApprovalClaim {
  jobId: string;
  /** Expiry, epoch seconds. */
  expires: number;
}

const CONTEXT = 'hookhub-approval.v1.';

function sign(payload: string, secret: string): Buffer {
  // The context prefix keeps this MAC from ever being valid for another use of the same key.
  return createHmac('sha256', secret)
    .update(CONTEXT + payload)
    .digest();
}

/** `<base64url claim>.<base64url HMAC-SHA256>`: URL-safe, no padding. */
export function createApprovalToken(claim: ApprovalClaim, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ j: claim.jobId, e: claim.expires })).toString('base64url');
  return `${payload}.${sign(payload, secret).toString('base64url')}`;
}

/** Reads the claim without checking it (to find the job, whose params hold the secret). */
export function readApprovalClaim(token: string): ApprovalClaim | undefined {
  const [payload, mac, extra] = token.split('.');
  if (!payload || !mac || extra !== undefined) return undefined;
  try {
    const claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { j?: unknown; e?: unknown };
    return typeof claim.j === 'string' && typeof claim.e === 'number' ? { jobId: claim.j, expires: claim.e } : undefined;
  } catch {
    return undefined;
  }
}

export type ApprovalCheck = { ok: true; claim: ApprovalClaim } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

/** Checks the MAC in constant time, then the expiry. */
export function verifyApprovalToken(token: string, secret: string, now: Date): ApprovalCheck {
  const claim = readApprovalClaim(token);
  const [payload = '', mac = ''] = token.split('.');
  if (!claim) return { ok: false, reason: 'malformed' };
  const expected = sign(payload, secret);
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  if (claim.expires * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claim };
}
