import type { RuleSet } from '../rules/rule.ts';
import { environmentValuesOf, MIN_MASKED } from './event-view.ts';
import type { LiveSecrets } from './live-secrets.ts';
import { redactParams, urlOrigin } from './redact.ts';
import { withForms } from './secret-forms.ts';

const NONE: readonly string[] = [];

/**
 * What the hub knows to be secret, for masking text it did not write (a destination's error answer, an
 * exception message): the values the rules took from the environment and `fromConfig` (configSecrets:
 * what hookhub.yaml holds), each in every form text echoes it in (withForms), longest first, and what
 * the hub obtained since it started (`live`: a GitHub App's tokens, the creds file's JWT and seed).
 * Computed once per rule set (a hot reload brings a new one) and once per new live value, not per attempt.
 */
export function createKnownSecrets(
  fromConfig: readonly string[],
  live?: Pick<LiveSecrets, 'forms'>,
): (ruleSet: Pick<RuleSet, 'rules'>) => readonly string[] {
  const cache = new WeakMap<object, { own: readonly string[]; live: readonly string[]; known: readonly string[] }>();
  return (ruleSet) => {
    const liveForms = live?.forms() ?? NONE;
    let entry = cache.get(ruleSet);
    if (entry === undefined || entry.live !== liveForms) {
      const own = entry?.own ?? withForms([...environmentValuesOf(ruleSet), ...fromConfig]);
      const known = liveForms.length === 0 ? own : [...new Set([...own, ...liveForms])].sort((a, b) => b.length - a.length);
      entry = { own, live: liveForms, known };
      cache.set(ruleSet, entry);
    }
    return entry.known;
  };
}

/**
 * What redactParams hides in `action`'s params (secret-named fields, destination URLs, header values), in
 * the forms text shows them in: a URL by what follows its host (`services/T/B/secret`), so the host still shows.
 */
export function paramSecrets(action: string, params: unknown): string[] {
  const found: string[] = [];
  collectHidden(params, redactParams(action, params), found, 0);
  return [...new Set(found)].filter((value) => value.length >= MIN_MASKED);
}

/**
 * A channel's credentials: its URL's path, query and user:password (a Slack webhook's `services/T/B/secret`),
 * its header values and signing secret (all as in a webhook's params), and its SMTP password.
 */
export function channelSecrets(channel: Readonly<Record<string, unknown>>): string[] {
  const smtp = channel.smtp as { pass?: unknown } | undefined;
  const pass = typeof smtp?.pass === 'string' && smtp.pass.length >= MIN_MASKED ? [smtp.pass] : [];
  return [...paramSecrets('webhook', channel), ...pass];
}

/** The strings of `original` that `shown` (its redacted copy) does not show as they are. */
function collectHidden(original: unknown, shown: unknown, found: string[], depth: number): void {
  if (depth > 32 || original === shown) return;
  if (typeof original === 'string') found.push(...textForms(original));
  else if (original === null || typeof original !== 'object') return;
  else if (shown === null || typeof shown !== 'object') collectStrings(original, found, depth);
  else for (const [key, item] of Object.entries(original)) collectHidden(item, (shown as Record<string, unknown>)[key], found, depth + 1);
}

/** Every string in a value masked whole (a list of signing secrets). */
function collectStrings(value: unknown, found: string[], depth: number): void {
  if (typeof value === 'string') found.push(value);
  else if (depth <= 32 && value !== null && typeof value === 'object')
    for (const item of Object.values(value)) collectStrings(item, found, depth + 1);
}

/** A URL's parts after its host, as written and as a URL parser prints them, and its user and password; any other value as it is. */
function textForms(value: string): string[] {
  // The test first: most values are no URL, and a failed parse throws (about 10 µs).
  if (!/^https?:\/\//i.test(value) || urlOrigin(value) === undefined) return [value];
  const url = new URL(value);
  const written = value.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*\/?/i, '');
  const parsed = `${url.pathname.replace(/^\//, '')}${url.search}${url.hash}`;
  return [written, parsed, url.username, url.password, decoded(url.password)];
}

export function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
