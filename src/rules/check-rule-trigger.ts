import { validateDetailed } from 'node-cron';
import { githubGlobProblem } from '../../connectors/github/event-names.ts';
import { isValidTypeGlob, literalPrefix } from '../events/type-glob.ts';
import { didYouMean } from '../shared/closest-match.ts';
import type { Diagnostic } from './diagnostics.ts';
import type { RulesContext } from './rule.ts';
import { isValidTimeZone } from './template-format-helpers.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';

/** Reports a problem at a path in the file. */
export type Report = (path: YamlPath, message: string, severity?: 'error' | 'warning', part?: 'key' | 'value') => void;

export function createReporter(source: YamlSource, out: Diagnostic[]): Report {
  return (path, message, severity = 'error', part = 'value') => out.push({ ...source.locate(path, part), severity, message });
}

export function toList(value: string | readonly string[]): string[] {
  return typeof value === 'string' ? [value] : [...value];
}

/** Checks `on:` globs: syntax, and (as warnings) globs no connector could ever produce or naming an event the provider never sends. */
export function checkOn(globs: string[], from: string[] | undefined, path: YamlPath, context: RulesContext, report: Report) {
  globs.forEach((glob, i) => {
    // For `on: x` (not a list) the index finds no child and locate() falls back to the value.
    const at = [...path, i];
    if (!isValidTypeGlob(glob)) {
      report(at, invalidGlobMessage(glob));
      return;
    }
    const impossible = impossibleReason(glob, from, context) ?? unsentEventReason(glob);
    if (impossible) report(at, `"${glob}" can never match: ${impossible}`, 'warning');
  });
}

function invalidGlobMessage(glob: string): string {
  if (glob.trim() === '') return 'on: an event type glob cannot be empty';
  if (isValidTypeGlob(glob.toLowerCase())) return `event types are lowercase: use "${glob.toLowerCase()}"`;
  if (glob.split('.').slice(0, -1).includes('**')) return `"${glob}": ** matches the rest of the type, so it can only be the last segment`;
  return `"${glob}" is not an event type glob: dot-separated lowercase segments, * for one segment, ** for the rest (e.g. github.pull_request.*)`;
}

function impossibleReason(glob: string, from: string[] | undefined, context: RulesContext): string | undefined {
  const segments = glob.split('.');
  if (segments.length === 1 && segments[0] !== '**')
    return `event types have at least two segments (<provider>.<event>); did you mean "${glob}.**"?`;
  const provider = literalPrefix(glob)[0];
  const types = context.connectorTypes;
  if (provider === undefined || provider === 'hookhub' || !types) return undefined;
  const allowed = new Set(from ? from.map((name) => types[name]).filter((t) => t !== undefined) : Object.values(types));
  if (allowed.size === 0 || allowed.has(provider)) return undefined;
  const list = [...allowed].join(', ');
  return from
    ? `from: ${from.join(', ')} only produce ${list} events`
    : `no configured connector produces ${provider}.* events (they produce ${[...allowed].map((p) => `${p}.*`).join(', ')})${didYouMean(provider, allowed)}`;
}

/** Providers whose own event and action names a glob is checked against, given its segments after the provider. */
const PROVIDER_EVENT_NAMES: Readonly<Record<string, (segments: readonly string[]) => string | undefined>> = {
  github: githubGlobProblem,
};

function unsentEventReason(glob: string): string | undefined {
  const [provider = '', ...segments] = glob.split('.');
  return Object.hasOwn(PROVIDER_EVENT_NAMES, provider) ? PROVIDER_EVENT_NAMES[provider]?.(segments) : undefined;
}

export function checkFrom(names: string[], path: YamlPath, context: RulesContext, report: Report) {
  names.forEach((name, i) => {
    if (context.connectors.includes(name)) return;
    const known =
      context.connectors.length > 0 ? `connectors in hookhub.yaml: ${context.connectors.join(', ')}` : 'hookhub.yaml defines no connectors';
    report([...path, i], `from: unknown connector "${name}"${didYouMean(name, context.connectors)}; ${known}`);
  });
}

/** Checks `schedule:` with node-cron's own parser, and its `timezone:`. */
export function checkSchedule(cron: string, timezone: string | undefined, path: YamlPath, report: Report) {
  const result = validateDetailed(cron);
  if (!result.valid) {
    const details = result.errors.map((e) => e.message).join('; ');
    report([...path, 'schedule'], `invalid cron "${cron}": ${details} (format: [second] minute hour day-of-month month day-of-week)`);
  }
  if (timezone !== undefined && !isValidTimeZone(timezone)) {
    report([...path, 'timezone'], `unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin)`);
  }
}
