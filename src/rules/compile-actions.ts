import type { Action } from '../actions/action.ts';
import { didYouMean } from '../shared/closest-match.ts';
import type { Diagnostic, SourcePos } from './diagnostics.ts';
import { findSecretReferences } from '../operations/secret-references.ts';
import { checkDestinations } from './check-destinations.ts';
import { compileParams, renderParams } from './compile-params.ts';
import type { CompiledAction, RulesContext } from './rule.ts';
import type { TemplateEngine, TemplateProblem } from './template-engine.ts';
import { isPlainObject } from './when-check.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';
import { describe, issuesToDiagnostics, schemaKeys } from './zod-issues.ts';
import { findAction, type ActionRegistry } from '../actions/registry.ts';

export interface ActionsInput {
  entries: readonly unknown[];
  /** Path of the `do:` list in the file. */
  path: YamlPath;
  source: YamlSource;
  context: RulesContext;
  engine: TemplateEngine;
}

/** Validates and compiles a rule's `do:` list; every problem goes to `out`. */
export function compileActions(input: ActionsInput, out: Diagnostic[]): CompiledAction[] {
  const actions: CompiledAction[] = [];
  input.entries.forEach((entry, index) => {
    const action = compileAction(entry, index, input, out);
    if (action) actions.push(action);
  });
  return actions;
}

function compileAction(entry: unknown, index: number, input: ActionsInput, out: Diagnostic[]): CompiledAction | undefined {
  const { source, context, engine } = input;
  const path = [...input.path, index];
  const err = (p: YamlPath, part: 'key' | 'value', message: string) => out.push({ ...source.locate(p, part), severity: 'error', message });
  if (!isPlainObject(entry) || Object.keys(entry).length !== 1) {
    const beside = isPlainObject(entry) ? paramsBesideAction(entry, context.registry) : undefined;
    const shape = `each do: entry is one { <action type>: params } map, e.g. "- notify: { channel: eng, text: hi }"; got ${describe(entry)}`;
    if (beside) err([...path, beside.firstParam], 'key', beside.message);
    else err(path, 'value', shape);
    return undefined;
  }
  const [type, rawParams] = Object.entries(entry)[0] as [string, unknown];
  const action = findAction(context.registry, type);
  if (!action) {
    const known = actionTypes(context.registry);
    err([...path, type], 'key', `unknown action type "${type}"${didYouMean(type, known)}; available: ${known.join(', ') || '(none)'}`);
    return undefined;
  }
  const params = rawParams ?? {};
  if (!isPlainObject(params)) {
    err([...path, type], 'value', `params of ${type} must be a map, got ${describe(params)}`);
    return undefined;
  }
  const errorCount = () => out.filter((d) => d.severity === 'error').length;
  const before = errorCount();
  checkParams(action, params, [...path, type], input, out);
  const keys = { raw: action.rawParams ?? [], url: action.destinationUrlParams ?? [] };
  const compiled = compileParams(params, keys, engine, (p, problem, text, severity) =>
    out.push({ ...templatePos(source, [...path, type, ...p], problem, text), severity, message: `${type}: ${problem.message}` }),
  );
  if (errorCount() > before) return undefined;
  const rawTextAt = (p: readonly (string | number)[]) => {
    const range = source.rangeOf([...path, type, ...p]);
    return range ? source.text.slice(range[0], range[1]) : undefined;
  };
  const secretRefs = findSecretReferences(params, rawTextAt, context.vars ?? {});
  return {
    type,
    index,
    where: source.locate(path),
    params,
    render: (event, extra) => renderParams(compiled, event, extra) as Record<string, unknown>,
    ...(secretRefs.length > 0 ? { secretRefs } : {}),
  };
}

function checkParams(action: Action, params: Record<string, unknown>, path: YamlPath, input: ActionsInput, out: Diagnostic[]) {
  const parsed = action.paramsSchema.safeParse(params);
  if (!parsed.success) {
    const options = { label: `${action.type}: `, knownKeys: schemaKeys(action.paramsSchema) };
    out.push(...issuesToDiagnostics(parsed.error.issues, params, path, input.source, options));
  }
  const channel = params.channel;
  const channels = input.context.channels;
  if (typeof channel === 'string' && !channel.includes('{{') && !channels.includes(channel)) {
    const known = channels.length > 0 ? `channels in hookhub.yaml: ${channels.join(', ')}` : 'hookhub.yaml defines no channels';
    out.push({
      ...input.source.locate([...path, 'channel']),
      severity: 'error',
      message: `${action.type}: unknown channel "${channel}"${didYouMean(channel, channels)}; ${known}`,
    });
  }
  checkDestinations({ action, params, path, source: input.source, network: input.context.network }, out);
}

/**
 * `- webhook:` with its params indented no deeper than `webhook` itself: YAML reads them as keys beside
 * an empty action, the commonest slip when a rule is typed by hand.
 */
function paramsBesideAction(entry: Record<string, unknown>, registry: ActionRegistry) {
  const keys = Object.keys(entry);
  const type = keys.find((key) => entry[key] == null && findAction(registry, key));
  const params = keys.filter((key) => key !== type);
  const firstParam = params[0];
  if (!type || !firstParam) return undefined;
  const list = params.join(', ');
  return {
    firstParam,
    message: `${list} sit beside "${type}:" instead of under it, so ${type} has no params: indent ${list} two spaces deeper than "${type}"`,
  };
}

export function actionTypes(registry: ActionRegistry): string[] {
  return Object.keys(registry);
}

/** Points at the exact spot inside the YAML value when the template appears verbatim in the file. */
function templatePos(source: YamlSource, path: YamlPath, problem: TemplateProblem, text: string): SourcePos {
  const range = source.rangeOf(path);
  if (!range) return source.locate(path);
  const at = source.text.slice(range[0], range[1]).indexOf(text);
  if (at < 0) return source.locate(path);
  const lines = text.split('\n');
  const before = lines.slice(0, problem.line - 1).reduce((n, l) => n + l.length + 1, 0);
  return source.posAt(range[0] + at + before + problem.column);
}
