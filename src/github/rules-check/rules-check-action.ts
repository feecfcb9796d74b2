import type { Logger } from 'pino';
import { z } from 'zod';
import type { Action, ActionDeps, ActionResult } from '../../actions/action.ts';
import type { LiveSecrets } from '../../operations/live-secrets.ts';
import { recentEvents } from '../../operations/recent-events.ts';
import { diffRuleSets } from '../../operations/rules-diff.ts';
import { compileRuleSources } from '../../rules/compile-rule-sources.ts';
import type { RulesContext } from '../../rules/rule.ts';
import { PermanentError } from '../../errors.ts';
import { createGithubClient, type GithubClient } from '../github-client.ts';
import type { GithubConnectorSettings } from '../github-settings.ts';
import { checkOutcome, checksForbidden, publishCheck, publishStatus, type CheckOutcome } from './check-run.ts';
import { RULES_CHECK_ACTION, type RulesCheckParams } from './rules-check-rule.ts';
import { asDeliveryError, ruleSourcesAt, touchesRules, type RulesRepo } from './rules-repo-api.ts';

export interface RulesCheckActionOptions {
  /** github connectors with `rulesCheck` and API access. */
  connectors: readonly GithubConnectorSettings[];
  /** What the hub's rules are compiled against (read when a job runs: the registry includes this action). */
  context: () => RulesContext;
  logger: Logger;
  /** Given the tokens a GitHub App's key mints, so attempt records mask them. */
  liveSecrets?: Pick<LiveSecrets, 'add'>;
}

const ParamsSchema = z.strictObject({ connector: z.string(), pull: z.string(), head: z.string(), base: z.string() });

/** The diff's time budget inside a worker: matching is CPU work next to other jobs. */
const BUDGET_MS = 5_000;

/** `rules-check`: diffs a pull request's rules against its base on recent events, and posts the result as a check run. */
export function createRulesCheckAction(options: RulesCheckActionOptions): Action<RulesCheckParams> {
  const clients = new Map<string, GithubClient>();
  const clientFor = (settings: GithubConnectorSettings, deps: ActionDeps): GithubClient => {
    let client = clients.get(settings.name);
    if (!client) {
      if (!settings.auth) throw new PermanentError(`connectors.${settings.name}: rulesCheck needs GitHub API access (app or token)`);
      // The worker retries with backoff and dead-letters; the client should not retry on its own as well.
      client = createGithubClient({
        apiUrl: settings.apiUrl,
        auth: settings.auth,
        logger: options.logger,
        now: deps.now,
        fetch: deps.fetch,
        retries: 0,
        writeIntervalMs: 0,
        maxRateLimitWaitMs: 10_000,
        ...(options.liveSecrets ? { liveSecrets: options.liveSecrets } : {}),
      });
      clients.set(settings.name, client);
    }
    return client;
  };
  return {
    type: RULES_CHECK_ACTION,
    paramsSchema: ParamsSchema,
    destination: (params) => `github:${params.connector}`,
    async execute(params, ctx) {
      const settings = options.connectors.find((c) => c.name === params.connector);
      const check = settings?.config.rulesCheck;
      if (!settings || !check) throw new PermanentError(`no github connector "${params.connector}" with rulesCheck`);
      const [owner = '', repo = ''] = check.repo.split('/');
      const where: RulesRepo = { owner, repo, path: check.path };
      try {
        const client = withSignal(clientFor(settings, ctx), ctx.signal);
        return await runCheck(client, where, params, { ...ctx, last: check.last, context: options.context() });
      } catch (error) {
        throw error instanceof PermanentError ? error : asDeliveryError(error, `rules check of ${check.repo}#${params.pull}`, ctx.now());
      }
    },
  };
}

/**
 * The shared client, with every request of this attempt ended by the attempt's signal: a stopping worker
 * must not wait for a request or a rate-limit wait (up to 10 s) that no one will read.
 */
function withSignal(client: GithubClient, signal: AbortSignal): GithubClient {
  return Object.assign(Object.create(client) as GithubClient, { request: client.request.defaults({ request: { signal } }) });
}

async function runCheck(
  client: GithubClient,
  where: RulesRepo,
  params: RulesCheckParams,
  deps: ActionDeps & { last: number; context: RulesContext },
): Promise<ActionResult> {
  const pull = Number(params.pull);
  if (!Number.isInteger(pull) || !/^[0-9a-f]{7,64}$/i.test(params.head))
    throw new PermanentError(`not a pull request event (pull "${params.pull}", head "${params.head}")`);
  if (!(await touchesRules(client, where, pull))) return { response: `#${pull} changes nothing under ${where.path}/: no check` };
  if (!deps.history) throw new Error('rules-check needs the bus history (the workers pass it)');
  const [base, head] = await Promise.all([ruleSourcesAt(client, where, params.base), ruleSourcesAt(client, where, params.head)]);
  const baseRules = compileRuleSources(base, deps.context);
  const headRules = compileRuleSources(head, deps.context);
  const diff = headRules.ok
    ? await diffRuleSets(baseRules.ruleSet, headRules.ruleSet, recentEvents(deps.history, { last: deps.last }), {
        registry: deps.context.registry,
        now: deps.now(),
        budgetMs: BUDGET_MS,
      })
    : undefined;
  const outcome = checkOutcome(headRules.diagnostics, diff, {
    base: `base ${params.base.slice(0, 7)}`,
    head: `head ${params.head.slice(0, 7)}`,
  });
  return publish(client, where, params.head, outcome);
}

async function publish(client: GithubClient, where: RulesRepo, headSha: string, outcome: CheckOutcome): Promise<ActionResult> {
  try {
    const run = await publishCheck(client, where, headSha, outcome);
    return {
      status: run.created ? 201 : 200,
      response: `check run ${run.id} ${run.created ? 'created' : 'updated'}: ${outcome.conclusion}, ${outcome.title}`,
    };
  } catch (error) {
    if (!checksForbidden(error)) throw error;
    await publishStatus(client, where, headSha, outcome);
    return { status: 201, response: `commit status (the credentials cannot write check runs): ${outcome.conclusion}, ${outcome.title}` };
  }
}
