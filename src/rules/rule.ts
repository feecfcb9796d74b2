import type { HubEvent } from '../events/hub-event.ts';
import type { NoiseSpec } from '../noise/noise-spec.ts';
import type { Diagnostic, SourcePos } from './diagnostics.ts';
import type { SecretReference } from '../operations/secret-references.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import type { NetworkPolicy } from '../actions/runtime/ssrf/network-policy.ts';

/** What the rules are checked against when they load. */
export interface RulesContext {
  registry: ActionRegistry;
  /** Channel names from hookhub.yaml: an action param named `channel` must name one of them. */
  channels: readonly string[];
  /** Connector names from hookhub.yaml: every `from:` entry must name one of them. */
  connectors: readonly string[];
  /**
   * Connector name → connector type (the provider, first segment of its event types).
   * When given, an `on:` glob no connector can ever produce is a warning.
   */
  connectorTypes?: Readonly<Record<string, string>>;
  /** Environment for `${VAR}` references in rule files (the same variables hookhub.yaml sees). */
  vars?: Readonly<Record<string, string | undefined>>;
  /**
   * The SSRF guard's policy (hookhub.yaml `delivery`). When given, a destination URL written out in a rule
   * that the guard will refuse at delivery is a warning.
   */
  network?: NetworkPolicy;
}

/** Extra values a template can read as `{{@now}}` and `{{@rule}}`. */
export interface RenderContext {
  now: Date;
  rule: string;
}

/** One `do:` entry, with its params compiled into templates. */
export interface CompiledAction {
  readonly type: string;
  readonly index: number;
  readonly where: SourcePos;
  /** The params as written in the file. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Renders every template against the event. Throws when a template fails at runtime. */
  render(event: HubEvent, context: RenderContext): Record<string, unknown>;
  /** Secret params written as `${VAR}`: jobs store the reference there, and workers resolve it at send time. */
  readonly secretRefs?: readonly SecretReference[];
}

/** A top-level `when:` clause that did not hold, with the value the event actually had. */
export interface FailedClause {
  /** The clause key: a dotted path, or `$or`/`$and`/`$nor`. */
  clause: string;
  condition: unknown;
  /** The value at the path (undefined when absent or for logical operators). */
  actual?: unknown;
}

export type RuleCheck = { ok: true } | { ok: false; reason: 'disabled' | 'from' | 'when' };

/** A loaded, validated rule. Plain data plus the compiled filter and actions. */
export interface Rule {
  readonly name: string;
  readonly description?: string;
  readonly where: SourcePos;
  readonly enabled: boolean;
  /** Type globs. A scheduled rule listens to `hookhub.schedule.<name>`. */
  readonly on: readonly string[];
  readonly from?: readonly string[];
  readonly when?: Readonly<Record<string, unknown>>;
  readonly schedule?: { cron: string; timezone?: string };
  readonly actions: readonly CompiledAction[];
  /** `throttle:`, `group:`, `mute:`, `activeHours:` — applied by the router before jobs are published. */
  readonly noise?: NoiseSpec;
  /** Where a rule made outside the rule files comes from, e.g. a chat subscription: `slack #eng (C1) by @ana at …`. */
  readonly origin?: string;
  /**
   * The values its file took from the environment (`${VAR}`): rendered params show them to viewers as
   * `[redacted, N chars]` wherever they appear, whatever the param is called (operations/event-view.ts).
   */
  readonly envValues?: readonly string[];
  /** Everything but the type (the index handles that): enabled, `from`, `when`. */
  check(event: HubEvent): RuleCheck;
  /** Which top-level `when` clauses fail for this event (for near-miss reports). */
  explain(event: HubEvent): FailedClause[];
}

/** How one rule whose type matched fared against an event. */
export type RuleVerdict =
  { rule: Rule; outcome: 'matched' } | { rule: Rule; outcome: 'skipped'; reason: 'disabled' | 'from' | 'when'; failed: FailedClause[] };

/** An immutable, indexed set of rules. Swapped whole on reload. */
export interface RuleSet {
  readonly rules: readonly Rule[];
  /** Rules with `schedule:` (enabled or not); the scheduler publishes their events. */
  readonly scheduled: readonly Rule[];
  readonly files: readonly string[];
  /** Enabled rules that match the event, in file order. */
  match(event: HubEvent): Rule[];
  /** Every rule whose type matched, with its outcome (for history records and `rules test`). */
  explain(event: HubEvent): RuleVerdict[];
  /** Whether any rule's `on` takes this event type: when none does, nothing needs the event's data. */
  considers(type: string): boolean;
}

export interface LoadResult {
  ruleSet: RuleSet;
  diagnostics: Diagnostic[];
  /** True when there is no error (warnings allowed). */
  ok: boolean;
}

/** The event type a scheduled rule fires on. */
export function scheduleEventType(ruleName: string): string {
  return `hookhub.schedule.${ruleName}`;
}
