import { Counter, type Registry } from 'prom-client';

/** Counters for the GitHub helpers, on the hub's registry (never prom-client's global one). */
export interface GithubMetrics {
  /** Hook changes by connector and action (created, updated, removed_duplicate). */
  readonly hookChanges: Counter<'connector' | 'action'>;
  /** Missed deliveries by connector and outcome (redelivered, already_in_hub, gave_up, error). */
  readonly recovered: Counter<'connector' | 'outcome'>;
}

export function createGithubMetrics(registry: Registry, prefix = 'hookhub_'): GithubMetrics {
  return {
    hookChanges: new Counter({
      name: `${prefix}github_hook_changes_total`,
      help: 'GitHub webhook changes made by the hub, by connector and action.',
      labelNames: ['connector', 'action'],
      registers: [registry],
    }),
    recovered: new Counter({
      name: `${prefix}github_missed_deliveries_total`,
      help: 'Failed GitHub deliveries found by reconciliation, by connector and outcome.',
      labelNames: ['connector', 'outcome'],
      registers: [registry],
    }),
  };
}
