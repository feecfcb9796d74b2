import type { HubEvent } from '../events/hub-event.ts';
import { compileWhen, readPath, type EventTester } from '../shared/when-filter.ts';
import type { FailedClause } from './rule.ts';

/**
 * Evaluates each top-level clause on its own and returns those that fail, with the value the
 * event had at that path, so `rules test` and history can say exactly why a rule was skipped.
 */
export function createWhenExplainer(when: Readonly<Record<string, unknown>>): (event: HubEvent) => FailedClause[] {
  let clauses: { clause: string; condition: unknown; test: EventTester }[] | undefined;
  return (event) => {
    // Built on first use: most rules are never explained, and 10,000 extra testers cost load time.
    clauses ??= Object.entries(when).map(([clause, condition]) => ({
      clause,
      condition,
      test: compileWhen({ [clause]: condition }),
    }));
    const failed: FailedClause[] = [];
    for (const { clause, condition, test } of clauses) {
      if (test(event)) continue;
      failed.push(clause.startsWith('$') ? { clause, condition } : { clause, condition, actual: readPath(event, clause) });
    }
    return failed;
  };
}
