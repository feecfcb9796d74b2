import { z } from 'zod';
import type { Action } from '../../../src/actions/action.ts';
import { createHubEvent, type HubEvent, type HubEventInit } from '../../../src/events/hub-event.ts';
import { compileRuleSources } from '../../../src/rules/compile-rule-sources.ts';
import type { LoadResult, RulesContext } from '../../../src/rules/rule.ts';
import type { ActionRegistry } from '../../../src/actions/registry.ts';

/** Test stand-ins for the real actions, with the params schemas the real ones will have. */
const NotifyParamsSchema = z.strictObject({
  channel: z.string(),
  text: z.string(),
  title: z.string().optional(),
  url: z.string().optional(),
  color: z.string().optional(),
  fields: z.array(z.strictObject({ title: z.string(), value: z.string() })).optional(),
});

const WebhookParamsSchema = z.strictObject({
  url: z.string(),
  method: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  body: z.unknown().optional(),
  secret: z.string().optional(),
});

function testAction(type: string, paramsSchema: z.ZodType<Record<string, unknown>>): Action {
  return {
    type,
    paramsSchema,
    destination: (params) => String(params.channel ?? params.url),
    execute: () => Promise.resolve({}),
  };
}

export const testRegistry: ActionRegistry = {
  notify: testAction('notify', NotifyParamsSchema),
  webhook: testAction('webhook', WebhookParamsSchema),
};

export const testContext: RulesContext = {
  registry: testRegistry,
  channels: ['eng', 'payments', 'releases', 'ops', 'community'],
  connectors: ['github', 'stripe', 'billing'],
  connectorTypes: { github: 'github', stripe: 'stripe', billing: 'standard-webhooks' },
};

/** Compiles one YAML text as `rules/test.yaml`. */
export function compileYaml(text: string, context: RulesContext = testContext): LoadResult {
  return compileRuleSources([{ file: 'rules/test.yaml', text }], context);
}

/** Diagnostics as printed: `file:line:col: message`. */
export function printed(result: LoadResult): string[] {
  return result.diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`);
}

export function event(init: Partial<HubEventInit> & { type: string }): HubEvent {
  return createHubEvent(
    { id: 'evt_1', connector: init.type.split('.')[0] ?? 'github', data: {}, ...init },
    new Date('2026-01-05T10:00:00Z'),
  );
}

export const fixedNow = new Date('2026-01-05T12:00:00Z');
