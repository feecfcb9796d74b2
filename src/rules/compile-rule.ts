import type { HubEvent } from '../events/hub-event.ts';
import { findAction } from '../actions/registry.ts';
import { didYouMean } from '../shared/closest-match.ts';
import type { Diagnostic } from './diagnostics.ts';
import { compileActions } from './compile-actions.ts';
import { checkFrom, checkOn, checkSchedule, createReporter, toList, type Report } from './check-rule-trigger.ts';
import { scheduleEventType, type Rule, type RulesContext } from './rule.ts';
import { RULE_KEYS, RuleFieldSchemas, type RuleKey } from './rule-schema.ts';
import type { NoiseSpec } from '../noise/noise-spec.ts';
import type { TemplateEngine } from './template-engine.ts';
import { checkWhen, isPlainObject } from './when-check.ts';
import { compileWhen, type EventTester } from '../shared/when-filter.ts';
import { createWhenExplainer } from './when-explainer.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';
import { describe, issuesToDiagnostics } from './zod-issues.ts';

export interface RuleInput {
  raw: unknown;
  path: YamlPath;
  source: YamlSource;
  context: RulesContext;
  engine: TemplateEngine;
}

type Fields = { [K in RuleKey]?: unknown } & { name?: string; on?: string | string[]; from?: string | string[] };

/** Validates and compiles one rule. Returns undefined (with diagnostics in `out`) if it has any error. */
export function compileRule(input: RuleInput, out: Diagnostic[]): Rule | undefined {
  const { raw, path, source } = input;
  const before = out.filter((d) => d.severity === 'error').length;
  const report = createReporter(source, out);
  if (!isPlainObject(raw)) {
    report(path, `each rule is a map with name, on and do; got ${describe(raw)}`);
    return undefined;
  }
  const fields = checkShape(raw, input, out, report);
  checkMeaning(fields, raw, input, report);
  const when = isPlainObject(fields.when) ? fields.when : undefined;
  const test = when ? checkWhenFilter(when, [...path, 'when'], report) : () => true;
  const entries = Array.isArray(fields.do) ? fields.do : [];
  const actions = compileActions({ ...input, entries, path: [...path, 'do'] }, out);
  checkDigestActions(fields, actions, input, report);
  if (out.filter((d) => d.severity === 'error').length > before || !test) return undefined;
  return buildRule(fields, when, test, actions, input);
}

/** Each key against its own schema, so that every bad key is reported. */
function checkShape(raw: Record<string, unknown>, input: RuleInput, out: Diagnostic[], report: Report): Fields {
  const fields: Fields = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!(RULE_KEYS as string[]).includes(key)) {
      report(
        [...input.path, key],
        `unknown rule key "${key}"${didYouMean(key, RULE_KEYS)}; rule keys: ${RULE_KEYS.join(', ')}`,
        'error',
        'key',
      );
      continue;
    }
    const parsed = RuleFieldSchemas[key as RuleKey].safeParse(value);
    if (parsed.success) (fields as Record<string, unknown>)[key] = parsed.data;
    else out.push(...issuesToDiagnostics(parsed.error.issues, value, [...input.path, key], input.source, { label: '' }));
  }
  if (!('name' in raw)) report(input.path, 'rule is missing its name');
  if (!('do' in raw)) report(input.path, `rule${fields.name ? ` "${fields.name}"` : ''} is missing do: (the list of actions)`);
  return fields;
}

function checkMeaning(fields: Fields, raw: Record<string, unknown>, input: RuleInput, report: Report) {
  const { path, context } = input;
  const from = fields.from === undefined ? undefined : toList(fields.from);
  if ('on' in raw && 'schedule' in raw) {
    report([...path, 'schedule'], 'a rule has either on: (events) or schedule: (cron), not both');
  } else if (!('on' in raw) && !('schedule' in raw)) {
    report(path, 'rule needs on: (event types) or schedule: (a cron expression)');
  }
  if (fields.on !== undefined) checkOn(toList(fields.on), from, [...path, 'on'], context, report);
  if (from) checkFrom(from, [...path, 'from'], context, report);
  if (typeof fields.schedule === 'string') {
    checkSchedule(fields.schedule, fields.timezone as string | undefined, path, report);
    if (from) report([...path, 'from'], 'a scheduled rule is fired by the hub itself, so from: does not apply');
  } else if (fields.timezone !== undefined) {
    report([...path, 'timezone'], 'timezone applies to schedule: only');
  }
}

/**
 * A group (or events held outside active hours) goes out as one digest job built on the newest held
 * job; an action that cannot take a digest would refuse it, and every digest would be dead-lettered.
 */
function checkDigestActions(fields: Fields, actions: Rule['actions'], input: RuleInput, report: Report) {
  const hours = fields.activeHours as NoiseSpec['activeHours'] | undefined;
  const holding = fields.group !== undefined ? 'group:' : hours && hours.outside !== 'drop' ? 'activeHours: (outside: hold)' : undefined;
  if (!holding) return;
  for (const action of actions) {
    if (findAction(input.context.registry, action.type)?.sendsDigests) continue;
    report(
      [...input.path, 'do', action.index, action.type],
      `${action.type} cannot send a digest of the events ${holding} holds back (notify can); use throttle:, or activeHours with outside: drop`,
      'error',
      'key',
    );
  }
}

/** Returns the compiled filter, or undefined when it has errors (all reported). */
function checkWhenFilter(when: Record<string, unknown>, path: YamlPath, report: Report): EventTester | undefined {
  const problems = checkWhen(when);
  for (const problem of problems) report([...path, ...problem.path], problem.message, problem.severity, problem.part);
  if (problems.some((p) => p.severity === 'error')) return undefined;
  try {
    return compileWhen(when);
  } catch (error) {
    report(path, `when: ${(error as Error).message}`);
    return undefined;
  }
}

function buildRule(
  fields: Fields,
  when: Record<string, unknown> | undefined,
  test: EventTester,
  actions: Rule['actions'],
  input: RuleInput,
): Rule {
  const name = fields.name as string;
  const from = fields.from === undefined ? undefined : toList(fields.from);
  const schedule =
    typeof fields.schedule === 'string'
      ? { cron: fields.schedule, ...(typeof fields.timezone === 'string' ? { timezone: fields.timezone } : {}) }
      : undefined;
  const enabled = fields.enabled !== false;
  const explainWhen = when ? createWhenExplainer(when) : () => [];
  const fromSet = from ? new Set(from) : undefined;
  return {
    name,
    ...(typeof fields.description === 'string' ? { description: fields.description } : {}),
    where: input.source.locate(input.path),
    enabled,
    on: schedule ? [scheduleEventType(name)] : toList(fields.on ?? []),
    ...(from ? { from } : {}),
    ...(when ? { when } : {}),
    ...(schedule ? { schedule } : {}),
    ...noiseOf(fields),
    actions,
    check(event: HubEvent) {
      if (!enabled) return { ok: false, reason: 'disabled' };
      if (fromSet && !fromSet.has(event.connector)) return { ok: false, reason: 'from' };
      return test(event) ? { ok: true } : { ok: false, reason: 'when' };
    },
    explain: explainWhen,
  };
}

/** The noise keys (already validated by their schemas) as one spec, when the rule has any. */
function noiseOf(fields: Fields): { noise?: NoiseSpec } {
  const noise: NoiseSpec = {};
  if (fields.throttle) noise.throttle = fields.throttle as NoiseSpec['throttle'];
  if (fields.group) noise.group = fields.group as NoiseSpec['group'];
  if (fields.mute) noise.mute = fields.mute as NoiseSpec['mute'];
  if (fields.activeHours) noise.activeHours = fields.activeHours as NoiseSpec['activeHours'];
  return Object.keys(noise).length > 0 ? { noise } : {};
}
