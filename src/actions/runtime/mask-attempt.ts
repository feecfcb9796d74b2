import { createMasker, MIN_MASKED } from '../../operations/event-view.ts';
import { paramSecrets } from '../../operations/known-secrets.ts';
import { formsOfOwn, holdsAny } from '../../operations/secret-forms.ts';
import { RESPONSE_SNIPPET_BYTES } from './http-outcome.ts';
import type { PreparedJob } from './prepare-job.ts';
import type { AttemptOutcome } from './run-attempt.ts';

/** The shortest start of a secret masked at the end of a cut text: a body kept to 2 KB, or a message cut at 300 characters, may end inside one. */
const CUT_PREFIX = 4;

/**
 * An attempt's outcome as it is recorded, logged and reported (attempt records, dead letters, the
 * dead_lettered meta-event): what the hub knows to be secret (`known`, createKnownSecrets: the rules'
 * environment values and hookhub.yaml's secrets, in all their forms) and what the job's own params hide
 * from viewers (its resolved secrets, its destination URL and header values, in all their forms too: a
 * Jenkins `Basic base64(user:token)`) masked wherever the destination's answer or the error message
 * echoes them (`401 {"error":"invalid key sk_live_…"}`).
 */
export function maskOutcome(
  outcome: AttemptOutcome,
  known: readonly string[],
  prepared: Pick<PreparedJob, 'action' | 'params'>,
): AttemptOutcome {
  const texts = [outcome.response, ...(outcome.ok ? [outcome.label, outcome.warning] : [outcome.message])].filter(
    (text): text is string => text !== undefined && text.length >= MIN_MASKED,
  );
  if (texts.length === 0) return outcome;
  const own = formsOfOwn(known, paramSecrets(prepared.action.type, prepared.params));
  // Most answers echo nothing: one pass over each text spares a search for each of the known forms.
  const echoesKnown = texts.some((text) => holdsAny(known, text) || wasCut(text));
  const hidden = echoesKnown ? [...known, ...own] : own;
  if (hidden.length === 0) return outcome;
  const masked = createMasker(hidden)(outcome);
  if (masked.response !== undefined && wasCut(outcome.response)) masked.response = maskCutTail(masked.response, hidden);
  if (!masked.ok && !outcome.ok && wasCut(outcome.message)) masked.message = maskCutTail(masked.message, hidden);
  return masked;
}

/** A body kept to its first RESPONSE_SNIPPET_BYTES, or a provider's message cut with `…` (providerErrorMessage). */
function wasCut(text: string | undefined): boolean {
  return text !== undefined && (text.endsWith('…') || Buffer.byteLength(text) >= RESPONSE_SNIPPET_BYTES - 3);
}

/** `text` with a trailing start of one of `hidden` (before a `…` that marks a cut) masked. */
function maskCutTail(text: string, hidden: readonly string[]): string {
  const end = text.endsWith('…') ? text.length - 1 : text.length;
  const last = text.charCodeAt(end - 1);
  let longest = 0;
  for (const secret of hidden) {
    if (secret.length < MIN_MASKED) continue;
    for (let n = Math.min(secret.length - 1, end); n >= CUT_PREFIX && n > longest; n -= 1) {
      if (secret.charCodeAt(n - 1) === last && text.startsWith(secret.slice(0, n), end - n)) longest = n;
    }
  }
  return longest === 0 ? text : `${text.slice(0, end - longest)}[redacted, cut]${text.slice(end)}`;
}
