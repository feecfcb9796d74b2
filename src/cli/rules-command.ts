import type { Command } from 'commander';
import type { EventBus } from '../bus/event-bus.ts';
import { registerRulesDiff } from './rules-diff-command.ts';
import { registerRulesTest } from './rules-test-command.ts';
import { formatDiagnostic } from '../rules/diagnostics.ts';
import { loadRuleSet } from '../rules/load-rule-set.ts';
import type { LoadResult, Rule, RulesContext } from '../rules/rule.ts';
import { createRuleSet } from '../rules/rule-set.ts';
import { formatRuleList, ruleListJson } from '../rules/rule-list.ts';
import type { ConnectorBlocks } from '../rules/sample-event.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import type { NetworkPolicy } from '../actions/runtime/ssrf/network-policy.ts';

/** What the rules commands need from hookhub.yaml (the lead's config loader provides it). */
export interface RulesCommandContext {
  rulesDir: string;
  channels: readonly string[];
  connectors: readonly string[];
  /** Connector name → type, for "this glob can never match" warnings. */
  connectorTypes?: Readonly<Record<string, string>>;
  registry: ActionRegistry;
  /** Connector blocks from hookhub.yaml (with secrets), for `rules test --sample`. */
  connectorConfigs?: ConnectorBlocks;
  /** Environment for `${VAR}` in rule files. */
  vars?: Readonly<Record<string, string | undefined>>;
  /** hookhub.yaml's SSRF guard settings, for "the guard will refuse this URL" warnings. */
  network?: NetworkPolicy;
}

export interface RulesCommandDeps {
  /** Loads hookhub.yaml (from `--config` when given). */
  loadContext: (options: { config?: string }) => Promise<RulesCommandContext>;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  readStdin?: () => Promise<string>;
  setExitCode?: (code: number) => void;
  now?: () => Date;
  /** Rules made outside the files (chat subscriptions), shown by `rules list` with their origin. */
  loadExtraRules?: (options: { config?: string }) => Promise<readonly Rule[]>;
  /** Opens the configured bus, for `rules diff` (stored events). */
  openBus?: (options: { config?: string }) => Promise<EventBus>;
}

export interface CommonOptions {
  config?: string;
  rules?: string;
  json?: boolean;
}

export interface RulesCli {
  deps: RulesCommandDeps;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
  fail: (code: number) => void;
  now: () => Date;
  load(opts: CommonOptions, paths?: string[]): Promise<{ result: LoadResult; ctx: RulesCommandContext }>;
  /** Prints diagnostics to stderr; false (and exit code 1) when there are errors. */
  report(result: LoadResult): boolean;
}

/** Registers `hookhub rules validate|test|list|diff`. */
export function registerRulesCommand(program: Command, deps: RulesCommandDeps): Command {
  const err = deps.stderr ?? process.stderr;
  const fail = deps.setExitCode ?? ((code: number) => void (process.exitCode = code));
  const cli: RulesCli = {
    deps,
    out: deps.stdout ?? process.stdout,
    err,
    fail,
    now: deps.now ?? (() => new Date()),
    async load(opts, paths) {
      const ctx = await deps.loadContext(opts.config === undefined ? {} : { config: opts.config });
      const targets = paths && paths.length > 0 ? paths : [opts.rules ?? ctx.rulesDir];
      return { result: await loadRuleSet(targets, rulesContextOf(ctx)), ctx };
    },
    report(result) {
      for (const d of result.diagnostics) err.write(`${formatDiagnostic(d)}\n`);
      if (!result.ok) fail(1);
      return result.ok;
    },
  };
  const rules = program.command('rules').description('validate, dry-run and list rules');
  registerValidate(rules, cli);
  registerRulesTest(rules, cli);
  registerList(rules, cli);
  if (deps.openBus)
    registerRulesDiff(rules, { loadContext: deps.loadContext, openBus: deps.openBus, out: cli.out, err, fail, now: cli.now });
  return rules;
}

/** The context rules are compiled against, from what hookhub.yaml gave the command. */
export function rulesContextOf(ctx: RulesCommandContext): RulesContext {
  return {
    registry: ctx.registry,
    channels: ctx.channels,
    connectors: ctx.connectors,
    ...(ctx.connectorTypes ? { connectorTypes: ctx.connectorTypes } : {}),
    ...(ctx.vars ? { vars: ctx.vars } : {}),
    ...(ctx.network ? { network: ctx.network } : {}),
  };
}

function registerValidate(rules: Command, cli: RulesCli) {
  rules
    .command('validate [paths...]')
    .description('check rule files (default: the rules folder from hookhub.yaml); prints file:line:col: message for each problem')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .action(async (paths: string[], opts: CommonOptions) => {
      const { result } = await cli.load(opts, paths);
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      const warnings = result.diagnostics.length - errors;
      cli.report(result);
      const summary = `${result.ruleSet.rules.length} rule(s) in ${result.ruleSet.files.length} file(s): ${errors} error(s), ${warnings} warning(s)\n`;
      (errors > 0 ? cli.err : cli.out).write(summary);
    });
}

function registerList(rules: Command, cli: RulesCli) {
  rules
    .command('list')
    .description('list the loaded rules')
    .option('-r, --rules <dir>', 'rules folder or file (default: from hookhub.yaml)')
    .option('-c, --config <file>', 'path to hookhub.yaml')
    .option('--json', 'machine-readable output')
    .action(async (opts: CommonOptions) => {
      const { result } = await cli.load(opts);
      if (!cli.report(result)) return;
      const extra = await loadExtra(cli, opts);
      const ruleSet = extra.length > 0 ? createRuleSet([...result.ruleSet.rules, ...extra], result.ruleSet.files) : result.ruleSet;
      cli.out.write(opts.json ? `${JSON.stringify(ruleListJson(ruleSet), null, 2)}\n` : formatRuleList(ruleSet));
    });
}

/** Subscription rules for `rules list`; a bus that cannot be read is a warning, not a failure. */
async function loadExtra(cli: RulesCli, opts: CommonOptions): Promise<readonly Rule[]> {
  if (!cli.deps.loadExtraRules || opts.rules !== undefined) return [];
  try {
    return await cli.deps.loadExtraRules(opts.config === undefined ? {} : { config: opts.config });
  } catch (error) {
    cli.err.write(`warning: could not read chat subscriptions: ${(error as Error).message}\n`);
    return [];
  }
}
