import type { Action } from './action.ts';

/** Action types by name: the keys rules use in `do:` and the subjects of the `jobs` stream. The one registry type. */
export type ActionRegistry = Readonly<Record<string, Action>>;

/** The one lookup: own properties only, so a job or rule naming `constructor` or `toString` is an unknown action. */
export function findAction(registry: ActionRegistry, type: string): Action | undefined {
  return Object.hasOwn(registry, type) ? registry[type] : undefined;
}
