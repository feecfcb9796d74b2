import type { WebhookRequest } from '../connector.ts';
import { getHeader } from '../shared/headers.ts';
import { safeEqualAny } from '../shared/safe-equal.ts';
import { VerificationError } from '../../src/errors.ts';

/**
 * Mattermost slash commands carry the command's token, in `Authorization: Token <token>` and in the
 * form's `token` field. Mattermost does not sign the body: the token proves the sender, and a
 * request that went through TLS cannot have been changed on the way.
 * https://developers.mattermost.com/integrate/slash-commands/custom/
 */
export function verifyMattermostToken(request: WebhookRequest, tokens: readonly string[]): void {
  const header = getHeader(request.headers, 'authorization');
  const fromHeader = header !== undefined ? /^Token\s+(\S+)$/i.exec(header)?.[1] : undefined;
  if (header !== undefined && fromHeader === undefined)
    throw new VerificationError('malformed Authorization header (expected "Token <token>")', { kind: 'malformed' });
  const received = fromHeader ?? formToken(request.body);
  if (received === undefined)
    throw new VerificationError('missing the slash command token (Authorization: Token … or the form field `token`)', { kind: 'missing' });
  if (!safeEqualAny(tokens, [received]))
    throw new VerificationError('the slash command token does not match any configured token', { kind: 'mismatch', signs: 'token' });
}

function formToken(body: Buffer): string | undefined {
  const token = new URLSearchParams(body.toString('utf8')).get('token');
  return token !== null && token.length > 0 ? token : undefined;
}
